"""Toolkit for Chinese education work reports: load, clean, segment, extract figures, topics.

Modules, one per stage (see README "Architecture"):
    paths       every project path, derived from the package location
    load        read raw .txt files, decode, describe documents
    aligned     text that remembers where each character came from in the raw file
    normalize   script conversion and repairs, offset-preserving
    boilerplate web-junk detection at line/block level
    segment     articles, duplicates, sections, paragraphs, sentences
    numbers     Chinese/Arabic number parsing
    figures     labelled figures (funding, enrollment, exam, other)
    topics      tokenising and topic clustering
    charts      save_fig and chart helpers with a checked CJK font
    pipeline    the command line entry point that writes data/processed
"""

__version__ = "0.1.0"
