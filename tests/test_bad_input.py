"""Bad input: every case is built in tmp_path next to one good report, and run end to end.

For each case the run completes for the good file, a skipped file is named with its reason
(summary, log, quality_log), and the raw folder is byte-for-byte and stat-for-stat unchanged.

The single-line file is 512 KB by default so the suite stays quick; set
``EDU_REPORTS_BIG_KB=20480`` to run it at the 20 MB of the issue (``make bench`` also runs a
20 MB single-line file through the whole pipeline and reports its time and memory).
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import os
import subprocess
import sys

import pandas as pd
import pytest

from helpers import paths
from helpers.pipeline import OutputDirError, main, run_pipeline

# Real snippets: 001 (Simplified, with figures), 000 (Traditional), boilerplate lines from 000/003/004.
GOOD = (
    "教育局年度工作总结\n"
    "今年我市参加高考人数1628人,三本以上上线841人,其中一本198人,二本438人,三本205人。"
    "综合上线率达到 51.66%,再次取得了总上线率和应届上线率均为XX市第一的好成绩。\n"
    "全市中考A等学生共计895人,占参考人数的33.86%,比去年提高了3.86个百分点。\n"
)
TRADITIONAL = (
    "鎮教育工作總結模板4篇\n\n"
    "今年,我們全面落實區教育局工作部署,圍繞目標,把握重點,強化落實,"
    "基本完成了全年各項工作任務,取得了良好成效。\n\n一、全面推進,素質教育成果不斷放大\n"
)
BOILERPLATE_ONLY = (
    "當前位置:萬佳範文網 >\n\n工作總結 >工作總結精選 >\n\n"
    "发布 2020-06-25 19:43:28 阅读 4412\n\n"
    "范文 > 工作计划 > 人事教育科工作总结 > 导航 > 教育局教师教育科工作要点\n\n"
    "標籤: 模板 教育\n"
    "  • 文章版權屬於文章作者所有,轉載請註明 https://wjfww.com/zongjie/jingxuan/k4vwgn.html\n"
    "  网站地图\n"
)
HTML_PAGE = (
    '<!DOCTYPE html>\n<html><head><meta charset="gb2312">\n'
    "<title>教育局年度工作总结_范文网</title>\n"
    "<style>.nav{color:#333} div.content p{margin:0}</style>\n"
    '<script type="text/javascript">var _hmt = _hmt || [];(function() {var hm = '
    'document.createElement("script");hm.src = "https://hm.baidu.com/hm.js";})();</script>\n'
    '</head><body><div class="nav">当前位置:范文网 &gt; 工作总结</div>\n'
    '<div class="content"><p>今年我市参加高考人数1628人,三本以上上线841人。</p>\n'
    "<p>全市中考A等学生共计895人,占参考人数的33.86%,比去年提高了3.86个百分点。</p></div>\n"
    "<script>document.write('<div class=\"ad\">广告</div>');</script>\n</body></html>\n"
)
ENGLISH = "Annual education work summary\nEnrolment rose by 3.2% and 76 schools were rebuilt.\n"
BIG_KB = int(os.environ.get("EDU_REPORTS_BIG_KB", "512"))


def tree_fingerprint(root) -> dict[str, tuple]:
    """Every entry under ``root``: relative path -> (kind, sha256, size, mtime_ns)."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            rel = os.path.relpath(p, root)
            if os.path.isdir(p):
                out[rel] = ("dir", "", 0, st.st_mtime_ns)
            else:
                with open(p, "rb") as fh:
                    out[rel] = (
                        "file",
                        hashlib.sha256(fh.read()).hexdigest(),
                        st.st_size,
                        st.st_mtime_ns,
                    )
    return out


def run_case(make_raw_dir, tmp_path, files: dict[str, bytes | str]):
    """Write ``good.txt`` plus ``files``, run the pipeline, check raw is untouched."""
    raw = make_raw_dir({"good.txt": GOOD, **files})
    before = tree_fingerprint(raw)
    summary = run_pipeline(raw, tmp_path / "out")
    assert tree_fingerprint(raw) == before, "the raw folder changed during the run"
    docs = pd.read_csv(tmp_path / "out" / "documents.csv", keep_default_na=False, dtype=str)
    qlog = pd.read_csv(tmp_path / "out" / "quality_log.csv", keep_default_na=False, dtype=str)
    good = docs.loc[docs["path"] == "good.txt"].iloc[0]
    assert (good["status"], good["encoding"], int(good["n_chars"])) == ("ok", "utf-8", len(GOOD))
    if "process_error" in docs.columns:  # no stage crashed on any file that was read
        assert docs.loc[docs["status"] == "ok", "process_error"].eq("").all(), docs["process_error"]
    return summary, docs.set_index("path"), qlog


def read_paragraphs(out_dir) -> pd.DataFrame:
    """The paragraphs table of a run; a missing table fails the test (never a silent skip)."""
    p = out_dir / "paragraphs.csv"
    assert p.exists(), f"the pipeline wrote no paragraphs table in {out_dir}"
    return pd.read_csv(p, keep_default_na=False)


# --- files that must be skipped, named, with their reason -------------------------------------


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("empty.txt", b"", "empty file (0 bytes)"),
        ("blank.txt", " \r\n\t\n\u3000\n".encode("utf-8"), "whitespace only"),
        ("blank16.txt", " \n\n".encode("utf-16"), "whitespace only"),
        (
            "image.txt",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
            "binary content (NUL bytes and no UTF-16 byte-order mark)",
        ),
        (
            "controls.txt",
            bytes(range(1, 9)) * 200 + GOOD.encode(),
            "binary content (mostly control characters)",
        ),
        (
            "broken.txt",
            GOOD.encode()[:40] + b"\x80\x80\xff" + GOOD.encode()[40:],
            "undecodable: not valid UTF-8, GB18030 or Big5",
        ),
    ],
    ids=["empty", "whitespace", "whitespace_utf16", "binary", "control_chars", "undecodable"],
)
def test_bad_file_is_skipped_with_reason_and_named(
    make_raw_dir, tmp_path, caplog, name, content, reason
):
    caplog.set_level(logging.WARNING, logger="helpers.pipeline")
    summary, docs, qlog = run_case(make_raw_dir, tmp_path, {name: content})
    assert summary.n_files == 2 and summary.n_loaded == 1
    assert summary.skipped == [(name, reason)]
    assert f"skipped {name}: {reason}" in summary.render()
    assert any(name in r.getMessage() and reason in r.getMessage() for r in caplog.records)
    assert (docs.loc[name, "status"], docs.loc[name, "skip_reason"]) == ("skipped", reason)
    row = qlog.loc[qlog["path"] == name].iloc[0]
    assert (row["stage"], row["kind"], row["detail"]) == ("load", "skipped", reason)


# --- files in other encodings / line endings: read, with the exact raw text --------------------


@pytest.mark.parametrize(
    "text,data,encoding",
    [
        (GOOD, GOOD.encode("gb18030"), "gb18030"),
        (TRADITIONAL, TRADITIONAL.encode("big5"), "big5"),
        (GOOD, GOOD.encode("utf-16"), "utf-16"),
        (TRADITIONAL, codecs.BOM_UTF16_BE + TRADITIONAL.encode("utf-16-be"), "utf-16"),
        (GOOD, codecs.BOM_UTF8 + GOOD.encode("utf-8"), "utf-8-sig"),
        (GOOD.replace("\n", "\r\n"), GOOD.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
        (
            TRADITIONAL.replace("\n", "\r\n"),
            TRADITIONAL.replace("\n", "\r\n").encode("big5"),
            "big5",
        ),
    ],
    ids=["gb18030", "big5", "utf16_le_bom", "utf16_be_bom", "utf8_bom", "crlf", "crlf_big5"],
)
def test_other_encodings_are_read_exactly(make_raw_dir, tmp_path, text, data, encoding):
    summary, docs, _ = run_case(make_raw_dir, tmp_path, {"other.txt": data})
    assert summary.skipped == []
    row = docs.loc["other.txt"]
    # n_chars counts the decoded raw text: BOM removed, \r\n kept as two characters
    assert (row["status"], row["encoding"], int(row["n_chars"])) == ("ok", encoding, len(text))
    assert int(row["n_lines"]) == text.count("\n")


def test_crlf_offsets_point_into_raw(make_raw_dir, tmp_path):
    crlf = GOOD.replace("\n", "\r\n")
    _, _, _ = run_case(make_raw_dir, tmp_path, {"crlf.txt": crlf})
    paras = read_paragraphs(tmp_path / "out")
    rows = paras[paras["doc_id"] == "crlf"]
    assert len(rows) > 0
    for r in rows.itertuples():
        src = crlf[r.raw_start : r.raw_end]
        assert "\r" not in r.text and src.strip() != ""


# --- HTML saved as .txt ----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_html_page_is_read_and_its_markup_does_not_reach_paragraphs(
    make_raw_dir, tmp_path, encoding
):
    summary, docs, _ = run_case(make_raw_dir, tmp_path, {"page.txt": HTML_PAGE.encode(encoding)})
    assert summary.skipped == []
    assert (docs.loc["page.txt", "status"], docs.loc["page.txt", "encoding"]) == ("ok", encoding)
    paras = read_paragraphs(tmp_path / "out")
    text = "\n".join(paras.loc[paras["doc_id"] == "page", "text"])
    for markup in (
        "<div",
        "<p>",
        "</p>",
        "<script",
        "_hmt",
        "document.write",
        "hm.baidu.com",
        "margin:0",
    ):
        assert markup not in text, f"{markup!r} leaked into the paragraphs"
    assert "今年我市参加高考人数1628人" in text and "占参考人数的33.86%" in text


# --- size, language, boilerplate ---------------------------------------------------------------


def test_huge_single_line_file_is_processed(make_raw_dir, tmp_path):
    line = GOOD.replace("\n", "")
    big = (line * (BIG_KB * 1024 // len(line.encode()) + 1)).encode()
    summary, docs, _ = run_case(make_raw_dir, tmp_path, {"huge.txt": big})
    assert summary.skipped == []
    row = docs.loc["huge.txt"]
    assert (row["status"], int(row["n_bytes"]), int(row["n_lines"])) == ("ok", len(big), 1)


def test_english_only_file_is_read_and_marked_as_no_chinese(make_raw_dir, tmp_path):
    summary, docs, _ = run_case(make_raw_dir, tmp_path, {"english.txt": ENGLISH})
    assert summary.skipped == []
    row = docs.loc["english.txt"]
    assert (row["status"], row["n_cjk"], row["script"]) == ("ok", "0", "none")
    paras = read_paragraphs(tmp_path / "out")
    # whatever segment does with it, it must not invent Chinese text
    for t in paras.loc[paras["doc_id"] == "english", "text"]:
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in t)


def test_boilerplate_only_file_yields_no_content_paragraphs(make_raw_dir, tmp_path):
    summary, docs, _ = run_case(make_raw_dir, tmp_path, {"chrome.txt": BOILERPLATE_ONLY})
    assert summary.skipped == []
    assert docs.loc["chrome.txt", "status"] == "ok"
    paras = read_paragraphs(tmp_path / "out")
    rows = paras[paras["doc_id"] == "chrome"]
    assert rows.empty or rows["is_boilerplate"].astype(str).str.lower().eq("true").all()
    good = paras[paras["doc_id"] == "good"]
    assert not good["is_boilerplate"].astype(str).str.lower().eq("true").all()


# --- duplicates, names, folders ----------------------------------------------------------------


def test_identical_files_are_flagged_not_dropped(make_raw_dir, tmp_path):
    summary, docs, qlog = run_case(
        make_raw_dir, tmp_path, {"copy of good.txt": GOOD, "zz/again.txt": GOOD}
    )
    assert summary.skipped == [] and summary.n_loaded == 3
    # the first in sorted path order is the original
    assert docs["duplicate_of"].to_dict() == {
        "copy of good.txt": "",
        "good.txt": "copy of good",
        "zz/again.txt": "copy of good",
    }
    dup = qlog[qlog["kind"] == "duplicate_file"]
    assert sorted(dup["path"]) == ["good.txt", "zz/again.txt"]
    assert set(dup["detail"]) == {"same bytes as copy of good"}


@pytest.mark.parametrize(
    "rel,doc_id",
    [
        ("县 教育局 2023年 工作总结.txt", "县 教育局 2023年 工作总结"),
        ("鎮教育工作總結(模板).TXT", "鎮教育工作總結(模板)"),
        ("2023/秋季/学区 总结.txt", "2023/秋季/学区 总结"),
        ("a/b/c/d/e.txt", "a/b/c/d/e"),
    ],
    ids=["spaces_chinese", "traditional_upper_suffix", "chinese_subfolders", "deep_subfolders"],
)
def test_unusual_names_and_subfolders_are_found(make_raw_dir, tmp_path, rel, doc_id):
    summary, docs, _ = run_case(make_raw_dir, tmp_path, {rel: TRADITIONAL})
    assert summary.n_loaded == 2
    assert (docs.loc[rel, "doc_id"], docs.loc[rel, "status"]) == (doc_id, "ok")


def test_non_txt_and_hidden_files_are_ignored(make_raw_dir, tmp_path):
    summary, docs, _ = run_case(
        make_raw_dir,
        tmp_path,
        {
            "notes.docx": b"PK\x03\x04",
            ".hidden.txt": GOOD,
            ".git/x.txt": GOOD,
            "page.html": HTML_PAGE,
        },
    )
    assert summary.n_files == 1 and list(docs.index) == ["good.txt"]


# --- the output side -----------------------------------------------------------------------------


def test_out_dir_under_a_regular_file_fails_before_any_work(make_raw_dir, tmp_path):
    raw = make_raw_dir({"good.txt": GOOD})
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(OutputDirError, match="cannot write to output directory"):
        run_pipeline(raw, blocker / "out")
    assert blocker.read_text(encoding="utf-8") == "x"


def test_cli_unwritable_out_dir_exits_3_with_clear_error(make_raw_dir, tmp_path, capsys):
    raw = make_raw_dir({"good.txt": GOOD})
    before = tree_fingerprint(raw)
    blocker = tmp_path / "not_a_dir"
    blocker.write_text("x", encoding="utf-8")
    code = main(["--raw-dir", str(raw), "--out-dir", str(blocker / "out"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 3
    assert f"cannot write to output directory {blocker / 'out'}" in err
    assert "Choose another --out-dir" in err
    assert tree_fingerprint(raw) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["not_a_dir", "raw"]


def test_failed_write_leaves_previous_outputs_intact(make_raw_dir, tmp_path):
    raw = make_raw_dir({"good.txt": GOOD})
    out = tmp_path / "out"
    run_pipeline(raw, out)
    previous = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    (raw / "second.txt").write_text(TRADITIONAL, encoding="utf-8")
    # a folder squatting on the last table's name makes that one move fail
    (out / "quality_log.parquet").unlink()
    (out / "quality_log.parquet").mkdir()
    with pytest.raises(OutputDirError):
        run_pipeline(raw, out)
    now = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert now == {k: v for k, v in previous.items() if k != "quality_log.parquet"}


def test_missing_raw_dir_exits_2(tmp_path, capsys):
    code = main(["--raw-dir", str(tmp_path / "nope"), "--out-dir", str(tmp_path / "out")])
    assert code == 2
    assert f"raw directory not found: {tmp_path / 'nope'}" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


# --- everything at once, through the real command line -------------------------------------------


def test_cli_on_a_folder_of_every_bad_case_names_each_skipped_file(make_raw_dir, tmp_path):
    raw = make_raw_dir(
        {
            "good.txt": GOOD,
            "空 文件.txt": b"",
            "子目录/blank.txt": "  \n\n",
            "bin.txt": b"\x00\x01\x02" * 100,
            "gbk.txt": GOOD.encode("gb18030"),
            "big5.txt": TRADITIONAL.encode("big5"),
            "utf16.txt": GOOD.encode("utf-16"),
            "page.txt": HTML_PAGE,
            "english.txt": ENGLISH,
            "copy.txt": GOOD,
        }
    )
    before = tree_fingerprint(raw)
    env = dict(os.environ, PYTHONPATH=str(paths.PROJECT_ROOT / "src"))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "helpers.pipeline",
            "--raw-dir",
            str(raw),
            "--out-dir",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,  # the exit code is what the test asserts
    )
    assert proc.returncode == 0, proc.stderr
    assert tree_fingerprint(raw) == before
    out = proc.stdout + proc.stderr
    assert "10 file(s) found, 7 read, 3 skipped" in out
    for name, reason in [
        ("空 文件.txt", "empty file (0 bytes)"),
        ("子目录/blank.txt", "whitespace only"),
        ("bin.txt", "binary content"),
    ]:
        assert f"skipped {name}: {reason}" in proc.stdout
        assert f"{raw / name}: {reason}" in proc.stderr
