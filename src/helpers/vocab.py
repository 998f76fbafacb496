"""Vocabulary shared by several stages, in one place: character ranges, heading shapes, the
figure families, the tables' base column lists and the display width of a label.

Word lists that belong to one stage stay in ``resources/`` (metric lexicon, boilerplate
phrases, stop words); Chinese numerals stay in :mod:`helpers.numbers`, which parses them;
width folding stays in :mod:`helpers.numbers` (1:1, offsets kept) and the cleaning step.

>>> import re
>>> bool(re.fullmatch(f"[{CJK}]+", "教育")), bool(TOP_HEADING.match("二、主要工作"))
(True, True)
"""

from __future__ import annotations

import re
import unicodedata

# CJK unified ideographs (extension A, the basic block, compatibility ideographs), as a
# character-class body: f"[{CJK}]".
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# The same plus the supplementary planes (extensions B and later), for scripts and counts.
CJK_WITH_SUPPLEMENT = CJK + "\U00020000-\U0003134f"

# Numbered heading prefixes: 一、 1、 1. (一) ① (the alternation, without anchors).
HEADING_NUMBER = r"(?:[一二三四五六七八九十]{1,3}、|\d{1,2}[、.．](?!\d)|[(（][一二三四五六七八九十\d]{1,3}[)）]|[①-⑳])"
# A top-level heading (一、二、…), the one that closes a plan section.
TOP_HEADING = re.compile(r"\s*[一二三四五六七八九十]+、")

FAMILIES = ("funding", "enrollment", "exam", "other")
FIGURE_COLUMNS = [
    "doc_id", "article_id", "para_id", "family", "metric", "metric_raw", "stage", "value",
    "unit", "role", "approx", "is_change", "planned", "per_capita", "year", "range_low",
    "range_high", "parts_sum", "raw_start", "raw_end", "raw_text", "sentence", "flags",
]  # fmt: skip
ROLES = ("level", "change", "base", "target")

# Base columns of the documents, articles and paragraphs tables, as the stages that make them
# write them (later stages add theirs: metadata on articles, themes on paragraphs).
DOCUMENT_COLUMNS = [
    "doc_id", "path", "status", "skip_reason", "sha256", "n_bytes", "encoding", "n_chars",
    "n_lines", "n_cjk", "trad_share", "script", "duplicate_of",
]  # fmt: skip
ARTICLE_COLUMNS = [
    "doc_id", "article_id", "title", "raw_start", "raw_end", "n_paragraphs", "is_duplicate",
    "duplicate_of",
]  # fmt: skip
PARAGRAPH_COLUMNS = [
    "doc_id", "article_id", "para_id", "raw_start", "raw_end", "section", "is_boilerplate",
    "boilerplate_kind", "junk_score", "is_duplicate", "duplicate_of", "text", "n_chars",
]  # fmt: skip
THEME_COLUMNS = ["theme_id", "theme", "theme_score", "theme2"]


def display_width(text: str) -> int:
    """Width of ``text`` in half-width columns (CJK and full-width characters count 2).

    >>> display_width("入学率99%")
    9
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
