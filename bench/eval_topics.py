"""Themes against hand labels, side by side with today's NMF k-sweep and the plain baselines.

Run:  .venv/bin/python bench/eval_topics.py [--seeds-only] [--n-seeds 1] [--save]

``--save`` writes the tables to ``bench/theme_quality.csv`` and
``bench/theme_quality_per_theme.csv``, which notebook 03 shows (it never re-scores).

Two labelled samples, both with the 15 themes of ``src/helpers/resources/themes.csv``:

* ``bench/gold_topics.csv``: seed paragraphs (``doc_id, raw_start, raw_end, excerpt,
  theme, theme_id``; ``theme`` is the older 12-theme label kept for history);
* ``bench/gold_themes_real.csv``: paragraphs of the real pages in
  ``../shared/real-reports/`` (``file, raw_start, raw_end, theme_id``; no text). Skipped
  when that folder is absent.

Systems, all on the same content paragraphs of each corpus (cleaning + segmentation of
``helpers``): the guided themes (``helpers.themes.assign_themes``); the label-free NMF
k-sweep of ``helpers.topics.cluster_topics`` (the topic model before themes); TF-IDF +
KMeans and plain NMF on default jieba tokens (no user dictionary, no stop words) with k =
the number of gold themes. Scores: NMI against the labels, accuracy and per-theme F1.
Clusters have no names, so for them accuracy and F1 use each cluster's majority gold theme
(an optimistic mapping that favours the clusterings); the guided model's own names are
used as they are. Clusterings are averaged over ``--n-seeds`` seeds.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score, normalized_mutual_info_score
from threadpoolctl import threadpool_limits

from helpers.load import load_documents
from helpers.normalize import normalize_document
from helpers.paths import PROJECT_ROOT, RAW_DIR
from helpers.segment import flag_cross_document_duplicates, segment_document
from helpers.themes import assign_themes, content_mask, load_taxonomy
from helpers.topics import cluster_topics, match_gold, plain_documents

BENCH = PROJECT_ROOT / "bench"
SEED_GOLD = BENCH / "gold_topics.csv"
REAL_GOLD = BENCH / "gold_themes_real.csv"
REAL_DIR = PROJECT_ROOT.parent / "shared" / "real-reports"
SUMMARY_OUT = BENCH / "theme_quality.csv"
PER_THEME_OUT = BENCH / "theme_quality_per_theme.csv"
NO_LABEL = "(none)"


def load_paragraphs(raw_dir: Path) -> pd.DataFrame:
    """Paragraphs of a folder as the pipeline makes them (cleaning + segmentation)."""
    docs = [d for d in load_documents(raw_dir) if d.ok]
    frames = [segment_document(d.doc_id, normalize_document(d.text)).paragraphs for d in docs]
    return flag_cross_document_duplicates(pd.concat(frames, ignore_index=True))


def load_gold(path: Path) -> pd.DataFrame:
    """A gold file as ``doc_id, raw_start, raw_end, theme_id`` (``file`` -> ``doc_id``)."""
    gold = pd.read_csv(path, dtype=str)
    if "doc_id" not in gold:
        gold["doc_id"] = gold["file"].str.replace(r"\.txt$", "", regex=True)
    gold[["raw_start", "raw_end"]] = gold[["raw_start", "raw_end"]].astype(int)
    return gold[["doc_id", "raw_start", "raw_end", "theme_id"]]


def gold_rows(paragraphs: pd.DataFrame, gold: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the content paragraphs that gold rows fall on, and their labels."""
    pos = match_gold(paragraphs, gold)
    live = content_mask(paragraphs)
    ok = (pos >= 0).to_numpy() & np.array([bool(live[p]) if p >= 0 else False for p in pos])
    at = pos.to_numpy()[ok]
    labels = gold.theme_id.to_numpy()[ok]
    _, first = np.unique(at, return_index=True)  # a paragraph labelled twice counts once
    return at[np.sort(first)], labels[np.sort(first)]


def majority_names(clusters: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Each cluster named after its most frequent gold label (ties: alphabetical).

    >>> majority_names(np.array([0, 0, 1]), np.array(["a", "b", "b"])).tolist()
    ['a', 'a', 'b']
    """
    frame = pd.DataFrame(dict(c=clusters, y=labels))
    best = frame.groupby("c").y.agg(
        lambda s: sorted(s.value_counts().items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
    )
    return frame.c.map(best).to_numpy()


def score(pred: np.ndarray, labels: np.ndarray, named: np.ndarray) -> dict[str, float]:
    """NMI of the partition, accuracy and macro F1 of the names (``named``)."""
    return dict(
        nmi=normalized_mutual_info_score(labels, pred),
        accuracy=float(np.mean(named == labels)),
        macro_f1=f1_score(labels, named, average="macro", zero_division=0),
    )


def per_theme_f1(labels: np.ndarray, named: np.ndarray) -> pd.Series:
    """F1 per gold theme (in taxonomy order)."""
    ids = [t for t in load_taxonomy().ids if t in set(labels)]
    f1 = f1_score(labels, named, labels=ids, average=None, zero_division=0)
    return pd.Series(np.round(f1, 3), index=ids)


def plain_clusters(texts: list[str], method: str, k: int, seed: int) -> np.ndarray:
    """TF-IDF + KMeans or plain NMF on default jieba tokens, no stop words."""
    x = TfidfVectorizer().fit_transform(plain_documents(texts))
    if method == "tfidf_kmeans":
        return KMeans(n_clusters=k, n_init=10, random_state=seed).fit_predict(x)
    w = NMF(n_components=k, init="nndsvdar", random_state=seed, max_iter=1000).fit_transform(x)
    return w.argmax(axis=1)


def evaluate(name: str, paragraphs: pd.DataFrame, gold: pd.DataFrame, n_seeds: int):
    """Rows of the comparison table for one corpus, and the guided model's per-theme F1."""
    at, labels = gold_rows(paragraphs, gold)
    k = len(set(labels))
    rows = []
    t0 = time.perf_counter()
    guided = assign_themes(paragraphs).theme_id.to_numpy()[at]
    secs = time.perf_counter() - t0
    rows.append(
        dict(
            corpus=name, system="guided themes", k=15, **score(guided, labels, guided), seconds=secs
        )
    )
    live = np.flatnonzero(content_mask(paragraphs))
    texts = paragraphs.text.to_numpy()[live].tolist()
    where = {int(p): j for j, p in enumerate(live)}
    for system in ("nmf_sweep", "tfidf_kmeans", "plain_nmf"):
        runs = []
        t0 = time.perf_counter()
        for s in range(n_seeds):
            if system == "nmf_sweep":
                res = cluster_topics(paragraphs, seed=s)
                topic = res.assignments.topic_id.to_numpy()[at]
                kk = int(res.chosen["k"])
            else:
                with threadpool_limits(limits=1):
                    lab = plain_clusters(texts, system, k, s)
                topic, kk = lab[[where[int(p)] for p in at]], k
            named = majority_names(topic, labels)
            runs.append(dict(k=kk, **score(topic, labels, named)))
        secs = (time.perf_counter() - t0) / n_seeds
        mean = pd.DataFrame(runs).mean(numeric_only=True)
        rows.append(
            dict(
                corpus=name,
                system=system,
                k=int(runs[0]["k"]),
                nmi=mean.nmi,
                accuracy=mean.accuracy,
                macro_f1=mean.macro_f1,
                seconds=secs,
            )
        )
    table = pd.DataFrame(rows).assign(n_gold=len(labels))
    return table, per_theme_f1(labels, guided), pd.Series(labels).value_counts()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n-seeds", type=int, default=1)
    ap.add_argument("--seeds-only", action="store_true")
    ap.add_argument("--save", action="store_true", help="write the stored quality tables")
    args = ap.parse_args()
    pd.set_option("display.width", 200)
    corpora = [("seeds", RAW_DIR, SEED_GOLD)]
    if not args.seeds_only and REAL_DIR.is_dir():
        corpora.append(("real pages", REAL_DIR, REAL_GOLD))
    elif not args.seeds_only:
        print(f"(real pages skipped: {REAL_DIR.name} not found)")
    tables, f1s = [], {}
    for name, raw, gold_path in corpora:
        paras = load_paragraphs(raw)
        table, f1, counts = evaluate(name, paras, load_gold(gold_path), args.n_seeds)
        tables.append(table)
        f1s[name] = f1
        print(f"{name}: {len(paras)} paragraphs; gold per theme: {dict(counts)}")
    summary = pd.concat(tables).round(3)
    per_theme = pd.DataFrame(f1s).rename_axis("theme_id").reset_index()
    print("\n" + summary.to_string(index=False))
    print("\nguided themes, F1 per theme:")
    print(per_theme.to_string(index=False))
    if args.save:
        summary.drop(columns="seconds").to_csv(SUMMARY_OUT, index=False)
        per_theme.to_csv(PER_THEME_OUT, index=False)
        print(f"\nwrote {SUMMARY_OUT.name} and {PER_THEME_OUT.name}")


if __name__ == "__main__":
    main()
