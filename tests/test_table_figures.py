"""helpers.table_figures: figures read from tables flattened into text (tables written here)."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import pytest

from helpers.figures import FIGURE_COLUMNS
from helpers.normalize import normalize_document
from helpers.segment import segment_document
from helpers.table_figures import (
    extract_table_figures,
    merge_table_figures,
    parse_cell,
    resolve_meaning,
    split_cells,
)


def run(raw: str, doc_id: str = "t") -> pd.DataFrame:
    """The table stage on one raw text, cleaned and segmented the way the pipeline does it."""
    seg = segment_document(doc_id, normalize_document(raw))
    para_text = {(doc_id, pid): at for pid, at in seg.para_text.items()}
    return extract_table_figures(seg.paragraphs, para_text, {doc_id: raw})


def cells(df: pd.DataFrame) -> list[tuple]:
    return [(r.raw_text, r.family, r.metric, r.value, r.unit) for r in df.itertuples()]


# --- the three shapes ------------------------------------------------------------------------

EXAM_CELL_PER_LINE = """\
2023年秋季七年级数学统考成绩
学校
人数
数及
数及率
数优
数优率
数平
名次
城关中学
412
380
92. 2
150
36.4
78.35
1
新华中学
305
270
88.5
98
32.1
75.02
2
全镇
717
650
90.7
248
34.6
76.9
"""


def test_exam_table_one_cell_per_line():
    df = run(EXAM_CELL_PER_LINE)
    assert len(df) == 18  # 3 rows x 6 value columns; the rank column gives nothing
    assert set(df.family) == {"exam"}
    assert cells(df)[:6] == [
        ("412", "exam", "人数", 412.0, "人"),
        ("380", "exam", "及格人数", 380.0, "人"),
        ("92. 2", "exam", "及格率", 92.2, "%"),
        ("150", "exam", "优秀人数", 150.0, "人"),
        ("36.4", "exam", "优秀率", 36.4, "%"),
        ("78.35", "exam", "平均分", 78.35, "分"),
    ]
    assert 1.0 not in set(df.value) and 2.0 not in set(df.value)  # ranks
    assert set(df.year) == {2023} and set(df.stage) == {"初中"}
    assert "decimal_space" in df["flags"].iloc[2]


def test_total_row_without_rank_keeps_its_cells():
    df = run(EXAM_CELL_PER_LINE)
    total = df[df.value.isin([717.0, 650.0, 90.7, 248.0, 34.6, 76.9])]
    assert total.metric.tolist() == ["人数", "及格人数", "及格率", "优秀人数", "优秀率", "平均分"]


YEARBOOK_WITH_BARS = """\
附表3 全区教育概况
一、学校(单位:所)
项 目
|
2022年
|
2021年
|
小学
|
31
|
33
|
初中
|
12
|
12
|
二、在校学生(单位:人)
项 目
|
2022年
|
2021年
|
小学
|
25410
|
24877
|
|
|
3120
|
2998
|
初中
|
11876
|
11502
|
小学巩固率(%)
|
99.8
|
99.6
|
"""


def test_yearbook_with_bar_lines_and_year_columns():
    df = run(YEARBOOK_WITH_BARS)
    assert cells(df) == [
        ("25410", "enrollment", "在校学生数", 25410.0, "人"),
        ("24877", "enrollment", "在校学生数", 24877.0, "人"),
        ("3120", "enrollment", "在校学生数", 3120.0, "人"),  # a row with no label
        ("2998", "enrollment", "在校学生数", 2998.0, "人"),
        ("11876", "enrollment", "在校学生数", 11876.0, "人"),
        ("11502", "enrollment", "在校学生数", 11502.0, "人"),
        ("99.8", "enrollment", "巩固率", 99.8, "%"),  # the row label names a rate
        ("99.6", "enrollment", "巩固率", 99.6, "%"),
    ]
    assert df.year.tolist() == [2022, 2021] * 4
    assert df.stage.tolist()[:2] == ["小学", "小学"] and df.stage.tolist()[4] == "初中"


def test_school_counts_are_not_figures():
    head = YEARBOOK_WITH_BARS.split("二、")[0]
    assert run(head).empty


FUNDING_PIPE_ROWS = """\
2022年各校经费投入情况
学校 | 在校生(人) | 公用经费(万元) | 排名
一中 | 1,520 | 85.6 | 1
二中 | 980 | 52 | 2
三中 | 640 | 33.25 | 3
"""


def test_pipe_rows_with_units_in_headers():
    df = run(FUNDING_PIPE_ROWS)
    assert cells(df) == [
        ("1,520", "enrollment", "在校学生数", 1520.0, "人"),
        ("85.6", "funding", "经费", 856000.0, "元"),
        ("980", "enrollment", "在校学生数", 980.0, "人"),
        ("52", "funding", "经费", 520000.0, "元"),
        ("640", "enrollment", "在校学生数", 640.0, "人"),
        ("33.25", "funding", "经费", 332500.0, "元"),
    ]


SPACED_ROWS = """\
各乡镇小学毕业会考成绩
乡镇  参考人数  及格率  优秀率  平均分
东坪  356  96.1  45.2  82.4
西河  298  93.4  40.0  80.15
"""


def test_space_separated_rows_read_from_the_raw_spaces():
    df = run(SPACED_ROWS)
    assert [(r.raw_text, r.metric, r.unit) for r in df.itertuples()][:4] == [
        ("356", "参考人数", "人"),
        ("96.1", "及格率", "%"),
        ("45.2", "优秀率", "%"),
        ("82.4", "平均分", "分"),
    ]
    assert len(df) == 8 and set(df.family) == {"exam"} and set(df.stage) == {"小学"}


def test_markdown_table():
    raw = "各园在园幼儿\n| 园名 | 在园幼儿 | 入园率 |\n|---|---|---|\n| 中心园 | 420 | 98.5% |\n| 新村园 | 186 | 97% |\n"
    df = run(raw)
    assert cells(df) == [
        ("420", "enrollment", "在园幼儿数", 420.0, "人"),
        ("98.5%", "enrollment", "入园率", 98.5, "%"),
        ("186", "enrollment", "在园幼儿数", 186.0, "人"),
        ("97%", "enrollment", "入园率", 97.0, "%"),
    ]


def test_unmapped_header_takes_family_from_context_and_keeps_metric_raw():
    raw = "全县期末统考各校成绩\n学校\n语文\n数学\n一小\n88.5\n90.1\n二小\n86\n87.25\n"
    df = run(raw)
    # bare numbers under subject headers have no unit: not figures
    assert df.empty
    raw = "全县期末统考各校成绩\n学校\n语文(分)\n数学(分)\n一小\n88.5\n90.1\n二小\n86\n87.25\n"
    df = run(raw)
    assert len(df) == 4 and set(df.family) == {"exam"} and set(df.unit) == {"分"}
    if "metric_raw" in df:
        assert df.metric_raw.tolist()[:2] == ["语文", "数学"]


def test_teacher_columns_are_left_out():
    raw = (
        "各校基本情况\n学校 | 教师数 | 学生数 | 班数\n一中 | 86 | 1200 | 24\n二中 | 54 | 760 | 16\n"
    )
    df = run(raw)
    assert df.value.tolist() == [1200.0, 760.0]


def test_a_row_with_a_missing_middle_cell_is_dropped_not_shifted():
    raw = "统考成绩\n学校\n人数\n及格率\n平均分\n一小\n120\n95.5\n80.1\n二小\n98\n79.3\n三小\n101\n92\n78\n"
    df = run(raw)
    assert 79.3 not in set(df.value) and 98.0 not in set(df.value)
    assert len(df) == 6


# --- never a figure from prose ---------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "一、基本情况\n全镇共有小学8所,在校学生3200人,入学率100%。\n1、加强管理\n2、提高质量\n",
        "城关镇中心学校\n2023年6月20日\n",
        "联系人\n张老师\n13800001111\n李老师\n13900002222\n王老师\n13700003333\n",
        "本学期完成以下工作:\n1.开展教研活动12次\n2.听课评课86节\n3.家访学生140人\n",
        "(一)学生情况\n全校学生1200人\n其中男生620人\n女生580人\n",
        "会议议程\n第一项\n9:00\n第二项\n9:30\n第三项\n10:00\n",
    ],
)
def test_no_table_no_rows(raw):
    assert run(raw).empty


def test_seed_corpus_gives_no_table_rows(seed_texts):
    for doc_id, raw in seed_texts.items():
        assert run(raw, doc_id).empty, doc_id


# --- the table's contract --------------------------------------------------------------------


def test_columns_are_the_figures_table_columns_and_raw_slices_match():
    raw = YEARBOOK_WITH_BARS + "\n" + FUNDING_PIPE_ROWS
    df = run(raw)
    assert list(df.columns) == list(FIGURE_COLUMNS)
    assert all(raw[r.raw_start : r.raw_end] == r.raw_text for r in df.itertuples())
    assert df.value.dtype == float and df.year.dtype == "Int64"


def test_empty_input_gives_an_empty_table_with_the_columns():
    empty = pd.DataFrame(columns=["doc_id", "article_id", "para_id", "text"])
    df = extract_table_figures(empty, {}, {})
    assert df.empty and list(df.columns) == list(FIGURE_COLUMNS)


def test_boilerplate_lines_shape_the_table_but_give_no_figure():
    doc_id = "t"
    seg = segment_document(doc_id, normalize_document(FUNDING_PIPE_ROWS))
    paras = seg.paragraphs.copy()
    second = paras.text.str.startswith("二中")
    paras.loc[second, "is_boilerplate"] = True
    para_text = {(doc_id, pid): at for pid, at in seg.para_text.items()}
    df = extract_table_figures(paras, para_text, {doc_id: FUNDING_PIPE_ROWS})
    assert df.value.tolist() == [1520.0, 856000.0, 640.0, 332500.0]


def test_merge_drops_table_rows_the_extractor_already_has():
    table = run(FUNDING_PIPE_ROWS)
    first = table.iloc[[0]]  # a row the extractor also found, on the same raw span
    figs = first.assign(metric="在校生", raw_end=first.raw_end + 1)
    merged = merge_table_figures(figs, table)
    assert len(merged) == len(table)
    assert merged.metric.tolist()[0] == "在校生"  # the extractor's row wins
    assert merge_table_figures(figs.iloc[0:0], table).equals(table.reset_index(drop=True))


# --- cells -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2166", ("num", Decimal("2166"), "")),
        ("95. 5", ("num", Decimal("95.5"), "")),
        ("12,480", ("num", Decimal("12480"), "")),
        ("98.5%", ("num", Decimal("98.5"), "%")),
        ("35万元", ("num", Decimal("35"), "万元")),
        ("2014年", ("year", Decimal("2014"), "")),
        ("2019年度", ("year", Decimal("2019"), "")),
        ("—", ("null", None, "")),
        ("-2.5", ("null", None, "")),
        ("汉昌", ("text", None, "")),
        ("2023年6月", ("text", None, "")),
        ("9:00", ("text", None, "")),
    ],
)
def test_parse_cell(text, expected):
    assert parse_cell(text) == expected


@pytest.mark.parametrize(
    "text, gaps, expected",
    [
        ("一中 | 1,520 | 85.6", (), ["一中", "1,520", "85.6"]),
        ("| | 1470 | 1253 |", (), ["1470", "1253"]),
        ("东坪 356 96. 1", (), ["东坪", "356", "96. 1"]),
        ("乡镇参考人数及格率", (2, 6), ["乡镇", "参考人数", "及格率"]),
        ("合 计 120 6.5 %", (), ["合 计", "120", "6.5 %"]),
        ("95. 5", (), ["95. 5"]),
    ],
)
def test_split_cells(text, gaps, expected):
    assert [text[a:b] for a, b in split_cells(text, gaps)] == expected


@pytest.mark.parametrize(
    "header, label, titles, metric, family, unit",
    [
        ("语及率", "一小", [], "及格率", "exam", "%"),
        ("人数", "一小", ["期中抽考成绩"], "人数", "exam", "人"),
        ("人数", "一小", ["秋季招生情况"], "人数", "enrollment", "人"),
        ("2014年", "初中", ["三、毕业生(单位:人)"], "毕业生数", "enrollment", "人"),
        (
            "2014年",
            "初中毕业生升学率(%)",
            ["三、毕业生(单位:人)"],
            "升学率",
            "enrollment",
            "%",
        ),
        ("经费(万元)", "一中", [], "经费", "funding", "万元"),
        ("合计", "一中", ["单位:万元"], "", "funding", "万元"),
    ],
)
def test_resolve_meaning(header, label, titles, metric, family, unit):
    m = resolve_meaning(header, label, titles, "")
    assert m is not None and (m.metric, m.family, m.unit) == (metric, family, unit)


@pytest.mark.parametrize(
    "header, label, titles",
    [
        ("名次", "一小", ["抽考成绩"]),
        ("2014年", "小学", ["一、学校(单位:所)"]),
        ("专任教师", "一中", []),
        ("2014年", "专任教师", ["单位:人"]),
        ("人数", "一小", []),  # a count of nothing the context names
        ("经费", "一中", []),  # money without a unit
    ],
)
def test_resolve_meaning_refuses(header, label, titles):
    assert resolve_meaning(header, label, titles, "") is None


def test_one_row_per_year_cell_per_line():
    raw = "近三年入学情况\n年份\n招生人数\n入学率\n2021年\n1320\n99.2\n2022年\n1288\n99.5\n2023年\n1301\n99.7\n"
    df = run(raw)
    assert df.value.tolist() == [1320.0, 99.2, 1288.0, 99.5, 1301.0, 99.7]
    assert df.metric.tolist()[:2] == ["招生人数", "入学率"]
    assert df.year.tolist() == [2021, 2021, 2022, 2022, 2023, 2023]


def test_one_row_per_year_with_bars():
    raw = "近两年在园幼儿\n年度 | 在园幼儿 | 入园率\n2022年 | 2210 | 96.1%\n2023年 | 2305 | 97.4%\n"
    df = run(raw)
    assert df.value.tolist() == [2210.0, 96.1, 2305.0, 97.4]
    assert df.year.tolist() == [2022, 2022, 2023, 2023]


@pytest.mark.parametrize(
    "raw",
    [
        "教师年度考核结果\n学校\n参考人数\n优秀人数\n一中\n86\n17\n二中\n54\n11\n三中\n40\n8\n",
        "学生资助情况\n学段 | 资助人数 | 受助学生数\n小学 | 320 | 318\n初中 | 210 | 205\n",
    ],
)
def test_heads_of_teachers_and_aid_recipients_are_not_figures(raw):
    assert run(raw).empty


def test_aid_amounts_stay_funding():
    raw = "学生资助情况\n学段 | 资助人数 | 资助金额(万元)\n小学 | 320 | 16.5\n初中 | 210 | 26.25\n"
    df = run(raw)
    assert df.value.tolist() == [165000.0, 262500.0] and set(df.family) == {"funding"}


def test_a_word_among_the_values_drops_the_row():
    raw = "各校成绩\n学校 | 人数 | 等级 | 平均分\n一中 | 120 | 优 | 81.5\n二中 | 98 | 88 | 79.5\n三中 | 101 | 90 | 78\n"
    df = run(raw)
    assert 81.5 not in set(df.value) and 120.0 not in set(df.value)
    assert df.value.tolist() == [98.0, 79.5, 101.0, 78.0]  # the 等级 column maps to nothing


def test_gaokao_table_with_score_band_and_line_columns():
    raw = (
        "2023年高考成绩统计\n学校 | 参考人数 | 600分以上 | 本科上线 | 本科上线率\n"
        "一中 | 1200 | 86 | 905 | 75.4%\n二中 | 860 | 21 | 520 | 60.5%\n"
    )
    df = run(raw)
    assert df.metric.tolist()[:4] == ["参考人数", "分数段人数", "上线人数", "上线率"]
    assert set(df.family) == {"exam"} and set(df.year) == {2023} and len(df) == 8


def test_title_above_the_unit_line_gives_year_and_unit():
    raw = "2023年教育经费预算表\n单位:万元\n项目 | 预算数 | 执行数\n人员经费 | 3200 | 3150.5\n公用经费 | 860 | 842\n"
    df = run(raw)
    assert df.value.tolist() == [32000000.0, 31505000.0, 8600000.0, 8420000.0]
    assert set(df.family) == {"funding"} and set(df.year) == {2023}


def test_change_column_is_a_change():
    raw = "全县教育经费统计 单位:万元\n项目 | 2020年 | 2021年 | 增减\n总投入 | 52000 | 56400 | 4400\n财政拨款 | 46000 | 49800 | 3800\n"
    df = run(raw)
    assert df.is_change.tolist() == [False, False, True] * 2
    assert df.year.tolist()[:2] == [2020, 2021]
    if "role" in df:
        assert df.role.tolist()[:3] == ["level", "level", "change"]


def test_space_separated_yearbook_rows_with_a_spread_out_header_word():
    raw = (
        "普通中学基本情况\n指 标 2022年 2021年\n在校学生数(人) 45210 44108\n"
        "毕业生数(人) 14020 13876\n招生数(人) 15330 15012\n"
    )
    df = run(raw)
    assert df.metric.tolist() == ["在校学生数"] * 2 + ["毕业生数"] * 2 + ["招生人数"] * 2
    assert df.year.tolist() == [2022, 2021] * 3 and set(df.family) == {"enrollment"}


def test_table_rows_have_the_figures_columns_with_role_and_metric_raw_filled():
    df = run(EXAM_CELL_PER_LINE)
    assert list(df.columns) == list(FIGURE_COLUMNS)
    assert df.metric_raw.tolist()[:3] == ["人数", "数及", "数及率"]
    assert set(df.role) == {"level"} and df.range_low.isna().all()


def test_a_rate_row_under_a_count_unit_title_stays_a_rate():
    raw = "三、毕业生(单位:人)\n指标 | 2022年 | 2021年\n小学 | 4120 | 4056\n初中 | 3980 | 3874\n初中升学率 | 98.6 | 98.1\n"
    df = run(raw)
    assert df.unit.tolist() == ["人"] * 4 + ["%"] * 2
    assert df.metric.tolist()[-1] == "升学率"


def test_a_negative_change_holds_its_cell_and_gives_nothing():
    raw = "在校生变化 单位:人\n学段 | 2022年 | 2023年 | 增减\n小学 | 5210 | 5104 | -106\n初中 | 3020 | 3155 | 135\n"
    df = run(raw)
    assert df.value.tolist() == [5210.0, 5104.0, 3020.0, 3155.0, 135.0]
    assert df.is_change.tolist() == [False, False, False, False, True]
