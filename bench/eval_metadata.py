"""Accuracy of report metadata (title, issuer, level, region, year, period, kind) per field.

Usage::

    python bench/eval_metadata.py [--gold bench/gold_metadata_real.csv] [--raw-dir DIR] [--errors]

The gold file has one row per page of ``../shared/real-reports`` (labelled by hand before the
extractor first ran on it): ``title``, ``issuer`` and ``region`` as raw spans (short values
may be written out too), ``level``, ``year``, ``period`` and ``kind`` as values. A page's report
is its article with the most content characters.

Scoring:
- ``level``, ``year``, ``period``, ``kind``: exact match over every page (no year = no year);
- ``title``: the clean predicted title equals the clean gold span (whitespace removed);
- ``issuer`` and ``region``: over the pages that state one; equal after cleaning (a body may
  carry the higher places written before it: ``□区□镇□小学`` = ``□镇□小学``), with
  placeholders (``XX``, ``**``, ``××``) read as one mask, and for regions a trailing unit
  (省/市/县/区) optional and a higher unit before it optional (``重庆市大足区`` = ``大足区``);
  全国/中国/我国 are one region. Predictions on pages that state none are counted apart.
Skips (exit 0) when the real-reports folder is absent.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.load import load_documents
from helpers.normalize import detect_options, normalize_text
from helpers.pipeline import process_document

GOLD_PATH = Path(__file__).resolve().parent / "gold_metadata_real.csv"
REAL_DIR = paths.PROJECT_ROOT.parent / "shared" / "real-reports"
MASK = re.compile(r"[□xX×*_＊#]+")
NATIONAL = {"全国", "中国", "我国", "国家"}
UNIT = re.compile(r"(自治区|省|市|县|区|镇|乡)$")
UNIT_CHAR = re.compile(r"[省市县区镇乡]")


def clean(text: str, options) -> str:
    """Gold/predicted text as compared: pipeline cleaning, no spaces, one mask symbol."""
    out = normalize_text(str(text), options)
    return MASK.sub("□", re.sub(r"\s+", "", out))


def same_region(pred: str, gold: str) -> bool:
    """Equal regions: national synonyms, optional last unit, optional higher units before."""
    if not pred or not gold:
        return False
    if pred in NATIONAL or gold in NATIONAL:
        return pred in NATIONAL and gold in NATIONAL
    for p, g in ((pred, gold), (UNIT.sub("", pred), UNIT.sub("", gold))):
        short, long_ = sorted((p, g), key=len)
        if p == g:
            return True
        if len(short) < 2:
            continue
        # 重庆市大足区 = 大足区 (higher units before); 宁夏回族自治区 = 宁夏 (a name's full form)
        if long_.endswith(short) or (
            long_.startswith(short) and not UNIT_CHAR.search(long_[len(short) :])
        ):
            return True
    return False


def same_issuer(pred: str, gold: str) -> bool:
    """Equal bodies; places written before the gold body are allowed (□区□镇□小学 = □镇□小学)."""
    return pred == gold or (
        len(gold) >= 3 and pred.endswith(gold) and bool(UNIT_CHAR.search(pred[: -len(gold)]))
    )


def report_row(result) -> dict:
    """The page's report: its article with the most content characters (first on ties)."""
    arts, paras = result.articles, result.paragraphs
    content = paras.loc[~paras["is_boilerplate"].astype(bool)]
    size = content.groupby("article_id")["n_chars"].sum()
    best = max(arts["article_id"], key=lambda a: (size.get(a, 0), -a))
    return arts.loc[arts["article_id"] == best].iloc[0].to_dict()


def score(gold: pd.DataFrame, raw_dir: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-page comparison table and per-field accuracy."""
    docs = {d.path: d for d in load_documents(raw_dir) if d.ok}
    rows = []
    for g in gold.itertuples(index=False):
        doc = docs[g.file]
        opts = detect_options(doc.text)
        pred = report_row(process_document(doc))

        def span(field: str, g=g, doc=doc, opts=opts) -> str:
            s, e = getattr(g, f"{field}_start"), getattr(g, f"{field}_end")
            return "" if pd.isna(s) else clean(doc.text[int(s) : int(e)], opts)

        gold_year = None if pd.isna(g.year) else int(g.year)
        pred_year = None if pred["year"] is None or pd.isna(pred["year"]) else int(pred["year"])
        p_issuer = clean(pred["issuer"] or "", opts)
        p_region = clean(pred["region"] or "", opts)
        g_issuer, g_region = span("issuer"), span("region")
        rows.append(
            {
                "file": g.file[:6],
                "title": clean(pred["title"] or "", opts) == span("title"),
                "level": pred["level"] == g.level,
                "year": pred_year == gold_year,
                "period": pred["period"] == g.period,
                "kind": pred["kind"] == g.kind,
                "issuer": same_issuer(p_issuer, g_issuer) if g_issuer else None,
                "region": same_region(p_region, g_region) if g_region else None,
                "issuer_extra": bool(p_issuer) and not g_issuer,
                "region_extra": bool(p_region) and not g_region,
                "pred": " | ".join(
                    str(pred[f])
                    for f in ("title", "issuer", "level", "region", "year", "period", "kind")
                ),
                "gold": " | ".join(
                    [span("title"), g_issuer, g.level, g_region, str(gold_year), g.period, g.kind]
                ),
            }
        )
    table = pd.DataFrame(rows)
    acc = []
    for field in ("title", "issuer", "level", "region", "year", "period", "kind"):
        col = table[field].dropna().astype(bool)
        acc.append(
            {"field": field, "n": len(col), "correct": int(col.sum()), "accuracy": col.mean()}
        )
    acc_df = pd.DataFrame(acc)
    extra = {f: int(table[f"{f}_extra"].sum()) for f in ("issuer", "region")}
    acc_df["predicted_where_gold_has_none"] = acc_df["field"].map(extra)
    return table, acc_df


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=GOLD_PATH)
    parser.add_argument("--raw-dir", type=Path, default=REAL_DIR)
    parser.add_argument("--errors", action="store_true", help="list every page with a miss")
    args = parser.parse_args(argv)
    if not args.raw_dir.is_dir():
        print(f"skipped: {args.raw_dir} not found")
        return 0
    table, acc = score(pd.read_csv(args.gold, dtype={"issuer": str, "region": str}), args.raw_dir)
    print(acc.to_string(index=False, float_format=lambda x: f"{x:.3f}"))
    if args.errors:
        fields = ["title", "issuer", "level", "region", "year", "period", "kind"]
        for r in table.to_dict("records"):
            bad = [
                f
                for f in fields
                if r[f] is False
                or (r[f] is None and r[f"{f}_extra"] if f in ("issuer", "region") else False)
            ]
            if bad:
                print(f"{r['file']} {','.join(bad)}\n   pred: {r['pred']}\n   gold: {r['gold']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
