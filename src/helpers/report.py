"""Summary tables the notebooks show and chart: pure DataFrame-in, DataFrame-out functions.

The notebooks stay thin by calling these. Every function accepts empty tables (a corpus
with no funding figure, a document with one paragraph) and then returns an empty frame
with the same columns, so a notebook can show a note instead of crashing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from decimal import Decimal
from pathlib import Path

import pandas as pd

from . import paths
from .tables import load_table
from .vocab import (
    ARTICLE_COLUMNS,
    DOCUMENT_COLUMNS,
    FAMILIES,
    FIGURE_COLUMNS,
    PARAGRAPH_COLUMNS,
    THEME_COLUMNS,
)

# Documented columns of every table (docs/ARCHITECTURE.md); used for empty stand-ins.
TABLE_COLUMNS: dict[str, list[str]] = {
    "documents": list(DOCUMENT_COLUMNS),
    "articles": list(ARTICLE_COLUMNS),
    "paragraphs": [*PARAGRAPH_COLUMNS, *THEME_COLUMNS],
    "figures": list(FIGURE_COLUMNS),
    "themes": ["theme_id", "name_zh", "name_en", "description", "seed_terms", "size", "share"],
    "doc_topics": ["doc_id", "theme_id", "theme", "n_paragraphs", "n_chars", "share"],
    "article_topics": ["doc_id", "article_id", "theme_id", "theme", "n_paragraphs", "n_chars"],
    "quality_log": ["doc_id", "path", "stage", "kind", "count", "detail"],
    "topic_sweep": ["method", "k", "coherence", "diversity", "silhouette", "stability_ari"],
    "theme_examples": ["theme_id", "theme", "rank", "doc_id", "para_id", "theme_score", "text"],
    "theme_candidates": ["candidate_id", "label", "top_terms", "size", "n_docs", "near_theme"],
}
FAMILY_LABELS = {
    "funding": "经费",
    "enrollment": "入学与巩固",
    "exam": "考试成绩",
    "other": "其他比率",
}
PERCENT_UNITS = frozenset({"%", "％", "percent", "百分比"})
# Chart labels of the parts of a raw document (what cleaning kept and what it set aside).
REMOVED_LABELS = {
    "kept": "正文（保留）",
    "repaired": "段内修复删去（拼音注音、空格等）",
    "boilerplate": "网页杂质",
    "duplicate": "重复内容",
    "outside": "段落之外（空行、标记等）",
}
YUAN_PER_WAN = 10_000
# Axis labels of the topic sweep panels (quality measure -> label with its range).
SWEEP_LABELS = {
    "coherence": "NPMI 一致性（−1…1）",
    "diversity": "主题多样性（0…1）",
    "silhouette": "轮廓系数（−1…1）",
    "stability_ari": "跨种子稳定性 ARI（0…1）",
}
# Headers of the one-page summary table (corpus_summary) in the report.
SUMMARY_LABELS = {
    "doc_id": "文档",
    "title": "首篇标题",
    "script": "字体",
    "n_chars": "字符数",
    "n_articles": "文章数",
    "n_kept_paragraphs": "正文段落",
    "n_funding": "经费数字",
    "n_enrollment": "入学数字",
    "n_exam": "考试数字",
    "funding_wan": "经费（万元，实际）",
    "main_topic": "主要主题",
}
# Flags of the figures stage that describe a figure rather than warn about it; any other
# flag (rate_over_100, out_of_scale, parts_sum_mismatch:…, and flags added later) is a
# problem the reader should look at.
INFO_FLAG_PATTERN = re.compile(
    r"^(approx=|range=|parts_sum_ok$|part_of_total$|unit_inherited$|unit_implied$|percent_implied$|table$)"
)
PARTS_SUM_PATTERN = re.compile(r"^parts_sum_(ok|mismatch)(?::sum=(-?[0-9.]+))?$")
PART_OF_TOTAL = "part_of_total"
# Problem flags that keep a figure out of sums and report charts (it stays in notebook 02).
EXCLUDED_FROM_SUMS = frozenset({"out_of_scale"})


def load_optional_table(processed_dir: Path, name: str) -> pd.DataFrame:
    """Read a pipeline table, or an empty frame with its documented columns if not written yet.

    Args:
        processed_dir: the pipeline's output folder.
        name: table name, e.g. ``figures``.

    Returns:
        The table; empty (with columns from :data:`TABLE_COLUMNS`) when the file is missing.
    """
    try:
        return load_table(processed_dir, name)
    except FileNotFoundError:
        return empty_table(name)


def empty_table(name: str) -> pd.DataFrame:
    """An empty frame with the documented columns of table ``name``.

    >>> list(empty_table("quality_log").columns)
    ['doc_id', 'path', 'stage', 'kind', 'count', 'detail']
    """
    return pd.DataFrame(columns=TABLE_COLUMNS.get(name, []))


def _bool(series: pd.Series) -> pd.Series:
    """Missing flags count as False (a column may be absent or hold NA)."""
    return series.fillna(False).astype(bool)


def _column(df: pd.DataFrame, name: str, default=None) -> pd.Series:
    return df[name] if name in df.columns else pd.Series(default, index=df.index, dtype=object)


def analysis_paragraphs(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """The paragraphs analyses use: neither boilerplate nor a duplicate.

    >>> p = pd.DataFrame({"doc_id": ["a", "a"], "is_boilerplate": [False, True],
    ...                   "is_duplicate": [False, False], "text": ["全市入学率达100%", "当前位置"]})
    >>> analysis_paragraphs(p)["text"].tolist()
    ['全市入学率达100%']
    """
    keep = ~_bool(_column(paragraphs, "is_boilerplate", False)) & ~_bool(
        _column(paragraphs, "is_duplicate", False)
    )
    return paragraphs[keep]


def summarize_documents(
    documents: pd.DataFrame, articles: pd.DataFrame, paragraphs: pd.DataFrame
) -> pd.DataFrame:
    """One row per document: encoding, script, size, articles and paragraphs kept.

    Args:
        documents: the ``documents`` table.
        articles: the ``articles`` table (may be empty).
        paragraphs: the ``paragraphs`` table (may be empty).

    Returns:
        Columns ``doc_id, encoding, script, trad_share, n_bytes, n_chars, n_articles,
        n_paragraphs, n_kept_paragraphs, kept_chars``; counts are 0 where a table is empty.
    """
    cols = ["doc_id", "encoding", "script", "trad_share", "n_bytes", "n_chars"]
    out = documents.reindex(columns=cols).copy()
    n_articles = articles.groupby("doc_id").size() if len(articles) else pd.Series(dtype=int)
    n_paras = paragraphs.groupby("doc_id").size() if len(paragraphs) else pd.Series(dtype=int)
    kept = analysis_paragraphs(paragraphs)
    n_kept = kept.groupby("doc_id").size() if len(kept) else pd.Series(dtype=int)
    kept_chars = kept.groupby("doc_id")["n_chars"].sum() if len(kept) else pd.Series(dtype=int)
    for name, counts in (
        ("n_articles", n_articles),
        ("n_paragraphs", n_paras),
        ("n_kept_paragraphs", n_kept),
        ("kept_chars", kept_chars),
    ):
        out[name] = out["doc_id"].map(counts).fillna(0).astype(int)
    return out.reset_index(drop=True)


def removed_per_document(documents: pd.DataFrame, paragraphs: pd.DataFrame) -> pd.DataFrame:
    """Raw characters per document split into kept text and what cleaning set aside.

    Lengths are raw characters, so the five parts add up to the document's ``n_chars``:
    kept paragraphs count their clean length as kept and the rest of their raw span as
    removed by in-paragraph repairs (pinyin glosses such as ``學(xué)``, stray spaces,
    spliced share bars); boilerplate and duplicate paragraphs count their raw span (a
    paragraph that is both counts as boilerplate); what no paragraph covers is "outside".

    Args:
        documents: needs ``doc_id, n_chars``.
        paragraphs: needs ``doc_id, raw_start, raw_end, n_chars, is_boilerplate,
            is_duplicate``.

    Returns:
        Indexed by ``doc_id``, columns the labels of :data:`REMOVED_LABELS` (raw characters).

    >>> d = pd.DataFrame({"doc_id": ["a"], "n_chars": [40]})
    >>> p = pd.DataFrame({"doc_id": ["a", "a"], "raw_start": [0, 10], "raw_end": [8, 37],
    ...                   "n_chars": [8, 21], "is_boilerplate": [True, False],
    ...                   "is_duplicate": [False, False]})
    >>> removed_per_document(d, p).loc["a"].tolist()
    [21, 6, 8, 0, 5]
    """
    docs = documents[["doc_id", "n_chars"]].dropna(subset=["doc_id"])
    if len(paragraphs):
        length = (paragraphs["raw_end"] - paragraphs["raw_start"]).astype(int)
        boiler = _bool(_column(paragraphs, "is_boilerplate", False))
        dup = _bool(_column(paragraphs, "is_duplicate", False)) & ~boiler
        kept = ~boiler & ~dup
        clean = pd.to_numeric(_column(paragraphs, "n_chars", None), errors="coerce")
        clean = clean.fillna(length).astype(int).clip(upper=length)
        frame = pd.DataFrame(
            {
                "doc_id": paragraphs["doc_id"],
                "kept": clean.where(kept, 0),
                "repaired": (length - clean).where(kept, 0),
                "boilerplate": length.where(boiler, 0),
                "duplicate": length.where(dup, 0),
            }
        )
        parts = frame.groupby("doc_id").sum()
    else:
        parts = pd.DataFrame()
    out = pd.DataFrame(index=pd.Index(docs["doc_id"], name="doc_id"))
    for key in ("kept", "repaired", "boilerplate", "duplicate"):
        out[key] = parts[key].reindex(out.index).fillna(0).astype(int) if key in parts else 0
    total = docs.set_index("doc_id")["n_chars"].fillna(0).astype(int)
    out["outside"] = (total - out.sum(axis=1)).clip(lower=0)
    return out.rename(columns=REMOVED_LABELS)


# Kinds shown line by line for inspection: injected spam and document-site furniture.
SPAM_LINE_KINDS = (
    "porn_spam",
    "gambling_spam",
    "seo_spider",
    "hacked_header",
    "link_farm",
    "doc_site_furniture",
)
SPAM_LINE_COLUMNS = [
    "doc_id",
    "para_id",
    "boilerplate_kind",
    "junk_score",
    "raw_start",
    "raw_end",
    "text",
]


def junk_by_kind(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """Flagged junk lines per document and kind (a document × kind count table).

    >>> p = pd.DataFrame({"doc_id": ["a", "a", "b"], "is_boilerplate": [True, True, False],
    ...                   "boilerplate_kind": ["porn_spam", "date_meta", ""]})
    >>> junk_by_kind(p).to_dict("index")
    {'a': {'date_meta': 1, 'porn_spam': 1, 'total': 2}, 'b': {'date_meta': 0, 'porn_spam': 0, 'total': 0}}
    """
    if paragraphs.empty:
        return pd.DataFrame(columns=["total"])
    flagged = paragraphs[_bool(_column(paragraphs, "is_boilerplate", False))]
    table = pd.crosstab(flagged["doc_id"], flagged["boilerplate_kind"].fillna(""))
    docs = pd.Index(sorted(paragraphs["doc_id"].dropna().unique()), name="doc_id")
    table = table.reindex(docs, fill_value=0).astype(int)
    table.columns.name = None
    table["total"] = table.sum(axis=1)
    return table


def spam_lines(paragraphs: pd.DataFrame, kinds: Iterable[str] = SPAM_LINE_KINDS) -> pd.DataFrame:
    """Every line flagged as spam or document-site furniture, with its score and raw span.

    >>> p = pd.DataFrame({"doc_id": ["a", "a"], "para_id": [0, 1], "raw_start": [0, 9],
    ...                   "raw_end": [8, 20], "boilerplate_kind": ["porn_spam", ""],
    ...                   "junk_score": [0.9, 0.0], "text": ["无码…", "全县学校12所。"]})
    >>> spam_lines(p)["text"].tolist()
    ['无码…']
    """
    if paragraphs.empty or "boilerplate_kind" not in paragraphs:
        return pd.DataFrame(columns=SPAM_LINE_COLUMNS)
    rows = paragraphs[paragraphs["boilerplate_kind"].isin(list(kinds))].copy()
    if "junk_score" not in rows:
        rows["junk_score"] = float("nan")
    return rows.sort_values(["doc_id", "para_id"])[SPAM_LINE_COLUMNS].reset_index(drop=True)


def repairs_per_document(
    quality_log: pd.DataFrame, stages: Iterable[str] | None = None
) -> pd.DataFrame:
    """Counts of each repair/flag kind per document from the quality log (doc × kind).

    Args:
        quality_log: the ``quality_log`` table.
        stages: keep only these stages (e.g. ``["normalize"]``); default all.

    Returns:
        Indexed by ``doc_id``, one integer column per ``stage:kind``; empty when nothing logged.

    >>> q = pd.DataFrame({"doc_id": ["a", "a"], "stage": ["normalize"] * 2,
    ...                   "kind": ["pinyin_gloss", "mojibake"], "count": [12, 3]})
    >>> repairs_per_document(q).loc["a"].to_dict()
    {'normalize:mojibake': 3, 'normalize:pinyin_gloss': 12}
    """
    log = quality_log[quality_log["doc_id"].fillna("") != ""] if len(quality_log) else quality_log
    if stages is not None:
        log = log[log["stage"].isin(list(stages))]
    if log.empty:
        return pd.DataFrame(index=pd.Index([], name="doc_id"))
    key = log["stage"].astype(str) + ":" + log["kind"].astype(str)
    table = (
        log.assign(key=key)
        .pivot_table(index="doc_id", columns="key", values="count", aggfunc="sum", fill_value=0)
        .astype(int)
    )
    table.columns.name = None
    return table


def count_terms(
    texts: Iterable[str], tokenize: Callable[[str], list[str]], n: int = 20
) -> pd.Series:
    """The ``n`` most frequent tokens over ``texts`` (ties broken by first appearance).

    Args:
        texts: paragraph texts.
        tokenize: text -> tokens (the project's ``helpers.topics.tokenize``).
        n: how many terms.

    Returns:
        Series term -> count, most frequent first.

    >>> count_terms(["控辍保学 控辍保学 营养餐"], str.split, 2).to_dict()
    {'控辍保学': 2, '营养餐': 1}
    """
    counts: Counter[str] = Counter()
    for text in texts:
        counts.update(tokenize(text))
    top = counts.most_common(n)
    return pd.Series(dict(top), dtype=int, name="count")


def keywords_per_document(
    paragraphs: pd.DataFrame, tokenize: Callable[[str], list[str]], n: int = 8
) -> pd.DataFrame:
    """TF-IDF keywords per document (documents are the units), from analysis paragraphs.

    Args:
        paragraphs: needs ``doc_id, text`` (+ the boilerplate/duplicate flags).
        tokenize: text -> tokens (the project's tokenizer with its dictionaries).
        n: keywords per document.

    Returns:
        Columns ``doc_id, keywords`` (joined with "、"), one row per document with text.

    >>> p = pd.DataFrame({"doc_id": ["a", "b"], "text": ["营养餐 营养餐 学校", "校本研修 学校"]})
    >>> keywords_per_document(p, str.split, 1)["keywords"].tolist()
    ['营养餐', '校本研修']
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    kept = analysis_paragraphs(paragraphs)
    docs = kept.groupby("doc_id", sort=True)["text"].apply(lambda s: "\n".join(s.astype(str)))
    docs = docs[docs.str.strip() != ""]
    if docs.empty:
        return pd.DataFrame(columns=["doc_id", "keywords"])
    vec = TfidfVectorizer(analyzer=tokenize, sublinear_tf=True)
    try:
        matrix = vec.fit_transform(docs.tolist())
    except ValueError:  # no token at all (e.g. only digits)
        return pd.DataFrame({"doc_id": docs.index, "keywords": ""})
    terms = vec.get_feature_names_out()
    rows = []
    for i, doc_id in enumerate(docs.index):
        row = matrix.getrow(i).toarray().ravel()
        order = sorted((j for j in row.nonzero()[0]), key=lambda j: (-row[j], terms[j]))[:n]
        rows.append({"doc_id": doc_id, "keywords": "、".join(terms[j] for j in order)})
    return pd.DataFrame(rows)


# --- figures --------------------------------------------------------------------------------


def filter_figures(
    figures: pd.DataFrame,
    family: str | Iterable[str] | None = None,
    metric: str | Iterable[str] | None = None,
    stage: str | Iterable[str] | None = None,
    doc_id: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Figures matching every given filter (each a value or a list of values).

    >>> f = pd.DataFrame({"family": ["exam", "funding"], "metric": ["平均分", "投资"],
    ...                   "stage": ["初中", None], "doc_id": ["a", "a"]})
    >>> filter_figures(f, family="exam")["metric"].tolist()
    ['平均分']
    """
    mask = pd.Series(True, index=figures.index)
    for col, wanted in (
        ("family", family),
        ("metric", metric),
        ("stage", stage),
        ("doc_id", doc_id),
    ):
        if wanted is None:
            continue
        values = [wanted] if isinstance(wanted, str) else list(wanted)
        mask &= figures[col].isin(values)
    return figures[mask]


def split_flags(flags: object) -> list[str]:
    """The individual flags of a ``;``-joined flags cell (empty/NA gives []).

    >>> split_flags("approx=余;rate_over_100")
    ['approx=余', 'rate_over_100']
    """
    if flags is None or (not isinstance(flags, str) and pd.isna(flags)):
        return []
    return [f.strip() for f in str(flags).split(";") if f.strip()]


def problem_flags(flags: object) -> list[str]:
    """The flags of a cell that warn about the figure (not the descriptive ones).

    >>> problem_flags("approx=余;part_of_total;out_of_scale")
    ['out_of_scale']
    """
    return [f for f in split_flags(flags) if not INFO_FLAG_PATTERN.match(f)]


def has_flags(figures: pd.DataFrame) -> pd.Series:
    """True where a figure carries at least one problem flag (see :func:`problem_flags`)."""
    flags = _column(figures, "flags", "")
    return pd.Series([bool(problem_flags(f)) for f in flags], index=figures.index, dtype=bool)


def family_summary(figures: pd.DataFrame) -> pd.DataFrame:
    """Per family: figures, documents, metrics, approximate/planned/change/flagged counts.

    All four families appear, with zeros where the corpus has no figure of that family.

    Returns:
        Columns ``family, label, n_figures, n_docs, n_metrics, n_approx, n_planned,
        n_change, n_flagged``.

    >>> f = pd.DataFrame({"doc_id": ["a", "b"], "family": ["exam", "exam"],
    ...     "metric": ["平均分", "及格率"], "approx": [False, True], "planned": [False, False],
    ...     "is_change": [False, False], "flags": ["", "rate_over_100"]})
    >>> family_summary(f).set_index("family").loc["exam", ["n_figures", "n_flagged"]].tolist()
    [2, 1]
    """
    rows = []
    for fam in FAMILIES:
        part = figures[figures["family"] == fam] if len(figures) else figures
        rows.append(
            {
                "family": fam,
                "label": FAMILY_LABELS[fam],
                "n_figures": len(part),
                "n_docs": part["doc_id"].nunique() if len(part) else 0,
                "n_metrics": part["metric"].nunique() if len(part) else 0,
                "n_approx": int(_bool(_column(part, "approx", False)).sum()),
                "n_planned": int(_bool(_column(part, "planned", False)).sum()),
                "n_change": int(_bool(_column(part, "is_change", False)).sum()),
                "n_flagged": int(has_flags(part).sum()),
            }
        )
    return pd.DataFrame(rows)


def figures_per_document(figures: pd.DataFrame) -> pd.DataFrame:
    """Count of figures per document and family (columns are the Chinese family labels).

    Returns:
        Indexed by ``doc_id``, one column per family present, in :data:`FAMILIES` order.

    >>> f = pd.DataFrame({"doc_id": ["a", "a", "b"], "family": ["exam", "funding", "exam"]})
    >>> figures_per_document(f).to_dict("index")
    {'a': {'经费': 1, '考试成绩': 1}, 'b': {'经费': 0, '考试成绩': 1}}
    """
    if figures.empty:
        return pd.DataFrame()
    table = pd.crosstab(figures["doc_id"], figures["family"])
    table = table[[f for f in FAMILIES if f in table.columns]].rename(columns=FAMILY_LABELS)
    table.columns.name = None
    return table


def metric_summary(figures: pd.DataFrame) -> pd.DataFrame:
    """Per family and metric: count, documents, min/median/max value and the unit.

    Returns:
        Columns ``family, metric, unit, n, n_docs, min, median, max``, sorted by family
        then count (largest first).
    """
    cols = ["family", "metric", "unit", "n", "n_docs", "min", "median", "max"]
    if figures.empty:
        return pd.DataFrame(columns=cols)
    values = pd.to_numeric(figures["value"].astype(str), errors="coerce")
    grouped = figures.assign(v=values).groupby(["family", "metric", "unit"], dropna=False)
    out = grouped.agg(
        n=("v", "size"),
        n_docs=("doc_id", "nunique"),
        min=("v", "min"),
        median=("v", "median"),
        max=("v", "max"),
    ).reset_index()
    return out.sort_values(["family", "n", "metric"], ascending=[True, False, True])[cols]


def flagged_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Every figure with a problem flag, with its raw span and the sentence it came from.

    Returns:
        Columns ``doc_id, family, metric, value, unit, raw_text, flags, sentence,
        raw_start, raw_end``; ``flags`` keeps only the problem flags.
    """
    cols = [
        "doc_id",
        "family",
        "metric",
        "value",
        "unit",
        "raw_text",
        "flags",
        "sentence",
        "raw_start",
        "raw_end",
    ]
    out = figures[has_flags(figures)].reindex(columns=cols).reset_index(drop=True)
    out["flags"] = [";".join(problem_flags(f)) for f in out["flags"]]
    return out


def parts_vs_total_checks(figures: pd.DataFrame) -> pd.DataFrame:
    """Every total whose parts the figures stage added up: total, sum of parts, verdict.

    Returns:
        Columns ``doc_id, metric, unit, total, parts_sum, difference, status
        ("ok"/"mismatch"), raw_text, sentence, raw_start, raw_end``.

    >>> f = pd.DataFrame({"doc_id": ["a"], "metric": ["资助金额"], "unit": ["元"],
    ...     "value": [7850400.0], "raw_text": ["785.04万元"], "sentence": ["…"],
    ...     "raw_start": [5], "raw_end": [13], "flags": ["parts_sum_mismatch"],
    ...     "parts_sum": [4263375.0]})
    >>> parts_vs_total_checks(f)[["total", "parts_sum", "status"]].to_dict("records")
    [{'total': 7850400.0, 'parts_sum': 4263375.0, 'status': 'mismatch'}]
    """
    cols = [
        "doc_id",
        "metric",
        "unit",
        "total",
        "parts_sum",
        "difference",
        "status",
        "raw_text",
        "sentence",
        "raw_start",
        "raw_end",
    ]
    rows = []
    frame = figures.reindex(columns=[*cols[:3], "value", "flags", "parts_sum", *cols[7:]])
    for row in frame.itertuples(index=False):
        for flag in split_flags(row.flags):
            m = PARTS_SUM_PATTERN.match(flag)
            if not m:
                continue
            total = float(row.value)
            # The sum is the parts_sum column; tables written before it carried it in the flag.
            if m.group(2) is not None:
                parts = float(m.group(2))
            elif pd.notna(row.parts_sum):
                parts = float(row.parts_sum)
            else:
                parts = total
            rows.append(
                {
                    "doc_id": row.doc_id,
                    "metric": row.metric,
                    "unit": row.unit,
                    "total": total,
                    "parts_sum": parts,
                    "difference": round(parts - total, 4),
                    "status": m.group(1),
                    "raw_text": row.raw_text,
                    "sentence": row.sentence,
                    "raw_start": row.raw_start,
                    "raw_end": row.raw_end,
                }
            )
    return pd.DataFrame(rows, columns=cols)


def to_wan(value: object) -> float:
    """A money value in 元 (the figures table's convention) expressed in 万元.

    >>> to_wan("7850400")
    785.04
    """
    return float(Decimal(str(value)) / YUAN_PER_WAN)


def funding_in_wan(figures: pd.DataFrame) -> pd.DataFrame:
    """Funding figures that are amounts (not changes, not per-capita), with a 万元 column.

    Per-capita amounts (生均), changes (增长…), parts of a stated total
    (``part_of_total``) and amounts flagged ``out_of_scale`` are left out, because adding
    them would be meaningless, count the same money twice or let one misprint dominate;
    they stay in the figures table (notebook 02 lists the flagged ones).

    Returns:
        Columns ``doc_id, metric, stage, wan, approx, planned, raw_text, sentence``.

    >>> f = pd.DataFrame({"doc_id": ["a"], "family": ["funding"], "metric": ["资助金额"],
    ...     "stage": [None], "value": ["7850400"], "approx": [False], "planned": [False],
    ...     "is_change": [False], "per_capita": [False], "raw_text": ["785.04万元"],
    ...     "sentence": ["资助总人数14861人785.04万元"]})
    >>> funding_in_wan(f)["wan"].tolist()
    [785.04]
    """
    cols = ["doc_id", "metric", "stage", "wan", "approx", "planned", "raw_text", "sentence"]
    fund = figures[figures["family"] == "funding"] if len(figures) else figures
    if len(fund):
        keep = ~_bool(_column(fund, "is_change", False)) & ~_bool(
            _column(fund, "per_capita", False)
        )
        is_part = pd.Series(
            [
                bool({PART_OF_TOTAL, *EXCLUDED_FROM_SUMS} & set(split_flags(f)))
                for f in _column(fund, "flags", "")
            ],
            index=fund.index,
            dtype=bool,
        )
        fund = fund[keep & ~is_part & fund["value"].notna()]
    if fund.empty:
        return pd.DataFrame(columns=cols)
    out = fund.assign(
        wan=[to_wan(v) for v in fund["value"]],
        approx=_bool(_column(fund, "approx", False)),
        planned=_bool(_column(fund, "planned", False)),
    )
    return out.reindex(columns=cols).reset_index(drop=True)


def funding_wan_table(figures: pd.DataFrame, by: str) -> pd.DataFrame:
    """Funding totals in 万元 grouped by ``by`` (``metric`` or ``doc_id``) and planned/actual.

    Args:
        figures: the figures table.
        by: grouping column.

    Returns:
        Columns ``<by>, planned, wan, n, approx_share`` (share of the amount that is
        approximate, 0..1), largest total first.
    """
    fund = funding_in_wan(figures)
    cols = [by, "planned", "wan", "n", "approx_share"]
    if fund.empty:
        return pd.DataFrame(columns=cols)
    fund = fund.assign(approx_wan=fund["wan"].where(fund["approx"], 0.0))
    out = (
        fund.groupby([by, "planned"], dropna=False)
        .agg(wan=("wan", "sum"), n=("wan", "size"), approx_wan=("approx_wan", "sum"))
        .reset_index()
    )
    out["approx_share"] = (out["approx_wan"] / out["wan"].where(out["wan"] != 0)).fillna(0.0)
    return out.sort_values(["wan", by], ascending=[False, True])[cols].reset_index(drop=True)


def _level_figures(
    figures: pd.DataFrame, family: str, percent: bool, cols: list[str]
) -> pd.DataFrame:
    """Levels (not changes) of one family, percent units or not, with numeric ``value``."""
    if figures.empty:
        return pd.DataFrame(columns=cols)
    is_percent = figures["unit"].astype(str).isin(PERCENT_UNITS)
    part = figures[
        (figures["family"] == family)
        & (is_percent if percent else ~is_percent)
        & ~_bool(_column(figures, "is_change", False))
    ]
    part = part.assign(value=pd.to_numeric(part["value"].astype(str), errors="coerce"))
    return part.dropna(subset=["value"]).reindex(columns=cols).reset_index(drop=True)


def rate_figures(figures: pd.DataFrame, family: str) -> pd.DataFrame:
    """Level rates (percent, not changes) of one family, with numeric ``value``.

    Returns:
        Columns ``doc_id, stage, metric, value, approx, planned, raw_text, sentence``.
    """
    cols = ["doc_id", "stage", "metric", "value", "approx", "planned", "raw_text", "sentence"]
    return _level_figures(figures, family, True, cols)


def count_figures(figures: pd.DataFrame, family: str) -> pd.DataFrame:
    """Non-percent level figures (head counts, scores) of one family.

    Returns:
        Columns ``doc_id, stage, metric, value, unit, approx, raw_text, sentence``.
    """
    cols = ["doc_id", "stage", "metric", "value", "unit", "approx", "raw_text", "sentence"]
    return _level_figures(figures, family, False, cols)


# --- themes ---------------------------------------------------------------------------------


def doc_topic_percent(doc_topics: pd.DataFrame, themes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Document × theme share table in percent, columns named by theme, in taxonomy order.

    Args:
        doc_topics: long form ``doc_id, theme_id, theme, share`` (the pipeline's table).
        themes: the ``themes`` table, for the column order; default the shipped taxonomy.

    Returns:
        Indexed by ``doc_id``, one column per theme present (its Chinese name), in percent.

    >>> dt = pd.DataFrame({"doc_id": ["a", "a"], "theme_id": ["it", "moral"],
    ...                    "theme": ["教育信息化", "德育"], "share": [0.25, 0.75]})
    >>> doc_topic_percent(dt).loc["a"].to_dict()
    {'德育': 75.0, '教育信息化': 25.0}
    """
    from .themes import load_taxonomy

    if doc_topics.empty or not {"doc_id", "theme", "share"} <= set(doc_topics.columns):
        return pd.DataFrame()
    wide = doc_topics.pivot_table(
        index="doc_id", columns="theme", values="share", aggfunc="sum", fill_value=0.0
    )
    order = list(themes["name_zh"]) if themes is not None and len(themes) else []
    order = order or list(load_taxonomy().names)
    wide = wide[[t for t in order if t in wide.columns] + [t for t in wide if t not in order]]
    wide = wide.astype(float) * 100
    wide.columns.name = None
    wide.index.name = "doc_id"
    return wide


# --- one-page summary -----------------------------------------------------------------------


def corpus_summary(
    documents: pd.DataFrame,
    articles: pd.DataFrame,
    paragraphs: pd.DataFrame,
    figures: pd.DataFrame,
    doc_topics: pd.DataFrame,
    themes: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per document for the report's summary page.

    ``main_topic`` is the theme with the largest share of the document (其他 only when no
    other theme is present).

    Returns:
        Columns ``doc_id, title, script, n_chars, n_articles, n_kept_paragraphs,
        n_funding, n_enrollment, n_exam, funding_wan, main_topic``.
    """
    out = summarize_documents(documents, articles, paragraphs)[
        ["doc_id", "script", "n_chars", "n_articles", "n_kept_paragraphs"]
    ]
    titles = (
        articles.sort_values(["doc_id", "article_id"]).groupby("doc_id")["title"].first()
        if len(articles)
        else pd.Series(dtype=object)
    )
    out.insert(1, "title", [str(titles.get(d, "")) for d in out["doc_id"]])
    for fam in ("funding", "enrollment", "exam"):
        counts = figures[figures["family"] == fam].groupby("doc_id").size() if len(figures) else {}
        out[f"n_{fam}"] = out["doc_id"].map(counts).fillna(0).astype(int)
    fund = funding_in_wan(figures)
    actual = fund[~fund["planned"].astype(bool)] if len(fund) else fund
    wan = actual.groupby("doc_id")["wan"].sum() if len(actual) else {}
    out["funding_wan"] = out["doc_id"].map(wan).fillna(0.0).round(2)
    shares = doc_topic_percent(doc_topics, themes)
    named = shares.drop(columns="其他", errors="ignore")
    named = named[named.sum(axis=1) > 0] if named.shape[1] else named
    main = shares.idxmax(axis=1).to_dict() if len(shares) and shares.shape[1] else {}
    main.update(named.idxmax(axis=1).to_dict() if len(named) else {})
    out["main_topic"] = [str(main.get(d, "")) for d in out["doc_id"]]
    return out.reset_index(drop=True)


# --- traceability ---------------------------------------------------------------------------


def attach_raw_context(
    figures: pd.DataFrame, raw_texts: dict[str, str], width: int = 20
) -> pd.DataFrame:
    """Add the raw text around each figure and whether its offsets point at ``raw_text``.

    Args:
        figures: needs ``doc_id, raw_start, raw_end, raw_text``.
        raw_texts: doc_id -> decoded raw text (``RawDocument.text``).
        width: characters of context on each side.

    Returns:
        A copy with ``raw_context`` (``…前文【数字】后文…``, newlines shown as ⏎) and
        ``span_ok`` (``raw[raw_start:raw_end] == raw_text``; False when the document is missing).

    >>> f = pd.DataFrame({"doc_id": ["a"], "raw_start": [4], "raw_end": [8], "raw_text": ["100%"]})
    >>> out = attach_raw_context(f, {"a": "入学率达100%。"}, 3)
    >>> out["raw_context"].tolist(), out["span_ok"].tolist()
    (['学率达【100%】。'], [True])
    """
    contexts, oks = [], []
    for row in figures.itertuples(index=False):
        raw = raw_texts.get(row.doc_id)
        if raw is None or pd.isna(row.raw_start):
            contexts.append("")
            oks.append(False)
            continue
        s, e = int(row.raw_start), int(row.raw_end)
        ctx = f"{raw[max(0, s - width) : s]}【{raw[s:e]}】{raw[e : e + width]}"
        contexts.append(ctx.replace("\r\n", "⏎").replace("\n", "⏎"))
        oks.append(raw[s:e] == row.raw_text)
    return figures.assign(raw_context=contexts, span_ok=oks)


# --- theme tables for notebooks 03 and 04 -----------------------------------------------------
# Quality of the theme model against the hand labels, as measured by bench/eval_topics.py
# (the notebooks show these stored numbers; they never re-cluster or re-score).
THEME_QUALITY_PATH = paths.PROJECT_ROOT / "bench" / "theme_quality.csv"
THEME_F1_PATH = paths.PROJECT_ROOT / "bench" / "theme_quality_per_theme.csv"
THEME_TABLES = ("themes", "doc_topics", "article_topics", "theme_examples", "theme_candidates")


def load_theme_tables(processed_dir: Path) -> dict:
    """The pipeline's theme tables for the notebooks, read as stored (nothing is re-computed).

    Returns:
        ``{"themes", "doc_topics", "article_topics", "theme_examples", "theme_candidates",
        "sweep": DataFrame, "note": str}``; ``note`` says why when the pipeline wrote no
        themes (run ``make data`` first).
    """
    out = {name: load_optional_table(processed_dir, name) for name in THEME_TABLES}
    out["sweep"] = load_optional_table(processed_dir, "topic_sweep")
    themed = out["themes"]
    size = themed["size"] if "size" in themed else pd.Series(dtype=int)
    out["note"] = "" if len(themed) and size.fillna(0).sum() > 0 else "本语料没有可分主题的正文段落"
    if themed.empty:
        out["note"] = "没有主题表（先运行 make data）"
    return out


def load_theme_quality(
    summary_path: Path | None = None, per_theme_path: Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stored quality of the theme model and the baselines (``bench/eval_topics.py`` output).

    Returns:
        ``(summary, per_theme)``: ``corpus, system, k, nmi, accuracy, macro_f1, n_gold`` and
        F1 per theme and labelled corpus; empty frames when the files are missing.
    """
    frames = []
    for path in (summary_path or THEME_QUALITY_PATH, per_theme_path or THEME_F1_PATH):
        frames.append(pd.read_csv(path) if Path(path).is_file() else pd.DataFrame())
    return frames[0], frames[1]


def source_caption(documents: pd.DataFrame, raw_dir: str | Path) -> str:
    """The source line printed under every chart of a run: which folder, how many reports.

    No date or absolute path, so re-runs on the same data give the same chart files.

    >>> source_caption(pd.DataFrame({"doc_id": ["a", "b"], "skip_reason": ["", "empty file"]}),
    ...                "/data/raw")
    '来源：raw/ 中的 1 份报告（另有 1 份无法读取），edu-reports 自动抽取'
    """
    skipped = int((_column(documents, "skip_reason", "").fillna("").astype(str) != "").sum())
    n_ok = len(documents) - skipped
    extra = f"（另有 {skipped} 份无法读取）" if skipped else ""
    return f"来源：{Path(raw_dir).name}/ 中的 {n_ok} 份报告{extra}，edu-reports 自动抽取"
