"""Traditional/Simplified script: measuring it and converting with OpenCC ``t2s``.

Character tables come from OpenCC's own dictionaries (shipped with
``opencc-python-reimplemented``), so no list of characters is maintained here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from opencc import OpenCC

from .aligned import AlignedText
from .vocab import CJK_WITH_SUPPLEMENT

# CJK ideographs: basic block, extension A, compatibility block and the supplementary planes.
CJK_RUN = re.compile(f"[{CJK_WITH_SUPPLEMENT}]+")
CJK_CHAR = re.compile(f"[{CJK_WITH_SUPPLEMENT}]")

# Below this share of the other script's characters, a document counts as single-script.
SINGLE_SCRIPT_SHARE = 0.10


def _opencc_dictionary(name: str) -> Path:
    import opencc

    return Path(opencc.__file__).resolve().parent / "dictionary" / name


def _load_char_table(name: str) -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    text = _opencc_dictionary(name).read_text(encoding="utf-8")
    for line in text.splitlines():
        key, _, values = line.partition("\t")
        if key and values:
            table[key] = set(values.split())
    return table


@lru_cache(maxsize=1)
def script_char_sets() -> tuple[frozenset[str], frozenset[str]]:
    """``(traditional_only, simplified_only)`` characters according to OpenCC.

    A character is Traditional-only when ``t2s`` always changes it (it is not among its own
    conversions, so 乾 with t2s 乾/干 is shared) and ``s2t`` has no entry for it; likewise for
    Simplified-only (面, whose s2t is 面/麵, is shared). Characters shared by both scripts are in
    neither set.
    """
    ts = _load_char_table("TSCharacters.txt")
    st = _load_char_table("STCharacters.txt")
    trad = {k for k, v in ts.items() if k not in v} - set(st)
    simp = {k for k, v in st.items() if k not in v} - set(ts)
    return frozenset(trad), frozenset(simp)


@dataclass(frozen=True)
class ScriptProfile:
    """Counts of script-specific characters in a text, and the verdict."""

    n_cjk: int
    n_traditional: int
    n_simplified: int

    @property
    def trad_share(self) -> float:
        """Share of Traditional-only characters among the script-specific ones (0..1)."""
        marked = self.n_traditional + self.n_simplified
        return self.n_traditional / marked if marked else 0.0

    @property
    def script(self) -> str:
        """``simplified``, ``traditional``, ``mixed`` or ``none`` (no CJK at all)."""
        marked = self.n_traditional + self.n_simplified
        if not marked:
            return "none" if not self.n_cjk else "simplified"
        if self.trad_share <= SINGLE_SCRIPT_SHARE:
            return "simplified"
        if self.trad_share >= 1 - SINGLE_SCRIPT_SHARE:
            return "traditional"
        return "mixed"


def measure_script(text: str) -> ScriptProfile:
    """Count CJK, Traditional-only and Simplified-only characters.

    >>> p = measure_script("學校教育")
    >>> (p.n_cjk, p.n_traditional, p.n_simplified, p.script)
    (4, 1, 0, 'traditional')
    >>> measure_script("学校教育").script
    'simplified'
    """
    trad, simp = script_char_sets()
    n_cjk = n_t = n_s = 0
    for run in CJK_RUN.findall(text):
        n_cjk += len(run)
        for ch in run:
            if ch in trad:
                n_t += 1
            elif ch in simp:
                n_s += 1
    return ScriptProfile(n_cjk, n_t, n_s)


@lru_cache(maxsize=1)
def _t2s() -> OpenCC:
    return OpenCC("t2s")


@lru_cache(maxsize=1)
def _t2s_fast_path() -> tuple[dict[int, str], re.Pattern]:
    """OpenCC's own t2s tables, split for speed: a 1:1 character table and the characters
    that occur in a t2s phrase or have several candidates (only those need OpenCC)."""
    table: dict[int, str] = {}
    slow: set[str] = set()
    ts_text = _opencc_dictionary("TSCharacters.txt").read_text(encoding="utf-8")
    for line in ts_text.splitlines():
        key, _, values = line.partition("\t")
        cands = values.split()
        if len(key) != 1 or not cands:
            continue
        if len(cands) > 1 or len(cands[0]) != 1:
            slow.add(key)
        else:
            table[ord(key)] = cands[0]
    for line in _opencc_dictionary("TSPhrases.txt").read_text(encoding="utf-8").splitlines():
        slow.update(line.partition("\t")[0])
    slow_rx = re.compile("[" + "".join(re.escape(c) for c in sorted(slow)) + "]+")
    return table, slow_rx


@lru_cache(maxsize=65536)
def _convert_phrase_run(run: str) -> str:
    return _t2s().convert(run)


def convert_to_simplified(text: str) -> str:
    """OpenCC ``t2s`` (characters and phrases; no regional vocabulary rewriting).

    Only runs of characters that occur in a t2s phrase or have several candidates go
    through OpenCC itself; every other character is mapped with OpenCC's own 1:1 table.
    Same result (a phrase consists of such characters only, and OpenCC's maximum forward
    matching cannot start a phrase elsewhere), several times faster on long texts.

    >>> convert_to_simplified("教育工作總結")
    '教育工作总结'
    >>> convert_to_simplified("乾隆年間")
    '乾隆年间'
    """
    table, slow = _t2s_fast_path()
    pieces = []
    last = 0
    for m in slow.finditer(text):
        pieces.append(text[last : m.start()].translate(table))
        pieces.append(_convert_phrase_run(m.group()))
        last = m.end()
    pieces.append(text[last:].translate(table))
    return "".join(pieces)


def convert_aligned_to_simplified(doc: AlignedText) -> tuple[AlignedText, int]:
    """``t2s`` over each CJK run of an aligned text; returns the new text and runs changed.

    Runs whose length is unchanged keep per-character alignment (nearly always the case).
    When the whole text keeps its length, it is converted in one call and keeps its arrays.
    """
    new = convert_to_simplified(doc.text)
    if len(new) != len(doc.text):
        return doc.sub(CJK_RUN, lambda m: convert_to_simplified(m.group()), char_level=True)
    if new == doc.text:
        return doc, 0
    changed = sum(1 for m in CJK_RUN.finditer(doc.text) if new[m.start() : m.end()] != m.group())
    return AlignedText(new, doc.starts, doc.ends, doc.raw_len), changed
