"""Themes of report paragraphs, guided by a taxonomy an analyst can edit.

The taxonomy is data: ``helpers/resources/themes.csv`` has one row per theme (``theme_id``,
``name_zh``, ``name_en``, ``description``, ``seed_terms`` and ``exclude_terms``, terms joined
by ``、``). Every content paragraph (not boilerplate, not a duplicate, at least
``MIN_CHARS`` characters) gets a primary theme, a score and an optional secondary theme:

1. **Seed-term evidence** (:func:`score_texts`): each theme's seed terms are searched in the
   clean paragraph text, longest term first and without overlaps, so ``幼儿园`` counts once
   and not also as ``幼儿``. A term weighs more the longer it is (2 characters: 1, 3: 1.5,
   4 or more: 2). A theme's exclusion terms are matched in the same pass and weigh 0, so
   ``中小学`` never counts as ``小学`` for 义务教育 and ``技能培训`` never counts as ``培训``
   for 教研与教师发展.
2. **Context from the same document** (:func:`add_context`): the paragraph's heading path
   (``section``) adds half its evidence, and the paragraphs just before and after it in the
   same article add ``NEIGHBOUR_WEIGHT`` of theirs, so a short line cut out of a longer
   passage follows its passage.
3. **Choice** (:func:`choose_themes`): the theme with most evidence wins; ``其他`` starts
   with ``OTHER_PRIOR`` so a paragraph with almost no evidence stays ``其他``. The score
   is the winner's share of all evidence (0..1); the runner-up is ``theme2`` when it has
   at least ``SECOND_RATIO`` of the winner's evidence.

Nothing is fitted on the corpus: a paragraph's theme depends only on its own text, its
heading path, its two neighbours and the taxonomy, so adding files never changes the
theme of a paragraph already analysed, and runs are deterministic.

Discovery (:func:`discover_candidates`) clusters the paragraphs that fit no theme well, on
a seeded sample, to suggest new themes; it never changes any paragraph's theme.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import resource_path

THEMES_FILE = "themes.csv"
FURNITURE_FILE = "themes_furniture_terms.txt"
THEME_COLUMNS = ["theme_id", "name_zh", "name_en", "description", "seed_terms", "exclude_terms"]
TERM_SEP = "、"
OTHER_ID = "other"
MIN_CHARS = 30  # the same selection as topics: shorter paragraphs get no theme
SECTION_WEIGHT = 0.5  # share of the heading path's evidence added to each paragraph
NEIGHBOUR_WEIGHT = 0.3  # share of each neighbour's own evidence added
OTHER_PRIOR = 1.5  # evidence 其他 starts with: below this, nothing else wins
SECOND_RATIO = 0.5  # runner-up becomes theme2 with at least this share of the winner
SECOND_MIN = 2.0  # ... and at least this much evidence of its own
N_EXAMPLES = 3  # example paragraphs per theme in ``theme_examples``
LOW_SCORE = 0.5  # a paragraph whose winner holds less than this share is "unsure"

PARAGRAPH_THEME_COLUMNS = ["theme_id", "theme", "theme_score", "theme2"]
THEMES_TABLE_COLUMNS = [
    "theme_id",
    "name_zh",
    "name_en",
    "description",
    "seed_terms",
    "size",
    "share",
    "n_chars",
    "n_docs",
    "mean_score",
    "n_examples",
]
DOC_THEME_COLUMNS = ["doc_id", "theme_id", "theme", "n_paragraphs", "n_chars", "share"]
ARTICLE_THEME_COLUMNS = ["doc_id", "article_id", *DOC_THEME_COLUMNS[1:]]
EXAMPLE_COLUMNS = ["theme_id", "theme", "rank", "doc_id", "para_id", "theme_score", "text"]


# ---------------------------------------------------------------------------------------
# The taxonomy
# ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Taxonomy:
    """Themes in file order, with one compiled matcher per theme.

    ``ids``/``names`` follow the rows of ``themes.csv``; ``patterns[i]`` matches theme
    ``i``'s seed and exclusion terms, longest first; ``weights[i]`` maps a matched term to
    its weight (0 for exclusion terms).
    """

    table: pd.DataFrame
    ids: tuple[str, ...]
    names: tuple[str, ...]
    patterns: tuple[re.Pattern | None, ...]
    weights: tuple[dict[str, float], ...]

    @property
    def other(self) -> int:
        """Position of the ``其他`` theme."""
        return self.ids.index(OTHER_ID)


def split_terms(cell: object) -> list[str]:
    """Terms of a ``、``-joined cell, stripped, empty ones dropped.

    >>> split_terms("德育、 立德树人、、"), split_terms(float("nan"))
    (['德育', '立德树人'], [])
    """
    if not isinstance(cell, str):
        return []
    return [t.strip() for t in cell.split(TERM_SEP) if t.strip()]


def term_weight(term: str) -> float:
    """Weight of a seed term: longer terms are more specific.

    >>> term_weight("安全"), term_weight("营养餐"), term_weight("控辍保学")
    (1.0, 1.5, 2.0)
    """
    return {2: 1.0, 3: 1.5}.get(len(term), 1.0 if len(term) < 2 else 2.0)


def parse_taxonomy(table: pd.DataFrame) -> Taxonomy:
    """Check a theme table and compile its matchers.

    Args:
        table: rows of ``themes.csv`` (columns :data:`THEME_COLUMNS`; ``exclude_terms``
            may be empty).

    Raises:
        ValueError: a missing column, an empty or repeated ``theme_id``, a non-ASCII id,
            or no ``other`` row.
    """
    missing = set(THEME_COLUMNS) - set(table.columns)
    if missing:
        raise ValueError(f"themes table lacks columns: {sorted(missing)}")
    table = table[THEME_COLUMNS].fillna("").astype(str).reset_index(drop=True)
    ids = [i.strip() for i in table.theme_id]
    bad = [i for i in ids if not re.fullmatch(r"[a-z][a-z0-9_]*", i)]
    if bad or len(set(ids)) != len(ids):
        raise ValueError(f"theme_id must be unique lower-case ASCII slugs; check {bad or ids}")
    if OTHER_ID not in ids:
        raise ValueError(f"the taxonomy needs a theme with theme_id {OTHER_ID!r}")
    patterns, weights = [], []
    for row in table.itertuples():
        w = {t: term_weight(t) for t in split_terms(row.seed_terms)}
        w.update(dict.fromkeys(split_terms(row.exclude_terms), 0.0))
        terms = sorted(w, key=lambda t: (-len(t), t))
        patterns.append(re.compile("|".join(map(re.escape, terms))) if terms else None)
        weights.append(w)
    table["theme_id"] = ids
    return Taxonomy(table, tuple(ids), tuple(table.name_zh), tuple(patterns), tuple(weights))


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read and compile ``themes.csv`` (the shipped one by default).

    >>> tax = load_taxonomy()
    >>> tax.names[tax.ids.index("preschool")]
    '学前教育'
    """
    if path is None:
        return _shipped_taxonomy()
    return parse_taxonomy(pd.read_csv(path, dtype=str, encoding="utf-8"))


@lru_cache(maxsize=1)
def _shipped_taxonomy() -> Taxonomy:
    return parse_taxonomy(pd.read_csv(resource_path(THEMES_FILE), dtype=str, encoding="utf-8"))


# ---------------------------------------------------------------------------------------
# Evidence per paragraph
# ---------------------------------------------------------------------------------------
def score_text(text: str, taxonomy: Taxonomy | None = None) -> np.ndarray:
    """Seed-term evidence of one text for every theme (in taxonomy order).

    >>> tax = load_taxonomy()
    >>> s = score_text("全面落实控辍保学，劝返辍学学生12名。", tax)
    >>> tax.ids[int(s.argmax())], float(s.max())
    ('compulsory', 4.0)
    >>> float(score_text("中小学", tax)[tax.ids.index("compulsory")])
    0.0
    """
    tax = taxonomy or load_taxonomy()
    out = np.zeros(len(tax.ids))
    if not text:
        return out
    for i, (pat, w) in enumerate(zip(tax.patterns, tax.weights, strict=True)):
        if pat is not None:
            out[i] = sum(w[m] for m in pat.findall(text))
    return out


def score_texts(texts: Sequence[str], taxonomy: Taxonomy | None = None) -> np.ndarray:
    """:func:`score_text` for many texts: an ``n_texts x n_themes`` array."""
    tax = taxonomy or load_taxonomy()
    if not len(texts):
        return np.zeros((0, len(tax.ids)))
    return np.vstack([score_text(t, tax) for t in texts])


def add_context(
    own: np.ndarray,
    section: np.ndarray,
    group: Sequence[object],
    section_weight: float = SECTION_WEIGHT,
    neighbour_weight: float = NEIGHBOUR_WEIGHT,
) -> np.ndarray:
    """Own evidence plus the heading path's and the neighbours' evidence.

    Args:
        own: evidence of each paragraph's text, in document order.
        section: evidence of each paragraph's heading path.
        group: an id per row (e.g. ``doc_id:article_id``); neighbours are the rows just
            before and after within the same group.

    >>> own = np.array([[2.0, 0.0], [0.0, 0.0], [0.0, 3.0]])
    >>> add_context(own, np.zeros((3, 2)), ["a", "a", "b"]).tolist()
    [[2.0, 0.0], [0.6, 0.0], [0.0, 3.0]]
    """
    total = own + section_weight * section
    group = np.asarray(group, dtype=object)
    if len(own) > 1:
        same = group[1:] == group[:-1]
        total[1:][same] += neighbour_weight * own[:-1][same]
        total[:-1][same] += neighbour_weight * own[1:][same]
    return total


def choose_themes(evidence: np.ndarray, taxonomy: Taxonomy | None = None) -> pd.DataFrame:
    """Primary theme, score and secondary theme from evidence rows.

    Returns:
        Columns ``theme_id, theme, theme_score, theme2`` (``theme2`` empty when none).

    >>> tax = load_taxonomy()
    >>> ev = np.zeros((2, len(tax.ids))); ev[0, tax.ids.index("aid")] = 6.0
    >>> choose_themes(ev, tax)[["theme", "theme2"]].values.tolist()
    [['学生资助与教育扶贫', ''], ['其他', '']]
    """
    tax = taxonomy or load_taxonomy()
    ev = np.asarray(evidence, dtype=float).copy()
    ev[:, tax.other] += OTHER_PRIOR
    order = np.argsort(-ev, axis=1, kind="stable")
    first, second = order[:, 0], order[:, 1]
    rows = np.arange(len(ev))
    top, runner = ev[rows, first], ev[rows, second]
    score = np.round(top / ev.sum(axis=1), 4)
    has2 = (runner >= SECOND_RATIO * top) & (runner >= SECOND_MIN) & (second != tax.other)
    names = np.array(tax.names, dtype=object)
    return pd.DataFrame(
        dict(
            theme_id=np.array(tax.ids, dtype=object)[first],
            theme=names[first],
            theme_score=score,
            theme2=np.where(has2, names[second], ""),
        )
    )


# ---------------------------------------------------------------------------------------
# Paragraphs -> themes
# ---------------------------------------------------------------------------------------
EXCLUDE_FLAGS = ("is_boilerplate", "is_duplicate", "is_junk", "is_spam")


def _flag(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame:
        return np.zeros(len(frame), dtype=bool)
    values = frame[col]
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        return values.astype(str).str.strip().str.lower().isin({"true", "1", "yes"}).to_numpy()
    return values.fillna(False).astype(bool).to_numpy()


def content_mask(paragraphs: pd.DataFrame, min_chars: int = MIN_CHARS) -> np.ndarray:
    """Paragraphs that get a theme: long enough and not flagged (boilerplate, duplicate, junk).

    >>> frame = pd.DataFrame(dict(text=["短", "教" * 40, "教" * 40], is_boilerplate=[0, 0, 1]))
    >>> content_mask(frame).tolist()
    [False, True, False]
    """
    text = paragraphs["text"].fillna("").astype(str)
    keep = text.str.len().to_numpy() >= min_chars
    for col in EXCLUDE_FLAGS:
        keep &= ~_flag(paragraphs, col)
    return keep


def assign_themes(
    paragraphs: pd.DataFrame, taxonomy: Taxonomy | None = None, min_chars: int = MIN_CHARS
) -> pd.DataFrame:
    """Theme of every content paragraph, from its text, heading path and neighbours.

    Neighbours are the paragraphs just before and after in the same article that are not
    boilerplate or junk (duplicates count: their text is the same whichever file came
    first), so a paragraph's theme never depends on other files.

    Args:
        paragraphs: frame with ``doc_id, para_id, text`` (+ ``article_id``, ``section``,
            ``is_boilerplate``, ``is_duplicate``), in document order.
        taxonomy: themes to use; the shipped ``themes.csv`` by default.
        min_chars: shorter paragraphs get no theme.

    Returns:
        ``paragraphs``' ``doc_id, para_id`` plus ``theme_id, theme, theme_score, theme2``
        (empty strings and NaN score for paragraphs without a theme), same row order.

    >>> frame = pd.DataFrame(dict(doc_id="a", para_id=[0, 1], text=[
    ...     "认真落实学生资助政策，发放国家助学金和营养改善计划补助，精准资助建档立卡贫困学生。",
    ...     "全县新建校舍三栋，建筑面积五千平方米，改扩建运动场，添置教学仪器和图书，办学条件明显改善。"]))
    >>> assign_themes(frame)["theme"].tolist()
    ['学生资助与教育扶贫', '经费与办学条件']
    """
    tax = taxonomy or load_taxonomy()
    frame = paragraphs.reset_index(drop=True)
    out = frame[["doc_id", "para_id"]].copy()
    for col in PARAGRAPH_THEME_COLUMNS:
        out[col] = ""
    out["theme_score"] = np.nan
    live = ~(_flag(frame, "is_boilerplate") | _flag(frame, "is_junk") | _flag(frame, "is_spam"))
    ctx = frame[live]
    if ctx.empty:
        return out
    own = score_texts(ctx["text"].fillna("").astype(str).tolist(), tax)
    sections = (
        ctx["section"].fillna("").astype(str) if "section" in ctx else pd.Series("", ctx.index)
    )
    sec = _score_unique(sections.tolist(), tax)
    art = ctx["article_id"].astype(str) if "article_id" in ctx else ""
    group = (ctx["doc_id"].astype(str) + ":" + art).tolist()
    evidence = add_context(own, sec, group)
    chosen = choose_themes(evidence, tax)
    chosen.index = ctx.index
    keep = content_mask(frame, min_chars)
    rows = ctx.index[keep[ctx.index]]
    out.loc[rows, PARAGRAPH_THEME_COLUMNS] = chosen.loc[rows, PARAGRAPH_THEME_COLUMNS]
    out["theme_score"] = out["theme_score"].astype(float)
    return out


def _score_unique(texts: list[str], tax: Taxonomy) -> np.ndarray:
    """:func:`score_texts` computed once per distinct text (heading paths repeat a lot)."""
    uniq = list(dict.fromkeys(texts))
    scores = dict(zip(uniq, score_texts(uniq, tax), strict=True))
    return np.vstack([scores[t] for t in texts]) if texts else np.zeros((0, len(tax.ids)))
