"""Web junk at line/block level: breadcrumbs, footers, blurbs, link lists, share bars.

Lines are classified, never deleted: the segmenter keeps every line as a paragraph row with
``is_boilerplate`` and ``boilerplate_kind``, so an analyst can always see what was set aside.

Two kinds of signal, both meant to generalise beyond the seed files:

* phrases that site templates repeat everywhere (``resources/boilerplate_patterns.csv``,
  one regular expression per row with its kind), applied to one normalised line;
* shape and position in the document (:func:`classify_lines`): runs of short title-like
  lines without sentence punctuation (SEO and related-article lists), ``>`` breadcrumb
  trails, teaser blocks (title + equally truncated snippet, repeated), a line repeating
  the page title, short labels in the last lines of the file.

* spam and injected lines (:mod:`helpers.spam`): pornography, gambling, SEO spider pools,
  hacked-site headers and link farms, from ``resources/spam_vocab.csv`` and line shapes.

Kinds: ``breadcrumb``, ``navigation``, ``site_footer``, ``toc_link``, ``editor_blurb``,
``seo_list``, ``related_list``, ``share_bar``, ``date_meta``, ``title_repeat``,
``doc_site_furniture`` and the spam kinds of :data:`helpers.spam.SPAM_KINDS`; ``""`` means
content. :func:`score_lines` gives each line a junk score in [0, 1].
"""

from __future__ import annotations

import csv
import itertools
import re
from functools import lru_cache

from .paths import resource_path
from .spam import SPAM_KINDS, spam_line, spam_score
from .vocab import CJK

KINDS = (
    "breadcrumb",
    "navigation",
    "site_footer",
    "toc_link",
    "editor_blurb",
    "seo_list",
    "related_list",
    "share_bar",
    "date_meta",
    "title_repeat",
    "doc_site_furniture",
    *SPAM_KINDS,
)

# ---------------------------------------------------------------------------- patterns
BREADCRUMB_SEP = re.compile(r"\s*(?:>|»|›|→)\s*")
SENTENCE_PUNCT = re.compile(r"[。;；!！?？]")
HEADING = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}、|\d{1,2}\s*[、.．](?!\d)|[(（][一二三四五六七八九十\d]{1,3}[)）]|[①-⑳]|第[一二三四五六七八九十\d]{1,3}[章节部阶篇])"
)
CITED_TITLE = re.compile(r"^《[^《》]+》$")
TOC_TITLE = re.compile(r"^(?P<title>.+?)\s*[|｜]\s*返回目录\s*$")
# Longest line (characters) that can be a title, a link or a label.
MAX_TITLE_LEN = 45
# A line ending in 。 is a sentence unless it is this short (labels like 工作总结范文。).
MAX_LABEL_LEN = 15
MIN_LIST_RUN = 3
# Teaser snippets are cut by the site at one length; this is the tolerance in characters.
TEASER_LEN_TOLERANCE = 6
MIN_TEASER_LEN = 60
TAIL_LINES = 3
MAX_TAIL_LABEL = 8
# A line that reads as a sentence (ends in 。): site furniture is labels, not sentences.
SENTENCE_LINE = re.compile(r"。$")
# A bar of links: three or more short labels between | separators (首页 | 工作总结 | ...).
LINK_BAR_SEP = re.compile(r"\s*[|｜]\s*")
MAX_LINK_LABEL = 10
# A cell of a table row (``一中 | 1520 | 85.6``): a row with two such cells is not a link bar.
TABLE_NUMBER_CELL = re.compile(r"\d[\d,]*(?:\.\s?\d+)?\s*[%‰]?")
# A list header (相关推荐, 热门文章...) is followed by its items: short link titles, possibly
# with a bullet, a list number or a trailing date.
LIST_ITEM_DECOR = re.compile(
    r"^\s*(?:[·•●◆■□▪▶>*-]|\d{1,2}\s*[.、]\s*(?!\d)|\[\d{1,2}\])?\s*|\s*(?:\(?\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\)?|\d{1,2}[-/]\d{1,2})\s*$"
)
MAX_LIST_ITEMS = 30
# A report's closing date (落款) on its own line: 2022年1月10日, □年□月□日, 二〇二二年一月十日.
SIGNATURE_DATE = re.compile(
    r"^(?:\d{4}|\u25a1|[二〇○零一三四五六七八九]{4})年[\d\u25a1一二三四五六七八九十]{1,2}月[\d\u25a1一二三四五六七八九十]{1,3}日$"
)
MAX_SIGNATURE_UNIT = 30
# A preview snippet repeats at least this many characters of the text that follows.
MIN_PREVIEW_KEY = 30
# A footnote mark after a title (统计公报[1]) and a trailing parenthesis (年度报告(2019)).
FOOTNOTE_MARK = re.compile(r"\[\d{1,2}\]")
TRAILING_PAREN = re.compile(r"[(（][^()（）]*[)）]\s*$")
# A numbered breadcrumb item (1. 首页, 2. 职业学校).
NUMBERED_ITEM = re.compile(r"^\d{1,2}[.、]\s*\S{1,10}$")


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[str, re.Pattern, int]]:
    """``(kind, regex, max_len)`` rows; ``max_len`` 0 means any line length."""
    with resource_path("boilerplate_patterns.csv").open(encoding="utf-8") as fh:
        return [
            (r["kind"], re.compile(r["pattern"]), int(r["max_len"] or 0))
            for r in csv.DictReader(fh)
        ]


@lru_cache(maxsize=1)
def _signature_units() -> tuple[str, ...]:
    text = resource_path("signature_units.txt").read_text(encoding="utf-8")
    return tuple(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def _closing_phrases() -> frozenset[str]:
    text = resource_path("closing_phrases.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=1)
def _title_words() -> re.Pattern:
    text = resource_path("boilerplate_title_words.txt").read_text(encoding="utf-8")
    words = [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))


# ---------------------------------------------------------------------------- line level
def is_breadcrumb(line: str) -> bool:
    """A navigation trail: short segments joined by ``>``.

    >>> is_breadcrumb("范文 > 工作计划 > 人事教育科工作总结 > 导航")
    True
    >>> is_breadcrumb("初中毕业生升入高中比例达到93.5%以上,普职比>1:1。")
    False
    """
    parts = [p for p in BREADCRUMB_SEP.split(line.strip()) if p]
    if not BREADCRUMB_SEP.search(line) or len(line) > 100 or SENTENCE_PUNCT.search(line):
        return False
    return all(len(p) <= 25 and not re.search(r"[,，]", p) for p in parts)


def is_link_bar(line: str) -> bool:
    """A navigation bar: three or more short labels separated by ``|``; a table row holding
    two or more numbers is not one.

    >>> is_link_bar("首页 | 工作总结 | 工作计划 | 心得体会"), is_link_bar("语文|数学两科平均分")
    (True, False)
    >>> is_link_bar("二中 | 980 | 52 | 2")
    False
    """
    parts = LINK_BAR_SEP.split(line.strip())
    return (
        len(parts) >= 3
        and sum(TABLE_NUMBER_CELL.fullmatch(p) is not None for p in parts) < 2
        and all(0 < len(p) <= MAX_LINK_LABEL for p in parts)
        and not any(SENTENCE_PUNCT.search(p) or re.search(r"[,，]", p) for p in parts)
    )


def is_title_like(line: str) -> bool:
    """Short, no sentence punctuation inside, not a numbered heading: a title or a link.

    >>> is_title_like("食堂年终工作总结(十五篇)"), is_title_like("一、指导思想")
    (True, False)
    """
    s = line.strip()
    if s.endswith("。"):
        s = s[:-1]
        if len(s) > MAX_LABEL_LEN:
            return False
    return (
        0 < len(s) <= MAX_TITLE_LEN
        and not SENTENCE_PUNCT.search(s)
        and not HEADING.match(s)
        and s.count(",") + s.count("，") <= 1
    )


def has_title_word(line: str) -> bool:
    """True when the line contains a word typical of template-page titles (总结, 范文...).

    >>> has_title_word("幼儿园小班教师度工作总结(通用10篇)"), has_title_word("校毽子比赛团体奖")
    (True, False)
    """
    return _title_words().search(line) is not None


def boilerplate_kind(line: str) -> str:
    """The boilerplate kind of one normalised line from its own text, ``""`` for content.

    Args:
        line: one line of normalised (Simplified, width-folded) text.

    Returns:
        A kind from :data:`KINDS`, or ``""``.

    >>> boilerplate_kind("当前位置:万佳范文网 >")
    'breadcrumb'
    >>> boilerplate_kind("镇教育工作总结镇教育工作总结模板(2) | 返回目录")
    'toc_link'
    >>> boilerplate_kind("发布 2020-06-25 19:43:28 阅读 4412")
    'date_meta'
    >>> boilerplate_kind("一、全面推进,素质教育成果不断放大")
    ''
    >>> boilerplate_kind("责任编辑:王□"), boilerplate_kind("学校设立监督举报电话,接受社会监督。")
    ('site_footer', '')
    """
    s = line.strip()
    if not s:
        return ""
    spam_kind, _ = spam_line(s)
    if spam_kind and spam_kind != "link_farm":
        return spam_kind
    for kind, rx, max_len in _patterns():
        if max_len and (len(s) > max_len or SENTENCE_LINE.search(s)):
            # Rows for short furniture (责任编辑, 扫一扫, 举报...) never take a sentence:
            # "学校设立监督举报电话,接受社会监督。" is content.
            continue
        if rx.search(s):
            if kind == "editor_blurb" and len(s) > 400:
                continue  # a long paragraph quoting 以下是… is content
            return kind
    if is_breadcrumb(s) or is_link_bar(s):
        return "breadcrumb"
    return spam_kind


def is_boilerplate(line: str) -> bool:
    """True when :func:`boilerplate_kind` finds a kind for the line.

    >>> is_boilerplate("标签: 模板 教育"), is_boilerplate("教育局年度工作总结")
    (True, False)
    """
    return bool(boilerplate_kind(line))


# ---------------------------------------------------------------------------- block level
def _title_key(line: str) -> str:
    s = re.sub(rf"[^{CJK}0-9A-Za-z\u25a1]", "", FOOTNOTE_MARK.sub("", line))
    return re.sub(r"(?:范文|范本)$", "", s)


def _mark_title_runs(lines: list[str], kinds: list[str]) -> None:
    """Runs of short title-like lines, most with title words: SEO / related-article lists."""
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    run: list[int] = []
    introduced = False  # the run follows a content line ending in ":" (它的列表 is content)

    def flush() -> None:
        if len(run) >= MIN_LIST_RUN and not introduced:
            # 《…》 names a document the report cites, not a link to another page.
            worded = [
                i
                for i in run
                if kinds[i] == "seo_list"
                or (has_title_word(lines[i]) and not CITED_TITLE.match(lines[i].strip()))
            ]
            # A page title shown twice (header, then above the text) is not a list of links.
            distinct = {_title_key(lines[i]) for i in worded}
            if len(worded) >= 0.6 * len(run) and len(distinct) >= MIN_LIST_RUN:
                for i in run:
                    if not kinds[i]:
                        kinds[i] = "seo_list"
        run.clear()

    for i in idx:
        s = lines[i].strip()
        if not kinds[i] and s[-1] in ":：" and len(s) > MAX_TAIL_LABEL:
            flush()
            introduced = True
            continue
        if is_title_like(lines[i]) and kinds[i] in ("", "seo_list"):
            run.append(i)
        else:
            flush()
            introduced = False
    flush()


def _mark_list_items(lines: list[str], kinds: list[str]) -> None:
    """The items under a list header (相关推荐, 热门文章, 猜你喜欢...): short link titles."""
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    for k, i in enumerate(idx):
        if kinds[i] != "related_list" or len(lines[i].strip()) > MAX_TITLE_LEN:
            continue
        items: list[int] = []
        body_follows = False
        for j in idx[k + 1 : k + 1 + MAX_LIST_ITEMS]:
            if kinds[j]:
                if kinds[j] in ("seo_list", "related_list"):
                    continue
                break
            item = LIST_ITEM_DECOR.sub("", lines[j])
            if not item or not is_title_like(item) or lines[j].strip().endswith("。"):
                body_follows = True
                break
            items.append(j)
        # A title right before body text heads the next pasted article (延伸阅读: + a report).
        if body_follows and items:
            items.pop()
        for j in items:
            kinds[j] = "related_list"


def _mark_label_values(lines: list[str], kinds: list[str]) -> None:
    """The value line under an empty furniture label (``标签:`` then ``教育 |``)."""
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    for i, j in itertools.pairwise(idx):
        label = lines[i].strip()
        value = lines[j].strip()
        if (
            kinds[i] in ("site_footer", "date_meta")
            and label[-1] in ":："
            and len(label) <= MAX_TAIL_LABEL
            and not kinds[j]
            and len(value) <= MAX_LINK_LABEL * 3
            and not SENTENCE_PUNCT.search(value)
            and not HEADING.match(value)
        ):
            kinds[j] = kinds[i]


def _unmark_signature(lines: list[str], kinds: list[str]) -> None:
    """A report's signature (落款: issuing unit, then the date) is content, not site furniture."""
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    for k, i in enumerate(idx):
        if kinds[i] not in ("", "date_meta") or not SIGNATURE_DATE.match(lines[i].strip()):
            continue
        prev = idx[k - 1] if k else None
        if prev is None:
            continue
        p = lines[prev].strip()
        is_unit = len(p) <= MAX_SIGNATURE_UNIT and p.endswith(_signature_units())
        if is_unit and kinds[prev] in ("", "site_footer"):
            kinds[prev] = ""
            kinds[i] = ""
        elif not kinds[prev] and not is_title_like(p):
            kinds[i] = ""  # the date closes the last paragraph of the report


def _mark_teasers(lines: list[str], kinds: list[str]) -> None:
    """Title + snippet pairs whose snippets were all cut at the same length: a teaser list."""
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    pairs = []
    for a, b in itertools.pairwise(idx):
        snippet = lines[b].strip()
        if (
            is_title_like(lines[a])
            and has_title_word(lines[a])
            and len(snippet) >= MIN_TEASER_LEN
            and not HEADING.match(snippet)
        ):
            pairs.append((a, b))
    # Consecutive pairs (snippet k directly followed by title k+1) cut at one length.
    pos = {line_no: k for k, line_no in enumerate(idx)}
    groups: list[list[tuple[int, int]]] = []
    for p in pairs:
        prev = groups[-1][-1] if groups else None
        if (
            prev is not None
            and pos[p[0]] == pos[prev[1]] + 1
            and abs(len(lines[p[1]].strip()) - len(lines[prev[1]].strip())) <= TEASER_LEN_TOLERANCE
        ):
            groups[-1].append(p)
        else:
            groups.append([p])
    for g in groups:
        if len(g) >= 2:
            first = pos[g[0][0]]
            # Title-like lines right before the first pair belong to the same block.
            while (
                first > 0
                and is_title_like(lines[idx[first - 1]])
                and has_title_word(lines[idx[first - 1]])
            ):
                first -= 1
                kinds[idx[first]] = kinds[idx[first]] or "related_list"
            for a, b in g:
                kinds[a] = kinds[a] or "related_list"
                kinds[b] = "related_list"


def _in_table(lines: list[str], prev: int | None, nxt: int | None) -> bool:
    """Both neighbours are cells without Chinese text (``|``, numbers): a flattened table."""
    return all(k is not None and not re.search(f"[{CJK}]", lines[k]) for k in (prev, nxt))


def _mark_title_repeats(lines: list[str], kinds: list[str]) -> None:
    """A short title-like line that repeats an earlier one: the page title shown again.

    Not when the body after it repeats too (a whole report pasted twice: the title heads
    the copy, the article duplicate flag covers it), nor for a cell of a flattened table
    (``中等职业学校`` between ``|`` lines recurs in every block of the table).
    """
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    nxt = dict(itertools.pairwise(filled))
    prv = {b: a for a, b in nxt.items()}
    seen: dict[str, int] = {}
    for i, ln in enumerate(lines):
        if not ln.strip() or not is_title_like(ln):
            continue
        key = _title_key(ln)
        if len(key) < 4:
            continue
        if key in seen and not kinds[i] and not _in_table(lines, prv.get(i), nxt.get(i)):
            a, b = nxt.get(seen[key]), nxt.get(i)
            while a is not None and kinds[a]:
                a = nxt.get(a)
            while b is not None and kinds[b]:
                b = nxt.get(b)
            body_repeats = (
                a is not None
                and b is not None
                and not is_title_like(lines[b])
                and _title_key(lines[a]) == _title_key(lines[b])
            )
            if not body_repeats:
                kinds[i] = "title_repeat"
        seen.setdefault(key, i)
        # The page title without its trailing parenthesis is the same title shown again.
        seen.setdefault(_title_key(TRAILING_PAREN.sub("", ln)), i)


def _mark_short_runs(lines: list[str], kinds: list[str]) -> None:
    """Fill runs of short lines around site navigation: a forum poster's profile (labels
    ``来自``/``积分`` with their values), a numbered breadcrumb list (``1. 首页``, ``2. 职业学校``).
    """
    idx = [i for i, ln in enumerate(lines) if ln.strip()]
    runs: list[list[int]] = []
    for i in idx:
        s = lines[i].strip()
        if len(s) > MAX_LINK_LABEL or SENTENCE_PUNCT.search(s):
            runs.append([])
            continue
        if not runs:
            runs.append([])
        runs[-1].append(i)
    for run in runs:
        if sum(1 for i in run if kinds[i] == "navigation") >= 2:
            for i in run:
                kinds[i] = kinds[i] or "navigation"
        crumbs = [
            i for i in run if kinds[i] == "breadcrumb" and NUMBERED_ITEM.match(lines[i].strip())
        ]
        for i in run:
            if crumbs and i > crumbs[0] and not kinds[i] and NUMBERED_ITEM.match(lines[i].strip()):
                kinds[i] = "breadcrumb"


def _mark_preview_snippets(lines: list[str], kinds: list[str]) -> None:
    """A document site's preview: a line whose text is the cut-off start of a later line."""
    keys = [_title_key(ln) if ln.strip() else "" for ln in lines]
    ordered = sorted((k, i) for i, k in enumerate(keys) if len(k) >= MIN_PREVIEW_KEY)
    for pos, (key, i) in enumerate(ordered):
        if kinds[i]:
            continue
        # Keys that start with this one follow it in sorted order.
        for k, j in ordered[pos + 1 :]:
            if not k.startswith(key):
                break
            if j > i and len(k) > len(key):
                kinds[i] = "doc_site_furniture"
                break


def _mark_tail_labels(lines: list[str], kinds: list[str]) -> None:
    """Very short labels among the last lines of the file (专题, 返回顶部 ...).

    Only lines after the last sentence-like line count as the tail.
    """
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    last_body = max(
        (
            i
            for i in filled
            if SENTENCE_PUNCT.search(lines[i]) or len(lines[i].strip()) > MAX_TITLE_LEN
        ),
        default=-1,
    )
    after_body = [i for i in filled if i > last_body]
    # More short content lines after the last sentence than a site's tail holds: a list or
    # a schedule (二月份 / 开学准备工作 / …) ends the report, not a row of labels.
    if sum(1 for i in after_body if not kinds[i]) > TAIL_LINES:
        after_body = []
    for i in after_body[-TAIL_LINES:]:
        s = lines[i].strip()
        if (
            not kinds[i]
            and s not in _closing_phrases()
            and len(s) <= MAX_TAIL_LABEL
            and not re.search(r"[。;；!！?？:：,，]", s)
            and not HEADING.match(s)
        ):
            kinds[i] = "site_footer"


def classify_lines(lines: list[str]) -> list[str]:
    """Boilerplate kind of every line of a normalised document (``""`` for content).

    Line-level phrases first, then document shape: link-list runs, teaser blocks, repeats of
    the page title, short labels among the last lines.

    Args:
        lines: the document's normalised lines (empty lines allowed, they stay ``""``).

    Returns:
        One kind per line.

    >>> classify_lines(["教育局年度工作总结", "结合学校工作实际,教育系统以创先争优活动为契机,激发生机和活力。",
    ...                 "安保部年度工作总结", "信用社年终总结三篇", "护理年终工作总结范文", "", "专题"])
    ['', '', 'seo_list', 'seo_list', 'seo_list', '', 'seo_list']
    >>> classify_lines(["教育局年度工作总结", "结合学校工作实际,教育系统以创先争优活动为契机,激发生机和活力。", "专题"])
    ['', '', 'site_footer']
    """
    kinds = [boilerplate_kind(ln) for ln in lines]
    _mark_title_runs(lines, kinds)
    _mark_list_items(lines, kinds)
    _mark_teasers(lines, kinds)
    _mark_label_values(lines, kinds)
    _mark_short_runs(lines, kinds)
    _mark_title_repeats(lines, kinds)
    _mark_preview_snippets(lines, kinds)
    _mark_tail_labels(lines, kinds)
    _unmark_signature(lines, kinds)
    return kinds


def score_lines(lines: list[str], kinds: list[str]) -> list[float]:
    """Junk score of every line: 1.0 for a rule-based kind, the spam evidence otherwise.

    Spam kinds keep the share of the line their vocabulary covers (or the shape's score);
    content lines keep the share of spam tokens in them (small: a sentence with one
    injected token), so an analyst can sort by it.

    >>> score_lines(["当前位置:首页 >", "北京|上海|广州|深圳|成都|重庆", "全县学校322所。"],
    ...             ["breadcrumb", "seo_spider", ""])
    [1.0, 0.8, 0.0]
    """
    scores = []
    for ln, kind in zip(lines, kinds, strict=True):
        if kind and kind not in SPAM_KINDS:
            scores.append(1.0)
        elif kind:
            scores.append(spam_line(ln)[1] or 1.0)
        else:
            scores.append(spam_score(ln)[1])
    return scores


def title_from_toc_link(line: str) -> str:
    """The article title carried by a ``… | 返回目录`` line, ``""`` if it is not one.

    >>> title_from_toc_link("乡镇教育工作总结及工作打算镇教育工作总结模板(3) | 返回目录")
    '乡镇教育工作总结及工作打算镇教育工作总结模板(3)'
    """
    m = TOC_TITLE.match(line.strip())
    return m.group("title").strip() if m else ""
