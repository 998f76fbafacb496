"""Figures of tables flattened one cell per line, as pages copied from Word or PDF hold them.

A header of short word cells (``学校 / 人数 / 及格率 / 平均分 / 名次``) followed by records of
the same width, each a label cell and number cells, is read column by column: each header
names what its column measures (a rate when it ends in 率, a score in 分/平, a count in 人数,
…; ``table_header_kinds`` in ``figures_patterns.json``), and the family comes from the
header's own keyword or from the words just before the table (an exam table: 抽考, 中考…).
Rank and serial-number columns give nothing; neither does a table whose family is unknown.

A statistics table under a heading that names its measure and unit (``二、在校学生数 计量单位:
人``), with its cells one per line and ``|`` lines between them, as yearbooks are copied, is
read too (:func:`extract_unit_tables`): every number until the next heading is a figure of
that measure, unless its row label names a rate of its own (``初中毕业生升学率(%)``).

Not handled yet: tables whose rows sit on one line (cells separated by spaces or ``|``), and
cells split over two lines.

>>> cells = ["某县抽考成绩", "学校", "人数", "及格率", "平均分", "名次",
...          "甲校", "120", "95.5", "85.2", "1", "乙校", "98", "90", "80.1", "2"]
>>> found = extract_cell_tables(cells)
>>> [(i, f["family"], f["unit"], str(f["value"])) for i, rows in sorted(found.items()) for f in rows][:3]
[(7, 'exam', '人', '120'), (8, 'exam', '%', '95.5'), (9, 'exam', '分', '85.2')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .numbers import NumberMatch, find_numbers

MAX_HEADER_CHARS = 8
MIN_COLUMNS = 3
MIN_RECORDS = 2
CONTEXT_CELLS = 3  # cells before the header searched for the table's subject


@dataclass(frozen=True)
class Column:
    """One column of a table: its header as written, the kind of its values and its family."""

    header: str
    kind: str  # count, rate, score, money, skip
    family: str
    metric: str


def _patterns() -> dict:
    from .figures import load_patterns  # late import: figures imports this module

    return load_patterns()


def _is_word_cell(cell: str) -> bool:
    """A short cell with no digit and no sentence punctuation (a header or a row label)."""
    s = cell.strip()
    return 0 < len(s) <= MAX_HEADER_CHARS and not re.search(r"[0-9。,，;；:：]", s)


def _is_label_cell(cell: str) -> bool:
    """A row label: words, possibly long, with a unit in brackets (``初中毕业生升学率(%)``)."""
    s = re.sub(r"[(（][^()（）]{0,4}[)）]$", "", cell.strip())
    return 0 < len(s) <= 2 * MAX_HEADER_CHARS and not re.search(r"[0-9。,，;；:：]", s)


def _cell_number(cell: str) -> NumberMatch | None:
    """The one number that makes up a cell (``95.5``, ``1776``), or ``None``."""
    s = cell.strip()
    if not s or not re.fullmatch(r"[0-9.,%\s]+", s):
        return None
    # A 7-digit cell reads as a phone number in prose; in a table of counts it is a count.
    nums = [n for n in find_numbers(cell) if n.kind in ("quantity", "phone")]
    if len(nums) == 1 and nums[0].text.strip() == s:
        return nums[0]
    split = re.fullmatch(r"([0-9]+)\.\s([0-9]+)", s)  # 95. 5: a decimal split by a space
    if split is None:
        return None
    a = cell.index(s)
    value = Decimal(f"{split.group(1)}.{split.group(2)}")
    return NumberMatch(value=value, start=a, end=a + len(s), text=s)


def _header_kind(header: str) -> str | None:
    for rx, kind in _patterns()["table_header_kinds"]:
        if re.search(rx, header):
            return kind
    return None


def _table_family(context: str) -> str | None:
    """exam / enrollment / funding from the words before the table, nearest last."""
    from .figures import _context_rx

    rx, lookup = _context_rx()
    hits = [lookup[h.group()] for h in rx.finditer(context)]
    fams = [f for f in hits if f in ("exam", "enrollment", "funding")]
    return fams[-1] if fams else None


def _columns(headers: list[str], context: str) -> list[Column] | None:
    """The columns of a header row, or ``None`` when the table's family is unknown."""
    from .figures import _entry_in

    pats = _patterns()
    family = _table_family(context + "".join(headers))
    out = []
    for h in headers:
        kind = _header_kind(h) or "skip"
        entry = _entry_in(h, kind) if kind in ("count", "rate", "score", "money") else None
        fam = entry.family if entry is not None else family
        if kind == "money":
            fam = "funding"
        if fam is None or (fam not in pats["context_metrics"] and kind != "money"):
            kind = "skip"
        metric = entry.metric if entry is not None else _generic_metric(fam, kind)
        out.append(Column(h.strip(), kind if metric else "skip", fam or "", metric))
    return out if any(c.kind != "skip" for c in out[1:]) else None


def _generic_metric(family: str | None, kind: str) -> str:
    if kind == "money":
        return "金额"
    return _patterns()["context_metrics"].get(family or "", {}).get(kind, "")


def _find_header(cells: list[str], start: int) -> int | None:
    """Width of a header starting at ``start`` that the next cells fill as records."""
    run = 0
    while start + run < len(cells) and _is_word_cell(cells[start + run]):
        run += 1
    for width in range(run, MIN_COLUMNS - 1, -1):
        if _records(cells, start + width, width) >= MIN_RECORDS:
            return width
    return None


def _records(cells: list[str], start: int, width: int) -> int:
    """How many records of ``width`` cells (a label, then numbers) follow ``start``."""
    n = 0
    while start + (n + 1) * width <= len(cells):
        rec = cells[start + n * width : start + (n + 1) * width]
        if not _is_word_cell(rec[0]) or not all(
            re.fullmatch(r"\s*[0-9][0-9.,%\s]*", c) for c in rec[1:]
        ):
            break
        n += 1
    return n


def extract_cell_tables(cells: list[str]) -> dict[int, list[dict]]:
    """Figures of the one-cell-per-line tables among consecutive paragraph texts.

    Args:
        cells: the texts of consecutive paragraphs of one article.

    Returns:
        ``{index of a cell: [figure dicts]}`` with ``start``/``end`` relative to that cell
        and the keys :func:`helpers.figures.extract_paragraph_figures` gives.
    """
    found: dict[int, list[dict]] = {}
    i = 0
    while i < len(cells):
        width = _find_header(cells, i) if _is_word_cell(cells[i]) else None
        if width is None:
            i += 1
            continue
        context = "".join(cells[max(0, i - CONTEXT_CELLS) : i])
        columns = _columns(cells[i : i + width], context)
        n_rec = _records(cells, i + width, width)
        end = i + width + n_rec * width
        # A totals row often has no rank: one cell short, when the last column gives nothing.
        short = (
            columns is not None
            and columns[-1].kind == "skip"
            and _records(cells[: end + width - 1], end, width - 1) == 1
            and (end + width - 1 == len(cells) or _cell_number(cells[end + width - 1]) is None)
        )
        if columns is not None:
            for r in range(n_rec):
                _record_figures(cells, i + width + r * width, columns, found)
            if short:
                _record_figures(cells, end, columns[:-1], found)
        i = end + (width - 1 if short else 0)
    return found


def _record_figures(cells: list[str], base: int, columns: list[Column], found: dict) -> None:
    label = cells[base].strip()
    for j, col in enumerate(columns[1:], start=1):
        n = _cell_number(cells[base + j])
        if col.kind == "skip" or n is None:
            continue
        row = _cell_row(n, col, label)
        if " " in n.text:
            row["flags"].append("decimal_space_joined")
        found.setdefault(base + j, []).append(row)


def _cell_row(n: NumberMatch, col: Column, label: str) -> dict:
    unit = {"count": "人", "rate": "%", "score": "分", "money": "元"}[col.kind]
    value = n.value.to_integral_value() if col.kind == "count" else n.value
    if col.kind == "money" and not n.scale:  # a column in 万元 holds amounts in 万
        value *= (
            Decimal(10**8) if "亿" in col.header else Decimal(10**4) if "万" in col.header else 1
        )
    return {
        "family": col.family, "metric": col.metric, "metric_raw": col.header, "stage": "",
        "value": Decimal(value), "unit": unit, "role": "level", "approx": False,
        "is_change": False, "planned": False, "per_capita": False, "year": None,
        "range_low": None, "range_high": None, "parts_sum": None,
        "start": n.start, "end": n.end, "text": n.text, "sentence": f"{label} {col.header}",
        "flags": ["table_cell"],
    }  # fmt: skip


def _unit_heading(cell: str) -> tuple[str, str] | None:
    """``(measure, unit)`` of a table heading such as ``二、在校学生数计量单位:人``."""
    m = re.fullmatch(_patterns()["unit_table_heading_rx"], cell.strip())
    return (m.group("name"), m.group("unit")) if m else None


def _unit_column(name: str, unit: str) -> Column | None:
    """What the numbers under a heading measure (``None``: not a figure, e.g. 所 of schools)."""
    from .figures import _entry_in

    kind = _patterns()["unit_table_kinds"].get(unit)
    if kind is None:
        return None
    entry = _entry_in(name, kind)
    family = entry.family if entry is not None else _table_family(name)
    if kind == "money":
        family = "funding"
    metric = entry.metric if entry is not None else _generic_metric(family, kind)
    if not family or not metric:
        return None
    return Column(name, kind, family, metric)


def _row_label_column(label: str, block: Column) -> Column:
    """A row label that names a rate of its own (``升学率(%)``) changes what the row measures."""
    from .figures import _entry_in

    if not re.search(r"(?:率|[(（]%[)）])$", label):
        return block
    entry = _entry_in(label, "rate")
    family = entry.family if entry is not None else block.family
    return Column(label, "rate", family, entry.metric if entry is not None else label)


def extract_unit_tables(cells: list[str]) -> dict[int, list[dict]]:
    """Figures of statistics tables under a ``计量单位`` heading (one cell per line).

    >>> cells = ["三、在校学生数计量单位:人", "项目", "|", "2020年", "|", "2019年", "|",
    ...          "1858", "|", "1831", "|", "小学毕业生升学率(%)", "|", "100", "|", "99.6"]
    >>> found = extract_unit_tables(cells)
    >>> [(i, f["metric"], f["unit"], str(f["value"])) for i in sorted(found) for f in found[i]]
    [(7, '在校学生数', '人', '1858'), (9, '在校学生数', '人', '1831'), (13, '升学率', '%', '100'), (15, '升学率', '%', '99.6')]
    """
    found: dict[int, list[dict]] = {}
    block: Column | None = None
    row = block
    for i, cell in enumerate(cells):
        heading = _unit_heading(cell)
        text = cell.strip()
        if heading is not None:
            block = row = _unit_column(*heading)
        elif block is None or text in ("|", ""):
            continue
        elif len(text) > MAX_HEADER_CHARS * 3 or re.search(r"[。,，:：;；]", text):
            block = row = None  # a sentence (注:…) ends the table
        elif (num := _cell_number(cell)) is not None and not re.fullmatch(r"[0-9]{4}年", text):
            if row is not None and row.kind != "skip":
                found.setdefault(i, []).append(_cell_row(num, row, "表"))
        elif not re.search(r"[0-9]", text):
            row = _row_label_column(text, block)
    return found


YEAR_CELL = re.compile(r"(?:19|20)[0-9]{2}年?(?:度)?")


def _pipe_cells(line: str) -> list[tuple[int, int]]:
    """Spans of the cells of a ``|``-separated line (empty edge cells dropped)."""
    spans, start = [], 0
    for m in re.finditer(r"[|｜]", line + "|"):
        a, b = start, m.start()
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        spans.append((a, b))
        start = m.end()
    while spans and spans[0][0] == spans[0][1]:
        spans.pop(0)
    while spans and spans[-1][0] == spans[-1][1]:
        spans.pop()
    return spans


def _row_column(label: str, context: str) -> Column | None:
    """What a row measures when the columns are years (``初中毕业生升学率(%) | 100 | 99.7``)."""
    from .figures import _entry_in

    kind = "rate" if re.search(r"(?:率|[(（]%[)）])$", label) else _header_kind(label)
    if kind not in ("count", "rate", "score", "money"):
        return None
    from .figures import _context_rx

    rx, lookup = _context_rx()
    own = [lookup[h.group()] for h in rx.finditer(label)]
    if own and own[-1] == "institution":
        return None  # 学校数: schools, not pupils
    entry = _entry_in(label, kind)
    family = entry.family if entry is not None else _table_family(context + label)
    if kind == "money":
        family = "funding"
    metric = entry.metric if entry is not None else _generic_metric(family, kind)
    return Column(label, kind, family or "", metric) if family and metric else None


def extract_pipe_tables(cells: list[str]) -> dict[int, list[dict]]:
    """Figures of tables whose rows are lines with ``|`` between cells (Markdown or copied).

    The header row names the columns: metrics (``学校 | 人数 | 及格率``: each column is read as
    its header says) or years (``指标 | 2014年 | 2013年``: each row is read as its label says).

    >>> rows = ["某县统考成绩", "| 学校 | 人数 | 及格率 |", "| 甲校 | 120 | 95.5 |",
    ...         "| 乙校 | 98 | 90 |"]
    >>> found = extract_pipe_tables(rows)
    >>> [(i, f["unit"], str(f["value"]), f["text"]) for i in sorted(found) for f in found[i]]
    [(2, '人', '120', '120'), (2, '%', '95.5', '95.5'), (3, '人', '98', '98'), (3, '%', '90', '90')]
    """
    found: dict[int, list[dict]] = {}
    header: list[str] | None = None
    columns: list[Column] | None = None
    for i, line in enumerate(cells):
        spans = _pipe_cells(line)
        texts = [line[a:b] for a, b in spans]
        if len(spans) < MIN_COLUMNS:
            header = columns = None
            continue
        if all(_is_word_cell(t) or YEAR_CELL.fullmatch(t) for t in texts):
            header = texts
            context = "".join(cells[max(0, i - CONTEXT_CELLS) : i])
            by_year = all(YEAR_CELL.fullmatch(t) for t in texts[1:])
            columns = None if by_year else _columns(texts, context)
            continue
        label = texts[0]
        if header is None or len(texts) != len(header) or not _is_label_cell(label):
            continue
        context = "".join(cells[max(0, i - CONTEXT_CELLS - 1) : i])
        row_col = _row_column(texts[0], context) if columns is None else None
        for j in range(1, len(texts)):
            col = columns[j] if columns is not None else row_col
            n = _cell_number(texts[j])
            if col is None or col.kind == "skip" or n is None:
                continue
            a = spans[j][0]
            n = NumberMatch(**{**n.__dict__, "start": a + n.start, "end": a + n.end})
            found.setdefault(i, []).append(_cell_row(n, col, texts[0]))
    return found
