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
# # 03 · 主题聚类 Cluster topics
#
# What the reader sees: how the number of topics k was chosen (the sweep over k and two
# methods, with coherence, diversity, silhouette and stability across seeds), each topic's
# terms and its most representative paragraphs, and how much of each document each topic
# takes (share of the document's clustered characters).
#
# Watch out: topics are clusters of paragraphs, labelled by their top three terms; a label
# is a hint, read the representative paragraphs. Boilerplate, duplicate and very short
# paragraphs are not clustered (topic -1). Pass `k` to fix the number of topics; then the
# clustering is run here with `seed`.

# %% tags=["parameters"]
from helpers import paths

raw_dir = str(paths.RAW_DIR)
processed_dir = str(paths.PROCESSED_DIR)
figures_dir = str(paths.FIGURES_DIR)
seed = 0
k = None
baseline_seeds = 2  # runs per system in the baseline comparison (bench/eval_topics.py uses 5)

# %%
import pandas as pd
from IPython.display import Markdown, display

from helpers import charts, report
from helpers.tables import load_table

charts.setup_cjk_font()
pd.set_option("display.max_colwidth", 120)
paragraphs = report.load_optional_table(processed_dir, "paragraphs")
caption = report.source_caption(load_table(processed_dir, "documents"), raw_dir)
result = report.load_topic_tables(processed_dir, paragraphs, k=k, seed=seed)
topics, doc_topics, sweep = result["topics"], result["doc_topics"], result["sweep"]
if result["note"]:
    display(Markdown(f"**{result['note']}**"))
print(f"source: {result['source'] or '-'}; chosen: {result['chosen']}")

# %% [markdown]
# ## Choosing k: the sweep
# One line per method; the dashed line marks the chosen k. Higher is better for every
# panel; stability (ARI between seeds) below 0.8 means the clusters change with the seed.

# %%
display(sweep)
fig = charts.plot_sweep(
    sweep,
    result["chosen"].get("k"),
    report.SWEEP_LABELS,
    "主题数 k 的选择",
    note_if_empty="没有主题数扫描结果（语料太小或未保存）",
)
charts.save_fig(fig, "03_topic_k_sweep", figures_dir, caption=caption)

# %% [markdown]
# ## Topics: terms, size and quality
# `coherence_npmi` is computed over this corpus (−1…1, higher = terms co-occur more).

# %%
display(topics if len(topics) else Markdown("_No topic._"))
labels = report.topic_labels(topics)
sizes = (
    topics.assign(name=topics["topic_id"].map(labels)).set_index("name")["size"]
    if len(topics)
    else pd.Series(dtype=int)
)
fig = charts.plot_barh(sizes, "各主题的段落数", "段落数（段）", note_if_empty="没有主题")
charts.save_fig(fig, "03_topic_sizes", figures_dir, caption=caption)

# %% [markdown]
# ## Representative paragraphs (highest topic score, different documents first)

# %%
reps = result["representatives"]
if len(reps):
    for tid, grp in reps.groupby("topic_id"):
        display(Markdown(f"### {labels.get(int(tid), tid)}"))
        for row in grp.itertuples():
            display(
                Markdown(
                    f"- `{row.doc_id}` #{row.para_id} (score {row.topic_score:.2f}): "
                    f"{str(row.text)[:160]}"
                )
            )
else:
    display(Markdown("_No representative paragraph._"))

# %% [markdown]
# ## Quality against the baselines
# NMI and ARI against the hand-labelled sample (`bench/gold_topics.csv`, matched to these
# paragraphs by raw offsets) for this project's two methods and the plain baselines
# (default jieba, no stop words, TF-IDF+KMeans and LDA), all at the chosen k on the same
# paragraphs; stability is the mean ARI between `baseline_seeds` runs with different seeds
# (kept small here for speed; `make bench` reports 5 seeds). On reports nobody has labelled
# there is no gold: the note says so.

# %%
quality, quality_note = report.load_baseline_comparison(
    paragraphs, result["chosen"], seed=seed, n_seeds=baseline_seeds
)
display(quality if len(quality) else Markdown(f"_{quality_note}_"))
chosen_label = report.SYSTEM_LABELS.get(result["chosen"].get("method"))
fig = charts.plot_grouped_bars(
    quality.assign(system=quality["system"].map(report.SYSTEM_LABELS))
    .set_index("system")[["nmi", "ari", "stability_ari"]]
    .rename(columns={"nmi": "NMI", "ari": "ARI", "stability_ari": "稳定性 ARI"}),
    "主题质量：本项目方法 vs 基线",
    "分数（0…1）",
    highlight=chosen_label,
    note_if_empty=quality_note or "没有比较结果",
)
charts.save_fig(fig, "03_topic_quality_vs_baselines", figures_dir, caption=caption)

# %% [markdown]
# ## Document × topic
# Each row sums to 100 %: the share of the document's clustered text in each topic.

# %%
shares = report.doc_topic_percent(doc_topics, topics)
fig = charts.plot_heatmap(
    shares,
    "文档 × 主题（占比）",
    "主题",
    "文档",
    "占文档正文比例（%）",
    note_if_empty="没有文档主题分布",
)
charts.save_fig(fig, "03_doc_topic_heatmap", figures_dir, caption=caption)
