"""Articles, paragraphs, sections, sentences and duplicates of a normalised document.

Input is a :class:`~helpers.normalize.NormalizedDoc`; every non-empty line of its clean text
is one paragraph (the normaliser has already re-joined lines the scraper broke), and every
paragraph keeps its raw span and its own :class:`~helpers.aligned.AlignedText`.

Articles: scraped files often paste several reports together. A new article starts at

* a ``… | 返回目录`` line (its title is the link text);
* the first content line after a related-articles header (延伸阅读, 阅读拓展) or after a
  separator label (编辑分享, 工作总结范文。) that follows content;
* an editor blurb (下面是小编整理的…) that follows content;
* a numbered template title (``…工作计划1``, ``…工作计划2``);
* a restart of the article's top heading numbering (a second ``一、``, or ``一、`` under an
  article whose headings so far were ``(一)``);
* a first heading that outranks the child style the article already uses (``(一)`` in a
  plan numbered ``一、…1、…``) and comes after several body paragraphs.

The boundary moves back to the headline before the heading, or to the introductory
paragraph right before it.

Duplicates: a paragraph whose text (punctuation ignored) already appeared earlier in the
document is flagged; an article most of whose text duplicates one earlier article is
flagged with ``duplicate_of`` (the copy stays in the tables, flagged).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

import pandas as pd

from .aligned import AlignedText
from .boilerplate import (
    classify_lines,
    has_title_word,
    is_title_like,
    score_lines,
    title_from_toc_link,
)
from .normalize import NormalizedDoc
from .vocab import ARTICLE_COLUMNS, CJK, PARAGRAPH_COLUMNS

# ---------------------------------------------------------------------------- patterns
CN_DIGITS = "零一二三四五六七八九十百"
# Heading styles, highest level first (the canonical rank used for numbering restarts).
HEADING_STYLES: list[tuple[str, re.Pattern]] = [
    ("part", re.compile(rf"^第([{CN_DIGITS}\d]{{1,3}})(?:阶段|部分|章|篇|节)")),
    ("cn", re.compile(rf"^([{CN_DIGITS}]{{1,3}})\s*[、.．]")),
    ("paren_cn", re.compile(rf"^[(（]([{CN_DIGITS}]{{1,3}})[)）]\s*[、.．]?")),
    ("arabic", re.compile(r"^(\d{1,2})\s*(?:[、．]|\.(?!\d))")),
    ("paren_arabic", re.compile(r"^[(（](\d{1,2})[)）]|^(\d{1,2})\)(?!\d)")),
    ("circled", re.compile(r"^([①-⑳])")),
]
STYLE_RANK = {name: k for k, (name, _) in enumerate(HEADING_STYLES)}
# A heading inside a line, after a sentence end or a space: the line holds several paragraphs
# (pages scraped without line breaks). Arabic items only after a space: after 。 they are
# usually a list nested in the paragraph; "1." never (too often a decimal).
INLINE_HEADING = re.compile(
    rf"(?:(?<=[。;!?；！？])|(?<=\s))\s*(?=[{CN_DIGITS}]{{1,3}}、|[(（][{CN_DIGITS}]{{1,3}}[)）])|(?<=\s)(?=\d{{1,2}}、)"
)
HEADING_LABEL_END = re.compile(r"[。;:!?；：！？]")
MAX_HEADING_LABEL = 30
# Numbered template titles: 开学工作前有关教师的培训工作计划1, 班主任工作总结2...
TEMPLATE_TITLE = re.compile(
    r"^(.{4,40}?(?:总结|计划|方案|要点|心得|体会|报告|范文|模板|安排))(\d{1,2})(?!\d)"
)
# Article markers of template collections (范文 sites): 篇一:, 【篇二】, 第3篇:, 范文1,
# either before the article's title or alone on their line; or after the title (…总结 篇2).
_MARK_NUM = rf"[{CN_DIGITS}\d]{{1,3}}"
_MARK = rf"(?:篇\s*{_MARK_NUM}|第\s*{_MARK_NUM}\s*篇|范文\s*{_MARK_NUM})"
ARTICLE_MARKER = re.compile(
    rf"^(?:[【\[]\s*{_MARK}\s*[】\]]\s*[:：]?\s*|{_MARK}\s*(?:[:：]\s*|\s+|$))"
)
ARTICLE_MARKER_AFTER = re.compile(
    rf"^(?P<title>.{{4,40}}?)\s*[【\[(]?(?:篇|范文)\s*{_MARK_NUM}[】\])]?$"
)
# First lines of a report: these open an article rather than close the previous one.
INTRO = re.compile(r"以来|一年来|今年|本学期|本年度|为了|为进一步|根据|现将|如下|回顾")
INTRO_WINDOW = 15
LIST_ITEM = re.compile(rf"^(?:[{CN_DIGITS}]{{1,3}}是|总之|综上|最后)")
SEPARATOR_KINDS = {"share_bar", "seo_list", "related_list"}
# Body paragraphs after the last heading before an out-of-rank first heading starts a report.
MIN_BODY_BEFORE_ORPHAN = 3
# A paragraph shorter than this (letters/digits/CJK only) is never called a duplicate.
MIN_DUPLICATE_KEY = 12
# Share of an article's text found in one earlier article that makes it a duplicate.
DUPLICATE_ARTICLE_SHARE = 0.6

SENTENCE_END = re.compile(
    r"(?:[。！？!?；;]|…{1,2}|\.{3,6}|(?<![0-9])\.(?=\s|$|[\u3400-\u9fff“”\"']))[”’\"'）)]*"
)


def _cn_to_int(s: str) -> int:
    """Small Chinese numeral (or digits, or a circled number) to int.

    >>> _cn_to_int("十二"), _cn_to_int("三"), _cn_to_int("12"), _cn_to_int("③")
    (12, 3, 12, 3)
    """
    if s.isdigit() and s.isascii():
        return int(s)
    if len(s) == 1 and "①" <= s <= "⑳":
        return ord(s) - ord("①") + 1
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")}
    total, cur = 0, 0
    for ch in s:
        if ch in digits:
            cur = digits[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
    return total + cur


def parse_heading(line: str) -> tuple[str, int, str] | None:
    """``(style, number, label)`` when a line starts with heading numbering, else None.

    >>> parse_heading("(二)加强基础设施建设力度,创建良好的教育氛围")
    ('paren_cn', 2, '(二)加强基础设施建设力度,创建良好的教育氛围')
    >>> parse_heading("1、把握关键抓德育。紧扣主题,扎实开展了活动。")
    ('arabic', 1, '1、把握关键抓德育')
    >>> parse_heading("87.8%的学生") is None, parse_heading("一是加大干部培训力度。") is None
    (True, True)
    """
    s = line.strip()
    for style, rx in HEADING_STYLES:
        m = rx.match(s)
        if m:
            cut = HEADING_LABEL_END.search(s, m.end())
            label = s[: cut.start()] if cut else s
            if len(label) > MAX_HEADING_LABEL:
                label = label[:MAX_HEADING_LABEL] + "…"
            number = next(g for g in m.groups() if g)
            return style, _cn_to_int(number), label
    return None


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a paragraph, split on 。！？； and ASCII ``!?;`` and a final ``.``.

    A ``.`` between digits (87.8) or after a heading number (1.) does not end a sentence;
    closing quotes stay with their sentence; leading spaces are not part of a sentence.

    Args:
        text: one paragraph's clean text.

    Returns:
        ``(start, end)`` offsets into ``text``, in order, covering every non-space character.

    >>> t = "入学率达到87.8%。1.规范管理;巩固率100%!"
    >>> [t[a:b] for a, b in split_sentences(t)]
    ['入学率达到87.8%。', '1.规范管理;', '巩固率100%!']
    >>> split_sentences("")
    []
    """
    spans = []
    start = 0
    for m in SENTENCE_END.finditer(text):
        end = m.end()
        if end > start:
            spans.append((start, end))
        start = end
    if start < len(text):
        spans.append((start, len(text)))
    out = []
    for a, b in spans:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append((a, b))
    return out


def duplicate_key(text: str) -> str:
    """The text a duplicate check compares: letters, digits, CJK and placeholders only.

    >>> duplicate_key("“五严规定” 和市教育局, 五项规定。")
    '五严规定和市教育局五项规定'
    """
    return re.sub(rf"[^{CJK}0-9A-Za-z\u25a1]", "", text)


@dataclass
class Segmented:
    """Segmentation of one document (see module docstring for the columns)."""

    articles: pd.DataFrame
    paragraphs: pd.DataFrame
    para_text: dict[int, AlignedText] = field(repr=False)
    counts: dict[str, int]


@dataclass
class _Line:
    start: int  # offsets into the normalised text
    end: int
    text: str
    kind: str = ""
    score: float = 0.0
    heading: tuple[str, int, str] | None = None


def _lines(text: str) -> list[_Line]:
    """Non-empty lines (stripped), each split again before inline headings."""
    out = []
    pos = 0
    for raw_line in text.split("\n"):
        s = raw_line.strip()
        if s:
            lead = len(raw_line) - len(raw_line.lstrip())
            base = pos + lead
            cuts = [0] + [m.start() for m in INLINE_HEADING.finditer(s)] + [len(s)]
            for a, b in itertools.pairwise(cuts):
                piece = s[a:b]
                stripped = piece.strip()
                if stripped:
                    a2 = a + len(piece) - len(piece.lstrip())
                    out.append(_Line(base + a2, base + a2 + len(stripped), stripped))
        pos += len(raw_line) + 1
    return out


def article_marker_title(line: str) -> str | None:
    """The title carried by an article-marker line, ``""`` for a bare marker, None otherwise.

    >>> article_marker_title("第3篇:□镇中心小学教学工作总结"), article_marker_title("【篇二】")
    ('□镇中心小学教学工作总结', '')
    >>> article_marker_title("教师个人工作总结 篇2"), article_marker_title("第一篇章 绿色校园建设。")
    ('教师个人工作总结 篇2', None)
    """
    s = line.strip()
    m = ARTICLE_MARKER.match(s)
    if m:
        rest = s[m.end() :].strip()
        if not rest:
            return ""
        return rest if is_title_like(rest) and not SENTENCE_END.search(rest) else None
    m = ARTICLE_MARKER_AFTER.match(s)
    if m and is_title_like(s) and has_title_word(m.group("title")):
        return s
    return None


def is_headline(line: str) -> bool:
    """A title-like line that reads as a headline: no final 。 unless it names a report type.

    >>> is_headline("——江苏南通教育考察学习心得体会"), is_headline("此次活动共发放药具50余份。")
    (True, False)
    """
    s = line.strip()
    return is_title_like(s) and (not s.endswith("。") or has_title_word(s))


def _restart_start(lines: list[_Line], restart: int, floor: int) -> int:
    """Where the article whose numbering restarts at ``restart`` really begins.

    The first headline in the gap since the previous heading; else the last paragraph that
    opens like an introduction (一年来, 今年, 为了…); else the gap's only paragraph; else the
    restarting heading itself.
    """
    gap = list(range(floor + 1, restart))
    for i in gap:
        if lines[i].heading is None and (
            is_headline(lines[i].text) or lines[i].kind == "title_repeat"
        ):
            return i
    content = [i for i in gap if not lines[i].kind and lines[i].heading is None]
    for i in reversed(content):
        if INTRO.search(lines[i].text[:INTRO_WINDOW]) and not LIST_ITEM.match(lines[i].text):
            return i
    if len(content) == 1 and not LIST_ITEM.match(lines[content[0]].text):
        return content[0]
    return restart


def _split_articles(lines: list[_Line]) -> list[tuple[int, str]]:
    """Article starts as ``(line index, title)``; the first article starts at line 0."""
    starts: dict[int, str] = {0: ""}
    has_content = False
    top_style: str | None = None
    stack: list[str] = []  # heading styles open at this point of the article
    child_style: str | None = None  # the style first used directly under the top level
    body_since_heading = 0
    last_heading = -1
    pending_sep = False
    template_titles: dict[str, int] = {}
    for i, ln in enumerate(lines):
        title = title_from_toc_link(ln.text)
        marker = article_marker_title(ln.text) if ln.kind in ("", "toc_link") else None
        if marker is not None and not title:
            starts[i] = marker
            has_content, top_style, pending_sep = False, None, False
            stack, child_style = [], None
            last_heading = i
            continue
        if title:
            starts[i] = title
            has_content, top_style, pending_sep = False, None, False
            stack, child_style = [], None
            last_heading = i
            continue
        if ln.kind in SEPARATOR_KINDS and has_content:
            pending_sep = True
            continue
        if ln.kind == "editor_blurb" and has_content:
            starts[i] = ""
            has_content, top_style, pending_sep = False, None, False
            stack, child_style = [], None
            last_heading = i
            continue
        if ln.kind:
            continue
        if pending_sep:
            starts[i] = ln.text if is_headline(ln.text) else ""
            has_content, top_style, pending_sep = False, None, False
            stack, child_style = [], None
            last_heading = i
        m = TEMPLATE_TITLE.match(ln.text)
        if m and ln.heading is None and (m.group(1) in template_titles or m.group(2) == "1"):
            if has_content:
                starts[i] = m.group(1) + m.group(2)
                has_content, top_style = False, None
                stack, child_style = [], None
                last_heading = i
            elif not starts[max(starts)]:
                starts[max(starts)] = m.group(1) + m.group(2)
        if m:
            template_titles[m.group(1)] = i
        h = ln.heading
        if h is not None:
            style, number, _ = h
            restart = False
            if top_style is None or not stack:
                top_style, stack, child_style = style, [style], None
            elif (
                number == 1
                and has_content
                and (
                    style == top_style
                    or STYLE_RANK[style] < STYLE_RANK[top_style]
                    # A first heading that cannot be a child here: it outranks the style this
                    # article already uses under its top level ("(一)" after "一、…1、…"), and
                    # it comes after several body paragraphs rather than right under a heading.
                    or (
                        style not in stack
                        and child_style is not None
                        and style != child_style
                        and STYLE_RANK[style] < STYLE_RANK[child_style]
                        and body_since_heading >= MIN_BODY_BEFORE_ORPHAN
                    )
                )
            ):
                restart = True
            if restart:
                s = _restart_start(lines, i, max(last_heading, max(starts)))
                t = lines[s].text if is_headline(lines[s].text) else ""
                starts[s] = t
                top_style, stack, child_style = style, [style], None
            elif style in stack:
                del stack[stack.index(style) + 1 :]
            else:
                stack.append(style)
                if len(stack) == 2 and child_style is None:
                    child_style = style
            last_heading = i
            body_since_heading = 0
        elif not is_title_like(ln.text):
            body_since_heading += 1
        if h is not None or not is_title_like(ln.text):
            has_content = True
    return sorted(starts.items())


def _first_title(lines: list[_Line]) -> str:
    for ln in lines[:8]:
        if not ln.kind and ln.heading is None and is_title_like(ln.text):
            return ln.text.rstrip("。")
        if not ln.kind and not is_title_like(ln.text):
            break
    return ""


def _sections(lines: list[_Line]) -> list[str]:
    stack: list[tuple[str, str]] = []
    out = []
    for ln in lines:
        if ln.heading is not None and not ln.kind:
            style, _, label = ln.heading
            styles = [s for s, _ in stack]
            if style in styles:
                del stack[styles.index(style) :]
            stack.append((style, label))
        out.append("" if ln.kind else " > ".join(lbl for _, lbl in stack))
    return out


def segment_document(doc_id: str, norm: NormalizedDoc) -> Segmented:
    """Split a normalised document into articles and paragraphs, with sections and flags.

    Args:
        doc_id: the document's id (goes into every row).
        norm: the output of :func:`helpers.normalize.normalize_document`.

    Returns:
        :class:`Segmented` with ``articles``, ``paragraphs``, ``para_text`` and ``counts``.

    >>> from helpers.normalize import normalize_document
    >>> seg = segment_document("d", normalize_document("教育局年度工作总结\\n一、加强师资培训。\\n1、加强干部队伍建设。"))
    >>> seg.paragraphs[["para_id", "section", "text"]].values.tolist()[2]
    [2, '一、加强师资培训 > 1、加强干部队伍建设', '1、加强干部队伍建设。']
    """
    aligned = norm.aligned
    lines = _lines(aligned.text)
    if not lines:
        empty_counts = dict.fromkeys(
            [
                "articles",
                "duplicate_articles",
                "paragraphs",
                "boilerplate_paragraphs",
                "duplicate_paragraphs",
            ],
            0,
        )
        return Segmented(
            pd.DataFrame(columns=ARTICLE_COLUMNS),
            pd.DataFrame(columns=PARAGRAPH_COLUMNS),
            {},
            empty_counts,
        )
    kinds = classify_lines([ln.text for ln in lines])
    scores = score_lines([ln.text for ln in lines], kinds)
    for ln, k, sc in zip(lines, kinds, scores, strict=True):
        ln.kind = k
        ln.score = sc
        ln.heading = None if article_marker_title(ln.text) is not None else parse_heading(ln.text)
    starts = _split_articles(lines)
    bounds = [s for s, _ in starts] + [len(lines)]
    para_rows = []
    para_text: dict[int, AlignedText] = {}
    art_rows = []
    seen: dict[str, int] = {}
    pid = 0
    for aid, ((s, title), e) in enumerate(zip(starts, bounds[1:], strict=True)):
        block = lines[s:e]
        if not block:
            continue
        title = title or _first_title(block)
        sections = _sections(block)
        first_pid = pid
        for ln, sec in zip(block, sections, strict=True):
            piece = aligned.slice(ln.start, ln.end)
            rs, re_ = piece.raw_span(0, len(piece))
            key = duplicate_key(ln.text)
            dup_of = ""
            if not ln.kind and len(key) >= MIN_DUPLICATE_KEY:
                if key in seen:
                    dup_of = f"{doc_id}:{seen[key]}"
                else:
                    seen[key] = pid
            para_rows.append(
                dict(
                    doc_id=doc_id,
                    article_id=aid,
                    para_id=pid,
                    raw_start=rs,
                    raw_end=re_,
                    section=sec,
                    is_boilerplate=bool(ln.kind),
                    boilerplate_kind=ln.kind,
                    junk_score=ln.score,
                    is_duplicate=bool(dup_of),
                    duplicate_of=dup_of,
                    text=ln.text,
                    n_chars=len(ln.text),
                )
            )
            para_text[pid] = piece
            pid += 1
        a_rs, _ = aligned.raw_span(block[0].start, block[0].end)
        _, a_re = aligned.raw_span(block[-1].start, block[-1].end)
        art_rows.append(
            dict(
                doc_id=doc_id,
                article_id=aid,
                title=title,
                raw_start=a_rs,
                raw_end=a_re,
                n_paragraphs=pid - first_pid,
                is_duplicate=False,
                duplicate_of="",
            )
        )
    art_rows = _merge_empty_articles(art_rows, para_rows)
    _flag_duplicate_articles(doc_id, art_rows, para_rows)
    paragraphs = pd.DataFrame(para_rows, columns=PARAGRAPH_COLUMNS)
    articles = pd.DataFrame(art_rows, columns=ARTICLE_COLUMNS)
    return Segmented(articles, paragraphs, para_text, _counts(articles, paragraphs))


def _merge_empty_articles(arts: list[dict], paras: list[dict]) -> list[dict]:
    """Fold articles made only of boilerplate into the next one; renumber 0..n-1."""
    content = {p["article_id"] for p in paras if not p["is_boilerplate"]}
    kept: list[dict] = []
    carry_start = None
    remap: dict[int, int] = {}
    pending: list[int] = []
    for k, art in enumerate(arts):
        last = k == len(arts) - 1
        if art["article_id"] not in content and not last:
            pending.append(art["article_id"])
            carry_start = art["raw_start"] if carry_start is None else carry_start
            continue
        new_id = len(kept)
        for old in [*pending, art["article_id"]]:
            remap[old] = new_id
        row = dict(art, article_id=new_id)
        if carry_start is not None:
            row["raw_start"] = min(carry_start, row["raw_start"])
        kept.append(row)
        pending, carry_start = [], None
    sizes: dict[int, int] = {}
    for p in paras:
        p["article_id"] = remap[p["article_id"]]
        sizes[p["article_id"]] = sizes.get(p["article_id"], 0) + 1
    for row in kept:
        row["n_paragraphs"] = sizes.get(row["article_id"], 0)
    return kept


def _flag_duplicate_articles(doc_id: str, arts: list[dict], paras: list[dict]) -> None:
    """Flag articles most of whose content repeats one earlier article (in place)."""
    owner = {p["para_id"]: p["article_id"] for p in paras if not p["is_boilerplate"]}
    total: dict[int, int] = {}
    shared: dict[int, dict[int, int]] = {}
    for p in paras:
        if p["is_boilerplate"]:
            continue
        aid = p["article_id"]
        total[aid] = total.get(aid, 0) + p["n_chars"]
        if p["duplicate_of"]:
            src = owner.get(int(p["duplicate_of"].rsplit(":", 1)[1]))
            if src is not None and src != aid:
                by_src = shared.setdefault(aid, {})
                by_src[src] = by_src.get(src, 0) + p["n_chars"]
    for art in arts:
        found = shared.get(art["article_id"])
        if not found:
            continue
        src, n = max(found.items(), key=lambda kv: kv[1])
        if n >= DUPLICATE_ARTICLE_SHARE * total[art["article_id"]]:
            art["is_duplicate"] = True
            art["duplicate_of"] = f"{doc_id}:{src}"


def _counts(articles: pd.DataFrame, paragraphs: pd.DataFrame) -> dict[str, int]:
    counts = {
        "articles": len(articles),
        "duplicate_articles": int(articles["is_duplicate"].sum()),
        "paragraphs": len(paragraphs),
        "boilerplate_paragraphs": int(paragraphs["is_boilerplate"].sum()),
        "duplicate_paragraphs": int(paragraphs["is_duplicate"].sum()),
    }
    for kind, n in (
        paragraphs.loc[paragraphs["is_boilerplate"], "boilerplate_kind"].value_counts().items()
    ):
        counts[f"boilerplate_{kind}"] = int(n)
    return counts


def flag_cross_document_duplicates(paragraphs: pd.DataFrame) -> pd.DataFrame:
    """Flag paragraphs whose text already appeared in an earlier document.

    Documents are taken in ``doc_id`` order; within-document flags are kept. Boilerplate
    and short paragraphs are never flagged.

    Args:
        paragraphs: the concatenated ``paragraphs`` tables of all documents.

    Returns:
        A copy with ``is_duplicate``/``duplicate_of`` updated (``"doc_id:para_id"``).

    >>> df = pd.DataFrame(dict(doc_id=["a", "b"], para_id=[0, 0], is_boilerplate=[False, False],
    ...     is_duplicate=[False, False], duplicate_of=["", ""],
    ...     text=["全市共有中小学校76所,在校学生5万余人。"] * 2))
    >>> flag_cross_document_duplicates(df)[["is_duplicate", "duplicate_of"]].values.tolist()
    [[False, ''], [True, 'a:0']]
    """
    out = paragraphs.copy()
    if out.empty:
        return out
    ordered = out.sort_values(["doc_id", "para_id"], kind="stable")
    first: dict[str, tuple[str, int]] = {}
    is_dup = out["is_duplicate"].astype(bool).to_dict()
    dup_of = out["duplicate_of"].fillna("").astype(str).to_dict()
    for idx, doc, pid, boiler, text in zip(
        ordered.index,
        ordered["doc_id"],
        ordered["para_id"],
        ordered["is_boilerplate"],
        ordered["text"],
        strict=True,
    ):
        if boiler:
            continue
        key = duplicate_key(text)
        if len(key) < MIN_DUPLICATE_KEY:
            continue
        seen = first.get(key)
        if seen is None:
            first[key] = (doc, int(pid))
        elif seen[0] != doc and not is_dup[idx]:
            is_dup[idx] = True
            dup_of[idx] = f"{seen[0]}:{seen[1]}"
    out["is_duplicate"] = pd.Series(is_dup)
    out["duplicate_of"] = pd.Series(dup_of)
    return out
