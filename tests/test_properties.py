"""Property-based tests (hypothesis): no crash on any input, offsets always inside the text,
exact round trips for generated amounts. Runs are kept modest (200 examples) and seeded
through hypothesis' database-free derandomised mode, so CI reruns see the same cases."""

from __future__ import annotations

import codecs
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from helpers import normalize, numbers
from helpers.aligned import AlignedText
from helpers.load import DecodeError, decode_bytes

PROFILE = settings(
    max_examples=200,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# Alphabet of report text: CJK (simplified + traditional), digits, full-width forms, CJK and
# ASCII punctuation, pinyin vowels, whitespace incl. \r, \u3000 and the odd control character.
REPORT_CHARS = st.one_of(
    st.sampled_from(list("教育局年度工作总结學校萬億万亿零一二三四五六七八九十百千两余多约近")),
    st.sampled_from(list("0123456789０１２３４５６７８９.,%％．，。、:：;；()（）《》“”-~～—")),
    st.sampled_from(list(" \t\r\n\u3000\xa0\ufeff\u200babcxyzüǎ<>/&")),
    st.characters(codec="utf-8"),
)
report_text = st.text(alphabet=REPORT_CHARS, max_size=300)
any_text = st.text(max_size=300)

# --- AlignedText ---------------------------------------------------------------------------

# (pattern, replacement) steps like the cleaning stage uses: removals, collapses, expansions.
SUB_STEPS = [
    (r"\([a-zü\u00e0-\u01dc]+\)", ""),
    (r"[ \t\u3000\xa0]+", " "),
    (r"\r\n?", "\n"),
    (r"\n{2,}", "\n"),
    (r"<[^>]*>", ""),
    (r"[\u200b\ufeff]", ""),
    (r"&gt;", ">"),
    (r"。", "。\n"),
    (r"\d", "#"),
]


@PROFILE
@given(raw=report_text, steps=st.lists(st.sampled_from(SUB_STEPS), max_size=6))
def test_aligned_sub_chain_keeps_offsets_inside_raw(raw, steps):
    doc = AlignedText.from_raw(raw)
    for pattern, repl in steps:
        doc, _ = doc.sub(pattern, repl)
        doc.check()
    for i in range(len(doc) + 1):
        for j in (i, min(i + 1, len(doc)), len(doc)):
            s, e = doc.raw_span(i, j)
            assert 0 <= s <= e <= len(raw)


REMOVALS = [p for p, r in SUB_STEPS if r == ""]


@PROFILE
@given(raw=report_text, steps=st.lists(st.sampled_from(REMOVALS), max_size=4))
def test_aligned_removals_keep_every_char_pointing_at_itself(raw, steps):
    doc = AlignedText.from_raw(raw)
    for pattern in steps:
        doc, _ = doc.sub(pattern, "")
    for k, ch in enumerate(doc.text):
        assert raw[doc.starts[k] : doc.ends[k]] == ch


@PROFILE
@given(raw=report_text, data=st.data())
def test_aligned_slice_maps_like_the_parent_range(raw, data):
    doc, _ = AlignedText.from_raw(raw).sub(r"[ \t\u3000]+", " ")
    i = data.draw(st.integers(0, len(doc)))
    j = data.draw(st.integers(i, len(doc)))
    part = doc.slice(i, j)
    part.check()
    assert part.text == doc.text[i:j]
    if j > i:
        assert part.raw_span(0, len(part)) == doc.raw_span(i, j)


@PROFILE
@given(raw=report_text)
def test_aligned_translate_is_one_to_one(raw):
    table = str.maketrans({chr(0xFF10 + d): str(d) for d in range(10)} | {"％": "%", "，": ","})
    doc = AlignedText.from_raw(raw).translate(table)
    assert doc.text == raw.translate(table)
    assert [doc.raw_span(k, k + 1) for k in range(len(doc))] == [
        (k, k + 1) for k in range(len(raw))
    ]


# --- decode_bytes ----------------------------------------------------------------------------


@PROFILE
@given(data=st.binary(max_size=400))
@example(b"\xff\xfe")
@example(b"\xef\xbb\xbf")
@example(b"\x00" * 10)
@example(b"\xa4\xa4\xa4\xe5")
def test_decode_bytes_never_raises_anything_but_decode_error(data):
    try:
        text, enc = decode_bytes(data)
    except DecodeError as exc:
        assert str(exc)  # a reason fit for the log
    else:
        assert isinstance(text, str) and enc
        assert not text.startswith("\ufeff") or not data.startswith(codecs.BOM_UTF8)


printable_report = (
    report_text.filter(lambda t: t.strip() and "\x00" not in t)
    .map(lambda t: "".join(ch for ch in t if ch.isprintable() or ch in "\t\r\n"))
    .filter(lambda t: t.strip() != "")
)


@PROFILE
@given(text=printable_report, codec=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_decode_bytes_round_trips_unicode_encodings(text, codec):
    decoded, _ = decode_bytes(text.encode(codec))
    assert decoded == text


# --- numbers (the figures engineer's parser) ------------------------------------------------


DIGITS = "零一二三四五六七八九"


def format_chinese_integer(n: int) -> str:
    """Write ``n`` (0 < n < 10**12) in Chinese numerals: 30500 -> 三万零五百."""

    def four(g: int) -> str:
        out, zero = "", False
        for unit, base in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
            d = g // base % 10
            if d == 0:
                zero = bool(out)
                continue
            out += ("零" if zero else "") + DIGITS[d] + unit
            zero = False
        return out

    out, pending_zero = "", False
    for unit, base in (("亿", 10**8), ("万", 10**4), ("", 1)):
        g = n // base % 10**4
        if g == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or g < 1000):
            out += "零"
        out += four(g) + unit
        pending_zero = False
    return out


def test_format_chinese_integer_itself():
    assert [format_chinese_integer(n) for n in (3032, 30500, 100000001, 1628)] == [
        "三千零三十二",
        "三万零五百",
        "一亿零一",
        "一千六百二十八",
    ]


amount = st.integers(min_value=1, max_value=10**11)
cents = st.integers(min_value=0, max_value=99)
UNITS = st.sampled_from(["元", "人", "所", "万元", "亿元", "名", "平方米", ""])


def _with_unit(text: str, unit: str) -> tuple[str, Decimal]:
    scale = {"万元": 10**4, "亿元": 10**8}.get(unit, 1)
    return text + unit, Decimal(scale)


class TestNumberParser:
    @pytest.mark.parametrize("digits", ["1" + "0" * 28, "6" * 40 + "元"])
    def test_find_numbers_survives_digit_runs_longer_than_28(self, digits):
        found = numbers.find_numbers(f"账号{digits},共计1628人")
        assert [m.text for m in found][-1] == "1628人"

    @PROFILE
    @given(text=report_text)
    @example(text="1" + "0" * 40)  # once overflowed Decimal's 28-digit context
    def test_find_numbers_never_raises_and_spans_are_inside(self, text):
        found = numbers.find_numbers(text)
        prev_end = 0
        for m in found:
            assert 0 <= m.start < m.end <= len(text)
            assert text[m.start : m.end] == m.text
            assert m.start >= prev_end, "matches overlap or are out of order"
            prev_end = m.end

    @PROFILE
    @given(text=any_text)
    @example(text="６" * 30 + "元")
    def test_parse_number_never_raises_on_any_string(self, text):
        p = numbers.parse_number(text)
        assert p is None or isinstance(p.value, Decimal)

    @PROFILE
    @given(n=amount, unit=UNITS, sep=st.booleans(), wide=st.booleans())
    def test_arabic_integers_round_trip(self, n, unit, sep, wide):
        s = f"{n:,}" if sep else str(n)
        if wide:
            s = s.translate({ord(c): chr(0xFF10 + int(c)) for c in "0123456789"})
        text, scale = _with_unit(s, unit)
        p = numbers.parse_number(text)
        assert p is not None, text
        assert p.value == n * scale, text

    @PROFILE
    @given(n=amount, c=cents, unit=UNITS)
    def test_decimal_amounts_round_trip_exactly(self, n, c, unit):
        exact = Decimal(n) + Decimal(c) / 100
        text, scale = _with_unit(f"{exact:.2f}", unit)
        p = numbers.parse_number(text)
        assert p is not None, text
        assert p.value == exact * scale, text

    @PROFILE
    @given(
        n=st.integers(min_value=1, max_value=10**6),
        scale=st.sampled_from(["万", "亿"]),
        unit=st.sampled_from(["元", "人", "册"]),
    )
    def test_scaled_amounts_round_trip(self, n, scale, unit):
        # n/100 with the scale word: 16.4亿 style, value must be exact
        exact = Decimal(n) / 100
        text = f"{exact.normalize():f}{scale}{unit}"
        p = numbers.parse_number(text)
        assert p is not None, text
        assert p.value == exact * (10**4 if scale == "万" else 10**8), text

    @PROFILE
    @given(
        n=st.integers(min_value=1, max_value=10**11 - 1),
        unit=st.sampled_from(["元", "人", "所", "篇"]),
    )
    @example(n=3032, unit="元")
    @example(n=30500, unit="人")
    @example(n=100000001, unit="元")
    def test_chinese_numerals_round_trip(self, n, unit):
        text = format_chinese_integer(n) + unit
        p = numbers.parse_number(text)
        assert p is not None, text
        assert p.value == n, text

    @PROFILE
    @given(n=amount, c=cents)
    def test_percent_round_trips(self, n, c):
        exact = Decimal(n % 1000) + Decimal(c) / 100
        for text in (f"{exact:.2f}%", f"{exact:.2f}％"):
            p = numbers.parse_number(text)
            assert p is not None and p.is_percent and p.value == exact, text


# Real report vocabulary from the seeds, so generated text looks like what the tie-break sees.
SIMPLIFIED_WORDS = [
    "教育局",
    "年度",
    "工作总结",
    "学校",
    "教师",
    "学生",
    "全面",
    "推进",
    "素质教育",
    "高考",
    "上线率",
    "达到",
    "%",
    "人",
    "1628",
    ",",
    "。",
    "\n",
    "取得了",
    "成绩",
]
TRADITIONAL_WORDS = [
    "教育局",
    "年度",
    "工作總結",
    "學校",
    "教師",
    "學生",
    "全面",
    "推進",
    "素質教育",
    "圍繞",
    "目標",
    "把握",
    "重點",
    "強化",
    "落實",
    ",",
    "。",
    "\n",
    "4篇",
    "鎮",
]


@PROFILE
@given(words=st.lists(st.sampled_from(SIMPLIFIED_WORDS), min_size=8, max_size=80))
def test_gb18030_report_text_decodes_back_exactly(words):
    text = "".join(words)
    if not text.strip():
        return
    assert decode_bytes(text.encode("gb18030"))[0] == text


@PROFILE
@given(words=st.lists(st.sampled_from(TRADITIONAL_WORDS), min_size=8, max_size=80))
def test_big5_report_text_decodes_back_exactly(words):
    text = "".join(words)
    if not text.strip():
        return
    assert decode_bytes(text.encode("big5"))[0] == text


# --- the normaliser (the cleaning engineer's stage) -----------------------------------------

# Scraped-page fragments from the seeds mixed into generated text, so the HTML, mojibake,
# pinyin, share-bar and URL steps all get exercised, not just plain prose.
FRAGMENTS = st.sampled_from(
    [
        "當前位置:萬佳範文網 >",
        "工作總結 >工作總結精選 >",
        "團(tuán)體獎",
        "創(chuàng)造",
        "QQ空间 新浪微博 腾讯微博 人人网 更多",
        "https://wjfww.com/zongjie/jingxuan/k4vwgn.html",
        '<div class="content"><p>',
        "</p></div>",
        "<script>var _hmt = _hmt || [];</script>",
        "&nbsp;",
        "&gt;",
        "20xx年",
        "XX市",
        "国小",
        "��",
        "配。\n\n置",
        "１０．９％",
        "\r\n",
        "\n\n",
        "一、",
        "(一)",
    ]
)
scraped_text = st.lists(st.one_of(FRAGMENTS, report_text), max_size=12).map("".join)


class TestNormalizer:
    @PROFILE
    @given(raw=scraped_text)
    def test_normalize_never_raises_and_offsets_stay_inside_raw(self, raw):
        doc = normalize.normalize_document(raw)
        doc.aligned.check()
        assert doc.aligned.raw_len == len(raw)
        assert all(v >= 0 for v in doc.repairs.values())

    @PROFILE
    @given(raw=any_text)
    def test_normalize_never_raises_on_any_string(self, raw):
        doc = normalize.normalize_document(raw)
        doc.aligned.check()

    @PROFILE
    @given(raw=scraped_text)
    def test_normalize_text_matches_the_aligned_text(self, raw):
        doc = normalize.normalize_document(raw)
        assert normalize.normalize_text(raw, doc.options) == doc.text

    @PROFILE
    @given(raw=scraped_text)
    def test_every_clean_character_has_a_nonempty_raw_span(self, raw):
        # inserted characters (a paragraph break after 。) still point at the raw text they came from
        doc = normalize.normalize_document(raw)
        a = doc.aligned
        for k, ch in enumerate(a.text):
            s, e = int(a.starts[k]), int(a.ends[k])
            assert e > s, f"empty raw span for {ch!r} at {k}"
