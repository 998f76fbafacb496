"""The offset contract: every paragraph's raw slice, normalised again, is its text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helpers.normalize import detect_options, normalize_document, normalize_text
from helpers.segment import segment_document

SEED_PREFIXES = ["000_", "001_", "002_", "003_", "004_"]


def _check_contract(doc_id: str, raw: str) -> int:
    """Assert the contract for every content paragraph; return how many were checked."""
    options = detect_options(raw)
    norm = normalize_document(raw, options)
    seg = segment_document(doc_id, norm)
    checked = 0
    for row in seg.paragraphs.itertuples():
        assert 0 <= row.raw_start < row.raw_end <= len(raw)
        piece = seg.para_text[row.para_id]
        piece.check()
        assert piece.text == row.text
        assert row.n_chars == len(row.text)
        if row.is_boilerplate:
            continue
        assert normalize_text(raw[row.raw_start : row.raw_end], options) == row.text, row.para_id
        checked += 1
    for art in seg.articles.itertuples():
        assert 0 <= art.raw_start < art.raw_end <= len(raw)
        own = seg.paragraphs[seg.paragraphs["article_id"] == art.article_id]
        assert own["raw_start"].min() >= art.raw_start and own["raw_end"].max() <= art.raw_end
    return checked


@pytest.mark.parametrize("prefix", SEED_PREFIXES)
def test_seed_paragraphs_renormalise_to_their_text(seed_texts, prefix):
    (doc_id,) = [k for k in seed_texts if k.startswith(prefix)]
    assert _check_contract(doc_id, seed_texts[doc_id]) > 10


@pytest.mark.parametrize(
    "raw",
    [
        # CRLF line ends, full-width digits, glosses, placeholders, a share bar.
        "區(qū)教育脫貧工作總結(jié)\r\n\r\n一、工作開展情況\r\n"
        "(一)抓控輟保學(xué)。全區(qū)共有學(xué)生１２８６人,20xx年 QQ空间 新浪微博 腾讯微博 人人网 更多 增長９．１５％。\r\n",
        # An HTML page saved as .txt.
        "<html><head><style>p{color:red}</style></head><body><p>教育局年度工作总结</p>"
        "<p>一、全面完成校舍重建任务,硬件水平大幅提升。</p><div>今年我市参加高考人数1628人&nbsp;,"
        "综合上线率达到51.66%。</div></body></html>",
        # A scraper page break inside a word.
        "三、加强学校德育工作\n\n结合区教育局的专项培训工作,解决学科教师配。\n\n置不齐的问题。\n",
    ],
)
def test_synthetic_documents_keep_the_contract(raw):
    assert _check_contract("t", raw) >= 2


def test_crlf_paragraph_spans_exclude_line_ends():
    raw = "教育局年度工作总结\r\n一、加强师资培训。\r\n"
    seg = segment_document("t", normalize_document(raw))
    spans = [(r.raw_start, r.raw_end) for r in seg.paragraphs.itertuples()]
    assert [raw[a:b] for a, b in spans] == ["教育局年度工作总结", "一、加强师资培训。"]


def test_paragraph_span_covers_repaired_mojibake(seed_texts):
    (doc_id,) = [k for k in seed_texts if k.startswith("002_")]
    raw = seed_texts[doc_id]
    seg = segment_document(doc_id, normalize_document(raw))
    row = seg.paragraphs[seg.paragraphs["text"].str.contains("或对外交流活动中积极承担")].iloc[0]
    assert "或?qū)ν饨涣骰顒又蟹e極" in raw[row.raw_start : row.raw_end]


# ---------------------------------------------------------------------------- property


@pytest.fixture(scope="module")
def seed_lines(seed_texts):
    return [ln for text in seed_texts.values() for ln in text.splitlines() if ln.strip()]


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_any_mix_of_seed_lines_keeps_the_contract(seed_lines, data):
    picks = data.draw(st.lists(st.sampled_from(seed_lines), min_size=1, max_size=12))
    seps = data.draw(
        st.lists(
            st.sampled_from(["\n", "\n\n", "\r\n", "\n \n"]),
            min_size=len(picks),
            max_size=len(picks),
        )
    )
    raw = "".join(p + s for p, s in zip(picks, seps, strict=True))
    _check_contract("h", raw)


# Fragments of every kind of junk the cleaner handles, glued at random.
JUNK = st.sampled_from(
    [
        *list("教育工作总结學校國小中会考一二三、。,;:()（）1234567890.%xX*#_? \n\r\t\u3000ｘ１２"),
        "<br/>",
        "(xué)",
        "?qū)W",
        "20xx年",
        " QQ空间 新浪微博 腾讯微博 人人网 更多 ",
        "down.kt250.com",
        "一、",
        "(一)",
        " | 返回目录\n",
        "延伸阅读:\n",
        "。\n\n",
        "锟斤拷",
        "�",
    ]
)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(JUNK, max_size=80).map("".join))
def test_random_junk_keeps_the_contract(raw):
    _check_contract("j", raw)
