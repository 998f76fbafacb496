"""The numbered notebooks: committed clean, paired with py:percent, and executable end to end.

The ``notebooks``-marked tests run the pipeline into tmp_path and execute every notebook with
papermill against it, on the default corpus and on a tiny corpus written here (one report
without any funding figure, one report of a single paragraph).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import jupytext
import pandas as pd
import pytest

from helpers import notebooks, paths
from helpers.pipeline import run_pipeline
from helpers.publish import publish_run

# Every chart the notebooks export (each as .png, .svg and .pdf).
EXPECTED_CHARTS = [
    "01_articles_per_document",
    "01_cleaning_removed_per_document",
    "01_top_terms",
    "02_figures_per_family",
    "02_figures_per_document",
    "03_theme_sizes",
    "03_doc_theme_heatmap",
    "03_theme_quality_vs_baselines",
    "03_discovery_k_sweep",
    "04_funding_by_metric",
    "04_funding_by_document",
    "04_enrollment_rates_by_stage",
    "04_exam_results",
    "04_topic_shares_per_document",
    "04_summary_table",
    "05_indicator_rates_by_report",
    "05_indicator_counts_by_report",
    "05_trends_by_year",
    "05_funding_by_report_purpose",
    "05_exam_results_by_school",
    "05_theme_mix_by_level",
    "05_report_card",
]
# Summary tables exported next to the charts (CSV, UTF-8 with BOM).
EXPECTED_TABLES = ["05_report_card"]
PARAMETERS = {"raw_dir", "processed_dir", "figures_dir", "seed", "k"}
COMMITTED = notebooks.find_notebooks()

# Two short reports made of real seed sentences: the first has rates and exam counts but no
# money at all; the second is a single paragraph.
TINY_CORPUS = {
    "no_funding.txt": (
        "学区2023年工作总结\n\n"
        "一、实行远程信息化管理。\n\n"
        "高桥中学学区四校均为偏远的农村学校,相距遥远,交通不便,为了有效管理,学区确定了远程信息化"
        "管理模式,提高了工作效率,有效实现了优质资源的交流和共享。\n\n"
        "二、教育质量稳步提高。\n\n"
        "小学入学率、巩固率均达到100%。初中入学率达到99.81%,巩固率达到99.98%。"
        "今年我市参加高考人数1628人,三本以上上线841人,其中一本198人,二本438人,三本205人。\n"
    ),
    "one_paragraph.txt": (
        "去年,我镇教育方面的投入总计55.57万元,投资40万元实施三古完小危房改造工程,"
        "改造危房286平方米,全镇适龄儿童入学率和初等教育完成率均为100%。\n"
    ),
}


def test_notebooks_are_numbered_in_run_order():
    assert [p.name for p in COMMITTED] == [
        "01-explore-corpus.ipynb",
        "02-extract-figures.ipynb",
        "03-cluster-topics.ipynb",
        "04-chart-report.ipynb",
        "05-compare-reports.ipynb",
    ]


def test_find_notebooks_ignores_untitled_and_unnumbered(tmp_path):
    for name in [
        "10-report-b.ipynb",
        "02-explore-a.ipynb",
        "Untitled.ipynb",
        "scratch.ipynb",
        "3-short.ipynb",
    ]:
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert [p.name for p in notebooks.find_notebooks(tmp_path)] == [
        "02-explore-a.ipynb",
        "10-report-b.ipynb",
    ]


def test_notebook_parameters_are_absolute_paths(tmp_path):
    params = notebooks.notebook_parameters(tmp_path / "p", tmp_path / "r", tmp_path / "f", 3, 7)
    assert params == {
        "raw_dir": str(tmp_path / "r"),
        "processed_dir": str(tmp_path / "p"),
        "figures_dir": str(tmp_path / "f"),
        "seed": 3,
        "k": 7,
    }


def test_kernel_runs_this_interpreter_and_is_removed_afterwards(monkeypatch):
    from jupyter_client.kernelspec import KernelSpecManager

    monkeypatch.setenv("JUPYTER_PATH", "/somewhere/else")
    with notebooks.current_interpreter_kernel() as name:
        spec = KernelSpecManager().get_kernel_spec(name)
        assert spec.argv[0] == sys.executable
    assert os.environ["JUPYTER_PATH"] == "/somewhere/else"
    assert name not in KernelSpecManager().find_kernel_specs()


def test_cli_passes_every_option_to_the_runner(monkeypatch, tmp_path, capsys):
    calls = []
    monkeypatch.setattr(
        notebooks,
        "run_notebooks",
        lambda *args, **kwargs: calls.append(args) or [tmp_path / "out" / "01-a.ipynb"],
    )
    code = notebooks.main(
        [
            "--processed-dir",
            "p",
            "--raw-dir",
            "r",
            "--figures-dir",
            "f",
            "--out-dir",
            str(tmp_path / "out"),
            "--seed",
            "3",
            "--k",
            "8",
        ]
    )
    assert code == 0
    assert calls == [(Path("p"), Path("r"), Path("f"), tmp_path / "out", 3, 8)]
    assert f"Executed notebooks: 1 in {tmp_path / 'out'}" in capsys.readouterr().out


def test_kernel_prints_no_tcp_warning_and_real_errors_still_surface(tmp_path, capfd):
    """IPC transport: no "running over TCP without encryption" line; a failing cell still fails."""
    import nbformat
    import papermill as pm

    ok, bad = tmp_path / "01-ok.ipynb", tmp_path / "02-bad.ipynb"
    meta = {"kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"}}
    for path, source in ((ok, "x = 1"), (bad, "1 / 0")):
        cell = nbformat.v4.new_code_cell(source)
        nbformat.write(nbformat.v4.new_notebook(cells=[cell], metadata=meta), path)
    args = (tmp_path, tmp_path, tmp_path / "f", tmp_path / "out")
    notebooks.run_notebooks(*args, notebooks=[ok], progress=True)
    captured = capfd.readouterr()
    assert "without encryption" not in captured.out + captured.err
    assert "[1/1] 01-ok ... done in" in captured.out
    with pytest.raises(pm.PapermillExecutionError, match="ZeroDivisionError"):
        notebooks.run_notebooks(*args, notebooks=[bad])


@pytest.mark.parametrize("nb_path", COMMITTED, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs_and_a_parameters_cell(nb_path):
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
    tagged = [c for c in code if "parameters" in c["metadata"].get("tags", [])]
    assert len(tagged) == 1
    source = "".join(tagged[0]["source"])
    assert {line.split("=")[0].strip() for line in source.splitlines() if "=" in line} >= PARAMETERS
    assert "savefig" not in "".join("".join(c["source"]) for c in code)


@pytest.mark.parametrize("nb_path", COMMITTED, ids=lambda p: p.stem)
def test_notebook_and_its_py_percent_pair_agree(nb_path):
    pair = nb_path.with_suffix(".py")
    assert pair.exists(), f"{pair.name} missing: run `jupytext --sync {nb_path.name}`"
    from_ipynb = jupytext.read(nb_path)
    from_py = jupytext.read(pair)
    assert [(c.cell_type, c.source) for c in from_ipynb.cells] == [
        (c.cell_type, c.source) for c in from_py.cells
    ]


def digest_committed() -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(paths.NOTEBOOKS_DIR.iterdir())
        if p.is_file()
    }


def run_all(raw_dir, tmp_path, k=None):
    """Pipeline into tmp, then every notebook; returns (figures dir, executed notebooks)."""
    processed = tmp_path / "processed"
    run_pipeline(raw_dir, processed)
    figures = tmp_path / "figures"
    executed = notebooks.run_notebooks(
        processed, raw_dir, figures, tmp_path / "executed", seed=0, k=k
    )
    return figures, executed


def assert_every_chart_written(figures_dir):
    missing = [
        f"{name}.{ext}"
        for name in EXPECTED_CHARTS
        for ext in ("png", "svg", "pdf")
        if not (figures_dir / f"{name}.{ext}").is_file()
        or (figures_dir / f"{name}.{ext}").stat().st_size == 0
    ]
    missing += [f"{n}.csv" for n in EXPECTED_TABLES if not (figures_dir / f"{n}.csv").is_file()]
    assert missing == []


@pytest.mark.notebooks
def test_notebooks_run_on_the_default_corpus(tmp_path):
    before = digest_committed()
    figures, executed = run_all(paths.RAW_DIR, tmp_path)
    assert [p.name for p in executed] == [p.name for p in COMMITTED]
    assert_every_chart_written(figures)
    assert digest_committed() == before  # the committed notebooks are never touched
    report_dir = tmp_path / "report"
    published = publish_run(tmp_path / "processed", figures, report_dir)
    html = published.report.read_text(encoding="utf-8")
    assert all(f'alt="{name}"' in html for name in EXPECTED_CHARTS)  # every chart embedded
    assert (report_dir / "edu-reports.xlsx").stat().st_size > 0
    first = json.loads(executed[0].read_text(encoding="utf-8"))
    assert any(c.get("outputs") for c in first["cells"] if c["cell_type"] == "code")


@pytest.mark.notebooks
def test_notebooks_run_on_a_tiny_corpus_without_funding(tmp_path, make_raw_dir):
    raw = make_raw_dir(TINY_CORPUS, name="tiny")
    figures, executed = run_all(raw, tmp_path, k=2)
    assert len(executed) == len(COMMITTED)
    assert_every_chart_written(figures)
    chart_report = next(p for p in executed if p.name.startswith("04-"))
    summary = json.dumps(
        json.loads(chart_report.read_text(encoding="utf-8"))["cells"][-1], ensure_ascii=False
    )
    assert "no_funding" in summary and "one_paragraph" in summary  # both rows in the summary
    card = pd.read_csv(figures / "05_report_card.csv", encoding="utf-8-sig")
    assert card["short_name"].is_unique  # reports named by short name, one row each
