"""The figure bench with the flattened-table stage added: ``eval_figures`` scores the
extractor's rows plus ``helpers.table_figures`` rows (those no extractor row already covers).

Usage (same options as ``bench/eval_figures.py``, plus ``--tables-alone``)::

    python bench/eval_table_figures.py --no-heldout --no-baselines          # seeds
    python bench/eval_table_figures.py --raw-dir ../shared/real-reports \\
        --gold bench/gold_figures_real_b1.csv --docs 'real(01|04|07)_' --no-heldout --no-baselines

``--tables-alone`` scores the table stage's rows on their own (no extractor rows).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import eval_figures

from helpers.table_figures import extract_table_figures, merge_table_figures

_extract_figures = eval_figures.extract_figures


def with_tables(paragraphs: pd.DataFrame, para_text: dict, raws: dict[str, str]) -> pd.DataFrame:
    """The extractor's figures plus the table rows it does not already cover."""
    figs = _extract_figures(paragraphs, para_text, raws)
    return merge_table_figures(figs, extract_table_figures(paragraphs, para_text, raws))


def tables_alone(paragraphs: pd.DataFrame, para_text: dict, raws: dict[str, str]) -> pd.DataFrame:
    """The table stage's rows only."""
    return extract_table_figures(paragraphs, para_text, raws)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    alone = "--tables-alone" in args
    if alone:
        args.remove("--tables-alone")
    eval_figures.extract_figures = tables_alone if alone else with_tables
    return eval_figures.main(args)


if __name__ == "__main__":
    raise SystemExit(main())
