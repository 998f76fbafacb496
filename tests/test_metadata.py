"""Report metadata (title, issuer, level, region, year, period, kind) and short names.

Every snippet is written for these tests (no real-report sentence).
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.load import load_documents
from helpers.metadata import (
    METADATA_COLUMNS,
    assign_short_names,
    clean_title,
    describe_text,
    find_bodies,
    find_places,
)
from helpers.pipeline import process_document, run_pipeline


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("第二篇:城西镇中心校教学工作总结范文", "城西镇中心校教学工作总结"),
        ("高桥乡教育工作汇报(精选5篇)", "高桥乡教育工作汇报"),
        ("幼儿园保教工作总结汇报篇3", "幼儿园保教工作总结汇报"),
        ("某县教育局工作要点.docx", "某县教育局工作要点"),
        ("县一中2021年高考喜报|高考|喜报", "县一中2021年高考喜报"),
        ("本站为你精心整理了学区工作总结范文,希望对你有帮助", "学区工作总结"),
        ("教育局质量年度报告(2020)", "教育局质量年度报告(2020)"),  # a bracketed year stays
    ],
)
def test_clean_title_strips_site_decorations(raw, expected):
    assert clean_title(raw) == expected


@pytest.mark.parametrize(
    "text, bodies",
    [
        ("记者从东安县教育局获悉,今年", ["东安县教育局"]),
        ("红星镇中心小学始建于1958年", ["红星镇中心小学"]),
        ("北川市第二中等职业技术学校创办于1990年", ["北川市第二中等职业技术学校"]),
        ("全县农村学校和职业学校", []),  # types of school, not a named body
        ("部普比例教育部举行发布会", ["教育部"]),  # nothing glued before 教育部
    ],
)
def test_find_bodies_reads_a_whole_name_and_only_a_name(text, bodies):
    assert [text[s:e] for s, e, _ in find_bodies(text)] == bodies


@pytest.mark.parametrize(
    "text, places",
    [
        ("湖南省安仁县地处湘东南", ["湖南省安仁县"]),
        ("创建教育强县,城区和乡镇学校", []),
        ("国家和省的投入,全县共有学校", []),
        ("□区教育局", ["□区"]),
    ],
)
def test_find_places_skips_phrases_that_end_like_a_place(text, places):
    assert [text[s:e] for s, e in find_places(text)] == places


CASES = {
    "county_summary": (
        "首页 > 范文 > 工作总结\n东安县教育局2019年教育工作总结范文\n"
        "2019年,我县教育工作在县委县政府领导下稳步推进,全县共有学校86所。\n"
        "一、主要成绩\n我县小学入学率达到100%。\n",
        dict(
            title="东安县教育局2019年教育工作总结",
            issuer="东安县教育局",
            level="county",
            region="东安县",
            year=2019,
            kind="summary",
            period="year",
        ),
    ),
    "plan_after_summary": (
        "基建工作总结与2024年工作计划\n一、今年项目建设情况\n我局全年完成校舍改造12处。\n",
        dict(year=2023, kind="summary"),
    ),
    "placeholder_year": (
        "□镇20xx年教育工作总结\n□镇位于县城东部,我镇共有小学5所,教师210人。\n",
        dict(year=None, issuer="□镇", level="town"),
    ),
    "page_date_is_not_the_year": (
        "幼儿园保教工作自查报告\n发布时间:2022-09-03\n我园始建于1998年,现有幼儿320名,教师28名。\n",
        dict(year=None, kind="summary", level="kindergarten"),
    ),
    "speech": (
        "在全市中考总结表彰大会上的讲话\n同志们:\n今年全市中考成绩再创新高,我市优秀率提高了3个百分点。\n",
        dict(kind="speech", level="city", period="event"),
    ),
    "news": (
        "青川县今年新增学位3000个\n发布时间:2021-08-30 来源:本地新闻网\n"
        "记者日前从青川县教育局获悉,今年全县新建学校4所,新增学位3000个。\n",
        dict(kind="news", year=2021, issuer="青川县教育局", region="青川县", level="county"),
    ),
    "statistics": (
        "河东省2020年教育事业发展统计公报\n一、综合\n全省共有各级各类学校9000所,比上年减少12所。\n",
        dict(kind="statistics", year=2020, region="河东省", level="province"),
    ),
    "gazetteer_headline": (
        "扬州新建中小学12所\n近日召开的会议上获悉,全市今年将新建中小学12所,新增学位9000个。\n",
        dict(region="扬州", level="city"),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_describe_text_fields(name):
    text, expected = CASES[name]
    row = describe_text(text)
    assert {k: row[k] for k in expected} == expected


def test_evidence_spans_point_at_the_evidence():
    text, _ = CASES["county_summary"]
    row = describe_text(text)
    assert text[row["issuer_start"] : row["issuer_end"]] == "东安县教育局"
    assert text[row["year_start"] : row["year_end"]] == "2019"
    assert "总结" in text[row["kind_start"] : row["kind_end"]]
    assert set(METADATA_COLUMNS) <= set(row)


def test_short_names_are_unique_and_carry_the_exam_tag():
    df = pd.DataFrame(
        {
            "doc_id": ["a", "b", "c"],
            "article_id": [0, 0, 0],
            "issuer": ["城关中学", "城关中学", None],
            "region": [None, None, None],
            "year": [2021, 2021, None],
            "title": ["城关中学2021年高考喜报", "城关中学2021年高考总结", ""],
            "kind": ["news", "summary", "other"],
        }
    )
    names = assign_short_names(df)["short_name"].tolist()
    assert names == ["城关中学 2021 高考", "城关中学 2021 高考 (2)", "文档c-0"]
    assert len(set(names)) == len(names)


def test_process_document_adds_metadata_with_raw_spans(tmp_path):
    raw = "東安縣教育局2019年工作總結\n一、基本情況\n我縣共有學校86所,在校學生3.2萬人。\n"
    (tmp_path / "r.txt").write_text(raw, encoding="utf-8")
    doc = load_documents(tmp_path)[0]
    art = process_document(doc).articles.iloc[0]
    assert art["issuer"] == "东安县教育局"  # clean (Simplified) value
    assert raw[art["issuer_start"] : art["issuer_end"]] == "東安縣教育局"  # raw evidence
    assert art["year"] == 2019 and art["level"] == "county"


def test_pipeline_writes_metadata_short_names_and_indicators(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    body = "一、基本情况\n全县小学入学率达到99.5%,初中巩固率98.2%,全年教育经费总投入1.2亿元。\n"
    (raw / "a.txt").write_text("东安县教育局2019年工作总结\n" + body, encoding="utf-8")
    (raw / "b.txt").write_text(
        "东安县教育局2019年工作总结\n" + body.replace("99.5", "99.7"), encoding="utf-8"
    )
    run_pipeline(raw, tmp_path / "out")
    arts = pd.read_parquet(tmp_path / "out" / "articles.parquet")
    assert arts["short_name"].tolist() == ["东安县教育局 2019", "东安县教育局 2019 (2)"]
    ind = pd.read_parquet(tmp_path / "out" / "indicators.parquet")
    primary = ind[ind["indicator"] == "小学净入学率"].sort_values("doc_id")
    assert primary["value"].tolist() == [99.5, 99.7]
    assert primary["short_name"].tolist() == arts["short_name"].tolist()
