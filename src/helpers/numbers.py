"""Numbers in Chinese report prose: find them, parse them exactly, say what kind they are.

Values are :class:`decimal.Decimal` with the scale applied exactly (``16.4亿`` is
``1640000000``, never ``1639999999.99``). Offsets returned by :func:`find_numbers` are
indices into the text given, which is never rewritten except by 1:1 character folding
(full-width digits, ``％``, ``：``), so they can be mapped back to raw text unchanged.

Forms handled: Arabic digits with ``,`` thousands separators, full-width digits, decimals
(``87。8`` too when a unit follows), 千/万/萬/亿/億 scales, Chinese numerals (``三千零三十二``,
``两千余``, ``二0一一``), ``百分之X``, ``%``/``％``, ``‰``, ``个百分点``, ratios (``9:1``), ranges
(``6-15``, ``30~40``, ``2至3``), ``百分之百``, ``千分之三`` (per-mille), Chinese decimals
(``九十二点五``) and approximations (余/多/近/约/以上/左右...). Numbers that are
not quantities come back with a ``kind`` saying so: ``year``, ``date``, ``time``, ``docno``
(〔2006〕71号), ``phone``, ``label`` (405舍, (4)班), ``heading`` (``1、``), ``ordinal`` (第十四届, and ranks such as 前100名, 前15%).

Not handled yet: fractions (三分之一), negative numbers, scientific notation, ranges whose
two ends carry different scales (5千-2万).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from .paths import resource_path

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
SCALES = {
    "百万": Decimal(10**6), "千万": Decimal(10**7), "万亿": Decimal(10**12),
    "万": Decimal(10**4), "萬": Decimal(10**4), "亿": Decimal(10**8), "億": Decimal(10**8),
    "千": Decimal(1000),
}  # fmt: skip

_CN_CHARS = "零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖十拾百佰千仟万萬亿億"
ARABIC = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?"
# A Chinese numeral starts with a digit or 十 (十五); 0 is allowed inside (二0一一).
CN_NUMERAL = rf"[零〇○一二两三四五六七八九壹贰叁肆伍陆柒捌玖十拾][{_CN_CHARS}0]*"
# 九十二点五, 三点五亿: a Chinese decimal part (digits only after 点).
CN_DECIMAL = r"(?:点[零〇○一二三四五六七八九]+)?"
SCALE_RX = r"(?:百万|千万|万亿|万|萬|亿|億|千)"
MORE = r"[余多]"

PRE_APPROX = ("大约", "将近", "接近", "超过", "不足", "不到", "约", "近", "逾", "超")
POST_APPROX = ("以上", "左右", "上下", "以下", "以内", "有余", "多", "余")

NUMBER_RX = re.compile(
    rf"(?P<pre>{'|'.join(PRE_APPROX)})?"
    r"(?P<pct_word>百分之|千分之)?"
    rf"(?P<a>{ARABIC}|{CN_NUMERAL}{CN_DECIMAL}|(?<=百分之)百)(?P<a_more1>{MORE})?(?P<a_scale>{SCALE_RX})?(?P<a_more2>{MORE})?"
    rf"(?:(?P<sep>\s?(?:-{{1,2}}|~|—{{1,2}}|–|至|到)\s?)(?P<b>{ARABIC}|{CN_NUMERAL})"
    rf"(?P<b_more1>{MORE})?(?P<b_scale>{SCALE_RX})?)?"
    r"(?P<post>\s?%|\s?‰|个百分点|百分点)?"
)
# Non-quantities, matched first so their digits are not reused.
DATE_TIME_RX = re.compile(
    r"(?P<date>(?<![0-9])[12][0-9]{3}[-/.][01]?[0-9][-/.][0-3]?[0-9](?![0-9]))"
    r"|(?P<time>(?<![0-9:])[0-2]?[0-9]:[0-5][0-9](?::[0-5][0-9])?(?![0-9]|\.[0-9]))"
    r"|(?P<docno>[〔\[［【(（][12][0-9]{3}[〕\]］】)）]\s?(?:第)?[0-9]+号?)"
    r"|(?P<phone>(?<![0-9])(?:0[0-9]{2,3}-)?[0-9]{7,8}(?![0-9])(?=\s*(?:$|[;；,，。)）])))"
    r"|(?P<mobile>(?<![0-9])1[3-9][0-9]{9}(?![0-9]))"
)
# 97%以上: an approximation word after a rate.
POST_RATE_APPROX_RX = re.compile(r"以上|左右|以下|以内|上下")
RATIO_CONTEXT = re.compile(r"比例?(?:为|达到|达|是|保持|接近)?\s?$")
RATIO_RX = re.compile(
    r"(?<![0-9:.])(?P<l>[0-9]+(?:\.[0-9]+)?)\s?:\s?(?P<r>[0-9]+(?:\.[0-9]+)?)(?![0-9:])"
)
# 87。8分: a CJK full stop inside a number, accepted only when a unit follows.
ODD_DECIMAL_RX = re.compile(r"(?<=[0-9])。(?=[0-9]{1,2}(?:%|‰|分|元|万|亿|个百分点))")
# Placeholders for redacted digits never form numbers (20xx年, 20*年, ****年, and the
# cleaning stage's one-character placeholder U+25A1).
PLACEHOLDER_NEIGHBOUR = re.compile(r"[A-Za-z*＊_×#\u25a1]")
# 前100名 / 前十位 is a rank; 目前/此前/之前/以前/提前/当前 are time words.
RANK_BEFORE = re.compile(r"(?<![目此之以提当])前$")
LABEL_SUFFIX = re.compile(r"[舍室班号楼栋层床]")
YEAR_MIN, YEAR_MAX = 1900, 2100


@lru_cache(maxsize=1)
def load_measure_words() -> tuple[str, ...]:
    """Measure words from ``resources/figures_measure_words.txt``, longest first."""
    lines = resource_path("figures_measure_words.txt").read_text(encoding="utf-8").splitlines()
    words = {w.strip() for w in lines if w.strip() and not w.startswith("#")}
    return tuple(sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _measure_rx() -> re.Pattern:
    words = "|".join(re.escape(w) for w in load_measure_words())
    return re.compile(
        rf"(?P<more>[余多])?(?P<unit>{words})?(?P<post>以上|左右|上下|以下|以内|有余)?"
    )


# --- data classes -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ParsedNumber:
    """One number with its exact value and how it was stated.

    ``value`` has the scale applied (万 -> x10000); for a range it is ``low``. Percent values
    stay in percent (``97%`` -> 97), per-mille in per-mille (``is_permille``).
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


# --- parsing ------------------------------------------------------------------------------


def normalize_width(text: str) -> str:
    """Fold full-width digits and number punctuation to ASCII, one character for one.

    >>> normalize_width("资助面达到１０．９％")
    '资助面达到10.9%'
    """
    return text.translate(WIDTH_TABLE)


def parse_chinese_integer(s: str) -> int | None:
    """Value of a Chinese numeral (digits may be mixed in); ``None`` when malformed.

    >>> parse_chinese_integer("三千零三十二"), parse_chinese_integer("二0一一"), parse_chinese_integer("十五")
    (3032, 2011, 15)
    """
    if not s:
        return None
    if not any(ch in CN_SMALL_UNITS or ch in CN_LARGE_UNITS for ch in s):
        if any(ch not in CN_DIGIT_VALUES for ch in s):
            return None
        if len(s) == 1:
            return CN_DIGIT_VALUES[s]
        if len(s) == 2 and not any(CN_DIGIT_VALUES[ch] == 0 for ch in s):
            return None  # 三五 is "three to five", not 35
        return int("".join(str(CN_DIGIT_VALUES[ch]) for ch in s))
    total = section = 0
    digit: int | None = None
    for ch in s:
        if ch in CN_DIGIT_VALUES:
            if digit:  # two non-zero digits in a row (三五) is a vague range, not a number
                return None
            digit = CN_DIGIT_VALUES[ch]
        elif ch in CN_SMALL_UNITS:
            section += (1 if digit is None else digit) * CN_SMALL_UNITS[ch]
            digit = None
        elif ch in CN_LARGE_UNITS:
            section += digit or 0
            if CN_LARGE_UNITS[ch] == 10**8:
                total = (total + section) * 10**8
            else:
                total += section * 10**4
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


# Longer digit runs are identifiers or junk, never quantities (and would overflow Decimal's
# default 28-digit context when scaled).
MAX_DIGITS = 18


def _core_value(s: str) -> tuple[Decimal, bool] | None:
    """Value of an Arabic or Chinese numeral core, and whether it was Chinese."""
    if len(s) > MAX_DIGITS + 8:
        return None
    if re.fullmatch(ARABIC, s):
        if len(s.split(".")[0].replace(",", "")) > MAX_DIGITS:
            return None
        return Decimal(s.replace(",", "")), False
    whole, _, frac = s.partition("点")
    n = parse_chinese_integer(whole)
    if n is None:
        return None
    if frac:  # 九十二点五 -> 92.5: the digits after 点 are read one by one
        return Decimal(f"{n}." + "".join(str(CN_DIGIT_VALUES[ch]) for ch in frac)), True
    return Decimal(n), True


def _exact(d: Decimal) -> Decimal:
    """Drop a zero fractional part so 16.4亿 prints as 1640000000."""
    if d.adjusted() > 24:  # beyond the context precision: leave as is
        return d
    return d.quantize(Decimal(1)) if d == d.to_integral_value() else d.normalize()


# --- finding ------------------------------------------------------------------------------


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
        for the rest.

    Example:
        >>> [(m.text, m.value, m.unit, m.approx) for m in find_numbers("投资10万余元,改造危房286平方米")]
        [('10万余元', Decimal('100000'), '元', True), ('286平方米', Decimal('286'), '平方米', False)]
        >>> [(m.text, m.kind) for m in find_numbers("温政发〔2006〕71号, 2020年6月24日")]
        [('〔2006〕71号', 'docno'), ('2020年', 'year'), ('6月', 'date'), ('24日', 'date')]
    """
    folded = ODD_DECIMAL_RX.sub(".", normalize_width(text))
    taken = [False] * len(folded)
    out: list[NumberMatch] = []

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def take(a: int, b: int) -> None:
        for i in range(a, b):
            taken[i] = True

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
        take(a, b)

    for m in RATIO_RX.finditer(folded):
        a, b = m.span()
        if not free(a, b) or _placeholder_adjacent(folded, a, b):
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
        take(a, b)

    measure_rx = _measure_rx()
    pos = 0
    while True:
        m = NUMBER_RX.search(folded, pos)
        if not m:
            break
        pos = m.end()
        a, b = m.span()
        if not free(a, b):
            # Keep the free part to the left of an already-taken span (rare); skip otherwise.
            pos = m.start("a") + 1
            continue
        match = _build_match(text, folded, m, measure_rx)
        if match is None:
            continue
        out.append(match)
        take(match.start, match.end)
        pos = max(pos, match.end)
    out.sort(key=lambda x: x.start)
    return out


def _placeholder_adjacent(folded: str, a: int, b: int) -> bool:
    left = folded[a - 1 : a]
    right = folded[b : b + 1]
    return bool(
        (left and PLACEHOLDER_NEIGHBOUR.match(left))
        or (right and PLACEHOLDER_NEIGHBOUR.match(right))
    )


def _build_match(text: str, folded: str, m: re.Match, measure_rx: re.Pattern) -> NumberMatch | None:
    """Turn one :data:`NUMBER_RX` hit into a :class:`NumberMatch` (``None`` when it is not one)."""
    a_text = m["a"]
    core = _core_value(a_text)
    if core is None:
        return None
    value, chinese = core
    start = m.start("pre") if m["pre"] else (m.start("pct_word") if m["pct_word"] else m.start("a"))
    end = m.end()
    if _placeholder_adjacent(folded, m.start("a"), m.end("a")):
        return None
    # A Chinese numeral with 万/亿 inside already carries its scale.
    scale_word = m["a_scale"] or ""
    scale = SCALES[scale_word] if scale_word else Decimal(1)
    approx_words = [w for w in (m["pre"], m["a_more1"], m["a_more2"]) if w]
    post = (m["post"] or "").strip()
    pct_word = bool(m["pct_word"])
    permille_word = m["pct_word"] == "千分之"

    low = high = None
    is_range = False
    if m["b"] is not None:
        b_core = _core_value(m["b"])
        b_scale = SCALES[m["b_scale"]] if m["b_scale"] else scale
        if b_core is None or b_core[1] != chinese:
            end = (
                m.end("a_more2")
                if m["a_more2"]
                else (m.end("a_scale") if m["a_scale"] else m.end("a"))
            )
            if m["a_more1"] and not m["a_scale"]:
                end = m.end("a_more1")
            post = ""
        else:
            if m["b_more1"]:
                approx_words.append(m["b_more1"])
            if not m["a_scale"] and m["b_scale"]:
                scale = b_scale
            low, high = _exact(value * scale), _exact(b_core[0] * b_scale)
            if high <= low:  # 9-10月 is a range, 2023-05 was taken as a date; 10-2 is not a range
                return None
            is_range = True

    # Trailing measure word and approximation (余/多 may sit before the unit: 300多人).
    tail = measure_rx.match(folded, end)
    unit = ""
    if not post and tail:
        if tail["unit"] or tail["more"] or tail["post"]:
            if tail["more"]:
                approx_words.append(tail["more"])
            unit = tail["unit"] or ""
            if tail["post"]:
                approx_words.append(tail["post"])
            end = tail.end()
    elif post:
        after = POST_RATE_APPROX_RX.match(
            folded, end
        )  # matched in place: no copy of the rest of the text
        if after:
            approx_words.append(after.group())
            end = after.end()
    if unit in ("万元", "亿元"):
        if scale_word:  # 5万万元 does not occur; treat as already scaled
            return None
        scale_word = unit[0]
        scale = SCALES[scale_word]
        unit = "元"

    if chinese:
        # Chinese numerals need a unit (or 百分之) to count: 一是, 十分重要, 千方百计 are words.
        if not (unit or pct_word or post):
            return None
        if unit == "分" and len(a_text) == 1:
            return None
        if pct_word and post:
            return None
    if pct_word:
        post = "‰" if permille_word else "%"

    full = _exact(value * scale)
    if is_range:
        full = low
    text_slice = text[start:end]
    kind = "quantity"
    if not (post or pct_word or is_range or approx_words):
        kind = _classify(folded, m.start("a"), m.end("a"), value, unit, chinese)
        if kind in ("year", "date") and unit in ("年", "月", "日"):
            end = m.end("a") + 1
            text_slice = text[start:end]
        elif kind != "quantity":
            end = m.end("a")
            text_slice = text[start:end]
            unit = ""
    elif folded[max(0, start - 1) : start] == "第":
        kind = "ordinal"
    if (
        kind == "quantity"
        and (unit in ("名", "位") or post == "%")
        and RANK_BEFORE.search(folded, max(0, start - 2), start)
    ):
        kind = "ordinal"  # 进入全省前100名, A等为前15%: a place or band in a ranking, not a count or rate
    if is_range and unit in ("年", "月", "日") and high is not None and high <= 31:
        kind = "date" if unit != "年" else "quantity"
    if (
        is_range
        and high is not None
        and YEAR_MIN <= int(low) <= YEAR_MAX
        and YEAR_MIN <= int(high) <= YEAR_MAX
    ):
        if unit == "年" or re.match(r"\s?(学年|年度|年)", folded[end : end + 3]):
            kind = "year"  # 2021-2022学年, 2010至2012年
    return NumberMatch(
        value=full,
        kind=kind,
        unit=unit if not post else ("个百分点" if post == "百分点" else post),
        scale=scale_word,
        approx=bool(approx_words),
        approx_word="".join(approx_words),
        is_range=is_range,
        low=low,
        high=high,
        is_percent=post == "%",
        is_permille=post == "‰",
        is_points=post in ("个百分点", "百分点"),
        chinese=chinese,
        start=start,
        end=end,
        text=text_slice,
    )


def parse_number(text: str) -> ParsedNumber | None:
    """Parse a string that is one number (with its unit), or return ``None``.

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
    found = find_numbers(s)
    if len(found) != 1 or found[0].start != 0 or found[0].end != len(s):
        return None
    m = found[0]
    fields = {k: getattr(m, k) for k in ParsedNumber.__dataclass_fields__}
    return ParsedNumber(**fields)
