"""Topic clustering against the hand-labelled sample, side by side with the plain baselines.

Run:  .venv/bin/python bench/eval_topics.py [--ks 6 8 10 12 14] [--seed 0]

Prints the label-free k sweep, the chosen setting and, for the chosen k (and any --ks),
NMI/ARI against ``bench/gold_topics.csv`` and 5-seed stability for: the two methods of
``helpers.topics`` and the two baselines (TF-IDF+KMeans and LDA on default jieba, no stop
words), all on the same paragraphs.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

import pandas as pd

from helpers.load import load_documents
from helpers.paths import PROJECT_ROOT, RAW_DIR
from helpers.topics import cluster_topics, compare_with_baselines, load_gold_topics

GOLD_PATH = PROJECT_ROOT / "bench" / "gold_topics.csv"


def load_paragraphs(raw_dir: Path) -> tuple[pd.DataFrame, str]:
    """Paragraphs from the cleaning stage when it exists; otherwise one per non-empty line."""
    docs = [d for d in load_documents(raw_dir) if d.ok]
    try:
        from helpers.normalize import normalize_document
        from helpers.segment import flag_cross_document_duplicates, segment_document
    except ImportError:
        from helpers.script import convert_to_simplified

        rows = []
        for d in docs:
            lines = [m for m in re.finditer(r"[^\r\n]+", d.text) if m.group().strip()]
            for pid, m in enumerate(lines):
                rows.append(
                    dict(
                        doc_id=d.doc_id,
                        para_id=pid,
                        raw_start=m.start(),
                        raw_end=m.end(),
                        text=convert_to_simplified(m.group().strip()),
                        is_boilerplate=False,
                        is_duplicate=False,
                    )
                )
        return pd.DataFrame(rows), "provisional (lines, t2s, no boilerplate flags)"
    frames = [segment_document(d.doc_id, normalize_document(d.text)).paragraphs for d in docs]
    paras = flag_cross_document_duplicates(pd.concat(frames, ignore_index=True))
    return paras, "helpers.segment"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ks", type=int, nargs="*", default=None)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    pd.set_option("display.width", 200)
    pd.set_option("display.max_colwidth", 60)

    paras, source = load_paragraphs(RAW_DIR)
    print(f"paragraphs: {len(paras)} from {source}")
    t0 = time.perf_counter()
    res = cluster_topics(paras, seed=args.seed)
    print(f"cluster_topics: {time.perf_counter() - t0:.1f} s\n")
    print(res.sweep.to_string(index=False), "\n")
    print("chosen:", res.chosen, "\n")
    print(
        res.topics[
            ["topic_id", "label", "size", "n_docs", "coherence_npmi", "top_terms"]
        ].to_string(index=False),
        "\n",
    )
    gold = load_gold_topics(GOLD_PATH)
    ks = tuple(sorted({res.chosen["k"], *(args.ks or [])}))
    table = compare_with_baselines(paras, gold, res, seed=args.seed, ks=ks)
    print(table.to_string(index=False), "\n")
    best = table.loc[table.groupby("system").nmi.idxmax(), ["system", "k", "nmi", "ari"]]
    print("best k per system on the gold sample (an oracle choice for the baselines):")
    print(best.to_string(index=False))


if __name__ == "__main__":
    main()
