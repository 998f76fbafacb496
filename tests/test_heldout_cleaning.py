"""Held-out scraped pages: boilerplate lines, articles and duplicates written down first.

The files in ``tests/fixtures/heldout_cleaning/`` imitate sites the seed corpus does not
cover (other breadcrumb styles, footers, 范文 collections with 篇一/【篇二】/第3篇 markers, a
report printed twice, an HTML page, Traditional text with 國小/國中 and CRLF, full-width
digits, pinyin glosses, placeholders, link lists) plus one clean report full of lines that
look like junk but are content. The expectations below were written before the cleaner was
run on these files; docs/cleaning.md ("Held-out check") gives the first-run and current
numbers.

Every expectation is keyed by the start of a paragraph's clean text with all whitespace
removed. A paragraph is expected boilerplate when its text starts with a key of
``boilerplate`` (the value is the set of acceptable kinds); keys in ``neutral`` are lines
either reading is defensible for (a collection's page title) and are left out of the
scores; every other paragraph is expected content.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from helpers.load import decode_bytes
from helpers.normalize import detect_options, normalize_document, normalize_text
from helpers.segment import segment_document

FIXTURES = Path(__file__).parent / "fixtures" / "heldout_cleaning"

NAV = {"breadcrumb", "seo_list", "related_list", "site_footer"}
LIST = {"seo_list", "related_list"}
META = {"date_meta"}
FOOT = {"site_footer"}
CRUMB = {"breadcrumb"}
SHARE = {"share_bar", "site_footer"}
BLURB = {"editor_blurb"}
MARK = {"toc_link"}

# articles: one entry per expected article, the text its title must contain (None: any).
# duplicates: {article index: index of the article it repeats}.
EXPECTED: dict[str, dict] = {
    "h01_county_bureau.txt": dict(
        boilerplate={
            "首页>教育>正文": CRUMB,
            "来源:县教育局办公室": META,
            "上一篇:": FOOT,
            "下一篇:": FOOT,
            "责任编辑:": FOOT,
            "打印本页关闭窗口": FOOT,
            "相关推荐": LIST,
            "县教育局召开党史学习教育专题会议": LIST,
            "我县3所学校获评省级文明校园": LIST,
            "县教育局开展校园安全大检查": LIST,
            "全县中小学教师培训工作总结": LIST,
            "版权所有:县人民政府": FOOT,
            "Copyright": FOOT,
        },
        neutral=[],
        articles=["县教育局2021年度教育工作总结"],
        duplicates={},
    ),
    "h02_township_fullwidth.txt": dict(
        boilerplate={
            "您现在的位置:": CRUMB,
            "作者:佚名": META,
            "分享到:": SHARE,
            "微信扫一扫": SHARE,
            "热门文章": LIST,
            "小学教师个人工作总结2021": LIST,
            "幼儿园中班下学期工作计划": LIST,
            "初中班主任工作总结范文": LIST,
            "教师年度考核个人总结": LIST,
            "学校安全工作总结报告": LIST,
            "猜你喜欢": LIST,
            "乡镇中心学校工作计划": LIST,
            "学校教学工作总结": LIST,
            "农村小学教育工作总结": LIST,
            "联系我们|关于我们": FOOT,
            "Copyright": FOOT,
            "豫ICP备": FOOT,
        },
        neutral=[],
        articles=["2021年乡镇中心学校教育工作总结"],
        duplicates={},
    ),
    "h03_fanwen_pian_cn.txt": dict(
        boilerplate={
            "位置:范文大全>": CRUMB,
            "时间过得真快": BLURB,
            "扩展阅读": LIST,
            "学校教育工作总结范文": LIST,
            "学校教育工作计划(精选5篇)": LIST,
            "学校教学工作总结": LIST,
            "【学校教育工作总结(精选3篇)】相关文章": LIST,
            "学校德育工作总结": LIST,
            "幼儿园保教工作总结报告": LIST,
        },
        neutral=["学校教育工作总结(精选3篇)"],
        articles=["小学教育教学工作总结", "初中学校德育工作总结", "中心幼儿园保教工作总结"],
        duplicates={},
    ),
    "h04_fanwen_bracket.txt": dict(
        boilerplate={
            "当前位置:范文网": CRUMB,
            "发布时间:2022-07-05": META,
            "【导语】": BLURB,
            "【篇一】": MARK,
            "【篇二】": MARK,
            "【篇三】": MARK,
            "推荐阅读": LIST,
            "幼儿园大班教育工作总结": LIST,
            "幼儿园教师个人工作总结范文": LIST,
            "幼儿园保育员工作总结": LIST,
            "幼儿园园长述职报告": LIST,
            "本文来源:": FOOT,
        },
        neutral=["幼儿园教育工作总结【三篇】"],
        articles=[None, None, None],
        duplicates={},
    ),
    "h05_fanwen_di_n_pian_placeholders.txt": dict(
        boilerplate={
            "您的位置:首页": CRUMB,
            "相关文章": LIST,
            "中学教学工作总结": LIST,
            "小学教学工作总结": LIST,
            "镇中心小学工作总结": LIST,
        },
        neutral=["□中学教学工作总结(通用3篇)"],
        articles=["□中学□年教学工作总结", "□小学教学工作总结", "□镇中心小学教学工作总结"],
        duplicates={},
    ),
    "h06_repeated_report.txt": dict(
        boilerplate={
            "首页>教育动态>": CRUMB,
            "发布日期:2021-01-08": META,
            "【打印本页】【关闭窗口】": FOOT,
            "上一篇:": FOOT,
            "下一篇:": FOOT,
        },
        neutral=[],
        articles=["某区教育局关于2020年教育扶贫工作的总结"] * 2,
        duplicates={1: 0},
    ),
    "h07_html_page.txt": dict(
        boilerplate={
            "首页": NAV,
            "工作总结": NAV,
            "工作计划": NAV,
            "心得体会": NAV,
            "位置:首页": CRUMB,
            "作者:市教育局": META,
            "分享到:": SHARE,
            "上一篇:": FOOT,
            "下一篇:": FOOT,
            "热门文章": LIST,
            "教师个人年度工作总结": LIST,
            "班主任工作总结报告": LIST,
            "幼儿园大班工作总结": LIST,
            "学校德育工作总结范文": LIST,
            "Copyright": FOOT,
            "京ICP备": FOOT,
        },
        neutral=["市教育局2022年上半年工作总结_"],
        articles=["市教育局2022年上半年工作总结"],
        duplicates={},
    ),
    "h08_traditional_crlf.txt": dict(
        boilerplate={
            "当前位置:首页": CRUMB,
            "时间:2019-12-26": META,
            "标签:": FOOT,
            "文章版权归原作者所有": FOOT,
            "上一篇:": FOOT,
            "下一篇:": FOOT,
        },
        neutral=[],
        articles=["乡镇教育办公室2019年工作总结"],
        duplicates={},
    ),
    "h09_pinyin_collection.txt": dict(
        boilerplate={
            "首页>工作总结>": CRUMB,
            "作为一名教师,写好工作总结是": BLURB,
            "教师个人工作总结(精选2篇)相关文章": LIST,
            "教师个人工作总结范文": LIST,
            "教师年度考核个人工作总结": LIST,
            "2022年教师个人工作总结": LIST,
        },
        neutral=["教师个人工作总结(精选2篇)"],
        articles=["教师个人工作总结篇1", "教师个人工作总结篇2"],
        duplicates={},
    ),
    "h10_link_lists.txt": dict(
        boilerplate={
            "首页|工作总结|工作计划": NAV,
            "位置:首页>": CRUMB,
            "编辑:小王": META,
            "相关推荐": LIST,
            "·2023年学校工作总结": LIST,
            "·学校春季学期工作总结范文": LIST,
            "·小学学期工作总结": LIST,
            "·学校双减工作总结": LIST,
            "热门文章": LIST,
            "1.教师个人工作总结": LIST,
            "2.班主任工作总结": LIST,
            "3.学校安全工作总结": LIST,
            "4.幼儿园工作总结": LIST,
            "5.学校德育工作总结": LIST,
            "微信扫一扫": SHARE,
            "联系我们|投稿须知": FOOT,
            "Copyright": FOOT,
        },
        neutral=[],
        articles=["2023年春季学期学校工作总结"],
        duplicates={},
    ),
    # ---- second batch, written after the first batch's fixes (see docs/cleaning.md).
    "h12_gov_site.txt": dict(
        boilerplate={
            "您当前的位置:": CRUMB,
            "发布时间:2021-02-03": META,
            "扫一扫在手机打开当前页": SHARE,
            "【打印】【关闭】": FOOT,
            "主办单位:": FOOT,
            "网站标识码": FOOT,
        },
        neutral=[],
        articles=["市教育局2020年工作总结和2021年工作计划"],
        duplicates={},
    ),
    "h13_wenku.txt": dict(
        boilerplate={
            "首页>文库>教育专区>": CRUMB,
            "文档贡献者:": META,
            "展开全文": FOOT,
            "本文由用户上传": FOOT,
            "下载文档": FOOT,
            "相关文档": LIST,
            "中心小学2022年春季学期工作总结": LIST,
            "小学秋季学期工作总结范文": LIST,
            "学校秋季学期教学工作总结": LIST,
        },
        neutral=[],
        articles=["中心小学2022年秋季学期工作总结"],
        duplicates={},
    ),
    "h14_repeat_without_title.txt": dict(
        boilerplate={
            "当前位置:首页": CRUMB,
            "上一篇:": FOOT,
            "下一篇:": FOOT,
        },
        neutral=[],
        articles=["初中英语教研组工作总结", None],
        duplicates={1: 0},
    ),
    "h15_html_br.txt": dict(
        boilerplate={
            "范文中心|工作总结|工作计划": NAV,
            "您现在的位置:": CRUMB,
            "2021-12-29来源:": META,
            "标签:": FOOT,
            "上一篇:": FOOT,
            "下一篇:": FOOT,
            "猜你喜欢": LIST,
            "幼儿园大班年度工作总结": LIST,
            "幼儿园园务工作总结": LIST,
            "幼儿园教研工作总结": LIST,
            "本站部分文章来自网络": FOOT,
        },
        neutral=["幼儿园2021年度工作总结-范文中心"],
        articles=["幼儿园2021年度工作总结"],
        duplicates={},
    ),
    "h16_traditional_collection_crlf.txt": dict(
        boilerplate={
            "当前位置:首页": CRUMB,
            "相关阅读": LIST,
            "初中教学工作总结范文": LIST,
            "小学教学工作总结报告": LIST,
            "中学教学工作总结精选": LIST,
        },
        neutral=["中学教学工作总结(精选3篇)"],
        articles=["2020年初中教学工作总结", "初中数学教研组工作总结", "小学教学工作总结"],
        duplicates={},
    ),
    "h17_pinyin_fullwidth_tail.txt": dict(
        boilerplate={
            "范文网»工作总结»": CRUMB,
            "本文地址": FOOT,
            "热门标签": LIST | FOOT,
            "工作总结工作计划心得体会": LIST | FOOT,
        },
        neutral=[],
        articles=["农村小学“控辍保学”工作总结"],
        duplicates={},
    ),
    # ---- third batch, written after the second batch's fixes.
    "h18_collection_titles_only.txt": dict(
        boilerplate={
            "工作总结>学校工作总结": CRUMB,
            "【导读】": BLURB,
        },
        neutral=["学校工作总结范文(精选2篇)"],
        articles=["实验中学2022年德育工作总结", "第二实验小学2022年教学工作总结"],
        duplicates={},
    ),
    "h19_blog_comments.txt": dict(
        boilerplate={
            "2022-06-30|分类:": META,
            "发表评论": FOOT,
            "网友评论": FOOT,
            "昵称:": FOOT,
            "验证码:": FOOT,
            "提交评论": FOOT,
            "PoweredbyWordPress": FOOT,
        },
        neutral=[],
        articles=["乡村学校少年宫工作总结"],
        duplicates={},
    ),
    "h20_wechat.txt": dict(
        boilerplate={
            "原创阳光小学": META,
            "收录于合集": FOOT | META | LIST,
            "点击上方蓝字关注我们": SHARE,
            "编辑:张□": FOOT | META,
            "审核:李□": FOOT | META,
            "来源:阳光小学": FOOT | META,
            "长按二维码关注我们": SHARE,
            "分享收藏点赞在看": SHARE,
            "阅读原文": FOOT,
        },
        neutral=[],
        articles=["阳光小学2021-2022学年第二学期工作总结"],
        duplicates={},
    ),
    "h21_hk_pagination.txt": dict(
        boilerplate={
            "您的位置:首页": CRUMB,
            "(本文共2页)": FOOT,
            "12下一页": FOOT,
        },
        neutral=[],
        articles=["区教育局关于学前教育发展情况的报告"],
        duplicates={},
    ),
    # Content only: a list introduced by 如下:, numbered award lines, a signature.
    "h22_content_lists.txt": dict(
        boilerplate={},
        neutral=[],
        articles=["城关二小2022年秋季学期教科研工作总结"],
        duplicates={},
    ),
    # ---- fourth batch: content only (a speech, a plan with a month-by-month schedule).
    "h23_speech_content_only.txt": dict(
        boilerplate={},
        neutral=[],
        articles=["在全县教育工作会议上的讲话"],
        duplicates={},
    ),
    "h24_plan_table_content_only.txt": dict(
        boilerplate={},
        neutral=[],
        articles=["中心小学2023年春季学期工作计划"],
        duplicates={},
    ),
    # A clean report: nothing here is boilerplate.
    "h11_plain_report_traps.txt": dict(
        boilerplate={},
        neutral=[],
        articles=["□县实验小学2021-2022学年第一学期工作总结"],
        duplicates={},
    ),
}


def _squash(s: str) -> str:
    return re.sub(r"\s", "", s)


def load_heldout(name: str) -> str:
    """The decoded raw text of one held-out file (the offset reference)."""
    text, _ = decode_bytes((FIXTURES / name).read_bytes())
    return text


def _expected_row(text: str, spec: dict) -> str | None:
    """``"neutral"``, ``"content"`` or the matched boilerplate key for one paragraph."""
    t = _squash(text)
    for key in spec["neutral"]:
        if t == _squash(key) or t.startswith(_squash(key)):
            return "neutral"
    keys = [k for k in spec["boilerplate"] if t.startswith(_squash(k))]
    return max(keys, key=len) if keys else "content"


def score_file(name: str) -> dict:
    """Segment one held-out file and compare with its expectations."""
    spec = EXPECTED[name]
    raw = load_heldout(name)
    options = detect_options(raw)
    seg = segment_document(Path(name).stem, normalize_document(raw, options))
    paras = seg.paragraphs
    tp = fp = fn = kind_ok = 0
    misses, false_alarms, wrong_kind = [], [], []
    for row in paras.itertuples():
        exp = _expected_row(row.text, spec)
        if exp == "neutral":
            continue
        if exp == "content":
            if row.is_boilerplate:
                fp += 1
                false_alarms.append((row.text, row.boilerplate_kind))
            continue
        if row.is_boilerplate:
            tp += 1
            if row.boilerplate_kind in spec["boilerplate"][exp]:
                kind_ok += 1
            else:
                wrong_kind.append((row.text, row.boilerplate_kind))
        else:
            fn += 1
            misses.append(row.text)
    arts = seg.articles
    titles = list(arts["title"])
    dups = {
        int(a.article_id): int(a.duplicate_of.rsplit(":", 1)[1])
        for a in arts.itertuples()
        if a.is_duplicate
    }
    return dict(
        tp=tp,
        fp=fp,
        fn=fn,
        kind_ok=kind_ok,
        misses=misses,
        false_alarms=false_alarms,
        wrong_kind=wrong_kind,
        titles=titles,
        duplicates=dups,
        articles_exact=len(titles) == len(spec["articles"]),
        seg=seg,
        raw=raw,
        options=options,
    )


def summarise() -> dict:
    """Corpus-level scores over every held-out file (used for docs/cleaning.md)."""
    tot = dict(tp=0, fp=0, fn=0, kind_ok=0, exact=0, files=0)
    for name in EXPECTED:
        r = score_file(name)
        for k in ("tp", "fp", "fn", "kind_ok"):
            tot[k] += r[k]
        tot["exact"] += r["articles_exact"]
        tot["files"] += 1
    tot["precision"] = tot["tp"] / max(tot["tp"] + tot["fp"], 1)
    tot["recall"] = tot["tp"] / max(tot["tp"] + tot["fn"], 1)
    return tot


@pytest.fixture(scope="module")
def scores() -> dict[str, dict]:
    return {name: score_file(name) for name in EXPECTED}


def test_every_fixture_has_expectations():
    assert sorted(p.name for p in FIXTURES.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_no_content_line_is_flagged_boilerplate(scores, name):
    assert scores[name]["false_alarms"] == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_boilerplate_lines_found_with_their_kind(scores, name):
    r = scores[name]
    assert r["misses"] == []
    assert r["wrong_kind"] == []


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_expected_boilerplate_key_matches_a_paragraph(scores, name):
    """Guards the table itself: a key that matches nothing would score as a silent pass."""
    texts = [_squash(t) for t in scores[name]["seg"].paragraphs["text"]]
    for key in EXPECTED[name]["boilerplate"]:
        assert any(t.startswith(_squash(key)) for t in texts), key


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_article_count_titles_and_duplicates(scores, name):
    r, spec = scores[name], EXPECTED[name]
    assert len(r["titles"]) == len(spec["articles"]), r["titles"]
    for got, want in zip(r["titles"], spec["articles"], strict=True):
        if want is not None:
            assert _squash(want) in _squash(got), (got, want)
    assert r["duplicates"] == spec["duplicates"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_heldout_paragraphs_keep_the_offset_contract(scores, name):
    r = scores[name]
    raw, options, seg = r["raw"], r["options"], r["seg"]
    checked = 0
    for row in seg.paragraphs.itertuples():
        assert seg.para_text[row.para_id].text == row.text
        if row.is_boilerplate:
            continue
        assert normalize_text(raw[row.raw_start : row.raw_end], options) == row.text, row.text
        checked += 1
    assert checked >= 8
