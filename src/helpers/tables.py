"""Saving and loading the output tables (CSV with BOM for Excel, plus Parquet), atomically."""

from __future__ import annotations

import os
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


def _atomic_write(path: Path, write) -> None:
    """Write via a temp file in the same folder, then rename over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_table(df: pd.DataFrame, out_dir: Path, name: str) -> list[Path]:
    """Write ``name.csv`` (UTF-8 with BOM) and ``name.parquet`` into ``out_dir``, atomically.

    Returns:
        The two paths written.
    """
    out_dir = Path(out_dir)
    csv_path = out_dir / f"{name}.csv"
    pq_path = out_dir / f"{name}.parquet"
    _atomic_write(
        csv_path, lambda p: df.to_csv(p, index=False, encoding="utf-8-sig", lineterminator="\n")
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
