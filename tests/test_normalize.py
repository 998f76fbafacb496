"""Normalisation steps, each on short real snippets from the seed files."""

from __future__ import annotations

import pytest

from helpers.aligned import AlignedText
from helpers.normalize import (
    MOJIBAKE_MARK,
    PLACEHOLDER,
    NormalizeOptions,
    build_mojibake_table,
    detect_options,
    normalize_document,
    normalize_placeholders,
    normalize_spaces,
    normalize_text,
    normalize_width,
    rejoin_broken_lines,
    remove_html,
    remove_pinyin_glosses,
    remove_share_bars,
    remove_urls,
    repair_taiwan_vocab,
)

PLAIN = NormalizeOptions()


def _run(step, text, *args):
    out, n = step(AlignedText.from_raw(text), *args)
    out.check()
    return out.text, n


# ---------------------------------------------------------------------------- width
@pytest.mark.parametrize(
    "raw, expected, n",
    [
        ("全市共有１２８所学校", "全市共有128所学校", 3),
        ("增长９．１５％", "增长9.15%", 5),
        ("投资４０万元，改造危房２８６平方米", "投资40万元,改造危房286平方米", 6),
        ("（一）对优秀教师进行表彰", "(一)对优秀教师进行表彰", 2),
        ("ＡＢＣ三种", "ABC三种", 3),
        ("教育\u3000工作", "教育 工作", 1),
        # Chinese-only punctuation and circled numbers have no ASCII twin: untouched.
        ("《教师法》、“两免一补”。①学期初", "《教师法》、“两免一补”。①学期初", 0),
        ("", "", 0),
    ],
)
def test_width_folds_fullwidth_ascii_forms_only(raw, expected, n):
    assert _run(normalize_width, raw) == (expected, n)


def test_width_keeps_per_character_alignment():
    out, _ = normalize_width(AlignedText.from_raw("共１２所"))
    assert out.raw_span(1, 3) == (1, 3)


# ---------------------------------------------------------------------------- html
def test_html_tags_scripts_and_entities_are_removed():
    raw = "<html><body><p>全镇有初级中学2所&nbsp;</p><script>var a=1;</script><div>完小3所</div></body></html>"
    text, n = _run(remove_html, raw)
    assert text.split() == ["全镇有初级中学2所", "完小3所"]
    assert n > 0


def test_stray_tags_removed_outside_html_pages():
    assert normalize_text('全镇有初级中学2所<br/>完小3所,<span class="x">教学点1个</span>。') == (
        "全镇有初级中学2所完小3所,教学点1个。"
    )
    assert normalize_text("幼儿教育<义务教育,a<b") == "幼儿教育<义务教育,a<b"


def test_html_is_detected_only_on_pages():
    assert detect_options("<html><body><p>教育</p><div>工作</div></body></html>").is_html
    assert not detect_options("幼儿教育 < 义务教育 > 高中教育").is_html


# ---------------------------------------------------------------------------- pinyin
@pytest.mark.parametrize(
    "raw, expected, n",
    [
        ("寫作不僅是一種記錄,更是一種創(chuàng)造", "寫作不僅是一種記錄,更是一種創造", 1),
        (
            "區(qū)教育脫貧工作,緊緊圍繞全區(qū)脫貧攻堅工作大局",
            "區教育脫貧工作,緊緊圍繞全區脫貧攻堅工作大局",
            2,
        ),
        ("(一)抓安排部署", "(一)抓安排部署", 0),
        (
            "印發(fā)了《商州區(qū)教育脫貧攻堅精準(zhǔn)扶持政策一覽表》",
            "印發了《商州區教育脫貧攻堅精準扶持政策一覽表》",
            3,
        ),
        ("各學校(幼兒園)均采取教師會", "各學校(幼兒園)均采取教師會", 0),
        ("浙江广播电视大学(ABC)分校", "浙江广播电视大学(ABC)分校", 0),
        ("完善(de)制度", "完善(de)制度", 0),  # toneless: only in glossed documents
    ],
)
def test_pinyin_glosses_removed_and_other_brackets_kept(raw, expected, n):
    assert _run(remove_pinyin_glosses, raw) == (expected, n)


def test_toneless_gloss_removed_in_glossed_document():
    assert _run(remove_pinyin_glosses, "完善(de)制度", True) == ("完善制度", 1)
    assert _run(remove_pinyin_glosses, "学校(xx)分校", True) == ("学校(xx)分校", 0)


# ---------------------------------------------------------------------------- mojibake
# The document around a cluster provides the evidence: 學 and 對外 are common there.
SEED_002_CONTEXT = "學(xué)校" * 20 + "對(duì)外交流活動中積極承擔" + "對(duì)" * 20


@pytest.mark.parametrize(
    "cluster, expected",
    [
        ("?qū)W", "學"),  # 因?qū)W定教 -> 因學定教
        (
            "?qū)ν饨涣骰顒又蟹e",
            "對外交流活動中積",
        ),  # 或?qū)ν饨涣骰顒又蟹e極 -> 或對外交流活動中積極
    ],
)
def test_mojibake_cluster_repaired_from_document_evidence(cluster, expected):
    raw = SEED_002_CONTEXT + "在教育主管部門組織的教育教學研討或" + cluster + "極承擔"
    assert build_mojibake_table(raw)[cluster] == expected


def test_mojibake_cluster_without_evidence_is_marked_not_left():
    raw = "合高中最低錄取分?jǐn)?shù)線。"
    doc = normalize_document(raw)
    assert "?" not in doc.text and "jǐn" not in doc.text and "shù" not in doc.text
    assert doc.text == f"合高中最低录取分{MOJIBAKE_MARK}线。"
    assert doc.repairs["mojibake_marked"] == 1 and doc.repairs["mojibake_repaired"] == 0


def test_mojibake_in_seed_002_is_repaired_in_place():
    raw = SEED_002_CONTEXT + "\n在教育主管部門組織或?qū)ν饨涣骰顒又蟹e極承擔(dān)教育教學觀摩"
    doc = normalize_document(raw)
    assert doc.text.endswith("在教育主管部门组织或对外交流活动中积极承担教育教学观摩")
    assert doc.repairs["mojibake_repaired"] == 1
    i = doc.text.rindex("对外交流")
    s, e = doc.aligned.raw_span(i, i + 8)
    assert raw[s:e] == "?qū)ν饨涣骰顒又蟹e"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("资助总人\ufffd\ufffd14861人", f"资助总人{MOJIBAKE_MARK}14861人"),
        ("学生锟斤拷锟斤拷人数", f"学生{MOJIBAKE_MARK}人数"),
        ("我校????年共培训教师", f"我校{MOJIBAKE_MARK}年共培训教师"),
    ],
)
def test_decoder_debris_is_marked(raw, expected):
    doc = normalize_document(raw)
    assert doc.text == expected and doc.repairs["mojibake_marked"] == 1


def test_question_marks_that_are_not_clusters_stay():
    assert normalize_text("加油??学生在遇到失败时", PLAIN) == "加油??学生在遇到失败时"


# ---------------------------------------------------------------------------- Taiwan
@pytest.mark.parametrize(
    "raw, localised",
    [
        (
            "我們在張興國小召開了全鄉心理健康教育現場會,落實《江蘇省中國小心理健康教育實施意見》,"
            "建淮中學今年會考人均總分雄居全區公辦國中第一名",
            True,
        ),
        ("全國中小學教師繼續教育,全國中學生運動會", False),
        ("普通高中省會考平均合格率97%以上。", False),
    ],
)
def test_taiwan_localisation_detected_from_evidence(raw, localised):
    assert detect_options(raw).taiwan_localised is localised


@pytest.mark.parametrize(
    "simplified, expected",
    [
        ("我们在张兴国小召开了现场会", "我们在张兴小学召开了现场会"),
        ("落实《江苏省中国小心理健康教育实施意见》", "落实《江苏省中小学心理健康教育实施意见》"),
        ("国中政治学科复习研讨会", "初中政治学科复习研讨会"),
        ("今年会考人均总分", "今年中考人均总分"),
        ("全国中小学", "全国中小学"),
    ],
)
def test_taiwan_vocab_repair_table(simplified, expected):
    assert _run(repair_taiwan_vocab, simplified)[0] == expected


def test_mainland_huikao_kept_when_document_not_localised():
    assert (
        normalize_text("3、普通高中省会考平均合格率97%以上。")
        == "3、普通高中省会考平均合格率97%以上。"
    )


def test_taiwan_localised_document_end_to_end():
    raw = "目前,我鄉中國小僅有初級中學1所,完小3所。完善國小布局調整。國中數學學科研討會。"
    assert (
        normalize_text(raw)
        == "目前,我乡中小学仅有初级中学1所,完小3所。完善小学布局调整。初中数学学科研讨会。"
    )


# ---------------------------------------------------------------------------- web junk
@pytest.mark.parametrize(
    "raw, expected",
    [
        ('共同开展"献爱心、送温暖 down.kt250.com"帮扶活动', '共同开展"献爱心、送温暖"帮扶活动'),
        ("FwR816.cOM编辑分享", "编辑分享"),
        ("转载请注明 https://wjfww.com/zongjie/jingxuan/k4vwgn.html", "转载请注明"),
        ("综合上线率达到 51.66%", "综合上线率达到 51.66%"),
        ("投资7.5万元对中学实施改造", "投资7.5万元对中学实施改造"),
    ],
)
def test_urls_and_domains_removed_numbers_kept(raw, expected):
    assert _run(remove_urls, raw)[0] == expected


@pytest.mark.parametrize(
    "raw, expected, n",
    [
        (
            "2、确立 QQ空间 新浪微博 腾讯微博 人人网 更多 “一把手”抓教学的意识。",
            "2、确立“一把手”抓教学的意识。",
            1,
        ),
        ("创新办学路 QQ空间 新浪微博 腾讯微博 人人网 更多 子,进一步", "创新办学路子,进一步", 1),
        ("查看更多内容请关注微信公众号", "查看更多内容请关注微信公众号", 0),
    ],
)
def test_share_bar_runs_removed(raw, expected, n):
    assert _run(remove_share_bars, raw) == (expected, n)


# ---------------------------------------------------------------------------- placeholders
@pytest.mark.parametrize(
    "raw, expected",
    [
        (
            "XX年起,我镇在社会各界人士的大力支持下",
            f"{PLACEHOLDER}年起,我镇在社会各界人士的大力支持下",
        ),
        (
            "xx镇教育办紧紧围绕教育局全年20项重点工作",
            f"{PLACEHOLDER}镇教育办紧紧围绕教育局全年20项重点工作",
        ),
        (
            "对xx小学、xx幼儿园、xx7所学校",
            f"对{PLACEHOLDER}小学、{PLACEHOLDER}幼儿园、{PLACEHOLDER}7所学校",
        ),
        ("##镇幅员面积为144.5平方公里", f"{PLACEHOLDER}镇幅员面积为144.5平方公里"),
        ("****年园区社会事业工作开展情况", f"{PLACEHOLDER}年园区社会事业工作开展情况"),
        (
            "1、顺利完成**年第二次三查一治妇检工作",
            f"1、顺利完成{PLACEHOLDER}年第二次三查一治妇检工作",
        ),
        ("20xx年是我市教育灾后重建的决胜年", f"{PLACEHOLDER}年是我市教育灾后重建的决胜年"),
        ("20*年,预计教育事业总支出5亿元", f"{PLACEHOLDER}年,预计教育事业总支出5亿元"),
        (
            "《xx省中小学教师校本培训实施方案(20xx——20xx年)》",
            f"《{PLACEHOLDER}省中小学教师校本培训实施方案({PLACEHOLDER}——{PLACEHOLDER}年)》",
        ),
        ("顺利完成普通高中20xx级教学管理", f"顺利完成普通高中{PLACEHOLDER}级教学管理"),
        ("在20__年冬季广播操比赛", f"在{PLACEHOLDER}年冬季广播操比赛"),
        ("以党的“__大”精神", f"以党的“{PLACEHOLDER}大”精神"),
        ("有新考入教师x人", f"有新考入教师{PLACEHOLDER}人"),
        ("创办了*区第二职业技术学校", f"创办了{PLACEHOLDER}区第二职业技术学校"),
        ("XXX区教育局高中教育科", f"{PLACEHOLDER}区教育局高中教育科"),
        # Not placeholders: real years, words, multiplication.
        ("2007装备标准,学生生机比达9:1", "2007装备标准,学生生机比达9:1"),
        ("我们组织了ABC三类学生", "我们组织了ABC三类学生"),
        ("Excel表格", "Excel表格"),
    ],
)
def test_placeholders_become_one_token(raw, expected):
    assert _run(normalize_placeholders, raw)[0] == expected


def test_placeholder_year_is_not_a_year():
    text = normalize_text("20xx年3月组织全市38名中小学校长赴江苏无锡挂职培训。", PLAIN)
    assert "20" not in text.split("年")[0]


# ---------------------------------------------------------------------------- spaces
@pytest.mark.parametrize(
    "raw, expected",
    [
        ("扎实开展了富有成效的 “恩、信”教育活动", "扎实开展了富有成效的“恩、信”教育活动"),
        ("3 月 7 日 新课标学习", "3月7日新课标学习"),
        ("始终坚持 质量 高效 发展 创新 为中心", "始终坚持质量高效发展创新为中心"),
        ("三、培训对象 中心小学全体教师 四、培训内容", "三、培训对象中心小学全体教师 四、培训内容"),
        ("城西学区2010 2011学年第二学期", "城西学区2010 2011学年第二学期"),
        ("时间:2023-05-06 16:10:46", "时间:2023-05-06 16:10:46"),
        ("  • 文章版权属于文章作者所有\r\n", "• 文章版权属于文章作者所有\n"),
    ],
)
def test_stray_spaces_inside_chinese_removed(raw, expected):
    assert _run(normalize_spaces, raw)[0] == expected


# ---------------------------------------------------------------------------- broken lines
@pytest.mark.parametrize(
    "raw, expected",
    [
        ("心理健康辅导教师的。\n\n置不齐的问题。", "心理健康辅导教师的。\n\n置不齐的问题。"),
        ("解决学科教师配。\n\n置不齐的问题。", "解决学科教师配置不齐的问题。"),
        (
            "完成农民技能培训492人次,农民实。\n\n用技术培训1776人次",
            "完成农民技能培训492人次,农民实用技术培训1776人次",
        ),
        (
            "遥墙中心小学教学。\n\n楼已于今年9月份投入使用",
            "遥墙中心小学教学楼已于今年9月份投入使用",
        ),
        ("分别撰写。\n\n了两篇应征作为思考成果", "分别撰写了两篇应征作为思考成果"),
        # Real paragraph ends: kept.
        (
            "每次以上。\n班主任工作总结1班主任工作锁碎而繁杂",
            "每次以上。\n班主任工作总结1班主任工作锁碎而繁杂",
        ),
        (
            "取得了良好成效。\n\n一、全面推进,素质教育成果不断放大",
            "取得了良好成效。\n\n一、全面推进,素质教育成果不断放大",
        ),
    ],
)
def test_period_page_breaks_rejoined_only_inside_words(raw, expected):
    assert _run(rejoin_broken_lines, raw)[0] == expected


def test_long_line_broken_mid_sentence_is_rejoined():
    raw = "5、全面启动园区流动人口管理工作。制定了《关于加强流\n动人口计划生育工作的通知》"
    assert (
        _run(rejoin_broken_lines, raw)[0]
        == "5、全面启动园区流动人口管理工作。制定了《关于加强流动人口计划生育工作的通知》"
    )


def test_short_title_line_is_not_joined_to_next():
    raw = "开学工作前有关教师的培训工作计划1\n一、指导思想"
    assert _run(rejoin_broken_lines, raw)[0] == raw


# ---------------------------------------------------------------------------- whole document
CLEAN_MAINLAND = (
    "教育局年度工作总结\n"
    "一、全面完成校舍重建任务,硬件水平大幅提升。\n"
    "今年我市参加高考人数1628人,三本以上上线841人,其中一本198人,二本438人。"
    "综合上线率达到51.66%,再次取得了总上线率和应届上线率均为全市第一的好成绩。\n"
    "《国家中长期教育改革和发展规划纲要》、“四课”技能培训(试行)。\n"
)


def test_clean_mainland_text_is_byte_identical():
    doc = normalize_document(CLEAN_MAINLAND)
    assert doc.text == CLEAN_MAINLAND
    assert sum(doc.repairs.values()) == 0


@pytest.mark.parametrize(
    "line",
    [
        "结合学校工作实际,教育系统以创先争优活动为契机,进一步激发各学校(单位)基层党组织和广大党员干部的生机和活力。",
        "高桥初级中学学区的优质资源分为两个方面,一是硬件方面、二是软件方面。硬件方面主要指教育教学设施。",
        "1、初升高比例:全区高中招生5400人,初中毕业生升入高中比例达到93.5%以上,普职比力争接近1:1。",
        "认真贯彻温州市人民政府《关于做好农村预备劳动力培训工作的通知》(温政发〔2006〕71号)精神。",
        "1.事业发展目标:全面推开0~3周岁婴幼儿早期教育,早期教育覆盖率85%以上,3~6周岁幼儿入园率99%以上;",
        "(3)优化服务。一是课题研究知识的指导服务。",
    ],
)
def test_real_mainland_lines_are_unchanged(line):
    assert normalize_text(line) == line


def test_clean_mainland_text_changes_only_by_width_fixes():
    wide = CLEAN_MAINLAND.replace("1628", "１６２８").replace("51.66%", "５１．６６％")
    doc = normalize_document(wide)
    assert doc.text == CLEAN_MAINLAND
    assert doc.repairs["width"] == 10 and sum(doc.repairs.values()) == 10


def test_repairs_counted_per_kind_and_offsets_kept():
    raw = "區(qū)教育脫貧工作總結(jié)\n20xx年 QQ空间 新浪微博 腾讯微博 人人网 更多 全面完成１２所學校建設"
    doc = normalize_document(raw)
    assert doc.text == "区教育脱贫工作总结\n□年全面完成12所学校建设"
    assert doc.repairs["pinyin_gloss"] == 2
    assert doc.repairs["placeholder"] == 1
    assert doc.repairs["share_bar"] == 1
    assert doc.repairs["width"] == 2
    assert doc.repairs["t2s"] > 0
    doc.aligned.check()
    i = doc.text.index("12")
    s, e = doc.aligned.raw_span(i, i + 2)
    assert raw[s:e] == "１２"


def test_normalize_text_equals_document_text():
    raw = "區(qū)教育脫貧工作\n##鎮幅員面積為144.5平方公里"
    opts = detect_options(raw)
    assert normalize_text(raw, opts) == normalize_document(raw, opts).text


def test_empty_document():
    doc = normalize_document("")
    assert doc.text == "" and sum(doc.repairs.values()) == 0


def test_fast_t2s_matches_opencc_on_seed_texts(seed_texts):
    from helpers.script import _t2s, convert_to_simplified

    for text in seed_texts.values():
        assert convert_to_simplified(text) == _t2s().convert(text)
    for phrase in ["乾隆年間", "儘管如此", "著名的學者", "瞭解情況"]:
        assert convert_to_simplified(phrase) == _t2s().convert(phrase)
