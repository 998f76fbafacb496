"""Themes: the taxonomy as data, the guided per-paragraph model, its tables and discovery.

Paragraphs here are written for the tests (not copied from any report).
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from helpers import charts, themes
from helpers.paths import RAW_DIR, resource_path
from helpers.pipeline import run_pipeline
from helpers.tables import load_table

TAX = themes.load_taxonomy()
REQUIRED_NAMES = [
    "党建与管理",
    "德育",
    "教学质量与课程",
    "教研与教师发展",
    "师资队伍",
    "学前教育",
    "义务教育均衡与控辍保学",
    "高中与考试招生",
    "职业与成人教育",
    "学生资助与教育扶贫",
    "经费与办学条件",
    "校园安全与健康",
    "教育信息化",
    "家校社会",
    "其他",
]

# One paragraph per theme, in the words of an imagined county report.
EXAMPLES = [
    (
        "party_admin",
        "局党委落实全面从严治党主体责任，开展党风廉政建设和作风建设专项整治，基层党组织全部达标。",
    ),
    (
        "moral",
        "各校以立德树人为根本，开展文明礼仪和行为习惯养成教育，班主任每周召开主题班会，少先队活动丰富。",
    ),
    (
        "teaching",
        "严格落实教学常规，推进课堂教学改革和课程建设，期末统考平均分和及格率均有提高，教学质量稳步提升。",
    ),
    (
        "research_pd",
        "组织骨干教师开展校本研修和集体备课，听课评课两百余节，三项课题顺利结题，青年教师专业成长明显。",
    ),
    (
        "teachers",
        "通过特岗计划招聘新教师四十名，核定教师编制，开展师德师风专项教育，落实乡村教师生活补贴和绩效工资。",
    ),
    (
        "preschool",
        "新建公办幼儿园三所，普惠性幼儿园覆盖率提高，学前三年毛入园率达到百分之九十，保教质量明显提高。",
    ),
    (
        "compulsory",
        "落实控辍保学责任，劝返辍学学生十二名，义务教育巩固率达到百分之九十六，县域义务教育基本均衡通过评估。",
    ),
    (
        "highschool_exam",
        "今年高考本科上线率再创新高，一本上线人数比去年增加，中考招生录取工作公平有序，普通高中办学水平提升。",
    ),
    (
        "vocational",
        "县职教中心深化校企合作和产教融合，新建实训基地两个，中职毕业生就业率保持在九成以上，开展农民技能培训。",
    ),
    (
        "aid",
        "全年发放国家助学金和寄宿生生活补助，落实营养改善计划，建档立卡贫困家庭学生资助做到应助尽助。",
    ),
    (
        "funding_facilities",
        "全年教育经费投入增长，改扩建校舍五栋，新增建筑面积八千平方米，添置教学仪器和图书，办学条件明显改善。",
    ),
    (
        "safety_health",
        "开展校园安全隐患排查和防溺水、交通安全教育，落实食品安全责任，学生体质健康测试合格率提高。",
    ),
    (
        "it",
        "推进教育信息化，实现宽带网络校校通，教室配备多媒体和电子白板，建设智慧校园和数字教育资源平台。",
    ),
    (
        "family_society",
        "办好家长学校，教师开展家访，建立家委会，家校共育和社区、关工委等社会力量参与育人的格局初步形成。",
    ),
    ("other", "本镇位于县城东部，总面积八十平方公里，辖十二个行政村，总人口三万余人，以农业为主。"),
]


def frame_of(texts: list[str], doc_id: str = "d", **extra) -> pd.DataFrame:
    return pd.DataFrame(
        dict(doc_id=doc_id, article_id=0, para_id=range(len(texts)), text=texts, **extra)
    )


# --- the taxonomy --------------------------------------------------------------------------


def test_shipped_taxonomy_covers_the_education_themes_in_order():
    assert list(TAX.names) == REQUIRED_NAMES
    assert len(set(TAX.ids)) == len(TAX.ids) and all(i.isascii() for i in TAX.ids)
    table = pd.read_csv(resource_path("themes.csv"), dtype=str)
    assert list(table.columns) == themes.THEME_COLUMNS
    assert (table.name_en.str.len() > 0).all() and (table.description.str.len() > 0).all()


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda t: t.drop(columns="seed_terms"), "lacks columns"),
        (lambda t: t.assign(theme_id=["a"] * len(t)), "unique"),
        (lambda t: t.assign(theme_id=t.theme_id.str.upper()), "ASCII"),
        (lambda t: t[t.theme_id != "other"], "other"),
    ],
    ids=["missing-column", "repeated-id", "not-a-slug", "no-other"],
)
def test_a_broken_taxonomy_is_refused_with_a_clear_error(change, message):
    with pytest.raises(ValueError, match=message):
        themes.parse_taxonomy(change(TAX.table.copy()))


def test_an_analyst_can_rename_add_and_extend_themes_without_code(tmp_path):
    table = TAX.table.copy()
    table.loc[table.theme_id == "it", "name_zh"] = "智慧教育"
    extra = dict(
        theme_id="sports",
        name_zh="体育与艺术",
        name_en="Sports and arts",
        description="体育、艺术教育与比赛",
        seed_terms="足球、篮球、合唱、美育",
        exclude_terms="",
    )
    table = pd.concat([table.iloc[:-1], pd.DataFrame([extra]), table.iloc[-1:]])
    path = tmp_path / "themes.csv"
    table.to_csv(path, index=False)
    tax = themes.load_taxonomy(path)
    text = ["校园足球联赛和篮球比赛持续开展，合唱团在全市比赛中获奖，美育工作成效明显。"]
    info = ["全面推进教育信息化，教室配备多媒体和电子白板，建设数字校园。"]
    out = themes.assign_themes(frame_of(text + info), tax)
    assert out.theme.tolist() == ["体育与艺术", "智慧教育"]


def test_terms_match_longest_first_and_exclusions_weigh_nothing():
    col = {t: i for i, t in enumerate(TAX.ids)}
    # 幼儿园 counts once (1.5), not also as 幼儿 (1.0)
    assert themes.score_text("幼儿园", TAX)[col["preschool"]] == 1.5
    # 中小学 is excluded for compulsory education, 小学 alone counts
    assert themes.score_text("中小学", TAX)[col["compulsory"]] == 0.0
    assert themes.score_text("小学", TAX)[col["compulsory"]] == 1.0
    # 技能培训 is vocational, not teacher development
    s = themes.score_text("农民技能培训", TAX)
    assert s[col["research_pd"]] == 0.0 and s[col["vocational"]] > 0


# --- the guided model ---------------------------------------------------------------------


@pytest.mark.parametrize("theme_id, text", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_each_theme_is_recognised_in_a_paragraph_of_its_own(theme_id, text):
    out = themes.assign_themes(frame_of([text]))
    assert out.theme_id.tolist() == [theme_id]
    assert 0 < out.theme_score.iloc[0] <= 1


def test_a_mixed_paragraph_gets_a_secondary_theme():
    text = (
        "全年投入资金八百万元改扩建校舍，新建教学楼和学生食堂，同时发放国家助学金和营养改善计划补助，"
        "资助贫困学生两千人次。"
    )
    out = themes.assign_themes(frame_of([text]))
    assert {out.theme.iloc[0], out.theme2.iloc[0]} == {"经费与办学条件", "学生资助与教育扶贫"}


def test_only_content_paragraphs_get_a_theme():
    long = "县里落实控辍保学责任，劝返辍学学生，义务教育巩固率稳步提高。"
    frame = frame_of(
        [long, long + "。", "短句。", long + "！"],
        is_boilerplate=[False, False, False, True],
        is_duplicate=[False, True, False, False],
    )
    out = themes.assign_themes(frame)
    assert out.theme_id.tolist() == ["compulsory", "", "", ""]
    assert out.theme_score.isna().tolist() == [False, True, True, True]


def test_heading_path_and_neighbours_carry_a_fragment():
    # a line cut out of a longer passage about aid, with no seed term of its own
    texts = [
        "落实学生资助政策，按时发放国家助学金和生活补助，资助家庭经济困难学生。",
        "每人每年标准为一千元，所需资金由县财政和上级专项共同承担，按学期足额到位",
    ]
    alone = themes.assign_themes(frame_of(texts[1:]))
    together = themes.assign_themes(frame_of(texts, section="三、学生资助"))
    assert alone.theme_id.tolist() != ["aid"]
    assert together.theme_id.tolist() == ["aid", "aid"]


def test_a_paragraph_without_evidence_is_other():
    out = themes.assign_themes(
        frame_of(["今天天气晴朗，大家早早来到会场，气氛热烈而隆重，会议按时开始。"])
    )
    assert out.theme.tolist() == ["其他"]


def test_themes_are_deterministic_and_independent_of_row_order_across_documents():
    texts = [t for _, t in EXAMPLES]
    a = frame_of(texts[:7], "a")
    b = frame_of(texts[7:], "b")
    one = themes.assign_themes(pd.concat([a, b], ignore_index=True))
    two = themes.assign_themes(pd.concat([b, a], ignore_index=True))
    key = ["doc_id", "para_id"]
    pd.testing.assert_frame_equal(
        one.sort_values(key).reset_index(drop=True), two.sort_values(key).reset_index(drop=True)
    )


# --- tables ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed_run")
    run_pipeline(RAW_DIR, out, workers=1)
    return out


def test_paragraphs_gain_the_theme_columns(seed_run):
    para = load_table(seed_run, "paragraphs")
    assert {"theme_id", "theme", "theme_score", "theme2"} <= set(para.columns)
    live = themes.content_mask(para)
    assert (para.theme_id[live] != "").all() and (para.theme_id.fillna("")[~live] == "").all()
    assert set(para.theme[live]) <= set(TAX.names)
    assert para.theme_score[live].between(0, 1).all()
    second = para.theme2.fillna("")
    assert (second[second != ""] != para.theme[second != ""]).all()


def test_theme_tables_have_their_columns_and_shares_sum_to_one(seed_run):
    table = load_table(seed_run, "themes")
    assert table.theme_id.tolist() == list(TAX.ids)  # every theme, even an empty one
    assert list(table.columns) == themes.THEMES_TABLE_COLUMNS
    docs = load_table(seed_run, "doc_topics")
    arts = load_table(seed_run, "article_topics")
    assert list(docs.columns) == themes.DOC_THEME_COLUMNS
    assert list(arts.columns) == themes.ARTICLE_THEME_COLUMNS
    assert np.allclose(docs.groupby("doc_id").share.sum(), 1, atol=1e-3)
    assert np.allclose(arts.groupby(["doc_id", "article_id"]).share.sum(), 1, atol=1e-3)
    assert table["size"].sum() == docs.n_paragraphs.sum() == arts.n_paragraphs.sum()


def test_examples_and_candidates_point_back_to_raw_spans(seed_run):
    para = load_table(seed_run, "paragraphs").set_index(["doc_id", "para_id"])
    for name in ("theme_examples", "theme_candidates"):
        table = load_table(seed_run, name)
        assert len(table), name
        for row in table.itertuples():
            src = para.loc[(row.doc_id, row.para_id)]
            assert (row.raw_start, row.raw_end) == (src.raw_start, src.raw_end)
            assert row.text == src.text


# --- stability across runs ------------------------------------------------------------------

EXTRA_FILES = {
    "extra_county.txt": "\n\n".join(t for _, t in EXAMPLES[:8]),
    "extra_school.txt": "\n\n".join(t for _, t in EXAMPLES[8:]),
    "extra_plan.txt": (
        "二〇二四年工作要点\n\n一、抓好学生资助\n\n"
        "对家庭经济困难学生做到应助尽助，按时发放各类助学金，不让一个学生因贫失学。\n\n"
        "二、推进学校建设\n\n计划投资三千万元新建一所九年一贯制学校，改造薄弱学校校舍和运动场。\n"
    ),
}


def test_adding_files_leaves_the_seed_paragraphs_themes_unchanged(seed_run, tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(RAW_DIR, raw)
    for name, text in EXTRA_FILES.items():
        (raw / name).write_text(text, encoding="utf-8")
    run_pipeline(raw, tmp_path / "out", workers=1)
    key = ["doc_id", "para_id"]
    before = load_table(seed_run, "paragraphs").set_index(key)
    after = load_table(tmp_path / "out", "paragraphs").set_index(key).loc[before.index]
    themed = before.theme_id.fillna("") != ""
    same = (before.theme_id[themed] == after.theme_id[themed]).mean()
    assert same >= 0.9, f"only {same:.1%} of seed paragraphs kept their theme"
    assert same == 1.0  # by construction nothing is fitted on the corpus
    assert (before.theme_score[themed] == after.theme_score[themed]).all()


# --- discovery ------------------------------------------------------------------------------

FURNITURE = "本文共2000字，仅供站内会员学习参考，会员可免费下载全部文档，付费后查看。"


def test_site_furniture_never_forms_a_candidate_theme():
    rng = np.random.default_rng(0)
    groups = [
        ["植树", "绿化", "环保", "垃圾分类", "节能", "低碳"],
        ["航模", "机器人", "科普", "天文", "编程", "发明"],
    ]
    content = [
        "同学们参加" + "、".join(rng.choice(groups[i % 2], size=3, replace=False)) + "等活动，"
        "增强了意识，" + "收获很多" * 3
        for i in range(40)
    ]
    junk = [FURNITURE + f"第{i}页。" for i in range(40)]
    frame = pd.concat(
        [frame_of(content[i::4] + junk[i::4], f"doc{i}") for i in range(4)], ignore_index=True
    )
    frame = frame.merge(themes.assign_themes(frame), on=["doc_id", "para_id"])
    cands, sweep = themes.discover_candidates(frame)
    assert len(cands) and len(sweep)
    terms = "、".join(cands.top_terms)
    assert not any(w in terms for w in ("会员", "下载", "仅供", "付费", "文档"))
    assert not cands.text.str.contains("会员").any()
    assert (cands.n_docs >= themes.MIN_CANDIDATE_DOCS).all()


def test_discovery_sweep_runs_on_a_bounded_sample(monkeypatch):
    from helpers import topics as tp

    seen = []
    real = tp.sweep_topics

    def spy(corpus, *args, **kwargs):
        seen.append(corpus.tfidf.shape[0])
        return real(corpus, *args, **kwargs)

    monkeypatch.setattr(tp, "sweep_topics", spy)
    monkeypatch.setattr(themes, "DISCOVERY_SAMPLE", 30)
    words = ["植树", "绿化", "环保", "节能", "低碳", "科普", "航模", "棋类"]
    rng = np.random.default_rng(1)
    texts = [
        "学生参加"
        + "、".join(rng.choice(words, size=3, replace=False))
        + "等兴趣活动，活动结束后大家写下心得体会，收获很大。"
        for _ in range(80)
    ]
    frame = pd.concat([frame_of(texts[i::2], f"doc{i}") for i in range(2)], ignore_index=True)
    frame = frame.merge(themes.assign_themes(frame), on=["doc_id", "para_id"])
    themes.discover_candidates(frame)
    assert seen == [30]


def test_too_few_unsure_paragraphs_give_no_candidates_not_an_error():
    frame = frame_of([t for _, t in EXAMPLES[:5]])
    frame = frame.merge(themes.assign_themes(frame), on=["doc_id", "para_id"])
    cands, sweep = themes.discover_candidates(frame)
    assert cands.empty and sweep.empty
    assert list(cands.columns) == themes.CANDIDATE_COLUMNS


# --- colours --------------------------------------------------------------------------------


def test_every_theme_keeps_one_distinct_colour_from_the_taxonomy_order():
    colors = charts.theme_colors()
    named = [colors[i] for i in TAX.ids if i != "other"]
    assert len(set(named)) == len(named)  # no two themes share a colour
    assert colors["other"] == colors["其他"] == charts.OTHER_THEME_COLOR not in named
    assert charts.theme_colors() == colors  # the same in every call and run
    assert len(charts.THEME_PALETTE) >= 15


def test_spam_vocabulary_of_the_cleaning_stage_is_furniture_too(tmp_path, monkeypatch):
    (tmp_path / themes.FURNITURE_FILE).write_text("# comment\n会员\n", encoding="utf-8")
    (tmp_path / themes.SPAM_VOCAB_FILE).write_text(
        "kind,term,strength,note\ngambling_spam,博彩公司,strong,\n", encoding="utf-8"
    )
    monkeypatch.setattr(themes, "resource_path", lambda name: tmp_path / name)
    themes.load_furniture_terms.cache_clear()
    themes._furniture_pattern.cache_clear()
    themes.is_furniture.cache_clear()
    try:
        assert themes.load_furniture_terms() == ("会员", "博彩公司")
        assert themes.is_furniture("某博彩公司") and not themes.is_furniture("资助")
    finally:
        monkeypatch.undo()
        themes.load_furniture_terms.cache_clear()
        themes._furniture_pattern.cache_clear()
        themes.is_furniture.cache_clear()
