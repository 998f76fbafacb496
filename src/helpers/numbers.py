"""Numbers in Chinese report prose: find them, parse them exactly, say what kind they are.

Values are :class:`decimal.Decimal` with the scale applied exactly (``16.4亿`` is
``1640000000``, never ``1639999999.99``). Offsets returned by :func:`find_numbers` are
indices into the text given, which is never rewritten except by 1:1 character folding
(full-width digits, ``％``, ``：``), so they can be mapped back to raw text unchanged.

Forms handled: Arabic digits with ``,``/``，`` thousands separators (``82，225.00元``: exactly
three digits after each comma), full-width digits, decimals, 千/万/萬/亿/億 scales, Chinese
numerals (``三千零三十二``, ``一千零十``, ``两千余``, ``二0一一``, the short forms ``两千六`` = 2600
and ``三万五`` = 35000), ``百分之X``, ``%``/``％``, ``‰``, ``个百分点``, ratios (``9:1``), ranges
(``6-15``, ``30~40``, ``2至3``, ``三至五千元`` = 3000-5000, ``一百二十到一百五十万元``,
``1万元--5万元``, ``1万(含)-5万元``), vague amounts read as approximate ranges (``数十万元``,
``几十万``, ``十几``, ``三五百``, ``四五千``), money with 角/分/毛 (``十块三毛``, ``一元五角``), ``元整``,
``圆``, ``块钱``, ``百分之百``, ``千分之三`` (per-mille), Chinese decimals (``九十二点五``) and
approximations (余/多/近/约/至少/以上/(含)以上/左右...). Numbers that are
not quantities come back with a ``kind`` saying so: ``year``, ``date``, ``time``, ``docno``
(〔2006〕71号), ``phone``, ``label`` (405舍, (4)班), ``heading`` (``1、``), ``ordinal`` (第十四届, and ranks such as 前100名, 前15%).

Damaged numbers are read only when the shape is unambiguous, and ``repairs`` names what was
repaired: ``unit_split`` (``5230\\n万元``, ``412 万\\n元``), ``decimal_cjk_stop`` (``95。5%``),
``decimal_lost`` (``87?6%``), ``decimal_space`` (``95. 5%``) and ``token_skipped`` (a short
non-digit, non-Chinese token injected between the digits of an amount or rate).

Not handled (nothing is returned rather than a wrong number): fractions (三分之一), negative
numbers, scientific notation, ``k``/``w`` abbreviations, mixed-script compounds (``100万三千``),
ranges whose ends have different scripts (``8500到三万``). Foreign currencies give the number
with no unit, never 元 (``45564.44美元``, ``港币两千九百六十元``).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

from .paths import resource_path

log = logging.getLogger(__name__)


def _log_not_understood(folded: str, start: int, end: int, reason: str) -> None:
    """Say, at debug level, which number-like text gave nothing and why."""
    if log.isEnabledFor(logging.DEBUG):
        log.debug("number not understood (%s): %r", reason, folded[start:end].replace(FILLER, ""))


# --- patterns (data, compiled once) -------------------------------------------------------

# 1:1 folding so offsets survive: full-width digits and the punctuation numbers use.
WIDTH_TABLE = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
        "％": "%",
        "：": ":",
        "～": "~",
        "－": "-",
        "，": "，",
    }
)

CN_DIGIT_VALUES = {
    "零": 0, "〇": 0, "○": 0, "0": 0,
    "一": 1, "壹": 1, "1": 1,
    "二": 2, "贰": 2, "两": 2, "2": 2,
    "三": 3, "叁": 3, "3": 3,
    "四": 4, "肆": 4, "4": 4,
    "五": 5, "伍": 5, "5": 5,
    "六": 6, "陆": 6, "6": 6,
    "七": 7, "柒": 7, "7": 7,
    "八": 8, "捌": 8, "8": 8,
    "九": 9, "玖": 9, "9": 9,
}  # fmt: skip
CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_LARGE_UNITS = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
# 廿二 (22), 卅: old words for twenty and thirty.
CN_TENS_WORDS = {"廿": "二十", "卅": "三十"}
SCALES = {
    "百万": Decimal(10**6), "千万": Decimal(10**7), "万亿": Decimal(10**12),
    "万": Decimal(10**4), "萬": Decimal(10**4), "亿": Decimal(10**8), "億": Decimal(10**8),
    "千": Decimal(1000),
}  # fmt: skip

_CN_CHARS = "零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖十拾百佰千仟万萬亿億廿卅"
# A comma (ASCII or full-width) is a thousands separator only in the shape 82,225 / 1,250,000:
# at most three digits before the first comma and exactly three after each one.
ARABIC = r"(?:[0-9]{1,3}(?:[,，][0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
# A Chinese numeral starts with a digit or 十 (十五); 0 is allowed inside (二0一一).
_CN_FIRST = "零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖十拾廿卅"
CN_NUMERAL = rf"[{_CN_FIRST}][{_CN_CHARS}0]*"
# 九十二点五, 三点五亿: a Chinese decimal part (digits only after 点).
CN_DECIMAL = r"(?:点[零〇○一二三四五六七八九]+)?"
SCALE_RX = r"(?:百万|千万|万亿|万|萬|亿|億|千)"
# 5230\n万元, 1 万(含)-5 万元: a 万/亿 split from its number by spaces or a line break counts
# only when what follows shows it belongs to an amount.
GAP_SCALE = r"(?:\s{1,3})(?:[万亿萬億])(?=\s{0,3}(?:[元圆余多(（\-~—–至到人名所个]|$))"
MORE = r"[余多]"
INCL = r"[(（]含[)）]"
SEP = r"\s?(?:-{1,2}|~|—{1,2}|–|至|到)\s?"

PRE_APPROX = ("大约", "将近", "接近", "超过", "不足", "不到", "至少", "约", "近", "逾", "超")
POST_APPROX = ("以上", "左右", "上下", "以下", "以内", "有余", "多", "余")

# Characters a number can start with; the lookahead lets the regex engine skip the rest fast.
_NUMBER_FIRST = "0-9" + "".join(sorted({w[0] for w in PRE_APPROX})) + "百千" + _CN_FIRST
NUMBER_RX = re.compile(
    rf"(?=[{_NUMBER_FIRST}])"
    rf"(?P<pre>{'|'.join(PRE_APPROX)})?"
    r"(?P<pct_word>百分之|千分之)?"
    rf"(?P<a>{ARABIC}|{CN_NUMERAL}{CN_DECIMAL}|(?<=百分之)百)(?P<a_more1>{MORE})?"
    rf"(?:(?P<a_scale>{SCALE_RX})|(?P<a_gap>{GAP_SCALE}))?(?P<a_more2>{MORE})?"
    rf"(?:(?P<a_unit>[元圆])?(?P<a_incl>{INCL})?(?P<sep>{SEP})(?P<b>{ARABIC}|{CN_NUMERAL})"
    rf"(?P<b_more1>{MORE})?(?:(?P<b_scale>{SCALE_RX})|(?P<b_gap>{GAP_SCALE}))?)?"
    r"(?P<post>\s?%|\s?‰|个百分点|百分点)?"
)
# Non-quantities, matched first so their digits are not reused.
DATE_TIME_RX = re.compile(
    r"(?=[0-9〔\[［【(（])"
    r"(?P<date>(?<![0-9])[12][0-9]{3}[-/.][01]?[0-9][-/.][0-3]?[0-9](?![0-9]))"
    r"|(?P<time>(?<![0-9:])[0-2]?[0-9]:[0-5][0-9](?::[0-5][0-9])?(?![0-9]|\.[0-9]))"
    r"|(?P<docno>[〔\[［【(（][12][0-9]{3}[〕\]］】)）]\s?(?:第)?[0-9]+号?)"
    r"|(?P<phone>(?<![0-9])(?:0[0-9]{2,3}-)?[0-9]{7,8}(?![0-9])(?=\s*(?:$|[;；,，。)）])))"
    r"|(?P<mobile>(?<![0-9])1[3-9][0-9]{9}(?![0-9]))"
)
# 97%以上: an approximation word after a rate.
POST_RATE_APPROX_RX = re.compile(r"(?:[(（]含[)）])?(?:以上|左右|以下|以内|上下)")
RATIO_CONTEXT = re.compile(r"比例?(?:为|达到|达|是|保持|接近)?\s?$")
RATIO_RX = re.compile(
    r"(?<![0-9:.])(?P<l>[0-9]+(?:\.[0-9]+)?)\s?:\s?(?P<r>[0-9]+(?:\.[0-9]+)?)(?![0-9:])"
)
# 一元五角, 十块三毛, 三元零五分, 壹仟圆整: what may follow a 元 amount.
MONEY_TAIL_RX = re.compile(
    r"(?:(?P<jiao>[1-9一二两三四五六七八九])[角毛])?"
    r"(?:(?P<zero>零)?(?P<fen>[1-9一二三四五六七八九])分)?(?P<zheng>整(?![\u4e00-\u9fff]))?"
    r"(?P<qian>钱)?"
)
# Placeholders for redacted digits never form numbers (20xx年, 20*年, ****年, and the
# cleaning stage's one-character placeholder U+25A1).
PLACEHOLDER_NEIGHBOUR = re.compile(r"[A-Za-z*＊_×#\u25a1]")
# 前100名 / 前十位 is a rank; 目前/此前/之前/以前/提前/当前 are time words.
RANK_BEFORE = re.compile(r"(?<![目此之以提当])前$")
LABEL_SUFFIX = re.compile(r"[舍室班号楼栋层床]")
YEAR_MIN, YEAR_MAX = 1900, 2100
# Longer digit runs are identifiers or junk, never quantities (and would overflow Decimal's
# default 28-digit context when scaled).
MAX_DIGITS = 18
# Filler written over a skipped token or space in the folded copy (never in the text).
FILLER = "\x00"


@lru_cache(maxsize=1)
def load_measure_words() -> tuple[str, ...]:
    """Measure words from ``resources/figures_measure_words.txt``, longest first."""
    lines = resource_path("figures_measure_words.txt").read_text(encoding="utf-8").splitlines()
    words = {w.strip() for w in lines if w.strip() and not w.startswith("#")}
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def load_numbers_vocab() -> dict:
    """Word lists of ``resources/numbers_vocab.json`` (unit aliases, vague words, damage units)."""
    return json.loads(resource_path("numbers_vocab.json").read_text(encoding="utf-8"))


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _measure_rx() -> re.Pattern:
    words = _alternation(load_measure_words())
    split = _alternation(load_numbers_vocab()["split_unit_after_space"]["units"])
    refused = _alternation(load_numbers_vocab()["unit_words_refused"]["words"])
    return re.compile(
        rf"(?P<more>[余多])?(?P<gap>\s{{1,3}}(?=(?:{split})))?(?P<unit>(?!{refused})(?:{words}))?"
        rf"(?P<incl>{INCL})?(?P<post>以上|左右|上下|以下|以内|有余)?"
    )


def _measure_tail(folded: str, pos: int) -> re.Match:
    """What follows a number at ``pos``: 余/多, a split gap, the unit, (含), 以上 (all optional)."""
    tail = _measure_rx().match(folded, pos)
    assert tail is not None  # every part is optional, so it always matches
    return tail


@lru_cache(maxsize=1)
def _vague_rx() -> re.Pattern:
    """数十万 / 几百 (few), 十几 / 二十几 (teens), 三五百 / 十七八 (pairs of digits)."""
    vocab = load_numbers_vocab()
    few = "".join(vocab["vague_few"]["words"])
    pairs = _alternation(vocab["vague_pairs"]["pairs"])
    return re.compile(  # the lookahead lets the regex engine skip other characters fast
        rf"(?=[{few}一两二三四五六七八九十])(?:(?P<few>[{few}])(?P<few_unit>[十百千])?"
        r"|(?P<tens>[二三四五六七八九两]?十)几"
        rf"|(?P<ten>十)?(?P<pair>{pairs})(?P<pair_unit>[十百千])?)"
        r"(?P<scale>万亿|万|亿)?(?![零〇○一二两三四五六七八九十百千0-9几])"
    )


# --- data classes -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ParsedNumber:
    """One number with its exact value and how it was stated.

    ``value`` has the scale applied (万 -> x10000); for a range it is ``low``. Percent values
    stay in percent (``97%`` -> 97), per-mille in per-mille (``is_permille``). ``repairs``
    names the damage repaired to read it (``unit_split``, ``decimal_space``...), empty when none.
    """

    value: Decimal
    kind: str = "quantity"
    unit: str = ""
    scale: str = ""
    approx: bool = False
    approx_word: str = ""
    is_range: bool = False
    low: Decimal | None = None
    high: Decimal | None = None
    is_percent: bool = False
    is_permille: bool = False
    is_points: bool = False
    is_ratio: bool = False
    ratio: tuple[Decimal, Decimal] | None = None
    chinese: bool = False
    repairs: tuple[str, ...] = ()

    @property
    def is_rate(self) -> bool:
        """True for %, ‰ and 个百分点 values."""
        return self.is_percent or self.is_permille or self.is_points


@dataclass(frozen=True, kw_only=True)
class NumberMatch(ParsedNumber):
    """A :class:`ParsedNumber` found in a text at ``[start, end)`` (``text`` is that slice)."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Repair:
    """A repair made in the folded copy: ``[start, end)``; the digits now start at ``digits``."""

    start: int
    end: int
    digits: int
    name: str


# --- parsing ------------------------------------------------------------------------------


def normalize_width(text: str) -> str:
    """Fold full-width digits and number punctuation to ASCII, one character for one.

    >>> normalize_width("资助面达到１０．９％")
    '资助面达到10.9%'
    """
    return text.translate(WIDTH_TABLE)


def parse_chinese_integer(s: str) -> int | None:
    """Value of a Chinese numeral (digits may be mixed in); ``None`` when malformed.

    Spoken short forms keep their meaning (``两千六`` is 2600, ``三万五`` 35000, but ``两千零六``
    is 2006); malformed strings (``十一十二``, ``百十一``, ``三五``) give ``None``.

    >>> parse_chinese_integer("三千零三十二"), parse_chinese_integer("二0一一"), parse_chinese_integer("十五")
    (3032, 2011, 15)
    >>> parse_chinese_integer("一千零十"), parse_chinese_integer("两千六"), parse_chinese_integer("十一十二")
    (1010, 2600, None)
    """
    if not s:
        return None
    for word, spelled in CN_TENS_WORDS.items():
        s = s.replace(word, spelled)
    if not any(ch in CN_SMALL_UNITS or ch in CN_LARGE_UNITS for ch in s):
        return _digit_string_value(s)
    return _sectioned_value(s)


def _digit_string_value(s: str) -> int | None:
    """一七二零 -> 1720: digits read one by one (two non-zero digits are a vague range)."""
    if any(ch not in CN_DIGIT_VALUES for ch in s):
        return None
    if len(s) == 1:
        return CN_DIGIT_VALUES[s]
    if len(s) == 2 and not any(CN_DIGIT_VALUES[ch] == 0 for ch in s):
        return None  # 三五 is "three to five", not 35
    return int("".join(str(CN_DIGIT_VALUES[ch]) for ch in s))


@dataclass
class _Sections:
    """State of :func:`_sectioned_value`: units must fall within a 万/亿 section."""

    total: int = 0
    section: int = 0
    digit: int | None = None
    zero: bool = False  # a 零 since the last unit
    last_small: int = 10**4  # the next small unit must be below this
    last_unit: int = 0
    last_large: int = 0


def _sectioned_value(s: str) -> int | None:
    st = _Sections()
    for ch in s:
        if ch in CN_DIGIT_VALUES:
            ok = _take_digit(st, CN_DIGIT_VALUES[ch])
        elif ch in CN_SMALL_UNITS:
            ok = _take_small_unit(st, CN_SMALL_UNITS[ch])
        elif ch in CN_LARGE_UNITS:
            ok = _take_large_unit(st, CN_LARGE_UNITS[ch])
        else:
            ok = False
        if not ok:
            return None
    if st.digit is None:
        return None if st.zero else st.total + st.section
    if not st.zero and st.last_unit >= 100:  # 两千六, 三万五, 一百二: the next place down
        return st.total + st.section + st.digit * st.last_unit // 10
    return st.total + st.section + st.digit


def _take_digit(st: _Sections, v: int) -> bool:
    if v == 0:
        if st.digit is not None:
            return False  # 五零 inside a numeral with units
        st.zero = True
        return True
    if st.digit is not None:
        return False  # two non-zero digits in a row (三五) is a vague range, not a number
    st.digit = v
    return True


def _take_small_unit(st: _Sections, u: int) -> bool:
    if u >= st.last_small:
        return False  # 十一十二, 一百一百: places must descend
    leading = st.section == 0 and st.total == 0 and st.last_large == 0
    if st.digit is None and not (leading or (u == 10 and (st.section == 0 or st.zero))):
        return False  # 一千百; but 十五, 百 (百分之百) and 一千零十 are fine
    st.section += (1 if st.digit is None else st.digit) * u
    st.digit, st.zero, st.last_small, st.last_unit = None, False, u, u
    return True


def _take_large_unit(st: _Sections, u: int) -> bool:
    if st.digit is not None and not st.zero and st.last_unit >= 100:
        return False  # 一千五万: ambiguous short form before a large unit
    st.section += st.digit or 0
    if u == 10**4:
        if st.last_large == 10**4 or st.section == 0:
            return False  # 万万, 亿万
        st.total += st.section * 10**4
    else:
        if st.section == 0 and st.last_large != 10**4:
            return False  # 亿亿
        st.total = (st.total + st.section) * 10**8
    st.section, st.digit, st.zero = 0, None, False
    st.last_small, st.last_unit, st.last_large = 10**4, u, u
    return True


def _core_value(s: str) -> tuple[Decimal, bool] | None:
    """Value of an Arabic or Chinese numeral core, and whether it was Chinese."""
    if re.fullmatch(ARABIC, s):
        if len(s.split(".")[0].replace(",", "").replace("，", "")) > MAX_DIGITS:
            return None
        return Decimal(s.replace(",", "").replace("，", "")), False
    if len(s) > 4 * MAX_DIGITS:
        return None
    whole, _, frac = s.partition("点")
    n = parse_chinese_integer(whole)
    if n is None or n >= 10**MAX_DIGITS:
        return None
    if frac:  # 九十二点五 -> 92.5: the digits after 点 are read one by one
        return Decimal(f"{n}." + "".join(str(CN_DIGIT_VALUES[ch]) for ch in frac)), True
    return Decimal(n), True


def _exact(d: Decimal) -> Decimal:
    """Drop a zero fractional part so 16.4亿 prints as 1640000000."""
    if d.adjusted() > 24:  # beyond the context precision: leave as is
        return d
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


# --- damage repairs (1:1 in the folded copy, so offsets survive) ---------------------------


# Every damage shape has a digit, then a non-digit, then a digit: texts without one skip the scan.
_DAMAGE_HINT = re.compile(r"[0-9][^0-9,.:/\-~%]{1,4}[0-9]|[0-9]\.[ ][0-9]")


@lru_cache(maxsize=1)
def _damage_rxs() -> dict[str, re.Pattern]:
    units = _alternation(load_numbers_vocab()["damaged_decimal"]["units"])
    # Injected tokens: no digit, space, Chinese, placeholder (x, *, □) or number punctuation.
    token = (
        r"[^\s0-9\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u2000-\u206f\u00b7xX*＊_×#\u25a1"
        r".,，。、;；:：!?！？()（）\[\]【】〔〕<>《》\"'/\\%‰+=~\-]"
    )
    return {
        "decimal_cjk_stop": re.compile(rf"(?<=[0-9])。(?=[0-9]{{1,2}}\s?(?:{units}))"),
        "decimal_lost": re.compile(
            rf"(?<![0-9.])(?P<l>[0-9]{{1,3}})[?？](?P<r>[0-9]{{1,2}})(?=\s?(?:{units}))"
        ),
        # 95. 5%: not at a line start, where ``2. `` is a heading number.
        "decimal_space": re.compile(
            rf"(?<![0-9.,，])(?P<l>[0-9]{{1,3}})\.[ ](?P<r>[0-9]{{1,2}})(?={units})"
        ),
        "token_skipped": re.compile(
            rf"(?<![0-9.,A-Za-z])(?P<l>[0-9]{{1,4}})(?P<t>{token}{{1,4}})"
            rf"(?P<r>[0-9]{{1,4}}(?:\.[0-9]{{1,2}})?)(?=\s?(?:万元|亿元|元|万|亿|%|‰))"
        ),
        # digits on both sides of a ? that is not read as a decimal point: no number there.
        # and ``95. 5`` with no unit after it (a table cell): neither 95 nor 5 is a number.
        "blocked": re.compile(
            r"[0-9]+(?:\.[0-9]+)?[?？][0-9]+(?:\.[0-9]+)?"
            r"|(?<![0-9.])[0-9]{1,3}\.[ ][0-9]{1,2}(?=\s|$|[,，。;；、)）])"
        ),
    }


def _at_line_start(text: str, pos: int) -> bool:
    """Only spaces between the last line break (or the text start) and ``pos``."""
    return not text[text.rfind("\n", 0, pos) + 1 : pos].strip()


def repair_damaged_numbers(folded: str) -> tuple[str, list[_Repair]]:
    """Rewrite damaged numbers in a width-folded text, one character for one.

    A decimal point written ``。`` becomes ``.``; one lost as ``?`` too, when the two sides
    cannot be a range (``87?6%``, but not ``3?5%``, which may have lost a dash: no number is read
    there). ``95. 5`` with no unit after it gives no number either. In ``95. 5%`` and in a number with a short injected token (``52ab30万元``) the space
    or token is moved in front of the digits as a filler. Each needs a rate or amount unit
    right after the digits.

    >>> repair_damaged_numbers("合格率95。5%")[0], repair_damaged_numbers("达87?6%")[0]
    ('合格率95.5%', '达87.6%')
    """
    rxs = _damage_rxs()
    if not _DAMAGE_HINT.search(folded):
        return folded, []
    chars = list(folded)
    repairs: list[_Repair] = []
    for m in rxs["decimal_cjk_stop"].finditer(folded):
        chars[m.start()] = "."
        repairs.append(_Repair(m.start(), m.end(), m.start(), "decimal_cjk_stop"))
    for m in rxs["decimal_lost"].finditer(folded):
        if int(m["r"]) < int(m["l"]):  # 87?6: a range would fall, so ? is the point
            chars[m.end("l")] = "."
            repairs.append(_Repair(m.end("l"), m.start("r"), m.end("l"), "decimal_lost"))
    for name in ("decimal_space", "token_skipped"):
        for m in rxs[name].finditer(folded):
            if name == "decimal_space" and _at_line_start(folded, m.start()):
                _log_not_understood(folded, m.start(), m.end(), "heading or split decimal")
                chars[m.start() : m.end()] = list(FILLER * (m.end() - m.start()))
                continue  # 2. 5%: a heading number or a damaged 2.5%: no number either way
            moved = m["l"] + ("." if name == "decimal_space" else "") + m["r"]
            width = m.end() - m.start() - len(moved)
            chars[m.start() : m.end()] = list(FILLER * width + moved)
            repairs.append(_Repair(m.start(), m.end(), m.start() + width, name))
    out = "".join(chars)
    for m in rxs["blocked"].finditer(out):
        _log_not_understood(out, m.start(), m.end(), "damaged decimal or lost character")
        out = out[: m.start()] + FILLER * (m.end() - m.start()) + out[m.end() :]
    return out, repairs


# A line that ends on digits and a next line that starts with their unit (5230 / 万元).
_DIGITS_AT_END = re.compile(r"[0-9]\s*$")
_SCALE_AT_END = re.compile(r"[0-9]\s*[万亿]\s*$")
_UNIT_AT_START = re.compile(r"\s*(?:万元|亿元|元|%|‰|个百分点|[万亿](?=\s*[元人名所个余多]))")


def is_split_number_unit(before: str, after: str) -> bool:
    """True when ``before`` ends on a number and ``after`` starts with its unit.

    For the cleaning stage, which re-joins lines broken inside a word: a break between a
    number and its unit is one too (``5230`` / ``万元``, ``412 万`` / ``元``).

    >>> is_split_number_unit("安排资金5230", "万元,用于"), is_split_number_unit("共1200", "万一出现")
    (True, False)
    """
    if _SCALE_AT_END.search(before):  # 412 万 / 元
        return bool(re.match(r"\s*元", after))
    return bool(_DIGITS_AT_END.search(before)) and bool(_UNIT_AT_START.match(after))


# --- finding ------------------------------------------------------------------------------


class _Taken:
    """Characters already used by a match, so a later pass does not reuse them."""

    def __init__(self, n: int):
        self.flags = bytearray(n)

    def free(self, a: int, b: int) -> bool:
        return not any(self.flags[a:b])

    def take(self, a: int, b: int) -> None:
        self.flags[a:b] = b"\x01" * (b - a)


def _classify(text: str, start: int, end: int, value: Decimal, unit: str, chinese: bool) -> str:
    """Kind of a plain number from its neighbours (year, date, label, heading, ordinal...)."""
    before = text[max(0, start - 2) : start]
    after = text[end : end + 2]
    if before.endswith("第"):
        return "ordinal"
    if chinese and end - start == 1 and before.endswith(("初", "高")):
        return "label"  # 初一年(4)班, 高三: a grade, not a count
    if before.endswith(("(", "（")) and after.startswith((")", "）")):
        return "label"
    if value == value.to_integral_value():
        iv = int(value)
        if (after.startswith("年") and not unit.startswith("年")) or unit == "年":
            if YEAR_MIN <= iv <= YEAR_MAX and (len(text[start:end]) == 4 or chinese):
                return "year"
        if (
            after.startswith(("月", "日", "号"))
            and 1 <= iv <= 31
            and not after.startswith("月份数")
        ):
            return "date"
        if after[:1] and LABEL_SUFFIX.match(after[:1]):
            return "label"
        if after.startswith(("、", ".")) and not chinese:
            nxt = text[end + 1 : end + 2]
            if not nxt.isdigit():
                return "heading"
    return "quantity"


def find_numbers(text: str) -> list[NumberMatch]:
    """Every number in ``text`` with its exact value, unit, approximation and kind.

    Args:
        text: any Chinese text (Simplified or Traditional, any digit width).

    Returns:
        Matches in text order; ``kind`` is ``quantity`` for amounts, counts and rates, and
        ``year``/``date``/``time``/``docno``/``phone``/``label``/``heading``/``ordinal``
        for the rest. A form that is not understood gives no match rather than a wrong one.

    Example:
        >>> [(m.text, m.value, m.unit, m.approx) for m in find_numbers("投资10万余元,改造危房286平方米")]
        [('10万余元', Decimal('100000'), '元', True), ('286平方米', Decimal('286'), '平方米', False)]
        >>> [(m.text, m.kind) for m in find_numbers("温政发〔2006〕71号, 2020年6月24日")]
        [('〔2006〕71号', 'docno'), ('2020年', 'year'), ('6月', 'date'), ('24日', 'date')]
        >>> [(m.low, m.high, m.approx_word) for m in find_numbers("投入数十万元")]
        [(Decimal('100000'), Decimal('1000000'), '数')]
    """
    return _find(text, allow_bare=False)


def _find(text: str, allow_bare: bool) -> list[NumberMatch]:
    folded, repairs = repair_damaged_numbers(normalize_width(text))
    taken = _Taken(len(folded))
    out: list[NumberMatch] = []
    for finder in (_find_non_quantities, _find_ratios, _find_vague):
        out.extend(finder(text, folded, taken))
    out.extend(_find_regular(text, folded, taken, allow_bare))
    out = [_with_repairs(text, n, repairs) for n in out]
    out.sort(key=lambda x: x.start)
    return out


def _with_repairs(text: str, n: NumberMatch, repairs: list[_Repair]) -> NumberMatch:
    """Widen a match over a filler moved in front of its digits and name the repairs inside."""
    start = min(
        (r.start for r in repairs if r.digits == n.start and r.start < n.start), default=n.start
    )
    names = [r.name for r in repairs if r.start < n.end and r.end > start]
    if start == n.start and not names:
        return n
    all_names = tuple(dict.fromkeys([*n.repairs, *names]))
    return replace(n, start=start, text=text[start : n.end], repairs=all_names)


def _find_non_quantities(text: str, folded: str, taken: _Taken) -> list[NumberMatch]:
    out = []
    for m in DATE_TIME_RX.finditer(folded):
        kind = m.lastgroup or "date"
        kind = "phone" if kind == "mobile" else kind
        a, b = m.span()
        if kind == "time" and RATIO_CONTEXT.search(folded, max(0, a - 6), a):
            continue  # 师生比为1:15 is a ratio, not a quarter past one
        digits = re.sub(r"[^0-9]", "", m.group())[:18]
        out.append(
            NumberMatch(value=Decimal(digits or 0), kind=kind, start=a, end=b, text=text[a:b])
        )
        taken.take(a, b)
    return out


def _find_ratios(text: str, folded: str, taken: _Taken) -> list[NumberMatch]:
    out = []
    for m in RATIO_RX.finditer(folded):
        a, b = m.span()
        if not taken.free(a, b) or _placeholder_adjacent(folded, a, b):
            continue
        left, right = Decimal(m["l"]), Decimal(m["r"])
        if right == 0:
            continue
        pre = next((w for w in PRE_APPROX if folded.endswith(w, 0, a)), "")
        a -= len(pre)
        out.append(
            NumberMatch(
                value=_exact(left / right), kind="quantity", is_ratio=True, ratio=(left, right),
                approx=bool(pre), approx_word=pre, start=a, end=b, text=text[a:b],
            )
        )  # fmt: skip
        taken.take(a, b)
    return out


def _find_regular(text: str, folded: str, taken: _Taken, allow_bare: bool) -> list[NumberMatch]:
    out = []
    pos = 0
    while m := NUMBER_RX.search(folded, pos):
        pos = m.end()
        if not taken.free(*m.span()):
            # Keep the free part to the left of an already-taken span (rare); skip otherwise.
            pos = m.start("a") + 1
            continue
        match = _build_match(text, folded, m, allow_bare)
        if match is None:
            continue
        out.append(match)
        taken.take(match.start, match.end)
        pos = max(pos, match.end)
    return out


def _placeholder_adjacent(folded: str, a: int, b: int) -> bool:
    left = folded[a - 1 : a]
    right = folded[b : b + 1]
    return bool(
        (left and PLACEHOLDER_NEIGHBOUR.match(left))
        or (right and PLACEHOLDER_NEIGHBOUR.match(right))
    )


# --- vague amounts: 数十万, 十几, 三五百 ------------------------------------------------------


def _find_vague(text: str, folded: str, taken: _Taken) -> list[NumberMatch]:
    out = []
    for m in _vague_rx().finditer(folded):
        n = _vague_match(text, folded, m)
        if n is not None and taken.free(n.start, n.end):
            out.append(n)
            taken.take(n.start, n.end)
    return out


def _vague_bounds(m: re.Match) -> tuple[Decimal, Decimal, str] | None:
    """Low and high of a vague amount (before any 万元 unit) and its vague word."""
    scale = SCALES[m["scale"]] if m["scale"] else Decimal(1)
    if m["few"]:
        if not (m["few_unit"] or m["scale"]):
            return None  # 几个, 数学
        place = CN_SMALL_UNITS[m["few_unit"]] if m["few_unit"] else 1
        return place * scale, 10 * place * scale, m["few"]
    if m["tens"]:
        tens = 10 * (CN_DIGIT_VALUES[m["tens"][0]] if len(m["tens"]) == 2 else 1)
        return tens * scale, (tens + 10) * scale, m["tens"] + "几"
    d1, d2 = (CN_DIGIT_VALUES[ch] for ch in m["pair"])
    if m["ten"]:  # 十七八
        return None if m["pair_unit"] else ((10 + d1) * scale, (10 + d2) * scale, m["pair"])
    place = CN_SMALL_UNITS[m["pair_unit"]] if m["pair_unit"] else 1
    return d1 * place * scale, d2 * place * scale, m["pair"]


def _after_vague_word(folded: str, pos: int) -> bool:
    """True when a vague word (几, 数 but not 人数/分数) stands right before ``pos``."""
    few = load_numbers_vocab()["vague_few"]
    prev = folded[pos - 1 : pos]
    if prev not in few["words"]:
        return False
    return not (prev == "数" and folded[pos - 2 : pos - 1] in few["not_after"])


def _vague_refused(folded: str, m: re.Match, tail: re.Match, unit: str) -> bool:
    """Shapes that only look vague: 一百几十, 人数十分, 三五成群, 五六年级, 十三五, 数十分."""
    vocab = load_numbers_vocab()
    prev = folded[m.start() - 1 : m.start()]
    if prev and (prev in _CN_CHARS or prev.isdigit() or prev in "点几数第"):
        return True  # 一百几十: part of a longer numeral; 第三四名: places
    if m["few"] == "数" and prev in vocab["vague_few"]["not_after"]:
        return True  # 人数十分, 分数: 数 is a word of its own
    bare = not (m["few_unit"] or m["pair_unit"] or m["scale"] or m["tens"])
    if bare and (not unit or unit in vocab["vague_pairs"]["units_refused"]):
        return True  # 三五成群, 四五月份, 十四五规划
    if tail["unit"] and any(
        folded.startswith(w, tail.start("unit")) for w in vocab["vague_pairs"]["words_refused"]
    ):
        return True  # 五六年级, 十四五期间: the 'unit' starts another word
    if m["ten"] and m["pair"] == "三五":
        return True  # 十三五 is a plan's name, never 13-15
    return bool(m["few"] and unit == "分" and not m["scale"])  # 数十分: "very", not a score


def _vague_match(text: str, folded: str, m: re.Match) -> NumberMatch | None:
    tail = _measure_tail(folded, m.end())
    unit = (tail["unit"] or "") if not tail["gap"] else ""
    bounds = _vague_bounds(m)
    if bounds is None or _vague_refused(folded, m, tail, unit):
        return None
    low, high, word = bounds
    scale_word = m["scale"] or ""
    if unit in ("万元", "亿元"):
        if scale_word:
            return None
        scale_word, unit = unit[0], "元"
        low, high = low * SCALES[scale_word], high * SCALES[scale_word]
    unit = load_numbers_vocab()["unit_aliases"].get(unit, unit)
    end = tail.end() if (unit or tail["more"] or tail["post"]) and not tail["gap"] else m.end()
    after = [tail["more"], tail["post"]] if end > m.end() else []
    pre = next((w for w in PRE_APPROX if folded.endswith(w, 0, m.start())), "")
    start = m.start() - len(pre)
    return NumberMatch(
        value=_exact(low), unit=unit, scale=scale_word, approx=True,
        approx_word="".join(w for w in [pre, word, *after] if w), is_range=True,
        low=_exact(low), high=_exact(high), chinese=True, start=start, end=end,
        text=text[start:end],
    )  # fmt: skip


# --- one NUMBER_RX hit ----------------------------------------------------------------------


def _a_part_end(m: re.Match) -> int:
    """End of the first number of a hit (with its 余/多 and scale), when the range is refused."""
    for group in ("a_more2", "a_gap", "a_scale", "a_more1", "a"):
        if m[group]:
            return m.end(group)
    return m.end("a")


def _scale_of(m: re.Match, side: str) -> str:
    return (m[f"{side}_scale"] or m[f"{side}_gap"] or "").strip()


def _chinese_low(a_text: str, b_text: str, a_value: Decimal, high: Decimal) -> Decimal:
    """一百二十到一百五十万: the first end takes the second's trailing place (万) when it has
    none; 三至五千: a lone digit takes the second's trailing place (千)."""
    last = b_text[-1:]
    if last in CN_LARGE_UNITS and not any(ch in CN_LARGE_UNITS for ch in a_text):
        scaled = a_value * CN_LARGE_UNITS[last]
        return scaled if scaled < high else a_value
    if last in CN_SMALL_UNITS and len(a_text) == 1 and a_text in CN_DIGIT_VALUES:
        scaled = a_value * CN_SMALL_UNITS[last]
        return scaled if scaled < high else a_value  # 三至五千 is 3000-5000, 五到十 is 5-10
    return a_value


def _range_bounds(folded: str, m: re.Match, value: Decimal, chinese: bool, scale: Decimal):
    """``(low, high, scale_word)`` of a range hit, ``None`` to read the first number alone, or
    ``False`` when the two ends do not make a rising range (``10-2``)."""
    b_core = _core_value(m["b"])
    if b_core is None or b_core[1] != chinese:
        return None
    if m["a_unit"] and not re.match(r"\s{0,3}(?:万元|亿元|元|圆)", folded[m.end() :]):
        return None  # 1万元-5万: the units must agree
    a_scale, b_scale_word = _scale_of(m, "a"), _scale_of(m, "b")
    b_scale = SCALES[b_scale_word] if b_scale_word else scale
    high = b_core[0] * b_scale
    if a_scale:
        low = value * scale
    elif b_scale_word:  # 2至3万 is 2万-3万, but 8500到3万 is 8500-30000
        low = value * b_scale if value * b_scale < high else value
    elif chinese:
        low = _chinese_low(m["a"], m["b"], value, high)
    else:
        low = value
    if high <= low:  # 9-10月 is a range, 2023-05 was taken as a date; 10-2 is not a range
        return False
    return _exact(low), _exact(high), a_scale or b_scale_word


def _money_tail(folded: str, end: int, unit: str) -> tuple[Decimal, int, str]:
    """角/分/毛 and 整 after a 元 amount: ``(extra value, new end, unit)``."""
    t = MONEY_TAIL_RX.match(folded, end)
    if t is None or not t.group() or (unit == "块" and not t["jiao"]):
        return Decimal(0), end, unit
    if t["fen"] and not (t["jiao"] or t["zero"]):
        return Decimal(0), end, unit  # 100元一分不少: a lone 分 is not cents
    extra = Decimal(0)
    if t["jiao"]:
        extra += Decimal(CN_DIGIT_VALUES[t["jiao"]]) / 10
    if t["fen"]:
        extra += Decimal(CN_DIGIT_VALUES[t["fen"]]) / 100
    if not (t["jiao"] or t["fen"] or t["zheng"]):
        return Decimal(0), end, unit
    return extra, t.end(), "元"


def _tail(folded: str, end: int, post: str) -> tuple[str, list[str], int, list[str]]:
    """Unit, approximation words, new end and repairs after a number ending at ``end``."""
    words: list[str] = []
    repairs: list[str] = []
    if post:
        after = POST_RATE_APPROX_RX.match(folded, end)  # matched in place, no copy of the rest
        if after:
            words.append(after.group().split("）")[-1].split(")")[-1])
            end = after.end()
        return "", words, end, repairs
    tail = _measure_tail(folded, end)
    if not (tail["unit"] or tail["more"] or tail["post"]):
        return "", words, end, repairs
    if tail["gap"]:
        repairs.append("unit_split")
    words += [w for w in (tail["more"], tail["post"]) if w]
    return tail["unit"] or "", words, tail.end(), repairs


def _build_match(text: str, folded: str, m: re.Match, allow_bare: bool) -> NumberMatch | None:
    """Turn one :data:`NUMBER_RX` hit into a :class:`NumberMatch` (``None`` when it is not one)."""
    core = _core_value(m["a"])
    if core is None:
        _log_not_understood(folded, m.start("a"), m.end("a"), "malformed numeral")
        return None
    if _placeholder_adjacent(folded, m.start("a"), m.end("a")):
        return None
    value, chinese = core
    if chinese and _after_vague_word(folded, m.start("a")):
        return None  # 一百几十人: the vague amount was not understood, so 十人 is not a number
    start = m.start("pre") if m["pre"] else (m.start("pct_word") if m["pct_word"] else m.start("a"))
    scale_word = _scale_of(m, "a")
    scale = SCALES[scale_word] if scale_word else Decimal(1)
    approx = [w for w in (m["pre"], m["a_more1"], m["a_more2"]) if w]
    repairs = ["unit_split"] if (m["a_gap"] or m["b_gap"]) else []
    bounds = _range_bounds(folded, m, value, chinese, scale) if m["b"] is not None else None
    if bounds is False:
        _log_not_understood(folded, m.start(), m.end(), "range does not rise")
        return None
    low = high = None
    if bounds is None:
        end = _a_part_end(m) if m["b"] is not None else m.end()
        post = "" if m["b"] is not None else (m["post"] or "").strip()
        repairs = ["unit_split"] if m["a_gap"] else []
    else:
        low, high, scale_word = bounds
        approx += [m["b_more1"]] if m["b_more1"] else []
        end, post = m.end(), (m["post"] or "").strip()
    unit, words, end, more_repairs = _tail(folded, end, post)
    approx += words
    extra = Decimal(0)
    if unit in ("万元", "亿元"):
        if scale_word and bounds is None:
            return None  # 5万万元 does not occur
        scale_word, scale, low, high = _scaled_by_unit(unit, scale, low, high)
        unit = "元"
    unit = _unit_in_rmb(folded, start, load_numbers_vocab()["unit_aliases"].get(unit, unit))
    if unit in ("元", "块") and not words and low is None and value * scale % 1 == 0:
        extra, end, unit = _money_tail(folded, end, unit)  # 一元五角, never 87.6元五角
    if chinese and not _chinese_has_unit(m, unit, post, allow_bare):
        return None
    if m["pct_word"]:
        post = "‰" if m["pct_word"] == "千分之" else "%"
    n = NumberMatch(
        value=low if low is not None else _exact(value * scale + extra),
        unit=unit if not post else ("个百分点" if post == "百分点" else post),
        scale=scale_word, approx=bool(approx), approx_word="".join(approx),
        is_range=low is not None, low=low, high=high, is_percent=post == "%",
        is_permille=post == "‰", is_points=post in ("个百分点", "百分点"), chinese=chinese,
        repairs=tuple(dict.fromkeys(repairs + more_repairs)), start=start, end=end,
        text=text[start:end],
    )  # fmt: skip
    return _classified(text, folded, n, m, value)


def _scaled_by_unit(unit: str, scale: Decimal, low: Decimal | None, high: Decimal | None):
    """万元/亿元 after a number or range: its scale word, scale and the range's ends scaled."""
    word = unit[0]
    if low is None or high is None:
        return word, SCALES[word], low, high
    return word, scale, _exact(low * SCALES[word]), _exact(high * SCALES[word])


def _unit_in_rmb(folded: str, start: int, unit: str) -> str:
    """元 stays 元 unless a foreign currency is named right before (港币两千九百六十元)."""
    if unit != "元":
        return unit
    before = folded[max(0, start - 6) : start].rstrip()
    foreign = load_numbers_vocab()["foreign_currency_before"]["words"]
    return "" if before.endswith(tuple(foreign)) else unit


def _chinese_has_unit(m: re.Match, unit: str, post: str, allow_bare: bool) -> bool:
    """Chinese numerals need a unit (or 百分之) to count: 一是, 十分重要, 千方百计 are words."""
    if m["pct_word"]:
        return not post
    if not (unit or post):
        return allow_bare
    return not (unit == "分" and len(m["a"]) == 1)


def _classified(text: str, folded: str, n: NumberMatch, m: re.Match, core: Decimal) -> NumberMatch:
    """Set ``kind`` (year, date, label, ordinal...) from the neighbours; trims non-quantities."""
    kind, end, unit = "quantity", n.end, n.unit
    if not (n.is_rate or m["pct_word"] or n.is_range or n.approx):
        kind = _classify(folded, m.start("a"), m.end("a"), core, unit, n.chinese)
        if kind in ("year", "date") and unit in ("年", "月", "日"):
            end = m.end("a") + 1
        elif kind != "quantity":
            end, unit = m.end("a"), ""
    elif folded[max(0, n.start - 1) : n.start] == "第":
        kind = "ordinal"
    if (
        kind == "quantity"
        and (unit in ("名", "位") or n.is_percent)
        and RANK_BEFORE.search(folded, max(0, n.start - 2), n.start)
    ):
        kind = "ordinal"  # 进入全省前100名, A等为前15%: a place or band in a ranking
    if n.is_range and n.high is not None and n.low is not None:
        if unit in ("年", "月", "日") and n.high <= 31:
            kind = "date" if unit != "年" else "quantity"
        if YEAR_MIN <= int(n.low) <= YEAR_MAX and YEAR_MIN <= int(n.high) <= YEAR_MAX:
            if unit == "年" or re.match(r"\s?(学年|年度|年)", folded[end : end + 3]):
                kind = "year"  # 2021-2022学年, 2010至2012年
    if (kind, end, unit) == ("quantity", n.end, n.unit):
        return n
    return replace(n, kind=kind, end=end, unit=unit, text=text[n.start : end])


def parse_number(text: str) -> ParsedNumber | None:
    """Parse a string that is one number (with its unit), or return ``None``.

    A bare Chinese numeral counts here (``一千零十``), since the whole string is the number.

    Args:
        text: e.g. ``16.4亿``, ``三千零三十二元``, ``百分之九十``, ``97%以上``, ``9:1``, ``30~40所``.

    Returns:
        The :class:`ParsedNumber`, or ``None`` when the text is not exactly one number.

    Example:
        >>> parse_number("16.4亿").value
        Decimal('1640000000')
        >>> p = parse_number("两千余篇"); (p.value, p.unit, p.approx)
        (Decimal('2000'), '篇', True)
        >>> parse_number("学校") is None
        True
    """
    s = text.strip()
    if not s:
        return None
    found = _find(s, allow_bare=True)
    if len(found) != 1 or found[0].start != 0 or found[0].end != len(s):
        return None
    m = found[0]
    fields = {k: getattr(m, k) for k in ParsedNumber.__dataclass_fields__}
    return ParsedNumber(**fields)
