"""Report labels in charts: wrapped at word boundaries, nothing cut; tables exported as CSV."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import charts


@pytest.mark.parametrize(
    "label, width, lines",
    [
        ("东安县教育局 2019 高考", 12, ["东安县教育局", "2019 高考"]),
        ("城关镇中心小学", 8, ["城关镇", "中心小学"]),
        ("幼儿园保教情况调研报告 (2)", 16, ["幼儿园保教情况", "调研报告 (2)"]),
        ("短名", 16, ["短名"]),
    ],
)
def test_wrap_label_breaks_between_words(label, width, lines):
    out = charts.wrap_label(label, width)
    assert out.split("\n") == lines
    assert out.replace("\n", " ").replace(" ", "") == label.replace(" ", "")  # nothing cut


def test_wrap_label_never_splits_a_number():
    assert "2019" in charts.wrap_label("某某某某某某某某县 2019", 6).split("\n")


def test_dot_chart_names_reports_and_levels():
    table = pd.DataFrame(
        {
            "short_name": ["东安县教育局 2019", "城关中学 2020 高考"],
            "level_label": ["县级", "学校"],
            "level_rank": [3, 6],
            "indicator": ["小学净入学率", "高考本科上线率"],
            "value": [99.5, 68.0],
        }
    )
    fig = charts.plot_dots_by_report(table, "各报告", "比率（%）", note="只有 2 份报告")
    ax = fig.axes[0]
    ticks = [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()]
    assert ticks == ["东安县教育局 2019", "城关中学 2020 高考"]
    assert ax.get_xlabel() == "比率（%）"
    assert {t.get_text() for t in ax.texts} >= {"县级", "学校"}


def test_save_table_csv_writes_a_bom_csv(tmp_path):
    path = charts.save_table_csv(pd.DataFrame({"报告": ["东安县 2019"]}), "card", tmp_path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with pytest.raises(ValueError):
        charts.save_table_csv(pd.DataFrame(), "报告卡", tmp_path)
