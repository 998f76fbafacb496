"""Boilerplate kinds on real (normalised) lines from the seed files."""

from __future__ import annotations

import pytest

from helpers.boilerplate import (
    boilerplate_kind,
    classify_lines,
    is_boilerplate,
    is_breadcrumb,
    title_from_toc_link,
)


@pytest.mark.parametrize(
    "line, kind",
    [
        ("当前位置:万佳范文网 >", "breadcrumb"),
        ("工作总结 >工作总结精选 >", "breadcrumb"),
        ("范文 > 工作计划 > 人事教育科工作总结 > 导航 > 教育局教师教育科工作要点", "breadcrumb"),
        ("标签: 模板教育", "site_footer"),
        ("• 文章版权属于文章作者所有,转载请注明", "site_footer"),
        ("网站地图", "site_footer"),
        (
            "欢迎阅读范文人网《教育局教师教育科工作要点》内容,我们还为您精心挑选了关于2024工作计划的优质专题,"
            "请访问:人事教育科工作总结",
            "site_footer",
        ),
        ("镇教育工作总结镇教育工作总结模板(2) | 返回目录", "toc_link"),
        (
            "本文目录镇教育工作总结模板镇教育工作总结乡镇教育工作总结及工作打算镇教育工作总结",
            "toc_link",
        ),
        (
            "开篇:写作不仅是一种记录,更是一种创造。下面是小编精心整理的12篇幼儿园帮扶结对工作总结,"
            "希望这些内容能成为您创作的灵感",
            "editor_blurb",
        ),
        (
            "写工作计划应该注意什么?你可以读一下小编整理的教育局教师教育科工作要点,希望对你有所帮助!",
            "editor_blurb",
        ),
        ("编辑分享", "share_bar"),
        ("时间:2023-05-06 16:10:46", "date_meta"),
        ("发布2020-06-25 19:43:28阅读4412", "date_meta"),
        ("延伸阅读:", "related_list"),
        ("阅读拓展:", "related_list"),
        ("贵州高考排名175790左右排位理科可以上哪些大学,具体能上什么大学", "seo_list"),
        ("三亚城市职业学院和漳州理工职业学院哪个好附对比和区别排名", "seo_list"),
        ("年度工作总结(通用21篇)", "seo_list"),
        ("工作总结范文。", "seo_list"),
        ("来源:区教育局 发布时间:2020-01-06 浏览次数:128", "date_meta"),
        ("责任编辑:王老师", "site_footer"),
        ("返回顶部", "site_footer"),
    ],
)
def test_line_kinds(line, kind):
    assert boilerplate_kind(line) == kind
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "教育局年度工作总结",
        "一、全面推进,素质教育成果不断放大",
        "1、加强干部队伍建设,提高教育管理水平。",
        "初中毕业生升入高中比例达到93.5%以上,普职比力争接近1:1。",
        "2月3日,社区组织开展法制宣传,在清华小区内悬挂宣传条幅。",
        "校毽子比赛团体奖",
        "二是加强学习交流,通过学校微信公众号、校园网等平台,及时发布教育教学信息,扩大学校的社会影响,"
        "全年推送信息120余条,责任编辑由各年级组长轮流担任。",
        "(一)抓安排部署。年初制定了教育脱贫工作计划,明确了工作目标、具体任务和保障措施等。",
        "",
    ],
)
def test_content_lines_are_not_boilerplate(line):
    assert boilerplate_kind(line) == ""
    assert not is_boilerplate(line)


def test_breadcrumb_needs_short_segments():
    assert is_breadcrumb("首页 > 工作总结 > 教育工作总结")
    assert not is_breadcrumb("高中招生5400人,初中毕业生升入高中比例 > 93.5%,普职比接近1:1")


def test_seo_link_run_at_the_tail_of_001():
    lines = [
        "结合学校工作实际,教育系统以创先争优活动为契机,进一步激发各学校(单位)基层党组织和广大党员干部的生机和活力。",
        "安保部年度工作总结",
        "员工年度个人工作总结报告范文",
        "去极端化工作总结",
        "信用社年终总结三篇",
        "银行公司客户经理年终工作总结",
    ]
    assert classify_lines(lines) == [""] + ["seo_list"] * 5


def test_award_list_in_002_is_content_not_a_link_list():
    lines = [
        "第一学期获奖情况表",
        "住宿生安全、常规、常识、知识竞赛活动获三等奖",
        "校毽子比赛团体奖",
        "10月份男生宿舍405舍获”示范宿舍”",
        "11月份女生宿舍302舍获”规范宿舍”",
        "陈红在雨花台区书法比赛中获”一等奖”",
    ]
    assert classify_lines(lines) == [""] * 6


def test_teaser_block_at_the_end_of_003():
    snippet_a = (
        "庆城县熊家庙学区2019年春季工作总结为全面贯彻党的方针,全面推进素质教育的发展,"
        "我校始终坚持质量高效发展创新为中心,努力改善办学条件,加大教育常规工作管理。"
    )
    snippet_b = (
        "城西学区2010 2011学年第二学期。工作总结。城西学区中心学校。二0一一年六月三十日。"
        "一学期来,城西学区中心学校本着解放思想实事求是与时俱进的观念和作风,积极推进。"
    )
    lines = [
        "虽然我们圆满地完成了本年度工作目标,做出了一定实绩。但与各级领导和人民群众的要求还有差距,平素工作中还有不足。",
        "",
        "学区2023年春季工作总结",
        "",
        snippet_a,
        "",
        "城西学区2019工作总结",
        "",
        snippet_b,
    ]
    assert abs(len(snippet_a) - len(snippet_b)) <= 6
    kinds = classify_lines(lines)
    assert kinds[0] == ""
    assert [kinds[i] for i in (2, 4, 6, 8)] == ["related_list"] * 4


def test_repeated_page_title_is_title_repeat():
    lines = [
        "镇教育工作总结模板4篇",
        "镇教育工作总结模板4篇",
        "今年,我们全面落实区教育局工作部署,围绕目标,把握重点,强化落实,基本完成了全年各项工作任务。",
        "镇教育工作总结模板4篇",
    ]
    assert classify_lines(lines) == ["", "title_repeat", "", "title_repeat"]


def test_short_tail_label_is_footer_but_tail_list_item_is_not():
    body = (
        "今年,我们全面落实区教育局工作部署,围绕目标,把握重点,强化落实,基本完成了全年各项工作任务。"
    )
    assert classify_lines([body, "标签: 模板教育", "专题"]) == ["", "site_footer", "site_footer"]
    assert classify_lines([body, "个人:", "陈红在雨花台区书法比赛中获”一等奖”"]) == ["", "", ""]


@pytest.mark.parametrize(
    "line, title",
    [
        (
            "乡镇教育工作总结及工作打算镇教育工作总结模板(3) | 返回目录",
            "乡镇教育工作总结及工作打算镇教育工作总结模板(3)",
        ),
        ("返回目录", ""),
        ("教育局年度工作总结", ""),
    ],
)
def test_title_from_toc_link(line, title):
    assert title_from_toc_link(line) == title
