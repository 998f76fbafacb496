"""helpers.numbers: every numeric form on short snippets from the seeds, exact values and spans."""

from __future__ import annotations

import logging
from decimal import Decimal

import pytest

from helpers.numbers import (
    find_numbers,
    is_split_number_unit,
    normalize_width,
    parse_chinese_integer,
    parse_number,
)


def only(text: str):
    found = [m for m in find_numbers(text) if m.kind == "quantity"]
    assert len(found) == 1, found
    return found[0]


# --- width folding, on its own (a known library maps full-width 1 to 0) ----------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("资助面达到１０.９％", "资助面达到10.9%"),
        ("０１２３４５６７８９", "0123456789"),
        ("生机比达９：１", "生机比达9:1"),
        ("3～6周岁", "3~6周岁"),
    ],
)
def test_normalize_width_folds_digits_one_to_one(text, expected):
    out = normalize_width(text)
    assert out == expected
    assert len(out) == len(text)


@pytest.mark.parametrize(
    "text, value, span",
    [
        ("共发放奖金１６７００元", Decimal("16700"), (5, 11)),
        ("入园率９６％", Decimal("96"), (3, 6)),
    ],
)
def test_full_width_digits_parse_with_original_offsets(text, value, span):
    m = only(text)
    assert (m.value, (m.start, m.end)) == (value, span)
    assert m.text == text[span[0] : span[1]]


# --- Arabic digits, separators, decimals, scales ----------------------------------------------


@pytest.mark.parametrize(
    "text, value, unit, span",
    [
        ("全年共发放低保金172639元", Decimal("172639"), "元", (8, 15)),
        ("资助总人数14861人785.04万元", Decimal("7850400"), "元", (11, 19)),
        ("义务教育“一补”资金9079人343.9125万元", Decimal("3439125"), "元", (15, 25)),
        ("预计教育事业总支出5亿元", Decimal("500000000"), "元", (9, 12)),
        ("拨款达到21285万元", Decimal("212850000"), "元", (4, 11)),
        ("藏书达1.08万册", Decimal("10800"), "册", (3, 9)),
        ("投入1,250,000元", Decimal("1250000"), "元", (2, 12)),
    ],
)
def test_arabic_numbers_with_scale_are_exact(text, value, unit, span):
    m = [x for x in find_numbers(text) if x.unit == unit][-1]
    assert (m.value, m.unit, (m.start, m.end)) == (value, unit, span)


def test_scale_has_no_float_error():
    # 16.4 * 10**8 in floats is 1639999999.9999998
    assert parse_number("16.4亿").value == Decimal("1640000000")
    assert str(parse_number("785.04万元").value) == "7850400"


def test_odd_cjk_full_stop_is_a_decimal_only_before_a_unit():
    assert only("平均分87。8分").value == Decimal("87.8")
    assert [m.text for m in find_numbers("学校3所。5月开工") if m.kind == "quantity"] == ["3所"]


# --- Chinese numerals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, unit, approx",
    [
        ("为灾区捐款三千零三十二元", Decimal("3032"), "元", False),
        ("主题征文两千余篇", Decimal("2000"), "篇", True),
        ("赛诗会三十多场", Decimal("30"), "场", True),
        ("全免费的十五年基础教育", Decimal("15"), "年", False),
        ("有三十六位师生获奖", Decimal("36"), "位", False),
    ],
)
def test_chinese_numerals(text, value, unit, approx):
    m = only(text)
    assert (m.value, m.unit, m.approx) == (value, unit, approx)


@pytest.mark.parametrize(
    "numeral, value",
    [
        ("三千零三十二", 3032),
        ("二0一一", 2011),
        ("十五", 15),
        ("两千", 2000),
        ("一百万", 1000000),
        ("二〇二〇", 2020),
    ],
)
def test_parse_chinese_integer(numeral, value):
    assert parse_chinese_integer(numeral) == value


@pytest.mark.parametrize("numeral", ["三五", "", "学"])
def test_parse_chinese_integer_rejects_malformed(numeral):
    assert parse_chinese_integer(numeral) is None


@pytest.mark.parametrize(
    "text", ["十分重要", "一是加大干部培训力度", "千方百计提高我区中职招生比例", "三三两两"]
)
def test_chinese_words_containing_numerals_are_not_numbers(text):
    assert [m for m in find_numbers(text) if m.kind == "quantity"] == []


# --- percent, per-mille, points, ratios ------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, flag",
    [
        ("入园率96%", Decimal("96"), "is_percent"),
        ("人口出生率为 0.82 ‰", Decimal("0.82"), "is_permille"),
        ("人口自然增长率为2.1‰", Decimal("2.1"), "is_permille"),
        ("比去年提高了3.86个百分点", Decimal("3.86"), "is_points"),
        ("提高29.7个百分点", Decimal("29.7"), "is_points"),
        ("百分之九十", Decimal("90"), "is_percent"),
    ],
)
def test_rates(text, value, flag):
    m = only(text)
    assert m.value == value and getattr(m, flag)


@pytest.mark.parametrize(
    "text, ratio",
    [
        ("学生生机比达9:1", (Decimal(9), Decimal(1))),
        ("普职比继续保持1:1", (Decimal(1), Decimal(1))),
        ("学生数与计算机数的比达到10:1", (Decimal(10), Decimal(1))),
    ],
)
def test_ratios(text, ratio):
    m = only(text)
    assert m.is_ratio and m.ratio == ratio


def test_clock_times_are_not_ratios():
    found = find_numbers("在晚上8:30--9:30会自觉停电1小时")
    assert [(m.text, m.kind) for m in found if m.kind == "time"] == [
        ("8:30", "time"),
        ("9:30", "time"),
    ]
    assert not any(m.is_ratio for m in found)


# --- ranges and approximations ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text, low, high, unit",
    [
        ("义务教育阶段6-15周岁适龄儿童", Decimal(6), Decimal(15), "周岁"),
        ("镇江市级以上绿色学校30~40所", Decimal(30), Decimal(40), "所"),
        ("用2至3年时间", Decimal(2), Decimal(3), "年"),
        ("初步在每一学段打造2—3所", Decimal(2), Decimal(3), "所"),
    ],
)
def test_ranges(text, low, high, unit):
    m = only(text)
    assert (m.is_range, m.low, m.high, m.unit, m.value) == (True, low, high, unit, low)


@pytest.mark.parametrize(
    "text, value, word, span_text",
    [
        ("全市5万余名师生", Decimal("50000"), "余", "5万余名"),
        ("顺利完成园区约1400名学生", Decimal("1400"), "约", "约1400名"),
        ("有300多人参加", Decimal("300"), "多", "300多人"),
        ("3-5周幼儿入园率达到97%以上", Decimal("97"), "以上", "97%以上"),
        ("小班化教学25人左右", Decimal("25"), "左右", "25人左右"),
        ("计划投入7000多万元", Decimal("70000000"), "多", "7000多万元"),
        ("编著了近40万字", Decimal("400000"), "近", "近40万字"),
        ("投资10万余元", Decimal("100000"), "余", "10万余元"),
    ],
)
def test_approximations_keep_value_and_word(text, value, word, span_text):
    m = [x for x in find_numbers(text) if x.approx][-1]
    assert (m.value, m.approx_word, m.text) == (value, word, span_text)


# --- things that are numbers but not quantities ----------------------------------------------


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("时间:2023-05-06 16:10:46", ["date", "time"]),
        ("(温政发〔2006〕71号)精神", ["docno"]),
        ("认真执行市教育局[2005]69号文件精神", ["docno"]),
        ("现将2020年上半年教育脱贫攻坚工作总结如下", ["year"]),
        ("6月24日已经全部竣工投入", ["date", "date"]),
        ("城西学区中心学校。二0一一年六月三十日", ["year", "date", "date"]),
        ("11月份男生宿舍405舍获”示范宿舍”", ["date", "label"]),
        ("我担任的是初一年(4)班的班主任", ["label", "label"]),
        ("取得□省第十四届优秀教育科研成果三等奖1名", ["ordinal", "quantity"]),
        ("1、完善小学布局调整", ["heading"]),
        ("联系电话:0371-64561234。", ["phone"]),
    ],
)
def test_non_quantities_are_tagged(text, kinds):
    assert [m.kind for m in find_numbers(text)] == kinds


@pytest.mark.parametrize(
    "text", ["现将20xx年教育系统工作开展情况", "20*年,共对62所学校", "****年计生工作", "□年3月组织"]
)
def test_placeholders_never_make_numbers(text):
    assert [m for m in find_numbers(text) if m.kind == "year"] == []
    assert not any(m.text.startswith("20") for m in find_numbers(text))


# --- parse_number ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, value, unit",
    [
        ("16.4亿", Decimal("1640000000"), ""),
        ("三千零三十二元", Decimal("3032"), "元"),
        ("99.95%", Decimal("99.95"), "%"),
    ],
)
def test_parse_number_whole_string(text, value, unit):
    p = parse_number(text)
    assert (p.value, p.unit) == (value, unit)


@pytest.mark.parametrize("text", ["", "   ", "学校", "入园率96%", "9:1和1:1"])
def test_parse_number_returns_none_unless_exactly_one_number(text):
    assert parse_number(text) is None


def test_ratio_after_bi_is_not_a_clock_time():
    m = only("师生比为1:15.9。")
    assert m.is_ratio and m.ratio == (Decimal("1"), Decimal("15.9"))


@pytest.mark.parametrize("text", ["2021-2022学年第一学期", "城西学区2010至2011年度"])
def test_year_ranges_are_years(text):
    assert [m.kind for m in find_numbers(text)] == ["year"]


# --- held-out batch 7 (bench/gold_figures_heldout2.csv): forms the first run missed ----------


@pytest.mark.parametrize(
    "text, span, value, unit, approx_word",
    [
        # constructed in the reports' style: 百分之百 and 千分之X are common in enrolment targets
        ("全县适龄儿童入学率达到百分之百,", (11, 15), Decimal("100"), "%", ""),
        ("辍学率控制在千分之三以内。", (6, 12), Decimal("3"), "‰", "以内"),
        ("全县毛入园率达到百分之九十二点五。", (8, 16), Decimal("92.5"), "%", ""),
        ("全年教育投入三点五亿元", (6, 11), Decimal("350000000"), "元", ""),
        ("资助面达到百分之九十以上", (5, 12), Decimal("90"), "%", "以上"),
    ],
)
def test_chinese_percent_permille_and_decimal_words(text, span, value, unit, approx_word):
    m = only(text)
    assert ((m.start, m.end), m.value, m.unit, m.approx_word) == (span, value, unit, approx_word)
    assert m.is_permille == (unit == "‰")


@pytest.mark.parametrize("text", ["一点一滴抓落实", "上午十点半开会", "百分之", "百分比"])
def test_dian_and_baifen_words_that_are_not_numbers(text):
    assert [m for m in find_numbers(text) if m.kind == "quantity"] == []


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("2022年高考我县有3名考生进入全省前100名", ["year", "quantity", "ordinal"]),
        ("全县共有2人进入全市前十名", ["quantity", "ordinal"]),
        ("目前300名学生在校就读", ["quantity"]),
        ("提前20名完成招生计划", ["quantity"]),
    ],
)
def test_places_in_a_ranking_are_not_head_counts(text, kinds):
    assert [m.kind for m in find_numbers(text)] == kinds


def test_a_percent_band_of_a_ranking_is_not_a_rate():
    # held-out batch 10: A等为前15% is a grading rule
    assert [m.kind for m in find_numbers("A等为前15%,目前15%")] == ["ordinal", "quantity"]


@pytest.mark.parametrize(
    "text, spans",
    [
        ("合格率97%以上", [("97%以上", "以上")]),
        ("全县小学巩固率达到97%以上,初中优秀率20%左右", [("97%以上", "以上"), ("20%左右", "左右")]),
    ],
)
def test_an_approximation_after_a_rate_keeps_its_offsets_anywhere_in_the_text(text, spans):
    # the word after the rate is matched in place, not in a copy of the rest of the text
    got = [(m.text, m.approx_word, text[m.start : m.end]) for m in find_numbers(text)]
    assert got == [(t, w, t) for t, w in spans]


# --- issue 10: forms the peers' cases showed wrong or unread (own wording) --------------------


@pytest.mark.parametrize(
    "text, span_text, low, high, unit",
    [
        # the unit and place only on the second end apply to the first
        ("计划投入一百二十到一百五十万元", "一百二十到一百五十万元", "1200000", "1500000", "元"),
        ("每生补助三至五千元", "三至五千元", "3000", "5000", "元"),
        ("改造经费一千到两千万元", "一千到两千万元", "10000000", "20000000", "元"),
        ("每校奖励2至3万元", "2至3万元", "20000", "30000", "元"),
        ("项目经费8500到30000元", "8500到30000元", "8500", "30000", "元"),
        # the place is not given when it would make the range fall
        ("每组五到十人", "五到十人", "5", "10", "人"),
        ("每班两到三十人", "两到三十人", "20", "30", "人"),
        # the unit on both ends, (含) on the first
        ("单项经费1万元--5万元", "1万元--5万元", "10000", "50000", "元"),
        ("报销额度1万(含)-5万元", "1万(含)-5万元", "10000", "50000", "元"),
        ("报销额度1 万(含)-5 万元之间", "1 万(含)-5 万元", "10000", "50000", "元"),
    ],
)
def test_ranges_with_the_unit_on_the_second_end(text, span_text, low, high, unit):
    m = only(text)
    assert (m.text, m.low, m.high, m.unit) == (span_text, Decimal(low), Decimal(high), unit)
    assert m.is_range and m.value == m.low and not m.approx


@pytest.mark.parametrize(
    "text, span_text, value",
    [
        ("本年度结余资金82，225.00元", "82，225.00元", "82225"),
        ("累计投入1，250，000元", "1，250，000元", "1250000"),
        ("累计投入1,250，000元", "1,250，000元", "1250000"),
    ],
)
def test_full_width_thousands_comma(text, span_text, value):
    m = only(text)
    assert (m.text, m.value, m.unit) == (span_text, Decimal(value), "元")


@pytest.mark.parametrize(
    "text, values",
    [
        # not the 3-digit group shape: the comma separates two numbers
        ("两校分别有学生1200，340人", ["1200", "340"]),
        ("全镇学校12，小学8所", ["12", "8"]),
        ("投入10000，其中9000元用于维修", ["10000", "9000"]),
    ],
)
def test_a_comma_that_is_not_a_thousands_separator_separates(text, values):
    assert [str(m.value) for m in find_numbers(text) if m.kind == "quantity"] == values


@pytest.mark.parametrize(
    "text, span_text, low, high, unit, word",
    [
        ("社会各界捐资数十万元", "数十万元", "100000", "1000000", "元", "数"),
        ("全县投入几十万", "几十万", "100000", "1000000", "", "几"),
        ("全省投入数十亿元", "数十亿元", "1000000000", "10000000000", "元", "数"),
        ("培训十几次", "十几次", "10", "20", "次", "十几"),
        ("新建二十几所幼儿园", "二十几所", "20", "30", "所", "二十几"),
        ("每月补助三五百元", "三五百元", "300", "500", "元", "三五"),
        ("每生四五千元", "四五千元", "4000", "5000", "元", "四五"),
        ("参加的有七八十人", "七八十人", "70", "80", "人", "七八"),
        ("抽调两三名教师", "两三名", "2", "3", "名", "两三"),
        ("学生十七八岁", "十七八岁", "17", "18", "岁", "七八"),
        ("约数百万元", "约数百万元", "1000000", "10000000", "元", "约数"),
    ],
)
def test_vague_amounts_are_approximate_ranges(text, span_text, low, high, unit, word):
    m = only(text)
    assert (m.text, m.low, m.high, m.unit) == (span_text, Decimal(low), Decimal(high), unit)
    assert m.is_range and m.approx and m.approx_word == word and m.value == m.low


@pytest.mark.parametrize(
    "text",
    ["学生三五成群", "四五月份完成", "五六年级学生", "一二年级", "乱七八糟", "学生人数十分稳定",
     "几乎全部", "数学成绩", "一百几十人", "好几个学校", "“十四五”规划", "十三五期间", "获得第三四名", "五六十年代"],
)  # fmt: skip
def test_words_that_look_vague_are_not_numbers(text):
    assert [m for m in find_numbers(text) if m.kind == "quantity"] == []


@pytest.mark.parametrize(
    "numeral, value",
    [
        ("一千零十", 1010),
        ("一千零一十", 1010),
        ("两千六", 2600),
        ("两千零六", 2006),
        ("三万五", 35000),
        ("一百二", 120),
        ("一亿五", 150000000),
        ("十万零一", 100001),
        ("六十四万零一百四十三", 640143),
        ("一千一百一十一万一千一百一十一亿一千一百一十一万一千一百一十一", 1111111111111111),
        ("廿二", 22),
    ],
)
def test_chinese_numerals_short_forms_and_zeros(numeral, value):
    assert parse_chinese_integer(numeral) == value


@pytest.mark.parametrize(
    "numeral", ["十一十二", "十七十八", "百十一", "一千百", "一千五万", "一万万"]
)
def test_malformed_chinese_numerals_give_none(numeral):
    assert parse_chinese_integer(numeral) is None


@pytest.mark.parametrize(
    "text, span_text, value",
    [
        ("收到捐款两千六元", "两千六元", "2600"),
        ("收到捐款两千零六元", "两千零六元", "2006"),
        ("每生一元五角", "一元五角", "1.5"),
        ("每份十块三毛", "十块三毛", "10.3"),
        ("单价三元零五分", "三元零五分", "3.05"),
        ("合计六十四万零一百四十三元一角七分", "六十四万零一百四十三元一角七分", "640143.17"),
        ("共计壹仟玖佰圆整", "壹仟玖佰圆整", "1900"),
        ("奖金伍佰元整", "伍佰元整", "500"),
        ("投入500元整体改造", "500元", "500"),
        # 角 after a decimal amount or a range is not added to it
        ("单价87.6元五角", "87.6元", "87.6"),
        ("每人二十块钱", "二十块钱", "20"),
    ],
)
def test_money_words_jiao_fen_mao_zheng_yuan(text, span_text, value):
    m = only(text)
    assert (m.text, m.value, m.unit) == (span_text, Decimal(value), "元")


@pytest.mark.parametrize(
    "text, unit",
    [("修建篮球场3块", "块"), ("每天3元,一分不少", "元")],
)
def test_bare_kuai_stays_a_measure_word_and_a_lone_fen_is_not_cents(text, unit):
    m = next(x for x in find_numbers(text) if x.kind == "quantity")
    assert (m.value, m.unit) == (Decimal(3), unit)


@pytest.mark.parametrize(
    "text, span_text, value, word",
    [
        ("至少九千元以上", "至少九千元以上", "9000", "至少以上"),
        ("资助标准50万元（含）以上", "50万元（含）以上", "500000", "以上"),
        ("合格率95%(含)以上", "95%(含)以上", "95", "以上"),
    ],
)
def test_at_least_and_inclusive_above(text, span_text, value, word):
    m = only(text)
    assert (m.text, m.value, m.approx, m.approx_word) == (span_text, Decimal(value), True, word)


def test_parse_number_reads_a_bare_chinese_numeral_but_find_numbers_does_not():
    assert parse_number("一千零十").value == Decimal(1010)
    assert parse_number("三百万").value == Decimal(3000000)
    assert [m for m in find_numbers("一是加强管理,十分重要") if m.kind == "quantity"] == []


# --- damaged numbers: read only when unambiguous, and say what was repaired ------------------


@pytest.mark.parametrize(
    "text, span_text, value, unit, repair",
    [
        ("安排专项资金5230\n万元,用于", "5230\n万元", "52300000", "元", "unit_split"),
        ("安排专项资金412 万\n元,用于", "412 万\n元", "4120000", "元", "unit_split"),
        ("安排专项资金86 元", "86 元", "86", "元", "unit_split"),
        ("合格率达到95。5%", "95。5%", "95.5", "%", "decimal_cjk_stop"),
        ("优秀率达到87?6%", "87?6%", "87.6", "%", "decimal_lost"),
        ("优秀率达到87？6%", "87？6%", "87.6", "%", "decimal_lost"),
        ("合格率达到95. 5%", "95. 5%", "95.5", "%", "decimal_space"),
        ("合格率 95. 5%", "95. 5%", "95.5", "%", "decimal_space"),
        ("平均分低2. 43分", "2. 43分", "2.43", "分", "decimal_space"),
        ("投入资金52ab30万元", "52ab30万元", "52300000", "元", "token_skipped"),
        ("增加66◈✿★0.62万人", "66◈✿★0.62万人", "6606200", "人", "token_skipped"),
    ],
)
def test_damaged_numbers_are_read_and_flagged(text, span_text, value, unit, repair):
    m = only(text)
    assert (m.text, m.value, m.unit, m.repairs) == (span_text, Decimal(value), unit, (repair,))
    assert text[m.start : m.end] == m.text


def test_clean_numbers_carry_no_repair():
    assert all(m.repairs == () for m in find_numbers("投入资金5230万元,合格率95.5%,学生300人"))


@pytest.mark.parametrize(
    "text, texts",
    [
        # a ? between digits that could have been a dash: nothing rather than 3 and 5%
        ("达标率3?5%", []),
        # a decimal split by a space with no unit after it (a table cell): not 95 and 5
        ("及格率\n95. 5\n", []),
        ("优秀率低 9. 0,平均分低2. 43分", ["2. 43分"]),
        ("2. 5月份完成", []),
        # at a line start ``2. `` may be a heading number: neither 2 nor 5% nor 2.5%
        ("2. 5%的学生达标", []),
        # 元 that starts another word is not a unit
        ("放假3 元旦", ["3"]),
        # the unit must be a rate or amount; a heading number at a line start stays a heading
        ("学校3所。5月开工", ["3所"]),
        ("1200\n千方百计", ["1200"]),
        ("学生1200 万一出现", ["1200"]),
        # placeholders for redacted digits are not injected tokens
        ("投入1xx5万元", []),
        ("投入1**5万元", []),
        # a Chinese character between digits is never skipped
        ("2019年12万元", ["12万元"]),
        ("3月5万元", ["5万元"]),
    ],
)
def test_damage_that_is_ambiguous_is_not_repaired(text, texts):
    assert [m.text for m in find_numbers(text) if m.kind == "quantity"] == texts


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("2019年12月", ["year", "date"]),
        ("二〇一九年十二月", ["year", "date"]),
        ("(温政发〔2006〕71号)", ["docno"]),
        ("联系电话:0371-64561234。", ["phone"]),
        ("手机13812345678,", ["phone"]),
        ("时间:2023-05-06", ["date"]),
    ],
)
def test_dates_phones_and_document_numbers_yield_no_quantity(text, kinds):
    assert [m.kind for m in find_numbers(text)] == kinds


@pytest.mark.parametrize(
    "text, reason",
    [
        ("投入十一十二元", "malformed numeral"),
        ("每组10-2人", "range does not rise"),
        ("达标率3?5%", "damaged decimal or lost character"),
        ("2. 5%的学生", "heading or split decimal"),
    ],
)
def test_a_form_not_understood_gives_nothing_and_is_logged(text, reason, caplog):
    with caplog.at_level(logging.DEBUG, logger="helpers.numbers"):
        found = [m for m in find_numbers(text) if m.kind == "quantity"]
    assert found == []
    assert any(reason in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    "before, after, split",
    [
        ("安排资金5230", "万元,用于", True),
        ("安排资金412 万", "元,用于", True),
        ("安排资金412万", "人参加", False),
        ("合格率95", "%以上", True),
        ("学生1200", "万余名", True),
        ("共1200", "万一出现", False),
        ("2019", "年工作", False),
        ("学校", "万元", False),
    ],
)
def test_is_split_number_unit(before, after, split):
    assert is_split_number_unit(before, after) is split


@pytest.mark.parametrize(
    "text, values",
    [
        ("45564.44美元", [("45564.44", "")]),
        ("新台币 177.1 亿元", [("17710000000", "")]),
        # a Chinese numeral with no unit is not read at all
        ("港币两千九百六十元", []),
    ],
)
def test_foreign_currency_amounts_are_never_in_yuan(text, values):
    found = [m for m in find_numbers(text) if m.kind == "quantity"]
    assert [(str(m.value), m.unit) for m in found] == values
