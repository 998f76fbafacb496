"""Labelled figures (funding, enrollment, exam, other) from clean paragraphs, traceable to raw.

One row per figure: what it measures (``metric``, normalised Simplified label, and
``metric_raw`` as written), its family, stage, exact value (money in 元, rates in percent,
counts as integers), ``role`` (level, change, base, target), precision (``approx``), plan,
per-capita, the stated year, range ends, the sum of a total's parts, and the exact raw span.
Word lists live in ``resources/metrics_lexicon.csv`` and ``resources/figures_patterns.json``.

Stages: candidates (the numbers and their kinds) → context (exam / enrollment / funding
vocabularies around a number) → family and metric (named rules per kind, :data:`RULES`) →
rows and checks (roles, non-pupil rates, totals and parts, out-of-scale amounts). Tables
flattened into text (one cell per line, ``|`` rows, space-aligned columns) are read first by
:mod:`helpers.table_figures`, and their cells are not read again as prose.

Policy (what is extracted): every money amount (funding); rates, counts and scores whose
metric is in the lexicon or whose clause is about exams or pupils (enrollment, exam); every
other rate or ratio (other). Counts of teachers, schools, computers, aid recipients and the
like are left out, and so are places in a ranking (前100名) and a milestone restated by the
value after it (突破800人大关,达到826人). An exam-style rate of something other than pupils'
results (食品抽检合格率, 干部考核优秀率) is ``other``. Flags: ``approx=余`` etc.,
``rate_over_100``, ``out_of_scale``, ``parts_sum_ok``, ``parts_sum_mismatch``,
``part_of_total``, ``unit_inherited``, ``unit_implied``, ``percent_implied``; table rows carry
``table`` (and ``decimal_space`` for a cell like ``95. 5``).

Not handled yet: tables in other layouts, ``三分之一``-style fractions, metrics named only in
an earlier paragraph, per-capita amounts whose 每 sits after the amount.
"""

from __future__ import annotations

import bisect
import csv
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import lru_cache

import pandas as pd

from .figures_index import ParagraphIndex
from .numbers import NumberMatch, find_numbers
from .paths import resource_path
from .table_figures import extract_table_figures, merge_table_figures
from .vocab import FAMILIES, FIGURE_COLUMNS, TOP_HEADING

# The columns and families live in helpers.vocab (report and pipeline read them too).
__all__ = ["FAMILIES", "FIGURE_COLUMNS", "extract_figures", "extract_paragraph_figures"]

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
    if re.fullmatch(r"(?:比|较)[^，,。；;0-9]{0,4}", gap) and _comparison_operand(
        text, n, (at, len(text))
    ):
        return True  # 折合分比县均79.23低4.13: the base of the comparison
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
        entry = entries[wide.group()]
        if entry.metric in pats["context_rate_metrics"] and not _is_change(text, m, sent[0]):
            return None, None  # 增长3.32%,占…的比例87.78%: a level is not the growth before it
        return entry, wide.start()
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


COMPARED_RX = re.compile(r"(?:比|较)[^，,。；;比较]{0,6}(?:高|低|多|少)$")
# 比县均79.23低4.13: the base value sits between 比 and 高/低.
COMPARED_WITH_BASE_RX = re.compile(
    r"(?:比|较)[^，,。；;比较0-9]{0,6}[0-9.]+[^，,。；;0-9]{0,2}(?:高|低)$"
)


def _is_change(text: str, m: NumberMatch, lo: int) -> bool:
    """True for 提高3个百分点 / 增长9.15% / 比2005年增加20人; False for 提高到10%."""
    if m.is_points:
        return True
    window = text[max(lo, m.start - 8) : m.start]
    window = re.sub(r"(约|近|了|达|为)+$", "", window)
    if COMPARED_RX.search(window) or COMPARED_WITH_BASE_RX.search(
        text[max(lo, m.start - 20) : m.start]
    ):
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
            year = int(n.low if n.is_range and n.low is not None else n.value)
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


# --- stage 1: candidates (the numbers of a paragraph and what kind of value each is) --------


@dataclass
class Paragraph:
    """One paragraph read once: its numbers, clause spans, search index and the rows so far."""

    text: str
    context: dict
    nums: list[NumberMatch]
    num_starts: list[int]
    years: list[NumberMatch]
    sentences: list[tuple[int, int]]
    subclauses: list[tuple[int, int]]
    clauses: list[tuple[int, int]]
    idx: ParagraphIndex
    rows: list[dict] = field(default_factory=list)
    by_sent: dict[tuple[int, int], list[dict]] = field(default_factory=dict)
    used: set[int] = field(default_factory=set)

    def add(self, sent: tuple[int, int], made: list[dict]) -> None:
        """Keep ``made`` (rows of sub-clause ``sent``), indexed for the continuation rules."""
        self.rows.extend(made)
        self.by_sent.setdefault(sent, []).extend(made)
        starts = self.idx.row_starts.setdefault(sent, [])
        for r in made:
            bisect.insort(starts, r["start"])

    def before(self, sent: tuple[int, int], pos: int, unit: str | None = None) -> list[dict]:
        """The last rows (at most 20) of sub-clause ``sent`` ending at or before ``pos``."""
        rows = self.by_sent.get(sent, [])[-20:]
        return [r for r in rows if r["end"] <= pos and (unit is None or r["unit"] == unit)]


def read_paragraph(text: str, context: dict | None = None) -> Paragraph:
    """Numbers, clause spans and search index of one clean paragraph (stage 1).

    >>> p = read_paragraph("在校生5万人,小学入学率100%。")
    >>> [n.text for n in p.nums], len(p.clauses)
    (['5万人', '100%'], 2)
    """
    context = dict(context or {})
    if _plan_prefix(text):
        context["planned"] = True
    numbers = find_numbers(text)
    nums = [n for n in numbers if n.kind == "quantity"]
    years = [n for n in numbers if n.kind == "year"]
    return Paragraph(
        text, context, nums, [n.start for n in nums], years, split_spans(text, SENTENCE_END),
        split_spans(text, SUBCLAUSE_END), split_spans(text, CLAUSE_END),
        ParagraphIndex(text, years),
    )  # fmt: skip


@dataclass
class Candidate:
    """A number that may be a figure: its kind (money, rate, count, score, ratio), its
    clause (``,`` … ``,``) and sub-clause (``;``/``。``), and flags set while reading it."""

    k: int
    n: NumberMatch
    kind: str
    clause: tuple[int, int]
    sent: tuple[int, int]
    flags: list[str] = field(default_factory=list)
    chained: dict | None = None


def make_candidate(para: Paragraph, k: int) -> Candidate | None:
    """The candidate for ``para.nums[k]``, or ``None`` when it cannot be a figure (a milestone
    restated by the value after it, a unit the figures never use, a bare number nothing names).
    """
    n = para.nums[k]
    clause, sent = _span_at(para.clauses, n.start), _span_at(para.subclauses, n.start)
    if _is_milestone(para.text, n, para.nums, k + 1, sent):
        return None  # 一本上线突破800人大关,达到826人: the milestone restates the figure after it
    if n.unit == "元" and re.match(
        load_patterns()["area_units_after_rx"], para.text[n.end : n.end + 3]
    ):
        return None  # 1.35万元平方米: an area with a stray 元
    if re.match(load_patterns()["count_quota_after_rx"], para.text[n.end : n.end + 1]):
        return None  # 75名额: a quota, not people
    cand: Candidate | None = Candidate(k, n, _value_kind(n), clause, sent)
    if n.unit == "个" and re.match(
        load_patterns()["person_noun_after_rx"], para.text[n.end : n.end + 4]
    ):
        cand = Candidate(k, replace(n, unit="人"), "count", clause, sent)  # 两个学生考取北大
    if cand is not None and cand.kind == "bare":
        cand = read_bare_number(para, cand)
    if cand is None or cand.kind == "other_unit":
        return None
    cand.chained = _chained_previous(para.text, para.by_sent.get(sent, []), cand.n)
    return cand


def read_bare_number(para: Paragraph, cand: Candidate) -> Candidate | None:
    """What a number with no unit is, if anything: a money continuation (``共计16800`` after an
    amount in 元), a score (``上线万人比为68.24``), a rate whose keyword comes right before it
    (``小学入学率99.8``, ``辍学率为0``: flag ``percent_implied``), or an amount in 万/亿 in a
    funding clause (``租金15万``: flag ``unit_implied``)."""
    text, n, sent = para.text, cand.n, cand.sent
    inherited = _inherit_money_unit(para, n, sent)
    if inherited is not None:
        return replace(cand, n=inherited, kind="money", flags=["unit_inherited"])
    entry = _entry_in(text[max(sent[0], n.start - 8) : n.start], "score")
    if entry is None and _is_change(text, n, sent[0]):
        # 上线万人比为68.24,...,比全市平均值高出12.65: the change of the same metric.
        entry = _last_entry(para, "score", sent[0], n.start)
    if entry is not None:
        return replace(cand, kind="score")
    if _rate_named_before(text, n, sent):
        return replace(cand, n=replace(n, is_percent=True), kind="rate", flags=["percent_implied"])
    if re.search(
        load_patterns()["coefficient_before_rx"], text[max(sent[0], n.start - 16) : n.start]
    ):
        return replace(cand, kind="coefficient")  # 差异系数分别为0.4175和0.3986
    if re.match(load_patterns()["person_noun_after_rx"], text[n.end : n.end + 4]):
        return replace(cand, n=replace(n, unit="人"), kind="count", flags=["unit_implied"])
    if n.scale in ("万", "亿") and _context_word(para, "funding", cand.clause, n) is not None:
        return replace(cand, n=replace(n, unit="元"), kind="money", flags=["unit_implied"])
    return None


def _inherit_money_unit(para: Paragraph, n: NumberMatch, sent: tuple[int, int]):
    """``共计16800`` after ``共计19200元`` in the same sub-clause: the amount in the earlier
    amount's unit and scale (``None`` when the number is not such a continuation)."""
    prev = [
        r for r in para.by_sent.get(sent, [])[-20:] if r["unit"] == "元" and r["end"] <= n.start
    ]
    if not prev or not re.search(
        r"(共计|合计|共|计)$", para.text[max(sent[0], n.start - 3) : n.start]
    ):
        return None
    src = para.nums[bisect.bisect_left(para.num_starts, prev[-1]["start"])]
    scale = Decimal(10**4) if src.scale == "万" else Decimal(10**8) if src.scale == "亿" else 1
    return replace(n, value=n.value * scale, unit="元")


def _rate_named_before(text: str, n: NumberMatch, sent: tuple[int, int]) -> bool:
    """True when a rate keyword (``…率``, ``…比例``) ends right before a bare number of at
    most 100, with only a verb or a whole-school subject between (``及格率全校为85.3``)."""
    pats = load_patterns()
    if n.value > 100 or n.is_range:
        return False
    rx, _ = _keyword_rx("rate")
    hit = _nearest_before(rx, text, sent[0], n.start)
    if hit is None or not re.search(pats["implied_percent_keyword_rx"], hit.group()):
        return False
    return re.fullmatch(pats["implied_percent_gap_rx"], text[hit.end() : n.start]) is not None


# --- stage 2: context (which family's vocabulary surrounds a number) -----------------------


@lru_cache(maxsize=1)
def _context_rx() -> tuple[re.Pattern, dict[str, str]]:
    """One pattern for the context vocabularies of ``figures_patterns.json`` and the family
    of each word (longest first)."""
    lookup: dict[str, str] = {}
    for family, words in load_patterns()["context_words"].items():
        for w in words:
            lookup.setdefault(w, family)
    words = sorted(lookup, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words)), lookup


def _context_word(
    para: Paragraph, family: str, zone: tuple[int, int], n: NumberMatch
) -> re.Match | None:
    """The word of ``family``'s context vocabulary nearest the number in ``zone`` (before it
    first, then after it), unless a veto word of that family (staff, aid, non-pupils) is in
    the number's own clause."""
    found = _nearest_context(para, zone, n, (family,))
    return found[1] if found else None


def _nearest_context(
    para: Paragraph, zone: tuple[int, int], n: NumberMatch, families: tuple[str, ...]
) -> tuple[str, re.Match] | None:
    """``(family, word)`` of the context word nearest the number in ``zone``, restricted to
    ``families``; ``None`` when none, or when the clause holds a veto word of that family."""
    rx, lookup = _context_rx()
    text = para.text
    after_words = set(load_patterns()["context_words_after_number"])
    before = list(rx.finditer(text, max(zone[0], n.start - WINDOW), n.start))
    after = [h for h in rx.finditer(text, n.end, min(zone[1], n.end + WINDOW))
             if h.group() in after_words]  # fmt: skip
    hits = [h for h in reversed(before) if lookup[h.group()] in (*families, "institution")]
    hits += [h for h in after if lookup.get(h.group()) in families]
    if not hits or lookup[hits[0].group()] == "institution":
        return None  # 幼儿园数量增加了77.3%: the nearest word names schools, not pupils
    family = lookup[hits[0].group()]
    clause = _span_at(para.clauses, n.start)
    vetoes = load_patterns()["context_vetoes"].get(family, [])
    lo = min(clause[0], zone[0])  # a wider zone is vetoed as a whole
    if any(para.idx.has_word(w, lo, clause[1]) for w in vetoes):
        return None
    return family, hits[0]


def _written_metric(text: str, cand: Candidate) -> str:
    """The words naming a figure as written, when no lexicon keyword does: the end of its
    clause before the number without the verb (``大专线以上``), else the words after it
    (``300多名幼儿`` → ``幼儿``)."""
    pats = load_patterns()
    before = text[max(cand.clause[0], cand.n.start - 24) : cand.n.start]
    before = re.sub(pats["metric_raw_trailing_rx"], "", before).strip(" ,，:：")
    before = re.sub(pats["metric_raw_leading_rx"], "", before)
    if before:
        return before[-12:]
    after = re.match(r"[^，,。；;:：0-9]{0,8}", text[cand.n.end : cand.clause[1]])
    return after.group().strip() if after else ""


# --- stage 3: family and metric (named rules driven by the lexicon) ------------------------


@dataclass(frozen=True)
class Resolution:
    """What a figure measures: the lexicon entry (or one made by a rule), where its keyword
    starts (``None`` when no keyword), and the metric as written (``metric_raw``)."""

    entry: MetricEntry
    kw_at: int | None = None
    raw: str = ""


Rule = Callable[[Paragraph, Candidate], "Resolution | None"]


def rule_lexicon(para: Paragraph, cand: Candidate) -> Resolution | None:
    """The nearest lexicon keyword of the figure's kind (``巩固率达到99.98%``); a count's
    keyword owns only its own count in a 、 list (``留守儿童2318名、困境儿童436名``)."""
    n = cand.n
    entry, at = _find_metric(para.text, n, cand.kind, cand.clause, cand.sent)
    if entry is None or at is None:
        return None
    if cand.kind == "count" and (
        _other_subject_between(para.text, at, n.start)
        or _aid_between(para.text, min(at, cand.clause[0]), n.start)
    ):
        return None
    return Resolution(entry, at, para.text[at : at + len(entry.keyword)])


def _aid_between(text: str, kw_at: int, pos: int) -> bool:
    """True when an aid word lies between a count's keyword and the count (``寄宿生生活补助:
    4842人`` counts aid recipients, not boarders)."""
    return any(w in text[kw_at:pos] for w in load_patterns()["count_aid_words"])


def rule_count_pattern_before(para: Paragraph, cand: Candidate) -> Resolution | None:
    """A count after a phrase of ``count_before_keywords`` (``参加体育中考4530人``), unless
    its clause names staff (``参加教师资格考试320人``)."""
    pats, text, n, clause = load_patterns(), para.text, cand.n, cand.clause
    window = text[max(clause[0], n.start - WINDOW) : n.start]
    for rx, (metric, family) in pats["count_before_keywords"].items():
        hit = re.search(rx, window)
        if hit is not None:
            if any(para.idx.has_word(w, clause[0], n.start) for w in pats["staff_words"]):
                return None
            start = n.start - len(window) + hit.start()
            return Resolution(MetricEntry(rx, metric, family, "count"), start, hit.group())
    return None


def rule_count_pattern_after(para: Paragraph, cand: Candidate) -> Resolution | None:
    """A count named by the rest of its clause (``1200人参加中考``, ``86人上本科线``); the
    last pattern of ``count_after_keywords`` that matches wins."""
    pats, n, clause = load_patterns(), cand.n, cand.clause
    found = None
    for word, (metric, family) in pats["count_after_keywords"].items():
        if para.idx.search(word, n.end, clause[1]) and not any(
            para.idx.has_word(x, n.end, clause[1]) for x in pats["count_after_exclude"]
        ):
            found = Resolution(MetricEntry(word, metric, family, "count"), None, metric)
    return found


def rule_top_rank(para: Paragraph, cand: Candidate) -> Resolution | None:
    """``51名学生进入全市前一千名`` / ``前10名中,我区占4名``: counts at the top of a ranking are
    results (the rank pattern before the count, or in the rest of its clause)."""
    pats, text, n = load_patterns(), para.text, cand.n
    near = text[max(cand.sent[0], n.start - 15) : n.start] + "|"
    if re.search(pats["top_rank_rx"], near) or para.idx.search(
        pats["top_rank_rx"], n.end, cand.clause[1]
    ):
        metric, family = pats["top_rank_metric"]
        return Resolution(MetricEntry("", metric, family, "count"), None, "")
    return None


def rule_change_in_subclause(para: Paragraph, cand: Candidate) -> Resolution | None:
    """A change (``比上年减少120人``) takes the keyword named earlier in its sub-clause."""
    if not _is_change(para.text, cand.n, cand.sent[0]):
        return None
    entry, at = _find_metric(para.text, cand.n, cand.kind, cand.sent, cand.sent)
    if entry is None:
        return None
    raw = para.text[at : at + len(entry.keyword)] if at is not None else ""
    return Resolution(entry, at, raw)


def rule_change_of_previous(para: Paragraph, cand: Candidate) -> Resolution | None:
    """A change with no keyword in its sub-clause (``毕业生1.6万人,较上年多出500人``) measures
    what the figure before it in the sub-clause, of the same unit, measures."""
    if not _is_change(para.text, cand.n, cand.sent[0]):
        return None
    prev = para.before(cand.sent, cand.n.start, _normalised_value(cand.n)[1])
    return _continue(prev[-1], cand) if prev else None


def rule_comparison_operand(para: Paragraph, cand: Candidate) -> Resolution | None:
    """The earlier value or the target a comparison refers to (``上线52人,比去年48人增加4人``,
    ``比市目标90人超出21人``) measures what the figure before it in the sub-clause measures."""
    if _comparison_operand(para.text, cand.n, cand.sent) is None:
        return None
    prev = para.before(cand.sent, cand.n.start, _normalised_value(cand.n)[1])
    if not prev:
        return None
    r = prev[-1]
    return Resolution(MetricEntry("", r["metric"], r["family"], cand.kind), None, r["metric_raw"])


def _lead(para: Paragraph, cand: Candidate) -> tuple[int, int]:
    """Bounds of the words before a count in its clause, from the last ``(`` or ``、`` on
    (``其中小学67424人、初中25564人``: the lead of 25564 is ``初中``)."""
    lo = cand.clause[0]
    for mark in "(（、":
        at = para.text.rfind(mark, lo, cand.n.start)
        lo = max(lo, at + 1) if at >= 0 else lo
    return para.idx.stripped(lo, cand.n.start)


def rule_stage_continuation(para: Paragraph, cand: Candidate) -> Resolution | None:
    """A clause that is only a stage continues the count before it (``在校学生52360人,其中
    小学生31200人``, ``考入本科的为11人,专科为23人``, ``其中小学6742人、初中2556人``)."""
    pats, n = load_patterns(), cand.n
    lead_at = _lead(para, cand)
    prev = [
        r
        for r in para.by_sent.get(cand.sent, [])[-20:]
        if r["unit"] == "人" and r["start"] < n.start
    ]
    if prev and (
        para.idx.match(pats["count_continuation_rx"], *lead_at)
        or para.idx.match(pats["count_parallel_lead_rx"], *lead_at)  # 乙小学有80多人
    ):
        return _continue(prev[-1], cand)
    return None


def rule_part_of_total(para: Paragraph, cand: Candidate) -> Resolution | None:
    """Parts after 其中 or after a stated total share the total's metric (``本科上线86人,其中
    美术类52人,音乐类21人``, ``达到2808人(其中文化生2191人)``); a longer lead or one naming
    staff is never a part."""
    n, text = cand.n, para.text
    lead_at = _lead(para, cand)
    prev = [
        r
        for r in para.by_sent.get(cand.sent, [])[-20:]
        if r["unit"] == "人" and r["start"] < n.start
    ]
    if (
        prev
        and lead_at[1] - lead_at[0] <= 10
        and _is_part_after_qizhong(text, prev, cand.sent, n.start, text[lead_at[0] : lead_at[1]])
    ):
        return _continue(prev[-1], cand)
    return None


def rule_parts_after_total_sentence(para: Paragraph, cand: Candidate) -> Resolution | None:
    """Parts in a sentence opening with 其中 after a sentence that ends on a count (``共有学生
    1094名。其中:中心小学410名,…``) share that count's metric, as parts after 其中 do."""
    pats, n, text = load_patterns(), cand.n, para.text
    opener = re.match(pats["parts_sentence_rx"], text[cand.sent[0] : n.start])
    if opener is None or cand.sent[0] == 0:
        return None
    earlier = para.by_sent.get(_span_at(para.subclauses, cand.sent[0] - 1), [])
    lead = text[slice(*para.idx.stripped(cand.clause[0], n.start))]
    if not earlier or earlier[-1]["unit"] != "人" or _normalised_value(n)[1] != "人":
        return None
    if len(lead) > 10 or re.search(r"[0-9]", lead) or any(w in lead for w in pats["staff_words"]):
        return None
    return _continue(earlier[-1], cand)


def rule_chained(para: Paragraph, cand: Candidate) -> Resolution | None:
    """A count joined to the one before it by 、/和 only (``52人和21人``) continues it."""
    return _continue(cand.chained, cand) if cand.chained is not None else None


def rule_count_lead_in(para: Paragraph, cand: Candidate) -> Resolution | None:
    """A keyword in a lead-in before a colon (``共招收新生:小学一年级4821人``) or in a
    number-less subject clause (``本科上线人数连续5年保持增长,今年达到1526人``)."""
    entry, at = _count_lead_in(para.text, cand.n, cand.sent, para.idx)
    if entry is None or at is None or _aid_between(para.text, at, cand.n.start):
        return None
    return Resolution(entry, at, para.text[at : at + len(entry.keyword)])


def rule_exam_or_enrollment_context(para: Paragraph, cand: Candidate) -> Resolution | None:
    """A count or rate in a clause about exams (考试, 高考, 上线, 本科, 分数线…) or about
    pupils (在校, 招生, 毕业, 学生, 幼儿…) whose metric word the lexicon does not know:
    family from that vocabulary, metric the family's generic label, ``metric_raw`` the
    words as written (``大专线以上356人`` → exam, ``300多名幼儿`` → enrollment)."""
    pats, n = load_patterns(), cand.n
    if re.search(pats["count_negation_rx"], para.text[max(0, n.start - 2) : n.start]):
        return None  # 无一人辍学: nobody, not a count
    money = any(m.unit == "元" and cand.clause[0] <= m.start < cand.clause[1] for m in para.nums)
    if money or re.match(pats["aid_per_head_after_rx"], para.text[n.end : n.end + 4]):
        return None  # 本科18人,每人1000元: the head count of an aid list
    if _staff_list_before(para, cand):
        return None  # 共有教师592人,其中…民办园128人,幼儿看护点140人: still staff
    found = _nearest_context(para, cand.clause, n, ("exam", "enrollment"))
    lead = para.idx.stripped(cand.clause[0], n.start)
    if found is None and lead[1] - lead[0] <= 1:
        # 高中部,设200个教学班,11000人: a count standing alone takes its sub-clause's subject
        found = _nearest_context(para, (cand.sent[0], n.start), n, ("exam", "enrollment"))
    if found is None:
        return None
    family, hit = found
    metric = pats["context_metrics"][family][cand.kind]
    entry = MetricEntry("", metric, family, cand.kind)
    return Resolution(entry, hit.start(), _written_metric(para.text, cand))


def _staff_list_before(para: Paragraph, cand: Candidate) -> bool:
    """True when a staff or aid word comes earlier in the sub-clause and no figure lies between
    it and the count (the count continues a list of staff or of aid recipients)."""
    lo, pats = cand.sent[0], load_patterns()
    words = pats["staff_words"] + pats["count_aid_words"]  # 资助136人,其中本科一批18人
    at = max(para.text.rfind(w, lo, cand.n.start) for w in words)
    if at < 0 or para.idx.row_between(cand.sent, at, cand.n.start):
        return False
    # 教师36人,学生540人: the count's own clause names pupils right before it (有/为/达… aside);
    # 幼儿看护点140人 names a place, not pupils.
    own = re.sub(pats["metric_raw_trailing_rx"], "", para.text[cand.clause[0] : cand.n.start])
    return not (at < cand.clause[0] and own.endswith(tuple(pats["context_words"]["enrollment"])))


def rule_exam_score(para: Paragraph, cand: Candidate) -> Resolution | None:
    """A pupil's or a class's score in exam words the lexicon does not name as a metric
    (``某同学以652分``, ``以总分712分位列全省第3名``, ``人平82.5分``); never a threshold
    (``600分以上``) or a scoring rubric (``总分100分``)."""
    pats, text, n = load_patterns(), para.text, cand.n
    if n.unit != "分" or n.approx or n.is_range:
        return None
    before = text[max(cand.clause[0], n.start - 20) : n.start]
    after = text[n.end : min(cand.clause[1], n.end + 8)]
    if re.search(pats["exam_score_after_veto_rx"], after):
        return None
    named = re.search(pats["exam_score_before_rx"], before)
    ranked = re.search(pats["exam_score_by_rx"], before) and re.match(
        pats["exam_score_rank_after_rx"], after
    )
    if not (named or ranked):
        return None
    entry = MetricEntry("", pats["context_metrics"]["exam"]["score"], "exam", "score")
    return Resolution(entry, None, _written_metric(text, cand))


def rule_share_of_exam_count(para: Paragraph, cand: Candidate) -> Resolution | None:
    """``700分以上考生85人,占全市的12.4%``: the share of an exam count is an exam rate (a
    share of enrolled pupils, ``占在校生的11.3%``, stays other: it is composition)."""
    text, n = para.text, cand.n
    own = text[max(cand.clause[0], n.start - WINDOW) : n.start]
    if re.search(load_patterns()["exam_share_rx"], own) or not own.lstrip().startswith("占"):
        return None
    prev = para.before(cand.sent, n.start, "人")
    if not prev or prev[-1]["family"] != "exam":
        return None
    metric = prev[-1]["metric"].removesuffix("人数") + "比例"
    return Resolution(MetricEntry("", metric, "exam", "rate"), None, own.strip())


def rule_share_of_candidates(para: Paragraph, cand: Candidate) -> Resolution | None:
    """``一批上线人数占参考人数的比例为24.6%``: a share of the candidates is an exam rate."""
    own = para.text[max(cand.clause[0], cand.n.start - WINDOW) : cand.n.start]
    share = re.search(load_patterns()["exam_share_rx"], own)
    if share is None:
        return None
    metric = "上线率" if "线" in own[: share.start()] else "比例"
    return Resolution(MetricEntry("", metric, "exam", "rate"), None, share.group())


def rule_generic_rate(para: Paragraph, cand: Candidate) -> Resolution | None:
    """Any ``X率`` in the clause names an ``other`` rate (``城镇化率达到45.6%``)."""
    rx = re.compile(load_patterns()["generic_rate_rx"])
    term = _nearest_before(rx, para.text, cand.clause[0], cand.n.start)
    if term is None:
        return None
    return Resolution(
        MetricEntry(term.group(), term.group(), "other", "rate"), term.start(), term.group()
    )


def rule_change_rate(para: Paragraph, cand: Candidate) -> Resolution | None:
    """A rate after a change verb with no name is a growth (or fall) rate."""
    text, n = para.text, cand.n
    if not _is_change(text, n, cand.sent[0]):
        return None
    window = text[max(cand.sent[0], n.start - 6) : n.start]
    dec = any(v in window for v in load_patterns()["decrease_verbs"])
    metric = "下降率" if dec else "增长率"
    return Resolution(MetricEntry("", metric, "other", "rate"), None, "")


def rule_fallback_rate(para: Paragraph, cand: Candidate) -> Resolution | None:
    """Every other rate is an ``other`` 比例."""
    return Resolution(FALLBACK_RATE, None, "")


def rule_named_ratio(para: Paragraph, cand: Candidate) -> Resolution | None:
    """``师生比为1:15.9``: any ``X比`` right before a ratio names it."""
    named = re.search(load_patterns()["generic_ratio_rx"], para.text[cand.clause[0] : cand.n.start])
    if named is None:
        return None
    word = named.group(1)
    return Resolution(MetricEntry(word, word, "other", "ratio"), None, word)


def rule_named_coefficient(para: Paragraph, cand: Candidate) -> Resolution | None:
    """``综合差异系数为0.4175``: an index named by the nearest ``X系数`` before it (other)."""
    rx = re.compile(load_patterns()["coefficient_name_rx"])
    term = _nearest_before(rx, para.text, cand.sent[0], cand.n.start)
    if term is None:
        return None
    word = term.group()
    return Resolution(MetricEntry(word, word, "other", "coefficient"), term.start(), word)


def rule_money_anywhere(para: Paragraph, cand: Candidate) -> Resolution | None:
    """Every amount in 元 is funding: the nearest money keyword before it (even in an earlier
    sentence, within :data:`WINDOW`), else the generic 金额."""
    rx, entries = _keyword_rx("money")
    earlier = _nearest_before(rx, para.text, 0, cand.n.start)
    if earlier is None:
        return Resolution(FALLBACK_MONEY, None, "")
    return Resolution(entries[earlier.group()], earlier.start(), earlier.group())


def _continue(prev: dict, cand: Candidate) -> Resolution:
    """The metric of an earlier row, for a figure that continues it."""
    return Resolution(
        MetricEntry("", prev["metric"], prev["family"], cand.kind), None, prev["metric_raw"]
    )


# The rules tried for each kind of value, in order; the first that names the figure wins.
RULES: dict[str, tuple[Rule, ...]] = {
    "count": (
        rule_lexicon, rule_count_pattern_before, rule_count_pattern_after, rule_top_rank,
        rule_change_in_subclause, rule_change_of_previous, rule_comparison_operand,
        rule_stage_continuation,
        rule_part_of_total, rule_parts_after_total_sentence, rule_chained, rule_count_lead_in, rule_exam_or_enrollment_context,
    ),
    "rate": (
        rule_lexicon, rule_share_of_exam_count, rule_share_of_candidates, rule_generic_rate,
        rule_change_rate, rule_fallback_rate,
    ),
    "money": (rule_lexicon, rule_money_anywhere),
    "score": (rule_lexicon, rule_exam_score),
    "ratio": (rule_lexicon, rule_named_ratio),
    "coefficient": (rule_named_coefficient,),
}  # fmt: skip


def resolve_metric(para: Paragraph, cand: Candidate) -> Resolution | None:
    """The first rule of :data:`RULES` for the candidate's kind that names it, with the family
    then refined from context (:func:`refine_family`); ``None`` when no rule does."""
    for rule in RULES.get(cand.kind, ()):
        found = rule(para, cand)
        if found is not None:
            return refine_family(para, cand, found)
    return None


def refine_family(para: Paragraph, cand: Candidate, res: Resolution) -> Resolution:
    """A generic ``other`` rate in a clause about exams or pupils takes that family: a growth
    rate (增长率) the family of the figure it follows in its sub-clause (``上线1200人,比去年
    增长5%``) or of its own clause's vocabulary; a share (比例, 比重) only an exam family from
    its own clause (a share of pupils, ``公办园在园幼儿占比51.5%``, is composition: other)."""
    pats = load_patterns()
    if cand.kind != "rate" or res.entry.family != "other":
        return res
    growth = res.entry.metric in pats["context_rate_metrics"]
    if not growth and res.entry.metric not in pats["context_share_metrics"]:
        return res
    own = para.text[cand.clause[0] : cand.n.start]
    named = len(re.sub(pats["growth_filler_rx"], "", own).strip()) >= 2  # 在园规模增加了56.4%
    prev = para.before(cand.sent, cand.n.start) if growth and not named else []
    families = ("exam", "enrollment") if growth else ("exam",)
    if prev:
        family = prev[-1]["family"]
    else:
        found = _nearest_context(para, (cand.clause[0], cand.n.start), cand.n, families)
        family = found[0] if found else "other"
    if family not in families:
        return res
    return replace(res, entry=replace(res.entry, family=family))


# --- rows ---------------------------------------------------------------------------------


FALLBACK_RATE = MetricEntry("", "比例", "other", "rate")
FALLBACK_MONEY = MetricEntry("", "金额", "funding", "money")


def _comparison_operand(text: str, n: NumberMatch, sent: tuple[int, int]) -> str | None:
    """``base`` for the earlier value of a comparison (``比去年48人增加4人``, ``由800元提高到
    1050元``), ``target`` for a target it is compared with (``比市目标90人超出21人``), else
    ``None``."""
    pats = load_patterns()
    before = text[max(sent[0], n.start - 12) : n.start]
    after = text[n.end : min(sent[1], n.end + 10)]
    compared = re.search(pats["comparison_before_rx"], before)
    if compared and re.match(pats["comparison_after_rx"], after):
        target = any(w in compared.group() for w in pats["target_words"])
        return "target" if target else "base"
    if re.search(pats["from_before_rx"], before) and re.match(pats["from_after_rx"], after):
        return "base"
    return None


def figure_role(
    text: str, n: NumberMatch, sent: tuple[int, int], is_change: bool, planned: bool
) -> str:
    """``change``, ``base`` (the earlier value a comparison refers to), ``target`` (a target or
    plan) or ``level``.

    >>> t = "上线52人,比去年48人增加4人"
    >>> [figure_role(t, m, (0, len(t)), c, False) for m, c in zip(find_numbers(t), (False, False, True))]
    ['level', 'base', 'change']
    """
    if is_change:
        return "change"
    operand = _comparison_operand(text, n, sent)
    if operand is not None:
        return operand
    return "target" if planned else "level"


def _row(
    para: Paragraph, m: NumberMatch, res: Resolution, kind: str, stage: str,
    sent: tuple[int, int], *, change=None, unit_from=None, flags=(),
) -> dict:  # fmt: skip
    """One figure as a dict (the columns of :data:`FIGURE_COLUMNS` that the paragraph knows)."""
    text, entry = para.text, res.entry
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
    family = "funding" if kind == "money" else entry.family
    if family != "funding" and unit == "%" and value > 100 and not is_change:
        fl.append("rate_over_100")
    if kind == "count":
        value = value.to_integral_value()
    planned = bool(para.context.get("planned")) or _is_planned(text, sent[0], m.start)
    role = figure_role(text, m, sent, bool(is_change), planned)
    prev = para.before(sent, m.start)
    if (
        role == "change"
        and prev
        and prev[-1]["role"] == "target"
        and re.match(load_patterns()["comparison_after_rx"], text[prev[-1]["end"] : m.start])
        and not para.context.get("planned")
    ):
        planned = False  # 比目标40人超出12人: the plan word names the target, the excess is actual
    low, high = _range_ends(m, unit_from)
    return {
        "family": family, "metric": entry.metric, "metric_raw": res.raw or entry.metric,
        "stage": stage, "value": value, "unit": unit, "role": role, "approx": bool(m.approx),
        "is_change": role == "change", "planned": role == "target" or (planned and role != "base"),
        "per_capita": _is_per_capita(text, sent[0], m),
        "year": _find_year(para.years, text, sent[0], m.start, para.idx.year_starts),
        "range_low": low, "range_high": high, "parts_sum": None,
        "start": m.start, "end": m.end, "text": text[m.start : m.end],
        "sentence": para.idx.sentence(sent), "flags": fl,
    }  # fmt: skip


def _range_ends(m: NumberMatch, unit_from: NumberMatch | None) -> tuple[Decimal | None, ...]:
    """Low and high end of a range (``6-15``, ``30~40%``) in the figure's unit, else ``None``."""
    if not m.is_range or m.low is None or m.high is None:
        return None, None
    per_mille = (unit_from or m).is_permille
    return (m.low / 10, m.high / 10) if per_mille else (m.low, m.high)


def emit_figure(para: Paragraph, cand: Candidate, res: Resolution) -> dict | None:
    """The row of a resolved candidate, after the checks a score needs (a score counts only
    right after its keyword, or chained to the score before it)."""
    text, n, kind, entry = para.text, cand.n, cand.kind, res.entry
    if kind == "score" and entry.applies_to == "score" and n.unit not in ("分", ""):
        return None
    if kind == "score" and not _score_follows_keyword(text, entry, n):
        chained = cand.chained
        if chained is None or chained["metric"] != entry.metric:
            return None  # 最高分689分,600分以上人数: a threshold, not the 最高分
        # 分别高出全市平均分23.1分和19.8分: the second value continues the first.
        return _row(para, n, res, kind, chained["stage"], cand.sent, change=chained["is_change"])
    stage = _find_stage(text, cand.sent[0], n.start, entry.metric)
    if not stage and res.kw_at is not None and res.kw_at < cand.clause[0]:
        # 补助标准,由每年800元: the stage named in the metric's own clause (农村初中...补助标准).
        end = _span_at(para.clauses, res.kw_at)[1] - 1
        stage = _find_stage(text, cand.sent[0], end, entry.metric)
    return _row(para, n, res, kind, stage, cand.sent, flags=cand.flags)


# --- list / shared-value forms ------------------------------------------------------------


def extract_lists(para: Paragraph) -> None:
    """Rows of lists bound by 分别/依次 (``优秀率、良好率分别提高5、7个百分点``) and of one value
    shared by several metrics (``入学率、巩固率均保持100%``); their numbers are then used."""
    pats = load_patterns()
    implied = pats["implied_share_verbs"]
    markers = pats["list_markers"] + pats["shared_markers"] + implied
    # 生均/人均/平均 contain 均 but do not share a value.
    marker_rx = re.compile("(?<![生人平])(?:" + "|".join(re.escape(w) for w in markers) + ")")
    for mk in marker_rx.finditer(para.text):
        sent = _span_at(para.subclauses, mk.start())
        subjects = _subjects_before(para.text, mk.start(), sent[0])
        if len(subjects) < 2:
            continue
        shared = mk.group() in pats["shared_markers"]
        chain = _list_values(para, mk, sent, subjects, shared)
        if chain is None and mk.group() in implied:
            # 入学率、巩固率达到100%: no 均, but one value after a list of metrics is theirs.
            shared = True
            chain = _list_values(para, mk, sent, subjects, shared)
        if chain is None or _value_kind(para.nums[chain[-1]]) in ("bare", "other_unit"):
            continue
        made = _list_rows(para, mk, sent, subjects, chain, shared)
        if made is not None:
            para.add(sent, made)
            para.used.update(chain)


def _list_values(para: Paragraph, mk: re.Match, sent, subjects, shared: bool) -> list[int] | None:
    """Indices of the values of a list: the first run after the marker, in the same clause
    chain, that fits (``分别高于四个实验区平均值的19.84分、6.5%、3.34%``: 四个 is not the run)."""
    nums = para.nums
    for k in range(bisect.bisect_left(para.num_starts, mk.end()), len(nums)):
        n = nums[k]
        if n.end > sent[1]:
            return None  # numbers are sorted: every later one ends past the sub-clause too
        if k in para.used or _value_kind(n) == "other_unit":
            continue
        if para.idx.has_comma(mk.end(), n.start):
            return None
        cand = [k] if shared else _value_chain(nums, para.text, k)
        return cand if shared or len(cand) == len(subjects) else None
    return None


def _list_rows(para: Paragraph, mk, sent, subjects, chain: list[int], shared: bool):
    """One row per subject of a list (``None`` when a subject names no metric)."""
    text, nums, pats = para.text, para.nums, load_patterns()
    last = nums[chain[-1]]
    pairs = [(s, chain[0]) for s in subjects] if shared else list(zip(subjects, chain, strict=True))
    verb_zone = text[mk.end() : nums[chain[0]].start]
    change = any(v in verb_zone for v in pats["change_verbs"]) and not re.search(
        r"(提高|增加|增长|上升|下降|降低)[到至]", verb_zone
    )
    first_stage = _find_stage(text, subjects[0][0], subjects[0][1], "")
    made = []
    for (sa, sb), k in pairs:
        n = nums[k]
        # 19.84分、6.5%、3.34%: each value keeps its own kind; bare ones take the last's.
        kind = _value_kind(n) if _value_kind(n) != "bare" else _value_kind(last)
        entry, stage = _list_subject_entry(para, sent, subjects, (sa, sb), kind, first_stage)
        if entry is None:
            return None
        raw = text[sa:sb].strip() or entry.metric
        unit_from = last if _value_kind(n) == "bare" else n
        made.append(_row(para, n, Resolution(entry, None, raw), kind, stage, sent,
                         change=change or None, unit_from=unit_from))  # fmt: skip
    return made


def _list_subject_entry(para: Paragraph, sent, subjects, span, kind: str, first_stage: str):
    """The metric and stage of one subject of a list: its own keyword; a short subject or a
    bare stage takes the keyword at the list's end (``小学、初中巩固率``, ``语文、数学平均分``);
    a stage alone takes the keyword before the list (``合格学历:小学、初中分别达到…``)."""
    text = para.text
    sa, sb = span
    entry = _entry_in(text[sa:sb], kind)
    context_entry = _last_entry(para, kind, sent[0], subjects[0][0])
    tail_entry = _entry_in(text[subjects[-1][0] : subjects[-1][1]], kind)
    own_stage = _find_stage(text, sa, sb, "")
    stage = own_stage or first_stage
    if entry is None and tail_entry is not None and (own_stage or sb - sa <= 4):
        entry = tail_entry
    if entry is None:
        if stage and context_entry is not None:
            entry = context_entry
        elif stage and kind == "rate":
            entry = FALLBACK_RATE
        elif kind == "count" and context_entry is not None and tail_entry is None:
            entry = context_entry  # 一本人数…,甲中学、乙中学分别为3332人、3055人: named schools
        elif kind == "money":
            entry = FALLBACK_MONEY
        else:
            return None, ""
    if not stage:
        wide = _nearest_before(_stage_rx()[0], text, sent[0], sa)
        stage = _stage_rx()[1][wide.group()] if wide else _find_stage(text, sa, sa, entry.metric)
    return entry, stage


def _last_entry(para: Paragraph, kind: str, lo: int, hi: int) -> MetricEntry | None:
    """``_entry_in(text[lo:hi], kind)`` through the paragraph's index (no scan of the window)."""
    rx, entries = _keyword_rx(kind)
    hit = para.idx.last_hit(rx, lo, hi)
    return entries[hit.group()] if hit else None


# --- the paragraph extractor --------------------------------------------------------------


def extract_paragraph_figures(text: str, context: dict | None = None) -> list[dict]:
    """Labelled figures in one clean Simplified paragraph (offsets relative to ``text``).

    Stages: candidates (:func:`read_paragraph`, :func:`make_candidate`) → context and
    family/metric resolution (:func:`resolve_metric`, the rules of :data:`RULES`) → rows
    (:func:`emit_figure`) → checks (non-pupil rates, totals and parts, out-of-scale amounts).

    Args:
        text: the paragraph's clean text.
        context: optional ``{"planned": bool}`` carried from the document (plan sections).

    Returns:
        One dict per figure with ``family, metric, metric_raw, stage, value (Decimal), unit,
        role, approx, is_change, planned, per_capita, year, range_low, range_high,
        parts_sum, start, end, text, sentence, flags (list)``.

    Example:
        >>> [(f["metric"], f["value"]) for f in extract_paragraph_figures("小学入学率、巩固率均达到100%。")]
        [('入学率', Decimal('100')), ('巩固率', Decimal('100'))]
        >>> extract_paragraph_figures("总分100分,职业道德满分10分;2020年6月24日")
        []
    """
    para = read_paragraph(text, context)
    extract_lists(para)
    for k in range(len(para.nums)):
        if k in para.used:
            continue
        cand = make_candidate(para, k)
        res = resolve_metric(para, cand) if cand is not None else None
        if cand is None or res is None:
            continue
        row = emit_figure(para, cand, res)
        if row is not None:
            para.add(cand.sent, [row])
    rows = para.rows
    _relabel_non_school_rates(text, rows, para.clauses)
    rows.sort(key=lambda r: (r["start"], r["metric"]))
    _check_totals(text, rows, para.sentences)
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


def _count_lead_in(text: str, n: NumberMatch, sent: tuple[int, int], idx: ParagraphIndex):
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
            r["flags"].append("parts_sum_mismatch")
        r["parts_sum"] = got


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
    return TOP_HEADING.match(text) is not None


def _plan_prefix(text: str) -> bool:
    """``1.事业发展目标:...``: a paragraph whose lead-in before the colon names a target."""
    m = re.match(r"[^:：。]{0,16}[:：]", text)
    return m is not None and _names_plan(m.group())


def _usable_paragraphs(paragraphs: pd.DataFrame, para_text: dict) -> dict[tuple, list[tuple]]:
    """``(doc_id, article_id) -> [(row, text, AlignedText, planned)]`` of the paragraphs that
    are neither boilerplate nor duplicates, in order, with the plan context each inherits."""
    order = (
        paragraphs.sort_values(["doc_id", "article_id", "para_id"], kind="stable")
        if len(paragraphs)
        else paragraphs
    )
    plan_carry: dict[tuple, bool] = {}
    out: dict[tuple, list[tuple]] = {}
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
        aligned = para_text.get((row.doc_id, row.para_id), para_text.get(row.para_id))
        if aligned is not None:
            out.setdefault(key, []).append((row, text, aligned, planned))
    return out


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
    # Tables flattened into text are read first, by their own stage; their cells are not
    # read again as prose.
    tables = extract_table_figures(paragraphs, para_text, raw_texts)
    in_tables = set(zip(tables["doc_id"], tables["para_id"], strict=True)) if len(tables) else set()
    out: list[dict] = []
    article_rows: dict[tuple, list[dict]] = {}
    for key, items in _usable_paragraphs(paragraphs, para_text).items():
        raw = raw_texts[key[0]]
        for row, text, aligned, planned in items:
            if (row.doc_id, row.para_id) in in_tables:
                continue
            for f in extract_paragraph_figures(text, {"planned": planned}):
                rs, re_ = aligned.raw_span(f["start"], f["end"])
                rec = {
                    "doc_id": row.doc_id, "article_id": row.article_id, "para_id": row.para_id,
                    **{k: f[k] for k in FIGURE_COLUMNS if k in f},
                    "raw_start": rs, "raw_end": re_, "raw_text": raw[rs:re_], "_flags": f["flags"],
                }  # fmt: skip
                out.append(rec)
                article_rows.setdefault(key, []).append(rec)
    for recs in article_rows.values():
        view = [{"family": r["family"], "per_capita": r["per_capita"], "value": r["value"],
                 "flags": r["_flags"], "unit": r["unit"]} for r in recs]  # fmt: skip
        flag_out_of_scale(view)
    return merge_table_figures(_figures_frame(out), tables)


def _figures_frame(out: list[dict]) -> pd.DataFrame:
    """The figures table from row dicts: flags joined with ``;``, columns typed."""
    frame = pd.DataFrame(out, columns=[*FIGURE_COLUMNS, "_flags"])
    frame["flags"] = [";".join(f) for f in frame["_flags"]] if len(frame) else pd.Series(dtype=str)
    frame = frame.drop(columns="_flags")
    for col in ("value", "range_low", "range_high", "parts_sum"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(float)
    frame["year"] = frame["year"].astype("Int64")
    for col in ("approx", "is_change", "planned", "per_capita"):
        frame[col] = frame[col].astype(bool)
    for col in ("raw_start", "raw_end", "para_id"):
        frame[col] = frame[col].astype("int64")
    return frame[FIGURE_COLUMNS]
