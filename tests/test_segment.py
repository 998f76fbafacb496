"""Segmentation: sentences, headings, sections, article split, duplicates."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.normalize import normalize_document
from helpers.segment import (
    ARTICLE_COLUMNS,
    PARAGRAPH_COLUMNS,
    flag_cross_document_duplicates,
    parse_heading,
    segment_document,
    split_sentences,
)


def _seed(seed_texts, prefix):
    (doc_id,) = [k for k in seed_texts if k.startswith(prefix)]
    return doc_id, seed_texts[doc_id]


def _segment(text, doc_id="d"):
    return segment_document(doc_id, normalize_document(text))


# ---------------------------------------------------------------------------- sentences
@pytest.mark.parametrize(
    "text, sentences",
    [
        (
            "综合上线率达到51.66%,再次取得了好成绩。创我市上线率历史新高。",
            ["综合上线率达到51.66%,再次取得了好成绩。", "创我市上线率历史新高。"],
        ),
        (
            "1.事业发展目标:早期教育覆盖率85%以上;小学入学率保持100%;",
            ["1.事业发展目标:早期教育覆盖率85%以上;", "小学入学率保持100%;"],
        ),
        (
            "写工作计划应该注意什么?你可以读一下小编整理的工作要点!",
            ["写工作计划应该注意什么?", "你可以读一下小编整理的工作要点!"],
        ),
        (
            "认真学习了《教师法》。“向吴玲同志学习”的号召发出后,反响强烈。",
            ["认真学习了《教师法》。", "“向吴玲同志学习”的号召发出后,反响强烈。"],
        ),
        (
            "他说:“抓在细微处,落在实效中。”班主任工作只有细致入微才能见成效",
            ["他说:“抓在细微处,落在实效中。”", "班主任工作只有细致入微才能见成效"],
        ),
        ("投资7.5万元对中学实施改造", ["投资7.5万元对中学实施改造"]),
        ("Teachers met twice. Then they left.", ["Teachers met twice.", "Then they left."]),
        ("", []),
        ("   ", []),
    ],
)
def test_split_sentences(text, sentences):
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == sentences
    assert all(a < b for a, b in spans)


# ---------------------------------------------------------------------------- headings
@pytest.mark.parametrize(
    "line, expected",
    [
        ("一、全面推进,素质教育成果不断放大", ("cn", 1, "一、全面推进,素质教育成果不断放大")),
        (
            "十一、对规范化初中和规范化小学校长分期、分批实施高级研修,以培养造就一批教育改革的带头人",
            ("cn", 11, "十一、对规范化初中和规范化小学校长分期、分批实施高级研修,以…"),
        ),
        (
            "(二)加强基础设施建设力度,创建良好的教育氛围",
            ("paren_cn", 2, "(二)加强基础设施建设力度,创建良好的教育氛围"),
        ),
        ("(三)、劳动社会保障工作", ("paren_cn", 3, "(三)、劳动社会保障工作")),
        ("1、把握关键抓德育。紧扣主题,扎实开展了活动。", ("arabic", 1, "1、把握关键抓德育")),
        ("2.规范教育管理,建设文明校园。", ("arabic", 2, "2.规范教育管理,建设文明校园")),
        ("(3)优化服务。一是课题研究知识的指导服务。", ("paren_arabic", 3, "(3)优化服务")),
        (
            "①学期初,要求各任课教师认真阅读本学期教材",
            ("circled", 1, "①学期初,要求各任课教师认真阅读本学期教材"),
        ),
        ("第一阶段:集中学习,提高新教师的理论水平", ("part", 1, "第一阶段")),
        ("2)规范招生行为,加强学籍管理", ("paren_arabic", 2, "2)规范招生行为,加强学籍管理")),
        ("一.指导思想", ("cn", 1, "一.指导思想")),
        ("87.8%的学生达到优秀", None),
        ("一是加大干部培训力度。", None),
        ("2010 2011学年第二学期", None),
        ("1月4日,社区组织开展物价宣传单的发放", None),
        ("", None),
    ],
)
def test_parse_heading(line, expected):
    assert parse_heading(line) == expected


def test_section_paths_follow_heading_levels():
    text = (
        "二、近年来在教育方面的投入\n\n"
        "(一)对优秀教师进行表彰\n\n"
        "为了表彰先进,激励后进,我镇在教师节对优秀教师进行表彰。\n\n"
        "(二)加强基础设施建设力度,创建良好的教育氛围\n\n"
        "1、完善小学布局调整。新学期,我们又撤并了两个教学点。\n\n"
        "三、通盘思考,优质教育资源不断扩大\n\n"
        "目前,我乡中小学仅有初级中学1所,完小3所,教学点1个。\n"
    )
    paras = _segment(text).paragraphs
    assert paras["section"].tolist() == [
        "二、近年来在教育方面的投入",
        "二、近年来在教育方面的投入 > (一)对优秀教师进行表彰",
        "二、近年来在教育方面的投入 > (一)对优秀教师进行表彰",
        "二、近年来在教育方面的投入 > (二)加强基础设施建设力度,创建良好的教育氛围",
        "二、近年来在教育方面的投入 > (二)加强基础设施建设力度,创建良好的教育氛围 > 1、完善小学布局调整",
        "三、通盘思考,优质教育资源不断扩大",
        "三、通盘思考,优质教育资源不断扩大",
    ]


# ---------------------------------------------------------------------------- articles
def test_toc_links_split_000_into_its_four_templates(seed_texts):
    doc_id, raw = _seed(seed_texts, "000_")
    seg = _segment(raw, doc_id)
    assert seg.articles["title"].tolist() == [
        "镇教育工作总结模板4篇",
        "镇教育工作总结镇教育工作总结模板(2)",
        "乡镇教育工作总结及工作打算镇教育工作总结模板(3)",
        "镇教育工作总结镇教育工作总结模板(4)",
    ]
    starts = seg.articles["raw_start"].tolist()
    assert raw[starts[1] :].startswith("鎮教育工作總結鎮教育工作總結模板(2) | 返回目錄")
    assert not seg.articles["is_duplicate"].any()


def test_002_is_split_into_its_pasted_articles(seed_texts):
    doc_id, raw = _seed(seed_texts, "002_")
    seg = _segment(raw, doc_id)
    arts = seg.articles
    assert len(arts) >= 12
    titles = arts["title"].tolist()
    for t in [
        "——江苏南通教育考察学习心得体会",
        "开学工作前有关教师的培训工作计划1",
        "开学工作前有关教师的培训工作计划2",
        "开学工作前有关教师的培训工作计划3",
        "班主任工作总结1",
        "班主任工作总结5",
    ]:
        assert t in titles
    starts = [raw[s : s + 40] for s in arts["raw_start"]]
    # Reports that open without a title still start where they begin.
    assert any(s.startswith("****年以來,社會事業(yè)") for s in starts)
    assert any(s.startswith("一、大力實(shí)施普通中小") for s in starts)
    assert any(s.startswith("(一)突出三大重點") for s in starts)
    # Every paragraph belongs to exactly one article, in order.
    assert seg.paragraphs["article_id"].is_monotonic_increasing


def test_related_reading_header_starts_a_new_article():
    text = (
        "十、组织好山东省农村中小学教师素质提高工程省级培训\n\n"
        "延伸阅读:\n\n"
        "教育局基础教育科工作计划\n\n"
        "一、指导思想:\n\n"
        "实践科学发展观,以深入推进基础教育课程改革,全面实施素质教育为总目标。\n"
    )
    arts = _segment(text).articles
    assert arts["title"].tolist()[1] == "教育局基础教育科工作计划"
    assert len(arts) == 2


def test_numbering_restart_starts_a_new_article_at_its_title():
    text = (
        "一、工作开展情况\n(一)抓安排部署。年初制定了教育脱贫工作计划,明确了工作目标。\n"
        "二、存在的问题\n区外就读学生资助掌握不精准,回收率21%。\n"
        "——江苏南通教育考察学习心得体会\n"
        "今年暑假在教体局领导的精心安排、组织下,我有幸参加了校长培训高级研修学习。\n"
        "一、南通经济开发区校舍规划设计大气超前。\n"
    )
    arts = _segment(text).articles
    assert arts["title"].tolist() == ["", "——江苏南通教育考察学习心得体会"]
    assert arts["n_paragraphs"].tolist() == [4, 3]


def test_nested_numbering_does_not_split():
    text = (
        "(一)、教育事业\n1、完成了园区幼儿园、学校的综治、安全、创建等的日常监管落实工作。\n"
        "2、协助完成双语学校的撤迁工作。\n(二)、民政工作\n"
        "1、对申请临时救济32户进行了详细的调查,全年共计发放金额6100元。\n"
    )
    assert len(_segment(text).articles) == 1


# ---------------------------------------------------------------------------- duplicates
def test_004_repeated_plan_is_flagged_as_duplicate(seed_texts):
    doc_id, raw = _seed(seed_texts, "004_")
    seg = _segment(raw, doc_id)
    arts = seg.articles.set_index("article_id")
    basic = arts.index[arts["title"] == "教育局基础教育科工作计划"].tolist()
    assert len(basic) == 2
    first, second = basic
    assert not arts.loc[first, "is_duplicate"]
    assert arts.loc[second, "is_duplicate"]
    assert arts.loc[second, "duplicate_of"] == f"{doc_id}:{first}"
    copy = seg.paragraphs[
        (seg.paragraphs["article_id"] == second) & ~seg.paragraphs["is_boilerplate"]
    ]
    assert copy["is_duplicate"].mean() > 0.6


def test_short_repeated_headings_are_not_duplicates():
    text = (
        "一、指导思想\n以科学发展观统领全局,认真贯彻会议精神。\n"
        "二、工作目标\n一、指导思想\n以遵循教育局抓质量,保安全的总体思路为指导。\n"
    )
    assert not _segment(text).paragraphs["is_duplicate"].any()


def test_cross_document_duplicates_point_to_first_document():
    shared = "全面推开0~3周岁婴幼儿早期教育,早期教育覆盖率85%以上。"
    a = _segment(f"计划一\n{shared}\n", "a").paragraphs
    b = _segment(
        f"计划二\n{shared}\n其他内容:小学入学率、巩固率、毕业率均保持100%。\n", "b"
    ).paragraphs
    out = flag_cross_document_duplicates(pd.concat([b, a], ignore_index=True))
    row = out[(out["doc_id"] == "b") & (out["text"] == shared)].iloc[0]
    assert row["is_duplicate"] and row["duplicate_of"] == "a:1"
    assert out["is_duplicate"].sum() == 1


def test_cross_document_duplicates_on_empty_table():
    empty = pd.DataFrame(columns=PARAGRAPH_COLUMNS)
    assert flag_cross_document_duplicates(empty).empty


# ---------------------------------------------------------------------------- tables
def test_tables_have_contract_columns_and_unique_ids(seed_texts):
    doc_id, raw = _seed(seed_texts, "003_")
    seg = _segment(raw, doc_id)
    assert list(seg.articles.columns) == ARTICLE_COLUMNS
    assert list(seg.paragraphs.columns) == PARAGRAPH_COLUMNS
    assert seg.paragraphs["para_id"].is_unique
    assert set(seg.para_text) == set(seg.paragraphs["para_id"])
    assert seg.counts["articles"] == len(seg.articles) == 2
    assert seg.articles["n_paragraphs"].sum() == len(seg.paragraphs)


def test_003_broken_lines_become_one_paragraph(seed_texts):
    doc_id, raw = _seed(seed_texts, "003_")
    texts = _segment(raw, doc_id).paragraphs["text"].tolist()
    assert any("学科教师配置不齐的问题" in t for t in texts)
    assert any("农民实用技术培训1776人次" in t for t in texts)
    assert not any(t.startswith("置不齐") or t.startswith("用技术培训") for t in texts)


def test_empty_document_gives_empty_tables():
    seg = _segment("")
    assert seg.articles.empty and seg.paragraphs.empty and seg.para_text == {}


def test_headings_inside_one_line_become_paragraphs():
    text = "三、培训对象 中心小学全体教师 四、培训内容 1.新课标培训。依据培训要求,重点组织教师学习。五、培训形式 集中培训与自我学习相结合。\n"
    paras = _segment(text).paragraphs
    assert paras["text"].tolist() == [
        "三、培训对象中心小学全体教师",
        "四、培训内容 1.新课标培训。依据培训要求,重点组织教师学习。",
        "五、培训形式集中培训与自我学习相结合。",
    ]


def test_numbered_list_inside_a_paragraph_is_not_split():
    text = "3、狠抓队伍建设,夯实工作基础。以“三师”活动为抓手。1、抓学习、提技能。全镇以提高教师专业化水平为重点。\n"
    assert len(_segment(text).paragraphs) == 1


def test_out_of_rank_heading_after_body_paragraphs_starts_a_report():
    # 002: a plan using 一、 with 1、 children ends with body paragraphs; the next report
    # opens with (一), which cannot be a child of 三、 in this plan.
    text = (
        "一、教育教学方面\n1、明确自己的专业发展方向,要在自己的专业方向上多下苦工。\n"
        "二、理论学习方面\n1、做一名学习型的教师,利用课余时间,进修个人学历。\n"
        "三、思想方面\n教师是太阳底下最光辉的职业!作为一名教师,对自己工作充满热情才是最重要的。\n"
        "在未来的三年里我对自己制定的总目标是:努力成为业务水平较高的教师。\n"
        "一年目标:虚心接受师傅的指导和帮助,端正教育思想,热爱工作,热爱学生。\n"
        "二年目标:在教学上有一定的提高。科研上也有富有新意的课题进行研究。\n"
        "(一)突出三大重点,塑造了教育新形象\n1、透视焦点,优化整合了教育资源\n"
        "(1)加大了教育投入力度。□年,预计教育事业总支出5亿元。\n"
    )
    arts = _segment(text).articles
    assert len(arts) == 2
    assert arts["n_paragraphs"].tolist() == [9, 3]


def test_mixed_child_styles_right_under_a_heading_do_not_split():
    # 004: 1、 under 二、 and (一) right under 三、 in one plan.
    text = (
        "一、指导思想\n以科学发展观统领全局,认真贯彻省、市农村教育工作会议精神。\n"
        "二、主要工作指标\n1、初升高比例:全区高中招生5400人,比例达到93.5%以上。\n"
        "2、成人教育:学历教育招生500人,非学历教育计划招生800人;\n"
        "三、主要工作\n(一)抓住核心,积极推进新课程实验。\n"
        "1、坚持积极、稳妥、务实、创新的原则,稳步推进高中新课程实验。\n"
    )
    assert len(_segment(text).articles) == 1
