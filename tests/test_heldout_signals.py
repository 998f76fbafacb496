"""The signals added for the held-out pages, one table per signal, with lines that must not move.

Inputs are short lines in the shape of the held-out fixtures (tests/fixtures/heldout_cleaning);
each positive row has a content row of the same look next to it.
"""

from __future__ import annotations

import pytest

from helpers.aligned import AlignedText
from helpers.boilerplate import boilerplate_kind, classify_lines, is_link_bar
from helpers.normalize import normalize_document, normalize_placeholders, rejoin_broken_lines
from helpers.segment import article_marker_title, segment_document


# ---------------------------------------------------------------------------- normalise
@pytest.mark.parametrize(
    "raw, text, first_span",
    [
        ("〇〇小学教学工作总结", "□小学教学工作总结", (0, 2)),
        ("○○县教育局", "□县教育局", (0, 2)),
        ("选派〇〇〇名教师", "选派□名教师", (2, 5)),
    ],
)
def test_circle_zero_runs_become_the_placeholder(raw, text, first_span):
    a, n = normalize_placeholders(AlignedText.from_raw(raw))
    assert (a.text, n) == (text, 1)
    i = a.text.index("□")
    assert a.raw_span(i, i + 1) == first_span


@pytest.mark.parametrize("raw", ["二〇〇〇年", "二〇二一年十二月", "2〇〇5", "〇", "一〇〇人"])
def test_circle_zeros_inside_numerals_stay(raw):
    assert normalize_placeholders(AlignedText.from_raw(raw))[0].text == raw


@pytest.mark.parametrize(
    "raw",
    [
        # a navigation bar long enough to look like a broken sentence
        "首页 | 工作总结 | 工作计划 | 心得体会 | 述职报告 | 演讲稿 | 范文大全网站导航栏目\n位置:首页",
        # a row of page fields ending on a character
        "文档贡献者: 教育资料分享   上传时间: 2023-01-05   下载次数: 56   文档页数: 3页\n本学期,我校在上级教育主管部门的正确领导下",
    ],
)
def test_navigation_and_field_rows_are_not_rejoined(raw):
    a, n = rejoin_broken_lines(AlignedText.from_raw(raw))
    assert (a.text, n) == (raw, 0)


def test_a_long_broken_sentence_is_still_rejoined():
    raw = "学校以书香校园为特色建设开放式图书角,组织学生开展读书交流和好书推荐等活动,全学期学生人均借阅\n图书15册。"
    a, n = rejoin_broken_lines(AlignedText.from_raw(raw))
    assert n == 1 and "\n" not in a.text


# ---------------------------------------------------------------------------- line kinds
@pytest.mark.parametrize(
    "line, kind",
    [
        ("联系我们 | 关于我们 | 网站地图 | 免责声明", "site_footer"),
        ("关于我们", "site_footer"),
        ("网站标识码:3201000012苏公网安备32010202001234号", "site_footer"),
        ("主办单位:市教育局承办单位:市教育信息中心", "site_footer"),
        ("本文由用户上传,如有侵权请联系删除。", "site_footer"),
        ("展开全文", "site_footer"),
        ("本文地址:", "site_footer"),
        ("版权所有:县人民政府主办:县教育局", "site_footer"),
        ("【篇二】", "toc_link"),
        ("第3篇:", "toc_link"),
        ("篇一", "toc_link"),
        ("教师工作总结相关文章:", "related_list"),
        ("热门标签", "related_list"),
        ("相关文档", "related_list"),
        ("文档贡献者:教育资料分享上传时间:2023-01-05下载次数:56", "date_meta"),
        ("2022-06-30 | 分类:工作总结 | 阅读:1234 | 评论:3", "date_meta"),
        ("原创 阳光小学 阳光小学 2022-07-08 10:30 发表于河南", "date_meta"),
        ("收录于合集 #工作总结 5个", "site_footer"),
        ("编辑:张□", "site_footer"),
        ("来源:阳光小学", "site_footer"),
        ("发表评论", "site_footer"),
        ("验证码:", "site_footer"),
        ("Powered by WordPress  All Rights Reserved", "site_footer"),
        ("(本文共2页)", "site_footer"),
        ("1 2 下一页 尾页", "site_footer"),
        (
            "【导读】总结是对工作的回顾。本站为您精选了2篇学校工作总结范文,欢迎参考。",
            "editor_blurb",
        ),
        ("首页 | 工作总结 | 工作计划 | 心得体会", "breadcrumb"),
        ("位置:首页 > 工作总结 > 正文", "breadcrumb"),
    ],
)
def test_new_boilerplate_lines(line, kind):
    assert boilerplate_kind(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "三、关于我们学校的特色建设",
        "四、积极联系我们的结对帮扶学校,开展送教下乡活动4次,受益教师120余人。",
        "在信息技术课上教育学生尊重版权所有人的合法权益,不随意下载、传播盗版软件。",
        "学校设立监督举报电话,接受社会监督。",
        "引导家长关注微信公众号推送的安全提示。",
        "第一篇章是绿色校园建设。",
        "语文|数学两科平均分位居全区第二",
        "篇目选择注重经典。",
        "经费来源:县财政拨款,共计120万元。",
        "原创歌曲《我爱我的学校》获县一等奖。",
        "审核:严格执行招生入学资格审核制度。",
        "全校共12个班,每班每周2节体育课,共计24页教案。",
    ],
)
def test_content_lines_with_footer_words_stay_content(line):
    assert boilerplate_kind(line) == ""


@pytest.mark.parametrize(
    "line, expected",
    [
        ("首页 | 工作总结 | 工作计划", True),
        ("范文中心|工作总结|工作计划|报告", True),
        ("首页 | 工作总结", False),
        ("小学 | 初中 | 高中在校生分别增加了一些,其中高中增幅最大", False),
    ],
)
def test_link_bar_shape(line, expected):
    assert is_link_bar(line) is expected


# ---------------------------------------------------------------------------- blocks
BODY = "本学期,我校以课堂教学改革为抓手,全面提高教育教学质量,取得了较好的成效。"


@pytest.mark.parametrize(
    "lines, kinds",
    [
        # items under a list header, numbered, bulleted or dated
        (
            [
                BODY,
                "热门文章",
                "1.教师个人工作总结",
                "2.班主任工作总结",
                "·学校双减工作总结 2023-06-20",
            ],
            ["", "related_list", "related_list", "related_list", "related_list"],
        ),
        # news headlines without template words under 相关推荐
        (
            [
                BODY,
                "相关推荐",
                "县教育局召开党史学习教育专题会议",
                "我县3所学校获评省级文明校园",
                "版权所有:县教育局",
            ],
            ["", "related_list", "related_list", "related_list", "site_footer"],
        ),
        # a header, then the title of the next pasted report and its body: the title stays
        (
            [BODY, "延伸阅读:", "教育局基础教育科工作计划", "一、指导思想:", BODY],
            ["", "related_list", "", "", ""],
        ),
        # a report's signature: issuing unit, then the date
        ([BODY, "□县实验小学", "2022年1月10日"], ["", "", ""]),
        ([BODY, "2022年1月10日"], ["", ""]),
        ([BODY, "城关二小教科室", "2023年1月12日"], ["", "", ""]),
        # a short label at the end with no date under it stays a label
        ([BODY, "专题"], ["", "site_footer"]),
        ([BODY, "返回顶部", "专题"], ["", "site_footer", "site_footer"]),
        # a speech's last words
        ([BODY, "谢谢大家"], ["", ""]),
        # a schedule ends the plan: more short lines than a site tail holds
        (
            [BODY, "五月份", "劳动教育实践活动", "期中质量分析", "六月份", "期末复习与检测"],
            ["", "", "", "", "", ""],
        ),
        # a date right under the page title is still page meta
        (["学校工作总结", "2022年1月10日", BODY], ["", "date_meta", ""]),
        # a list introduced by a content line ending in ":" (documents the school issued)
        (
            [
                "本学期制定并完善了以下制度和方案:",
                "《学校安全工作方案》",
                "《课后服务实施方案》",
                "《教师绩效考核方案》",
                BODY,
            ],
            ["", "", "", "", ""],
        ),
        # the same list with no introduction but cited as 《》: still content
        (
            [BODY, "《学校安全工作方案》", "《课后服务实施方案》", "《教师绩效考核方案》", BODY],
            ["", "", "", "", ""],
        ),
    ],
)
def test_block_kinds(lines, kinds):
    assert classify_lines(lines) == kinds


def test_title_heading_a_repeated_report_is_not_title_repeat():
    title = "某区教育局关于2020年教育扶贫工作的总结"
    lines = [
        title,
        "发布日期:2021-01-08",
        BODY,
        "一、强化组织领导",
        title,
        BODY,
        "一、强化组织领导",
    ]
    assert classify_lines(lines) == ["", "date_meta", "", "", "", "", ""]


def test_page_title_shown_again_is_still_title_repeat():
    title = "镇教育工作总结模板4篇"
    lines = [
        title,
        BODY,
        "一、强化组织领导",
        title,
        "今年以来,我镇教育工作坚持以人民为中心,取得了新的进展。",
    ]
    assert classify_lines(lines)[3] == "title_repeat"


# ---------------------------------------------------------------------------- articles
@pytest.mark.parametrize(
    "line, title",
    [
        ("篇一:小学教育教学工作总结", "小学教育教学工作总结"),
        ("【篇二】幼儿园保教工作总结", "幼儿园保教工作总结"),
        ("第3篇:□镇中心小学教学工作总结", "□镇中心小学教学工作总结"),
        ("第一篇:2020年初中教学工作总结", "2020年初中教学工作总结"),
        ("范文1:学校安全工作总结", "学校安全工作总结"),
        ("【篇三】", ""),
        ("教师个人工作总结 篇2", "教师个人工作总结 篇2"),
        ("第一篇章 绿色校园建设。", None),
        ("篇目选择注重经典,学生阅读兴趣浓厚。", None),
        ("第一阶段:宣传发动", None),
        ("本学期共撰写论文12篇", None),
    ],
)
def test_article_marker_title(line, title):
    assert article_marker_title(line) == title


def test_article_markers_split_a_collection_with_exact_spans():
    raw = (
        "学校工作总结(精选2篇)\n"
        "第1篇:□中学教学工作总结\n"
        "本学期,学校完善了教学工作考核办法,由教务处每月检查一次。\n"
        "一、教学管理\n"
        "全年检查教案420本、作业1800本。\n"
        "第2篇:□小学教学工作总结\n"
        "本学期,我校以双减工作为重点,认真落实作业管理、课后服务等各项要求。\n"
        "一、作业管理\n"
        "各年级建立作业公示制度。\n"
    )
    seg = segment_document("t", normalize_document(raw))
    arts = seg.articles
    assert arts["title"].tolist() == ["□中学教学工作总结", "□小学教学工作总结"]
    second = raw.index("第2篇")
    assert arts["raw_start"].tolist()[1] == second
    assert arts["raw_end"].tolist()[1] == len(raw) - 1
    # the marker line carries no heading, so sections start at 一、
    sections = seg.paragraphs.set_index("text")["section"]
    assert sections["第2篇:□小学教学工作总结"] == ""
    assert sections["各年级建立作业公示制度。"] == "一、作业管理"
