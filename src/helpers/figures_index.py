"""The search index of one paragraph: where keywords, colons and commas are, found once.

The figures stage asks, for every number, "the last keyword of this kind before me in my
sentence", "is there a colon in my clause", "does this pattern match the rest of my clause".
Scanning the sentence for each number is quadratic in a paragraph with no sentence
punctuation (a flattened table, a page with no stops); these classes answer each question
with a few bisects into positions computed once per paragraph.

>>> idx = ParagraphIndex("在校生5万人:小学3万人", [])
>>> idx.last_colon(0, 12), idx.has_word("小学", 0, 12)
(6, True)
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

from .numbers import NumberMatch


class KeywordHits:
    """Every hit of one pattern of literal words in a text, found once, so that "the last hit in
    ``text[lo:hi]``" is a bisect, not a scan of the window.

    The answer is exactly that of ``list(rx.finditer(text, lo, hi))[-1]``, which can differ
    from the hits of the whole text near the window's ends: a hit of the whole text may
    straddle ``lo`` (the scan from ``lo`` then starts elsewhere) or run past ``hi`` (the
    window then holds a shorter word, 入学 for 入学率). Both ends are re-scanned from the text
    until the scan falls in step with the precomputed hits; with literal words that is at most
    a few words' length (``scanned`` counts those characters, for tests).

    >>> hits = KeywordHits(re.compile("入学率|入学|巩固率"), "小学入学率100%,巩固率99%")
    >>> hits.last(0, 5).group(), hits.last(0, 4).group(), hits.last(3, 14).group()
    ('入学率', '入学', '巩固率')
    """

    def __init__(self, rx: re.Pattern, text: str):
        self.rx, self.text = rx, text
        self.hits = list(rx.finditer(text))
        self.starts = [h.start() for h in self.hits]
        self.ends = [h.end() for h in self.hits]  # sorted too: hits do not overlap
        self.scanned = 0

    def _in_step(self, pos: int) -> bool:
        """True when no precomputed hit straddles ``pos`` (a scan from ``pos`` then meets the
        same hits as the scan of the whole text)."""
        j = bisect.bisect_left(self.starts, pos) - 1
        return j < 0 or self.ends[j] <= pos

    def last(self, lo: int, hi: int) -> re.Match | None:
        """Last match of ``rx.finditer(text, lo, hi)``, or ``None``."""
        best = None
        pos = lo
        while not self._in_step(pos):
            m = self.rx.search(self.text, pos, hi)
            self.scanned += (m.end() if m else hi) - pos
            if m is None:
                return best
            best, pos = m, m.end()
        i = bisect.bisect_left(self.starts, pos)
        j = bisect.bisect_right(self.ends, hi) - 1
        if j >= i:
            best = self.hits[j]
        nxt = max(i, j + 1)
        if nxt < len(self.hits) and self.starts[nxt] < hi:
            # The next hit runs past hi: the window may still hold a shorter word from there.
            self.scanned += hi - self.starts[nxt]
            for m in self.rx.finditer(self.text, self.starts[nxt], hi):
                best = m
        return best


_NON_SPACE = re.compile(r"\S")


def _has_top_level_bar(pattern: str) -> bool:
    """True when ``pattern`` has an alternation outside any group (``^a|b``)."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
            i += 1 + pattern.startswith("^", i + 1)  # [^]...] and []...]: the ] is literal
            i += pattern.startswith("]", i)
            continue
        elif ch in "()":
            depth += 1 if ch == "(" else -1
        elif ch == "|" and depth == 0:
            return True
        i += 1
    return False


@lru_cache(maxsize=64)
def _window_rx(pattern: str) -> tuple[str, re.Pattern] | None:
    """How to run ``re.search(pattern, text[lo:hi])`` on ``text`` itself, without the copy.

    ``("at", rx)`` for a pattern anchored with a leading ``^`` (``rx.match(text, lo, hi)``),
    ``("any", rx)`` for one with no anchor at the start and nothing that looks outside the
    window (``rx`` is a lookahead, found at every position where ``pattern`` matches);
    ``None`` when neither is safe (the caller then slices)."""
    if re.search(r"\\[bBA]|\(\?<[=!]", pattern):
        return None
    if pattern.startswith("^") and not _has_top_level_bar(pattern):
        rest = pattern[1:]
        return None if "^" in rest.replace("[^", "") else ("at", re.compile(rest))
    if "^" in pattern.replace("[^", ""):
        return None
    return "any", re.compile("(?=(?:" + pattern + "))")


class ParagraphIndex:
    """Positions the per-number finders look up, computed once per paragraph, so that each
    number costs a few bisects instead of a scan of its sentence (which, in a paragraph with
    no sentence punctuation, is the whole paragraph)."""

    def __init__(self, text: str, years: list[NumberMatch]):
        self.text = text
        self.years = years
        self.year_starts = [y.start for y in years]
        self.colons = [m.start() for m in re.finditer("[:：]", text)]
        self.commas = [m.start() for m in re.finditer("[,，]", text)]
        self.row_starts: dict[tuple[int, int], list[int]] = {}  # sorted, per sub-clause
        self._sentences: dict[tuple[int, int], str] = {}
        self._keywords: dict[str, KeywordHits] = {}
        self._last_match: dict[tuple[str, int], tuple[int, int]] = {}
        self._words: dict[str, list[int]] = {}

    def search(self, pattern: str, lo: int, hi: int) -> bool:
        """``re.search(pattern, text[lo:hi]) is not None`` for windows that run to the end of
        a clause (``hi``): the last position in the clause where the pattern matches is found
        once per clause, so the numbers of a clause with no punctuation do not each re-read
        the rest of it."""
        how = _window_rx(pattern)
        if how is None:
            return re.search(pattern, self.text[lo:hi]) is not None
        kind, rx = how
        if kind == "at":
            return rx.match(self.text, lo, hi) is not None
        done = self._last_match.get((pattern, hi))
        if done is None or lo < done[0]:
            last = -1
            first = re.compile(pattern).search(self.text, lo, hi)  # usually none: a fast scan
            if first is not None:
                for m in rx.finditer(self.text, first.start(), hi):
                    last = m.start()
            done = self._last_match[(pattern, hi)] = (lo, last)
        return done[1] >= lo

    def match(self, pattern: str, lo: int, hi: int, full: bool = False) -> bool:
        """``re.match`` (``full``: ``re.fullmatch``) of ``pattern`` on ``text[lo:hi]``, in place."""
        how = _window_rx(pattern)
        if how is None:
            found = (re.fullmatch if full else re.match)(pattern, self.text[lo:hi])
            return found is not None
        rx = how[1] if how[0] == "at" else re.compile(pattern)
        return (rx.fullmatch if full else rx.match)(self.text, lo, hi) is not None

    def has_word(self, word: str, lo: int, hi: int) -> bool:
        """``word in text[lo:hi]``, by bisect into the word's offsets (found once)."""
        if word not in self._words:
            at, found = [], self.text.find(word)
            while found >= 0:
                at.append(found)
                found = self.text.find(word, found + 1)
            self._words[word] = at
        at = self._words[word]
        i = bisect.bisect_left(at, lo)
        return i < len(at) and at[i] + len(word) <= hi

    def stripped(self, lo: int, hi: int) -> tuple[int, int]:
        """Bounds of ``text[lo:hi].strip()`` (as offsets into ``text``)."""
        first = _NON_SPACE.search(self.text, lo, hi)
        if first is None:
            return hi, hi
        end = hi
        while self.text[end - 1].isspace():
            end -= 1
        return first.start(), end

    def sentence(self, span: tuple[int, int]) -> str:
        """``text[a:b]``, one string per span however many figures it holds."""
        if span not in self._sentences:
            self._sentences[span] = self.text[span[0] : span[1]]
        return self._sentences[span]

    def last_hit(self, rx: re.Pattern, lo: int, hi: int) -> re.Match | None:
        """``list(rx.finditer(text, lo, hi))[-1]`` (or ``None``) without scanning the window;
        ``rx`` is an alternation of literal words (one :class:`KeywordHits` per pattern)."""
        if rx.pattern not in self._keywords:
            self._keywords[rx.pattern] = KeywordHits(rx, self.text)
        return self._keywords[rx.pattern].last(lo, hi)

    def last_colon(self, lo: int, hi: int) -> int:
        """Offset of the last ``:``/``：`` in ``[lo, hi)``, or -1."""
        i = bisect.bisect_left(self.colons, hi) - 1
        return self.colons[i] if i >= 0 and self.colons[i] >= lo else -1

    def has_comma(self, lo: int, hi: int) -> bool:
        i = bisect.bisect_left(self.commas, lo)
        return i < len(self.commas) and self.commas[i] < hi

    def row_between(self, sent: tuple[int, int], lo: int, hi: int) -> bool:
        """True when a row of sub-clause ``sent`` starts strictly between ``lo`` and ``hi``."""
        starts = self.row_starts.get(sent, [])
        i = bisect.bisect_right(starts, lo)
        return i < len(starts) and starts[i] < hi
