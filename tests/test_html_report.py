"""The HTML report: built from stored tables, self-contained, escaped, honest about gaps."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from helpers import html_report
from helpers.publish import main as publish_main
from helpers.publish import publish_run

HOSTILE = '<script>document.title="pwned"</script><img src=x onerror="document.title=1">'


def _tables(**override):
    documents = pd.DataFrame(
        {
            "doc_id": ["a"],
            "status": ["ok"],
            "n_chars": [1200],
            "n_articles": [1],
            "n_figures": [1],
            "repair_t2s": [5],
        }
    )
    paragraphs = pd.DataFrame(
        {
            "doc_id": ["a", "a"],
            "para_id": [0, 1],
            "is_boilerplate": [False, True],
            "boilerplate_kind": ["", "site_footer"],
            "is_duplicate": [False, False],
            "n_chars": [30, 8],
            "text": [HOSTILE, "版权所有"],
        }
    )
    figures = pd.DataFrame(
        {
            "doc_id": ["a"],
            "article_id": [0],
            "family": ["funding"],
            "metric": ["投资"],
            "stage": [""],
            "value": [555700.0],
            "unit": ["元"],
            "year": pd.array([2023], dtype="Int64"),
            "raw_text": ["55.57万元"],
            "sentence": [HOSTILE + "投入55.57万元"],
            "flags": [""],
        }
    )
    tables = dict.fromkeys(html_report.REPORT_TABLES)
    tables.update(documents=documents, paragraphs=paragraphs, figures=figures)
    tables.update(override)
    return tables


def test_raw_strings_are_escaped_and_the_page_has_no_script():
    html = html_report.render_report(html_report.build_report_context(_tables(), [], None))
    assert "<script" not in html.lower() and "onerror=" not in html.replace("onerror=&#34;", "")
    assert "&lt;script&gt;" in html and "&lt;img src=x onerror=" in html
    assert "script-src" not in html and "default-src 'none'" in html  # CSP forbids scripts


def test_page_loads_nothing_from_outside():
    charts = [{"name": "c", "src": "data:image/png;base64,AAAA", "width": 1, "height": 1}]
    html = html_report.render_report(html_report.build_report_context(_tables(), charts, None))
    sources = re.findall(r'\b(?:src|href)="([^"]*)"', html)
    assert sources and all(s.startswith(("data:", "#")) for s in sources)


def test_missing_tables_show_a_note_not_an_error():
    html = html_report.render_report(html_report.build_report_context(_tables(), [], None))
    for note in (
        "indicators: not available in this run",
        "articles: not available in this run",
        "themes: not available in this run",
        "bench/quality_summary.csv: not available in this run",
        "charts: not available in this run",
    ):
        assert note in html


def test_themes_come_from_the_taxonomy_when_the_run_has_them():
    themes = pd.DataFrame(
        {"theme_id": ["T01"], "name_zh": ["学前教育"], "size": [1], "share": [1.0]}
    )
    paragraphs = _tables()["paragraphs"].assign(theme=["T01", ""], theme_score=[0.9, 0.0])
    sections, note = html_report.theme_sections(_tables(themes=themes, paragraphs=paragraphs))
    assert note == "" and sections[0]["name"] == "学前教育" and sections[0]["share"] == "100.0%"
    assert sections[0]["examples"] == [HOSTILE]


def test_a_run_without_themes_says_so():
    sections, note = html_report.theme_sections(_tables())
    assert sections == [] and note == f"themes: {html_report.NOT_AVAILABLE}"


def test_report_cards_and_indicators_use_short_names():
    articles = pd.DataFrame(
        {
            "doc_id": ["a"],
            "article_id": [0],
            "short_name": ["平山县教育局 2019"],
            "issuer": ["平山县教育局"],
            "level": ["county"],
            "year": [2019.0],
            "is_duplicate": [False],
        }
    )
    indicators = pd.DataFrame(
        {
            "doc_id": ["a"],
            "article_id": [0],
            "indicator": ["小学净入学率"],
            "value": [100.0],
            "unit": ["%"],
            "year": [2019],
            "stage": ["小学"],
            "conflict": [True],
        }
    )
    ctx = html_report.build_report_context(
        _tables(articles=articles, indicators=indicators), [], None
    )
    assert ctx["card_rows"][0][ctx["card_cols"].index("year")] == "2019"
    assert ctx["indicator_rows"] == [
        ["平山县教育局 2019", "小学净入学率", "100", "%", "2019", "小学", "⚠"]
    ]
    assert ctx["figure_rows"][0]["report"] == "平山县教育局 2019"


def test_figure_sentence_is_split_around_its_number():
    rows, _ = html_report.figure_rows(_tables()["figures"], {})
    assert (rows[0]["mark"], rows[0]["after"]) == ("55.57万元", "")
    assert rows[0]["value"] == "555,700" and rows[0]["year"] == "2023"


def test_publish_needs_the_pipeline_tables(tmp_path, capsys):
    assert (
        publish_main(["--processed-dir", str(tmp_path / "none"), "--report-dir", str(tmp_path)])
        == 2
    )
    assert "run `make data`" in capsys.readouterr().err


def test_publish_writes_report_and_workbook_and_names_them(tmp_path, seed_dir):
    from helpers.pipeline import run_pipeline

    run_pipeline(seed_dir, tmp_path / "processed", k=6)
    summary = publish_run(tmp_path / "processed", tmp_path / "figures", tmp_path / "out")
    text = summary.render()
    for label in ("Report", "Workbook", "Tables", "Charts"):
        assert re.search(rf"^{label}\s+: ", text, re.M)
    html = summary.report.read_text(encoding="utf-8")
    assert "教育" in html and summary.workbook.exists()
    assert set(summary.missing) <= {"indicators", "themes"}  # tables other branches add


@pytest.mark.parametrize("value,expected", [(1234.5, "1,234.5"), (0.125, "0.12"), ("x", "x")])
def test_format_number(value, expected):
    assert html_report.format_number(value) == expected
