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
   (``section``) adds its evidence, and the paragraphs just before and after it in the
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .paths import resource_path

THEMES_FILE = "themes.csv"
FURNITURE_FILE = "themes_furniture_terms.txt"
# The cleaning stage's spam vocabulary (column ``term``), when the project has one: its
# words never name a candidate theme either.
SPAM_VOCAB_FILE = "spam_vocab.csv"
THEME_COLUMNS = ["theme_id", "name_zh", "name_en", "description", "seed_terms", "exclude_terms"]
TERM_SEP = "、"
OTHER_ID = "other"
MIN_CHARS = 30  # the same selection as topics: shorter paragraphs get no theme
SECTION_WEIGHT = 1.0  # the heading path counts as much as the paragraph itself
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
    """:func:`score_text` for many texts at once: an ``n_texts x n_themes`` array.

    The texts are joined by newlines (no term contains one) and each theme's pattern runs
    once over the whole batch; matches are credited to the text they fall in. Same numbers
    as :func:`score_text` per text, at a fraction of the cost for many short paragraphs.

    >>> tax = load_taxonomy()
    >>> both = score_texts(["控辍保学", "", "幼儿园"], tax)
    >>> bool((both[0] == score_text("控辍保学", tax)).all()), float(both[1].sum())
    (True, 0.0)
    """
    tax = taxonomy or load_taxonomy()
    out = np.zeros((len(texts), len(tax.ids)))
    if not len(texts):
        return out
    texts = [t.replace("\n", " ") for t in texts]
    joined = "\n".join(texts)
    ends = np.cumsum([len(t) + 1 for t in texts])  # text i covers [ends[i-1], ends[i] - 1)
    for i, (pat, w) in enumerate(zip(tax.patterns, tax.weights, strict=True)):
        if pat is None:
            continue
        found = [(m.start(), w[m.group()]) for m in pat.finditer(joined)]
        if found:
            pos, weight = zip(*found, strict=True)
            np.add.at(out[:, i], np.searchsorted(ends, pos, side="right"), weight)
    return out


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
    ids = np.asarray(group, dtype=object)
    if len(own) > 1:
        same = ids[1:] == ids[:-1]
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
    n = len(frame)
    texts = frame["text"].fillna("").astype(str).tolist()
    live = np.flatnonzero(
        ~(_flag(frame, "is_boilerplate") | _flag(frame, "is_junk") | _flag(frame, "is_spam"))
    )
    theme_id = np.full(n, "", dtype=object)
    theme, theme2 = theme_id.copy(), theme_id.copy()
    score = np.full(n, np.nan)
    if len(live):
        own = score_texts([texts[i] for i in live], tax)
        section = frame["section"].fillna("").astype(str).tolist() if "section" in frame else []
        sec = _score_unique([section[i] for i in live] if section else [""] * len(live), tax)
        doc = frame["doc_id"].astype(str).to_numpy()[live]
        art = frame["article_id"].astype(str).to_numpy()[live] if "article_id" in frame else ""
        chosen = choose_themes(add_context(own, sec, doc + ":" + art), tax)
        keep = content_mask(frame, min_chars)[live]
        rows = live[keep]
        theme_id[rows] = chosen["theme_id"].to_numpy()[keep]
        theme[rows] = chosen["theme"].to_numpy()[keep]
        theme2[rows] = chosen["theme2"].to_numpy()[keep]
        score[rows] = chosen["theme_score"].to_numpy()[keep]
    return pd.DataFrame(
        dict(
            doc_id=frame["doc_id"].to_numpy(),
            para_id=frame["para_id"].to_numpy(),
            theme_id=theme_id,
            theme=theme,
            theme_score=score,
            theme2=theme2,
        )
    )


def _score_unique(texts: list[str], tax: Taxonomy) -> np.ndarray:
    """:func:`score_texts` computed once per distinct text (heading paths repeat a lot)."""
    uniq = list(dict.fromkeys(texts))
    scores = dict(zip(uniq, score_texts(uniq, tax), strict=True))
    return np.vstack([scores[t] for t in texts]) if texts else np.zeros((0, len(tax.ids)))


# ---------------------------------------------------------------------------------------
# Tables by theme
# ---------------------------------------------------------------------------------------
def _themed(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """The rows that carry a theme, with their length in characters."""
    ids = paragraphs["theme_id"].fillna("").astype(str)
    live = paragraphs[ids != ""].copy()
    live["_n_chars"] = live["text"].fillna("").astype(str).str.len()
    return live


def theme_shares(
    paragraphs: pd.DataFrame, keys: Sequence[str], taxonomy: Taxonomy | None = None
) -> pd.DataFrame:
    """Per group in ``keys`` (a document or an article): paragraphs, characters and share by theme.

    ``share`` is the theme's share of the group's themed characters, so it sums to 1 per
    group. Rows follow the groups' order, then the taxonomy order.

    >>> p = pd.DataFrame(dict(doc_id="a", text=["教" * 30, "育" * 90], theme_id=["aid", "it"],
    ...                       theme=["学生资助与教育扶贫", "教育信息化"]))
    >>> theme_shares(p, ["doc_id"])[["theme_id", "n_chars", "share"]].values.tolist()
    [['aid', 30, 0.25], ['it', 90, 0.75]]
    """
    tax = taxonomy or load_taxonomy()
    keys = list(keys)
    cols = [*keys, *DOC_THEME_COLUMNS[1:]]
    live = _themed(paragraphs)
    if live.empty:
        return pd.DataFrame(columns=cols)
    out = (
        live.groupby([*keys, "theme_id"], sort=False)
        .agg(n_paragraphs=("theme_id", "size"), n_chars=("_n_chars", "sum"))
        .reset_index()
    )
    total = out.groupby(keys, sort=False)["n_chars"].transform("sum")
    out["share"] = np.round(out["n_chars"] / total.where(total > 0, 1), 4)
    out["theme"] = out["theme_id"].map(dict(zip(tax.ids, tax.names, strict=True)))
    rank = {t: i for i, t in enumerate(tax.ids)}
    out = out.sort_values(
        [*keys, "theme_id"], key=lambda s: s.map(rank) if s.name == "theme_id" else s
    )
    return out[cols].reset_index(drop=True)


def pick_examples(paragraphs: pd.DataFrame, n: int = N_EXAMPLES) -> pd.DataFrame:
    """Up to ``n`` example paragraphs per theme: highest score, one per document first.

    Returns:
        Columns :data:`EXAMPLE_COLUMNS` (+ ``raw_start, raw_end`` when present).
    """
    extra = [c for c in ("raw_start", "raw_end") if c in paragraphs]
    live = _themed(paragraphs)
    if live.empty:
        return pd.DataFrame(columns=EXAMPLE_COLUMNS + extra)
    live = live.sort_values(["theme_score", "doc_id", "para_id"], ascending=[False, True, True])
    out = []
    for _, grp in live.groupby("theme_id", sort=False):
        spread = grp.drop_duplicates("doc_id").head(n)
        picked = pd.concat([spread, grp.drop(spread.index)]).head(n)
        out.append(picked.assign(rank=range(1, len(picked) + 1)))
    tax_rank = {t: i for i, t in enumerate(load_taxonomy().ids)}
    frame = pd.concat(out)
    frame = frame.assign(_o=frame.theme_id.map(tax_rank)).sort_values(["_o", "rank"])
    return frame[EXAMPLE_COLUMNS + extra].reset_index(drop=True)


def themes_table(
    paragraphs: pd.DataFrame, examples: pd.DataFrame, taxonomy: Taxonomy | None = None
) -> pd.DataFrame:
    """The taxonomy with each theme's size in this corpus.

    Every theme of the taxonomy has a row, even with no paragraph (size 0), so tables and
    charts of two runs line up.

    Returns:
        Columns :data:`THEMES_TABLE_COLUMNS`: ``size`` (paragraphs), ``share`` of themed
        paragraphs, ``n_chars``, ``n_docs``, ``mean_score``, ``n_examples``.
    """
    tax = taxonomy or load_taxonomy()
    out = tax.table[["theme_id", "name_zh", "name_en", "description", "seed_terms"]].copy()
    live = _themed(paragraphs)
    grp = live.groupby("theme_id")
    out["size"] = out.theme_id.map(grp.size()).fillna(0).astype(int)
    out["share"] = np.round(out["size"] / max(1, len(live)), 4)
    out["n_chars"] = out.theme_id.map(grp["_n_chars"].sum()).fillna(0).astype(int)
    out["n_docs"] = out.theme_id.map(grp["doc_id"].nunique()).fillna(0).astype(int)
    out["mean_score"] = out.theme_id.map(grp["theme_score"].mean()).astype(float).round(4)
    out["n_examples"] = out.theme_id.map(examples.groupby("theme_id").size()).fillna(0).astype(int)
    return out[THEMES_TABLE_COLUMNS]


# ---------------------------------------------------------------------------------------
# Discovery: clusters among the paragraphs no theme fits well
# ---------------------------------------------------------------------------------------
DISCOVERY_SAMPLE = 1000  # discovery tokenises and clusters at most this many (seeded sample)
DISCOVERY_KS = tuple(range(3, 9))
DISCOVERY_SEEDS = 2  # fits per k for the stability figure
MIN_POOL = 12  # fewer unsure paragraphs: no discovery
MIN_CANDIDATE_SIZE = 3
MIN_CANDIDATE_DOCS = 2  # a cluster from one document is that document's quirk, not a theme
PARAGRAPHS_PER_K = 5  # sweep only k <= pool / 5
CANDIDATE_COLUMNS = [
    "candidate_id",
    "label",
    "top_terms",
    "size",
    "n_docs",
    "coherence_npmi",
    "near_theme",
    "rank",
    "doc_id",
    "para_id",
    "score",
    "text",
    "raw_start",
    "raw_end",
]


@lru_cache(maxsize=1)
def load_furniture_terms() -> tuple[str, ...]:
    """Site-furniture and spam words that never name a candidate theme.

    ``themes_furniture_terms.txt``, plus the ``term`` column of ``spam_vocab.csv`` when
    that resource exists.

    >>> {"会员", "下载", "仅供参考", "付费"} <= set(load_furniture_terms())
    True
    """
    text = resource_path(FURNITURE_FILE).read_text(encoding="utf-8")
    terms = [ln.strip() for ln in text.splitlines() if ln.strip() and ln[0] != "#"]
    spam = resource_path(SPAM_VOCAB_FILE)
    if spam.is_file():
        table = pd.read_csv(spam, dtype=str, encoding="utf-8")
        if "term" in table:
            terms += [t.strip() for t in table["term"].dropna() if t.strip()]
    return tuple(dict.fromkeys(terms))


@lru_cache(maxsize=65536)
def is_furniture(token: str) -> bool:
    """Whether a token contains a site-furniture word.

    >>> is_furniture("会员分享"), is_furniture("资助")
    (True, False)
    """
    return _furniture_pattern().search(token) is not None


@lru_cache(maxsize=1)
def _furniture_pattern() -> re.Pattern:
    return re.compile("|".join(map(re.escape, load_furniture_terms())))


def discovery_pool(paragraphs: pd.DataFrame, low_score: float = LOW_SCORE) -> pd.DataFrame:
    """Themed paragraphs that fit no theme well (``其他`` or a score below ``low_score``).

    Paragraphs naming two or more furniture words (会员…下载…) are left out.
    """
    live = _themed(paragraphs)
    unsure = (live["theme_id"] == OTHER_ID) | (live["theme_score"].astype(float) < low_score)
    pool = live[unsure.to_numpy()]
    pattern = _furniture_pattern()
    texts = pool["text"].fillna("").astype(str)
    junk = [len(set(pattern.findall(t))) >= 2 for t in texts]
    return pool.loc[~np.array(junk, dtype=bool)].drop(columns="_n_chars")


def discover_candidates(
    paragraphs: pd.DataFrame,
    tokens: Mapping[tuple[str, int], Sequence[str] | str] | None = None,
    seed: int = 0,
    ks: Sequence[int] = DISCOVERY_KS,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Cluster the unsure paragraphs into candidate themes (NMF, k from a bounded sweep).

    Everything (tokenising, the sweep with coherence, diversity, silhouette and stability
    over ``DISCOVERY_SEEDS`` seeds, the chosen fit) runs on a seeded sample of at most
    ``DISCOVERY_SAMPLE`` unsure paragraphs, so its cost does not grow with the corpus;
    candidate sizes count paragraphs of that sample. Furniture words are removed from the
    tokens; clusters smaller than ``MIN_CANDIDATE_SIZE`` or from a single document are not
    reported.

    Args:
        paragraphs: paragraphs with ``theme_id, theme, theme_score`` (:func:`assign_themes`).
        tokens: topic tokens by ``(doc_id, para_id)`` (``helpers.topics.tokenize``);
            missing ones are computed.
        seed: seed of the sample and the fits.
        ks: candidate numbers of clusters.

    Returns:
        ``(candidates, sweep)``: :data:`CANDIDATE_COLUMNS`, one row per example paragraph
        of each candidate; the sweep table (``helpers.topics.SWEEP_COLUMNS``).
    """
    from threadpoolctl import threadpool_limits

    from . import topics as tp

    empty = pd.DataFrame(columns=CANDIDATE_COLUMNS), pd.DataFrame(columns=tp.SWEEP_COLUMNS)
    pool = discovery_pool(paragraphs).reset_index(drop=True)
    if len(pool) < MIN_POOL:
        return empty
    if len(pool) > DISCOVERY_SAMPLE:  # bounded cost: tokenise and fit a seeded sample only
        keep = np.random.default_rng(seed).choice(len(pool), DISCOVERY_SAMPLE, replace=False)
        pool = pool.iloc[np.sort(keep)].reset_index(drop=True)
    toks: dict[tuple[str, int], list[str]] = {}
    for d, p, t in zip(pool.doc_id, pool.para_id, pool.text.fillna(""), strict=True):
        given = tokens.get((d, p)) if tokens is not None else None
        got = given.split() if isinstance(given, str) else given
        got = tp.tokenize(t) if got is None else got
        toks[(d, p)] = [w for w in got if not is_furniture(w)]
    try:
        corpus = tp.build_corpus(pool, MIN_CHARS, tokens=toks)
    except ValueError:
        return empty
    n = corpus.tfidf.shape[0]
    sweep_ks = tuple(k for k in ks if 2 <= k <= n // PARAGRAPHS_PER_K)
    if n < MIN_POOL or not sweep_ks:
        return empty
    with threadpool_limits(limits=1):
        sweep, fits = tp.sweep_topics(corpus, sweep_ks, ("nmf",), seed, DISCOVERY_SEEDS)
    _, k, _ = tp.choose_setting(sweep)
    labels, scores = fits[("nmf", k)]
    sweep["chosen"] = sweep.k == k
    frame = pool.loc[corpus.rows].assign(_c=labels, score=np.round(scores, 4))
    terms = tp.rank_topic_terms(corpus.counts, labels, k, tp.N_TOP_TERMS)
    words: list[list[str]] = [[str(w) for w in corpus.vocab[t]] for t in terms]
    occurs = tp._occurs(corpus)
    coh = [tp.coherence_npmi(occurs, t) for t in terms]
    cands = _candidate_rows(frame, words, coh)
    return cands, sweep.round(4).reset_index(drop=True)


def _candidate_rows(frame: pd.DataFrame, words: list[list[str]], coh: list[float]) -> pd.DataFrame:
    """One row per example paragraph of each reportable cluster, largest cluster first."""
    rows = []
    sizes = frame.groupby("_c").size().sort_values(ascending=False, kind="stable")
    cid = 0
    for c, size in sizes.items():
        grp = frame[frame._c == c]
        if size < MIN_CANDIDATE_SIZE or grp.doc_id.nunique() < MIN_CANDIDATE_DOCS or not words[c]:
            continue
        near = grp.loc[grp.theme_id != OTHER_ID, "theme"].value_counts()
        grp = grp.sort_values(["score", "doc_id", "para_id"], ascending=[False, True, True])
        spread = grp.drop_duplicates("doc_id").head(N_EXAMPLES)
        for rank, row in enumerate(spread.itertuples(), start=1):
            rows.append(
                dict(
                    candidate_id=cid,
                    label="·".join(words[c][:3]),
                    top_terms=TERM_SEP.join(words[c]),
                    size=int(size),
                    n_docs=int(grp.doc_id.nunique()),
                    coherence_npmi=round(float(coh[c]), 4),
                    near_theme=str(near.index[0]) if len(near) else "",
                    rank=rank,
                    doc_id=row.doc_id,
                    para_id=row.para_id,
                    score=row.score,
                    text=row.text,
                    raw_start=getattr(row, "raw_start", np.nan),
                    raw_end=getattr(row, "raw_end", np.nan),
                )
            )
        cid += 1
    return pd.DataFrame(rows, columns=CANDIDATE_COLUMNS)


# ---------------------------------------------------------------------------------------
# What the pipeline calls
# ---------------------------------------------------------------------------------------
def theme_document(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """Themes of one document's paragraphs (what the pipeline runs per document).

    Run inside the pipeline's parallel, cached map: a theme depends only on its own
    document. Same as :func:`assign_themes`; named for its place in the pipeline.

    Returns:
        ``doc_id, para_id`` + :data:`PARAGRAPH_THEME_COLUMNS`.
    """
    return assign_themes(paragraphs)


def build_theme_tables(
    paragraphs: pd.DataFrame,
    themes: pd.DataFrame,
    tokens: Mapping[tuple[str, int], str] | None = None,
    seed: int = 0,
    k: int | None = None,
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Paragraphs with their themes, and the theme tables of the corpus.

    Args:
        paragraphs: all paragraphs, cross-document duplicates flagged.
        themes: :func:`theme_document` output of every document (concatenated).
        tokens: topic tokens for discovery, by paragraph, if already computed; discovery
            tokenises its sample otherwise.
        seed: seed of discovery.
        k: fixed number of discovery clusters (``None``: chosen by the bounded sweep).

    Returns:
        ``(paragraphs + theme columns, tables)`` with tables ``themes``, ``doc_topics``,
        ``article_topics``, ``theme_examples``, ``theme_candidates``, ``topic_sweep``.
        A paragraph that repeats an earlier file's paragraph keeps no theme.
    """
    out = paragraphs.drop(columns=PARAGRAPH_THEME_COLUMNS, errors="ignore")
    if len(themes):
        out = out.merge(themes, on=["doc_id", "para_id"], how="left")
    for col in PARAGRAPH_THEME_COLUMNS:
        if col not in out:
            out[col] = np.nan if col == "theme_score" else ""
    dup = _flag(out, "is_duplicate") | _flag(out, "is_boilerplate")
    out.loc[dup, ["theme_id", "theme", "theme2"]] = ""
    out.loc[dup, "theme_score"] = np.nan
    for col in ("theme_id", "theme", "theme2"):
        out[col] = out[col].fillna("").astype(str)
    out["theme_score"] = out["theme_score"].astype(float)
    examples = pick_examples(out)
    ks = DISCOVERY_KS if k is None else (k,)
    candidates, sweep = discover_candidates(out, tokens, seed=seed, ks=ks)
    article = (
        theme_shares(out, ["doc_id", "article_id"])
        if "article_id" in out
        else pd.DataFrame(columns=ARTICLE_THEME_COLUMNS)
    )
    tables = {
        "themes": themes_table(out, examples),
        "doc_topics": theme_shares(out, ["doc_id"]),
        "article_topics": article,
        "theme_examples": examples,
        "theme_candidates": candidates,
        "topic_sweep": sweep,
    }
    return out, tables
