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
# # 04 · 报告图表 Report charts
#
# Report-ready charts, exported as PNG (300 dpi), SVG and PDF into `figures_dir`:
# funding by metric and by document (万元), enrollment rates by stage (100 % reference
# line), exam results, theme shares per document, and a one-page summary table.
#
# Watch out: funding sums leave out per-capita amounts (生均) and changes, and may count a
# total and its parts twice when a report gives both; hatched bars contain approximate
# amounts (余/约/多), orange bars are planned amounts (计划/预计/力争), not money spent.

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
paragraphs = report.load_optional_table(processed_dir, "paragraphs")
figures = report.load_optional_table(processed_dir, "figures")
# Reports are named by their short name (issuer/place, year), not by file name and hash.
report_figures = indicators.as_report_labels(figures, articles)
doc_names = indicators.doc_labels(articles)

# %% [markdown]
# ## Funding (万元)

# %%
by_metric = report.funding_wan_table(figures, "metric")
display(by_metric if len(by_metric) else Markdown("_No funding figure in this corpus._"))
fig = charts.plot_funding_wan(by_metric, "metric", "各类经费合计（按指标）")
charts.save_fig(fig, "04_funding_by_metric", figures_dir, caption=caption)

# %%
by_doc = report.funding_wan_table(report_figures, "doc_id").rename(columns={"doc_id": "report"})
fig = charts.plot_funding_wan(by_doc, "report", "各报告经费合计")
charts.save_fig(fig, "04_funding_by_document", figures_dir, caption=caption)

# %% [markdown]
# ## Enrollment rates by stage
# One dot per stated rate (orange: a target such as 力争达到…); a dot right of the dashed
# 100 % line is implausible for a level and is flagged in notebook 02.

# %%
rates = report.rate_figures(figures, "enrollment")
display(rates if len(rates) else Markdown("_No enrollment rate in this corpus._"))
fig = charts.plot_rates_by_stage(rates, "各学段入学、巩固、升学等比率")
charts.save_fig(fig, "04_enrollment_rates_by_stage", figures_dir, caption=caption)

# %% [markdown]
# ## Exam results
# Rates (及格率, 优秀率, 上线率 …) as dots; head counts and scores in the table below.

# %%
exam_rates = report.rate_figures(figures, "exam")
fig = charts.plot_rates_by_stage(
    exam_rates, "考试成绩（比率）", note_if_empty="本语料中没有考试成绩比率"
)
charts.save_fig(fig, "04_exam_results", figures_dir, caption=caption)
exam_counts = report.count_figures(figures, "exam")
display(exam_counts if len(exam_counts) else Markdown("_No exam head count or score._"))

# %% [markdown]
# ## Theme shares per document
# Each bar sums to 100 % of the document's themed text; a theme has the same colour here as
# in notebook 03 and in every run (taxonomy order, `helpers.charts.theme_colors`). Each file is
# named by its report's short name (`… 等N篇` when it holds several reports).

# %%
theme_tables = report.load_theme_tables(processed_dir)
shares = report.doc_topic_percent(theme_tables["doc_topics"], theme_tables["themes"])
shares = shares.rename(index=doc_names)
fig = charts.plot_stacked_barh(
    shares,
    "各文档的主题构成",
    "占文档正文比例（%）",
    note_if_empty=theme_tables["note"] or "没有文档主题分布",
    colors=charts.theme_colors(),
)
charts.save_fig(fig, "04_topic_shares_per_document", figures_dir, caption=caption)

# %% [markdown]
# ## One-page summary

# %%
summary = report.corpus_summary(
    documents, articles, paragraphs, figures, theme_tables["doc_topics"], theme_tables["themes"]
)
summary.insert(0, "short_name", summary["doc_id"].map(doc_names).fillna(summary["doc_id"]))
display(summary)
fig = charts.plot_table(
    summary.drop(columns=["doc_id"]),
    "语料概要",
    labels={**report.SUMMARY_LABELS, "short_name": "报告"},
    wrap=True,
)
charts.save_fig(fig, "04_summary_table", figures_dir, caption=caption)
