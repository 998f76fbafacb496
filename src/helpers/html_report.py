"""The HTML report of a run: one self-contained page an analyst can mail to a colleague.

``reports/report.html`` (``reports/runs/NAME/report.html`` for ``RAW=``) shows the corpus and
what cleaning did, the report cards and indicators, the charts (PNG embedded as data URIs,
so the file reads offline), the themes with example paragraphs, every figure with its source
sentence, and the quality measured in ``bench/`` (``bench/quality_summary.csv``). It holds no
code and runs no script.

Every string that comes from a raw file goes through Jinja2's autoescaping, and the page's
Content-Security-Policy allows no script at all, so a raw line such as ``<script>…`` or
``<img onerror=…>`` is shown as text. A table this run did not produce (an older pipeline or
a stage that was skipped) gives a visible "not available in this run" note, not an error.
"""

from __future__ import annotations

import base64
import io
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from . import paths
from .tables import save_text

REPORT_NAME = "report.html"
TEMPLATE_NAME = "report.html.j2"
QUALITY_SUMMARY_PATH = paths.PROJECT_ROOT / "bench" / "quality_summary.csv"
# Tables the report reads; any of them may be missing from a run.
REPORT_TABLES = (
    "documents",
    "articles",
    "paragraphs",
    "figures",
    "indicators",
    "themes",
    "theme_examples",
    "theme_candidates",
    "quality_log",
)
NOT_AVAILABLE = "not available in this run"
_DATA_URI = re.compile(r"data:[a-z/+-]+;base64,[A-Za-z0-9+/=]+")
MAX_FIGURE_ROWS = 2000
MAX_CARD_ROWS = 200
EXAMPLES_PER_THEME = 3
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EXAMPLE_CHARS = 220


def load_report_tables(processed_dir: Path) -> dict[str, pd.DataFrame | None]:
    """Every table of :data:`REPORT_TABLES` found in ``processed_dir`` (``None`` if absent)."""
    out: dict[str, pd.DataFrame | None] = {}
    for name in REPORT_TABLES:
        path = Path(processed_dir) / f"{name}.parquet"
        out[name] = pd.read_parquet(path) if path.exists() else None
    return out


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height of a PNG from its header, or (0, 0) when it is not a PNG.

    >>> png_size(b"\\x89PNG\\r\\n\\x1a\\n" + b"\\x00\\x00\\x00\\rIHDR" + (640).to_bytes(4, "big")
    ...          + (480).to_bytes(4, "big"))
    (640, 480)
    """
    if len(data) < 24 or not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return 0, 0
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def load_chart_images(figures_dir: Path) -> list[dict]:
    """The run's PNG charts as data URIs (the exported bytes, not re-encoded).

    Returns:
        ``[{"name", "src", "width", "height"}, …]`` in file-name order (01_… before 02_…);
        files that are not PNG are left out; an empty list when the folder holds none.
    """
    charts = []
    for png in sorted(Path(figures_dir).glob("*.png")):
        data = png.read_bytes()
        width, height = png_size(data)
        if not width:
            continue
        src = "data:image/png;base64," + base64.b64encode(data).decode("ascii")
        charts.append({"name": png.stem, "src": src, "width": width, "height": height})
    return charts


def load_font_subset(text: str, font_path: Path | None = None) -> str:
    """The CJK font cut down to the characters of ``text``, as a ``data:font/woff`` URI.

    Embedding it keeps the page readable on machines without any Chinese font (a fresh
    Linux, a CI runner): the browser never falls back to empty boxes. The subset holds only
    the page's own characters (a few hundred kB instead of 16 MB).

    Args:
        text: every character the page shows.
        font_path: an OpenType font; default the one the charts use (pinned ``mplfonts``).

    Returns:
        The data URI, or ``""`` when no font file is found (the page then uses system fonts).
    """
    from fontTools import subset

    from .charts import find_cjk_font_files

    if font_path is None:
        candidates = find_cjk_font_files()
        if not candidates:
            return ""
        font_path = candidates[0]
    options = subset.Options()
    options.flavor = "woff"
    font = subset.load_font(str(font_path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, options)
    return "data:font/woff;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def page_characters(html: str) -> str:
    """The characters a rendered page shows (embedded data URIs left out), each once.

    >>> page_characters('<p>教育</p><img src="data:image/png;base64,QUJD">')
    ' "/<=>cgimprs教育'
    """
    return "".join(sorted(set(_DATA_URI.sub("", html))))


def load_quality_summary(path: Path = QUALITY_SUMMARY_PATH) -> pd.DataFrame | None:
    """``bench/quality_summary.csv`` (area, measure, corpus, value, note), or None if absent."""
    path = Path(path)
    if not path.exists():
        return None
    return pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")


def _records(df: pd.DataFrame) -> list[dict]:
    """Rows as dicts with blanks instead of NaN/NA (templates print them as they are)."""
    clean = df.astype(object).where(df.notna(), "")
    return clean.to_dict("records")


def format_number(value: object) -> str:
    """A value as an analyst reads it: thousands separators, at most 2 decimals.

    >>> format_number(1640000000.0), format_number(99.8), format_number(None)
    ('1,640,000,000', '99.8', '')
    """
    if value is None or value == "" or (isinstance(value, float) and pd.isna(value)):
        return ""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def format_year(value: object) -> str:
    """A year as written, without thousands separator; blank when missing.

    >>> format_year(2019.0), format_year(None), format_year("")
    ('2019', '', '')
    """
    try:
        return str(int(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""


def article_labels(articles: pd.DataFrame | None) -> dict[tuple[str, int], str]:
    """``(doc_id, article_id)`` -> the label charts use: ``short_name`` when the run has it.

    >>> article_labels(pd.DataFrame({"doc_id": ["001"], "article_id": [0],
    ...                              "short_name": ["平山县教育局 2019"]}))
    {('001', 0): '平山县教育局 2019'}
    """
    if articles is None or not len(articles):
        return {}
    names = articles["short_name"] if "short_name" in articles.columns else None
    out = {}
    for i, row in enumerate(articles[["doc_id", "article_id"]].itertuples(index=False)):
        name = names.iloc[i] if names is not None else ""
        out[(str(row.doc_id), int(row.article_id))] = str(name) if pd.notna(name) and name else ""
    return out


def label_of(labels: Mapping[tuple[str, int], str], doc_id: object, article_id: object) -> str:
    """Short name of an article, else ``doc_id:article_id``.

    >>> label_of({}, "002", 3)
    '002:3'
    """
    try:
        key = (str(doc_id), int(article_id))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return str(doc_id)
    return labels.get(key) or f"{doc_id}:{article_id}"


def summarize_corpus(documents: pd.DataFrame | None, paragraphs: pd.DataFrame | None) -> dict:
    """Counts for the report's first section: files, characters, articles, paragraphs.

    >>> summarize_corpus(pd.DataFrame({"status": ["ok", "skipped"], "n_chars": [10, 0]}), None)["n_files"]
    2
    """
    docs = documents if documents is not None else pd.DataFrame()
    facts = {
        "n_files": len(docs),
        "n_ok": int((docs.get("status", pd.Series(dtype=str)) == "ok").sum()),
        "n_chars": int(docs["n_chars"].sum()) if "n_chars" in docs else 0,
        "n_articles": int(docs["n_articles"].sum()) if "n_articles" in docs else 0,
        "n_figures": int(docs["n_figures"].sum()) if "n_figures" in docs else 0,
    }
    if paragraphs is not None and len(paragraphs):
        content = ~(
            paragraphs["is_boilerplate"].astype(bool) | paragraphs["is_duplicate"].astype(bool)
        )
        facts.update(
            n_paragraphs=len(paragraphs),
            n_boilerplate=int(paragraphs["is_boilerplate"].astype(bool).sum()),
            n_duplicate=int(paragraphs["is_duplicate"].astype(bool).sum()),
            n_content_chars=int(paragraphs.loc[content, "n_chars"].sum()),
        )
    return facts


DOCUMENT_COLUMNS = [
    ("doc_id", "文件"),
    ("status", "状态"),
    ("skip_reason", "跳过原因"),
    ("encoding", "编码"),
    ("script", "字形"),
    ("n_chars", "字符"),
    ("n_articles", "文章"),
    ("n_paragraphs", "段落"),
    ("n_boilerplate_paragraphs", "网页杂项"),
    ("n_duplicate_paragraphs", "重复"),
    ("n_figures", "数据"),
]


def document_rows(documents: pd.DataFrame | None) -> tuple[list[tuple[str, str]], list[list[str]]]:
    """Header and rows of the per-file table (only the columns this run has)."""
    if documents is None:
        return [], []
    cols = [(c, zh) for c, zh in DOCUMENT_COLUMNS if c in documents.columns]
    rows = [
        [format_number(v) if isinstance(v, int | float) else str(v) for v in rec]
        for rec in documents[[c for c, _ in cols]].astype(object).fillna("").values.tolist()
    ]
    return cols, rows


def cleaning_counts(
    documents: pd.DataFrame | None, paragraphs: pd.DataFrame | None
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """Repairs summed over the corpus, and boilerplate paragraphs by kind (largest first).

    >>> cleaning_counts(pd.DataFrame({"repair_t2s": [3, 4], "repair_url": [0, 0]}), None)
    ([('t2s', 7), ('url', 0)], [])
    """
    repairs = []
    if documents is not None:
        cols = [c for c in documents.columns if c.startswith("repair_")]
        repairs = [(c.removeprefix("repair_"), int(documents[c].sum())) for c in cols]
        repairs.sort(key=lambda kv: (-kv[1], kv[0]))
    kinds: list[tuple[str, int]] = []
    if paragraphs is not None and "boilerplate_kind" in paragraphs.columns and len(paragraphs):
        flagged = paragraphs.loc[paragraphs["is_boilerplate"].astype(bool), "boilerplate_kind"]
        counts = flagged.fillna("").astype(str).value_counts()
        kinds = sorted(
            ((str(k), int(n)) for k, n in counts.items()), key=lambda kv: (-kv[1], kv[0])
        )
    return repairs, kinds


CARD_COLUMNS = ["short_name", "title", "issuer", "level", "region", "year", "period", "kind"]


def report_cards(articles: pd.DataFrame | None) -> tuple[list[str], list[list[str]], str]:
    """Report metadata per article (non-duplicate), or a note when the run has none.

    Returns:
        ``(columns, rows, note)``; ``note`` is empty when rows are shown.
    """
    if articles is None:
        return [], [], f"articles: {NOT_AVAILABLE}"
    cols = [c for c in CARD_COLUMNS if c in articles.columns]
    if "issuer" not in cols and "level" not in cols:
        return [], [], f"report metadata (issuer, level, region, year, kind): {NOT_AVAILABLE}"
    keep = articles
    if "is_duplicate" in keep.columns:
        keep = keep.loc[~keep["is_duplicate"].astype(bool)]
    shown = ["doc_id", "article_id", *cols]
    rows = [
        [format_year(v) if c == "year" else str(v) for c, v in zip(shown, rec, strict=True)]
        for rec in keep[shown].head(MAX_CARD_ROWS).astype(object).fillna("").values.tolist()
    ]
    note = "" if len(keep) <= MAX_CARD_ROWS else f"first {MAX_CARD_ROWS} of {len(keep)} reports"
    return shown, rows, note


def indicator_rows(
    indicators: pd.DataFrame | None, labels: Mapping[tuple[str, int], str]
) -> tuple[list[list[str]], str]:
    """Indicators as ``[report, indicator, value, unit, year, stage, conflict]`` rows."""
    if indicators is None:
        return [], f"indicators: {NOT_AVAILABLE}"
    rows = []
    for rec in _records(indicators.head(MAX_FIGURE_ROWS)):
        report = rec.get("short_name") or label_of(labels, rec.get("doc_id"), rec.get("article_id"))
        conflict = rec.get("conflict", "")
        rows.append(
            [
                str(report),
                str(rec.get("indicator", "")),
                format_number(rec.get("value")),
                str(rec.get("unit", "")),
                format_year(rec.get("year")),
                str(rec.get("stage", "")),
                "⚠" if conflict not in ("", False, 0, "False") else "",
            ]
        )
    note = "" if len(indicators) else "no indicator found in this corpus"
    if len(indicators) > MAX_FIGURE_ROWS:
        note = f"first {MAX_FIGURE_ROWS} of {len(indicators)} rows; all in the workbook"
    return rows, note


def split_sentence(sentence: str, raw_text: str) -> tuple[str, str, str]:
    """Cut a sentence around the figure's own text, so the page can highlight it.

    >>> split_sentence("投入55.57万元用于维修", "55.57万元")
    ('投入', '55.57万元', '用于维修')
    >>> split_sentence("共计1万元", "壹万")
    ('共计1万元', '', '')
    """
    pos = sentence.find(raw_text) if raw_text else -1
    if pos < 0:
        return sentence, "", ""
    return sentence[:pos], raw_text, sentence[pos + len(raw_text) :]


def figure_rows(
    figures: pd.DataFrame | None, labels: Mapping[tuple[str, int], str]
) -> tuple[list[dict], str]:
    """One dict per figure (report, family, metric, value…, sentence split for highlighting)."""
    if figures is None:
        return [], f"figures: {NOT_AVAILABLE}"
    rows = []
    for rec in _records(figures.head(MAX_FIGURE_ROWS)):
        before, mark, after = split_sentence(
            str(rec.get("sentence", "")), str(rec.get("raw_text", ""))
        )
        rows.append(
            {
                "report": label_of(labels, rec.get("doc_id"), rec.get("article_id")),
                "family": str(rec.get("family", "")),
                "metric": str(rec.get("metric", "")),
                "stage": str(rec.get("stage", "")),
                "value": format_number(rec.get("value")),
                "unit": str(rec.get("unit", "")),
                "year": format_year(rec.get("year")),
                "flags": str(rec.get("flags", "")).replace(";", "; "),
                "before": before,
                "mark": mark,
                "after": after,
            }
        )
    note = "" if len(figures) else "no figure found in this corpus"
    if len(figures) > MAX_FIGURE_ROWS:
        note = f"first {MAX_FIGURE_ROWS} of {len(figures)} figures; all in the workbook"
    return rows, note


def _shorten(text: str, limit: int = EXAMPLE_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def theme_sections(tables: Mapping[str, pd.DataFrame | None]) -> tuple[list[dict], str]:
    """Themes (``themes`` with ``theme_examples`` or ``paragraphs.theme_id``), else a note.

    Returns:
        ``([{"name", "detail", "size", "share", "examples": [text, …]}, …], note)``.
    """
    themes, paras = tables.get("themes"), tables.get("paragraphs")
    if themes is not None and "theme_id" in themes.columns:
        return _themes_from_taxonomy(themes, tables.get("theme_examples"), paras), ""
    return [], f"themes: {NOT_AVAILABLE}"


def theme_example_texts(
    theme_id: str, examples: pd.DataFrame | None, paras: pd.DataFrame | None
) -> list[str]:
    """Example paragraphs of one theme: the stored ``theme_examples``, else the best-scored.

    >>> ex = pd.DataFrame({"theme_id": ["a", "a", "b"], "rank": [1, 0, 0],
    ...                    "text": ["二", "一", "三"]})
    >>> theme_example_texts("a", ex, None)
    ['一', '二']
    """
    if examples is not None and {"theme_id", "text"} <= set(examples.columns):
        mine = examples.loc[examples["theme_id"].astype(str) == theme_id]
        if "rank" in mine.columns:
            mine = mine.sort_values("rank", kind="stable")
        return [_shorten(str(t)) for t in mine["text"].head(EXAMPLES_PER_THEME)]
    if paras is None:
        return []
    key = "theme_id" if "theme_id" in paras.columns else "theme"
    if key not in paras.columns:
        return []
    mine = paras.loc[paras[key].astype(str) == theme_id]
    if "theme_score" in mine.columns:
        mine = mine.sort_values("theme_score", ascending=False, kind="stable")
    return [_shorten(str(t)) for t in mine["text"].head(EXAMPLES_PER_THEME)]


def _themes_from_taxonomy(
    themes: pd.DataFrame, examples: pd.DataFrame | None, paras: pd.DataFrame | None
) -> list[dict]:
    out = []
    for rec in _records(themes):
        tid = str(rec.get("theme_id"))
        name = rec.get("name_zh") or rec.get("name") or tid
        out.append(
            {
                "name": str(name),
                "detail": str(rec.get("description") or rec.get("name_en") or ""),
                "size": format_number(rec.get("size", "")),
                "share": _percent(rec.get("share")),
                "examples": theme_example_texts(tid, examples, paras),
            }
        )
    return out


def candidate_rows(candidates: pd.DataFrame | None) -> list[dict]:
    """Candidate new themes (discovery): label, top terms, size and one example each.

    >>> candidate_rows(pd.DataFrame({"candidate_id": [0, 0], "label": ["新主题", "新主题"],
    ...     "top_terms": ["甲、乙", "甲、乙"], "size": [5, 5], "text": ["例一", "例二"]}))
    [{'label': '新主题', 'terms': '甲、乙', 'size': '5', 'example': '例一'}]
    """
    if candidates is None or not len(candidates) or "candidate_id" not in candidates.columns:
        return []
    out = []
    for _, group in candidates.groupby("candidate_id", sort=True):
        first = _records(group.head(1))[0]
        out.append(
            {
                "label": str(first.get("label", "")),
                "terms": str(first.get("top_terms", "")),
                "size": format_number(first.get("size", "")),
                "example": _shorten(str(first.get("text", ""))),
            }
        )
    return out


def _percent(value: object) -> str:
    try:
        return f"{float(value):.1%}"  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return ""


def quality_rows(quality: pd.DataFrame | None) -> tuple[list[str], list[list[str]], str]:
    """The bench quality numbers as a table, or a note when the summary file is missing."""
    if quality is None:
        return [], [], f"bench/quality_summary.csv: {NOT_AVAILABLE}"
    cols = list(quality.columns)
    return cols, quality.astype(str).values.tolist(), ""


def build_report_context(
    tables: Mapping[str, pd.DataFrame | None],
    charts: list[dict],
    quality: pd.DataFrame | None,
    run_name: str = "",
) -> dict:
    """Everything the template shows, as plain strings and lists (pure: no disk access)."""
    labels = article_labels(tables.get("articles"))
    doc_cols, doc_rows = document_rows(tables.get("documents"))
    repairs, kinds = cleaning_counts(tables.get("documents"), tables.get("paragraphs"))
    card_cols, card_rows, card_note = report_cards(tables.get("articles"))
    ind_rows, ind_note = indicator_rows(tables.get("indicators"), labels)
    fig_rows, fig_note = figure_rows(tables.get("figures"), labels)
    themes, theme_note = theme_sections(tables)
    q_cols, q_rows, q_note = quality_rows(quality)
    return {
        "run_name": run_name or "默认语料 (data/raw)",
        "corpus": summarize_corpus(tables.get("documents"), tables.get("paragraphs")),
        "doc_cols": doc_cols,
        "doc_rows": doc_rows,
        "repairs": repairs,
        "boilerplate_kinds": kinds,
        "card_cols": card_cols,
        "card_rows": card_rows,
        "card_note": card_note,
        "indicator_rows": ind_rows,
        "indicator_note": ind_note,
        "charts": charts,
        "chart_note": "" if charts else f"charts: {NOT_AVAILABLE} (run `make notebooks`)",
        "themes": themes,
        "theme_note": theme_note,
        "candidates": candidate_rows(tables.get("theme_candidates")),
        "figure_rows": fig_rows,
        "figure_note": fig_note,
        "quality_cols": q_cols,
        "quality_rows": q_rows,
        "quality_note": q_note,
    }


def render_report(context: Mapping[str, object], font_src: str = "") -> str:
    """The HTML page for ``context``; every value is autoescaped by Jinja2.

    Args:
        font_src: optional ``data:font/woff`` URI of the CJK font (:func:`load_font_subset`).
    """
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("helpers", "templates"),
        autoescape=True,  # not select_autoescape: the template's .j2 suffix must not matter
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = format_number
    return env.get_template(TEMPLATE_NAME).render(**context, font_src=font_src)


def save_report(html: str, path: Path) -> Path:
    """Write the report atomically (UTF-8)."""
    return save_text(html, Path(path))
