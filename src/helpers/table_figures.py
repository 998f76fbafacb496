"""Figures read from tables that scraping flattened into text, one row per cell.

Pages copied from spreadsheets or PDFs keep their tables only as text, in three shapes:

* one cell per line, sometimes with ``|`` lines between cells (``乡镇名`` / ``人数`` / ``及格率`` /
  ``汉昌`` / ``2166`` / ``95.5`` …);
* one row per line with ``|`` between cells (``汉昌 | 2166 | 95.5``);
* one row per line with spaces between cells (``汉昌 2166 95.5``; the spaces are read from
  the raw text, because cleaning drops spaces between Chinese characters).

A run of short lines is a table when it opens with header cells (words, or year columns such
as ``2014年``) and continues with rows of a label plus ``k`` numeric cells, ``k`` the same in
every row. Each numeric cell becomes a figure: its column header says the metric
(``resources/table_headers.csv``: 语及率 → 及格率, 语平 → 平均分, 在校 → 在校学生数 …); a header
that names no metric (a year column) takes the metric of the table title (``二、在校生
单位:人``); the family of a header the lexicon leaves open (人数) comes from the table's
context words (``resources/table_patterns.json``: 抽考/成绩 → exam, 招生/毕业 → enrollment).
The unit comes from the cell, the row label (``升学率(%)``), the header (``经费(万元)``) or the
title (``单位:人``), in that order. Ranks (名次), index numbers (序号) and counts of schools,
classes or teachers (``单位:所``) are not figures.

Not handled yet: tables whose header spans two lines, transposed tables whose metric names
are row labels and whose rows hold no label column, empty cells written as nothing at all in
cell-per-line tables (the row then has fewer cells and is dropped), negative numbers.
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

import numpy as np
import pandas as pd

from .aligned import AlignedText
from .paths import resource_path
from .vocab import FIGURE_COLUMNS

# A number cell: digits (thousands commas allowed), a decimal part that a space may split
# (``95. 5``), and an optional unit written in the cell.
NUMBER_CELL = re.compile(
    r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.\s?(?P<frac>\d+))?\s*"
    r"(?P<unit>%|‰|个百分点|万元|亿元|千元|元|万人|人次|人|名|分)?"
)
YEAR_CELL = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年(?:度)?(?:[上下]半?年|[春秋]季?)?")
UNIT_IN_PARENS = re.compile(r"[(（]\s*(?P<unit>[^()（）]{1,6}?)\s*[)）]")
TITLE_UNIT = re.compile(r"单位\s*[:：]\s*(?P<unit>[^\s,，;；:：)）]{1,4})")
TITLE_YEAR = re.compile(r"(?P<year>(?:19|20)\d{2})\s*年")
SEPARATOR_LINE = re.compile(r"[|\-:=+\s]*")
HEADING = re.compile(
    r"[一二三四五六七八九十]+\s*[、.．]|\d{1,2}\s*[、．]|\d{1,2}\.(?!\s*\d)"
    r"|[(（][一二三四五六七八九十\d]{1,3}[)）]|[①-⑳]|第.{1,3}[章节部分篇]"
)
PUNCTUATION = re.compile(r"[。，；！？、;!?:：]|,(?!\d{3})")
SPLIT_DECIMAL = re.compile(r"\d+\.$")
# A line longer than this is prose, never a table row (a row of 12 cells fits easily).
MAX_LINE_CHARS = 200
CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


# --- resources ----------------------------------------------------------------------------


@dataclass(frozen=True)
class HeaderEntry:
    keyword: str
    metric: str
    family: str
    unit: str
    match: str


@lru_cache(maxsize=1)
def load_table_headers() -> tuple[HeaderEntry, ...]:
    """Header word -> metric table from ``resources/table_headers.csv`` (longest first)."""
    text = resource_path("table_headers.csv").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    entries = [HeaderEntry(**r) for r in csv.DictReader(rows)]
    return tuple(sorted(entries, key=lambda e: len(e.keyword), reverse=True))


@lru_cache(maxsize=1)
def load_table_patterns() -> dict:
    """Word lists and limits from ``resources/table_patterns.json``."""
    return json.loads(resource_path("table_patterns.json").read_text(encoding="utf-8"))


# --- cells --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One cell: clean text, its span in the paragraph's clean text, and what it holds."""

    text: str
    line: int  # index of the paragraph in the document's line list
    start: int
    end: int
    kind: str  # num, year, null or text
    value: Decimal | None = None
    unit: str = ""


def parse_cell(text: str) -> tuple[str, Decimal | None, str]:
    """``(kind, value, unit)`` of a cell: ``num``, ``year`` (a column header), ``null`` or ``text``.

    >>> parse_cell("95. 5"), parse_cell("2014年"), parse_cell("—"), parse_cell("汉昌")
    (('num', Decimal('95.5'), ''), ('year', Decimal('2014'), ''), ('null', None, ''), ('text', None, ''))
    >>> parse_cell("1,200人")
    ('num', Decimal('1200'), '人')
    """
    s = text.strip()
    if s in load_table_patterns()["null_cells"]:
        return "null", None, ""
    y = YEAR_CELL.fullmatch(s)
    if y:
        return "year", Decimal(y.group("year")), ""
    if s[:1] in "-−–+" and NUMBER_CELL.fullmatch(s[1:].lstrip()):
        return "null", None, ""  # a signed change: it holds its column, negatives are not read
    m = NUMBER_CELL.fullmatch(s)
    if m:
        digits = m.group("int").replace(",", "")
        frac = m.group("frac")
        return "num", Decimal(f"{digits}.{frac}" if frac else digits), m.group("unit") or ""
    return "text", None, ""


def raw_gaps(aligned: AlignedText, raw: str) -> list[int]:
    """Clean-text positions where the raw text had whitespace that cleaning removed.

    >>> from helpers.normalize import normalize_document
    >>> raw_gaps(normalize_document("学校 人数").aligned, "学校 人数")
    [2]
    """
    if len(aligned) < 2:
        return []
    ends, starts = np.asarray(aligned.ends[:-1]), np.asarray(aligned.starts[1:])
    cand = np.nonzero(starts > ends)[0]
    return [
        int(i) + 1 for i in cand if any(ch.isspace() for ch in raw[int(ends[i]) : int(starts[i])])
    ]


def split_cells(text: str, gaps: list[int] | tuple[int, ...] = ()) -> list[tuple[int, int]]:
    """Spans of the cells of one line: split at ``|``, else at spaces (and raw ``gaps``).

    A decimal split by a space (``95. 5``) and a unit standing alone after its number
    (``6.47 %``) stay one cell; an empty ``|`` cell gives nothing.

    >>> t = "汉昌 2166 95. 5 %"
    >>> [t[a:b] for a, b in split_cells(t)]
    ['汉昌', '2166', '95. 5 %']
    >>> t = "指 标 2014年"
    >>> [t[a:b] for a, b in split_cells(t)]
    ['指 标', '2014年']
    >>> t = "| 汉昌 | | 2166 |"
    >>> [t[a:b] for a, b in split_cells(t)]
    ['汉昌', '2166']
    """
    if "|" in text:
        bounds = [-1] + [i for i, ch in enumerate(text) if ch == "|"] + [len(text)]
        pieces = [(a + 1, b) for a, b in itertools.pairwise(bounds)]
        return [_strip_span(text, a, b) for a, b in pieces if text[a:b].strip()]
    cuts = sorted({0, len(text), *gaps, *(i for i, ch in enumerate(text) if ch.isspace())})
    tokens = [_strip_span(text, a, b) for a, b in itertools.pairwise(cuts)]
    tokens = [(a, b) for a, b in tokens if b > a]
    merged: list[tuple[int, int]] = []
    for a, b in tokens:
        prev = text[merged[-1][0] : merged[-1][1]] if merged else ""
        if merged and (_continues_number(prev, text[a:b]) or _spaced_word(prev, text[a:b])):
            merged[-1] = (merged[-1][0], b)
        else:
            merged.append((a, b))
    return merged


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _spaced_word(prev: str, token: str) -> bool:
    """``指 标``, ``合 计``: a word spread out letter by letter, one Chinese character a token."""
    return (
        len(token) == 1
        and CJK_CHAR.fullmatch(token) is not None
        and (CJK_CHAR.fullmatch(prev[-1]) is not None and (len(prev) == 1 or prev[-2] == " "))
    )


def _continues_number(prev: str, token: str) -> bool:
    """``95.`` + ``5`` (a decimal split by a space) or ``6.47`` + ``%`` (a detached unit)."""
    if SPLIT_DECIMAL.fullmatch(prev) and token[:1].isdigit():
        return True
    return token in ("%", "‰") and NUMBER_CELL.fullmatch(prev) is not None


def is_table_line(text: str, spans: list[tuple[int, int]]) -> bool:
    """A line that can belong to a table: every cell short, no sentence punctuation, no heading.

    >>> is_table_line("95. 5", [(0, 5)]), is_table_line("1、加强管理", [(0, 6)])
    (True, False)
    """
    limit = load_table_patterns()["max_cell_chars"]
    if not spans:
        return False
    for a, b in spans:
        cell = text[a:b]
        if len(cell) > limit or PUNCTUATION.search(cell):
            return False
    return HEADING.match(text.strip()) is None


# --- tables -------------------------------------------------------------------------------


@dataclass
class Table:
    """Column headers (one per value column, ``None`` when unknown) and rows of label + values."""

    context: list[str]  # lines above the table, nearest last
    columns: list[Cell | None]
    rows: list[tuple[Cell | None, list[Cell]]]
    extra: list[str] = field(default_factory=list)  # header cells left of the label column
    section: str = ""  # the section heading the table stands under


def _runs(cells: list[Cell]) -> list[tuple[Cell | None, list[Cell]]]:
    """Split a cell stream into (label, value cells) at each text cell; two text cells in a
    row keep the later one as the label (the earlier is a group name such as ``其中``)."""
    runs: list[tuple[Cell | None, list[Cell]]] = []
    label: Cell | None = None
    values: list[Cell] = []
    for c in cells:
        if c.kind in ("num", "null"):
            values.append(c)
            continue
        if values:
            runs.append((label, values))
            values = []
        label = c
    if values:
        runs.append((label, values))
    return runs


def _row_width(lengths: list[int]) -> int:
    """Cells per row: the smallest run length dividing the most common one (rows with no
    label run together: 2 + 2 cells after one label)."""
    mode = Counter(lengths).most_common(1)[0][0]
    return min(n for n in set(lengths) if mode % n == 0)


def _only_ranks_missing(columns: list[Cell | None], n: int) -> bool:
    """A short row whose missing cells are all rank or index columns (a total row has no
    rank): its cells still align from the left."""
    missing = columns[n:]
    if n >= len(columns) or not missing:
        return False
    entries = [match_header(c.text) if c is not None else None for c in missing]
    return all(e is not None and e.metric in ("名次", "序号") for e in entries)


def table_from_cells(cells: list[Cell], context: list[str]) -> Table | None:
    """A table from one-cell-per-line text: header cells, then label + ``k`` values per row.

    >>> cs = [Cell(t, 0, 0, len(t), *parse_cell(t)) for t in
    ...       "学校 人数 及格率 一中 120 95.5 二中 80 90".split()]
    >>> t = table_from_cells(cs, [])
    >>> [c.text for c in t.columns], [(lab.text, [v.text for v in vs]) for lab, vs in t.rows]
    (['人数', '及格率'], [('一中', ['120', '95.5']), ('二中', ['80', '90'])])
    """
    first = next((i for i, c in enumerate(cells) if c.kind in ("num", "null")), None)
    if first is None or first == 0:
        return None
    lead, body = cells[:first], cells[first:]
    runs = _runs(body)
    if not runs:
        return None
    k = _row_width([len(v) for _, v in runs])
    label: Cell | None = None
    # The last lead cell is the first row's label when it is a word, or a year while the
    # other rows are labelled by years too (a table with one row per year).
    year_rows = any(lab is not None and lab.kind == "year" for lab, _ in runs[1:])
    if len(lead) >= k + 1 and (lead[-1].kind == "text" or year_rows):
        label, lead = lead[-1], lead[:-1]
    runs[0] = (label, runs[0][1])
    columns: list[Cell | None] = [None] * max(0, k - len(lead)) + list(lead[-k:])
    rows: list[tuple[Cell | None, list[Cell]]] = []
    for lab, vals in runs:
        if len(vals) % k and not _only_ranks_missing(columns, len(vals)):
            continue  # a row with a missing or extra cell: dropped rather than misaligned
        for j in range(0, len(vals), k):
            rows.append((lab if j == 0 else None, vals[j : j + k]))
    extra = [c.text for c in lead[:-k]] if len(lead) > k else []
    return Table(context, columns, rows, extra)


def table_from_rows(lines: list[list[Cell]], context: list[str]) -> Table | None:
    """A table from one-row-per-line text: a header row, then rows of label + values.

    A row's values are its trailing numbers and its label the cell before them (a number
    before the label, an index, is not a value); values align with the headers from the
    right (a header row may omit the label column); rows whose width differs from the most
    common one are dropped (a word among the numbers, a missing cell).

    >>> rows = [[Cell(t, 0, 0, len(t), *parse_cell(t)) for t in r.split()]
    ...         for r in ("学校 在校生 经费", "1 一中 1200 35.5", "2 二中 900 20")]
    >>> t = table_from_rows(rows, [])
    >>> [c.text for c in t.columns], [(lab.text, [v.text for v in vs]) for lab, vs in t.rows]
    (['在校生', '经费'], [('一中', ['1200', '35.5']), ('二中', ['900', '20'])])
    """
    header = next((r for r in lines if all(c.kind in ("text", "year") for c in r)), None)
    data: list[tuple[Cell | None, list[Cell]]] = []
    for r in lines:
        if not any(c.kind == "num" for c in r):
            continue
        j = len(r)
        while j > 0 and r[j - 1].kind in ("num", "null"):
            j -= 1  # the values are the trailing numbers; the cell before them is the label
        label = r[j - 1] if j > 0 and r[j - 1].kind in ("text", "year") else None
        if any(c.kind == "num" for c in r[j:]):
            data.append((label, r[j:]))
    if not data:
        return None
    k = Counter(len(v) for _, v in data).most_common(1)[0][0]
    rows = [(lab, vals) for lab, vals in data if len(vals) == k]
    heads = list(header or [])
    columns: list[Cell | None] = [None] * max(0, k - len(heads)) + heads[-k:]
    extra = [c.text for c in heads[:-k]] if len(heads) > k else []
    return Table(context, columns, rows, extra)


def _is_table(table: Table | None) -> bool:
    """Enough rows and values, and at least one column header: a few numbers between short
    lines of prose are not a table."""
    if table is None or not any(c is not None for c in table.columns):
        return False
    pats = load_table_patterns()
    k = len(table.columns)
    need = pats["min_rows_single_column"] if k == 1 else pats["min_rows"]
    n_values = sum(c.kind == "num" for _, vals in table.rows for c in vals)
    return len(table.rows) >= need and n_values >= pats["min_value_cells"]


# --- what a cell measures -----------------------------------------------------------------


@dataclass(frozen=True)
class Meaning:
    """What the cells of one column (in one row) measure."""

    metric: str
    family: str
    unit: str  # 元 / 万元 … / % / 人 / 分 or empty
    metric_raw: str


def _bare(text: str) -> tuple[str, str]:
    """A header or label without its unit in parentheses and markers: ``(name, unit)``.

    >>> _bare("# 小学毕业生升学率(%)"), _bare("经费（万元）")
    (('小学毕业生升学率', '%'), ('经费', '万元'))
    """
    m = UNIT_IN_PARENS.search(text)
    unit = m.group("unit") if m else ""
    name = UNIT_IN_PARENS.sub("", text)
    return re.sub(r"[#*\s]", "", name), unit


@lru_cache(maxsize=4096)
def match_header(text: str) -> HeaderEntry | None:
    """Lexicon entry of a header, label or title: longest keyword, ``end`` ones only at the end.

    >>> [match_header(h).metric for h in ("语及率", "语文优", "语平", "人数", "在校学生数")]
    ['及格率', '优秀人数', '平均分', '人数', '在校学生数']
    >>> match_header("乡镇名") is None
    True
    """
    name, _ = _bare(text)
    for e in load_table_headers():
        if name.endswith(e.keyword) or (e.match == "any" and e.keyword in name):
            return e
    return None


def context_family(words: str) -> str:
    """The family a table's context words point to (first family in file order), or ``""``.

    >>> context_family("七年级数学抽考各校分析"), context_family("各校招生情况"), context_family("学校")
    ('exam', 'enrollment', '')
    """
    for family, keys in load_table_patterns()["family_context"].items():
        if any(k in words for k in keys):
            return family
    return ""


def _unit_kind(unit: str) -> str:
    pats = load_table_patterns()
    for kind in ("money_units", "rate_units", "people_units", "score_units"):
        if unit in pats[kind]:
            return kind
    return "" if not unit else "unknown"


def _title_entry(titles: list[str]) -> tuple[HeaderEntry | None, str]:
    """Lexicon entry and ``单位:`` of the nearest title line that has one."""
    entry, unit = None, ""
    for line in reversed(titles):
        u = TITLE_UNIT.search(line)
        unit = unit or (u.group("unit") if u else "")
        entry = entry or match_header(TITLE_UNIT.sub("", line))
    return entry, unit


def _pick_entry(lab: str, head: str, titles: list[str]) -> tuple[HeaderEntry | None, str]:
    """The lexicon entry naming a cell's metric and the words it was read from: the row
    label when it names a rate or the header names nothing, else the header, else the title.
    A skip entry in the label wins (a row of teachers in a table of pupils)."""
    by_label = match_header(lab) if lab else None
    by_head = match_header(head) if head else None
    if by_label is not None and (
        by_label.family == "skip" or by_head is None or by_label.unit == "%"
    ):
        return by_label, lab
    if by_head is not None:
        return by_head, head
    title_entry, _ = _title_entry(titles)
    return title_entry, title_entry.keyword if title_entry else ""


def resolve_meaning(
    header: str, label: str, titles: list[str], context: str, cell_unit: str = ""
) -> Meaning | None:
    """What a column measures in one row, or None when it is not a figure.

    The metric: see :func:`_pick_entry`; a skip word (名次, 学校数, 教师) means no figure. The
    unit, first found of: the cell, the row label or header in parentheses, a rate's ``%``,
    the nearest title's ``单位:`` (it states the counts' unit), the lexicon's default. A family
    the lexicon leaves open (人数) comes from the context words.

    >>> resolve_meaning("语及率", "汉昌", [], "抽考")
    Meaning(metric='及格率', family='exam', unit='%', metric_raw='语及率')
    >>> resolve_meaning("2014年", "幼儿园", ["二、在校生 单位:人"], "")
    Meaning(metric='在校学生数', family='enrollment', unit='人', metric_raw='在校生')
    >>> resolve_meaning("2014年", "中职", ["一、学校 单位:所"], "") is None
    True
    """
    (lab, lab_unit), (head, head_unit) = _bare(label), _bare(header)
    entry, raw = _pick_entry(lab, head, titles)
    if entry is not None and entry.family == "skip":
        return None
    rate = "%" if entry is not None and entry.unit == "%" else ""
    unit = cell_unit or lab_unit or head_unit or rate or _title_entry(titles)[1]
    unit = unit or (entry.unit if entry else "")
    kind = _unit_kind(unit)
    if kind == "unknown":
        return None  # 所, 个, 平方米: not a figure of ours
    words = f"{head}{lab}{''.join(titles)}{context}"
    family = entry.family if entry and entry.family != "*" else context_family(words)
    if kind == "people_units" and _words_in(words, "non_pupil_words"):
        return None  # heads of teachers, trainees or aid recipients: not pupils
    if kind == "money_units":
        family = "funding"
    elif family == "funding" or not kind:
        return None  # money with no unit, or a number with no unit at all
    if not family:
        if kind != "rate_units":
            return None
        family = "other"
    return Meaning(entry.metric if entry else "", family, unit, raw or head)


# --- cell values --------------------------------------------------------------------------


def cell_value(cell: Cell, unit: str) -> tuple[Decimal, str] | None:
    """Value and unit of a numeric cell in the figures table's conventions (元, %, 人, 分).

    >>> cell_value(Cell("35.5", 0, 0, 4, "num", Decimal("35.5")), "万元")
    (Decimal('355000.0'), '元')
    >>> cell_value(Cell("95.5%", 0, 0, 5, "num", Decimal("95.5"), "%"), "")
    (Decimal('95.5'), '%')
    """
    if cell.value is None:
        return None
    pats = load_table_patterns()
    unit = cell.unit or unit
    if unit in pats["money_units"]:
        return cell.value * Decimal(pats["money_units"][unit]), "元"
    if unit in pats["rate_units"]:
        return cell.value * Decimal(str(pats["rate_units"][unit])), "%"
    if unit in pats["people_units"]:
        scale = 10000 if unit.startswith("万") else 1
        return cell.value * scale, pats["people_units"][unit]
    if unit in pats["score_units"]:
        return cell.value, "分"
    return None


def _words_in(text: str, key: str) -> bool:
    return any(w in text for w in load_table_patterns()[key])


def _stage(*texts: str) -> str:
    """Stage named by the first text that names one (row label, header, then title)."""
    stages = load_table_patterns()["stages"]
    for text in texts:
        hits = [(text.find(w), -len(w), s) for s, ws in stages.items() for w in ws if w in text]
        if hits:
            return min(hits)[2]
    return ""


def _year(header: Cell | None, label: Cell | None, title: str) -> int | None:
    for c in (header, label):
        if c is not None and c.kind == "year" and c.value is not None:
            return int(c.value)
    m = TITLE_YEAR.search(title)
    return int(m.group("year")) if m else None


def cell_figure(cell: Cell, header: Cell | None, label: Cell | None, table: Table) -> dict | None:
    """One figure row (without document keys and raw offsets) for a value cell, or None."""
    title = " ".join(table.context)
    head_text = header.text if header is not None else ""
    lab_text = label.text if label is not None and label.kind == "text" else ""
    context = " ".join([table.section, *table.extra])
    meaning = resolve_meaning(head_text, lab_text, table.context, context, cell.unit)
    if meaning is None:
        return None
    got = cell_value(cell, meaning.unit)
    if got is None:
        return None
    value, unit = got
    is_change = _words_in(head_text + lab_text, "change_words")
    planned = _words_in(head_text + lab_text + title, "plan_words")
    flags = ["table"] + (["decimal_space"] if re.search(r"\.\s", cell.text) else [])
    return {
        "family": meaning.family, "metric": meaning.metric, "metric_raw": meaning.metric_raw,
        "stage": _stage(lab_text, head_text, title, context),
        "value": value, "unit": unit, "approx": False, "is_change": is_change,
        "planned": planned, "per_capita": _words_in(head_text + lab_text, "per_capita_words"),
        "year": _year(header, label, title),
        "role": "change" if is_change else "target" if planned else "level",
        "sentence": " | ".join(x for x in (title, lab_text, head_text) if x), "flags": flags,
    }  # fmt: skip


def table_cell_figures(table: Table) -> list[tuple[Cell, dict]]:
    """Every figure of a table, with the cell it comes from."""
    out = []
    for label, values in table.rows:
        for header, cell in zip(table.columns, values, strict=False):
            if cell.kind != "num":
                continue
            fig = cell_figure(cell, header, label, table)
            if fig is not None:
                out.append((cell, fig))
    return out


# --- blocks of lines ----------------------------------------------------------------------


@dataclass
class _Line:
    key: tuple  # (doc_id, article_id, para_id)
    text: str
    aligned: AlignedText
    usable: bool
    kind: str  # sep, table or other
    cells: list[Cell]
    section: str = ""


def _make_line(n: int, key: tuple, text: str, aligned: AlignedText, usable: bool, raw: str):
    stripped = text.strip()
    if stripped and SEPARATOR_LINE.fullmatch(stripped) and ("|" in text or "-" in text):
        return _Line(key, text, aligned, usable, "sep", [])
    if len(text) > MAX_LINE_CHARS:
        return _Line(key, text, aligned, usable, "other", [])  # prose: never a table row
    gaps = raw_gaps(aligned, raw) if raw else []
    spans = split_cells(text, gaps)
    cells = [Cell(text[a:b], n, a, b, *parse_cell(text[a:b])) for a, b in spans]
    kind = "table" if is_table_line(text, spans) else "other"
    return _Line(key, text, aligned, usable, kind, cells)


def _blocks(lines: list[_Line]) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of table and separator lines inside one article."""
    out, start = [], None
    for i, line in enumerate([*lines, None]):
        inside = (
            line is not None
            and line.kind != "other"
            and (start is None or line.key[:2] == lines[start].key[:2])
        )
        if inside and start is None:
            start = i
        elif not inside and start is not None:
            out.append((start, i))
            start = i if line is not None and line.kind != "other" else None
    return out


def _context(lines: list[_Line], start: int) -> list[str]:
    """Short lines right above a block (its title, its unit line), earliest first: lines with
    no number (a short title is cell-shaped, ``2023年经费预算表`` above ``单位:万元``)."""
    pats = load_table_patterns()
    out: list[str] = []
    i = start - 1
    while i >= 0 and len(out) < pats["context_lines"]:
        line = lines[i]
        if line.kind == "sep" or len(line.text) > pats["max_context_chars"]:
            break
        if any(c.kind == "num" for c in line.cells):
            break  # the last row of the table above
        if line.text.lstrip().startswith(tuple(pats["note_prefixes"])) or "。" in line.text:
            break  # a note under the table above, or prose
        if line.key[:2] == lines[start].key[:2]:
            out.insert(0, line.text.strip())
        i -= 1
    return out


def tables_in_block(block: list[_Line], context: list[str]) -> list[Table]:
    """The table a block holds: one row per line when most lines hold several cells, else
    one cell per line."""
    body = [ln for ln in block if ln.kind == "table"]
    multi = [ln for ln in body if len(ln.cells) >= 2]
    if len(multi) >= 2 and 2 * len(multi) >= len(body):
        first = next(i for i, ln in enumerate(body) if len(ln.cells) >= 2)
        ctx = context + [ln.text.strip() for ln in body[:first]]
        table = table_from_rows([ln.cells for ln in body[first:] if len(ln.cells) >= 2], ctx)
    else:
        table = table_from_cells([c for ln in body for c in ln.cells], context)
    return [table] if table is not None and _is_table(table) else []


# --- the DataFrame builder ----------------------------------------------------------------


def _figure_columns() -> list[str]:
    """The figures table's columns (one list, in :mod:`helpers.vocab`)."""
    return list(FIGURE_COLUMNS)


def _records(paragraphs: pd.DataFrame) -> list[dict]:
    """Paragraph rows as plain dicts in document order (plain lists: pandas row access would
    cost more than the whole table search on a document with no table)."""
    cols = {c: paragraphs[c].tolist() for c in ("doc_id", "article_id", "para_id", "text")}
    n = len(paragraphs)
    for c in ("section", "is_boilerplate", "is_duplicate"):
        cols[c] = paragraphs[c].tolist() if c in paragraphs else [None] * n
    recs = [{c: v[i] for c, v in cols.items()} for i in range(n)]
    return sorted(recs, key=lambda r: (str(r["doc_id"]), r["article_id"], r["para_id"]))


def _document_lines(recs: list[dict], para_text: dict, raw: str) -> list[_Line]:
    lines: list[_Line] = []
    for r in recs:
        aligned = para_text.get((r["doc_id"], r["para_id"]), para_text.get(r["para_id"]))
        if aligned is None:
            continue
        usable = not (bool(r["is_boilerplate"]) or bool(r["is_duplicate"]))
        key = (r["doc_id"], r["article_id"], r["para_id"])
        line = _make_line(len(lines), key, str(r["text"]), aligned, usable, raw)
        line.section = str(r["section"] or "")
        lines.append(line)
    return lines


def _document_figures(lines: list[_Line], raw: str) -> list[dict]:
    out = []
    for start, end in _blocks(lines):
        for table in tables_in_block(lines[start:end], _context(lines, start)):
            table.section = lines[start].section
            for cell, fig in table_cell_figures(table):
                line = lines[cell.line]
                if not line.usable:
                    continue
                rs, re_ = line.aligned.raw_span(cell.start, cell.end)
                doc_id, article_id, para_id = line.key
                out.append({
                    **fig, "doc_id": doc_id, "article_id": article_id, "para_id": para_id,
                    "raw_start": rs, "raw_end": re_, "raw_text": raw[rs:re_] if raw else cell.text,
                })  # fmt: skip
    return out


def extract_table_figures(
    paragraphs: pd.DataFrame,
    para_text: dict,
    raw_texts: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Figures of the flattened tables of all documents, one row per value cell.

    Args:
        paragraphs: the paragraphs table (``doc_id, article_id, para_id, text`` and, when
            present, ``is_boilerplate``/``is_duplicate``: such lines still shape a table, but
            give no figure).
        para_text: ``(doc_id, para_id) -> AlignedText`` of each paragraph (a plain
            ``para_id`` key is accepted too).
        raw_texts: ``doc_id -> raw text``; fills ``raw_text`` with the raw slice and lets
            space-separated header cells be told apart (cleaning removes the spaces between
            Chinese words). Without it ``raw_text`` is the cell's clean text.

    Returns:
        A DataFrame with the figures table's columns (``helpers.figures.FIGURE_COLUMNS``,
        read at call time); ``metric_raw`` is the header as written and ``role`` is
        level/change/target when those columns exist; ``flags`` holds ``table`` (and
        ``decimal_space`` for ``95. 5``).

    Example:
        >>> from helpers.aligned import AlignedText
        >>> lines = ["各校统考成绩", "学校", "人数", "及格率", "一中", "120", "95. 5", "二中", "80", "90"]
        >>> paras = pd.DataFrame([dict(doc_id="d", article_id=0, para_id=i, text=t)
        ...                       for i, t in enumerate(lines)])
        >>> raw = "\\n".join(lines)
        >>> at = {("d", i): AlignedText.from_raw(raw).slice(raw.find(t), raw.find(t) + len(t))
        ...       for i, t in enumerate(lines)}
        >>> df = extract_table_figures(paras, at, {"d": raw})
        >>> df[["family", "metric", "value", "unit", "raw_text"]].values.tolist()[:2]
        [['exam', '人数', 120.0, '人', '120'], ['exam', '及格率', 95.5, '%', '95. 5']]
    """
    columns = _figure_columns()
    out: list[dict] = []
    if len(paragraphs):
        for doc_id, recs in itertools.groupby(_records(paragraphs), key=lambda r: r["doc_id"]):
            raw = (raw_texts or {}).get(str(doc_id), "")
            out.extend(_document_figures(_document_lines(list(recs), para_text, raw), raw))
    return _as_frame(out, columns)


def _as_frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Rows reindexed to ``columns`` with the figures table's types; columns the rows do not
    fill are left empty."""
    if not rows:
        return _empty_frame(tuple(columns)).copy()
    for r in rows:
        r["flags"] = ";".join(r["flags"])
    return _typed(pd.DataFrame(rows).reindex(columns=columns))


@lru_cache(maxsize=4)
def _empty_frame(columns: tuple[str, ...]) -> pd.DataFrame:
    """The empty table (most documents hold no table): built once per column set."""
    return _typed(pd.DataFrame(columns=list(columns)))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    typed = {"value": "float64", "year": "Int64", "raw_start": "int64", "raw_end": "int64",
             "para_id": "int64"}  # fmt: skip
    for col, dtype in typed.items():
        if col in frame:
            frame[col] = frame[col].astype(dtype)
    for col in ("approx", "is_change", "planned", "per_capita"):
        if col in frame:
            frame[col] = frame[col].astype(bool)
    return frame


def merge_table_figures(figures: pd.DataFrame, table_figures: pd.DataFrame) -> pd.DataFrame:
    """The figures table plus the table rows whose raw span no figure already covers.

    >>> a = pd.DataFrame(dict(doc_id=["d"], raw_start=[0], raw_end=[4], value=[1.0]))
    >>> b = pd.DataFrame(dict(doc_id=["d", "d"], raw_start=[2, 9], raw_end=[5, 12], value=[2.0, 3.0]))
    >>> merge_table_figures(a, b).value.tolist()
    [1.0, 3.0]
    """
    if not len(table_figures):
        return figures
    if not len(figures):
        return table_figures.reset_index(drop=True)
    spans: dict[str, list[tuple[int, int]]] = {}
    for r in figures[["doc_id", "raw_start", "raw_end"]].itertuples(index=False):
        spans.setdefault(r.doc_id, []).append((r.raw_start, r.raw_end))
    keep = [
        not any(a < r.raw_end and b > r.raw_start for a, b in spans.get(r.doc_id, ()))
        for r in table_figures[["doc_id", "raw_start", "raw_end"]].itertuples(index=False)
    ]
    return pd.concat([figures, table_figures[keep]], ignore_index=True)
