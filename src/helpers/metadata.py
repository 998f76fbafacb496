"""Report metadata: who wrote a report, for which place, level and year, and what kind it is.

Every article gets ``title``, ``issuer`` (+ ``issuer_masked``), ``level``, ``region``, ``year``,
``period`` and ``kind``, each with the raw span of its evidence (``<field>_start``,
``<field>_end``; empty when nothing was found), and a ``short_name`` unique within a run
(``平山县教育局 2019``, ``城关中学 2021 高考``) that charts and tables use instead of ``doc_id``.

The rules are data in ``src/helpers/resources/metadata_*``: body suffixes (教育局, 学区,
中学 …), place suffixes and scope words (省/市/县/区/镇, 全县/我市), generic place-like words
that name no place, kind cue words, period cues and title decorations to strip.

Example:
    >>> r = describe_text("平山县教育局2019年教育工作总结\\n一、基本情况\\n我县共有学校30所。")
    >>> r["title"], r["issuer"], r["level"], r["region"], r["year"], r["kind"], r["period"]
    ('平山县教育局2019年教育工作总结', '平山县教育局', 'county', '平山县', 2019, 'summary', 'year')

Not handled yet: places named without a suffix (``唐山今年…``) unless another line names them
with one; years given only as eras (``十二五收官之年``); issuers named only in page chrome.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from .aligned import AlignedText
from .normalize import PLACEHOLDER
from .paths import resource_path

FIELDS = ("title", "issuer", "level", "region", "year", "period", "kind")
METADATA_COLUMNS = [
    "title",
    "title_start",
    "title_end",
    "issuer",
    "issuer_start",
    "issuer_end",
    "issuer_masked",
    "level",
    "level_start",
    "level_end",
    "region",
    "region_start",
    "region_end",
    "year",
    "year_start",
    "year_end",
    "period",
    "period_start",
    "period_end",
    "kind",
    "kind_start",
    "kind_end",
]
LEVELS = (
    "national",
    "province",
    "city",
    "county",
    "district",
    "town",
    "school",
    "kindergarten",
    "other",
    "unknown",
)
LEVEL_LABELS = {
    "national": "全国",
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "district": "区级",
    "town": "乡镇",
    "school": "学校",
    "kindergarten": "幼儿园",
    "other": "其他",
    "unknown": "层级未知",
}
# How many lines from an article's start hold its title, byline and opening.
HEAD_LINES = 20
# Metadata reads at most this much of a paragraph (the evidence is in its opening), so a
# 20 MB single-line file costs no more than a short one.
MAX_LINE_CHARS = 2000
MAX_LINES = 80  # the scope words (我县, 全市) are counted over this many lines
MAX_TITLE_CHARS = 60
MIN_YEAR, MAX_YEAR = 1949, 2035
# The body's commonest year counts only from here on: older years in reports are history
# (始建于1960年), not the period covered.
MIN_BODY_YEAR = 1990
NAME_CHARS = rf"[\u4e00-\u9fff{PLACEHOLDER}]"
# Characters that end a name when reading leftwards from a body suffix (从/在/我 …).
NAME_STOP = set("个从由在向对为我是的了与及据经到将请各全本该这把被给受于其共即并又也让使今含")
PLACE_CHAR = rf"(?:(?![{''.join(sorted(NAME_STOP))}])[\u4e00-\u9fff{PLACEHOLDER}])"
UNIT_CHARS = "省市县区州盟旗镇乡"
# Words that end the text before a body's name (…工作汇报□镇位于 -> □镇).
NATIONAL_NAMES = ("中国", "全国", "国家")
BODY_NAME_BREAKS = (
    "汇报", "总结", "报告", "计划", "讲话", "材料", "情况", "工作", "代表",
    "新建", "改扩建", "建成", "新增", "投入",
)  # fmt: skip
CN_NUMERALS = set("一二三四五六七八九十百千零〇两")
# A unit character followed by one of these is part of a word (县域, 县级, 市场, 区域), not a place.
UNIT_NOT_BEFORE = set("域级城场长内外别间委")
EXAM_TAGS = ("高考", "中考", "会考", "统考")
KIND_TAGS = {"plan": "计划", "speech": "讲话", "statistics": "统计", "news": "报道"}


@dataclass(frozen=True)
class Rules:
    """The metadata vocabularies, compiled once."""

    bodies: tuple[tuple[str, str, bool], ...]
    body_re: re.Pattern
    place_levels: dict[str, str]
    scope_re: re.Pattern
    generic_places: frozenset[str]
    not_place_words: tuple[str, ...]
    generic_names: tuple[str, ...]
    chrome_lines: frozenset[str]
    title_sources: tuple[re.Pattern, ...]
    gazetteer: dict[str, str]
    gazetteer_re: re.Pattern
    unit_re: re.Pattern
    kinds: tuple[tuple[re.Pattern, str, str], ...]
    periods: tuple[tuple[re.Pattern, str], ...]
    title_junk: tuple[re.Pattern, ...]


def _read_csv(name: str) -> list[dict[str, str]]:
    text = resource_path(name).read_text(encoding="utf-8")
    return list(
        csv.DictReader(ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))
    )


def _read_list(name: str) -> list[str]:
    text = resource_path(name).read_text(encoding="utf-8")
    return [w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#")]


@lru_cache(maxsize=1)
def load_rules() -> Rules:
    """Read and compile the ``metadata_*`` resource files."""
    bodies = tuple(
        (r["suffix"], r["level"], r["needs_name"] == "1") for r in _read_csv("metadata_bodies.csv")
    )
    suffixes = sorted((b[0] for b in bodies), key=len, reverse=True)
    places = {r["suffix"]: r["level"] for r in _read_csv("metadata_places.csv")}
    # 学区 is a scope word (我学区) and a body, but not a place a region is named by.
    not_units = ("全国", "我国", "中国", "国家", "校", "园", "学区")
    admin = sorted((s for s in places if s not in not_units), key=len)
    admin_alt = "|".join(sorted(admin, key=len, reverse=True))
    scope_alt = "|".join(
        sorted((s for s in places if len(s) == 1 or s == "学区"), key=len, reverse=True)
    )
    generic = _read_list("metadata_generic_places.txt")
    kinds = tuple(
        (re.compile(r["cue"]), r["kind"], r["where"]) for r in _read_csv("metadata_kinds.csv")
    )
    periods = tuple((re.compile(r["cue"]), r["period"]) for r in _read_csv("metadata_periods.csv"))
    junk = tuple(re.compile(r["pattern"]) for r in _read_csv("metadata_title_junk.csv"))
    gazetteer = {r["name"]: r["level"] for r in _read_csv("metadata_gazetteer.csv")}
    return Rules(
        bodies=bodies,
        body_re=re.compile("|".join(map(re.escape, suffixes))),
        place_levels=places,
        scope_re=re.compile(rf"([我全本该])({scope_alt})|(全国|我国)"),
        generic_places=frozenset(g.strip() for g in generic if g.strip() and not g.startswith("#")),
        not_place_words=tuple(_read_list("metadata_not_place_words.txt")),
        generic_names=tuple(_read_list("metadata_generic_names.txt")),
        chrome_lines=frozenset(_read_list("metadata_chrome_lines.txt")),
        title_sources=tuple(
            re.compile(r["pattern"]) for r in _read_csv("metadata_title_sources.csv")
        ),
        gazetteer=gazetteer,
        gazetteer_re=re.compile("|".join(sorted(gazetteer, key=len, reverse=True))),
        unit_re=re.compile(admin_alt),
        kinds=kinds,
        periods=periods,
        title_junk=junk,
    )


@dataclass
class Line:
    """One paragraph of an article: clean text, its alignment to raw, its boilerplate kind."""

    text: str
    aligned: AlignedText | None = None
    kind: str = ""
    offset: int = 0  # raw offset of text[0] when there is no alignment (tests, plain text)

    def raw_span(self, i: int, j: int) -> tuple[int, int]:
        """Raw span of ``text[i:j]``."""
        if self.aligned is not None:
            return self.aligned.raw_span(i, j)
        return self.offset + i, self.offset + j


@dataclass
class Found:
    """A value and where in which line its evidence is (``line`` -1: no evidence)."""

    value: object
    line: int = -1
    start: int = 0
    end: int = 0


NOTHING = Found("")


# ----------------------------------------------------------------------------- title
def clean_title(text: str, rules: Rules | None = None) -> str:
    """A title without site decorations (范文, 精选N篇, 篇N, 第一篇:, .doc, ``| tags``).

    >>> clean_title("第一篇:城关镇中心小学工作总结范文(精选3篇)")
    '城关镇中心小学工作总结'
    >>> clean_title("本站为你精心整理了乡镇教育工作汇报范文,希望对你有用")
    '乡镇教育工作汇报'
    """
    rules = rules or load_rules()
    out = (
        re.sub(r"\s+", "", text)
        if re.search(r"[\u4e00-\u9fff]\s+\d|\d\s+[年\u4e00-\u9fff]", text)
        else text.strip()
    )
    for _ in range(3):
        before = out
        for pat in rules.title_junk:
            out = pat.sub("", out).strip()
        if out == before:
            break
    return out.strip(" -—:：,，")


def _kind_cue(text: str, rules: Rules, where: str) -> tuple[str, re.Match] | None:
    for pat, kind, w in rules.kinds:
        if w == where:
            m = pat.search(text)
            if m:
                return kind, m
    return None


DATE_LINE_RE = re.compile(
    r"(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}|发布时间|发表于|来源[:：]|作者[:：]|更新[:：]"
)
KEYWORD_LIST_RE = re.compile(r"[_|｜].*[_|｜]")
# Boilerplate kinds a title line may carry: a repeated page title, or (last resort) an SEO
# list line, where template sites put the page's own title too.
CHROME_PREFIXES = ("欢迎来到", "当前位置", "您的位置", "您现在的位置", "首页", "上一篇", "下一篇")
TITLE_LINE_KINDS = ("", "title_repeat", "seo_list")


def _is_title_line(line: Line, rules: Rules) -> bool:
    """A head line that can be a title: short, not a heading, date, chrome or keyword list."""
    t = line.text.strip()
    if not (4 <= len(t) <= MAX_TITLE_CHARS) or line.kind not in TITLE_LINE_KINDS:
        return False
    bare = re.sub(r"\s+", "", t)
    if bare in rules.chrome_lines or bare.startswith(CHROME_PREFIXES) or DATE_LINE_RE.search(t):
        return False
    if re.match(r"^(?:19|20)\d\d\s*年\s*\d{1,2}\s*月", t):
        return False
    if re.match(r"^[一二三四五六七八九十]+、|^[(（][一二三四五六七八九十\d]+[)）]", t):
        return False
    if len(re.findall(r"[\u4e00-\u9fff]", t)) < 4 or re.search(r"[:：]\S{0,8}$", t):
        return False
    return not (t.endswith(("。", ";", "；")) or t.count("。") or t.count(",") > 1)


def _is_tagged_title(text: str) -> bool:
    """``标题|标签|标签`` (a title followed by short tags), unlike a spam keyword list."""
    parts = [p.strip() for p in re.split(r"[_|｜]", text) if p.strip()]
    return len(parts) > 1 and len(parts[0]) >= 8 and all(len(p) <= 5 for p in parts[1:])


def _body_start(head: list[Line]) -> int:
    """Index of the first body paragraph (long, or a sentence): titles come before it."""
    for i, ln in enumerate(head):
        t = ln.text.strip()
        if ln.kind or KEYWORD_LIST_RE.search(t):
            continue
        if len(t) > MAX_TITLE_CHARS or t.endswith("。"):
            return i
    return len(head)


def _title_tiers(head: list[Line], seg_title: str, rules: Rules) -> list[tuple[int, str]]:
    """Candidate ``(line, text)`` pairs, best first: a title named in page chrome or glued to
    the first sentence, a line with a report word, the segmenter's title, a headline above
    a date line, any other title-like line, an SEO-list line; all before the body starts."""
    seg = seg_title.strip()
    tiers: list[list[tuple[int, str]]] = [[], [], [], [], [], []]
    for i, ln in enumerate(head[: _body_start(head) + 1]):
        for pat in rules.title_sources:
            m = pat.search(ln.text)
            if m:
                tiers[0].append((i, m.group("t")))
        if not _is_title_line(ln, rules):
            if seg and seg in ln.text and _is_title_line(Line(seg), rules):
                tiers[4].append((i, seg))  # the segmenter's title on a flagged line (返回目录)
            continue
        if KEYWORD_LIST_RE.search(ln.text) and not _is_tagged_title(ln.text):
            continue
        if ln.kind == "seo_list":
            tiers[5].append((i, ln.text))
        elif _kind_cue(ln.text, rules, "title"):
            tiers[1].append((i, ln.text))
        elif seg and seg in ln.text:
            tiers[2].append((i, seg))
        elif i + 1 < len(head) and DATE_LINE_RE.search(head[i + 1].text):
            tiers[3].append((i, ln.text))
        else:
            tiers[4].append((i, ln.text))
    return [c for tier in tiers for c in tier]


def find_title(lines: list[Line], seg_title: str = "", rules: Rules | None = None) -> Found:
    """The article's own title: the segmenter's title or the best title-like head line.

    >>> find_title([Line("首页 > 范文", kind="breadcrumb"), Line("镇中心校2020年工作总结范文")]).value
    '镇中心校2020年工作总结'
    """
    rules = rules or load_rules()
    head = lines[:HEAD_LINES]
    for i, raw in _title_tiers(head, seg_title, rules):
        title = clean_title(raw, rules)
        if len(title) < 4:
            continue
        text = head[i].text
        s = text.find(title[:4])
        e = text.rfind(title[-2:]) + 2 if s >= 0 else -1
        if s < 0 or e <= s:
            s = max(text.find(raw), 0)
            e = s + len(raw)
        return Found(title, i, s, e)
    return NOTHING


# ----------------------------------------------------------------------------- issuer
def _name_before(text: str, end: int, rules: Rules) -> int:
    """Start of the name that ends at ``end`` (reading leftwards until a stop)."""
    i = end
    while (
        i > 0
        and end - i < 14
        and re.match(NAME_CHARS, text[i - 1])
        and text[i - 1] not in NAME_STOP
    ):
        if text[i - 1] == "和" and text[i : i + 1] not in UNIT_CHARS:
            break  # 初中和小学: a conjunction; 永和县: part of a name
        i -= 1
    name = text[i:end]
    cut = max((name.rfind(w) + len(w) for w in BODY_NAME_BREAKS if w in name), default=0)
    return i + cut


def _body_name_ok(name: str, needs_name: bool, rules: Rules) -> bool:
    if name in rules.generic_places or any(name.endswith(g) for g in rules.generic_places):
        return False
    if any(name.endswith(g) or name == g for g in rules.generic_names):
        return False
    if name.startswith(("中学", "小学", "学校", "幼儿园")):
        return False
    return not needs_name or len(name) >= 2 or PLACEHOLDER in name


def find_bodies(text: str, rules: Rules | None = None) -> list[tuple[int, int, str]]:
    """Named bodies in ``text`` as ``(start, end, level)``: 平山县教育局, 城关中学, 教育部 …

    A suffix right after another body's suffix extends it (桂平市第一中 + 等职业技术学校,
    城关镇 + 中心小学); 教育部 and 国务院 take no name before them.

    >>> t = "记者从平山县教育局获悉,城关镇中心小学今年"
    >>> [t[s:e] for s, e, _ in find_bodies(t)]
    ['平山县教育局', '城关镇中心小学']
    """
    rules = rules or load_rules()
    info = {suffix: (level, nn) for suffix, level, nn in rules.bodies}
    out: list[tuple[int, int, str]] = []
    prev_end, prev_start, prev_name_ok = -1, -1, False
    for m in rules.body_re.finditer(text):
        level, needs_name = info[m.group()]
        gap = text[prev_end : m.start()] if prev_end >= 0 else None
        joins = (
            gap is not None
            and level in ("school", "kindergarten")
            and (gap or text[prev_end - 1 : prev_end] in "镇乡")
            and len(gap) <= 6
            and not any(w in gap for w in rules.not_place_words)
        )
        if joins and all(c not in NAME_STOP and re.match(NAME_CHARS, c) for c in gap or ""):
            if prev_name_ok or (out and out[-1][0] == prev_start):
                if out and out[-1][0] == prev_start:
                    out.pop()
                out.append((prev_start, m.end(), level))
                prev_end = m.end()
                continue
        start = (
            m.start()
            if level == "national" and not needs_name
            else _name_before(text, m.start(), rules)
        )
        name = text[start : m.start()]
        ok = _body_name_ok(name, needs_name, rules)
        prev_end, prev_start, prev_name_ok = m.end(), start, ok
        if ok:
            out.append((start, m.end(), level))
    return out


ISSUER_CUES = (
    # (where, pattern around {B}, bare bureaus allowed, schools allowed); B from find_bodies.
    ("line", r"^{B}(?:\s*[(（].{{0,20}}[)）])?$", True, True),
    ("title", r"^{B}", True, True),
    ("head", r"代表{B}", False, True),
    ("head", r"[从自]{B}(?:获悉|了解到|得知)", True, False),
    ("head", r"来源[:：]\s*{B}", False, False),
    ("head", r"由{B}(?:、[^,，。]{{2,24}}?)?(?:共同)?(?:完成|发布|编制|编写)", False, False),
    ("head", r"{B}(?:部长|厅长|局长|校长|园长)", False, True),
    ("head", r"{B}(?:始建于|创办于|创建于|位于|地处|座落|坐落)", False, True),
    ("head", r"{B}(?:近日|日前|今天|今日)?(?:召开|举行|发布|印发)", False, False),
    ("byline", r"[(（]{B}\s*[\u4e00-\u9fff\s]{{2,12}}[)）]$", False, True),
    ("head", r"{B}[:：][\u4e00-\u9fff]{{2,3}}(?:尊敬|各位|同志)", False, True),
)
BARE_NAME_MAX = 1  # a bureau with at most this many name characters (县教育局) is "bare"


@lru_cache(maxsize=8192)
def _cue_regex(cue: str, body: str) -> re.Pattern:
    """An issuer cue with one body filled in, compiled once (``re``'s own cache is too small
    for a corpus's bodies times the cues)."""
    return re.compile(cue.format(B=re.escape(body)))


def find_issuer(lines: list[Line], title: Found, rules: Rules | None = None) -> Found:
    """The body that wrote the report: a byline, the title's first words, or a head cue.

    >>> find_issuer([Line("关于教学工作的汇报"), Line("城关镇中心小学"), Line("正文")], NOTHING).value
    '城关镇中心小学'
    """
    rules = rules or load_rules()
    head = lines[:HEAD_LINES]
    for where, cue, bare_ok, school_ok in ISSUER_CUES:
        for i, ln in enumerate(head):
            if where == "title" and i != title.line:
                continue
            if ln.kind not in ("", "title_repeat", "date_meta") and where not in (
                "byline",
                "title",
            ):
                continue
            text = title.value if where == "title" and isinstance(title.value, str) else ln.text
            text = text.strip() if where == "line" else text
            shift = ln.text.find(text) if where in ("title", "line") else 0
            for s, e, level in find_bodies(text, rules):
                if not school_ok and level in ("school", "kindergarten"):
                    continue
                if text[e - 1] in "镇乡" and "位于" not in cue:
                    continue  # a town names itself as issuer only where it introduces itself
                body = text[s:e]
                named = (
                    find_places(body, rules)
                    or level in ("national", "town", "school", "kindergarten")
                    or body.startswith(NATIONAL_NAMES)
                )
                if not bare_ok and not named:
                    continue
                if _cue_regex(cue, text[s:e]).search(text):
                    return Found(text[s:e], i, s + max(shift, 0), e + max(shift, 0))
    return NOTHING


# ----------------------------------------------------------------------------- places, level
def _place_name_ok(name: str, rules: Rules) -> bool:
    return (
        bool(name)
        and all(re.match(PLACE_CHAR, c) for c in name)
        and name[0] not in UNIT_CHARS
        and not any(w in name for w in rules.not_place_words)
        and not any(g in name for g in rules.generic_places)
        and not all(c in CN_NUMERALS for c in name)
    )


def _place_end_at(text: str, k: int, suffix: str, rules: Rules) -> int | None:
    """Start of the longest acceptable place name ending with ``suffix`` at ``k``."""
    longest = 6 if len(suffix) > 1 else 4
    shortest = 1 if suffix == "县" or text[k - 1 : k] == PLACEHOLDER else 2
    for n in range(longest, shortest - 1, -1):
        s = k - n
        if s < 0 or not _place_name_ok(text[s:k], rules):
            continue
        before = text[s - 1] if s else ""
        if not before or not re.match(NAME_CHARS, before) or before in NAME_STOP:
            return s
        after_word = text[:s].endswith(BODY_NAME_BREAKS) or text[:s].endswith(rules.not_place_words)
        if after_word and (n >= 2 or text[s] == PLACEHOLDER):
            return s
        if before in UNIT_CHARS or text[max(0, s - 3) : s] == "自治区":
            return s  # a chain: 河北省|涉县
    return None


def find_places(text: str, rules: Rules | None = None) -> list[tuple[int, int]]:
    """Named places (a chain of units ending 省/市/县/区/镇/乡 …), not scope words or generics.

    A name is 1-4 characters (1 only before 县/旗; up to 6 before 自治区), starts after a
    boundary (line start, punctuation, a function word such as 从/在, or a higher unit), and
    holds none of the words in ``metadata_not_place_words.txt``.

    >>> t = "河北省涉县全县共有学校,城区和乡镇,建设教育强县"
    >>> [t[s:e] for s, e in find_places(t)]
    ['河北省涉县']
    """
    rules = rules or load_rules()
    found: list[tuple[int, int]] = []
    for m in rules.unit_re.finditer(text):
        if text[m.end() : m.end() + 1] in UNIT_NOT_BEFORE and m.end() < len(text):
            continue
        last = found[-1][1] if found else -9
        if 1 <= m.start() - last <= 4 and _place_name_ok(text[last : m.start()], rules):
            if not any(text[last : m.end()].endswith(g) for g in rules.generic_places):
                found[-1] = (found[-1][0], m.end())  # a chain: 河北省|涉县
            continue
        s = _place_end_at(text, m.start(), m.group(), rules)
        if s is None:
            continue
        word = text[s : m.end()]
        if word in rules.generic_places or any(word.endswith(g) for g in rules.generic_places):
            continue
        if found and found[-1][1] == s:
            found[-1] = (found[-1][0], m.end())
        elif not found or found[-1][1] <= s:
            found.append((s, m.end()))
    return found


def place_level(name: str, rules: Rules | None = None) -> str:
    """The level of the last unit of a place or body name (重庆市大足区 -> district).

    >>> place_level("宁夏回族自治区政府"), place_level("县教育局"), place_level("教育部")
    ('province', 'county', '')
    """
    rules = rules or load_rules()
    best, pos = "", -1
    for suffix, level in rules.place_levels.items():
        if len(suffix) == 1 and suffix in "校园":
            continue
        i = name.rfind(suffix)
        if i >= 0 and (i + len(suffix) > pos or (i + len(suffix) == pos and len(suffix) > 1)):
            best, pos = level, i + len(suffix)
    return best


def issuer_level(issuer: str, rules: Rules | None = None) -> str:
    """Level of a body from its suffix, or from the place named before it.

    >>> issuer_level("永和县城镇第二幼儿园"), issuer_level("郧县教育局"), issuer_level("教育部")
    ('kindergarten', 'county', 'national')
    """
    rules = rules or load_rules()
    for suffix, level, _ in sorted(rules.bodies, key=lambda b: -len(b[0])):
        if issuer.endswith(suffix):
            name_level = place_level(issuer[: -len(suffix)], rules)
            if level and level != "national":
                return level
            return name_level or level
    return place_level(issuer, rules)


def scope_level(lines: list[Line], title: Found, rules: Rules | None = None) -> Found:
    """Level from how the text speaks of its own area: 我县 (×3), title 全县 (×4), 全县 (×1)."""
    rules = rules or load_rules()
    votes: dict[str, float] = {}
    first: dict[str, tuple[int, int, int]] = {}
    for i, ln in enumerate(lines[:80]):
        if ln.kind or KEYWORD_LIST_RE.search(ln.text):
            continue
        for m in rules.scope_re.finditer(ln.text):
            unit = m.group(2) or m.group(3)
            level = rules.place_levels.get(unit) or rules.place_levels.get(unit[-1], "")
            if not level:
                continue
            own = m.group(1) in ("我", "本", "该") or m.group(3) == "我国"
            # 全国 in a local report is mostly an award or a policy (全国文明县), so it weighs less.
            weight = 4.0 if i == title.line else (3.0 if own else (0.5 if m.group(3) else 1.0))
            votes[level] = votes.get(level, 0.0) + weight
            first.setdefault(level, (i, m.start(), m.end()))
    if not votes:
        return NOTHING
    level = max(votes, key=lambda lv: (votes[lv], LEVELS.index(lv)))
    return Found(level, *first[level])


def find_level(
    lines: list[Line], title: Found, issuer: Found, region: Found, rules: Rules
) -> Found:
    """Level: the issuer's, else the text's own scope words, else the region's, else unknown."""
    if issuer.value:
        lv = issuer_level(str(issuer.value), rules)
        if lv:
            return Found(lv, issuer.line, issuer.start, issuer.end)
    scope = scope_level(lines, title, rules)
    if scope.value:
        return scope
    if region.value:
        name = str(region.value)
        lv = "national" if name == "全国" else rules.gazetteer.get(name) or place_level(name, rules)
        if lv:
            return Found(lv, region.line, region.start, region.end)
    return Found("unknown")


def find_region(
    lines: list[Line], title: Found, issuer: Found, rules: Rules, scope: str = "national"
) -> Found:
    """The place a report is about: the issuer's place, a place in the title, or the most
    named place in the head; ``全国`` for national scope.

    >>> find_region([Line("黎平县5万学生受益"), Line("全县300多所学校")], Found("黎平县5万学生受益", 0, 0, 9),
    ...             NOTHING, load_rules()).value
    '黎平县'
    """
    if issuer.value:
        places = find_places(str(issuer.value), rules)
        if places and places[0][0] == 0:
            s, e = places[0]
            return Found(str(issuer.value)[s:e], issuer.line, issuer.start + s, issuer.start + e)
    if title.line >= 0:
        text = lines[title.line].text
        for s, e in find_places(text, rules):
            if title.start <= s < title.end:
                return Found(text[s:e], title.line, s, e)
        for m in rules.gazetteer_re.finditer(text, title.start, title.end):
            return Found(m.group(), title.line, m.start(), m.end())
    for i, ln in enumerate(lines[:HEAD_LINES]):
        for s, e in find_places(ln.text, rules) if not ln.kind else []:
            if ln.text[max(0, s - 3) : s].endswith(("代表", "我们")):
                return Found(ln.text[s:e], i, s, e)  # 我代表□区委…: the speaker's own place
    only = _only_place_of_level(lines, scope, rules)
    if only.value:
        return only
    counts: Counter = Counter()
    where: dict[str, tuple[int, int, int]] = {}
    for i, ln in enumerate(lines[:HEAD_LINES]):
        if ln.kind or KEYWORD_LIST_RE.search(ln.text):
            continue
        for s, e in find_places(ln.text, rules):
            counts[ln.text[s:e]] += 1
            where.setdefault(ln.text[s:e], (i, s, e))
    if counts:
        best = max(counts, key=lambda p: (counts[p], -where[p][0]))
        if counts[best] >= 2:
            return Found(best, *where[best])
    for i, ln in enumerate(lines[:HEAD_LINES]):
        hit = re.search(r"全国|我国", ln.text) if not ln.kind and scope == "national" else None
        if hit:
            return Found("全国", i, hit.start(), hit.end())
    return _gazetteer_region(lines, rules)


def _only_place_of_level(lines: list[Line], level: str, rules: Rules) -> Found:
    """The one place of the report's own level named in the head (a county report naming
    one county), from suffixed names and the gazetteer; nothing when there are several."""
    if level in ("", "national", "school", "kindergarten", "unknown"):
        return NOTHING
    seen: dict[str, tuple[int, int, int]] = {}
    for i, ln in enumerate(lines[:HEAD_LINES]):
        if ln.kind or KEYWORD_LIST_RE.search(ln.text):
            continue
        spans = find_places(ln.text, rules)
        spans += [m.span() for m in rules.gazetteer_re.finditer(ln.text)]
        for s, e in spans:
            name = ln.text[s:e]
            lv = rules.gazetteer.get(name) or place_level(name, rules)
            if lv == level and not any(o != name and (o in name or name in o) for o in seen):
                seen.setdefault(name, (i, s, e))
    if len(seen) == 1:
        name, where = next(iter(seen.items()))
        return Found(name, *where)
    return NOTHING


def _gazetteer_region(lines: list[Line], rules: Rules) -> Found:
    """The province or city (gazetteer, no suffix) named most, at least twice, in the head."""
    counts: Counter = Counter()
    where: dict[str, tuple[int, int, int]] = {}
    for i, ln in enumerate(lines[:HEAD_LINES]):
        if ln.kind or KEYWORD_LIST_RE.search(ln.text):
            continue
        for m in rules.gazetteer_re.finditer(ln.text):
            counts[m.group()] += 1
            where.setdefault(m.group(), (i, m.start(), m.end()))
    if counts:
        best = max(counts, key=lambda p: (counts[p], -where[p][0]))
        if counts[best] >= 2:
            return Found(best, *where[best])
    return NOTHING


# ----------------------------------------------------------------------------- year, period, kind
YEAR_RE = re.compile(r"(?<![\d.])((?:19|20)\d\d)(?![\d.%万亿])")
CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0"}
CN_YEAR_RE = re.compile(r"([一二][〇○零一二三四五六七八九]{3})年")
HISTORY_AFTER = re.compile(r"创办|创建|建校|成立|批准|始建|通过|验收")


def _in_book_title(text: str, pos: int) -> bool:
    """Whether ``pos`` is inside 《…》 (a plan or law named with its year: 《…2035》)."""
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


ISO_DATE_RE = re.compile(r"(?:19|20)\d\d[-/.]\d{1,2}[-/.]\d{1,2}")
PUB_DATE_RE = re.compile(r"((?:19|20)\d\d)[-/.年]\s*\d{1,2}[-/.月]\s*\d{1,2}")


def _years(text: str) -> list[tuple[int, int, int]]:
    """Every plausible year in text as ``(year, start, end)``, Arabic and Chinese numerals."""
    out = [(int(m.group(1)), m.start(1), m.end(1)) for m in YEAR_RE.finditer(text)]
    for m in CN_YEAR_RE.finditer(text):
        out.append((int("".join(CN_DIGITS[c] for c in m.group(1))), m.start(1), m.end(1)))
    return sorted(y for y in out if MIN_YEAR <= y[0] <= MAX_YEAR)


def _title_year(text: str, kind: str) -> tuple[int, int, int] | None:
    years = _years(text)
    if not years:
        return None
    m = re.search(r"总结(?:与|和|及)((?:19|20)\d\d)\s*年", text)
    if m and len(years) == 1 and kind == "summary":
        y = int(m.group(1))
        return y - 1, m.start(1), m.end(1)
    span = re.search(r"((?:19|20)\d\d)\s*[—\-–~至]\s*((?:19|20)\d\d)\s*学?年", text)
    if span:
        return int(span.group(2)), span.start(2), span.end(2)
    if kind == "plan" and len(years) > 1 and "计划" in text[years[-1][2] :]:
        return years[-1]
    return years[0]


def find_year(lines: list[Line], title: Found, kind: str, rules: Rules) -> Found:
    """Year of the period covered: title year, a school year's end, a head year (年度/年工作,
    a report date), for news 今年 with the publication date, else the body's commonest year.

    Page dates of non-news pages and placeholders (``□年``) never give a year.
    """
    if title.line >= 0:
        text = lines[title.line].text[title.start : title.end]
        y = _title_year(text, kind)
        if y:
            return Found(y[0], title.line, title.start + y[1], title.start + y[2])
        for i, ln in enumerate(lines[:HEAD_LINES]):
            if i != title.line and _is_title_line(ln, rules) and str(title.value)[-4:] in ln.text:
                y = _title_year(ln.text, kind)
                if y:
                    return Found(y[0], i, y[1], y[2])
    head = [
        (i, ln)
        for i, ln in enumerate(lines[:HEAD_LINES])
        if not ln.kind and not KEYWORD_LIST_RE.search(ln.text)
    ]
    for i, ln in head:
        m = re.search(r"((?:19|20)\d\d)\s*[—\-–~至]\s*((?:19|20)\d\d)\s*学年", ln.text)
        if m:
            return Found(int(m.group(2)), i, m.start(2), m.end(2))
        m = re.search(
            r"((?:19|20)\d\d)\s*年(?:度|工作|上半年|下半年|上期|下期|春季|秋季|是|以来)", ln.text
        )
        if m and ln.text[m.end() - 2 : m.end()] != "以来":
            return Found(int(m.group(1)), i, m.start(1), m.end(1))
    if kind == "news":
        for i, ln in enumerate(lines[:HEAD_LINES]):
            m = PUB_DATE_RE.search(ln.text)
            if m:
                return Found(int(m.group(1)), i, m.start(1), m.end(1))
    return _body_year(head) or NOTHING


# A year that sets a report's scope: 2016年全国…, 2018年高考, 2025年秋季学期.
SCOPED_YEAR_RE = re.compile(
    r"((?:19|20)\d\d)\s*年(?:度|全国|全省|全市|全县|全区|全镇|全乡|我国|我省|我市|我县|我区|我镇|我乡"
    r"|高考|中考|秋季|春季|上半年|下半年)"
)
DATE_ONLY_RE = re.compile(
    r"[(（]((?:19|20)\d\d)\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?[)）]"
    r"|^((?:19|20)\d\d|[一二][〇○零一二三四五六七八九]{3})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月"
    r"(?:\s*[\d一二三四五六七八九十]{1,3}\s*日)?$"
)


def _body_year(head: list[tuple[int, Line]]) -> Found | None:
    """Year from the opening: a report date (``(2019年8月31日)``, a date line), the year that
    opens the first body line, a scoped year (2016年全国…), or a table's newest year column.

    A year met only in the narrative (始建于1975年, 2009年新修操场) gives none.
    """
    for i, ln in head:
        m = DATE_ONLY_RE.search(ln.text.strip())
        if m:
            g = 1 if m.group(1) else 2
            y = _years(m.group(g) + "年")
            if y:
                return Found(y[0][0], i, m.start(g), m.end(g))
    body = [(i, ln) for i, ln in head if len(ln.text.strip()) > 20]
    if body:
        i, ln = body[0]
        m = re.match(r"\s*((?:19|20)\d\d)\s*年", ln.text)
        if m:
            return Found(int(m.group(1)), i, m.start(1), m.end(1))
    counts: Counter = Counter()
    where: dict[int, tuple[int, int, int]] = {}
    cells = [(i, ln) for i, ln in head if re.fullmatch(r"\s*(?:19|20)\d\d\s*年\s*", ln.text)]
    if len({ln.text.strip() for _, ln in cells}) >= 2:  # a table's year columns, one per line
        i, ln = max(cells, key=lambda c: c[1].text.strip())
        s = ln.text.find(ln.text.strip())
        return Found(int(ln.text.strip()[:4]), i, s, s + 4)
    for i, ln in head:
        for m in SCOPED_YEAR_RE.finditer(ln.text):
            counts[int(m.group(1))] += 1
            where.setdefault(int(m.group(1)), (i, m.start(1), m.end(1)))
        cols = [int(c) for c in re.findall(r"((?:19|20)\d\d)\s*年\s*[|｜]", ln.text)]
        if len(cols) >= 2:
            newest = max(cols)
            counts[newest] += 1
            pos = ln.text.find(str(newest))
            where.setdefault(newest, (i, pos, pos + 4))
    if counts:
        best = max(counts, key=lambda y: (counts[y], y))
        return Found(best, *where[best])
    return None


def find_kind(lines: list[Line], title: Found, rules: Rules) -> Found:
    """Kind from the title's cue words first, then from body cues (记者, 同志们:, 比上年增加 …).

    >>> find_kind([Line("某县教育局2021年工作计划")], Found("某县教育局2021年工作计划", 0, 0, 14), load_rules()).value
    'plan'
    """
    if title.line >= 0:
        text = lines[title.line].text[title.start : title.end]
        hit = _kind_cue(text, rules, "title")
        if hit:
            kind, m = hit
            return Found(kind, title.line, title.start + m.start(), title.start + m.end())
    votes: Counter = Counter()
    first: dict[str, tuple[int, int, int]] = {}
    for i, ln in enumerate(lines[:HEAD_LINES]):
        for pat, kind, where in rules.kinds:
            if where != "body":
                continue
            for m in pat.finditer(ln.text):
                votes[kind] += 1
                first.setdefault(kind, (i, m.start(), m.end()))
    if not votes:
        return Found("other")
    order = ("other", "speech", "news", "statistics")
    kind = max(votes, key=lambda k: (votes[k], -order.index(k)))
    return Found(kind, *first[kind])


def find_period(lines: list[Line], title: Found, kind: str, year: Found, rules: Rules) -> Found:
    """Period: cues in the title, then in the head; a dated summary/plan/statistics is a year."""
    spots = []
    if title.line >= 0:
        spots.append((title.line, lines[title.line].text[title.start : title.end], title.start))
    spots += [(i, ln.text, 0) for i, ln in enumerate(lines[:6]) if not ln.kind and i != title.line]
    for i, text, shift in spots:
        for pat, period in rules.periods:
            if period == "event" and kind not in ("speech", "news"):
                continue
            m = pat.search(text)
            if m:
                return Found(period, i, shift + m.start(), shift + m.end())
    if year.value and kind in ("summary", "plan", "statistics"):
        return Found("year", year.line, year.start, year.end)
    return Found("unknown")


# ----------------------------------------------------------------------------- article
def describe_lines(lines: list[Line], seg_title: str = "", rules: Rules | None = None) -> dict:
    """All metadata fields of one article from its lines, with raw evidence spans."""
    rules = rules or load_rules()
    title = find_title(lines, seg_title, rules)
    kind = find_kind(lines, title, rules)
    issuer = find_issuer(lines, title, rules)
    scope = scope_level(lines, title, rules)
    own = issuer_level(str(issuer.value), rules) if issuer.value else ""
    region = find_region(lines, title, issuer, rules, own or str(scope.value))
    level = find_level(lines, title, issuer, region, rules)
    year = find_year(lines, title, str(kind.value), rules)
    period = find_period(lines, title, str(kind.value), year, rules)
    found = {
        "title": title,
        "issuer": issuer,
        "level": level,
        "region": region,
        "year": year,
        "period": period,
        "kind": kind,
    }
    row: dict = {}
    for name, f in found.items():
        row[name] = f.value if f.value != "" else None
        s, e = lines[f.line].raw_span(f.start, f.end) if f.line >= 0 else (None, None)
        row[f"{name}_start"], row[f"{name}_end"] = s, e
    row["issuer_masked"] = bool(issuer.value) and PLACEHOLDER in str(issuer.value)
    row["level"] = row["level"] or "unknown"
    return {c: row[c] for c in METADATA_COLUMNS}


def describe_text(text: str, rules: Rules | None = None) -> dict:
    """Metadata of a plain (already clean) text, one line per paragraph; spans index ``text``.

    >>> describe_text("城关中学2021年高考喜报\\n我校本科上线300人。")["kind"]
    'news'
    """
    lines, pos = [], 0
    for part in text.split("\n"):
        if part.strip():
            lines.append(Line(part[:MAX_LINE_CHARS], offset=pos))
        pos += len(part) + 1
    return describe_lines(lines, rules=rules)


def describe_articles(
    articles: pd.DataFrame, paragraphs: pd.DataFrame, para_text: dict, rules: Rules | None = None
) -> pd.DataFrame:
    """Add the metadata columns to one document's ``articles`` (``para_text``: AlignedText by
    ``(doc_id, para_id)``, as the segmenter returns it)."""
    rules = rules or load_rules()
    if not len(articles):
        return articles.reindex(columns=[*articles.columns, *METADATA_COLUMNS[1:]])
    rows = []
    for art in articles.itertuples(index=False):
        paras = paragraphs[paragraphs["article_id"] == art.article_id].head(MAX_LINES)
        lines = [
            Line(
                str(p.text)[:MAX_LINE_CHARS],
                para_text.get((p.doc_id, p.para_id)),
                str(p.boilerplate_kind or "") if p.is_boilerplate else "",
                int(p.raw_start),
            )
            for p in paras.itertuples(index=False)
            if str(p.text).strip()
        ]
        rows.append(describe_lines(lines, str(art.title or ""), rules))
    meta = pd.DataFrame(rows, columns=METADATA_COLUMNS, index=articles.index)
    out = articles.drop(
        columns=[c for c in METADATA_COLUMNS if c in articles.columns and c != "title"]
    )
    out = out.rename(columns={"title": "title_segment"}) if "title" in out.columns else out
    out = pd.concat([out, meta], axis=1)
    return out.drop(columns=["title_segment"], errors="ignore")


# ----------------------------------------------------------------------------- short names
def _short_title(title: str, limit: int = 10) -> str:
    if len(title) <= limit:
        return title
    cut = max(title.rfind(c, 0, limit) for c in "的 ,，、")
    return title[: cut if cut >= 4 else limit] + "…"


def _text(value: object) -> str:
    """``""`` for None/NaN, else the value as text."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def short_name_base(row: dict | pd.Series) -> str:
    """``issuer|region|title`` + year + exam or kind tag, before de-duplication.

    >>> short_name_base({"issuer": "城关中学", "year": 2021, "title": "城关中学2021年高考喜报",
    ...                  "kind": "news", "region": None, "doc_id": "x"})
    '城关中学 2021 高考'
    """
    title = _text(row.get("title"))
    who = _text(row.get("issuer")) or _text(row.get("region"))
    if not who:
        aid = _text(row.get("article_id"))
        doc = re.split(r"[_\s]", _text(row.get("doc_id")))[0][:8]
        who = _short_title(title) if title else f"文档{doc}-{aid}"
    parts = [who]
    if _text(row.get("year")):
        parts.append(str(int(float(row["year"]))))
    tag = next((t for t in EXAM_TAGS if t in title), "") or KIND_TAGS.get(
        _text(row.get("kind")), ""
    )
    if tag and tag not in parts[0]:
        parts.append(tag)
    return " ".join(parts)


def assign_short_names(articles: pd.DataFrame) -> pd.DataFrame:
    """Add ``short_name``, unique in the table: repeats get ``(2)``, ``(3)`` in row order.

    >>> df = pd.DataFrame({"issuer": ["县教育局", "县教育局"], "year": [2019, 2019],
    ...                    "title": ["a", "b"], "kind": ["summary"] * 2, "region": [None] * 2,
    ...                    "doc_id": ["001", "002"]})
    >>> assign_short_names(df)["short_name"].tolist()
    ['县教育局 2019', '县教育局 2019 (2)']
    """
    out = articles.copy()
    seen: Counter = Counter()
    names = []
    for row in out.to_dict("records"):
        base = short_name_base(row)
        seen[base] += 1
        names.append(base if seen[base] == 1 else f"{base} ({seen[base]})")
    out["short_name"] = names
    return out
