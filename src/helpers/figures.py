"""Labelled figures (funding, enrollment, exam, other) from clean paragraphs, traceable to raw.

One row per figure: what it measures (``metric``, normalised Simplified label), its family,
stage, exact value (money in 元, rates in percent, counts as integers), precision (``approx``),
whether it is a change (``提高3.86个百分点``) or a plan (``计划投资``), per-capita or not, the
stated year, and the exact raw span. Word lists live in ``resources/metrics_lexicon.csv`` and
``resources/figures_patterns.json``.

Policy (what is extracted): every money amount (funding); rates, counts and scores whose
metric is in the lexicon (enrollment, exam); every other rate or ratio (other). Counts of
teachers, schools, computers and the like are left out, and so are places in a ranking (前100名)
and a milestone restated by the value after it (突破800人大关,达到826人). An exam-style rate of
something other than pupils' results (食品抽检合格率, 干部考核优秀率) is ``other``. Flags: ``approx=余`` etc.,
``range=LOW-HIGH``, ``rate_over_100``, ``out_of_scale``, ``parts_sum_ok``,
``parts_sum_mismatch:sum=S``, ``part_of_total``, ``unit_inherited``.

Not handled yet: figures in tables, ``三分之一``-style fractions, metrics named only in an
earlier paragraph, per-capita amounts whose 每 sits after the amount.
"""

from __future__ import annotations

import bisect
import csv
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from .aligned import AlignedText
from .numbers import NumberMatch, find_numbers
from .paths import resource_path

FIGURE_COLUMNS = [
    "doc_id", "article_id", "para_id", "family", "metric", "stage", "value", "unit", "approx",
    "is_change", "planned", "per_capita", "year", "raw_start", "raw_end", "raw_text",
    "sentence", "flags",
]  # fmt: skip
FAMILIES = ("funding", "enrollment", "exam", "other")

SENTENCE_END = re.compile(r"[。！？!?]+")
CLAUSE_END = re.compile(r"[，,；;：:。！？!?]")
SUBCLAUSE_END = re.compile(r"[；;。！？!?]")
# How far back (characters) context is searched: keeps run time linear on pathological
# paragraphs with no punctuation, and is far longer than any real clause.
WINDOW = 200


# --- resources ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricEntry:
    keyword: str
    metric: str
    family: str
    applies_to: str


@lru_cache(maxsize=1)
def load_patterns() -> dict:
    """Word lists from ``resources/figures_patterns.json``."""
    return json.loads(resource_path("figures_patterns.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_metric_lexicon() -> tuple[MetricEntry, ...]:
    """Keyword -> metric table from ``resources/metrics_lexicon.csv`` (``#`` lines skipped)."""
    text = resource_path("metrics_lexicon.csv").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    reader = csv.DictReader(rows)
    entries = [MetricEntry(r["keyword"], r["metric"], r["family"], r["applies_to"]) for r in reader]
    return tuple(sorted(entries, key=lambda e: len(e.keyword), reverse=True))


@lru_cache(maxsize=8)
def _keyword_rx(applies_to: str) -> tuple[re.Pattern, dict[str, MetricEntry]]:
    entries = {e.keyword: e for e in load_metric_lexicon() if e.applies_to == applies_to}
    alternation = "|".join(re.escape(k) for k in entries)  # longest first (lexicon order)
    return re.compile(alternation), entries


@lru_cache(maxsize=1)
def _any_keyword_rx() -> re.Pattern:
    words = sorted({e.keyword for e in load_metric_lexicon()}, key=len, reverse=True)
    return re.compile(r"\s*(?:" + "|".join(re.escape(w) for w in words) + ")")


@lru_cache(maxsize=1)
def _stage_rx() -> tuple[re.Pattern, dict[str, str]]:
    lookup = {w: stage for stage, words in load_patterns()["stages"].items() for w in words}
    words = sorted(lookup, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words)), lookup


# --- small helpers ------------------------------------------------------------------------


def split_spans(text: str, rx: re.Pattern) -> list[tuple[int, int]]:
    """``(start, end)`` of the pieces of ``text`` ended by ``rx`` (the delimiter included).

    >>> split_spans("入学率100%。巩固率99%", SENTENCE_END)
    [(0, 8), (8, 14)]
    """
    spans, start = [], 0
    for m in rx.finditer(text):
        spans.append((start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _span_at(spans: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    """The span of ``spans`` (sorted, contiguous) holding ``pos``."""
    if not spans:
        return (0, 0)
    i = bisect.bisect_right(spans, (pos, float("inf"))) - 1
    return spans[max(0, min(i, len(spans) - 1))]


def _nearest_before(rx: re.Pattern, text: str, lo: int, hi: int) -> re.Match | None:
    """Last match of ``rx`` lying wholly inside ``text[lo:hi]`` (at most :data:`WINDOW` back)."""
    best = None
    for m in rx.finditer(text, max(lo, hi - WINDOW), hi):
        best = m
    return best


SCORE_GAP = re.compile(
    r"(?:为|是|高达|达到|达|了|:|\s)*"
    r"|(?:比|较)[^，,。；;]{0,8}?(?:提高|增加|上升|下降|降低|高出|低于|高于|高|低|多|少)了?(?:约|近)?"
)


def _score_follows_keyword(text: str, entry: MetricEntry, n: NumberMatch) -> bool:
    """A score (分, 万人比) counts only right after its keyword: ``平均分为486.5分``,
    ``平均分较上年提高12.5分``, ``上线万人比为68.24``, or as a change of it (``高出12.65``)."""
    at = text.rfind(entry.keyword, max(0, n.start - WINDOW), n.start)
    if at < 0:
        return False
    gap = text[at + len(entry.keyword) : n.start]
    return SCORE_GAP.fullmatch(gap) is not None or _is_change(text, n, max(0, n.start - 8))


def _value_kind(m: NumberMatch) -> str:
    """money, rate, count, score, ratio or bare."""
    if m.is_ratio:
        return "ratio"
    if m.is_rate:
        return "rate"
    if m.unit == "元":
        return "money"
    if m.unit in load_patterns()["count_units"]:
        return "count"
    if m.unit == "分":
        return "score"
    if not m.unit:
        return "bare"
    return "other_unit"


def _normalised_value(m: NumberMatch) -> tuple[Decimal, str]:
    """Value and unit in the table's conventions (元, percent, integer counts)."""
    if m.is_permille:
        return m.value / 10, "%"
    if m.is_percent:
        return m.value, "%"
    if m.is_points:
        return m.value, "个百分点"
    if m.is_ratio:
        return m.value, "比值"
    if m.unit in load_patterns()["count_units"]:
        return m.value, "人次" if m.unit == "人次" else "人"  # person-times are not people
    return m.value, m.unit


# --- attribute finders --------------------------------------------------------------------


def _excluded(text: str, hit: re.Match) -> bool:
    """A keyword inside a longer word that means something else (入学教育, 新生代)."""
    words = load_patterns()["keyword_exclusions"].get(hit.group(), ())
    return any(text.startswith(w, hit.start()) for w in words)


def _find_metric(
    text: str, m: NumberMatch, kind: str, clause: tuple[int, int], sent: tuple[int, int]
):
    """Lexicon entry naming the figure at ``m`` (nearest keyword before it, then after it) and
    where that keyword starts (``(None, None)`` when there is none)."""
    rx, entries = _keyword_rx(kind)
    generic = set(load_patterns()["generic_money_metrics"])
    before = [
        e
        for e in rx.finditer(text, max(clause[0], m.start - WINDOW), m.start)
        if not _excluded(text, e)
    ]
    # Counts look backwards only (15名贫困大学生入学救助: 入学 after the count is not its metric);
    # words after a count are handled by count_after_keywords, with exclusions.
    after = (
        list(rx.finditer(text, m.end, min(clause[1], m.end + WINDOW))) if kind != "count" else []
    )
    specific_before = [e for e in before if entries[e.group()].metric not in generic]
    specific_after = [e for e in after if entries[e.group()].metric not in generic]
    for group, pick in (
        (specific_before, -1), (specific_after, 0), (before, -1), (after, 0),
    ):  # fmt: skip
        if group:
            return entries[group[pick].group()], group[pick].start()
    own = text[max(clause[0], m.start - WINDOW) : m.start]
    pats = load_patterns()
    if kind == "rate" and re.search(pats["generic_rate_rx"], own):
        return None, None  # 城镇化率达到45.6%: a rate named in its own clause borrows nothing
    shared_subject = own.lstrip().startswith("占")  # 126人,占全市的18.2%: the share of that count
    if (
        kind == "rate"
        and re.search(pats["share_rx"], own)
        and not re.search(pats["exam_share_rx"], own)
        and not shared_subject
    ):
        # 在园幼儿占比51.5%: a share names its own subject, not an earlier rate (but a share of
        # the candidates, 占参考人数的33.86%, is the rate named before it: 中考A等...)
        return None, None
    wide = _nearest_before(rx, text, sent[0], m.start)
    if wide is not None and kind in ("money", "rate", "score", "ratio"):
        return entries[wide.group()], wide.start()
    return None, None


def _find_stage(text: str, lo: int, hi: int, metric: str) -> str:
    """Stage named nearest before ``hi``: in the number's clause, else in an earlier clause of
    ``[lo, hi)`` that itself holds a number (a continuation such as ``初中入学率99.81%,巩固率...``),
    else the metric's default (入园率 -> 学前)."""
    rx, lookup = _stage_rx()
    default = load_patterns()["metric_default_stage"].get(metric, "")
    lo = max(lo, hi - WINDOW)
    clause_start = lo
    for c in CLAUSE_END.finditer(text, lo, hi):
        clause_start = c.end()
    pieces = [(clause_start, hi)]
    # Only a clause that opens on its metric (巩固率达到99.98%) continues an earlier subject.
    continues = _any_keyword_rx().match(text, clause_start) is not None
    for a, b in reversed(split_spans(text[lo:clause_start], CLAUSE_END) if continues else []):
        if re.search(r"[0-9]", text[lo + a : lo + b]):
            pieces.append((lo + a, lo + b))
        else:
            break
    for a, b in pieces:
        hit = _nearest_before(rx, text, a, b)
        if hit is not None:
            stage = lookup[hit.group()]
            # 上本科线 names an exam line, not a stage: keep the metric's own stage.
            return default if default and stage == "高校" else stage
    return default


COMPARED_RX = re.compile(r"(?:比|较)[^，,。；;比较]{0,6}(?:高|低)$")


def _is_change(text: str, m: NumberMatch, lo: int) -> bool:
    """True for 提高3个百分点 / 增长9.15% / 比2005年增加20人; False for 提高到10%."""
    if m.is_points:
        return True
    window = text[max(lo, m.start - 8) : m.start]
    window = re.sub(r"(约|近|了|达|为)+$", "", window)
    if COMPARED_RX.search(window):
        return True  # 比全市平均分高12.3分
    for verb in load_patterns()["change_verbs"]:
        if window.endswith(verb):
            return True
        idx = window.rfind(verb)
        if idx >= 0 and verb in ("高于", "低于", "高出") and not re.search(r"[到至]", window[idx:]):
            return True
    return False


QUOTED = re.compile(r"《[^》]*》|“[^”]*”|\"[^\"]*\"")


def _is_planned(text: str, lo: int, pos: int) -> bool:
    """A plan word (计划/预计/力争/目标...) before the number in its sentence; names of plans
    in 《》 or quotes (《行动计划》) and 确保了/完成了 do not count."""
    pats = load_patterns()
    window = QUOTED.sub("", text[max(lo, pos - WINDOW) : pos])
    for neg in pats["planned_negations"]:
        window = window.replace(neg, "")
    return any(w in window for w in pats["planned_words"])


def _is_per_capita(text: str, lo: int, m: NumberMatch) -> bool:
    """生均/每人/人均 in the number's own clause (每人600元 yes; 每人600元,共计19200元 no)."""
    clause_start = max(lo, m.start - 12)
    for c in CLAUSE_END.finditer(text, clause_start, m.start):
        clause_start = c.end()
    window = text[clause_start : m.start]
    if re.match(r"\s?/\s?(人|生|名|学生)", text[m.end : m.end + 4]):
        return True  # 1000元/生/年
    return any(w in window for w in load_patterns()["per_capita_words"])


def _find_year(
    years: list[NumberMatch], text: str, lo: int, pos: int, starts: list[int] | None = None
) -> int | None:
    """The last stated year in ``[lo, pos)`` that is not a base year (比2005年).

    ``starts`` (the years' start offsets, computed once per paragraph) saves rebuilding them
    for every number."""
    base = tuple(load_patterns()["year_base_words"])
    year = None
    if starts is None:
        starts = [y.start for y in years]
    first = bisect.bisect_left(starts, max(lo, pos - WINDOW))
    for n in years[first:]:
        if n.start >= pos:
            break
        if not text[max(0, n.start - 1) : n.start].endswith(base):
            year = int(n.value if not n.is_range else n.low)
    return year


# --- list / shared-value forms ------------------------------------------------------------


def _subjects_before(text: str, pos: int, lo: int) -> list[tuple[int, int]]:
    """Spans of the enumerated subjects just before ``pos`` (``小学入学率、巩固率、毕业率``)."""
    start = max(lo, pos - 80)  # subject lists are short; bounded for run time
    for m in CLAUSE_END.finditer(text, start, pos):
        start = m.end()
    seps = load_patterns()["subject_separators"]
    spans, a = [], start
    for i in range(start, pos):
        if text[i] in seps:
            if i > a:
                spans.append((a, i))
            a = i + 1
    if pos > a:
        spans.append((a, pos))
    return spans


def _value_chain(nums: list[NumberMatch], text: str, first: int) -> list[int]:
    """Indices of numbers from ``nums[first]`` on that are joined only by ``、``/``和``."""
    chain = [first]
    for k in range(first + 1, len(nums)):
        gap = text[nums[chain[-1]].end : nums[k].start]
        if re.fullmatch(r"\s*[、和及与]\s*", gap):
            chain.append(k)
        else:
            break
    return chain


def _entry_in(text: str, kind: str) -> MetricEntry | None:
    rx, entries = _keyword_rx(kind)
    hits = list(rx.finditer(text))
    return entries[hits[-1].group()] if hits else None


class KeywordHits:
    """Every hit of one pattern of literal words in a text, found once, so that "the last hit in
    ``text[lo:hi]``" is a bisect, not a scan of the window.

    The answer is exactly that of ``list(rx.finditer(text, lo, hi))[-1]``, which can differ
    from the hits of the whole text near the window's ends: a hit of the whole text may
    straddle ``lo`` (the scan from ``lo`` then starts elsewhere) or run past ``hi`` (the
    window then holds a shorter word, 入学 for 入学率). Both ends are re-scanned from the text
    until the scan falls in step with the precomputed hits; with literal words that is at most
    a few words' length (``scanned`` counts those characters, for tests).

    >>> hits = KeywordHits(re.compile("入学率|入学|巩固率"), "小学入学率100%,巩固率99%")
    >>> hits.last(0, 5).group(), hits.last(0, 4).group(), hits.last(3, 14).group()
    ('入学率', '入学', '巩固率')
    """

    def __init__(self, rx: re.Pattern, text: str):
        self.rx, self.text = rx, text
        self.hits = list(rx.finditer(text))
        self.starts = [h.start() for h in self.hits]
        self.ends = [h.end() for h in self.hits]  # sorted too: hits do not overlap
        self.scanned = 0

    def _in_step(self, pos: int) -> bool:
        """True when no precomputed hit straddles ``pos`` (a scan from ``pos`` then meets the
        same hits as the scan of the whole text)."""
        j = bisect.bisect_left(self.starts, pos) - 1
        return j < 0 or self.ends[j] <= pos

    def last(self, lo: int, hi: int) -> re.Match | None:
        """Last match of ``rx.finditer(text, lo, hi)``, or ``None``."""
        best = None
        pos = lo
        while not self._in_step(pos):
            m = self.rx.search(self.text, pos, hi)
            self.scanned += (m.end() if m else hi) - pos
            if m is None:
                return best
            best, pos = m, m.end()
        i = bisect.bisect_left(self.starts, pos)
        j = bisect.bisect_right(self.ends, hi) - 1
        if j >= i:
            best = self.hits[j]
        nxt = max(i, j + 1)
        if nxt < len(self.hits) and self.starts[nxt] < hi:
            # The next hit runs past hi: the window may still hold a shorter word from there.
            self.scanned += hi - self.starts[nxt]
            for m in self.rx.finditer(self.text, self.starts[nxt], hi):
                best = m
        return best


_NON_SPACE = re.compile(r"\S")


def _has_top_level_bar(pattern: str) -> bool:
    """True when ``pattern`` has an alternation outside any group (``^a|b``)."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 1 + pattern.startswith("^", i + 1)  # [^]...] and []...]: the ] is literal
            i += pattern.startswith("]", i)
            continue
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            return True
        i += 1
    return False


@lru_cache(maxsize=64)
def _window_rx(pattern: str) -> tuple[str, re.Pattern] | None:
    """How to run ``re.search(pattern, text[lo:hi])`` on ``text`` itself, without the copy.

    ``("at", rx)`` for a pattern anchored with a leading ``^`` (``rx.match(text, lo, hi)``),
    ``("any", rx)`` for one with no anchor at the start and nothing that looks outside the
    window (``rx`` is a lookahead, found at every position where ``pattern`` matches);
    ``None`` when neither is safe (the caller then slices)."""
    if re.search(r"\\[bBA]|\(\?<[=!]", pattern):
        return None
    if pattern.startswith("^") and not _has_top_level_bar(pattern):
        rest = pattern[1:]
        return None if "^" in rest.replace("[^", "") else ("at", re.compile(rest))
    if "^" in pattern.replace("[^", ""):
        return None
    return "any", re.compile("(?=(?:" + pattern + "))")


class _ParagraphIndex:
    """Positions the per-number finders look up, computed once per paragraph, so that each
    number costs a few bisects instead of a scan of its sentence (which, in a paragraph with
    no sentence punctuation, is the whole paragraph)."""

    def __init__(self, text: str, years: list[NumberMatch]):
        self.text = text
        self.years = years
        self.year_starts = [y.start for y in years]
        self.colons = [m.start() for m in re.finditer("[:：]", text)]
        self.commas = [m.start() for m in re.finditer("[,，]", text)]
        self.row_starts: dict[tuple[int, int], list[int]] = {}  # sorted, per sub-clause
        self._sentences: dict[tuple[int, int], str] = {}
        self._keywords: dict[str, KeywordHits] = {}
        self._last_match: dict[tuple[str, int], tuple[int, int]] = {}
        self._words: dict[str, list[int]] = {}

    def search(self, pattern: str, lo: int, hi: int) -> bool:
        """``re.search(pattern, text[lo:hi]) is not None`` for windows that run to the end of
        a clause (``hi``): the last position in the clause where the pattern matches is found
        once per clause, so the numbers of a clause with no punctuation do not each re-read
        the rest of it."""
        how = _window_rx(pattern)
        if how is None:
            return re.search(pattern, self.text[lo:hi]) is not None
        kind, rx = how
        if kind == "at":
            return rx.match(self.text, lo, hi) is not None
        done = self._last_match.get((pattern, hi))
        if done is None or lo < done[0]:
            last = -1
            first = re.compile(pattern).search(self.text, lo, hi)  # usually none: a fast scan
            if first is not None:
                for m in rx.finditer(self.text, first.start(), hi):
                    last = m.start()
            done = self._last_match[(pattern, hi)] = (lo, last)
        return done[1] >= lo

    def match(self, pattern: str, lo: int, hi: int, full: bool = False) -> bool:
        """``re.match`` (``full``: ``re.fullmatch``) of ``pattern`` on ``text[lo:hi]``, in place."""
        how = _window_rx(pattern)
        if how is None:
            found = (re.fullmatch if full else re.match)(pattern, self.text[lo:hi])
            return found is not None
        rx = how[1] if how[0] == "at" else re.compile(pattern)
        return (rx.fullmatch if full else rx.match)(self.text, lo, hi) is not None

    def has_word(self, word: str, lo: int, hi: int) -> bool:
        """``word in text[lo:hi]``, by bisect into the word's offsets (found once)."""
        if word not in self._words:
            at, found = [], self.text.find(word)
            while found >= 0:
                at.append(found)
                found = self.text.find(word, found + 1)
            self._words[word] = at
        at = self._words[word]
        i = bisect.bisect_left(at, lo)
        return i < len(at) and at[i] + len(word) <= hi

    def stripped(self, lo: int, hi: int) -> tuple[int, int]:
        """Bounds of ``text[lo:hi].strip()`` (as offsets into ``text``)."""
        first = _NON_SPACE.search(self.text, lo, hi)
        if first is None:
            return hi, hi
        end = hi
        while self.text[end - 1].isspace():
            end -= 1
        return first.start(), end

    def sentence(self, span: tuple[int, int]) -> str:
        """``text[a:b]``, one string per span however many figures it holds."""
        if span not in self._sentences:
            self._sentences[span] = self.text[span[0] : span[1]]
        return self._sentences[span]

    def last_entry(self, kind: str, lo: int, hi: int) -> MetricEntry | None:
        """``_entry_in(text[lo:hi], kind)`` without scanning the window."""
        rx, entries = _keyword_rx(kind)
        if kind not in self._keywords:
            self._keywords[kind] = KeywordHits(rx, self.text)
        hit = self._keywords[kind].last(lo, hi)
        return entries[hit.group()] if hit else None

    def last_colon(self, lo: int, hi: int) -> int:
        """Offset of the last ``:``/``：`` in ``[lo, hi)``, or -1."""
        i = bisect.bisect_left(self.colons, hi) - 1
        return self.colons[i] if i >= 0 and self.colons[i] >= lo else -1

    def has_comma(self, lo: int, hi: int) -> bool:
        i = bisect.bisect_left(self.commas, lo)
        return i < len(self.commas) and self.commas[i] < hi

    def row_between(self, sent: tuple[int, int], lo: int, hi: int) -> bool:
        """True when a row of sub-clause ``sent`` starts strictly between ``lo`` and ``hi``."""
        starts = self.row_starts.get(sent, [])
        i = bisect.bisect_right(starts, lo)
        return i < len(starts) and starts[i] < hi


# --- the paragraph extractor --------------------------------------------------------------


def _row(text, m, entry, kind, stage, sent, idx, context, *, change=None, unit_from=None, flags=()):
    value, unit = _normalised_value(unit_from or m)
    if unit_from is not None and unit_from is not m:
        # 5、7、8个百分点: the bare numbers take the last one's unit.
        value = m.value if not unit_from.is_permille else m.value / 10
    is_change = _is_change(text, m, sent[0]) if change is None else change
    if unit_from is not None and unit_from.is_points:
        is_change = True
    fl = list(flags)
    if m.approx:
        fl.append(f"approx={m.approx_word}")
    if m.is_range:
        fl.append(f"range={m.low}-{m.high}")
    metric, family = entry.metric, entry.family
    if kind == "money":
        family = "funding"
    if family != "funding" and unit == "%" and value > 100 and not is_change:
        fl.append("rate_over_100")
    if kind == "count":
        value = value.to_integral_value()
    return {
        "family": family,
        "metric": metric,
        "stage": stage,
        "value": value,
        "unit": unit,
        "approx": bool(m.approx),
        "is_change": bool(is_change),
        "planned": bool(context.get("planned")) or _is_planned(text, sent[0], m.start),
        "per_capita": _is_per_capita(text, sent[0], m),
        "year": _find_year(idx.years, text, sent[0], m.start, idx.year_starts),
        "start": m.start,
        "end": m.end,
        "text": text[m.start : m.end],
        "sentence": idx.sentence(sent),
        "flags": fl,
    }


FALLBACK_RATE = MetricEntry("", "比例", "other", "rate")
FALLBACK_MONEY = MetricEntry("", "金额", "funding", "money")


def extract_paragraph_figures(text: str, context: dict | None = None) -> list[dict]:
    """Labelled figures in one clean Simplified paragraph (offsets relative to ``text``).

    Args:
        text: the paragraph's clean text.
        context: optional ``{"planned": bool}`` carried from the document (plan sections).

    Returns:
        One dict per figure with ``family, metric, stage, value (Decimal), unit, approx,
        is_change, planned, per_capita, year, start, end, text, sentence, flags (list)``.

    Example:
        >>> [(f["metric"], f["value"]) for f in extract_paragraph_figures("小学入学率、巩固率均达到100%。")]
        [('入学率', Decimal('100')), ('巩固率', Decimal('100'))]
        >>> extract_paragraph_figures("总分100分,职业道德满分10分;2020年6月24日")
        []
    """
    context = dict(context or {})
    if _plan_prefix(text):
        context["planned"] = True
    pats = load_patterns()
    numbers = find_numbers(text)
    nums = [n for n in numbers if n.kind == "quantity"]
    years = [n for n in numbers if n.kind == "year"]
    num_starts = [n.start for n in nums]
    sentences = split_spans(text, SENTENCE_END)
    subclauses = split_spans(text, SUBCLAUSE_END)
    clauses = split_spans(text, CLAUSE_END)
    idx = _ParagraphIndex(text, years)
    rows: list[dict] = []
    by_sent: dict[tuple[int, int], list[dict]] = {}  # rows per sub-clause, for continuations
    used: set[int] = set()

    def add(sent: tuple[int, int], made: list[dict]) -> None:
        by_sent.setdefault(sent, []).extend(made)
        starts = idx.row_starts.setdefault(sent, [])
        for r in made:
            bisect.insort(starts, r["start"])

    # 1. Lists (分别/依次) and one value shared by several metrics (均/都).
    markers = pats["list_markers"] + pats["shared_markers"]
    # 生均/人均/平均 contain 均 but do not share a value.
    marker_rx = re.compile("(?<![生人平])(?:" + "|".join(re.escape(w) for w in markers) + ")")
    for mk in marker_rx.finditer(text):
        sent = _span_at(subclauses, mk.start())
        subjects = _subjects_before(text, mk.start(), sent[0])
        if len(subjects) < 2:
            continue
        shared = mk.group() in pats["shared_markers"]
        # The values: the first run after the marker, in the same clause chain, that fits
        # (分别高于四个实验区平均值的19.84分、6.5%、3.34%: 四个 is not the run).
        chain = None
        for k in range(bisect.bisect_left(num_starts, mk.end()), len(nums)):
            n = nums[k]
            if n.end > sent[1]:
                break  # numbers are sorted: every later one ends past the sub-clause too
            if k in used or _value_kind(n) == "other_unit":
                continue
            if idx.has_comma(mk.end(), n.start):
                break
            cand = [k] if shared else _value_chain(nums, text, k)
            if shared or len(cand) == len(subjects):
                chain = cand
            break
        if chain is None:
            continue
        first = chain[0]
        last = nums[chain[-1]]
        kind = _value_kind(last)
        if kind in ("bare", "other_unit"):
            continue
        pairs = (
            [(s, chain[0]) for s in subjects] if shared else list(zip(subjects, chain, strict=True))
        )
        verb_zone = text[mk.end() : nums[first].start]
        change = any(v in verb_zone for v in pats["change_verbs"]) and not re.search(
            r"(提高|增加|增长|上升|下降|降低)[到至]", verb_zone
        )
        first_stage = _find_stage(text, subjects[0][0], subjects[0][1], "")
        made = []
        for (sa, sb), k in pairs:
            subject = text[sa:sb]
            n = nums[k]
            # 19.84分、6.5%、3.34%: each value keeps its own kind; bare ones take the last's.
            kind = _value_kind(n) if _value_kind(n) != "bare" else _value_kind(last)
            entry = _entry_in(subject, kind)
            context_entry = idx.last_entry(
                kind, sent[0], subjects[0][0]
            )  # = _entry_in(lead_in, kind)
            # 小学、初中巩固率均达到100%: a bare stage takes the metric named at the list's end.
            tail_entry = _entry_in(text[subjects[-1][0] : subjects[-1][1]], kind)
            stage = _find_stage(text, sa, sb, "") or first_stage
            if (
                entry is None
                and tail_entry is not None
                and (_find_stage(text, sa, sb, "") or sb - sa <= 4)
            ):
                # also 语文、数学、英语平均分分别为…: short subjects share the last one's metric
                entry = tail_entry
            if entry is None:
                if stage and context_entry is not None:
                    entry = context_entry
                elif stage and kind == "rate":
                    entry = FALLBACK_RATE
                elif kind == "money":
                    entry = FALLBACK_MONEY
                else:
                    break
            if not stage:
                wide = _nearest_before(_stage_rx()[0], text, sent[0], sa)
                stage = (
                    _stage_rx()[1][wide.group()]
                    if wide
                    else _find_stage(text, sa, sa, entry.metric)
                )
            unit_from = last if _value_kind(n) == "bare" else n
            made.append(_row(text, n, entry, kind, stage, sent, idx, context, change=change or None,
                             unit_from=unit_from))  # fmt: skip
        else:
            rows.extend(made)
            add(sent, made)
            used.update(chain)

    # 2. Every other number, one at a time.
    count_after = pats["count_after_keywords"]
    for k, n in enumerate(nums):
        if k in used:
            continue
        kind = _value_kind(n)
        clause = _span_at(clauses, n.start)
        sent = _span_at(subclauses, n.start)
        flags: list[str] = []
        if _is_milestone(text, n, nums, k + 1, sent):
            continue  # 一本上线突破800人大关,达到826人: the milestone restates the figure after it
        if kind == "bare":
            # 共计16800 after 共计19200元: a continuation keeps the earlier money unit.
            prev = [
                r for r in by_sent.get(sent, [])[-20:] if r["unit"] == "元" and r["end"] <= n.start
            ]
            before = text[max(sent[0], n.start - 3) : n.start]
            if prev and re.search(r"(共计|合计|共|计)$", before):
                src = nums[bisect.bisect_left(num_starts, prev[-1]["start"])]
                scale = (
                    Decimal(10**4)
                    if src.scale == "万"
                    else Decimal(10**8)
                    if src.scale == "亿"
                    else 1
                )
                n = NumberMatch(
                    **{
                        **{f: getattr(n, f) for f in n.__dataclass_fields__},
                        "value": n.value * scale,
                        "unit": "元",
                    }
                )
                kind, flags = "money", ["unit_inherited"]
            else:
                entry = _entry_in(text[max(sent[0], n.start - 8) : n.start], "score")
                if entry is None and _is_change(text, n, sent[0]):
                    # 上线万人比为68.24,...,比全市平均值高出12.65: the change of the same metric.
                    entry = idx.last_entry("score", sent[0], n.start)
                if entry is None:
                    continue
                kind = "score"
        if kind == "other_unit":
            continue
        entry, kw_at = _find_metric(text, n, kind, clause, sent)
        if kind == "count" and entry is not None and _other_subject_between(text, kw_at, n.start):
            entry = (
                None  # 留守儿童2318名、困境儿童436名: 436 counts a noun the lexicon does not know
            )
        chained = _chained_previous(text, by_sent.get(sent, []), n)
        if kind == "count" and entry is None:
            before_rx = next((rx for rx in pats["count_before_keywords"]
                              if re.search(rx, text[max(clause[0], n.start - WINDOW) : n.start])), None)  # fmt: skip
            if before_rx is not None and any(
                idx.has_word(w, clause[0], n.start) for w in pats["staff_words"]
            ):
                before_rx = None  # 参加教师资格考试320人: staff, not pupils
            if before_rx is not None:  # 参加体育中考4530人
                entry = MetricEntry(before_rx, *pats["count_before_keywords"][before_rx], "count")
        if kind == "count" and entry is None:
            # The rest of the clause (text[n.end:clause[1]]), looked up without copying it.
            for word, (metric, family) in count_after.items():
                if idx.search(word, n.end, clause[1]) and not any(
                    idx.has_word(x, n.end, clause[1]) for x in pats["count_after_exclude"]
                ):
                    entry = MetricEntry(word, metric, family, "count")
            # 51名学生进入全市前一千名 / 前10名中,我区占4名: top-of-ranking counts are results.
            # The rank pattern is searched before the count and in the rest of its clause (the
            # two pieces were once joined by "|", which the pattern never matches).
            near = text[max(sent[0], n.start - 15) : n.start] + "|"
            if entry is None and (
                re.search(pats["top_rank_rx"], near)
                or idx.search(pats["top_rank_rx"], n.end, clause[1])
            ):
                entry = MetricEntry("", *pats["top_rank_metric"], "count")
            if entry is None and _is_change(text, n, sent[0]):
                entry, kw_at = _find_metric(text, n, kind, sent, sent)
            # 在校学生52360人,其中小学生31200人,初中生21160人 / 考入本科的为11人,专科为23人:
            # a clause that is only a stage continues the previous count's metric.
            lead_at = idx.stripped(
                clause[0], n.start
            )  # text[clause[0]:n.start].strip(), not copied
            prev = [
                r for r in by_sent.get(sent, [])[-20:] if r["unit"] == "人" and r["start"] < n.start
            ]
            if entry is None and prev and idx.match(pats["count_continuation_rx"], *lead_at):
                entry = MetricEntry("", prev[-1]["metric"], prev[-1]["family"], "count")
            if (
                entry is None
                and prev
                and lead_at[1] - lead_at[0] <= 10
                and _is_part_after_qizhong(text, prev, sent, n.start, text[lead_at[0] : lead_at[1]])
            ):  # (a longer lead is never a part)
                # 本科上线86人,其中美术类52人,音乐类21人: parts after 其中 share the total's metric
                entry = MetricEntry("", prev[-1]["metric"], prev[-1]["family"], "count")
            if entry is None and chained is not None:
                entry = MetricEntry("", chained["metric"], chained["family"], "count")
            if entry is None:
                entry, kw_at = _count_lead_in(text, n, sent, idx)
        if entry is None:
            if kind == "rate":
                entry = FALLBACK_RATE
                term = _nearest_before(
                    re.compile(pats["generic_rate_rx"]), text, clause[0], n.start
                )
                own = text[max(clause[0], n.start - WINDOW) : n.start]
                share = re.search(pats["exam_share_rx"], own)
                prev_exam = [
                    r
                    for r in by_sent.get(sent, [])[-20:]
                    if r["unit"] == "人" and r["end"] <= n.start
                ]
                if (
                    share is None
                    and prev_exam
                    and prev_exam[-1]["family"] == "exam"
                    and own.lstrip().startswith("占")
                ):
                    # 700分以上考生85人,占全市的12.4%: the share of an exam count is an exam rate
                    # (a share of enrolled pupils, 占在校生的11.3%, stays other: it is composition).
                    metric = prev_exam[-1]["metric"].removesuffix("人数") + "比例"
                    entry = MetricEntry("", metric, "exam", "rate")
                elif share is not None:
                    # 一批上线人数占参考人数的比例为24.6%: a share of the candidates is an exam rate.
                    line = "线" in own[: share.start()]
                    entry = MetricEntry("", "上线率" if line else "比例", "exam", "rate")
                elif term is not None:
                    entry = MetricEntry(term.group(), term.group(), "other", "rate")
                elif _is_change(text, n, sent[0]):
                    window = text[max(sent[0], n.start - 6) : n.start]
                    dec = any(v in window for v in pats["decrease_verbs"])
                    entry = MetricEntry("", "下降率" if dec else "增长率", "other", "rate")
            elif kind == "ratio":
                # 师生比为1:15.9: any "X比" right before a ratio names it.
                named = re.search(pats["generic_ratio_rx"], text[clause[0] : n.start])
                if named is None:
                    continue
                entry = MetricEntry(named.group(1), named.group(1), "other", "ratio")
            elif kind == "money":
                rx, entries = _keyword_rx("money")
                earlier = _nearest_before(rx, text, 0, n.start)  # bounded by WINDOW
                entry = entries[earlier.group()] if earlier else FALLBACK_MONEY
            else:
                continue
        if kind == "score" and entry.applies_to == "score" and n.unit not in ("分", ""):
            continue
        if kind == "score" and not _score_follows_keyword(text, entry, n):
            if chained is None or chained["metric"] != entry.metric:
                continue  # 最高分689分,600分以上人数: a threshold, not the 最高分
            # 分别高出全市平均分23.1分和19.8分: the second value continues the first.
            rows.append(_row(text, n, entry, kind, chained["stage"], sent, idx, context,
                             change=chained["is_change"]))  # fmt: skip
            add(sent, rows[-1:])
            continue
        stage = _find_stage(text, sent[0], n.start, entry.metric)
        if not stage and kw_at is not None and kw_at < clause[0]:
            # 补助标准,由每年800元: the stage named in the metric's own clause (农村初中...补助标准).
            stage = _find_stage(text, sent[0], _span_at(clauses, kw_at)[1] - 1, entry.metric)
        rows.append(_row(text, n, entry, kind, stage, sent, idx, context, flags=flags))
        add(sent, rows[-1:])

    _relabel_non_school_rates(text, rows, clauses)
    rows.sort(key=lambda r: (r["start"], r["metric"]))
    _check_totals(text, rows, sentences)
    flag_out_of_scale(rows)
    return rows


def _other_subject_between(text: str, kw_at: int | None, pos: int) -> bool:
    """True when, between a count keyword and the count at ``pos``, the keyword's own count
    is followed by ``、`` and a new noun (``留守儿童2318名、困境儿童436名``); a stage alone
    (``小学生31200人、初中生21160人``) still continues the keyword."""
    if kw_at is None:
        return False
    gap = text[kw_at:pos]
    m = re.search(r"[0-9一二三四五六七八九十百千万]\s*[余多]?[人名位]?(?:次)?、([^、]*)$", gap)
    if m is None:
        return False
    subject = m.group(1).strip()
    return bool(re.search(r"[一-鿿]{2}", subject)) and not re.match(
        load_patterns()["count_continuation_rx"], subject
    )


def _is_milestone(
    text: str, n: NumberMatch, nums: list[NumberMatch], first: int, sent: tuple[int, int]
) -> bool:
    """True for ``突破800人(大关)`` when the same sub-clause then states the value itself
    (``达到826人``) among ``nums[first:]``: the round number is a milestone, not a second figure."""
    if not re.search(
        load_patterns()["milestone_before_rx"], text[max(sent[0], n.start - 4) : n.start]
    ):
        return False
    unit = _normalised_value(n)[1]
    for j in range(first, len(nums)):  # no copy of the rest of the paragraph's numbers
        m = nums[j]
        if m.start >= sent[1]:
            break
        if _normalised_value(m)[1] == unit and re.search(
            r"(达到|达|为|至)\s*$", text[max(sent[0], m.start - 3) : m.start]
        ):
            return True
    return False


def _is_part_after_qizhong(
    text: str, prevs: list[dict], sent: tuple[int, int], pos: int, lead: str
) -> bool:
    """True when a count with no keyword of its own comes after ``其中`` that itself follows a
    count of the same sub-clause (a breakdown: 上线86人,其中美术类52人,音乐类21人), or after a
    stated total (共156人,文科41人,理科115人), and its lead is short and names no staff
    (其中教师120人)."""
    pats = load_patterns()
    marker = text.rfind(pats["parts_marker"], max(sent[0], pos - WINDOW), pos)
    total = any(
        re.search(pats["total_before_rx"], text[max(sent[0], r["start"] - 3) : r["start"]])
        for r in prevs
    )
    if (marker < 0 or not any(r["end"] <= marker for r in prevs)) and not total:
        return False
    return (
        len(lead) <= 10
        and not re.search(r"[0-9]", lead)
        and not any(w in lead for w in pats["staff_words"])
    )


def _count_lead_in(text: str, n: NumberMatch, sent: tuple[int, int], idx: _ParagraphIndex):
    """Count keyword for a count whose own clause names none, taken from earlier in its
    sub-clause when the keyword owns no figure yet: a lead-in before a colon (``共招收新生:
    小学一年级4821人``) or a subject clause (``本科上线人数连续5年保持增长,今年达到1526人``)."""
    pats = load_patterns()
    clause_start = sent[0]
    for c in CLAUSE_END.finditer(text, max(sent[0], n.start - WINDOW), n.start):
        clause_start = c.end()
    colon = idx.last_colon(sent[0], n.start)
    if colon < 0 and not idx.match(
        pats["count_bare_lead_rx"], *idx.stripped(clause_start, n.start), full=True
    ):
        return None, None
    rx, entries = _keyword_rx("count")
    hi = colon if colon >= 0 else clause_start
    hits = [h for h in rx.finditer(text, max(sent[0], hi - WINDOW), hi) if not _excluded(text, h)]
    if not hits:
        return None, None
    kw = hits[-1]
    if colon < 0 and idx.row_between(sent, kw.start(), n.start):
        return None, None  # the keyword already owns a figure (在校生5万人,今年达到...)
    return entries[kw.group()], kw.start()


def _chained_previous(text: str, prev_rows: list[dict], n: NumberMatch) -> dict | None:
    """The figure just before ``n`` when the two are joined only by ``、``/``和`` and share a
    unit (``23.1分和19.8分``): ``n`` continues it."""
    for r in reversed(prev_rows[-20:]):
        if r["end"] <= n.start:
            if (
                re.fullmatch(r"\s*[、和及与]\s*", text[r["end"] : n.start])
                and r["unit"] == _normalised_value(n)[1]
            ):
                return r
            return None
    return None


def _relabel_non_school_rates(text: str, rows: list[dict], clauses: list[tuple[int, int]]) -> None:
    """An exam rate whose clause names something other than pupils (食品安全抽检合格率,
    工程验收合格率, 干部考核优秀率) is an ``other`` rate."""
    words = load_patterns()["non_pupil_rate_contexts"]
    subclauses = split_spans(text, SUBCLAUSE_END)
    for r in rows:
        if r["family"] == "exam" and r["unit"] in ("%", "个百分点"):
            lo = max(_span_at(clauses, r["start"])[0], r["start"] - WINDOW)
            if _any_keyword_rx().match(text, lo):
                # 干部职工年度考核称职率100%,优秀率20%: a clause that opens on its metric
                # continues the subject named earlier in the sentence.
                lo = max(_span_at(subclauses, r["start"])[0], r["start"] - WINDOW)
            if any(w in text[lo : r["start"]] for w in words):
                r["family"] = "other"
                r["metric"] = r["metric"].removeprefix("中考")  # B级危房占比: a grade, not 中考's


# --- checks -------------------------------------------------------------------------------


def _decimals(s: str) -> int:
    m = re.search(r"\.([0-9]+)", s)
    return len(m.group(1)) if m else 0


def _check_totals(text: str, rows: list[dict], sentences: list[tuple[int, int]]) -> None:
    """Flag totals whose parts (after 其中/分别为) do not add up; mark the parts.

    A total is a money or head-count figure after 总/共计/合计... or right before 其中/分别为;
    its parts are the same-unit figures (not per-capita, not changes) in the rest of its
    sentence after the marker, or in the next sentence when that opens with one. At least two
    parts are needed: a single part after 其中 is a detail, not a breakdown.
    """
    pats = load_patterns()
    total_rx = re.compile("(" + "|".join(pats["total_words"]) + r")[^，,。；;]{0,8}$")
    starts = [r["start"] for r in rows]  # rows are sorted by start
    for r in rows:
        if r["per_capita"] or r["is_change"] or r["unit"] not in ("元", "人"):
            continue
        sent = _span_at(sentences, r["start"])
        before = text[max(sent[0], r["start"] - 20) : r["start"]]
        after = text[r["end"] : r["end"] + 6]
        marker_after = re.match(r"[，,。:：]?\s*(" + "|".join(pats["parts_markers"]) + ")", after)
        if not (total_rx.search(before) or marker_after):
            continue
        # Parts: same-unit figures in the rest of this sentence after a marker, or in the next
        # sentence when it opens with one.
        zone = None
        nxt = _span_at(sentences, sent[1]) if sent[1] < len(text) else None
        if marker_after and not after.startswith("。"):
            zone = (r["end"], sent[1])  # 上线841人,其中一本198人,...
        elif nxt and re.match(
            r"\s*(" + "|".join(pats["parts_markers"]) + ")", text[nxt[0] : nxt[0] + 6]
        ):
            zone = nxt  # 785.04万元。其中,...
        if zone is None:
            continue
        lo_i, hi_i = bisect.bisect_left(starts, zone[0]), bisect.bisect_left(starts, zone[1])
        parts = [
            p for p in rows[lo_i:hi_i]
            if p is not r and p["unit"] == r["unit"] and not p["per_capita"] and not p["is_change"]
        ]  # fmt: skip
        if len(parts) < 2:
            continue
        total = r["value"]
        got = sum((p["value"] for p in parts), Decimal(0))
        scale = (
            Decimal(10**4)
            if "万" in r["text"]
            else Decimal(10**8)
            if "亿" in r["text"]
            else Decimal(1)
        )
        tolerance = scale * Decimal(10) ** -_decimals(r["text"]) / 2
        for p in parts:
            p["flags"].append("part_of_total")
        if abs(got - total) <= tolerance:
            r["flags"].append("parts_sum_ok")
        else:
            r["flags"].append(f"parts_sum_mismatch:sum={_plain(got)}")


def _plain(d: Decimal) -> str:
    return format(d.normalize() if d != d.to_integral_value() else d.quantize(Decimal(1)), "f")


def flag_out_of_scale(rows: list[dict]) -> None:
    """Flag a money amount at least 100 times every other amount around it (19300万 vs 55.57万).

    Args:
        rows: figure dicts (one paragraph, or one article); changed in place.

    Example:
        >>> rows = [{"unit": "元", "family": "funding", "per_capita": False, "value": v, "flags": []}
        ...         for v in (Decimal(193000000), Decimal(16700), Decimal(10000))]
        >>> flag_out_of_scale(rows); [r["flags"] for r in rows]
        [['out_of_scale'], [], []]
    """
    pats = load_patterns()
    money = [r for r in rows if r["family"] == "funding" and not r["per_capita"] and r["value"] > 0]
    if len(money) < pats["out_of_scale_min_amounts"]:
        return
    ordered = sorted(money, key=lambda r: r["value"], reverse=True)
    top, second = ordered[0], ordered[1]
    if (
        top["value"] >= second["value"] * pats["out_of_scale_ratio"]
        and "out_of_scale" not in top["flags"]
    ):
        top["flags"].append("out_of_scale")


# --- the DataFrame builder ----------------------------------------------------------------


def _names_plan(text: str) -> bool:
    """A heading or title about plans or targets (工作要点, 工作打算, 主要工作指标), not a report."""
    pats = load_patterns()
    return any(w in text for w in pats["plan_heading_words"]) and not any(
        w in text for w in pats["report_heading_words"]
    )


def _opens_plan_section(text: str) -> bool:
    head = text.rstrip()
    return head.endswith((":", "：")) and _names_plan(head)


def _is_top_heading(text: str) -> bool:
    return bool(re.match(r"\s*[一二三四五六七八九十]+、", text))


def _plan_prefix(text: str) -> bool:
    """``1.事业发展目标:...``: a paragraph whose lead-in before the colon names a target."""
    m = re.match(r"[^:：。]{0,16}[:：]", text)
    return bool(m) and _names_plan(m.group())


def extract_figures(
    paragraphs: pd.DataFrame,
    para_text: dict,
    raw_texts: dict[str, str],
) -> pd.DataFrame:
    """All figures of all usable paragraphs, one row each, with raw offsets.

    Args:
        paragraphs: columns ``doc_id, article_id, para_id, text, is_boilerplate, is_duplicate``
            (boilerplate and duplicate paragraphs are skipped).
        para_text: ``(doc_id, para_id) -> AlignedText`` of each paragraph (``.text`` equals the
            row's text); a plain ``para_id`` key is accepted too.
        raw_texts: ``doc_id -> raw text``, to fill ``raw_text = raw[raw_start:raw_end]``.

    A paragraph whose ``section`` (if the column exists) names a plan (二、主要工作指标), or
    that follows a lead-in such as ``主要工作目标是:``, gives ``planned`` figures. Article
    titles are not used: scraped pages glue reports under a plan's title.

    Returns:
        A DataFrame with :data:`FIGURE_COLUMNS`; ``value`` is float (exact for the amounts
        reports use), ``flags`` a ``;``-joined string.

    Example:
        >>> from helpers.aligned import AlignedText
        >>> raw = "投资40万元实施三古完小危房改造工程"
        >>> paras = pd.DataFrame([dict(doc_id="d", article_id=0, para_id=0, text=raw,
        ...                            is_boilerplate=False, is_duplicate=False)])
        >>> df = extract_figures(paras, {("d", 0): AlignedText.from_raw(raw)}, {"d": raw})
        >>> df[["family", "metric", "value", "raw_text"]].values.tolist()
        [['funding', '投资', 400000.0, '40万元']]
    """
    out: list[dict] = []
    if len(paragraphs):
        order = paragraphs.sort_values(["doc_id", "article_id", "para_id"], kind="stable")
    else:
        order = paragraphs
    plan_carry: dict[tuple, bool] = {}
    article_rows: dict[tuple, list[dict]] = {}
    for row in order.itertuples(index=False):
        key = (row.doc_id, row.article_id)
        text = str(row.text)
        if bool(getattr(row, "is_boilerplate", False)) or bool(getattr(row, "is_duplicate", False)):
            continue
        if _is_top_heading(text):
            plan_carry[key] = False
        section = str(getattr(row, "section", "") or "")
        planned = (
            plan_carry.get(key, False) or _plan_prefix(text) or (bool(section) and _names_plan(section))
        )  # fmt: skip
        if _opens_plan_section(text):
            plan_carry[key] = True
        aligned: AlignedText | None = para_text.get(
            (row.doc_id, row.para_id), para_text.get(row.para_id)
        )
        if aligned is None:
            continue
        raw = raw_texts[row.doc_id]
        figs = extract_paragraph_figures(text, {"planned": planned})
        for f in figs:
            rs, re_ = aligned.raw_span(f["start"], f["end"])
            rec = {
                "doc_id": row.doc_id, "article_id": row.article_id, "para_id": row.para_id,
                **{k: f[k] for k in ("family", "metric", "stage", "value", "unit", "approx",
                                     "is_change", "planned", "per_capita", "year", "sentence")},
                "raw_start": rs, "raw_end": re_, "raw_text": raw[rs:re_], "_flags": f["flags"],
            }  # fmt: skip
            out.append(rec)
            article_rows.setdefault(key, []).append(rec)
    for recs in article_rows.values():
        view = [{"family": r["family"], "per_capita": r["per_capita"], "value": r["value"],
                 "flags": r["_flags"], "unit": r["unit"]} for r in recs]  # fmt: skip
        flag_out_of_scale(view)
    frame = pd.DataFrame(out, columns=[*FIGURE_COLUMNS, "_flags"])
    frame["flags"] = [";".join(f) for f in frame["_flags"]] if len(frame) else pd.Series(dtype=str)
    frame = frame.drop(columns="_flags")
    frame["value"] = frame["value"].astype(float)
    frame["year"] = frame["year"].astype("Int64")
    for col in ("approx", "is_change", "planned", "per_capita"):
        frame[col] = frame[col].astype(bool)
    for col in ("raw_start", "raw_end", "para_id"):
        frame[col] = frame[col].astype("int64")
    return frame[FIGURE_COLUMNS]
