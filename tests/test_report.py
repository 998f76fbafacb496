"""Summary tables for the notebooks (helpers.report), on rows built from real seed sentences."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import report
from helpers.topics import tokenize


def fig_row(**kw) -> dict:
    """One figures-table row with neutral defaults for the columns a test does not care about."""
    base = dict(
        doc_id="000",
        article_id=0,
        para_id=0,
        family="funding",
        metric="投资",
        stage=None,
        value=0.0,
        unit="元",
        approx=False,
        is_change=False,
        planned=False,
        per_capita=False,
        year=None,
        raw_start=0,
        raw_end=0,
        raw_text="",
        sentence="",
        flags="",
    )
    base.update(kw)
    return base


# Rows as the figures stage gives them for real seed sentences (values in 元 / percent).
SEED_FIGURES = pd.DataFrame(
    [
        # 000: 去年,我镇教育方面的投入总计55.57万元
        fig_row(
            doc_id="000",
            metric="投入",
            value=555700.0,
            raw_text="55.57萬元",
            sentence="去年,我镇教育方面的投入总计55.57万元",
        ),
        # 000: 共发放奖金19300万元 (out of scale with the town's 55.57万元)
        fig_row(
            doc_id="000",
            metric="奖金",
            value=193000000.0,
            raw_text="19300萬元",
            flags="out_of_scale",
            sentence="共发放奖金19300万元。",
        ),
        # 000: 投资10万余元为xx学校购置学生课桌凳 (approximate, planned)
        fig_row(
            doc_id="000",
            metric="投资",
            value=100000.0,
            raw_text="10萬餘元",
            approx=True,
            planned=True,
            flags="approx=余",
            sentence="投资10万余元为xx学校购置学生课桌凳及宿舍用品;",
        ),
        # 000: 发放助学金共计54000元 … 高中32人,每人600元,共计19200元
        fig_row(
            doc_id="000",
            metric="助学金",
            stage="高中",
            value=54000.0,
            raw_text="54000元",
            flags="parts_sum_ok",
            sentence="发放助学金共计54000元。",
        ),
        fig_row(
            doc_id="000",
            metric="助学金",
            stage="高中",
            value=600.0,
            raw_text="600元",
            per_capita=True,
            sentence="分别为:高中32人,每人600元,共计19200元;",
        ),
        fig_row(
            doc_id="000",
            metric="助学金",
            stage="高中",
            value=19200.0,
            raw_text="19200元",
            flags="part_of_total",
            sentence="分别为:高中32人,每人600元,共计19200元;",
        ),
        # 002: 小学入学率、巩固率均达到100%
        fig_row(
            doc_id="002",
            family="enrollment",
            metric="巩固率",
            stage="小学",
            value=100.0,
            unit="%",
            raw_text="100%",
            sentence="小学入学率、巩固率均达到100%。",
        ),
        # 002: 初升高比例达到98.32%,比2000年提高29.7个百分点
        fig_row(
            doc_id="002",
            family="enrollment",
            metric="初升高比例",
            stage="初中",
            value=98.32,
            unit="%",
            raw_text="98.32%",
            sentence="初升高比例达到98.32%,比2000年提高29.7个百分点。",
        ),
        fig_row(
            doc_id="002",
            family="enrollment",
            metric="初升高比例",
            stage="初中",
            value=29.7,
            unit="个百分点",
            is_change=True,
            raw_text="29.7個百分點",
            sentence="初升高比例达到98.32%,比2000年提高29.7个百分点。",
        ),
        # 001: 三本以上上线841人,其中一本198人
        fig_row(
            doc_id="001",
            family="exam",
            metric="上线人数",
            stage="高中",
            value=841.0,
            unit="人",
            raw_text="841人",
            flags="parts_sum_ok",
            sentence="三本以上上线841人,其中一本198人,二本438人,三本205人。",
        ),
        # 001: 占参考人数的33.86%
        fig_row(
            doc_id="001",
            family="exam",
            metric="中考A等比例",
            stage="初中",
            value=33.86,
            unit="%",
            raw_text="33.86%",
            sentence="全市中考A等学生共计895人,占参考人数的33.86%",
        ),
    ]
)


@pytest.mark.parametrize(
    "flags, expected",
    [
        ("", []),
        (None, []),
        ("approx=余", []),
        ("range=6-15", []),
        ("parts_sum_ok", []),
        ("unit_inherited;part_of_total", []),
        ("out_of_scale", ["out_of_scale"]),
        ("approx=以上;rate_over_100", ["rate_over_100"]),
        ("parts_sum_mismatch:sum=4263375", ["parts_sum_mismatch:sum=4263375"]),
    ],
)
def test_problem_flags_keep_only_warnings(flags, expected):
    assert report.problem_flags(flags) == expected


def test_funding_in_wan_leaves_out_per_capita_parts_and_out_of_scale():
    fund = report.funding_in_wan(SEED_FIGURES)
    assert sorted(zip(fund["raw_text"], fund["wan"], strict=True)) == [
        ("10萬餘元", 10.0),
        ("54000元", 5.4),
        ("55.57萬元", 55.57),
    ]


@pytest.mark.parametrize(
    "by, expected",
    [
        ("doc_id", [("000", False, 60.97, 2, 0.0), ("000", True, 10.0, 1, 1.0)]),
        (
            "metric",
            [
                ("投入", False, 55.57, 1, 0.0),
                ("投资", True, 10.0, 1, 1.0),
                ("助学金", False, 5.4, 1, 0.0),
            ],
        ),
    ],
)
def test_funding_wan_table_sums_per_group_and_marks_planned_and_approx(by, expected):
    table = report.funding_wan_table(SEED_FIGURES, by)
    got = [
        (r[by], bool(r["planned"]), round(r["wan"], 4), int(r["n"]), r["approx_share"])
        for _, r in table.iterrows()
    ]
    assert got == expected


@pytest.mark.parametrize("value, expected", [(7850400.0, 785.04), ("555700", 55.57), (1, 0.0001)])
def test_to_wan_is_exact(value, expected):
    assert report.to_wan(value) == expected


def test_family_summary_lists_every_family_even_when_absent():
    summary = report.family_summary(SEED_FIGURES).set_index("family")
    assert summary.loc[
        "funding", ["n_figures", "n_docs", "n_approx", "n_planned", "n_flagged"]
    ].tolist() == [6, 1, 1, 1, 1]
    assert summary.loc["enrollment", ["n_figures", "n_change"]].tolist() == [3, 1]
    assert summary.loc["other", "n_figures"] == 0


def test_family_summary_of_an_empty_table_is_all_zero():
    summary = report.family_summary(report.empty_table("figures"))
    assert summary["family"].tolist() == list(report.FAMILIES)
    assert summary["n_figures"].sum() == 0


def test_flagged_figures_show_problem_flags_with_their_sentence():
    flagged = report.flagged_figures(SEED_FIGURES)
    assert flagged[["raw_text", "flags", "sentence"]].values.tolist() == [
        ["19300萬元", "out_of_scale", "共发放奖金19300万元。"]
    ]


def test_parts_vs_total_checks_report_ok_and_mismatch():
    rows = pd.concat(
        [
            SEED_FIGURES,
            pd.DataFrame(
                [
                    fig_row(
                        doc_id="002",
                        metric="资助金额",
                        value=7850400.0,
                        raw_text="785.04萬元",
                        flags="parts_sum_mismatch:sum=4263375",
                        sentence="资助总人数14861人785.04万元。",
                    )
                ]
            ),
        ]
    )
    checks = report.parts_vs_total_checks(rows)
    assert checks[["raw_text", "total", "parts_sum", "status"]].values.tolist() == [
        ["54000元", 54000.0, 54000.0, "ok"],
        ["841人", 841.0, 841.0, "ok"],
        ["785.04萬元", 7850400.0, 4263375.0, "mismatch"],
    ]
    assert checks["difference"].tolist() == [0.0, 0.0, -3587025.0]


def test_parts_vs_total_checks_of_no_total_is_empty_with_columns():
    checks = report.parts_vs_total_checks(SEED_FIGURES[SEED_FIGURES["flags"] == ""])
    assert checks.empty and "status" in checks.columns


@pytest.mark.parametrize(
    "family, expected",
    [
        ("enrollment", [("巩固率", 100.0), ("初升高比例", 98.32)]),  # the change is left out
        ("exam", [("中考A等比例", 33.86)]),  # the head count 841人 is not a rate
        ("other", []),
    ],
)
def test_rate_figures_keep_percent_levels_of_one_family(family, expected):
    rates = report.rate_figures(SEED_FIGURES, family)
    assert list(zip(rates["metric"], rates["value"], strict=True)) == expected


def test_count_figures_keep_head_counts():
    counts = report.count_figures(SEED_FIGURES, "exam")
    assert counts[["metric", "value", "unit"]].values.tolist() == [["上线人数", 841.0, "人"]]


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        (dict(family="exam"), ["841人", "33.86%"]),
        (dict(family="enrollment", stage="小学"), ["100%"]),
        (dict(metric=["巩固率", "中考A等比例"]), ["100%", "33.86%"]),
        (dict(family="funding", doc_id="002"), []),
    ],
)
def test_filter_figures(kwargs, expected):
    assert report.filter_figures(SEED_FIGURES, **kwargs)["raw_text"].tolist() == expected


def test_attach_raw_context_checks_offsets_against_the_raw_file(seed_texts):
    raw = seed_texts["000_e5f195b1ef4f9a8c"]
    start = raw.index("55.57萬元")
    rows = pd.DataFrame(
        [
            fig_row(
                doc_id="000_e5f195b1ef4f9a8c",
                raw_start=start,
                raw_end=start + 7,
                raw_text="55.57萬元",
            ),
            fig_row(
                doc_id="000_e5f195b1ef4f9a8c",
                raw_start=start + 1,
                raw_end=start + 8,
                raw_text="55.57萬元",
            ),
            fig_row(doc_id="missing", raw_start=0, raw_end=3, raw_text="abc"),
        ]
    )
    out = report.attach_raw_context(rows, seed_texts, width=6)
    assert out["span_ok"].tolist() == [True, False, False]
    assert out["raw_context"].iloc[0] == "育方面的投入總計【55.57萬元】,今年,##"[2:]


PARAGRAPHS = pd.DataFrame(
    [
        # 000: breadcrumb line is web junk
        dict(
            doc_id="000",
            para_id=0,
            raw_start=0,
            raw_end=14,
            is_boilerplate=True,
            is_duplicate=False,
            n_chars=14,
            text="当前位置:万佳范文网 >",
        ),
        dict(
            doc_id="000",
            para_id=1,
            raw_start=20,
            raw_end=60,
            is_boilerplate=False,
            is_duplicate=False,
            n_chars=40,
            text="紧盯“无义务教育阶段辍学学生”这一刚性要求,完善控辍保学机制",
        ),
        dict(
            doc_id="000",
            para_id=2,
            raw_start=62,
            raw_end=102,
            is_boilerplate=False,
            is_duplicate=True,
            n_chars=40,
            text="紧盯“无义务教育阶段辍学学生”这一刚性要求,完善控辍保学机制",
        ),
        # 001: one paragraph only
        dict(
            doc_id="001",
            para_id=0,
            raw_start=0,
            raw_end=30,
            is_boilerplate=False,
            is_duplicate=False,
            n_chars=30,
            text="加大干部培训力度,组织全市38名中小学校长赴江苏无锡挂职培训",
        ),
        # 002: raw 27.提升學(xué)前教育。 has a pinyin gloss the cleaning removed (15 raw -> 10 clean)
        dict(
            doc_id="002",
            para_id=0,
            raw_start=5,
            raw_end=5 + len("27.提升學(xué)前教育。"),
            is_boilerplate=False,
            is_duplicate=False,
            n_chars=len("27.提升学前教育。"),
            text="27.提升学前教育。",
        ),
    ]
)
DOCUMENTS = pd.DataFrame(
    {
        "doc_id": ["000", "001", "002"],
        "n_chars": [110, 30, 50],
        "encoding": ["utf-8"] * 3,
        "script": ["traditional", "simplified", "mixed"],
        "trad_share": [0.4, 0.0, 0.1],
        "n_bytes": [300, 90, 150],
    }
)


def test_removed_per_document_parts_add_up_to_the_raw_length():
    removed = report.removed_per_document(DOCUMENTS, PARAGRAPHS)
    assert list(removed.columns) == list(report.REMOVED_LABELS.values())
    assert removed.loc["000"].tolist() == [40, 0, 14, 40, 16]
    assert removed.loc["001"].tolist() == [30, 0, 0, 0, 0]
    assert removed.loc["002"].tolist() == [10, 5, 0, 0, 35]
    assert (removed.sum(axis=1) == DOCUMENTS.set_index("doc_id")["n_chars"]).all()


def test_removed_per_document_without_paragraphs_puts_everything_outside():
    removed = report.removed_per_document(DOCUMENTS, report.empty_table("paragraphs"))
    assert removed[report.REMOVED_LABELS["outside"]].tolist() == [110, 30, 50]


def test_summarize_documents_counts_kept_paragraphs():
    summary = report.summarize_documents(DOCUMENTS, report.empty_table("articles"), PARAGRAPHS)
    assert summary[
        ["doc_id", "n_paragraphs", "n_kept_paragraphs", "kept_chars", "n_articles"]
    ].values.tolist() == [["000", 3, 1, 40, 0], ["001", 1, 1, 30, 0], ["002", 1, 1, 10, 0]]


def test_repairs_per_document_pivots_the_quality_log():
    log = pd.DataFrame(
        [
            dict(
                doc_id="002",
                path="002.txt",
                stage="normalize",
                kind="pinyin_gloss",
                count=812,
                detail="",
            ),
            dict(
                doc_id="002", path="002.txt", stage="normalize", kind="mojibake", count=3, detail=""
            ),
            dict(doc_id="", path="", stage="load", kind="run", count=1, detail="run-level event"),
        ]
    )
    table = report.repairs_per_document(log)
    assert table.to_dict("index") == {
        "002": {"normalize:mojibake": 3, "normalize:pinyin_gloss": 812}
    }
    assert report.repairs_per_document(report.empty_table("quality_log")).empty


def test_keywords_per_document_use_the_project_dictionary():
    kw = report.keywords_per_document(PARAGRAPHS, tokenize, n=20)
    assert kw["doc_id"].tolist() == ["000", "001", "002"]
    assert kw.loc[2, "keywords"] == "学前教育"
    words = kw.loc[0, "keywords"].split("、")
    assert "控辍保学" in words and "控辍" not in words  # user-dictionary term kept whole
    assert "江苏" not in words  # doc 001's words stay in doc 001


def test_count_terms_over_kept_paragraphs_drops_stop_words():
    terms = report.count_terms(report.analysis_paragraphs(PARAGRAPHS)["text"], tokenize, n=50)
    assert terms["控辍保学"] == 1
    assert "加大" not in terms.index and "38" not in terms.index


def test_keywords_of_no_text_is_empty():
    assert report.keywords_per_document(report.empty_table("paragraphs"), tokenize).empty


def test_doc_topic_percent_names_columns_by_theme_in_taxonomy_order():
    doc_topics = pd.DataFrame(
        {
            "doc_id": ["000", "000", "001"],
            "theme_id": ["aid", "moral", "aid"],
            "theme": ["学生资助与教育扶贫", "德育", "学生资助与教育扶贫"],
            "share": [0.25, 0.75, 1.0],
        }
    )
    table = report.doc_topic_percent(doc_topics)
    assert list(table.columns) == ["德育", "学生资助与教育扶贫"]  # moral comes before aid
    assert table.to_dict("index") == {
        "000": {"德育": 75.0, "学生资助与教育扶贫": 25.0},
        "001": {"德育": 0.0, "学生资助与教育扶贫": 100.0},
    }


def test_load_optional_table_gives_documented_columns_when_missing(tmp_path):
    table = report.load_optional_table(tmp_path, "figures")
    assert table.empty and "raw_start" in table.columns and "flags" in table.columns


def test_load_theme_tables_says_when_the_pipeline_wrote_none(tmp_path):
    out = report.load_theme_tables(tmp_path)
    assert out["themes"].empty and out["doc_topics"].empty
    assert out["note"] == "没有主题表（先运行 make data）"


def test_corpus_summary_one_row_per_document():
    doc_topics = pd.DataFrame(
        {
            "doc_id": ["000", "000", "001"],
            "theme_id": ["aid", "other", "other"],
            "theme": ["学生资助与教育扶贫", "其他", "其他"],
            "share": [0.4, 0.6, 1.0],
        }
    )
    summary = report.corpus_summary(
        DOCUMENTS, report.empty_table("articles"), PARAGRAPHS, SEED_FIGURES, doc_topics
    )
    assert summary[
        ["doc_id", "n_funding", "n_enrollment", "n_exam", "funding_wan", "main_topic"]
    ].values.tolist() == [
        ["000", 6, 0, 0, 60.97, "学生资助与教育扶贫"],  # a named theme before 其他
        ["001", 0, 0, 2, 0.0, "其他"],
        ["002", 0, 3, 0, 0.0, ""],
    ]
    assert set(report.SUMMARY_LABELS) == set(summary.columns)


def test_load_theme_tables_reads_the_stored_tables(tmp_path):
    from helpers.tables import save_table

    themes = pd.DataFrame({"theme_id": ["aid"], "name_zh": ["学生资助与教育扶贫"], "size": [3]})
    save_table(themes, tmp_path, "themes")
    save_table(
        pd.DataFrame({"method": ["nmf", "nmf"], "k": [3, 4], "chosen": [False, True]}),
        tmp_path,
        "topic_sweep",
    )
    out = report.load_theme_tables(tmp_path)
    assert out["note"] == "" and out["themes"]["size"].tolist() == [3]
    assert out["sweep"]["k"].tolist() == [3, 4]
    assert out["theme_candidates"].empty and "near_theme" in out["theme_candidates"]


def test_load_theme_quality_reads_the_stored_benchmark(tmp_path):
    summary, per_theme = report.load_theme_quality(tmp_path / "a.csv", tmp_path / "b.csv")
    assert summary.empty and per_theme.empty
    stored, _ = report.load_theme_quality()
    assert {"guided themes", "nmf_sweep"} <= set(stored["system"])


def test_figures_per_document_in_family_order():
    table = report.figures_per_document(SEED_FIGURES)
    assert list(table.columns) == ["经费", "入学与巩固", "考试成绩"]
    assert table.to_dict("index") == {
        "000": {"经费": 6, "入学与巩固": 0, "考试成绩": 0},
        "001": {"经费": 0, "入学与巩固": 0, "考试成绩": 2},
        "002": {"经费": 0, "入学与巩固": 3, "考试成绩": 0},
    }
    assert report.figures_per_document(report.empty_table("figures")).empty


@pytest.mark.parametrize(
    "skip_reasons, raw_dir, expected",
    [
        (["", "", ""], "data/raw", "来源：raw/ 中的 3 份报告，edu-reports 自动抽取"),
        (
            ["", "binary content (NUL bytes and no UTF-16 byte-order mark)"],
            "/x/batch2",
            "来源：batch2/ 中的 1 份报告（另有 1 份无法读取），edu-reports 自动抽取",
        ),
        ([], "data/raw", "来源：raw/ 中的 0 份报告，edu-reports 自动抽取"),
    ],
)
def test_source_caption_names_the_folder_and_counts_reports(skip_reasons, raw_dir, expected):
    docs = pd.DataFrame(
        {"doc_id": [f"d{i}" for i in range(len(skip_reasons))], "skip_reason": skip_reasons}
    )
    assert report.source_caption(docs, raw_dir) == expected
