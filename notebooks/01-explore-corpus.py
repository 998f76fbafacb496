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
# # 01 · 语料概览 Explore the corpus
#
# What the reader sees: which files were read (encoding, script, size), how many articles
# each file holds, what the cleaning set aside per document (junk by kind, spam lines kept
# for inspection), and the words that characterise each report. Run `make data` first (or `make run`); the tables come from `processed_dir`.
#
# Watch out: scraped files often bundle several unrelated articles and web junk; a file's
# size says little about how much report text it has — look at the "正文（保留）" bar.

# %% tags=["parameters"]
from helpers import paths

raw_dir = str(paths.RAW_DIR)
processed_dir = str(paths.PROCESSED_DIR)
figures_dir = str(paths.FIGURES_DIR)
seed = 0
k = None

# %%
import pandas as pd
from IPython.display import Markdown, display

from helpers import charts, report
from helpers.tables import load_table

charts.setup_cjk_font()
pd.set_option("display.max_colwidth", 80)
documents = load_table(processed_dir, "documents")
caption = report.source_caption(documents, raw_dir)
articles = report.load_optional_table(processed_dir, "articles")
paragraphs = report.load_optional_table(processed_dir, "paragraphs")
quality_log = report.load_optional_table(processed_dir, "quality_log")
print(f"{len(documents)} documents, {len(articles)} articles, {len(paragraphs)} paragraphs")

# %% [markdown]
# ## Documents: encoding, script, size
# `trad_share` is the share of Traditional-only characters before conversion; files that
# were skipped (unreadable, binary) are listed with their reason, never silently dropped.

# %%
doc_summary = report.summarize_documents(documents, articles, paragraphs)
display(doc_summary)
skipped = documents[documents["skip_reason"].fillna("") != ""]
if len(skipped):
    display(Markdown(f"**{len(skipped)} file(s) skipped:**"))
    display(skipped[["doc_id", "path", "skip_reason"]])

# %%
fig = charts.plot_barh(
    doc_summary.set_index("doc_id")["n_articles"],
    "每个文件中的文章数",
    "文章数（篇）",
    note_if_empty="尚无文章切分结果（articles 表为空）",
)
charts.save_fig(fig, "01_articles_per_document", figures_dir, caption=caption)

# %% [markdown]
# ## What cleaning removed, per document
# Raw characters of each file: kept report text, characters repairs deleted inside kept
# paragraphs (pinyin glosses like `學(xué)`, stray spaces, spliced share bars), web junk
# (breadcrumbs, footers, editor blurbs, link lists), repeated articles/blocks, and
# characters outside any paragraph (blank lines, markup). The parts add up to the file's
# length. Junk and duplicates are flagged, not deleted: they stay in the paragraphs table.

# %%
removed = report.removed_per_document(documents, paragraphs) if len(paragraphs) else pd.DataFrame()
display(removed)
fig = charts.plot_stacked_barh(
    removed,
    "清洗去除了什么（按文档）",
    "字符数（原文字符）",
    note_if_empty="尚无段落表：运行 make data 后再看清洗结果",
)
charts.save_fig(fig, "01_cleaning_removed_per_document", figures_dir, caption=caption)

# %% [markdown]
# ## Junk by kind, per document
# Every flagged line per document and kind: site furniture (breadcrumbs, footers, date lines),
# document-site furniture (paywalls, file fields, `本文共N字`), and spam that hacked or
# mirrored pages carry (pornographic or gambling headers, SEO spider-pool lists of place
# names, link farms). Nothing is deleted: the spam lines are listed below with their
# `junk_score` (share of the line the spam vocabulary covers) and raw span, for inspection.

# %%
junk = report.junk_by_kind(paragraphs)
display(junk if len(junk) else Markdown("_No paragraph table yet._"))
spam = report.spam_lines(paragraphs)
display(spam if len(spam) else Markdown("_No spam or document-site line in this corpus._"))

# %% [markdown]
# Repairs the cleaning made (pinyin glosses, mojibake, placeholders …), from the quality log:

# %%
repairs = report.repairs_per_document(quality_log)
display(repairs if len(repairs) else Markdown("_The quality log records no repair._"))

# %% [markdown]
# ## Keywords per document and most frequent terms
# Tokens come from the project tokenizer (jieba with the education dictionary and the
# report stop-word list), over paragraphs that are neither junk nor duplicates.
# TF-IDF treats each document as one unit, so words every report uses (教育, 学校) rank low.

# %%
from helpers.topics import tokenize

keywords = (
    report.keywords_per_document(paragraphs, tokenize, n=10) if len(paragraphs) else pd.DataFrame()
)
display(keywords if len(keywords) else Markdown("_No paragraph text yet: no keywords._"))

# %%
texts = report.analysis_paragraphs(paragraphs)["text"].astype(str) if len(paragraphs) else []
terms = report.count_terms(texts, tokenize, n=25)
fig = charts.plot_barh(
    terms, "全语料高频词（前 25）", "出现次数（次）", note_if_empty="没有可分词的正文段落"
)
charts.save_fig(fig, "01_top_terms", figures_dir, caption=caption)
