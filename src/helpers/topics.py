"""Topics of report paragraphs: an education-aware tokeniser, clustering, a k sweep, labels.

The pipeline: :func:`tokenize` every clean, non-boilerplate, non-duplicate paragraph (jieba
plus an education user dictionary, minus stop words and junk), TF-IDF features, then one of
two clustering methods:

* ``lsa_kmeans``: KMeans on L2-normalised LSA (truncated SVD of TF-IDF), the paragraph's
  score is its cosine to the topic centre;
* ``nmf``: non-negative matrix factorisation of TF-IDF, each paragraph goes to its largest
  component and its score is that component's share of the row.

:func:`sweep_topics` fits both over a range of ``k`` with several seeds and reports, per
(method, k), NPMI coherence of the top terms, topic diversity, silhouette and stability
(mean pairwise adjusted Rand index between seeds). :func:`cluster_topics` picks the
setting from that table with a rule that uses no labels (see :func:`choose_setting`),
then labels each topic by its most distinctive terms (class-based TF-IDF) and picks
representative paragraphs.

Lexicons are data in ``helpers/resources/``: ``topics_userdict.txt`` (jieba user
dictionary), ``topics_stopwords.txt`` and ``topics_themes.csv`` (marker terms that name
topics).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import jieba
import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF, TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from .jieba_cache import load_plain_tokenizer, new_tokenizer
from .paths import resource_path

# ---------------------------------------------------------------------------------------
# Patterns and settings (data, compiled once)
# ---------------------------------------------------------------------------------------
USERDICT_FILE = "topics_userdict.txt"
STOPWORDS_FILE = "topics_stopwords.txt"
THEMES_FILE = "topics_themes.csv"

# A kept token is two or more CJK ideographs and nothing else: this drops digits,
# punctuation, latin runs (pinyin glosses, "xx" redactions, URLs), the 〓 mojibake marker,
# placeholder tokens made of symbols, and single characters in one rule.
KEEP_TOKEN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]{2,}")
# Administrative place names (镇江市, 绥中县, 江苏省): they name where a report comes from,
# not what it is about, and would otherwise pull a report's paragraphs into one topic.
PLACE_NAME = re.compile(r"[\u4e00-\u9fff]{2,6}[省市县]")
# Pinyin glosses glued to characters, e.g. 創(chuàng)造: removed before segmentation so the
# two characters around them can still form one word.
PINYIN_GLOSS = re.compile(r"[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüê]+[)）]")

METHODS = ("lsa_kmeans", "nmf")
DEFAULT_KS = tuple(range(6, 15))
DEFAULT_SEEDS = 5
STABILITY_MIN = 0.8  # a setting below this ARI between seeds is not trusted
DIVERSITY_MIN = 0.7  # share of distinct terms among all topics' top 25
N_TOP_TERMS = 10
N_DIVERSITY_TERMS = 25
N_LABEL_TERMS = 3
N_REPRESENTATIVES = 3
REP_MIN_SCORE = 0.6  # a representative from another document must still be this typical
MIN_DF = 2
MAX_DF = 0.5
LSA_COMPONENTS = 100
SILHOUETTE_SAMPLE = 3000  # silhouette is quadratic; larger corpora are sampled (fixed seed)
MIN_PARAGRAPHS_PER_TOPIC = 3  # sweep only k <= n / 3
MIN_PARAGRAPHS = 6  # fewer eligible paragraphs: no topics, every topic_id is -1
MIN_CHARS = 30  # shorter paragraphs are not clustered (topic_id -1)
TOKENIZE_MEMO_SIZE = 8192  # paragraphs whose tokens are memoised, per process
# Above this many paragraphs the sweep (90 fits) runs on a seeded sample and only the
# chosen setting is fitted on everything, so the default run stays around a minute.
SWEEP_SAMPLE = 4000

MIN_THEME_TERMS = 2  # top-10 terms a theme must share with a topic to name it

TOPIC_COLUMNS = [
    "topic_id",
    "label",
    "theme_hint",
    "top_terms",
    "size",
    "share",
    "n_docs",
    "coherence_npmi",
    "mean_score",
]
ASSIGNMENT_COLUMNS = ["doc_id", "para_id", "topic_id", "topic_score"]
DOC_TOPIC_COLUMNS = ["doc_id", "topic_id", "label", "n_paragraphs", "n_chars", "share"]
SWEEP_COLUMNS = [
    "method",
    "k",
    "coherence",
    "diversity",
    "silhouette",
    "stability_ari",
    "min_size",
    "chosen",
]
REPRESENTATIVE_COLUMNS = ["topic_id", "rank", "doc_id", "para_id", "topic_score", "text"]


# ---------------------------------------------------------------------------------------
# Resources and tokeniser
# ---------------------------------------------------------------------------------------
def _read_lines(name: str) -> list[str]:
    text = resource_path(name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def load_stopwords() -> frozenset[str]:
    """The stop-word list for topics (report boilerplate such as 加强, 工作, 开展).

    Returns:
        A frozenset of words.

    >>> {"加强", "进一步"} <= load_stopwords()
    True
    """
    return frozenset(_read_lines(STOPWORDS_FILE))


@lru_cache(maxsize=1)
def load_userdict() -> tuple[tuple[str, int | None, str | None], ...]:
    """The education user dictionary as ``(word, freq or None, tag or None)`` entries.

    >>> ("控辍保学", None, None) in load_userdict()
    True
    """
    entries = []
    for line in _read_lines(USERDICT_FILE):
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((parts[0], freq, tag))
    return tuple(entries)


@lru_cache(maxsize=1)
def load_theme_lexicon() -> dict[str, frozenset[str]]:
    """Named education themes and their marker terms, used only to name topics.

    >>> "控辍保学" in load_theme_lexicon()["经费与资助"]
    True
    """
    table = pd.read_csv(resource_path(THEMES_FILE), dtype=str)
    return {row.theme: frozenset(row.terms.split()) for row in table.itertuples()}


def name_topic(terms: list[str], min_terms: int = MIN_THEME_TERMS) -> str:
    """The theme whose marker terms best match a topic's ranked top terms ("" if none).

    Each top term found in a theme's lexicon adds ``1 / rank``; a theme needs at least
    ``min_terms`` matches. Ties go to the theme listed first in the resource file.

    Args:
        terms: the topic's terms, most distinctive first.

    >>> name_topic(["幼儿园", "安全", "收费", "安全教育", "检查", "排查"])
    '安全与卫生'
    >>> name_topic(["社区", "低碳", "居民"]), name_topic(["低碳", "环保"])
    ('社会事务', '')
    """
    best, best_score = "", 0.0
    for theme, markers in load_theme_lexicon().items():
        hits = [r for r, t in enumerate(terms, start=1) if t in markers]
        score = sum(1.0 / r for r in hits)
        if len(hits) >= min_terms and score > best_score:
            best, best_score = theme, score
    return best


@lru_cache(maxsize=1)
def load_tokenizer() -> jieba.Tokenizer:
    """A dedicated jieba tokenizer with the education user dictionary.

    Its model cache goes to ``helpers.paths.cache_dir()``, never the shared temp directory,
    and the global ``jieba`` instance is left untouched.
    """
    tk = new_tokenizer()
    for word, freq, tag in load_userdict():
        tk.add_word(word, freq, tag)
    return tk


def tokenize(text: str) -> list[str]:
    """Content words of a clean paragraph, for topic features.

    jieba with the education user dictionary; drops stop words, digits, punctuation,
    latin runs (pinyin, ``xx`` redactions), the ``〓`` marker, placeholders and single
    characters. Words keep their order; repeats are kept.

    Args:
        text: clean Simplified Chinese text (a paragraph).

    Returns:
        The list of kept tokens.

    >>> tokenize("进一步加强控辍保学工作，全面落实两免一补政策。")
    ['控辍保学', '两免一补', '政策']
    >>> tokenize("20xx年XX省〓〓 。")
    []
    """
    return list(_tokenize_text(text))


@lru_cache(maxsize=TOKENIZE_MEMO_SIZE)
def _tokenize_text(text: str) -> tuple[str, ...]:
    # Memoised on the exact text: the pipeline tokenises each document's paragraphs before
    # cross-document duplicates are known, so a paragraph repeated in many reports would
    # otherwise go through jieba once per report. A tuple, so no caller can edit the memo.
    text = PINYIN_GLOSS.sub("", text)
    return tuple(tok for tok in load_tokenizer().lcut(text) if is_topic_word(tok))


@lru_cache(maxsize=65536)
def is_topic_word(token: str) -> bool:
    """Whether a jieba token may be a topic term.

    No: non-CJK or single-character tokens, stop words; unless the word is in the user
    dictionary, also words made only of stop words (全面落实 = 全面 + 落实) and place names
    ending in 省/市/县.

    >>> is_topic_word("控辍保学"), is_topic_word("全面落实"), is_topic_word("镇江市")
    (True, False, False)
    """
    if not KEEP_TOKEN.fullmatch(token) or token in load_stopwords():
        return False
    if token in _userdict_words():
        return True
    if PLACE_NAME.fullmatch(token):
        return False
    return not _is_stop_compound(token)


@lru_cache(maxsize=1)
def _userdict_words() -> frozenset[str]:
    return frozenset(w for w, _, _ in load_userdict())


def _is_stop_compound(token: str) -> bool:
    """True if ``token`` is a stop word or a concatenation of stop words."""
    stop = load_stopwords()
    n = len(token)
    ok = [True] + [False] * n  # ok[i]: token[:i] splits into stop words
    for i in range(1, n + 1):
        ok[i] = any(ok[j] and token[j:i] in stop for j in range(max(0, i - 6), i - 1))
    return ok[n]


# ---------------------------------------------------------------------------------------
# Features
# ---------------------------------------------------------------------------------------
def _identity(tokens: list[str]) -> list[str]:
    return tokens


@dataclass(frozen=True, eq=False)
class TopicCorpus:
    """The clustered paragraphs as features.

    ``rows`` are positions in the input frame; ``tfidf`` is L2-normalised TF-IDF;
    ``counts`` raw term counts; ``vocab`` the feature names.
    """

    rows: np.ndarray
    tfidf: sparse.csr_matrix
    counts: sparse.csr_matrix
    vocab: np.ndarray


def select_paragraphs(paragraphs: pd.DataFrame, min_chars: int) -> np.ndarray:
    """Positions of paragraphs eligible for clustering (not boilerplate/duplicate, long enough).

    Args:
        paragraphs: frame with ``text``, ``is_boilerplate``, ``is_duplicate``.
        min_chars: minimum length of ``text`` in characters.

    Returns:
        Integer positions (``iloc``) of the eligible rows.
    """
    text = paragraphs["text"].fillna("").astype(str)
    keep = text.str.len().to_numpy() >= min_chars
    for col in ("is_boilerplate", "is_duplicate"):
        if col in paragraphs:
            keep &= ~_as_flag(paragraphs[col])
    return np.flatnonzero(keep)


def tokenize_paragraphs(
    paragraphs: pd.DataFrame, min_chars: int = MIN_CHARS
) -> dict[tuple[str, int], list[str]]:
    """:func:`tokenize` the paragraphs :func:`select_paragraphs` keeps, keyed by paragraph.

    This is the expensive part of :func:`cluster_topics`; the pipeline calls it per
    document, inside the parallel map, and passes the result to ``cluster_topics(...,
    tokens=...)``. A paragraph flagged later (a duplicate of another document) is simply
    not selected there, so the selection here may be wider than the final one.

    Args:
        paragraphs: frame with ``doc_id, para_id, text`` (+ ``is_boilerplate``,
            ``is_duplicate``).
        min_chars: the same minimum length that ``cluster_topics`` will use.

    Returns:
        ``{(doc_id, para_id): tokens}`` for every selected paragraph.

    >>> frame = pd.DataFrame(dict(doc_id=["a", "a"], para_id=[0, 1], is_boilerplate=[False, True],
    ...                           text=["进一步加强控辍保学工作，全面落实两免一补政策。"] * 2))
    >>> tokenize_paragraphs(frame, min_chars=10)
    {('a', 0): ['控辍保学', '两免一补', '政策']}
    """
    rows = select_paragraphs(paragraphs, min_chars)
    doc_ids = paragraphs["doc_id"].to_numpy()[rows].tolist()
    para_ids = paragraphs["para_id"].to_numpy()[rows].tolist()
    texts = paragraphs["text"].fillna("").astype(str).to_numpy()[rows].tolist()
    return {(d, p): tokenize(t) for d, p, t in zip(doc_ids, para_ids, texts, strict=True)}


def _as_flag(col: pd.Series) -> np.ndarray:
    """Boolean flags from bools, 0/1 or the strings a CSV round trip leaves ("False")."""
    if col.dtype == object or pd.api.types.is_string_dtype(col):
        return col.astype(str).str.strip().str.lower().isin({"true", "1", "yes"}).to_numpy()
    return col.fillna(False).astype(bool).to_numpy()


def build_corpus(
    paragraphs: pd.DataFrame,
    min_chars: int,
    min_tokens: int = 3,
    tokens: Mapping[tuple[str, int], Sequence[str] | str] | None = None,
) -> TopicCorpus:
    """Tokenise the eligible paragraphs and build TF-IDF and count matrices.

    Paragraphs with fewer than ``min_tokens`` in-vocabulary tokens are left out.

    Args:
        tokens: pre-computed tokens by ``(doc_id, para_id)`` (see :func:`cluster_topics`);
            a selected paragraph missing from it is tokenised here.

    Raises:
        ValueError: fewer than two paragraphs or terms survive.
    """
    rows = select_paragraphs(paragraphs, min_chars)
    texts = paragraphs["text"].fillna("").astype(str).to_numpy()
    token_lists: list[list[str]]
    if tokens is None:
        token_lists = [tokenize(texts[i]) for i in rows]
    else:
        keys = zip(
            paragraphs["doc_id"].to_numpy()[rows].tolist(),
            paragraphs["para_id"].to_numpy()[rows].tolist(),
            strict=True,
        )
        token_lists = [
            _given_tokens(tokens.get(key), texts[i]) for key, i in zip(keys, rows, strict=True)
        ]
    if len(rows) < 2:
        raise ValueError(f"only {len(rows)} paragraph(s) eligible for topics; need at least 2")
    vec = TfidfVectorizer(analyzer=_identity, min_df=MIN_DF, max_df=MAX_DF, sublinear_tf=True)
    try:
        tfidf = vec.fit_transform(token_lists)
    except ValueError as exc:  # empty vocabulary after pruning
        raise ValueError(f"no usable terms for topics: {exc}") from exc
    vocab = vec.get_feature_names_out()
    index = {t: j for j, t in enumerate(vocab)}
    counts = _count_matrix(token_lists, index)
    enough = np.asarray(counts.sum(axis=1)).ravel() >= min_tokens
    tfidf, counts, rows = tfidf[enough], counts[enough], rows[enough]
    if len(rows) < 2:
        raise ValueError("fewer than 2 paragraphs have enough topic terms")
    return TopicCorpus(rows, tfidf.tocsr(), counts.tocsr(), vocab)


def _given_tokens(given: Sequence[str] | str | None, text: str) -> list[str]:
    """Pre-computed tokens as a list (a string is space-joined); ``None``: tokenise ``text``."""
    if given is None:
        return tokenize(text)
    if isinstance(given, str):
        return given.split()
    return list(given)


def _count_matrix(tokens: list[list[str]], index: dict[str, int]) -> sparse.csr_matrix:
    data, ind, ptr = [], [], [0]
    for toks in tokens:
        ids, cnt = np.unique([index[t] for t in toks if t in index], return_counts=True)
        ind.extend(ids.tolist())
        data.extend(cnt.tolist())
        ptr.append(len(ind))
    return sparse.csr_matrix(
        (np.asarray(data, dtype=np.float64), np.asarray(ind, dtype=np.int64), ptr),
        shape=(len(tokens), len(index)),
    )


def sample_corpus(corpus: TopicCorpus, size: int, seed: int) -> TopicCorpus:
    """The corpus itself if it has at most ``size`` rows, else a seeded random subset.

    The subset keeps the TF-IDF of the whole corpus (same vocabulary and weights).
    """
    n = corpus.tfidf.shape[0]
    if n <= size:
        return corpus
    idx = np.sort(np.random.default_rng(seed).choice(n, size=size, replace=False))
    return TopicCorpus(corpus.rows[idx], corpus.tfidf[idx], corpus.counts[idx], corpus.vocab)


# ---------------------------------------------------------------------------------------
# Methods
# ---------------------------------------------------------------------------------------
def embed_lsa(tfidf: sparse.csr_matrix, seed: int) -> np.ndarray:
    """L2-normalised LSA coordinates of TF-IDF rows (truncated SVD, up to 100 dimensions)."""
    n, v = tfidf.shape
    dims = max(2, min(LSA_COMPONENTS, n - 1, v - 1))
    return normalize(TruncatedSVD(n_components=dims, random_state=seed).fit_transform(tfidf))


def fit_partition(
    tfidf: sparse.csr_matrix, method: str, k: int, seed: int, lsa: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Cluster TF-IDF rows into ``k`` topics.

    Args:
        tfidf: L2-normalised TF-IDF matrix (paragraphs x terms).
        method: ``"lsa_kmeans"`` or ``"nmf"``.
        k: number of topics.
        seed: random seed for every random step.
        lsa: ``embed_lsa(tfidf, seed)`` when already computed (it does not depend on k).

    Returns:
        ``(labels, scores)``: topic per row (0..k-1) and a score in [0, 1] per row.

    Raises:
        ValueError: unknown method, or ``k`` not in 2..n_rows-1.
    """
    n = tfidf.shape[0]
    if not 2 <= k < n:
        raise ValueError(f"k={k} must be between 2 and {n - 1} for {n} paragraphs")
    if method == "lsa_kmeans":
        lsa = embed_lsa(tfidf, seed) if lsa is None else lsa
        km = KMeans(n_clusters=k, n_init=10, random_state=seed).fit(lsa)
        centres = normalize(km.cluster_centers_)
        labels = km.labels_.astype(int)
        scores = np.einsum("ij,ij->i", lsa, centres[labels])
        return labels, np.clip(scores, 0.0, 1.0)
    if method == "nmf":
        model = NMF(n_components=k, init="nndsvdar", random_state=seed, max_iter=1000)
        w = model.fit_transform(tfidf)
        labels = w.argmax(axis=1).astype(int)
        total = w.sum(axis=1)
        scores = np.divide(w.max(axis=1), total, out=np.zeros(n), where=total > 0)
        return labels, scores
    raise ValueError(f"unknown topic method {method!r}; choose from {METHODS}")


# ---------------------------------------------------------------------------------------
# Topic terms and quality figures
# ---------------------------------------------------------------------------------------
def rank_topic_terms(
    counts: sparse.csr_matrix, labels: np.ndarray, k: int, n: int = N_TOP_TERMS
) -> list[np.ndarray]:
    """Most distinctive term indices per topic, by class-based TF-IDF.

    The weight of term t in topic c is ``tf(t, c) / len(c) * log(1 + A / f(t))`` where
    ``A`` is the mean number of tokens per topic and ``f(t)`` the term's total count: a
    term frequent in the topic and rare elsewhere ranks first.

    Returns:
        One array of up to ``n`` term indices per topic (empty for an empty topic).
    """
    onehot = sparse.csr_matrix(
        (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(k, len(labels))
    )
    tf = np.asarray((onehot @ counts).todense())
    sizes = tf.sum(axis=1, keepdims=True)
    total = tf.sum(axis=0)
    idf = np.log1p(sizes.mean() / np.maximum(total, 1))
    weight = np.divide(tf, sizes, out=np.zeros_like(tf), where=sizes > 0) * idf
    out = []
    for c in range(k):
        order = np.argsort(-weight[c], kind="stable")
        out.append(order[weight[c, order] > 0][:n])
    return out


def coherence_npmi(occurs: sparse.csr_matrix, terms: np.ndarray) -> float:
    """Mean NPMI over pairs of ``terms``, with paragraphs as co-occurrence windows.

    NPMI(a, b) = log(p(a,b) / (p(a) p(b))) / -log p(a,b), and -1 for pairs that never
    co-occur. Ranges from -1 to 1; higher means the terms really are used together.

    Args:
        occurs: binary paragraphs x terms matrix.
        terms: term indices (a topic's top terms).

    Returns:
        The mean over all pairs (NaN for fewer than two terms).
    """
    if len(terms) < 2:
        return float("nan")
    sub = occurs[:, terms]
    n = occurs.shape[0]
    joint = np.asarray((sub.T @ sub).todense()) / n
    single = np.diag(joint)
    vals = []
    for a, b in itertools.combinations(range(len(terms)), 2):
        p_ab = joint[a, b]
        if p_ab <= 0:
            vals.append(-1.0)
        elif p_ab >= 1:
            vals.append(1.0)
        else:
            vals.append(np.log(p_ab / (single[a] * single[b])) / -np.log(p_ab))
    return float(np.mean(vals))


def topic_diversity(term_lists: list[np.ndarray]) -> float:
    """Share of distinct terms among all topics' top terms (1.0 = no overlap).

    >>> topic_diversity([np.array([1, 2]), np.array([2, 3])])
    0.75
    """
    allterms: np.ndarray = (
        np.concatenate([np.asarray(t) for t in term_lists]) if term_lists else np.array([])
    )
    return float(len(set(allterms)) / len(allterms)) if len(allterms) else float("nan")


def mean_pairwise_ari(partitions: list[np.ndarray]) -> float:
    """Mean adjusted Rand index over all pairs of partitions (1.0 for a single one).

    >>> mean_pairwise_ari([np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0])])
    1.0
    """
    pairs = list(itertools.combinations(partitions, 2))
    if not pairs:
        return 1.0
    return float(np.mean([adjusted_rand_score(a, b) for a, b in pairs]))


def _occurs(corpus: TopicCorpus) -> sparse.csr_matrix:
    occ = corpus.counts.copy()
    occ.data[:] = 1.0
    return occ


def score_partition(corpus: TopicCorpus, labels: np.ndarray, k: int) -> dict[str, float]:
    """Label-free quality figures of one partition: coherence, diversity, silhouette."""
    occ = _occurs(corpus)
    top = rank_topic_terms(corpus.counts, labels, k, N_DIVERSITY_TERMS)
    coh = [coherence_npmi(occ, t[:N_TOP_TERMS]) for t in top if len(t) >= 2]
    n_labels = len(np.unique(labels))
    sil = (
        float(
            silhouette_score(
                corpus.tfidf,
                labels,
                metric="cosine",
                sample_size=min(len(labels), SILHOUETTE_SAMPLE),
                random_state=0,
            )
        )
        if 1 < n_labels < len(labels)
        else float("nan")
    )
    return dict(
        coherence=float(np.mean(coh)) if coh else float("nan"),
        diversity=topic_diversity(top),
        silhouette=sil,
        min_size=int(np.bincount(labels, minlength=k).min()),
    )


# ---------------------------------------------------------------------------------------
# Sweep and choice
# ---------------------------------------------------------------------------------------
def sweep_topics(
    corpus: TopicCorpus,
    ks: tuple[int, ...] = DEFAULT_KS,
    methods: tuple[str, ...] = METHODS,
    seed: int = 0,
    n_seeds: int = DEFAULT_SEEDS,
) -> tuple[pd.DataFrame, dict[tuple[str, int], tuple[np.ndarray, np.ndarray]]]:
    """Fit every (method, k) with ``n_seeds`` seeds and score it.

    Quality figures are those of the run with ``seed``; ``stability_ari`` is the mean
    pairwise ARI between the runs with seeds ``seed .. seed + n_seeds - 1``.

    Returns:
        The sweep table (``SWEEP_COLUMNS`` without ``chosen``) and, per (method, k), the
        ``(labels, scores)`` of the ``seed`` run.
    """
    rows, fits = [], {}
    n = corpus.tfidf.shape[0]
    seeds = range(seed, seed + n_seeds)
    lsa = {s: embed_lsa(corpus.tfidf, s) for s in seeds} if "lsa_kmeans" in methods else {}
    for method in methods:
        for k in ks:
            if not 2 <= k < n:
                continue
            runs = [fit_partition(corpus.tfidf, method, k, s, lsa.get(s)) for s in seeds]
            labels, scores = runs[0]
            fits[(method, k)] = (labels, scores)
            rows.append(
                dict(
                    method=method,
                    k=k,
                    **score_partition(corpus, labels, k),
                    stability_ari=mean_pairwise_ari([r[0] for r in runs]),
                )
            )
    if not rows:
        raise ValueError(f"no k in {ks} fits {n} paragraphs")
    table = pd.DataFrame(rows)
    return table[[c for c in SWEEP_COLUMNS if c in table]], fits


def choose_setting(sweep: pd.DataFrame) -> tuple[str, int, str]:
    """Pick (method, k) from a sweep table, using no labels.

    Rule: keep the settings that are stable (ARI between seeds >= ``STABILITY_MIN``) and
    diverse (>= ``DIVERSITY_MIN``); among them take the best mean rank over coherence
    and silhouette (ties: smaller k). If none pass, the most stable setting is taken.

    Returns:
        ``(method, k, reason)`` with the reason in words.
    """
    ok = sweep[(sweep.stability_ari >= STABILITY_MIN) & (sweep.diversity >= DIVERSITY_MIN)]
    if ok.empty:
        best = sweep.sort_values(["stability_ari", "k"], ascending=[False, True]).iloc[0]
        return (
            str(best.method),
            int(best.k),
            f"no setting reached stability ARI >= {STABILITY_MIN} and diversity >= "
            f"{DIVERSITY_MIN}; took the most stable (ARI {best.stability_ari:.2f})",
        )
    ranks = (
        ok.coherence.rank(ascending=False, method="min")
        + ok.silhouette.rank(ascending=False, method="min")
    ) / 2
    ok = ok.assign(_rank=ranks).sort_values(["_rank", "k", "method"])
    best = ok.iloc[0]
    return (
        str(best.method),
        int(best.k),
        f"best mean rank of NPMI coherence ({best.coherence:.3f}) and silhouette "
        f"({best.silhouette:.3f}) among {len(ok)} of {len(sweep)} settings with stability "
        f"ARI >= {STABILITY_MIN} and diversity >= {DIVERSITY_MIN}; ARI {best.stability_ari:.2f}",
    )


# ---------------------------------------------------------------------------------------
# Result tables
# ---------------------------------------------------------------------------------------
@dataclass
class TopicResult:
    """Outputs of :func:`cluster_topics`.

    Attributes:
        topics: one row per topic, ``TOPIC_COLUMNS`` (``label`` = theme hint, if any, and
            the 3 most distinctive terms, e.g. ``师资队伍：教师·校长·培训``; ``theme_hint``
            from ``resources/topics_themes.csv``, "" when no theme matches; ``top_terms``
            is a "、"-joined string of the 10 most distinctive terms; ``share`` of clustered paragraphs; ``n_docs``
            documents it occurs in).
        assignments: one row per input paragraph, ``doc_id, para_id, topic_id,
            topic_score``; ``topic_id`` is -1 (score NaN) for boilerplate, duplicate, short
            or term-less paragraphs.
        doc_topics: long format, one row per (document, topic) present: paragraphs,
            characters and ``share`` = the topic's share of the document's clustered
            characters (shares of a document sum to 1).
        article_topics: the same per ``(doc_id, article_id)`` when the input has
            ``article_id`` (empty otherwise).
        sweep: the k sweep, ``SWEEP_COLUMNS``.
        chosen: ``{"method", "k", "reason"}``.
        representatives: up to 3 paragraphs per topic with the highest scores, from
            different documents where possible.
    """

    topics: pd.DataFrame
    assignments: pd.DataFrame
    doc_topics: pd.DataFrame
    article_topics: pd.DataFrame
    sweep: pd.DataFrame
    chosen: dict = field(default_factory=dict)
    representatives: pd.DataFrame = field(default_factory=pd.DataFrame)


def _share_table(frame: pd.DataFrame, keys: list[str], labels: dict[int, str]) -> pd.DataFrame:
    """Per group in ``keys``: paragraphs, characters and character share per topic."""
    cols = [*keys, "topic_id", "label", "n_paragraphs", "n_chars", "share"]
    live = frame[frame.topic_id >= 0]
    if live.empty:
        return pd.DataFrame(columns=cols)
    g = (
        live.groupby([*keys, "topic_id"], sort=True)
        .agg(n_paragraphs=("topic_id", "size"), n_chars=("_n_chars", "sum"))
        .reset_index()
    )
    g["share"] = (g.n_chars / g.groupby(keys).n_chars.transform("sum")).round(4)
    g["label"] = g.topic_id.map(labels)
    return g[cols].reset_index(drop=True)


def pick_representatives(
    frame: pd.DataFrame, n: int = N_REPRESENTATIVES, min_score: float = REP_MIN_SCORE
) -> pd.DataFrame:
    """Top-scoring paragraphs per topic, spread over documents when that costs little.

    First the best paragraph of each document among those scoring at least ``min_score``
    (so a topic is not shown through one report only), then the next best of any
    document; the picks are ranked by score.

    Args:
        frame: assignments with ``doc_id, para_id, topic_id, topic_score, text``.
        n: paragraphs per topic.
        min_score: weakest score that may be picked for the sake of another document.
    """
    out = []
    live = frame[frame.topic_id >= 0].sort_values(
        ["topic_id", "topic_score", "doc_id", "para_id"], ascending=[True, False, True, True]
    )
    for _, grp in live.groupby("topic_id", sort=True):
        spread = grp[grp.topic_score >= min_score].drop_duplicates("doc_id").head(n)
        picked = pd.concat([spread, grp.drop(spread.index)]).head(n)
        picked = picked.sort_values(
            ["topic_score", "doc_id", "para_id"], ascending=[False, True, True]
        )
        out.append(picked.assign(rank=range(1, len(picked) + 1)))
    extra = [c for c in ("raw_start", "raw_end") if c in frame]
    cols = REPRESENTATIVE_COLUMNS + extra
    if not out:
        return pd.DataFrame(columns=cols)
    return pd.concat(out)[cols].reset_index(drop=True)


def cluster_topics(
    paragraphs: pd.DataFrame,
    k: int | None = None,
    seed: int = 0,
    method: str = "auto",
    min_chars: int = MIN_CHARS,
    ks: tuple[int, ...] = DEFAULT_KS,
    n_seeds: int = DEFAULT_SEEDS,
    tokens: Mapping[tuple[str, int], Sequence[str] | str] | None = None,
) -> TopicResult:
    """Cluster report paragraphs into labelled topics, with the evidence for the choice.

    Args:
        paragraphs: frame with ``doc_id, para_id, text, is_boilerplate, is_duplicate``
            (``article_id``, ``raw_start``, ``raw_end`` are carried along when present).
        k: number of topics; ``None`` chooses it from the sweep over ``ks``.
        seed: seed of the reported run (stability uses ``seed .. seed + n_seeds - 1``).
        method: ``"lsa_kmeans"``, ``"nmf"`` or ``"auto"`` (chosen from the sweep).
        min_chars: paragraphs shorter than this get topic -1.
        ks: candidate numbers of topics for the sweep when ``k`` is None.
        n_seeds: runs per setting for the stability figure.
        tokens: :func:`tokenize` output already computed, by ``(doc_id, para_id)``, as a
            list or a space-joined string (topic tokens never contain spaces), e.g. from
            :func:`tokenize_paragraphs` run per document in parallel. Used instead of
            tokenising again; it must come from the same ``text``. Paragraphs missing
            from it are tokenised here, extra entries are ignored. The tables are the
            same as without it.

    Returns:
        A :class:`TopicResult`.

    Fewer than ``MIN_PARAGRAPHS`` usable paragraphs give an empty result (no topics,
    every ``topic_id`` -1, the reason in ``chosen["reason"]``) rather than an error, so a
    pipeline run on a tiny folder still completes. Without ``k``, the sweep keeps only
    the ``ks`` with at least 3 paragraphs per topic on average.

    Raises:
        ValueError: missing columns, unknown method, or a fixed ``k`` that does not fit.

    Example (on the seed corpus, paragraphs from the cleaning stage)::

        res = cluster_topics(paragraphs)           # e.g. chosen = {"method": "nmf", "k": 9}
        res.topics[["topic_id", "label", "size"]]  # 0  资助·建档立卡·贫困学生  61 ...
    """
    missing = {"doc_id", "para_id", "text"} - set(paragraphs.columns)
    if missing:
        raise ValueError(f"paragraphs lack columns: {sorted(missing)}")
    if method != "auto" and method not in METHODS:
        raise ValueError(f"unknown topic method {method!r}; choose from {METHODS}")
    try:
        corpus = build_corpus(paragraphs, min_chars, tokens=tokens)
    except ValueError as exc:
        return empty_result(paragraphs, str(exc))
    n = corpus.tfidf.shape[0]
    if n < MIN_PARAGRAPHS:
        return empty_result(paragraphs, f"only {n} paragraphs to cluster (< {MIN_PARAGRAPHS})")
    methods = METHODS if method == "auto" else (method,)
    if k is None:
        # a topic should hold a few paragraphs on average; small corpora get smaller ks
        sweep_ks = tuple(x for x in ks if x <= n // MIN_PARAGRAPHS_PER_TOPIC)
        sweep_ks = sweep_ks or (max(2, n // MIN_PARAGRAPHS_PER_TOPIC),)
    else:
        sweep_ks = (k,)
    # One BLAS thread: on a shared 2-core machine threads only fight each other, and a
    # fixed thread count keeps floating-point sums in the same order run after run.
    sample = sample_corpus(corpus, SWEEP_SAMPLE, seed)
    with threadpool_limits(limits=1):
        sweep, fits = sweep_topics(sample, sweep_ks, methods, seed, n_seeds)
    if k is not None and method != "auto":
        chosen_method, chosen_k, reason = method, k, "fixed by the caller"
    else:
        chosen_method, chosen_k, reason = choose_setting(sweep)
        if k is not None:
            reason = f"k={k} fixed by the caller; method: {reason}"
    sweep["chosen"] = (sweep.method == chosen_method) & (sweep.k == chosen_k)
    if sample is corpus:
        labels, scores = fits[(chosen_method, chosen_k)]
    else:
        reason += f" (sweep on a seeded sample of {SWEEP_SAMPLE} of {n} paragraphs)"
        with threadpool_limits(limits=1):
            labels, scores = fit_partition(corpus.tfidf, chosen_method, chosen_k, seed)
    labels = _renumber_by_size(labels)

    occ = _occurs(corpus)
    terms = rank_topic_terms(corpus.counts, labels, chosen_k, N_TOP_TERMS)
    words = [corpus.vocab[t].tolist() for t in terms]
    hint_of = {c: name_topic(w) for c, w in enumerate(words)}
    label_of = {
        c: (f"{hint_of[c]}：" if hint_of[c] else "") + "·".join(w[:N_LABEL_TERMS])
        for c, w in enumerate(words)
    }

    frame = paragraphs.reset_index(drop=True).copy()
    frame["topic_id"] = -1
    frame["topic_score"] = np.nan
    frame.loc[corpus.rows, "topic_id"] = labels
    frame.loc[corpus.rows, "topic_score"] = np.round(scores, 4)
    frame["_n_chars"] = frame["text"].fillna("").astype(str).str.len()

    live = frame.loc[corpus.rows]
    topics = pd.DataFrame(
        dict(
            topic_id=range(chosen_k),
            label=[label_of[c] for c in range(chosen_k)],
            theme_hint=[hint_of[c] for c in range(chosen_k)],
            top_terms=["、".join(w) for w in words],
            size=np.bincount(labels, minlength=chosen_k),
            share=np.round(np.bincount(labels, minlength=chosen_k) / len(labels), 4),
            n_docs=[live[live.topic_id == c].doc_id.nunique() for c in range(chosen_k)],
            coherence_npmi=[round(coherence_npmi(occ, t), 4) for t in terms],
            mean_score=[
                round(float(scores[labels == c].mean()), 4) if (labels == c).any() else np.nan
                for c in range(chosen_k)
            ],
        )
    )[TOPIC_COLUMNS]
    article_topics = (
        _share_table(frame, ["doc_id", "article_id"], label_of)
        if "article_id" in frame
        else pd.DataFrame(columns=["doc_id", "article_id", *DOC_TOPIC_COLUMNS[1:]])
    )
    return TopicResult(
        topics=topics,
        assignments=frame[ASSIGNMENT_COLUMNS].copy(),
        doc_topics=_share_table(frame, ["doc_id"], label_of),
        article_topics=article_topics,
        sweep=sweep.round(4).reset_index(drop=True),
        chosen=dict(method=chosen_method, k=chosen_k, reason=reason),
        representatives=pick_representatives(frame),
    )


def empty_result(paragraphs: pd.DataFrame, reason: str) -> TopicResult:
    """A :class:`TopicResult` with no topics: every paragraph gets topic -1.

    Used when too few paragraphs are left to cluster; ``chosen["reason"]`` says why.
    """
    assignments = paragraphs.reset_index(drop=True)[["doc_id", "para_id"]].copy()
    assignments["topic_id"] = -1
    assignments["topic_score"] = np.nan
    return TopicResult(
        topics=pd.DataFrame(columns=TOPIC_COLUMNS),
        assignments=assignments,
        doc_topics=pd.DataFrame(columns=DOC_TOPIC_COLUMNS),
        article_topics=pd.DataFrame(columns=["doc_id", "article_id", *DOC_TOPIC_COLUMNS[1:]]),
        sweep=pd.DataFrame(columns=SWEEP_COLUMNS),
        chosen=dict(method="", k=0, reason=reason),
        representatives=pd.DataFrame(columns=REPRESENTATIVE_COLUMNS),
    )


def _renumber_by_size(labels: np.ndarray) -> np.ndarray:
    """Topic ids ordered by size, largest first (ties by first appearance), so runs read alike.

    >>> _renumber_by_size(np.array([2, 0, 0, 1, 1, 1])).tolist()
    [2, 1, 1, 0, 0, 0]
    """
    ids, first, counts = np.unique(labels, return_index=True, return_counts=True)
    order = sorted(range(len(ids)), key=lambda i: (-counts[i], first[i]))
    mapping = {ids[i]: new for new, i in enumerate(order)}
    return np.array([mapping[x] for x in labels], dtype=int)


# ---------------------------------------------------------------------------------------
# Helpers for evaluation (the evaluation itself lives in bench/eval_topics.py)
# ---------------------------------------------------------------------------------------
MIN_GOLD_OVERLAP = 0.5


def match_gold(paragraphs: pd.DataFrame, gold: pd.DataFrame) -> pd.Series:
    """Position of the paragraph that covers each gold span (by raw-offset overlap).

    A gold row matches the paragraph of the same document whose raw span overlaps it most,
    if that overlap covers at least half the gold span; otherwise -1.

    Args:
        paragraphs: frame with ``doc_id, raw_start, raw_end``.
        gold: frame with ``doc_id, raw_start, raw_end``.

    Returns:
        Integer positions (``iloc`` into ``paragraphs``), indexed like ``gold``.
    """
    pos = pd.Series(-1, index=gold.index, dtype=int)
    # list(): dict() of a GroupBy calls its `keys` attribute, a string in pandas 3
    by_doc = dict(list(paragraphs.reset_index(drop=True).groupby("doc_id")))
    for i, row in gold.iterrows():
        cand = by_doc.get(row.doc_id)
        if cand is None:
            continue
        lo = np.maximum(cand.raw_start.to_numpy(), row.raw_start)
        hi = np.minimum(cand.raw_end.to_numpy(), row.raw_end)
        overlap = np.clip(hi - lo, 0, None)
        best = int(overlap.argmax())
        if overlap[best] >= MIN_GOLD_OVERLAP * max(1, row.raw_end - row.raw_start):
            pos[i] = int(cand.index[best])
    return pos


def plain_documents(texts: list[str]) -> list[str]:
    """Texts cut by default jieba and joined by spaces, as a typical notebook prepares them.

    >>> plain_documents(["两免一补政策"])
    ['两免 一补 政策']
    """
    tk = load_plain_tokenizer()
    return [" ".join(tk.lcut(t)) for t in texts]
