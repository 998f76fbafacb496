"""Toolkit for Chinese education work reports: load, clean, segment, extract figures, themes.

Modules, one per stage (see README "Architecture"):
    paths       every project path, derived from the package location
    load        read raw .txt files, decode, describe documents
    aligned     text that remembers where each character came from in the raw file
    normalize   script conversion and repairs, offset-preserving
    boilerplate web-junk detection at line/block level
    segment     articles, duplicates, sections, paragraphs, sentences
    numbers     Chinese/Arabic number parsing
    figures     labelled figures (funding, enrollment, exam, other)
    themes      the theme taxonomy (resources/themes.csv), per-paragraph themes, discovery
    topics      tokenising and topic clustering (building blocks of discovery)
    script      Traditional/Simplified measurement and OpenCC t2s conversion
    quality     the quality log (everything skipped, repaired or flagged)
    tables      atomic CSV + Parquet writing and reading of the output tables
    parallel    per-document map: serial, worker processes or a Dask cluster
    cache       per-document results cached by content hash and code version
    jieba_cache jieba tokenizers whose cache lives in the project cache folder
    charts      save_fig and chart helpers with a checked CJK font
    report      summary tables the notebooks show
    notebooks   executes the numbered notebooks with papermill
    pipeline    the command line entry point that writes data/processed
"""

__version__ = "0.1.0"
