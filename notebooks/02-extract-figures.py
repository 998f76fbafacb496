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
# # 02 · 数字抽取 Extract figures
#
# What the reader sees: every figure the extractor found (funding, enrollment, exam, other
# rates), filterable by family / metric / stage; a summary per family and per metric; every
# flagged figure next to its source sentence and raw context; and the parts-vs-total checks.
#
# Watch out: values are normalised (money in 元, rates in percent). `approx` marks 余/多/约,
# `planned` marks targets (计划/力争), `is_change` marks changes (提高3个百分点), which must not be
# compared with levels. A flagged figure (rate above 100 %, amount out of scale with its
# neighbours, parts that do not add up) is kept, not dropped: read its sentence before using it.

# %% tags=["parameters"]
from helpers import paths

raw_dir = str(paths.RAW_DIR)
processed_dir = str(paths.PROCESSED_DIR)
figures_dir = str(paths.FIGURES_DIR)
seed = 0
k = None
family_filter = None  # e.g. "funding" or ["enrollment", "exam"]
metric_filter = None  # e.g. "入学率"
stage_filter = None  # e.g. "小学"

# %%
import pandas as pd
from IPython.display import Markdown, display

from helpers import charts, report
from helpers.load import load_documents
from helpers.tables import load_table

charts.setup_cjk_font()
pd.set_option("display.max_colwidth", 100)
pd.set_option("display.max_rows", 200)
documents = load_table(processed_dir, "documents")
caption = report.source_caption(documents, raw_dir)
figures = report.load_optional_table(processed_dir, "figures")
print(f"{len(figures)} figures in {figures['doc_id'].nunique()} of {len(documents)} documents")
if figures.empty:
    display(
        Markdown(
            "**No figure found in this corpus** (or the figures stage has not run): "
            "the tables and charts below are empty."
        )
    )

# %% [markdown]
# ## Per-family summary
# All four families are listed, with zeros where the corpus has none.

# %%
families = report.family_summary(figures)
display(families)
fig = charts.plot_stacked_barh(
    families.set_index("label")[["n_figures"]].rename(columns={"n_figures": "数字个数"}),
    "各类数字的数量",
    "数字个数（个）",
    note_if_empty="本语料中没有抽取到数字",
)
charts.save_fig(fig, "02_figures_per_family", figures_dir, caption=caption)

# %%
fig = charts.plot_stacked_barh(
    report.figures_per_document(figures),
    "各文档抽取到的数字（按类别）",
    "数字个数（个）",
    note_if_empty="本语料中没有抽取到数字",
)
charts.save_fig(fig, "02_figures_per_document", figures_dir, caption=caption)

# %% [markdown]
# ## Per-metric summary (min / median / max in the unit shown)

# %%
display(report.metric_summary(figures))

# %% [markdown]
# ## Filtered view
# Set `family_filter`, `metric_filter`, `stage_filter` in the parameters cell (or pass them
# with papermill `-p`). With no filter, the first 30 rows are shown.

# %%
view = report.filter_figures(
    figures, family=family_filter, metric=metric_filter, stage=stage_filter
)
cols = [
    "doc_id",
    "family",
    "metric",
    "stage",
    "value",
    "unit",
    "approx",
    "planned",
    "is_change",
    "raw_text",
    "sentence",
]
display(view.reindex(columns=cols).head(30))
print(f"{len(view)} figure(s) match the filters")

# %% [markdown]
# ## Flagged figures with their source
# Only problem flags are listed here (descriptive flags such as `approx=余` or
# `part_of_total` stay in the figures table). `raw_context` is cut from the raw file with the figure's own offsets (【…】 marks the
# span); `span_ok` confirms that `raw_text` is exactly that slice.

# %%
raw_texts = {d.doc_id: d.text for d in load_documents(raw_dir) if d.ok}
flagged = report.attach_raw_context(report.flagged_figures(figures), raw_texts)
if flagged.empty:
    display(Markdown("_No figure is flagged._"))
else:
    display(flagged[["doc_id", "family", "metric", "value", "flags", "raw_context", "sentence"]])
checked = report.attach_raw_context(figures, raw_texts)
print(
    f"offsets verified: {int(checked['span_ok'].sum())} of {len(checked)} figures point at their raw_text"
)

# %% [markdown]
# ## Parts vs total
# Where a sentence states a total and then its parts (其中…/分别为…), the extractor adds the
# parts up. `status` is `ok` when they match the total (within its rounding) and
# `mismatch` otherwise; `difference` = sum of parts − total, in the figure's unit.

# %%
parts = report.parts_vs_total_checks(figures)
display(
    parts if len(parts) else Markdown("_No sentence in this corpus gives a total with its parts._")
)
