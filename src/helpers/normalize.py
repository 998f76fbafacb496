"""Normalising a raw report: width, HTML, mojibake, pinyin glosses, script, web junk, placeholders.

Every step is an :class:`~helpers.aligned.AlignedText` operation, so each character of the
clean text still knows the raw span it came from, and every step counts what it changed in
``NormalizedDoc.repairs`` (kind -> count) for the quality log.

Order of the steps (each one assumes the previous ones):

1. ``html_tag``      tags, scripts, styles, comments and entities of HTML pages saved as .txt
2. ``mojibake_*``    GBK round-trip clusters such as ``總?cè)藬?shù)``: repaired from the
                     document's own evidence, or marked with :data:`MOJIBAKE_MARK`; runs of
                     U+FFFD and 锟斤拷 are marked. Runs before width folding because the
                     repair re-encodes the garbage as GBK.
3. ``width``         full-width ASCII forms (U+FF01..U+FF5E) -> ASCII and the ideographic
                     space -> space. This includes ``，：；？！（）``: the corpus is scraped text
                     that already mixes ASCII ``, : ; ( )`` into Chinese, so folding gives
                     one form for downstream regexes and for the number parser (digits, ``%``,
                     ``.`` and ``,`` are always half-width). ``。、《》“”【】`` have no ASCII twin
                     and stay. Circled numbers (①) are not folded.
4. ``pinyin_gloss``  bracketed pinyin glued to a character (``創(chuàng)``); never ``(一)`` or ``《…》``
5. ``t2s``           OpenCC Traditional -> Simplified (characters and phrases, no regional
                     vocabulary rewriting)
6. ``taiwan_vocab``  only when the document shows Taiwan localisation (國小 = 小学 ...)
7. ``field_code``    Word field codes (``HYPERLINK "…"``, ``PAGE \\* MERGEFORMAT``)
8. ``md_image``      Markdown images ``![alt](url)``
9. ``url``           URLs and bare domains spliced into sentences (``down.kt250.com``)
10. ``share_bar``    runs of share buttons (``QQ空间 新浪微博 腾讯微博 人人网 更多``)
11. ``spam_token``   gambling/porn tokens and glyph runs injected into sentences and numbers
                     (:mod:`helpers.spam`); whole spam lines are left for the boilerplate stage
12. ``doc_site``     document-site banners, page counters, dash rules, site watermarks
13. ``punct_repeat`` doubled commas (``,,`` ``,。``)
14. ``placeholder``  redactions (``XX``, ``x``, ``**``, ``##``, ``__``, ``20xx年``, ``〇〇`` ...) -> :data:`PLACEHOLDER`
15. ``space``        stray spaces inside Chinese text, spaces and ``\\r`` at line edges
16. ``broken_line``  lines broken mid-word by the scraper (``学科教师配。\\n\\n置不齐``) re-joined
17. ``truncation``   a paywall's cut mark at a line end (``…………``), after re-joining
18. ``title_fragment`` pieces of the page title scrambled into sentences (decided on the
                     clean text by :func:`normalize_document`, kept in the options)

Decisions that need the whole document (Taiwan localisation, pinyin glossing, mojibake
repairs) are taken once by :func:`detect_options` (title fragments by
:func:`normalize_document`); the steps themselves only look at a
line's own characters, so normalising a paragraph's raw slice with the document's options
gives exactly the paragraph's text (the offset contract test relies on this).
"""

from __future__ import annotations

import csv
import html
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .aligned import AlignedText
from .jieba_cache import load_plain_tokenizer
from .numbers import is_split_number_unit
from .paths import resource_path
from .script import convert_aligned_to_simplified
from .spam import spam_line, strong_token_regex
from .vocab import CJK, HEADING_NUMBER

# The uniform redaction token. U+25A1 WHITE SQUARE is what Chinese documents themselves use
# for redacted names (□□镇); it is not a CJK ideograph, so jieba never glues it into a word,
# and it is not a digit or a Chinese numeral (unlike 〇), so 20xx年 cannot become a year.
PLACEHOLDER = "\u25a1"
# Marks a character that was destroyed by a GBK round-trip and could not be recovered.
# U+3013 GETA MARK is the traditional "missing character" sign in CJK typesetting.
MOJIBAKE_MARK = "\u3013"

# ---------------------------------------------------------------------------- patterns
CJK_PUNCT = "\u3001\u3002\u300a-\u3011\u2018-\u201d\uff01-\uff5e\u2014\u2026"
TONE_VOWELS = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN_LETTERS = "a-zü" + TONE_VOWELS

_INITIAL = "(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?"
_FINAL = (
    "(?:iang|iong|uang|ueng|ang|eng|ing|ong|uai|uan|ian|iao|van|ai|ei|ao|ou|an|en|in|un|"
    "vn|ia|ie|iu|ua|uo|ui|ue|ve|er|a|o|e|i|u|v|n|ng|m)"
)
# A bare syllable after tone marks are stripped (ü written as v).
PINYIN_SYLLABLE = re.compile(f"{_INITIAL}{_FINAL}")

# Gloss glued to a character: 創(chuàng), 學(xué). Tone-marked ones are always glosses; toneless
# ones ("(de)") only in documents that are glossed throughout (see detect_options).
GLOSS = re.compile(rf"(?<=[{CJK}])\(([{PINYIN_LETTERS}]{{1,6}})\)")
GLOSS_EVIDENCE = re.compile(rf"[{CJK}]\([{PINYIN_LETTERS}]*[{TONE_VOWELS}][{PINYIN_LETTERS}]*\)")

# A GBK round-trip cluster: "?" + gloss + ")" ("(" was eaten together with a lost lead byte),
# then characters whose GBK bytes are shifted by one, then the realigning trail byte (an
# ASCII letter/symbol 0x40-0x7E) or another "?"+gloss+")" when that byte was lost as well.
MOJIBAKE = re.compile(
    rf"\?([{PINYIN_LETTERS}]{{1,6}})\)([^\x00-\x7f]{{0,40}}?)"
    rf"(?:([\x40-\x7e])|\?([{PINYIN_LETTERS}]{{1,6}})\))"
)

# Decoder debris with nothing left to recover: U+FFFD runs, the classic GBK/UTF-8
# round-trip strings 锟斤拷 / 烫烫烫 / 屯屯屯, and runs of 3+ "?" touching Chinese (characters
# a lossy conversion replaced). One marker per run.
LOST_BYTES = re.compile(
    rf"\ufffd+|(?:锟斤拷)+|(?:烫){{3,}}|(?:屯){{3,}}|(?<=[{CJK}])\?{{3,}}|\?{{3,}}(?=[{CJK}])"
)

HTML_EVIDENCE = re.compile(
    r"(?i)<(?:html|body|div|p|br|span|table|td|li|a|meta|script|head)\b[^>]*>"
)
HTML_DROP = re.compile(r"(?is)<(script|style|noscript)\b.*?</\1\s*>|<!--.*?-->")
HTML_BLOCK_TAG = re.compile(
    r"(?i)</?(?:p|br|div|li|tr|h[1-6]|table|ul|ol|section|article|title)\b[^>]*>"
)
HTML_TAG = re.compile(r"(?s)<[a-zA-Z/!][^<>]*>")
# Stray inline tags of common names are removed even outside HTML pages (Chinese prose
# uses 《》 for titles, so <p>, <br/>, </span> in a text file are debris).
STRAY_TAG = re.compile(
    r"(?i)</?(?:p|br|div|span|a|img|strong|b|i|u|em|font|table|tr|td|th|li|ul|ol|h[1-6]|rt|rp|"
    r"ruby|code|strike|s|dl|dt|dd|tbody|thead|tfoot|abbr|acronym|address|big|small|sub|sup|"
    r"cite|del|ins|kbd|label|var|tt|samp|dfn|q|mark|time|nav|header|footer|section|article|"
    r"aside|main|figure|figcaption|center|pre|blockquote|form|input|button|select|option|"
    r"textarea|iframe|embed|object|video|audio|source|area|map|caption|col|colgroup|hr|wbr|"
    r"bdo|bdi|meter|noscript|fieldset|legend|details|summary)(?:\s[^<>]*)?/?>"
)
HTML_ENTITY = re.compile(r"&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]{2,8});")

# ---- junk injected inside sentences (counted per document; see docs/cleaning.md)
# Word field codes left in converted documents: HYPERLINK "…", PAGE \* MERGEFORMAT, TOC \o "1-3".
FIELD_CODE = re.compile(
    r"(?:HYPERLINK|INCLUDEPICTURE)\s+(?:\\[a-z]\s+)?\"[^\"\n]*\"(?:\s*\\[a-z*]\s*(?:MERGEFORMAT\w*|\"[^\"\n]*\")?)*"
    r"|(?:(?<![A-Za-z])(?:PAGE|NUMPAGES|SECTIONPAGES|SEQ\s+\w+)|PAGEREF\s+_Toc\d+|TOC(?:\s+\\[a-z]\s+\"[^\"\n]*\")+)"
    r"(?:\s*\\[*#a-z!@]\s*(?:MERGEFORMAT\w*|Arabic|roman|\"[^\"\n]*\")?)+"
    r"|(?<![A-Za-z])_Toc\d{6,}"
)
# Markdown images ![alt](url), the alt text may hold one level of brackets ([图文]…).
MD_IMAGE = re.compile(r"!\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\]\([^()\s]*\)")
# Decorative glyph runs sprinkled between clauses by spam templates (◈✿✿★).
SPAM_GLYPHS = re.compile(r"[\u25c8\u2600-\u27bf]{2,}")
# Document-site furniture inside the text: page counters, dash rules, 精选学习资料 banners
# (phrases in resources/doc_site_inline.txt), and truncation marks at a line end (…………).
PAGE_COUNTER = re.compile(r"第\s*\d+\s*页\s*[,，]\s*共\s*\d+\s*页")
DASH_RULE = re.compile(r"-(?:[ \t]+-){3,}")
# A site's name and slogan stamped after the last sentence of a line (…。某网 - 新闻门户网站).
WATERMARK_TAIL = re.compile(
    r"(?<=[。!?”])[ \t]*[^。!?\n]{0,30}(?:门户网站|新闻门户)[ \t]*(?=\r?\n|$)"
)
TRUNCATION = re.compile(r"(?:…{3,}|\.{6,}|。{3,})(?=[ \t\r]*(?:\n|$))")
# Title pieces scrambled into sentences (find_title_fragments).
CJK_CHAR = re.compile(rf"[{CJK}]")
TITLE_SENTENCE_PUNCT = re.compile(r"[。;；!！?？]")
TITLE_SEARCH_LINES = 6
MIN_TITLE_KEY = 8
MAX_TITLE_LINE = 40
FRAGMENT_LENGTHS = (2, 3, 4)
MIN_FRAGMENT_REPEATS = 2
MIN_FRAGMENTS = 3
FRAGMENT_SCAN_CHARS = 20_000
# A comma doubled or glued to other punctuation (",,", ",。", ",、"): anti-copy noise.
PUNCT_REPEAT = re.compile(r",(?=[,。!?;:、])")

# Full-width ASCII forms and the ideographic space (1:1, so alignment is untouched).
WIDTH_TABLE = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)} | {0x3000: " "}

URL = re.compile(
    r"[ \t]*(?:(?:https?://|www\.)[A-Za-z0-9./?%&=#:;~+_-]+"
    r"|(?<![A-Za-z0-9.@_-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
    r"(?:com|cn|net|org|gov|edu|info|cc|top|xyz|vip|site|wang|club|me|tv|hk|tw|io|co)"
    r"(?![A-Za-z0-9])(?:/[A-Za-z0-9./?%&=#~+_-]*)?)[ \t]*",
    re.IGNORECASE,
)

YEAR_PLACEHOLDER = re.compile(
    r"(?<![0-9])(?:20|19)(?:[xX]{2}|[*]{1,2}|_{2,6}|[×]{2})(?![A-Za-z0-9*_])"
)
PLACEHOLDER_RUN = re.compile(
    rf"(?<![A-Za-z0-9])(?:[xX]{{1,4}}|×{{1,4}}|[*]{{2,8}}|#{{2,6}}|_{{2,10}})(?![A-Za-z])"
    rf"|(?<=[{CJK}(])[*](?=[{CJK})])|(?<=[{CJK}])[*]|[*](?=[{CJK}])"
)
# Doubled circle zeros standing for a name (〇〇小学, ○○县); a run next to a numeral or a
# digit is a year or a number (二〇〇〇年, 2〇〇) and stays.
CIRCLE_PLACEHOLDER = re.compile(
    r"(?<![零一二三四五六七八九十百千〇○0-9])[〇○]{2,4}(?![零一二三四五六七八九十百千〇○0-9年])"
)
# A redaction must touch Chinese text (or a year/another placeholder) to count as one.
PLACEHOLDER_CONTEXT = re.compile(rf"[{CJK}{CJK_PUNCT}0-9\u25a1(),:;、]")

HSPACE = "[ \t\u00a0\u2002-\u200b\u3000]"
HEADING_START = re.compile(HEADING_NUMBER)
INNER_SPACE = re.compile(rf"(?<=[{CJK}{CJK_PUNCT}0-9]){HSPACE}+(?=[{CJK}{CJK_PUNCT}0-9\"'])")
EDGE_SPACE = re.compile(rf"(?m)^{HSPACE}+|[ \t\u00a0\u3000\r]+$|\r(?=\n)")

# A scraper page-break "。\n\n" inside a word: 教学。\n\n楼, 农民实。\n\n用技术.
PERIOD_BREAK = re.compile(rf"(?<=[{CJK}])。{HSPACE}*(?:\r?\n{HSPACE}*)+(?=[{CJK}])")
# Characters that cannot start a sentence: a line starting with one continues the last.
NON_INITIAL = frozenset("了的地得着过们吗呢吧啊么")
# A line break inside a sentence: a long line ending on a character or a comma.
OPEN_BREAK = re.compile(rf"(?<=[{CJK},、《“(]){HSPACE}*\r?\n{HSPACE}*(?=[{CJK}《“])")
MIN_BROKEN_LINE = 40
# A line break between a number and its unit (``5230`` / ``万元``, ``412 万`` / ``元``): the
# candidates; :func:`helpers.numbers.is_split_number_unit` decides.
NUMBER_UNIT_BREAK = re.compile(rf"(?<=[0-9万亿千百]){HSPACE}*(?:\r?\n{HSPACE}*)+(?=[万亿千百元])")
# A navigation bar (首页 | 工作总结 | 工作计划 ...) or a row of page fields (上传时间: … 下载次数: …)
# is a line of its own, never a broken sentence.
LINK_BAR = re.compile(r"[|｜](?:[^|｜\n]*[|｜]){1,}")
FIELD_LABEL = re.compile(rf"[{CJK}]{{2,6}}\s*[:：]")
# A web post's date-time stamp (2020-11-26 22:02): a meta line, never the end of a sentence.
WEB_STAMP = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s*\d{1,2}:\d{2}")
MAX_META_LINE = 60
# jieba dictionary frequency above which a word straddling a "。\n" junction proves a break.
MIN_WORD_FREQ = 10

TAIWAN_EVIDENCE = re.compile(
    r"(?<![全中])[國国][小中](?![學学說说央文華华])|中[國国]小(?![學学說说])"
)
MIN_TAIWAN_EVIDENCE = 3
MIN_GLOSS_EVIDENCE = 3


def _load_lines(name: str) -> list[str]:
    text = resource_path(name).read_text(encoding="utf-8")
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


@lru_cache(maxsize=1)
def _share_bar_pattern() -> re.Pattern:
    terms = sorted(_load_lines("share_bar_terms.txt"), key=len, reverse=True)
    alt = "|".join(map(re.escape, terms))
    return re.compile(rf"{HSPACE}*(?:(?:{alt}){HSPACE}*){{3,}}")


@lru_cache(maxsize=1)
def _taiwan_table() -> list[tuple[re.Pattern, str]]:
    with resource_path("taiwan_vocab.csv").open(encoding="utf-8") as fh:
        return [(re.compile(r["pattern"]), r["replacement"]) for r in csv.DictReader(fh)]


# ---------------------------------------------------------------------------- options
@dataclass(frozen=True)
class NormalizeOptions:
    """Document-level decisions for :func:`normalize_document`.

    Args:
        is_html: the file is an HTML page saved as text (strip tags and entities).
        taiwan_localised: the text was machine-localised to Taiwan vocabulary (國小 for 小学).
        pinyin_glossed: the text carries pinyin glosses throughout, so toneless glosses such
            as ``(de)`` are removed too.
        mojibake: ``{cluster: repaired text}``, decided from the whole document.
        title_key, title_fragments: the page title and the pieces of it scrambled into the
            sentences (:func:`find_title_fragments`; set by :func:`normalize_document`).
    """

    is_html: bool = False
    taiwan_localised: bool = False
    pinyin_glossed: bool = False
    mojibake: dict[str, str] = field(default_factory=dict, hash=False)
    title_key: str = ""
    title_fragments: tuple[str, ...] = ()


@dataclass(frozen=True)
class NormalizedDoc:
    """A normalised document: clean text aligned to raw, the options used, repair counts."""

    aligned: AlignedText
    options: NormalizeOptions
    repairs: dict[str, int]

    @property
    def text(self) -> str:
        return self.aligned.text


def detect_options(raw: str) -> NormalizeOptions:
    """Decide the document-level options from evidence in the raw text.

    Args:
        raw: the decoded raw text of one document.

    Returns:
        The options :func:`normalize_document` uses by default.

    >>> detect_options("我鄉國小3所,國中1所,中國小教師300人。").taiwan_localised
    True
    >>> detect_options("全國中小學教師。").taiwan_localised
    False

    Education terms alone are evidence too: one 國小/國中/會考 in a text about schools
    (``國小輟學率為0``) is localisation, since a mainland text writes 小学/初中/中考 there;
    ``我國中小學`` (our primary and middle schools) is not.

    >>> detect_options("全縣國小輟學率為0,學生入學率100%。").taiwan_localised
    True
    >>> detect_options("我國中小學教育,學生入學率100%。").taiwan_localised
    False
    """
    is_html = len(HTML_EVIDENCE.findall(raw[:200_000])) >= 3
    taiwan = len(TAIWAN_EVIDENCE.findall(raw)) >= MIN_TAIWAN_EVIDENCE
    if not taiwan:
        school_term = r"(?<![全中我各])[國国](?:小(?![學学說说康])|中(?![學学說说央文華华小]))|會考"
        education = r"學生|学生|學校|学校|輟學|辍学|入學|入学|教育|師生|师生|教師|教师"
        taiwan = bool(re.search(school_term, raw)) and len(re.findall(education, raw)) >= 2
    glossed = len(GLOSS_EVIDENCE.findall(raw)) >= MIN_GLOSS_EVIDENCE
    table = build_mojibake_table(raw) if "?" in raw else {}
    return NormalizeOptions(is_html, taiwan, glossed, table)


# ---------------------------------------------------------------------------- mojibake
def _gbk(ch: str) -> bytes | None:
    try:
        b = ch.encode("gbk")
    except UnicodeEncodeError:
        return None
    return b if len(b) == 2 else None


def _decode_pair(pair: bytes) -> str | None:
    try:
        ch = pair.decode("gbk")
    except UnicodeDecodeError:
        return None
    return ch if len(ch) == 1 and re.match(f"[{CJK}]", ch) else None


def _best(candidates: dict[str, int], min_count: int = 3, ratio: float = 3.0) -> str | None:
    """The dominant candidate by document frequency, or None when it is not clear-cut."""
    ranked = sorted(candidates.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < min_count:
        return None
    if len(ranked) > 1 and ranked[0][1] < ratio * ranked[1][1]:
        return None
    return ranked[0][0]


def _choose_in_context(
    cands: dict[str, int], bigram: Callable[[str], int] | None, before: str, after: str
) -> str:
    """Pick a candidate by its bigrams with the neighbours, else by frequency, else mark."""
    if bigram is not None and (before or after):
        top = sorted(cands, key=lambda c: -cands[c])[:8]
        ctx = {
            c: (bigram(before + c) if before else 0) + (bigram(c + after) if after else 0)
            for c in top
        }
        pick = _best(ctx, min_count=1, ratio=3.0)
        if pick:
            return pick
    return _best(cands) or MOJIBAKE_MARK


def repair_mojibake_cluster(
    cluster: str,
    counts: Counter,
    glosses: dict[str, Counter],
    bigram: Callable[[str], int] | None = None,
    before: str = "",
    after: str = "",
) -> str:
    """Recover the characters hidden in one GBK round-trip cluster, or mark the lost ones.

    The cluster's characters, re-encoded as GBK, are the original GBK bytes shifted by one:
    the first original character lost its lead byte (recovered as the candidate most
    frequent in the document), the middle ones are exact, and when the cluster ends in
    ``?gloss)`` the last one lost its trail byte (recovered from the document's own
    ``字(pinyin)`` glosses). Unrecoverable characters become :data:`MOJIBAKE_MARK`.

    Args:
        cluster: text matched by ``MOJIBAKE``.
        counts: character frequencies of the document.
        glosses: ``{pinyin: Counter(characters glossed with it)}`` from the document.
        bigram: counts a two-character string in the document (context evidence).
        before, after: the characters just before and after the cluster.

    Returns:
        The replacement text (Traditional, like the rest of the document).

    >>> repair_mojibake_cluster("?qū)W", Counter({"學": 50, "慦": 0}), {})
    '學'
    >>> repair_mojibake_cluster("?qū)W", Counter(), {})
    '〓'
    """
    m = MOJIBAKE.fullmatch(cluster)
    if not m:
        return MOJIBAKE_MARK
    run, term, last_gloss = m.group(2), m.group(3), m.group(4)
    data = b""
    for ch in run:
        b = _gbk(ch)
        if b is None:
            return MOJIBAKE_MARK * max(1, len(run))
        data += b
    if term is not None:
        data += term.encode("ascii")
        tail_unknown = False
    else:
        tail_unknown = True
    out: list[str] = []
    if not data:
        # The only character lost both bytes; its gloss is all that is left.
        cands = dict(glosses.get(last_gloss or "", Counter()))
        out.append(_choose_in_context(cands, bigram, before, after))
        return "".join(out)
    # Middle characters are exact; the last one may have lost its trail byte.
    rest = data[1:]
    middle = [_decode_pair(rest[2 * k : 2 * k + 2]) or MOJIBAKE_MARK for k in range(len(rest) // 2)]
    tail = ""
    if tail_unknown:
        if len(rest) % 2 == 1:
            allowed = glosses.get(last_gloss or "")
            cands = {}
            for trail in range(0x40, 0xFF):
                ch = _decode_pair(bytes([rest[-1], trail]))
                if ch and (not allowed or ch in allowed):
                    cands[ch] = counts.get(ch, 0)
        else:
            cands = dict(glosses.get(last_gloss or "", Counter()))
        tail = _choose_in_context(cands, bigram, middle[-1] if middle else "", after)
    # First character: unknown lead byte + data[0], chosen with its right neighbour.
    first = {}
    for lead in range(0x81, 0xFF):
        ch = _decode_pair(bytes([lead, data[0]]))
        if ch:
            first[ch] = counts.get(ch, 0)
    nxt = ([*middle, tail, after])[0]
    nxt = "" if nxt == MOJIBAKE_MARK else nxt
    out.append(_choose_in_context(first, bigram, before, nxt))
    out.extend(middle)
    out.append(tail)
    return "".join(out)


def build_mojibake_table(raw: str) -> dict[str, str]:
    """``{cluster: replacement}`` for every GBK round-trip cluster in a document.

    >>> build_mojibake_table("學(xué)生" * 5 + "因?qū)W定教")
    {'?qū)W': '學'}
    """
    if not MOJIBAKE.search(raw):
        return {}
    clean = MOJIBAKE.sub("", raw)
    counts = Counter(clean)
    glosses: dict[str, Counter] = {}
    for m in re.finditer(rf"([{CJK}])\(([{PINYIN_LETTERS}]{{1,6}})\)", clean):
        glosses.setdefault(m.group(2), Counter())[m.group(1)] += 1
    clean_cjk = re.sub(rf"[^{CJK}]+", "|", re.sub(rf"\(([{PINYIN_LETTERS}]{{1,6}})\)", "", clean))
    cache: dict[str, int] = {}

    def bigram(pair: str) -> int:
        if pair not in cache:
            cache[pair] = clean_cjk.count(pair)
        return cache[pair]

    table = {}
    for m in MOJIBAKE.finditer(raw):
        c = m.group()
        if c in table:
            continue
        before = raw[m.start() - 1] if m.start() else ""
        after = raw[m.end()] if m.end() < len(raw) else ""
        before = before if re.match(f"[{CJK}]", before) else ""
        after = after if re.match(f"[{CJK}]", after) else ""
        table[c] = repair_mojibake_cluster(c, counts, glosses, bigram, before, after)
    return table


# ---------------------------------------------------------------------------- steps
def normalize_width(aligned: AlignedText) -> tuple[AlignedText, int]:
    """Fold full-width ASCII forms and the ideographic space to ASCII (1:1).

    >>> a, n = normalize_width(AlignedText.from_raw("增长１２．５％，共３所"))
    >>> a.text, n
    ('增长12.5%,共3所', 7)
    """
    out = aligned.translate(WIDTH_TABLE)
    return out, sum(1 for x, y in zip(aligned.text, out.text, strict=True) if x != y)


def remove_html(aligned: AlignedText) -> tuple[AlignedText, int]:
    """Drop scripts, styles, comments and tags (block tags become newlines); unescape entities.

    >>> remove_html(AlignedText.from_raw("<p>教育&nbsp;工作</p><script>x()</script>"))[0].text
    '\\n教育\\xa0工作\\n'
    """
    a, n1 = aligned.sub(HTML_DROP, "")
    a, n2 = a.sub(HTML_BLOCK_TAG, "\n")
    a, n3 = a.sub(HTML_TAG, "")
    a, n4 = a.sub(HTML_ENTITY, lambda m: html.unescape(m.group()))
    return a, n1 + n2 + n3 + n4


def _is_pinyin(word: str) -> bool:
    bare = unicodedata.normalize("NFD", word)
    bare = "".join(c for c in bare if not unicodedata.combining(c)).replace("ü", "v")
    return PINYIN_SYLLABLE.fullmatch(bare) is not None


def remove_pinyin_glosses(aligned: AlignedText, toneless: bool = False) -> tuple[AlignedText, int]:
    """Remove bracketed pinyin glued to a character; other brackets are kept.

    Args:
        aligned: text after width folding (brackets are ASCII).
        toneless: also remove toneless syllables such as ``(de)``.

    >>> remove_pinyin_glosses(AlignedText.from_raw("創(chuàng)建(一)學(xué)校《規(guī)劃》"))[0].text
    '創建(一)學校《規劃》'
    """

    def repl(m: re.Match) -> str:
        word = m.group(1)
        toned = any(c in TONE_VOWELS for c in word)
        if (toned or toneless) and _is_pinyin(word):
            return ""
        return m.group()

    return aligned.sub(GLOSS, repl)


def repair_taiwan_vocab(aligned: AlignedText) -> tuple[AlignedText, int]:
    """Undo Taiwan-vocabulary localisation of education terms (Simplified text).

    >>> repair_taiwan_vocab(AlignedText.from_raw("江苏省中国小心理健康,国中数学,会考总分"))[0].text
    '江苏省中小学心理健康,初中数学,中考总分'
    """
    total = 0
    for rx, rep in _taiwan_table():
        aligned, n = aligned.sub(rx, rep)
        total += n
    return aligned, total


def remove_urls(aligned: AlignedText) -> tuple[AlignedText, int]:
    """Remove URLs and bare domains (with the spaces around them).

    >>> remove_urls(AlignedText.from_raw("送温暖 down.kt250.com帮扶,增长87.8%"))[0].text
    '送温暖帮扶,增长87.8%'
    """
    return aligned.sub(URL, "")


def remove_share_bars(aligned: AlignedText) -> tuple[AlignedText, int]:
    """Remove runs of three or more share-button labels spliced into a sentence.

    >>> remove_share_bars(AlignedText.from_raw("确立 QQ空间 新浪微博 腾讯微博 人人网 更多 “一把手”"))[0].text
    '确立“一把手”'
    """
    return aligned.sub(_share_bar_pattern(), "")


def normalize_placeholders(aligned: AlignedText) -> tuple[AlignedText, int]:
    """Replace redaction placeholders by :data:`PLACEHOLDER`.

    >>> normalize_placeholders(AlignedText.from_raw("20xx年xx镇##中学**年,第__届,新教师x人"))[0].text
    '□年□镇□中学□年,第□届,新教师□人'
    >>> normalize_placeholders(AlignedText.from_raw("〇〇小学二〇〇〇年"))[0].text
    '□小学二〇〇〇年'
    """
    a, n1 = aligned.sub(YEAR_PLACEHOLDER, PLACEHOLDER)
    a, n0 = a.sub(CIRCLE_PLACEHOLDER, PLACEHOLDER)
    n1 += n0

    def repl(m: re.Match) -> str:
        s, e = m.span()
        text = m.string
        before = text[s - 1] if s else ""
        after = text[e] if e < len(text) else ""
        if PLACEHOLDER_CONTEXT.match(before or " ") or PLACEHOLDER_CONTEXT.match(after or " "):
            return PLACEHOLDER
        return m.group()

    a, n2 = a.sub(PLACEHOLDER_RUN, repl)
    return a, n1 + n2


def normalize_spaces(aligned: AlignedText) -> tuple[AlignedText, int]:
    """Remove spaces inside Chinese text and at line edges; keep a space before a heading.

    >>> normalize_spaces(AlignedText.from_raw(" 3 月 7 日 新课标学习 四、培训内容\\r\\n"))[0].text
    '3月7日新课标学习 四、培训内容\\n'
    """
    a, n1 = aligned.sub(EDGE_SPACE, "")

    def repl(m: re.Match) -> str:
        s, e = m.span()
        if m.string[s - 1].isascii() and m.string[e].isascii():
            return m.group() if m.group() == " " else " "  # 2010 2011, 16:10 between numbers
        if HEADING_START.match(m.string, e):
            return m.group() if m.group() == " " else " "
        return ""

    a, n2 = a.sub(INNER_SPACE, repl)
    return a, n1 + n2


@lru_cache(maxsize=1)
def _word_set() -> frozenset[str]:
    """Two- to four-character words of jieba's main dictionary (frequency >= MIN_WORD_FREQ)."""
    import jieba

    path = jieba.get_dict_file()
    words = set()
    with path as fh:
        for line in fh:
            parts = line.decode("utf-8").split()
            if len(parts) >= 2 and 2 <= len(parts[0]) <= 4 and int(parts[1]) >= MIN_WORD_FREQ:
                words.add(parts[0])
    return frozenset(words)


def _spans_word(left: str, right: str) -> bool:
    """True when a word straddles the junction of ``left`` and ``right``.

    A dictionary word must cross the junction, and jieba's segmentation of the joined
    context must agree (``以上`` + ``班主任`` contains 上班 but segments as 以上/班主任).

    >>> _spans_word("学科教师配", "置不齐的问题"), _spans_word("次以上", "班主任")
    (True, False)
    """
    words = _word_set()
    if not any(
        left[-i:] + right[:j] in words
        for i in range(1, 4)
        for j in range(1, 4)
        if 2 <= i + j <= 4 and len(left) >= i and len(right) >= j
    ):
        return False
    left, right = left[-4:], right[:4]
    pos = 0
    for tok in load_plain_tokenizer().lcut(left + right, HMM=False):
        pos += len(tok)
        if pos == len(left):
            return False
    return True


def _is_field_row(text: str, start: int, end: int) -> bool:
    """Two or more ``label:`` fields and no sentence: a page's meta row (上传时间: … 下载次数: …)."""
    if "。" in text[start:end]:
        return False
    return sum(1 for _ in itertools.islice(FIELD_LABEL.finditer(text, start, end), 2)) >= 2


def _is_meta_line(text: str, start: int) -> bool:
    """The line starting at ``start`` is short and holds a web date-time stamp."""
    end = text.find("\n", start)
    end = len(text) if end < 0 else end
    return end - start <= MAX_META_LINE and WEB_STAMP.search(text, start, end) is not None


def rejoin_broken_lines(aligned: AlignedText) -> tuple[AlignedText, int]:
    """Re-join lines the scraper broke inside a word or sentence.

    A ``。`` plus line break between two characters is dropped when a dictionary word spans
    the junction (``配。\\n\\n置`` -> ``配置``) or the next line starts with a particle
    (``撰写。\\n\\n了两篇``). A plain line break is dropped after a line that ends on a
    character or comma and is either long (``MIN_BROKEN_LINE``) or holds a full sentence
    already (a title never does), when the next line does not start a heading and the line is
    not a navigation bar (``首页 | 工作总结 | …``) or a row of page fields (``上传时间: … 下载次数: …``).

    A line break between a number and its unit is dropped too (``安排资金5230`` / ``万元``).

    >>> rejoin_broken_lines(AlignedText.from_raw("解决学科教师配。\\n\\n置不齐的问题。\\n\\n二、加强"))[0].text
    '解决学科教师配置不齐的问题。\\n\\n二、加强'
    >>> rejoin_broken_lines(AlignedText.from_raw("共安排资金5230\\n万元,用于校舍"))[0].text
    '共安排资金5230万元,用于校舍'
    """

    def period(m: re.Match) -> str:
        text = m.string
        s, e = m.span()
        left = text[max(0, s - 4) : s]
        right = text[e : e + 4]
        if HEADING_START.match(text, e):
            return m.group()
        if right[:1] in NON_INITIAL or _spans_word(left, right):
            return ""
        return m.group()

    a, n1 = aligned.sub(PERIOD_BREAK, period)

    def open_break(m: re.Match) -> str:
        text = m.string
        s, e = m.span()
        line_start = text.rfind("\n", 0, s) + 1
        sentence_inside = "。" in text[line_start:s]
        if (
            (s - line_start < MIN_BROKEN_LINE and not sentence_inside)
            or HEADING_START.match(text, e)
            or LINK_BAR.search(text, line_start, s)
            or _is_field_row(text, line_start, s)
            or _is_meta_line(text, e)
        ):
            return m.group()
        return ""

    a, n2 = a.sub(OPEN_BREAK, open_break)

    def number_unit(m: re.Match) -> str:
        text = m.string
        s, e = m.span()
        before = text[text.rfind("\n", 0, s) + 1 : s]
        return "" if is_split_number_unit(before, text[e : e + 4]) else m.group()

    a, n3 = a.sub(NUMBER_UNIT_BREAK, number_unit)
    return a, n1 + n2 + n3


# ---------------------------------------------------------------------------- injected junk
@lru_cache(maxsize=1)
def _doc_site_inline_pattern() -> re.Pattern:
    alt = "|".join(
        map(re.escape, sorted(_load_lines("doc_site_inline.txt"), key=len, reverse=True))
    )
    return re.compile(rf"{HSPACE}*(?:{alt}){HSPACE}*")


def remove_field_codes(aligned: AlignedText) -> tuple[AlignedText, int]:
    """Remove Word field codes left by a document conversion.

    >>> remove_field_codes(AlignedText.from_raw('第PAGE \\\\* MERGEFORMAT 2页,见HYPERLINK "http://a.cn" 附件'))[0].text
    '第 2页,见 附件'
    """
    return aligned.sub(FIELD_CODE, "")


def remove_markdown_images(aligned: AlignedText) -> tuple[AlignedText, int]:
    """Remove Markdown image links (alt text and URL), e.g. teaser pictures of other pages.

    >>> remove_markdown_images(AlignedText.from_raw("学校![[图文]招生简章](http://a.cn/1.jpg)"))[0].text
    '学校'
    """
    return aligned.sub(MD_IMAGE, "")


def _spam_line_checker(text: str) -> Callable[[int], bool]:
    """``pos -> True`` when the line holding ``pos`` is a spam line as a whole (kept as is)."""
    cache: dict[int, bool] = {}

    def is_spam_line(pos: int) -> bool:
        start = text.rfind("\n", 0, pos) + 1
        if start not in cache:
            end = text.find("\n", pos)
            cache[start] = bool(spam_line(text[start : end if end >= 0 else len(text)])[0])
        return cache[start]

    return is_spam_line


def remove_spam_tokens(aligned: AlignedText) -> tuple[AlignedText, int]:
    """Remove gambling/porn tokens and glyph runs injected into sentences (even into numbers).

    Lines that are spam as a whole are left for the boilerplate stage to flag (so an
    analyst can still see them); only tokens inside report lines are removed.

    >>> remove_spam_tokens(AlignedText.from_raw("在校生1.54亿人体育365◈✿✿★,专任教师10包养01.65万人"))[0].text
    '在校生1.54亿人,专任教师1001.65万人'
    """
    is_spam_line = _spam_line_checker(aligned.text)

    def repl(m: re.Match) -> str:
        return m.group() if is_spam_line(m.start()) else ""

    a, n1 = aligned.sub(SPAM_GLYPHS, repl)
    a, n2 = a.sub(strong_token_regex(), repl)
    return a, n1 + n2


def remove_doc_site_inline(aligned: AlignedText) -> tuple[AlignedText, int]:
    """Remove document-site banners, page counters, dash rules and site watermarks in the text.

    >>> t = "按照规定精选学习资料 - - - - - 名师归纳总结 - - - -第 1 页,共 4 页标准配备。某某网 - 第一新闻门户网站"
    >>> remove_doc_site_inline(AlignedText.from_raw(t))[0].text
    '按照规定标准配备。'
    """
    a, n1 = aligned.sub(_doc_site_inline_pattern(), "")
    a, n2 = a.sub(PAGE_COUNTER, "")
    a, n3 = a.sub(DASH_RULE, "")
    a, n4 = a.sub(WATERMARK_TAIL, "")
    return a, n1 + n2 + n3 + n4


def remove_truncation_marks(aligned: AlignedText) -> tuple[AlignedText, int]:
    """Remove the marks a paywalled page leaves where it cut the text (``…………`` at a line end).

    Runs after :func:`rejoin_broken_lines`, so a cut line is not glued to the paywall footer.

    >>> remove_truncation_marks(AlignedText.from_raw("建成后可以容纳…………\\n本文共1097字"))[0].text
    '建成后可以容纳\\n本文共1097字'
    """
    return aligned.sub(TRUNCATION, "")


def collapse_repeated_punct(aligned: AlignedText) -> tuple[AlignedText, int]:
    """Drop a comma doubled or glued to other punctuation (``,,`` ``,。`` ``,、``).

    >>> collapse_repeated_punct(AlignedText.from_raw("初二学生,,由于困难,,他回到学校,。失学,、辍学"))[0].text
    '初二学生,由于困难,他回到学校。失学、辍学'
    """
    return aligned.sub(PUNCT_REPEAT, "")


# ---------------------------------------------------------------------------- title fragments
def _page_title_key(lines: list[str]) -> str:
    """CJK characters of the page title: an early short line that is no sentence and no furniture."""
    from .boilerplate import boilerplate_kind  # boilerplate does not import normalize

    for line in [ln.strip() for ln in lines if ln.strip()][:TITLE_SEARCH_LINES]:
        key = "".join(CJK_CHAR.findall(line))
        if (
            len(key) >= MIN_TITLE_KEY
            and len(line) <= MAX_TITLE_LINE
            and not TITLE_SENTENCE_PUNCT.search(line)
            and not boilerplate_kind(line)
        ):
            return key
    return ""


def _isolated(title: str, text: str, start: int, end: int) -> bool:
    """The piece is not part of a longer stretch of the title (教育经费 in a sentence stays)."""
    piece = text[start:end]
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return not (before and before + piece in title) and not (after and piece + after in title)


def _fragment_candidates(title: str, line: str) -> tuple[Counter, Counter]:
    """Counts of title pieces that break the line's word segmentation, and of those that do not."""
    tok = load_plain_tokenizer()
    bounds, singles, pos = {0}, set(), 0
    for word in tok.lcut(line, HMM=False):
        if len(word) == 1:
            singles.add(pos)
        pos += len(word)
        bounds.add(pos)
    good: Counter = Counter()
    bad: Counter = Counter()
    for n in FRAGMENT_LENGTHS:
        for m in re.finditer(rf"(?=([{CJK}]{{{n}}}))", line):
            s, i = m.group(1), m.start()
            composite = s in title or any(s[:k] in title and s[k:] in title for k in range(1, n))
            if not composite or tok.FREQ.get(s, 0) > 0 or not _isolated(title, line, i, i + n):
                continue
            breaks = i in bounds and i + n in bounds and any(i <= k < i + n for k in singles)
            (good if breaks else bad)[s] += 1
    return good, bad


def find_title_fragments(text: str) -> tuple[str, tuple[str, ...]]:
    """Pieces of the page title scrambled into the sentences of a spam-mirrored page.

    A piece is 2–4 characters made of at most two stretches of the title, not a dictionary
    word, not part of a longer stretch of the title where it occurs, and it splits jieba's
    segmentation into single characters (``的育经比例``); it must occur at least twice, and a
    page must hold at least three such pieces (an injection is systematic), so ordinary
    reports, whose lines reuse words of their title, keep every word. Only the first
    ``FRAGMENT_SCAN_CHARS`` characters are searched.

    Returns:
        ``(title_key, fragments)``; ``("", ())`` when nothing is found.

    >>> t = "国家财政性教育经费占比连续增长\\n记者获悉,性教财政部发布公报。费占公报显示,性教总投入增长,"
    >>> t += "比上年的费占增长,增速例连领先,例连多年。"
    >>> find_title_fragments(t)[1]
    ()
    """
    text = text[:FRAGMENT_SCAN_CHARS]
    lines = text.split("\n")
    title = _page_title_key(lines)
    if not title:
        return "", ()
    good: Counter = Counter()
    bad: Counter = Counter()
    for line in lines:
        if "".join(CJK_CHAR.findall(line)) != title:
            g, b = _fragment_candidates(title, line)
            good.update(g)
            bad.update(b)
    chosen = [s for s, c in good.items() if c >= MIN_FRAGMENT_REPEATS and not bad[s]]
    chosen = sorted(s for s in chosen if not any(s != t and s in t for t in chosen))
    if len(chosen) < MIN_FRAGMENTS:
        return "", ()
    return title, tuple(chosen)


def remove_title_fragments(
    aligned: AlignedText, title: str, fragments: tuple[str, ...]
) -> tuple[AlignedText, int]:
    """Remove the chosen title pieces wherever they stand isolated (see :func:`find_title_fragments`).

    >>> a = AlignedText.from_raw("国家财政性教育经费占比例\\n比上年的育经比例为14.71%,教育经费增长")
    >>> remove_title_fragments(a, "国家财政性教育经费占比例", ("育经",))[0].text
    '国家财政性教育经费占比例\\n比上年的比例为14.71%,教育经费增长'
    """
    if not fragments:
        return aligned, 0
    rx = re.compile("|".join(map(re.escape, sorted(fragments, key=len, reverse=True))))

    def repl(m: re.Match) -> str:
        return "" if _isolated(title, m.string, *m.span()) else m.group()

    return aligned.sub(rx, repl)


# ---------------------------------------------------------------------------- driver
REPAIR_KINDS = (
    "html_tag",
    "mojibake_repaired",
    "mojibake_marked",
    "width",
    "pinyin_gloss",
    "t2s",
    "taiwan_vocab",
    "url",
    "share_bar",
    "placeholder",
    "space",
    "broken_line",
    "spam_token",
    "field_code",
    "md_image",
    "doc_site",
    "truncation",
    "punct_repeat",
    "title_fragment",
)


def _run_steps(
    aligned: AlignedText, options: NormalizeOptions
) -> tuple[AlignedText, dict[str, int]]:
    counts = dict.fromkeys(REPAIR_KINDS, 0)
    if options.is_html:
        aligned, counts["html_tag"] = remove_html(aligned)
    else:
        aligned, counts["html_tag"] = aligned.sub(STRAY_TAG, "")
    if options.mojibake:

        def moji(m: re.Match) -> str:
            rep = options.mojibake.get(m.group())
            if rep is None:
                rep = MOJIBAKE_MARK
            if MOJIBAKE_MARK in rep:
                counts["mojibake_marked"] += 1
            else:
                counts["mojibake_repaired"] += 1
            return rep

        aligned, _ = aligned.sub(MOJIBAKE, moji)
    aligned, lost = aligned.sub(LOST_BYTES, MOJIBAKE_MARK)
    counts["mojibake_marked"] += lost
    aligned, counts["width"] = normalize_width(aligned)
    aligned, counts["pinyin_gloss"] = remove_pinyin_glosses(aligned, options.pinyin_glossed)
    aligned, counts["t2s"] = convert_aligned_to_simplified(aligned)
    if options.taiwan_localised:
        aligned, counts["taiwan_vocab"] = repair_taiwan_vocab(aligned)
    aligned, counts["field_code"] = remove_field_codes(aligned)
    aligned, counts["md_image"] = remove_markdown_images(aligned)
    aligned, counts["url"] = remove_urls(aligned)
    aligned, counts["share_bar"] = remove_share_bars(aligned)
    aligned, counts["spam_token"] = remove_spam_tokens(aligned)
    aligned, counts["doc_site"] = remove_doc_site_inline(aligned)
    aligned, counts["punct_repeat"] = collapse_repeated_punct(aligned)
    aligned, counts["placeholder"] = normalize_placeholders(aligned)
    aligned, counts["space"] = normalize_spaces(aligned)
    aligned, counts["broken_line"] = rejoin_broken_lines(aligned)
    aligned, counts["truncation"] = remove_truncation_marks(aligned)
    aligned, counts["title_fragment"] = remove_title_fragments(
        aligned, options.title_key, options.title_fragments
    )
    return aligned, counts


def normalize_document(raw: str, options: NormalizeOptions | None = None) -> NormalizedDoc:
    """Normalise one raw document, keeping every character aligned to the raw text.

    Args:
        raw: the decoded raw text (the offset reference).
        options: document-level decisions; :func:`detect_options` when omitted.

    Returns:
        The :class:`NormalizedDoc` (``.aligned``, ``.options``, ``.repairs``).

    >>> d = normalize_document("總結(jié)20xx年教育工作")
    >>> d.text, d.repairs["pinyin_gloss"], d.repairs["placeholder"], d.aligned.raw_span(0, 2)
    ('总结□年教育工作', 1, 1, (0, 2))
    """
    options = options or detect_options(raw)
    aligned, counts = _run_steps(AlignedText.from_raw(raw), options)
    if not options.title_fragments:
        # Needs the clean text; removing the pieces is the last step, so running it on the
        # result equals running every step with the pieces in the options.
        title, fragments = find_title_fragments(aligned.text)
        if fragments:
            options = replace(options, title_key=title, title_fragments=fragments)
            aligned, counts["title_fragment"] = remove_title_fragments(aligned, title, fragments)
    return NormalizedDoc(aligned, options, counts)


def normalize_text(text: str, options: NormalizeOptions | None = None) -> str:
    """The same steps as :func:`normalize_document`, returning only the clean text.

    >>> normalize_text("學(xué)校１２所", NormalizeOptions())
    '学校12所'
    """
    options = options or detect_options(text)
    return _run_steps(AlignedText.from_raw(text), options)[0].text
