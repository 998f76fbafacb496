"""Spam lines and spam tokens: pornography, gambling, SEO spider pools, hacked-site headers.

Hacked or mirrored pages carry lines that are not the report at all (a header of
pornographic video-site phrases, a ``|``-separated list of cities from an SEO spider pool)
and tokens pushed into the report's own sentences (``体育下注``, ``◈✿✿★``, ``365bet``). Both
are recognised from data an analyst can extend:

* ``resources/spam_vocab.csv``: ``kind, term, strength``. A ``strong`` term never occurs in
  an education report (``毛片``, ``365bet``, ``蜘蛛池``): one is enough to make a
  spam-shaped line spam, and strong terms are removed wherever they are injected inside a
  sentence. A ``weak`` term (``在线``, ``精品``, ``免费``) counts only on a line that already
  has a strong term.
* ``resources/place_names.txt``: names a spider-pool line lists (``北京|上海|广州|…``).

Line shapes (:func:`spam_line`): runs of short phrases separated by ``| _ - , 、`` or spaces
with no sentence punctuation; lists of place names; and the same shape with no education
vocabulary at all (``link_farm``). The score says how much of the line the evidence covers.

Kinds: ``porn_spam``, ``gambling_spam``, ``seo_spider``, ``hacked_header``, ``link_farm``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache

from .paths import resource_path

SPAM_KINDS = ("porn_spam", "gambling_spam", "seo_spider", "hacked_header", "link_farm")
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TEXT_CHAR = re.compile(rf"[{CJK}A-Za-z0-9]")
LATIN = re.compile(r"[A-Za-z]")
SENTENCE_PUNCT = re.compile(r"[。;；!！?？]")
# Separators of keyword-stuffed lines: | _ , 、 / hyphens and runs of spaces.
PHRASE_SEP = re.compile(r"\s*[|｜_,，、/]+\s*|\s+-+\s*|-+|\s{1,}")
# Words any education report uses; a phrase list with none of them is not about schools.
EDU_WORDS = re.compile(
    "教育|学校|学生|教师|教学|幼儿|小学|中学|高中|初中|大学|高校|高考|中考|招生|学位|办学|"
    "课程|校长|班级|学前|职业|师资|学科|考试|上线|升学|就业|资助|经费|督导|校园|老师|学习|"
    "语文|数学|英语|物理|化学|生物|历史|地理|政治|音乐|美术|体育|科学|信息技术"
)
PLACE_SUFFIX = re.compile(rf"^[{CJK}]{{1,6}}[省市县区州镇]$")
MIN_PHRASES = 4
MIN_LINK_FARM_PHRASES = 5
MAX_PHRASE_LEN = 16
MAX_PLACE_LEN = 8
# A spam-shaped line is spam when strong terms cover at least this share of its characters
# (together with the weak terms around them).
MIN_COVER_SHAPED = 0.2
# A line without the list shape needs two distinct strong terms and this coverage.
MIN_COVER_PLAIN = 0.3
PLACE_SHARE = 0.6
LINK_FARM_SCORE = 0.6
PLACE_LIST_SCORE = 0.8
# A whole spam line is short; longer lines are report text (scored 0, tokens still removed).
MAX_SPAM_LINE = 2000


@dataclass(frozen=True)
class Hit:
    """One vocabulary term found in a line."""

    start: int
    end: int
    kind: str
    strong: bool


@lru_cache(maxsize=1)
def load_spam_vocab() -> dict[str, tuple[str, bool]]:
    """``term -> (kind, strong)`` from ``resources/spam_vocab.csv``."""
    with resource_path("spam_vocab.csv").open(encoding="utf-8") as fh:
        return {
            r["term"].strip(): (r["kind"].strip(), r["strength"].strip() == "strong")
            for r in csv.DictReader(fh)
            if r["term"].strip()
        }


@lru_cache(maxsize=1)
def load_place_names() -> frozenset[str]:
    """Place names of ``resources/place_names.txt``."""
    text = resource_path("place_names.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


def _alternation(terms: list[str], boundaries: bool = True) -> str:
    """One regex matching any of ``terms`` (longest first), built as a trie.

    Python tries the branches of a plain alternation one by one at every position; a trie
    tries one branch per first character, which keeps a 150-term vocabulary cheap on
    megabyte lines. Latin terms (AV, 365bet) must not be part of a longer word (JAVA, DVD).

    >>> re.fullmatch(_alternation(["一区二区", "一区", "AV"]), "一区二区") is not None
    True
    >>> re.search(_alternation(["AV"]), "JAVA") is None
    True
    """
    trie: dict = {}
    for t in terms:
        node = trie
        for ch in t.lower():
            node = node.setdefault(ch, {})
        node[""] = True
    return _trie_pattern(trie, "", boundaries)


def _trie_pattern(node: dict, prev: str, boundaries: bool) -> str:
    branches = []
    for ch in sorted(k for k in node if k):
        head = re.escape(ch)
        if boundaries and not prev and ch.isascii() and ch.isalpha():
            head = r"(?<![A-Za-z])" + head
        branches.append(head + _trie_pattern(node[ch], ch, boundaries))
    if "" in node:
        # the term may end here; a Latin term must not run on into a longer word
        latin_end = boundaries and prev.isascii() and prev.isalpha()
        branches.append(r"(?![A-Za-z])" if latin_end else "")
    if len(branches) == 1:
        return branches[0] if not branches[0] or "" not in node else f"(?:{branches[0]})"
    return "(?:" + "|".join(branches) + ")"


@lru_cache(maxsize=1)
def _vocab_regex() -> re.Pattern:
    # Word boundaries of Latin terms are checked in find_spam_terms: without lookarounds the
    # trie is faster, and this regex runs over every line.
    return re.compile(_alternation(list(load_spam_vocab()), boundaries=False), re.IGNORECASE)


@lru_cache(maxsize=1)
def strong_token_regex() -> re.Pattern:
    """Strong terms as injected into sentences, with the Latin/digit run glued to them.

    >>> strong_token_regex().search("在校生1.54亿人体育365,专任教师").group()
    '体育365'
    >>> strong_token_regex().search("mobile365sport365_365bet体育在线网投_足球比分365cv教育").group()
    'mobile365sport365_365bet体育在线网投_足球比分365cv'
    """
    vocab = load_spam_vocab()
    strong = [t for t, (_, s) in vocab.items() if s]
    # Latin runs glued to a term start and end with a letter: digits of a number stay.
    unit = rf"(?:[A-Za-z][A-Za-z0-9]*)?(?:{_alternation(strong)})(?:[A-Za-z0-9]*[A-Za-z])?"
    # "_" and Latin/digit runs between strong terms belong to the same injection; weak terms
    # never do (网站, 平台 next to an injected token are the report's own words).
    glue = r"(?:_|[A-Za-z]+[0-9]+[A-Za-z]*|[0-9]+[A-Za-z]+)"
    # Start only where no Latin letter precedes: inside an English word nothing is tried.
    return re.compile(rf"(?<![A-Za-z])(?:{glue})*{unit}(?:{glue}|{unit})*", re.IGNORECASE)


@lru_cache(maxsize=1)
def _lower_vocab() -> dict[str, tuple[str, bool]]:
    return {t.lower(): v for t, v in load_spam_vocab().items()}


def find_spam_terms(line: str) -> tuple[Hit, ...]:
    """Vocabulary terms in a line, longest first, without overlaps (cached per line).

    >>> [(h.kind, h.strong) for h in find_spam_terms("日韩AV在线精品")]
    [('porn_spam', True), ('porn_spam', True), ('porn_spam', False), ('porn_spam', False)]
    >>> find_spam_terms("JAVA课程")
    ()
    """
    return _find_spam_terms(line)


@lru_cache(maxsize=4096)
def _find_spam_terms(line: str) -> tuple[Hit, ...]:
    vocab = _lower_vocab()
    hits = []
    for m in _vocab_regex().finditer(line):
        s, e = m.span()
        if (s and LATIN.match(line[s]) and LATIN.match(line[s - 1])) or (
            e < len(line) and LATIN.match(line[e - 1]) and LATIN.match(line[e])
        ):
            continue  # part of a longer Latin word (AV in JAVA)
        hits.append(Hit(s, e, *vocab[m.group().lower()]))
    return tuple(hits)


def split_phrases(line: str) -> list[str]:
    """The short phrases of a keyword-stuffed line (separators dropped).

    >>> split_phrases("北京|上海 | 广州,深圳")
    ['北京', '上海', '广州', '深圳']
    """
    return [p for p in PHRASE_SEP.split(line.strip()) if p]


def _is_phrase_list(line: str, phrases: list[str], min_phrases: int = MIN_PHRASES) -> bool:
    if len(phrases) < min_phrases or SENTENCE_PUNCT.search(line):
        return False
    lengths = sorted(len(p) for p in phrases)
    return lengths[len(lengths) // 2] <= MAX_PHRASE_LEN


def _is_place_list(phrases: list[str]) -> bool:
    if len(phrases) < MIN_LINK_FARM_PHRASES or any(len(p) > MAX_PLACE_LEN for p in phrases):
        return False
    places = load_place_names()
    n = sum(1 for p in phrases if p in places or PLACE_SUFFIX.match(p))
    return n >= PLACE_SHARE * len(phrases)


def spam_score(line: str) -> tuple[str, float]:
    """Dominant spam kind of a line and the share of its characters the vocabulary covers.

    Weak terms count only when a strong one is present. Used for every line, so a report
    sentence carrying one injected token gets a small non-zero score.

    >>> spam_score("全县共有学校322所,其中普通高中3所。")
    ('', 0.0)
    """
    return _spam_score(line)


@lru_cache(maxsize=4096)
def _spam_score(line: str) -> tuple[str, float]:
    if len(line) > MAX_SPAM_LINE:
        return "", 0.0
    n_chars = len(TEXT_CHAR.findall(line))
    hits = find_spam_terms(line)
    if not n_chars or not any(h.strong for h in hits):
        return "", 0.0
    by_kind: dict[str, int] = {}
    for h in hits:
        by_kind[h.kind] = by_kind.get(h.kind, 0) + h.end - h.start
    kind = max(by_kind, key=lambda k: (by_kind[k], k))
    # hacked-site header words come with porn words; the header is the more telling kind.
    if "hacked_header" in by_kind:
        kind = "hacked_header"
    return kind, round(min(1.0, sum(by_kind.values()) / n_chars), 3)


def spam_line(line: str) -> tuple[str, float]:
    """``(kind, score)`` when a whole line is spam, ``("", score)`` otherwise.

    >>> spam_line("无码一区二区|日韩精品免费|久久人妻午夜|国产精品不卡")[0]
    'porn_spam'
    >>> spam_line("北京|上海|广州|深圳|成都|重庆|西安")
    ('seo_spider', 0.8)
    >>> spam_line("推荐|好看|最新|排行|热门|专题")
    ('link_farm', 0.6)
    >>> spam_line("首页 | 学校概况 | 教育教学 | 招生信息 | 联系我们")
    ('', 0.0)
    >>> spam_line("全县高中3所、初中28所,在校生11万人,体育下注经费增长。")[0]
    ''
    """
    return _spam_line(line.strip())


@lru_cache(maxsize=4096)
def _spam_line(s: str) -> tuple[str, float]:
    if len(s) > MAX_SPAM_LINE:
        return "", 0.0
    kind, score = spam_score(s)
    # Every shape needs a line without sentence punctuation: skip splitting sentences.
    phrases = [] if SENTENCE_PUNCT.search(s) else split_phrases(s)
    shaped = _is_phrase_list(s, phrases)
    strong = {s[h.start : h.end].lower() for h in find_spam_terms(s) if h.strong}
    if kind and (
        (shaped and score >= MIN_COVER_SHAPED) or (len(strong) >= 2 and score >= MIN_COVER_PLAIN)
    ):
        return kind, score
    if shaped and _is_place_list(phrases):
        return "seo_spider", PLACE_LIST_SCORE
    if _is_link_farm(s, phrases):
        return "link_farm", LINK_FARM_SCORE
    return "", score


def _is_link_farm(line: str, phrases: list[str]) -> bool:
    """Five or more short phrases between | _ - separators, no numbers, no school words."""
    if not re.search(r"[|｜_]|-", line) or EDU_WORDS.search(line):
        return False
    if not _is_phrase_list(line, phrases, MIN_LINK_FARM_PHRASES):
        return False
    return all(re.search(f"[{CJK}]", p) and not re.search(r"\d", p) for p in phrases)
