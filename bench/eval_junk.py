"""Junk-line precision and recall of the cleaning stage on the labelled real pages.

Usage::

    python bench/eval_junk.py [--raw-dir ../shared/real-reports] [--batch 1] [--errors]
    python bench/eval_junk.py --raw-dir DIR --gold bench/gold_junk_fresh.csv   # another folder
    python bench/eval_junk.py --raw-dir data/raw --seeds   # seed summary only (no gold)

Gold files ``bench/gold_junk_real_bN.csv`` give every non-blank line of the real pages
(``file, line, raw_start, raw_end, kind``; no text). ``kind`` is ``content``, a junk kind
(``porn_spam``, ``doc_site_furniture``, ``date_meta``, ``navigation`` …) or ``no_text`` (a
line with no letter, digit or CJK character, such as a lone ``|`` of a flattened table:
left out of the scores because there is nothing to keep or to drop).

A line counts as predicted junk when no paragraph that overlaps its raw span is content,
where content means not flagged boilerplate (``is_boilerplate``) and holding at least one
letter, digit or CJK character after cleaning (a line that cleaning empties, such as HTML
debris or a bare URL, is left out of the analysis). Duplicates are not junk.

The real corpus lives outside the repository; the script says so and exits 0 when it is
absent.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.load import load_documents
from helpers.normalize import normalize_document
from helpers.segment import segment_document

BENCH_DIR = Path(__file__).resolve().parent
GOLD_GLOB = "gold_junk_real_b*.csv"
REAL_DIR = paths.PROJECT_ROOT.parent / "shared" / "real-reports"
HAS_TEXT = re.compile(r"[0-9A-Za-z\u3400-\u9fff\uf900-\ufaff]")


def load_gold(bench_dir: Path = BENCH_DIR, files: list[Path] | None = None) -> pd.DataFrame:
    """Every gold file (or the ``files`` given), with its batch (``_bN`` number or stem)."""
    frames = []
    for path in files or sorted(bench_dir.glob(GOLD_GLOB)):
        df = pd.read_csv(path, encoding="utf-8")
        m = re.search(r"_b(\d+)\.csv$", path.name)
        df["batch"] = int(m.group(1)) if m else path.stem
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def paragraphs_for(raw_dir: Path, files: set[str]) -> dict[str, pd.DataFrame]:
    """Paragraph table of each listed file, as the pipeline's cleaning stage builds it."""
    out = {}
    for doc in load_documents(raw_dir):
        name = Path(doc.path).name
        if name in files and doc.text:
            out[name] = segment_document(doc.doc_id, normalize_document(doc.text)).paragraphs
    return out


def predict_line(paras: pd.DataFrame, start: int, end: int) -> tuple[bool, str]:
    """``(is_junk, kinds)`` for one raw line from the paragraphs overlapping it."""
    hit = paras[(paras.raw_start < end) & (paras.raw_end > start)]
    has_text = hit.text.map(lambda t: bool(HAS_TEXT.search(t))).astype(bool)
    content = hit[~hit.is_boilerplate.astype(bool) & has_text]
    kinds = ";".join(k for k in hit.boilerplate_kind if k) or ("" if len(hit) else "(empty)")
    return content.empty, kinds


def score(gold: pd.DataFrame, paras: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Gold rows with ``pred_junk``, ``pred_kind`` and ``gold_junk`` columns (no_text dropped)."""
    g = gold[gold.kind != "no_text"].copy()
    preds = [predict_line(paras[r.file], r.raw_start, r.raw_end) for r in g.itertuples()]
    g["pred_junk"] = [p[0] for p in preds]
    g["pred_kind"] = [p[1] for p in preds]
    g["gold_junk"] = g.kind != "content"
    return g


def summarise(g: pd.DataFrame) -> dict[str, float]:
    """Junk precision and recall with their counts."""
    tp = int((g.pred_junk & g.gold_junk).sum())
    n_pred, n_gold = int(g.pred_junk.sum()), int(g.gold_junk.sum())
    return dict(
        lines=len(g),
        gold_junk=n_gold,
        pred_junk=n_pred,
        tp=tp,
        precision=tp / n_pred if n_pred else 1.0,
        recall=tp / n_gold if n_gold else 1.0,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw-dir", type=Path, default=REAL_DIR)
    ap.add_argument("--batch", type=int, action="append", help="batch number(s) to score")
    ap.add_argument("--errors", action="store_true", help="list every miss and false alarm")
    ap.add_argument(
        "--gold", type=Path, action="append", help="gold file(s) to score (default: real batches)"
    )
    args = ap.parse_args(argv)
    if not args.raw_dir.is_dir():
        print(f"real corpus not found at {args.raw_dir}: nothing to score")
        return 0
    gold = load_gold(files=args.gold)
    if args.batch:
        gold = gold[gold.batch.isin(args.batch)]
    g = score(gold, paragraphs_for(args.raw_dir, set(gold.file)))
    rows = [dict(batch=b, **summarise(part)) for b, part in g.groupby("batch")]
    rows.append(dict(batch="all", **summarise(g)))
    print(pd.DataFrame(rows).to_string(index=False, float_format="%.3f"))
    missed = g[g.gold_junk & ~g.pred_junk]
    print("missed junk by kind:", dict(Counter(missed.kind)))
    if args.errors:
        raw = {f: (args.raw_dir / f).read_text(encoding="utf-8-sig") for f in set(g.file)}
        bad = g[g.gold_junk != g.pred_junk]
        for r in bad.itertuples():
            text = raw[r.file][r.raw_start : r.raw_end][:70]
            label = "MISS" if r.gold_junk else "FALSE"
            print(f"{label} {r.file[:6]}:{r.line} gold={r.kind} pred={r.pred_kind!r} {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
