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
# # 03 · 主题 Themes
#
# What the reader sees: the theme taxonomy (`src/helpers/resources/themes.csv`, editable),
# how many paragraphs of this corpus each theme holds, example paragraphs, how much of each
# document goes to each theme, how well the theme model agrees with hand labels (measured
# by `bench/eval_topics.py`, stored), and candidate new themes found among the paragraphs
# that fit no theme well.
#
# Watch out: every content paragraph (not boilerplate, not a duplicate, ≥ 30 characters)
# gets one primary theme from its own words, its heading path and its two neighbours;
# nothing is fitted on the corpus, so adding files never changes a theme already given.
# `theme_score` is the winner's share of the evidence (low = mixed or unclear paragraph);
# `theme2` names a strong runner-up. This notebook only reads the pipeline's tables.

# %% tags=["parameters"]
from helpers import paths

raw_dir = str(paths.RAW_DIR)
processed_dir = str(paths.PROCESSED_DIR)
figures_dir = str(paths.FIGURES_DIR)
seed = 0  # unused here: the pipeline's --seed drives discovery
k = None  # unused here: the pipeline's --k fixes the number of discovery clusters

# %%
import pandas as pd
from IPython.display import Markdown, display

from helpers import charts, report
from helpers.tables import load_table

charts.setup_cjk_font()
pd.set_option("display.max_colwidth", 120)
caption = report.source_caption(load_table(processed_dir, "documents"), raw_dir)
tables = report.load_theme_tables(processed_dir)
themes = tables["themes"]
colors = charts.theme_colors()
if tables["note"]:
    display(Markdown(f"**{tables['note']}**"))

# %% [markdown]
# ## The taxonomy and each theme's size in this corpus
# One row per theme in the order of `themes.csv` (the order also fixes each theme's colour
# in every chart). `size` counts paragraphs, `share` is of all themed paragraphs,
# `mean_score` the mean confidence.

# %%
display(themes.drop(columns=["seed_terms"], errors="ignore"))
sizes = themes.set_index("name_zh")["size"] if len(themes) else pd.Series(dtype=int)
fig = charts.plot_barh(
    sizes[sizes > 0], "各主题的段落数", "段落数（段）", note_if_empty="没有主题段落", colors=colors
)
charts.save_fig(fig, "03_theme_sizes", figures_dir, caption=caption)

# %% [markdown]
# ## Example paragraphs (highest score, different documents first)

# %%
examples = tables["theme_examples"]
for theme, grp in examples.groupby("theme", sort=False):
    display(Markdown(f"### {theme}"))
    for row in grp.itertuples():
        display(
            Markdown(
                f"- `{row.doc_id}` #{row.para_id} (score {row.theme_score:.2f}): "
                f"{str(row.text)[:160]}"
            )
        )
if examples.empty:
    display(Markdown("_No example paragraph._"))

# %% [markdown]
# ## Document × theme
# Each row sums to 100 %: the share of the document's themed text in each theme.

# %%
shares = report.doc_topic_percent(tables["doc_topics"], themes)
fig = charts.plot_heatmap(
    shares,
    "文档 × 主题（占比）",
    "主题",
    "文档",
    "占文档正文比例（%）",
    note_if_empty="没有文档主题分布",
)
charts.save_fig(fig, "03_doc_theme_heatmap", figures_dir, caption=caption)

# %% [markdown]
# ## Quality against hand labels (stored, from `bench/eval_topics.py`)
# NMI, accuracy and macro F1 of the guided themes, of the label-free NMF k-sweep used
# before themes, and of two plain baselines (TF-IDF+KMeans and NMF on default jieba
# tokens), on the labelled seed paragraphs and on labelled real report pages. Clusters
# have no names: their accuracy and F1 use each cluster's majority label, which flatters
# them. These numbers describe the model, not this corpus.

# %%
quality, per_theme = report.load_theme_quality()
display(quality if len(quality) else Markdown("_No stored quality figures._"))
display(per_theme if len(per_theme) else Markdown("_No per-theme F1._"))
system_names = {
    "guided themes": "主题模型",
    "nmf_sweep": "旧 NMF k 扫描",
    "tfidf_kmeans": "TF-IDF+KMeans",
    "plain_nmf": "NMF（默认分词）",
}
corpus_names = {"seeds": "种子", "real pages": "真实网页"}
measures = {"nmi": "NMI", "accuracy": "准确率"}
table = (
    quality.assign(system=quality["system"].map(system_names)).pivot_table(
        index="system", columns="corpus", values=list(measures), sort=False
    )
    if len(quality)
    else pd.DataFrame()
)
if len(table):
    table.columns = [f"{measures[m]}（{corpus_names.get(c, c)}）" for m, c in table.columns]
    table = table.reindex([n for n in system_names.values() if n in table.index])
fig = charts.plot_grouped_bars(
    table,
    "主题质量：主题模型 vs 旧方法与基线",
    "分数（0…1）",
    highlight="主题模型",
    note_if_empty="没有存储的质量结果（运行 bench/eval_topics.py）",
)
charts.save_fig(fig, "03_theme_quality_vs_baselines", figures_dir, caption=caption)

# %% [markdown]
# ## Candidate new themes (discovery)
# Paragraphs that fit no theme well (其他 or a low score), clustered with NMF on a seeded
# sample; k is chosen without labels from the sweep below. Each candidate shows its top
# terms and example paragraphs; site furniture words never name one. To adopt a candidate,
# add a row (or seed words) to `themes.csv` and re-run `make data`.

# %%
cands = tables["theme_candidates"]
if len(cands):
    summary = cands.drop_duplicates("candidate_id")[
        ["candidate_id", "label", "size", "n_docs", "near_theme", "top_terms"]
    ]
    display(summary)
    for cid, grp in cands.groupby("candidate_id"):
        display(Markdown(f"### 候选 {cid}: {grp['label'].iloc[0]}"))
        for row in grp.itertuples():
            display(Markdown(f"- `{row.doc_id}` #{row.para_id}: {str(row.text)[:160]}"))
else:
    display(Markdown("_No candidate theme: too few paragraphs fit no theme._"))
sweep = tables["sweep"]
chosen = sweep.loc[sweep["chosen"].astype(bool), "k"] if "chosen" in sweep else []
fig = charts.plot_sweep(
    sweep,
    int(chosen.iloc[0]) if len(chosen) else None,
    report.SWEEP_LABELS,
    "候选主题聚类数 k 的选择",
    note_if_empty="没有候选主题扫描（不确定的段落太少）",
)
charts.save_fig(fig, "03_discovery_k_sweep", figures_dir, caption=caption)
