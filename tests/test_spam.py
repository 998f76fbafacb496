"""Spam lines, injected tokens and document-site furniture: flagged or removed, never in topics.

Lines and sentences are written for these tests (no text from the development pages); report
sentences come from the seed files' style.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from helpers import paths, report
from helpers.boilerplate import classify_lines, score_lines
from helpers.normalize import normalize_document, normalize_text
from helpers.pipeline import run_pipeline
from helpers.segment import segment_document
from helpers.spam import SPAM_KINDS, load_spam_vocab, spam_line, strong_token_regex
from helpers.topics import tokenize

BODY = "本学期,我校以课堂教学改革为抓手,全面提高教育教学质量,取得了较好的成效。"
PORN_HEADER = "高清无码一区二区|日韩精品免费看|午夜不卡在线观看|国产精品人妻专区|丝袜制服激情片"
GAMBLING_LIST = "365bet娱乐城_真人娱乐百家乐_足球比分网投_时时彩下注平台"
SPIDER_POOL = "北京|天津|石家庄|太原|沈阳|长春|哈尔滨|上海|南京|杭州|合肥|福州"
LINK_FARM = "推荐_好看_最新_排行_热门_专题_美图_段子"
PAYWALL = [
    "本文共3200字,注册会员才能阅读余下部分",
    "新用户请【点此注册】加入会员",
    "预览结束",
    "想要完整版请获取全文或找人定制代笔!",
]


# ---------------------------------------------------------------------------- vocabulary
def test_every_spam_kind_has_strong_terms_in_the_vocabulary():
    vocab = load_spam_vocab()
    kinds = {kind for kind, strong in vocab.values() if strong}
    assert kinds >= set(SPAM_KINDS) - {"link_farm"}  # link farms are a shape, not words


# ---------------------------------------------------------------------------- whole lines
@pytest.mark.parametrize(
    "line, kind",
    [
        (PORN_HEADER, "porn_spam"),
        ("日韩无码不卡-国产精品在线观看网址-午夜影院在线导航-人妻丝袜高清", "hacked_header"),
        (GAMBLING_LIST, "gambling_spam"),
        (SPIDER_POOL, "seo_spider"),
        ("广州市,深圳市,珠海市,汕头市,佛山市,韶关市,湛江市,肇庆市", "seo_spider"),
        ("蜘蛛池出租|站群外链|百度秒收录|快速排名", "seo_spider"),
        (LINK_FARM, "link_farm"),
    ],
)
def test_spam_lines_get_their_kind(line, kind):
    assert spam_line(line)[0] == kind
    assert classify_lines([BODY, line, BODY])[1] == kind


@pytest.mark.parametrize(
    "line",
    [
        BODY,
        "全县实现免费教科书循环使用,精品课程在线共享,成人教育稳步发展。",
        "首页 | 学校概况 | 教育教学 | 招生信息 | 联系我们",
        "语文|数学|英语|物理|化学|生物",
        "我县学生赴北京、上海、杭州、南京等地参加研学活动。",
        "小学 | 12 | 13 | 25",
        "教师们投注了大量心血,学校在线教育平台访问量增长。",
    ],
)
def test_report_lines_are_not_spam(line):
    assert spam_line(line)[0] == ""
    assert classify_lines([BODY, line, BODY])[1] not in SPAM_KINDS


def test_spam_lines_are_kept_as_rows_with_kind_score_and_exact_span():
    raw = "\n".join([PORN_HEADER, "学校工作总结", BODY, SPIDER_POOL, BODY, *PAYWALL])
    norm = normalize_document(raw)
    paras = segment_document("d", norm).paragraphs
    kinds = dict(zip(paras.raw_start, paras.boilerplate_kind, strict=True))
    assert kinds[0] == "porn_spam"
    assert kinds[raw.index(SPIDER_POOL)] == "seo_spider"
    for line in PAYWALL:
        assert kinds[raw.index(line)] == "doc_site_furniture"
    spam = paras[paras.boilerplate_kind.isin(SPAM_KINDS)]
    assert (spam.junk_score > 0.5).all() and spam.is_boilerplate.all()
    assert paras.loc[paras.boilerplate_kind == "", "junk_score"].eq(0).all()
    for row in paras.itertuples():
        assert raw[row.raw_start : row.raw_end] == row.text or row.boilerplate_kind == ""
        assert normalize_text(raw[row.raw_start : row.raw_end], norm.options) == row.text


def test_score_lines_rates_rule_kinds_one_and_content_by_its_spam_share():
    lines = ["当前位置:首页 >", SPIDER_POOL, BODY]
    assert score_lines(lines, classify_lines(lines)) == [1.0, 0.8, 0.0]


# ---------------------------------------------------------------------------- inside sentences
@pytest.mark.parametrize(
    "raw, clean, counter",
    [
        # gambling and escort tokens between characters, even inside a number
        ("全镇共有在校生12包养36人,教师98人。", "全镇共有在校生1236人,教师98人。", "spam_token"),
        ("投入资金420体育下注万元,新建校舍3栋。", "投入资金420万元,新建校舍3栋。", "spam_token"),
        (
            "betway365真人娱乐_足球比分网投全县共有学校86所,其中初中12所、小学60所,在校生3.1万人。",
            "全县共有学校86所,其中初中12所、小学60所,在校生3.1万人。",
            "spam_token",
        ),
        # decorative glyph runs between clauses
        (
            "全县共有幼儿园41所◈✿✿★,在园幼儿5200人◈✿✿★。",
            "全县共有幼儿园41所,在园幼儿5200人。",
            "spam_token",
        ),
        # Word field codes
        ('详见 HYPERLINK "http://jyj.example.cn/a.doc" 附件一。', "详见附件一。", "field_code"),
        ("第 PAGE \\* MERGEFORMAT 3 页", "第3页", "field_code"),
        # Markdown images
        (
            "![[图文]某校开学典礼](http://img.example.cn/1.jpg)学校召开大会。",
            "学校召开大会。",
            "md_image",
        ),
        # document-site banners, page counters and dash rules inside the text
        (
            "配备图书4300册精选学习资料 - - - - - 名师归纳总结 - - - -第 2 页,共 5 页,生均22册。",
            "配备图书4300册,生均22册。",
            "doc_site",
        ),
        # a paywall's truncation mark at the end of a line
        (
            "建成后可容纳学生900人,实现…………\n全文共4000字",
            "建成后可容纳学生900人,实现\n全文共4000字",
            "truncation",
        ),
        # commas doubled by an anti-copy template
        (
            "全县共劝返学生120名,,劝返率达98%,。",
            "全县共劝返学生120名,劝返率达98%。",
            "punct_repeat",
        ),
    ],
)
def test_injected_junk_is_removed_with_offsets_kept(raw, clean, counter):
    norm = normalize_document(raw)
    assert norm.text == clean
    assert norm.repairs[counter] >= 1
    # every clean character still points at the same character of the raw text
    for i, ch in enumerate(norm.text):
        s, e = norm.aligned.raw_span(i, i + 1)
        if ch.strip() and e - s == 1:
            assert raw[s] == ch


def test_a_whole_spam_line_is_not_emptied_by_token_removal():
    norm = normalize_document(f"{GAMBLING_LIST}\n{BODY}")
    assert norm.text.split("\n")[0] == GAMBLING_LIST
    assert norm.repairs["spam_token"] == 0


def test_strong_tokens_never_eat_the_digits_of_a_number():
    assert strong_token_regex().sub("", "在校生10包养01.65万人") == "在校生1001.65万人"


# ---------------------------------------------------------------------------- downstream
def _banned_terms() -> set[str]:
    vocab = load_spam_vocab()
    strong = {t for t, (_, s) in vocab.items() if s and len(t) >= 2}
    return strong | {"会员", "注册", "全文", "预览", "代笔", "站内", "仅供"}


def _compose_corpus(tmp_path):
    """The seed files plus spam headers, paywall footers and injected tokens (own wording)."""
    raw = tmp_path / "raw"
    raw.mkdir()
    for k, path in enumerate(sorted(paths.RAW_DIR.glob("*.txt"))):
        text = path.read_text(encoding="utf-8-sig")
        lines = text.split("\n")
        # tokens pushed into report sentences
        for j in range(3, len(lines), 9):
            if len(lines[j]) > 40:
                lines[j] = lines[j][:20] + "体育下注" + lines[j][20:30] + "◈✿✿★" + lines[j][30:]
        spam = [PORN_HEADER, SPIDER_POOL, GAMBLING_LIST] if k % 2 else [PORN_HEADER, LINK_FARM]
        (raw / path.name).write_text("\n".join(spam + lines + PAYWALL * 2), encoding="utf-8")
    # two short pages that are mostly junk around one report paragraph
    for k in range(2):
        page = [PORN_HEADER, SPIDER_POOL, *PAYWALL, BODY, GAMBLING_LIST, PORN_HEADER]
        (raw / f"junk_page_{k}.txt").write_text("\n".join(page), encoding="utf-8")
    return raw


@pytest.fixture(scope="module")
def spam_corpus_tables(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("spam_corpus")
    raw = _compose_corpus(tmp)
    out = tmp / "out"
    run_pipeline(raw, out, cache_dir=None, k=6, progress=False)
    tables = {
        name: pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig")
        for name in ("paragraphs", "themes", "theme_candidates")
    }
    yield raw, tables
    shutil.rmtree(tmp, ignore_errors=True)


def test_composed_corpus_really_carries_spam_terms(spam_corpus_tables):
    # the control: without the flags, the spam would reach the term counts
    _, tables = spam_corpus_tables
    all_terms = report.count_terms(tables["paragraphs"]["text"].astype(str), tokenize, n=400)
    assert _banned_terms() & set(all_terms.index)


def test_no_topic_or_keyword_list_is_built_from_spam(spam_corpus_tables):
    _, tables = spam_corpus_tables
    banned = _banned_terms()
    # Themes come from the taxonomy; discovered candidate themes are clustered from the corpus.
    for name, cols in (
        ("themes", ("name_zh", "seed_terms")),
        ("theme_candidates", ("label", "top_terms")),
    ):
        for col in cols:
            for value in tables[name][col].fillna("").astype(str):
                assert not any(term in value for term in banned), (name, col, value)
    paragraphs = tables["paragraphs"]
    keywords = report.keywords_per_document(paragraphs, tokenize, n=10)
    for value in keywords["keywords"]:
        assert not any(term in value for term in banned), value
    texts = report.analysis_paragraphs(paragraphs)["text"].astype(str)
    top = report.count_terms(texts, tokenize, n=50)
    assert not banned & set(top.index)
    # the spam lines are still in the table, flagged, for inspection
    flagged = report.spam_lines(paragraphs)
    assert {"porn_spam", "seo_spider", "doc_site_furniture"} <= set(flagged.boilerplate_kind)


# ---------------------------------------------------------------------------- title fragments
SCRAMBLED = "\n".join(
    [
        "全市义务教育经费投入稳步增长情况通报",
        "今年以来,务教全市各级财政加大投入,费投义务教育经费总额达到12.5亿元,比上年增长8%。",
        "全市新建学校6所,务教改扩建校舍3.2万平方米,费投增长幅度居全省前列。",
        "步增学生人均公用经费提高到800元,农村学校办学条件明显改善,步增教师待遇稳步提高。",
    ]
)


def test_title_fragments_pushed_into_sentences_are_removed_with_offsets_kept():
    norm = normalize_document(SCRAMBLED)
    assert norm.options.title_fragments == ("务教", "步增", "费投")
    assert norm.repairs["title_fragment"] == 6
    lines = norm.text.split("\n")
    assert lines[0] == "全市义务教育经费投入稳步增长情况通报"  # the title itself stays whole
    assert lines[1] == "今年以来,全市各级财政加大投入,义务教育经费总额达到12.5亿元,比上年增长8%。"
    assert "稳步提高" in lines[3] and "步增" not in lines[3]
    for row in segment_document("d", norm).paragraphs.itertuples():
        assert normalize_text(SCRAMBLED[row.raw_start : row.raw_end], norm.options) == row.text


def test_reports_reusing_words_of_their_title_lose_nothing():
    for path in sorted(paths.RAW_DIR.glob("*.txt")):
        norm = normalize_document(path.read_text(encoding="utf-8-sig"))
        assert norm.options.title_fragments == ()
        assert norm.repairs["title_fragment"] == 0
