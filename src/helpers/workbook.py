"""The Excel workbook of a run: one sheet per table, for colleagues who do not use Python.

``reports/edu-reports.xlsx`` (``reports/runs/NAME/edu-reports.xlsx`` for ``RAW=``) holds the
sheets ``about``, ``documents``, ``articles``, ``indicators``, ``figures``, ``paragraphs`` and
``themes``. Each sheet has a frozen header row, an autofilter and column widths fitted to its
content; numbers are stored as numbers, years as integers, flags as TRUE/FALSE. Every
``figures`` row links to the row of its paragraph in ``paragraphs``. Text cells are safe cells
(:func:`helpers.tables.neutralize_formulas`): nothing in the workbook is a formula.

A table the run did not produce (an older pipeline, or a stage that was skipped) gets a sheet
that says so, instead of failing the whole workbook.

Written with XlsxWriter (no formulas: ``strings_to_formulas`` is off and every text cell is
written as a string).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from xlsxwriter.workbook import Workbook

from .tables import _atomic_write, neutralize_formulas
from .vocab import display_width

WORKBOOK_NAME = "edu-reports.xlsx"
SHEETS = ("documents", "articles", "indicators", "figures", "paragraphs", "themes")
# Excel's own limits: longer text is cut (with a marker) rather than rejected.
MAX_CELL_CHARS = 32_767
MAX_ROWS = 1_048_576
MAX_LINKS = 65_530
CUT_MARK = "…[cut: longer than an Excel cell]"
MIN_WIDTH, MAX_WIDTH = 6, 60
NOT_AVAILABLE = "not available in this run"


def fit_width(header: str, values: pd.Series) -> float:
    """A column width that shows the header and typical values, within 6..60 characters.

    Uses the 95th percentile of the first 2,000 values so that one very long paragraph does
    not make every column of its table 60 wide.

    >>> fit_width("doc_id", pd.Series(["000", "001"]))
    8
    """
    sample = values.head(2000).dropna().astype(str).map(display_width)
    typical = int(sample.quantile(0.95)) if len(sample) else 0
    return max(MIN_WIDTH, min(MAX_WIDTH, max(display_width(str(header)), typical) + 2))


def is_year_column(name: str) -> bool:
    """Columns holding calendar years (``year``, ``year_min`` …), written as integers.

    >>> is_year_column("year"), is_year_column("n_years_total")
    (True, False)
    """
    return name == "year" or name.startswith("year_") or name.endswith("_year")


def prepare_sheet(df: pd.DataFrame) -> pd.DataFrame:
    """Safe cells, long text cut to Excel's cell limit, rows cut to Excel's row limit.

    >>> prepare_sheet(pd.DataFrame({"text": ["=A1", "好"]}))["text"].tolist()
    ["'=A1", '好']
    """
    out = neutralize_formulas(df.head(MAX_ROWS - 1))
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[col] = series.map(_cut_cell, na_action="ignore")
    return out


def _cut_cell(value: object) -> object:
    if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
        return value[: MAX_CELL_CHARS - len(CUT_MARK)] + CUT_MARK
    return value


def paragraph_rows(paragraphs: pd.DataFrame | None) -> dict[tuple[str, int], int]:
    """``(doc_id, para_id)`` -> 1-based Excel row of that paragraph in the ``paragraphs`` sheet.

    >>> paragraph_rows(pd.DataFrame({"doc_id": ["a", "a"], "para_id": [0, 1]}))
    {('a', 0): 2, ('a', 1): 3}
    """
    if paragraphs is None or not {"doc_id", "para_id"} <= set(paragraphs.columns):
        return {}
    keys = zip(paragraphs["doc_id"].astype(str), paragraphs["para_id"].astype(int), strict=True)
    return {key: i + 2 for i, key in enumerate(keys) if i + 2 <= MAX_ROWS}


def _write_cell(ws, row: int, col: int, value: object, formats: dict, year: bool) -> None:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif year and isinstance(value, int | float):
        ws.write_number(row, col, int(value), formats["int"])
    elif isinstance(value, int | float) and math.isfinite(value):
        ws.write_number(row, col, value)
    elif hasattr(value, "item") and not isinstance(value, str):  # numpy scalar
        _write_cell(ws, row, col, value.item(), formats, year)
    else:
        ws.write_string(row, col, str(value))


def write_table_sheet(
    wb: Workbook,
    name: str,
    df: pd.DataFrame,
    formats: dict,
    links: Mapping[int, tuple[str, str]] | None = None,
) -> None:
    """One sheet: bold frozen header, autofilter, fitted widths, typed cells.

    Args:
        links: optional ``row position -> (internal target, label)`` written as a last
            column ``paragraph_row`` (used by ``figures``).
    """
    ws = wb.add_worksheet(name)
    sheet = prepare_sheet(df)
    columns = [str(c) for c in sheet.columns]
    for j, col in enumerate(columns):
        ws.write_string(0, j, col, formats["header"])
        ws.set_column(j, j, fit_width(col, sheet.iloc[:, j]))
    years = [is_year_column(c) for c in columns]
    for i, row in enumerate(sheet.itertuples(index=False, name=None), start=1):
        for j, value in enumerate(row):
            _write_cell(ws, i, j, value, formats, years[j])
    last_col = len(columns) - 1
    if links is not None:
        last_col += 1
        ws.write_string(0, last_col, "paragraph_row", formats["header"])
        ws.set_column(last_col, last_col, 16)
        for pos, (target, label) in sorted(links.items())[:MAX_LINKS]:
            ws.write_url(pos + 1, last_col, f"internal:{target}", formats["link"], string=label)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(sheet), 1), max(last_col, 0))


def figure_links(
    figures: pd.DataFrame, rows: Mapping[tuple[str, int], int]
) -> dict[int, tuple[str, str]]:
    """Row position in ``figures`` -> (``'paragraphs'!A{row}``, label) for each linkable figure.

    >>> figure_links(pd.DataFrame({"doc_id": ["a"], "para_id": [1]}), {("a", 1): 3})
    {0: ("'paragraphs'!A3", 'paragraphs row 3')}
    """
    if not {"doc_id", "para_id"} <= set(figures.columns):
        return {}
    out = {}
    keys = zip(figures["doc_id"].astype(str), figures["para_id"].astype(int), strict=True)
    for pos, key in enumerate(keys):
        row = rows.get(key)
        if row is not None:
            out[pos] = (f"'paragraphs'!A{row}", f"paragraphs row {row}")
    return out


def write_note_sheet(wb: Workbook, name: str, note: str, formats: dict) -> None:
    """A sheet holding only a note (a table this run did not produce)."""
    ws = wb.add_worksheet(name)
    ws.write_string(0, 0, "note", formats["header"])
    ws.write_string(1, 0, note)
    ws.set_column(0, 0, MAX_WIDTH)
    ws.freeze_panes(1, 0)


def about_frame(
    tables: Mapping[str, pd.DataFrame | None], notes: Mapping[str, str]
) -> pd.DataFrame:
    """The ``about`` sheet: each sheet with its row count, or why it is empty.

    >>> about_frame({"figures": pd.DataFrame({"a": [1]}), "themes": None}, {}).values.tolist()
    [['figures', 1, ''], ['themes', 0, 'not available in this run']]
    """
    rows = []
    for name, df in tables.items():
        note = notes.get(name, "" if df is not None else NOT_AVAILABLE)
        rows.append([name, 0 if df is None else len(df), note])
    return pd.DataFrame(rows, columns=["sheet", "rows", "note"])


def save_workbook(
    tables: Mapping[str, pd.DataFrame | None], path: Path, notes: Mapping[str, str] | None = None
) -> Path:
    """Write the workbook atomically: an ``about`` sheet, then one sheet per table.

    Args:
        tables: sheet name -> table, or ``None`` for a table this run did not produce
            (its sheet then only says so).
        path: the ``.xlsx`` file to write.
        notes: optional sheet name -> note shown in ``about``.

    Returns:
        ``path``.
    """
    import xlsxwriter

    notes = dict(notes or {})
    paragraphs = tables.get("paragraphs")
    rows = paragraph_rows(paragraphs)
    for name, df in tables.items():
        if df is not None and len(df) >= MAX_ROWS:
            notes[name] = f"first {MAX_ROWS - 1} of {len(df)} rows (Excel's row limit)"

    def write(tmp: Path) -> None:
        options = {
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "nan_inf_to_errors": False,
        }
        wb = xlsxwriter.Workbook(str(tmp), options)
        formats = {
            "header": wb.add_format({"bold": True, "bg_color": "#E8EEF4", "bottom": 1}),
            "int": wb.add_format({"num_format": "0"}),
            "link": wb.add_format({"font_color": "#1F5FA8", "underline": 1}),
        }
        write_table_sheet(wb, "about", about_frame(tables, notes), formats)
        for name, df in tables.items():
            if df is None:
                write_note_sheet(wb, name, f"{name}: {NOT_AVAILABLE}", formats)
                continue
            links = figure_links(df, rows) if name == "figures" and rows else None
            write_table_sheet(wb, name, df, formats, links)
        wb.close()

    _atomic_write(Path(path), write)
    return Path(path)
