"""Saving and loading the output tables (CSV with BOM for Excel, plus Parquet), atomically.

The CSV copy is for spreadsheets, so its text cells are *safe cells*: a cell that a
spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return) gets a leading single quote, as OWASP recommends against CSV injection.
The Parquet copy keeps the exact text (``raw_text == raw[raw_start:raw_end]`` holds there),
and :func:`load_table` reads Parquet.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pandas as pd

TABLE_NAMES = (
    "documents",
    "articles",
    "paragraphs",
    "figures",
    "themes",
    "doc_topics",
    "quality_log",
)


# What makes Excel, LibreOffice, WPS or Google Sheets evaluate a cell (OWASP, CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# A text cell that is just a signed number ("-3", "+1.5", "-2e3") is data, not a formula.
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralize_cell(value: object) -> object:
    """Prefix a formula-like text cell with ``'``; everything else is returned unchanged.

    Args:
        value: one cell; only ``str`` values are ever changed.

    Returns:
        ``"'" + value`` when ``value`` starts with one of :data:`FORMULA_PREFIXES` and is not
        a plain signed number; otherwise ``value`` itself.

    >>> neutralize_cell("=HYPERLINK(A1)")
    "'=HYPERLINK(A1)"
    >>> neutralize_cell("@SUM(A1:A2)"), neutralize_cell("-3.5"), neutralize_cell("投入5万元")
    ("'@SUM(A1:A2)", '-3.5', '投入5万元')
    """
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def neutralize_formulas(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells are safe to open in a spreadsheet.

    Numeric, boolean and date columns are left as they are; in text columns every cell goes
    through :func:`neutralize_cell`. Column names are neutralised too.

    >>> neutralize_formulas(pd.DataFrame({"text": ["=1+1", "教育"], "n": [-1, 2]})).to_dict("list")
    {'text': ["'=1+1", '教育'], 'n': [-1, 2]}
    """
    out = df.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[col] = series.map(neutralize_cell, na_action="ignore")
    out.columns = [neutralize_cell(c) for c in out.columns]
    return out


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, write) -> None:
    """Write via a temp file in the same folder, then rename over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        # mkstemp creates the file 0600; give it the mode any new file gets (0644 under the
        # usual umask) so reports and tables can be shared like other files.
        os.chmod(tmp, 0o666 & ~_current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_table(df: pd.DataFrame, out_dir: Path, name: str) -> list[Path]:
    """Write ``name.csv`` (UTF-8 with BOM) and ``name.parquet`` into ``out_dir``, atomically.

    The CSV holds safe cells (:func:`neutralize_formulas`); the Parquet file the exact text.

    Returns:
        The two paths written.
    """
    out_dir = Path(out_dir)
    csv_path = out_dir / f"{name}.csv"
    pq_path = out_dir / f"{name}.parquet"
    safe = neutralize_formulas(df)
    _atomic_write(
        csv_path, lambda p: safe.to_csv(p, index=False, encoding="utf-8-sig", lineterminator="\n")
    )
    _atomic_write(pq_path, lambda p: df.to_parquet(p, index=False))
    return [csv_path, pq_path]


def save_text(text: str, path: Path) -> Path:
    """Write a UTF-8 text file atomically."""
    _atomic_write(Path(path), lambda p: p.write_text(text, encoding="utf-8"))
    return Path(path)


def load_table(out_dir: Path, name: str) -> pd.DataFrame:
    """Read a table written by :func:`save_table` (Parquet, which keeps the dtypes).

    Raises:
        FileNotFoundError: with a hint to run the pipeline first.
    """
    path = Path(out_dir) / f"{name}.parquet"
    if not path.exists():
        raise FileNotFoundError(
            f"{path} not found: run `make data` (or python -m helpers.pipeline) first"
        )
    return pd.read_parquet(path)
