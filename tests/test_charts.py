"""Charts: the checked CJK font, deterministic save_fig exports, and readable plots."""

from __future__ import annotations

import itertools
import struct
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest
from matplotlib import font_manager

from helpers import charts

DEJAVU = Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf"


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(
    "font, chars, missing",
    [
        (DEJAVU, "教育经费入学率", "教育经费入学率"),
        (DEJAVU, "AB12", ""),
        (DEJAVU, "A教B", "教"),
    ],
)
def test_missing_glyphs_reads_the_font_cmap(font, chars, missing):
    assert charts.missing_glyphs(font, chars) == missing


def test_setup_cjk_font_resolves_to_a_font_with_chinese_glyphs():
    family = charts.setup_cjk_font()
    resolved = font_manager.findfont(
        font_manager.FontProperties(family=family), fallback_to_default=False
    )
    assert charts.missing_glyphs(Path(resolved)) == ""
    assert matplotlib.rcParams["font.sans-serif"][0] == family
    assert matplotlib.rcParams["axes.unicode_minus"] is False


def test_pip_installed_font_is_tried_first():
    first = charts.find_cjk_font_files()[0]
    assert first.name == "NotoSansCJKsc-Regular.otf" and "mplfonts" in first.parts


def test_setup_cjk_font_fails_loudly_without_a_cjk_font(monkeypatch):
    monkeypatch.setattr(charts, "find_cjk_font_files", lambda: [DEJAVU])
    charts.setup_cjk_font.cache_clear()
    try:
        with pytest.raises(charts.CJKFontError, match=r"boxes.*DejaVuSans\.ttf.*no glyphs"):
            charts.setup_cjk_font()
    finally:
        monkeypatch.undo()
        charts.setup_cjk_font.cache_clear()
        charts.setup_cjk_font()


def test_setup_cjk_font_fails_loudly_when_nothing_is_installed(monkeypatch):
    monkeypatch.setattr(charts, "find_cjk_font_files", lambda: [])
    charts.setup_cjk_font.cache_clear()
    try:
        with pytest.raises(charts.CJKFontError, match="pip install mplfonts"):
            charts.setup_cjk_font()
    finally:
        monkeypatch.undo()
        charts.setup_cjk_font.cache_clear()
        charts.setup_cjk_font()


def simple_figure():
    return charts.plot_barh(pd.Series({"教育经费": 3, "入学率": 5}), "高频词", "出现次数（次）")


def png_dpi(path: Path) -> float:
    """Horizontal resolution from the PNG pHYs chunk, in dots per inch."""
    data = path.read_bytes()
    i = data.index(b"pHYs")
    ppm_x, _ppm_y, unit = struct.unpack(">IIB", data[i + 4 : i + 13])
    assert unit == 1  # metres
    return ppm_x * 0.0254


def test_save_fig_writes_png_svg_pdf_with_stable_names(tmp_path):
    paths = charts.save_fig(simple_figure(), "top_terms", tmp_path)
    assert [p.name for p in paths] == ["top_terms.png", "top_terms.svg", "top_terms.pdf"]
    assert all(p.stat().st_size > 1000 for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p.name for p in paths
    )  # no temp left
    assert round(png_dpi(paths[0])) == 300
    assert paths[0].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert paths[2].read_bytes()[:5] == b"%PDF-"


def test_save_fig_is_byte_identical_on_rerun(tmp_path):
    first = [p.read_bytes() for p in charts.save_fig(simple_figure(), "chart", tmp_path / "a")]
    second = [p.read_bytes() for p in charts.save_fig(simple_figure(), "chart", tmp_path / "b")]
    assert first == second
    assert b"<dc:date>" not in first[1] and b"CreationDate" not in first[2]


def test_save_fig_adds_the_caption_only_while_saving(tmp_path, monkeypatch):
    fig = simple_figure()
    seen = []
    real = fig.savefig
    monkeypatch.setattr(
        fig,
        "savefig",
        lambda *a, **kw: (seen.append([t.get_text() for t in fig.texts]), real(*a, **kw)),
    )
    charts.save_fig(fig, "captioned", tmp_path, caption="来源：教育局年度工作总结")
    assert seen == [["来源：教育局年度工作总结"]] * 3
    assert fig.texts == []


@pytest.mark.parametrize("name", ["教育经费", "Funding", "../funding", "", "a b", "-x"])
def test_save_fig_rejects_unstable_names(name, tmp_path):
    with pytest.raises(ValueError, match="lower-case ASCII"):
        charts.save_fig(simple_figure(), name, tmp_path)
    assert not any(tmp_path.iterdir())


def test_save_fig_defaults_to_the_project_figures_dir(monkeypatch, tmp_path):
    monkeypatch.setattr(charts.paths, "FIGURES_DIR", tmp_path / "figs")
    paths = charts.save_fig(simple_figure(), "default_dir")
    assert paths[0].parent == tmp_path / "figs"


EMPTY_PLOTS = [
    lambda: charts.plot_barh(pd.Series(dtype=float), "高频词", "次数", note_if_empty="空"),
    lambda: charts.plot_stacked_barh(pd.DataFrame(), "清洗", "字符数", note_if_empty="空"),
    lambda: charts.plot_funding_wan(pd.DataFrame(), "metric", "经费", note_if_empty="空"),
    lambda: charts.plot_rates_by_stage(pd.DataFrame(), "入学率", note_if_empty="空"),
    lambda: charts.plot_heatmap(pd.DataFrame(), "主题", "x", "y", "%", note_if_empty="空"),
    lambda: charts.plot_sweep(pd.DataFrame(), None, {"coherence": "c"}, "k", note_if_empty="空"),
    lambda: charts.plot_table(pd.DataFrame(), "概要", note_if_empty="空"),
]


@pytest.mark.parametrize(
    "make", EMPTY_PLOTS, ids=["barh", "stacked", "funding", "rates", "heatmap", "sweep", "table"]
)
def test_plots_of_empty_data_draw_a_note(make):
    fig = make()
    ax = fig.axes[0]
    assert not ax.axison
    assert [t.get_text() for t in ax.texts] == ["空"]


FUNDING = pd.DataFrame(
    [
        # 计划投资9105万元 (planned); 投资10万余元 (approximate) with 投资40万元 (exact);
        # 教育附加收入达到3350万元
        dict(metric="投资", planned=True, wan=9105.0, n=1, approx_share=0.0),
        dict(metric="投资", planned=False, wan=50.0, n=2, approx_share=0.2),
        dict(metric="教育附加收入", planned=False, wan=3350.0, n=1, approx_share=0.0),
    ]
)


def test_funding_chart_marks_planned_amounts_and_the_approximate_part():
    fig = charts.plot_funding_wan(FUNDING, "metric", "经费")
    ax = fig.axes[0]
    assert ax.get_xlabel() == "金额（万元）"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["投资", "教育附加收入"]
    bars = sorted(
        (
            round(p.get_x(), 2),
            round(p.get_width(), 2),
            matplotlib.colors.to_hex(p.get_facecolor()),
            p.get_hatch() or "",
        )
        for p in ax.patches
        if p.get_width() > 0
    )
    assert bars == [
        (0.0, 40.0, charts.COLOR_ACTUAL, ""),
        (0.0, 3350.0, charts.COLOR_ACTUAL, ""),
        (0.0, 9105.0, charts.COLOR_PLANNED, ""),
        (40.0, 10.0, charts.COLOR_ACTUAL, "///"),
    ]
    assert sorted(t.get_text() for t in ax.texts) == ["3,350", "50", "9,105"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "实际/已完成",
        "计划/目标",
        "约数部分（余/约/多）",
    ]


def test_rates_chart_has_a_100_percent_reference_line_and_stage_order():
    rates = pd.DataFrame(
        [
            dict(stage="初中", metric="巩固率", value=99.98, planned=False),
            dict(stage="小学", metric="入学率", value=100.0, planned=False),
            dict(stage=None, metric="入学率", value=98.02, planned=False),
            dict(stage="学前", metric="入园率", value=97.0, planned=True),
        ]
    )
    ax = charts.plot_rates_by_stage(rates, "入学率").axes[0]
    colors = {
        tuple(c.get_offsets()[:, 0]): matplotlib.colors.to_hex(c.get_facecolor()[0])
        for c in ax.collections
    }
    assert colors == {(99.98, 100.0, 98.02): charts.COLOR_ACTUAL, (97.0,): charts.COLOR_PLANNED}
    assert [list(line.get_xdata()) for line in ax.get_lines()] == [[100, 100]]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "学前 · 入园率",
        "小学 · 入学率",
        "初中 · 巩固率",
        "未注明 · 入学率",
    ]
    assert ax.get_xlabel() == "比率（%）"


def test_many_bars_keep_tick_labels_apart():
    values = pd.Series({f"{i:03d}_{'教育工作总结' * 2}": i for i in range(25)})
    fig = charts.plot_barh(values, "各文档", "段落数（段）")
    fig.canvas.draw()
    boxes = [t.get_window_extent() for t in fig.axes[0].get_yticklabels()]
    assert all(not a.overlaps(b) for a, b in itertools.pairwise(boxes))


def test_heatmap_writes_each_value_in_its_cell():
    table = pd.DataFrame({"T0 德育": [47.0, 24.0], "T1 资助": [53.0, 76.0]}, index=["000", "001"])
    ax = charts.plot_heatmap(table, "文档 × 主题", "主题", "文档", "占比（%）").axes[0]
    assert [t.get_text() for t in ax.texts] == ["47", "53", "24", "76"]


@pytest.mark.parametrize(
    "text, width", [("", 0), ("abc", 3), ("入学率", 6), ("入学率99%", 9), ("（万元）", 8)]
)
def test_display_width_counts_cjk_as_two(text, width):
    assert charts.display_width(text) == width


@pytest.mark.parametrize(
    "value, text",
    [(21285.0, "21,285"), (785.04, "785.04"), (0.5, "0.5"), (55.57, "55.57"), (10.0, "10")],
)
def test_format_wan(value, text):
    assert charts.format_wan(value) == text


def test_summary_table_cuts_long_cells():
    table = pd.DataFrame({"doc_id": ["002_d435e5c5a6f9ebe6"], "title": ["幼儿园帮扶结对工作总结"]})
    fig = charts.plot_table(table, "语料概要", labels={"doc_id": "文档"}, max_chars=10)
    cells = {c.get_text().get_text() for c in fig.axes[0].tables[0].get_celld().values()}
    assert cells == {"文档", "title", "002_d435e…", "幼儿园帮扶结对工作…"}


def test_grouped_bars_label_values_and_mark_the_chosen_row():
    table = pd.DataFrame(
        {"NMI": [0.46, 0.27], "ARI": [0.34, 0.15]}, index=["NMF（本项目）", "基线 TF-IDF+KMeans"]
    )
    ax = charts.plot_grouped_bars(table, "主题质量", "分数（0…1）", highlight="NMF（本项目）").axes[
        0
    ]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "NMF（本项目）\n★ 选定",
        "基线 TF-IDF+KMeans",
    ]
    assert sorted(t.get_text() for t in ax.texts) == ["0.15", "0.27", "0.34", "0.46"]
    assert ax.get_ylabel() == "分数（0…1）"


@pytest.mark.parametrize(
    "wans, scale, xlabel",
    [
        ([9105.0, 3350.0, 10.0], "linear", "金额（万元）"),
        ([50000.0, 785.04, 0.3], "log", "金额（万元，对数刻度）"),  # 总支出5亿元 … 捐款3000元
    ],
)
def test_funding_axis_goes_log_only_for_wide_ranges(wans, scale, xlabel):
    table = pd.DataFrame(
        {
            "metric": [f"m{i}" for i in range(len(wans))],
            "planned": False,
            "wan": wans,
            "n": 1,
            "approx_share": 0.0,
        }
    )
    ax = charts.plot_funding_wan(table, "metric", "经费").axes[0]
    assert (ax.get_xscale(), ax.get_xlabel()) == (scale, xlabel)


def test_a_large_corpus_is_capped_and_the_title_says_so():
    docs = pd.Series({f"doc{i:03d}": float(i + 1) for i in range(charts.MAX_ROWS + 15)})
    ax = charts.plot_barh(docs, "各文档段落数", "段落数（段）").axes[0]
    assert len(ax.get_yticklabels()) == charts.MAX_ROWS
    assert (
        ax.get_title() == f"各文档段落数（前 {charts.MAX_ROWS} 项，共 {charts.MAX_ROWS + 15} 项）"
    )
    funding = pd.DataFrame(
        {
            "doc_id": docs.index,
            "planned": False,
            "wan": docs.to_numpy(),
            "n": 1,
            "approx_share": 0.0,
        }
    )
    ax = charts.plot_funding_wan(funding, "doc_id", "各文档经费").axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == charts.MAX_ROWS and labels[0] == "doc074"  # largest amounts kept
