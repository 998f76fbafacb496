"""The indicators table and the comparison tables of notebook 05 (hand-made figure rows)."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import indicators as ind
from helpers.figures import extract_paragraph_figures


def fig(**kw) -> dict:
    row = dict(
        doc_id="d1",
        article_id=0,
        para_id=1,
        family="enrollment",
        metric="入学率",
        stage="小学",
        value=99.0,
        unit="%",
        approx=False,
        is_change=False,
        planned=False,
        per_capita=False,
        year=None,
        raw_start=0,
        raw_end=4,
        raw_text="99%",
        sentence="",
        flags="",
    )
    row.update(kw)
    row["raw_start"] = kw.get("raw_start", 10 * len(row["sentence"]) + int(row["value"]) % 7)
    row["raw_end"] = row["raw_start"] + 4
    return row


ARTICLES = pd.DataFrame(
    {
        "doc_id": ["d1", "d2", "d3"],
        "article_id": [0, 0, 0],
        "short_name": ["东安县教育局 2019", "东安县教育局 2020", "城关中学 2020 高考"],
        "title": ["东安县教育局2019年工作总结", "东安县教育局2020年工作总结", "城关中学高考喜报"],
        "issuer": ["东安县教育局", "东安县教育局", "城关中学"],
        "region": ["东安县", "东安县", None],
        "level": ["county", "county", "school"],
        "year": [2019, 2020, 2020],
        "kind": ["summary", "summary", "news"],
        "is_duplicate": [False, False, False],
    }
)


def build(rows: list[dict]) -> pd.DataFrame:
    return ind.build_indicators(pd.DataFrame(rows), ARTICLES)


def test_two_different_values_are_both_kept_and_flagged():
    out = build(
        [fig(value=99.5, sentence="小学入学率99.5%"), fig(value=98.1, sentence="小学入学率98.1%")]
    )
    row = out[out["indicator"] == "小学净入学率"].iloc[0]
    assert row["conflict"] and row["conflict_values"] == "98.1;99.5"
    assert row["n_candidates"] == 2 and len(row["source_spans"].split(";")) == 2


def test_the_same_value_twice_is_no_conflict():
    out = build([fig(value=99.5, para_id=1), fig(value=99.5, para_id=7, raw_start=90)])
    row = out[out["indicator"] == "小学净入学率"].iloc[0]
    assert not row["conflict"] and row["conflict_values"] == ""


def test_changes_plans_and_targets_never_represent_a_report():
    rows = [
        fig(value=3.0, unit="个百分点", is_change=True),
        fig(value=100.0, planned=True),
        fig(value=97.0, role="base"),
        fig(value=99.2, role="level"),
    ]
    out = build(rows)
    assert out.loc[out["indicator"] == "小学净入学率", "value"].tolist() == [99.2]


def test_total_funding_is_the_stated_total_not_a_sum_of_its_parts():
    total = fig(
        family="funding",
        metric="投入",
        stage=None,
        value=12_000_000.0,
        unit="元",
        sentence="全年教育经费总投入1200万元,其中校舍800万元、设备400万元",
        flags="parts_sum_ok",
    )
    parts = [
        fig(
            family="funding",
            metric="投入",
            stage=None,
            value=v,
            unit="元",
            flags="part_of_total",
            sentence=total["sentence"],
            raw_start=200 + i,
        )
        for i, v in enumerate((8_000_000.0, 4_000_000.0))
    ]
    out = build([total, *parts])
    row = out[out["indicator"] == "教育经费总投入"].iloc[0]
    assert row["value"] == 12_000_000.0
    purpose = ind.funding_by_purpose(pd.DataFrame([total, *parts]), ARTICLES)
    assert purpose.loc["东安县教育局 2019"].sum() == pytest.approx(1200.0)  # 万元, parts left out


def test_part_column_from_the_figures_helper_is_read_too():
    rows = [
        fig(family="funding", metric="投入", stage=None, value=5e6, unit="元", part_of_total=True),
        fig(family="funding", metric="投入", stage=None, value=3e6, unit="元", part_of_total=False),
    ]
    out = build(rows)
    assert out.loc[out["indicator"] == "教育经费总投入", "value"].tolist() == [3e6]


def test_by_stage_indicators_give_one_row_per_stage():
    rows = [
        fig(family="funding", metric="生均公用经费", stage=s, value=v, unit="元", per_capita=True)
        for s, v in (("小学", 700.0), ("初中", 900.0))
    ]
    out = build(rows)
    per_pupil = out[out["indicator"] == "生均公用经费"].set_index("stage")["value"]
    assert per_pupil.to_dict() == {"小学": 700.0, "初中": 900.0}


def test_year_comes_from_the_figure_else_from_the_report():
    out = build([fig(value=99.0, year=2018), fig(doc_id="d2", value=98.0)])
    assert sorted(out["year"].astype(int).tolist()) == [2018, 2020]


def test_indicators_from_extracted_figures_of_own_sentences():
    text = "2020年全县小学入学率达到99.6%,九年义务教育巩固率为97.3%。"
    rows = [
        {
            **r,
            "doc_id": "d1",
            "article_id": 0,
            "para_id": 1,
            "raw_start": r["start"],
            "raw_end": r["end"],
            "raw_text": r["text"],
        }
        for r in extract_paragraph_figures(text)
    ]
    out = ind.build_indicators(pd.DataFrame(rows), ARTICLES).set_index("indicator")["value"]
    assert out["小学净入学率"] == pytest.approx(99.6)
    assert out["九年义务教育巩固率"] == pytest.approx(97.3)


def test_empty_inputs_give_empty_tables_with_columns():
    assert list(ind.build_indicators(pd.DataFrame(), ARTICLES).columns) == ind.INDICATOR_COLUMNS
    assert ind.report_card(pd.DataFrame(columns=ind.INDICATOR_COLUMNS), ARTICLES).empty
    assert ind.funding_by_purpose(pd.DataFrame(), ARTICLES).empty


def test_trends_need_two_years_of_the_same_place():
    table = build([fig(value=99.0), fig(doc_id="d2", value=99.4), fig(doc_id="d3", value=90.0)])
    trends = ind.trend_series(table, ARTICLES, "%")
    assert trends["series"].unique().tolist() == ["东安县 · 小学净入学率"]
    assert trends["year"].tolist() == [2019, 2020]


def test_exam_points_are_the_schools_when_there_are_schools():
    rows = [
        fig(doc_id="d3", family="exam", metric="本科上线率", stage="高中", value=68.0),
        fig(doc_id="d1", family="exam", metric="及格率", stage="初中", value=81.0),
    ]
    points, scope = ind.exam_points(pd.DataFrame(rows), ARTICLES)
    assert points["short_name"].tolist() == ["城关中学 2020 高考"] and scope == "学校报告"


@pytest.mark.parametrize("column", ["theme", "label"])
def test_theme_mix_reads_theme_or_falls_back_to_the_topic_label(column):
    topics = pd.DataFrame(
        {
            "doc_id": ["d1", "d1", "d3"],
            "article_id": [0, 0, 0],
            column: ["德育", "学前教育", "德育"],
            "n_chars": [300, 100, 50],
            "share": [0.75, 0.25, 1.0],
        }
    )
    mix = ind.theme_mix_by_level(topics, ARTICLES)
    assert mix.loc["县级"].to_dict() == {"德育": 75.0, "学前教育": 25.0}
    assert mix.loc["学校", "德育"] == 100.0


def test_report_card_names_reports_and_marks_conflicts():
    table = build(
        [fig(metric="巩固率", stage=None, value=v, raw_start=i) for i, v in enumerate((97.0, 96.0))]
    )
    card = ind.report_card(table, ARTICLES)
    assert card.columns[0] == "short_name" and card.columns[-1] == "title"
    assert card.loc[0, "九年义务教育巩固率"] == "97% ?"


def test_too_few_reports_note():
    assert ind.too_few_note(1) and not ind.too_few_note(2)


def test_doc_labels_name_files_by_their_reports():
    assert ind.doc_labels(ARTICLES)["d3"] == "城关中学 2020 高考"
