"""The pipeline entry point: tables written, exit codes, messages."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest

from helpers.load import DOCUMENT_COLUMNS
from helpers.pipeline import main, run_pipeline


def test_cli_writes_documents_for_the_seeds(seed_dir, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["--raw-dir", str(seed_dir), "--out-dir", str(out)]) == 0
    docs = pd.read_csv(out / "documents.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(docs.columns[: len(DOCUMENT_COLUMNS)]) == DOCUMENT_COLUMNS
    assert len(docs) == 5
    assert (out / "documents.parquet").exists()
    assert (out / "documents.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    printed = capsys.readouterr().out
    assert "5 file(s) found, 5 read, 0 skipped" in printed


def test_skipped_files_are_named_in_summary_and_quality_log(make_raw_dir, tmp_path, capsys):
    raw = make_raw_dir(
        {"good.txt": "教育局年度工作总结\n全市中考A等学生共计895人。\n", "empty.txt": b""}
    )
    out = tmp_path / "out"
    assert main(["--raw-dir", str(raw), "--out-dir", str(out)]) == 0
    captured = capsys.readouterr()
    assert "skipped empty.txt: empty file" in captured.out
    log = pd.read_csv(out / "quality_log.csv", encoding="utf-8-sig", keep_default_na=False)
    row = log[(log.doc_id == "empty") & (log.kind == "skipped")]
    assert len(row) == 1 and row.iloc[0]["detail"].startswith("empty file")


def test_missing_raw_dir_exits_2_with_advice(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "helpers.pipeline",
            "--raw-dir",
            str(tmp_path / "nope"),
            "--out-dir",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        check=False,  # the exit code is what the test asserts
    )
    assert proc.returncode == 2
    assert "raw directory not found" in proc.stderr and "--raw-dir" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_unwritable_out_dir_exits_3_and_writes_nothing(make_raw_dir, tmp_path, capsys):
    raw = make_raw_dir({"a.txt": "教育"})
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert main(["--raw-dir", str(raw), "--out-dir", str(blocker / "out")]) == 3
    assert "cannot write to output directory" in capsys.readouterr().err
    assert blocker.read_text() == "not a folder"


def test_run_pipeline_rejects_missing_dir(tmp_path):
    with pytest.raises(FileNotFoundError):
        run_pipeline(tmp_path / "missing", tmp_path / "out")


def test_quality_log_counts_only_warning_flags(make_raw_dir, tmp_path):
    """An approximate amount (approx=余) is described, not flagged; a rate above 100% is."""
    raw = make_raw_dir(
        {
            "approx.txt": "鎮教育工作總結\n投资10万余元实施校舍维修工程。\n",
            "scale.txt": "镇教育工作总结\n全镇小学入学率达到102%。\n",
        }
    )
    out = tmp_path / "out"
    assert main(["--raw-dir", str(raw), "--out-dir", str(out), "--quiet", "--no-cache"]) == 0
    log = pd.read_csv(out / "quality_log.csv", encoding="utf-8-sig", keep_default_na=False)
    flagged = log[log.kind == "flagged_figure"].set_index("doc_id")["count"].to_dict()
    figures = pd.read_csv(out / "figures.csv", encoding="utf-8-sig", keep_default_na=False)
    assert "approx=余" in set(figures.loc[figures.doc_id == "approx", "flags"])
    assert "approx" not in flagged
    assert flagged.get("scale") == 1
