"""Text that remembers, for every character, the span of the raw document it came from.

Every cleaning step (script conversion, pinyin removal, junk removal, width folding) is
applied to an :class:`AlignedText`, so that any piece of the cleaned text - a paragraph,
a sentence, a single figure - can be mapped back to ``raw_text[raw_start:raw_end]``.

The offset contract of the project: offsets are Python string indices into the decoded
raw text (BOM removed, newlines untouched, so ``\\r\\n`` counts as two characters).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Replacement = str | Callable[[re.Match], str]


def offset_dtype(raw_len: int) -> np.dtype:
    """The smallest integer type that holds every offset of a raw text of ``raw_len`` characters.

    The end offset of the last character is ``raw_len`` itself, so int32 needs
    ``raw_len < 2**31``.

    >>> offset_dtype(10), offset_dtype(2**31 - 1), offset_dtype(2**31)
    (dtype('int32'), dtype('int32'), dtype('int64'))
    """
    return np.dtype(np.int32) if raw_len < 2**31 else np.dtype(np.int64)


@dataclass(frozen=True, eq=False)
class AlignedText:
    """A string plus, per character, the raw span ``[starts[i], ends[i])`` it derives from.

    Args:
        text: the current (derived) text.
        starts: integer array, ``len(text)`` long, raw start offset of each character
            (int32 while the raw text is shorter than 2**31 characters, which halves the
            memory of big files; int64 beyond).
        ends: integer array, raw end offset of each character.
        raw_len: length of the raw text, so that empty spans at the very end map somewhere.

    Example:
        >>> a = AlignedText.from_raw("學(xué)校")
        >>> b, n = a.sub(r"\\([a-zéü]+\\)", "")
        >>> b.text, n, b.raw_span(1, 2)
        ('學校', 1, (6, 7))
    """

    text: str
    starts: np.ndarray
    ends: np.ndarray
    raw_len: int

    @classmethod
    def from_raw(cls, raw: str) -> AlignedText:
        """Identity alignment: character ``i`` comes from raw span ``[i, i+1)``."""
        n = len(raw)
        idx = np.arange(n, dtype=offset_dtype(n))
        return cls(raw, idx, idx + 1, n)

    def __len__(self) -> int:
        return len(self.text)

    def raw_span(self, i: int, j: int) -> tuple[int, int]:
        """Raw ``(start, end)`` covering derived characters ``[i, j)``.

        An empty derived range maps to an empty raw span at the nearest position.
        """
        n = len(self.text)
        i = max(0, min(i, n))
        j = max(i, min(j, n))
        if i == j:
            if i < n:
                pos = int(self.starts[i])
            elif n:
                pos = int(self.ends[n - 1])
            else:
                pos = self.raw_len
            return pos, pos
        return int(self.starts[i:j].min()), int(self.ends[i:j].max())

    def slice(self, i: int, j: int) -> AlignedText:
        """The derived characters ``[i, j)``, still aligned to the same raw text."""
        return AlignedText(self.text[i:j], self.starts[i:j], self.ends[i:j], self.raw_len)

    def translate(self, table: dict[int, str]) -> AlignedText:
        """Replace single characters by single characters (alignment unchanged).

        Args:
            table: a ``str.maketrans``-style mapping whose values are one character long.
        """
        out = self.text.translate(table)
        if len(out) != len(self.text):
            raise ValueError("translate() needs a 1:1 character table")
        return AlignedText(out, self.starts, self.ends, self.raw_len)

    def sub(
        self,
        pattern: str | re.Pattern,
        repl: Replacement,
        *,
        char_level: bool = False,
    ) -> tuple[AlignedText, int]:
        """Regex substitution that keeps the alignment.

        Each character of a replacement maps to the whole raw span of its match, unless
        ``char_level`` is set and the replacement has the match's length, in which case
        character ``k`` of the replacement keeps the span of character ``k`` of the match.

        Returns:
            The new text and the number of matches whose text actually changed.
        """
        rx = re.compile(pattern) if isinstance(pattern, str) else pattern
        text = self.text
        pieces: list[str] = []
        starts: list[np.ndarray] = []
        ends: list[np.ndarray] = []
        last = 0
        changed = 0
        for m in rx.finditer(text):
            a, b = m.span()
            new = repl(m) if callable(repl) else m.expand(repl)
            if new == text[a:b]:
                continue
            changed += 1
            if a > last:
                pieces.append(text[last:a])
                starts.append(self.starts[last:a])
                ends.append(self.ends[last:a])
            if new:
                pieces.append(new)
                if char_level and len(new) == b - a:
                    starts.append(self.starts[a:b])
                    ends.append(self.ends[a:b])
                else:
                    s, e = self.raw_span(a, b)
                    starts.append(np.full(len(new), s, dtype=self.starts.dtype))
                    ends.append(np.full(len(new), e, dtype=self.ends.dtype))
            last = b
        if not changed:
            return self, 0
        if last < len(text):
            pieces.append(text[last:])
            starts.append(self.starts[last:])
            ends.append(self.ends[last:])
        if not pieces:
            empty = np.zeros(0, dtype=self.starts.dtype)
            return AlignedText("", empty, empty, self.raw_len), changed
        return (
            AlignedText(
                "".join(pieces), np.concatenate(starts), np.concatenate(ends), self.raw_len
            ),
            changed,
        )

    def check(self) -> None:
        """Raise ``AssertionError`` if the arrays do not fit the text (for tests)."""
        assert len(self.starts) == len(self.text) == len(self.ends)
        if len(self.text):
            assert int(self.starts.min()) >= 0 and int(self.ends.max()) <= self.raw_len
            assert bool(np.all(self.starts <= self.ends))
