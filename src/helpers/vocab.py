"""Vocabulary shared by several stages, in one place: character ranges, heading shapes, the
figure families and the figures table's columns.

Word lists that belong to one stage stay in ``resources/`` (metric lexicon, boilerplate
phrases, stop words); Chinese numerals stay in :mod:`helpers.numbers`, which parses them;
width folding stays in :mod:`helpers.numbers` (1:1, offsets kept) and the cleaning step.

>>> import re
>>> bool(re.fullmatch(f"[{CJK}]+", "教育")), bool(TOP_HEADING.match("二、主要工作"))
(True, True)
"""

from __future__ import annotations

import re

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
