# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 05 · 报告比较 Compare reports
#
# Who reported what, for where and when: each report (an article of `articles`) is named by
# its `short_name` (issuer or place, year, exam or kind tag; the full title is in the report
# card). The charts compare the canonical `indicators` across reports grouped by level,
# follow a place or issuer over the years, split funding by purpose without counting a total
# and its parts twice, show exam results by school and the theme mix by report level.
#
# A chart says so in its title when the corpus holds too few reports for the comparison.

# %% tags=["parameters"]
from helpers import paths

raw_dir = str(paths.RAW_DIR)
processed_dir = str(paths.PROCESSED_DIR)
figures_dir = str(paths.FIGURES_DIR)
seed = 0
k = None

# %%
from IPython.display import Markdown, display

from helpers import charts, indicators, report
from helpers.tables import load_table

charts.setup_cjk_font()
documents = load_table(processed_dir, "documents")
caption = report.source_caption(documents, raw_dir)
articles = report.load_optional_table(processed_dir, "articles")
figures = report.load_optional_table(processed_dir, "figures")
table = report.load_optional_table(processed_dir, "indicators")
article_topics = report.load_optional_table(processed_dir, "article_topics")
reports = indicators.report_table(articles)
note = indicators.too_few_note(len(reports))
display(reports.drop(columns=["doc_id", "article_id", "level_rank"]))

# %% [markdown]
# ## Indicators by report
# One row per report, grouped by level (全国 … 学校); one dot per indicator. Rates are in
# percent (dashed line: 100 %), head counts in 人/人次.

# %%
rates = indicators.indicator_points(table, articles, "%")
fig = charts.plot_dots_by_report(
    rates,
    "各报告的比率指标",
    "比率（%）",
    note=note,
    note_if_empty="本语料中没有比率指标",
    reference=100,
)
charts.save_fig(fig, "05_indicator_rates_by_report", figures_dir, caption=caption)
counts = indicators.indicator_points(table, articles, "人")
fig = charts.plot_dots_by_report(
    counts, "各报告的人数指标", "人数（人 / 人次）", note=note, note_if_empty="本语料中没有人数指标"
)
charts.save_fig(fig, "05_indicator_counts_by_report", figures_dir, caption=caption)
display(
    table.drop(columns=["doc_id", "source_spans"]) if len(table) else Markdown("_No indicator._")
)

# %% [markdown]
# ## Trends by year
# A line per place or issuer and indicator, where the corpus holds reports of two years or
# more for it.

# %%
trends = indicators.trend_series(table, articles, "%")
fig = charts.plot_trends(
    trends,
    "同一地区/单位的比率指标逐年变化",
    "比率（%）",
    note_if_empty="本语料中没有同一地区或单位两个以上年份的报告",
)
charts.save_fig(fig, "05_trends_by_year", figures_dir, caption=caption)

# %% [markdown]
# ## Funding by report and purpose (万元)
# Stated actual amounts by purpose (the figure's metric). Plans, changes and per-pupil
# amounts are left out, and so are the parts of a stated total: no yuan is counted twice.

# %%
funding = indicators.funding_by_purpose(figures, articles)
fig = charts.plot_stacked_barh(
    funding,
    "各报告的经费（按用途）" + (f"\n{note}" if note else ""),
    "金额（万元）",
    note_if_empty="本语料中没有经费数字",
    log_if_wide=True,
)
charts.save_fig(fig, "05_funding_by_report_purpose", figures_dir, caption=caption)

# %% [markdown]
# ## Exam results by school
# Exam rates (及格率, 优秀率, 上线率 …) of each school's report, one dot per rate.

# %%
exam, scope = indicators.exam_points(figures, articles)
fig = charts.plot_dots_by_report(
    exam,
    f"考试成绩：{scope}",
    "比率（%）",
    note=indicators.too_few_note(exam["short_name"].nunique(), "有考试成绩的报告"),
    note_if_empty="本语料中没有考试成绩比率",
    reference=100,
)
charts.save_fig(fig, "05_exam_results_by_school", figures_dir, caption=caption)

# %% [markdown]
# ## Theme mix by report level

# %%
mix = indicators.theme_mix_by_level(article_topics, articles)
fig = charts.plot_stacked_barh(
    mix,
    "各层级报告的主题构成" + ("\n只有一个层级，无法比较" if len(mix) == 1 else ""),
    "占正文字符比例（%）",
    note_if_empty="没有报告主题分布",
)
charts.save_fig(fig, "05_theme_mix_by_level", figures_dir, caption=caption)

# %% [markdown]
# ## Report card
# The key indicators per report (`?`: the report states two different values; see
# `conflict_values` in `indicators`). Exported as `05_report_card.csv` and as a chart.

# %%
card = indicators.report_card(table, articles)
display(card)
charts.save_table_csv(card, "05_report_card", figures_dir)
fig = charts.plot_table(
    card,
    "报告卡：各报告的关键指标",
    labels={"short_name": "报告", "level_label": "层级", "year": "年份", "title": "完整标题"},
    max_chars=12,
    note_if_empty="没有可列入报告卡的指标",
    wrap=True,
)
charts.save_fig(fig, "05_report_card", figures_dir, caption=caption)
