"""Canonical indicators per report, and the comparison tables notebook 05 draws.

``indicators``: one row per report (article) and canonical indicator (学前三年毛入园率,
高考本科上线人数, 教育经费总投入, 生均公用经费 by stage …): the value chosen to represent that
report, its unit, year and stage, the ``figures`` row(s) it comes from, how many candidates
there were, and a ``conflict`` flag when the report states it twice with different values
(every distinct value is kept in ``conflict_values``). The list and each indicator's rule
(metrics, stages, units, keywords, levels only) is ``resources/indicators.csv``.

A chosen value is always one stated figure: parts of a total are never added to it, and a
part (``part_of_total``) is only used when the report states no total.

Example:
    >>> figs = pd.DataFrame([dict(doc_id="d", article_id=0, para_id=1, family="enrollment",
    ...     metric="入学率", stage="小学", value=99.8, unit="%", approx="", is_change=False,
    ...     planned=False, per_capita=False, year=None, raw_start=5, raw_end=10,
    ...     raw_text="99.8%", sentence="小学入学率99.8%", flags="")])
    >>> arts = pd.DataFrame([dict(doc_id="d", article_id=0, short_name="某县 2020", year=2020)])
    >>> build_indicators(figs, arts)[["indicator", "value", "unit", "year"]].values.tolist()
    [['小学净入学率', 99.8, '%', 2020]]
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from .metadata import LEVEL_LABELS, LEVELS
from .paths import resource_path

INDICATOR_COLUMNS = [
    "doc_id",
    "article_id",
    "short_name",
    "level",
    "indicator_id",
    "indicator",
    "family",
    "stage",
    "value",
    "unit",
    "year",
    "approx",
    "metric",
    "n_candidates",
    "conflict",
    "conflict_values",
    "source_para_ids",
    "source_spans",
    "raw_text",
]
NO_STAGE = "-"
STAGE_UNSTATED = "未注明"
REPORT_KEYS = ["doc_id", "article_id"]


@dataclass(frozen=True)
class IndicatorRule:
    """One row of ``indicators.csv``."""

    indicator_id: str
    indicator: str
    families: tuple[str, ...]  # empty: any family
    metrics: tuple[str, ...]  # empty: any metric
    stages: tuple[str, ...]  # empty: any stage; "-" is "no stage stated"
    by_stage: bool
    units: tuple[str, ...]
    per_capita: str  # "no", "yes" or "any"
    keywords: re.Pattern | None
    keywords_required: bool
    pick: str  # "first" or "max"


def _split(value: str) -> tuple[str, ...]:
    return tuple(v.strip() for v in value.split(";") if v.strip() and v.strip() != "*")


@lru_cache(maxsize=4)
def load_indicator_rules(path: Path | None = None) -> tuple[IndicatorRule, ...]:
    """Read the indicator list (default ``resources/indicators.csv``)."""
    text = Path(path or resource_path("indicators.csv")).read_text(encoding="utf-8")
    rows = csv.DictReader(ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#"))
    return tuple(
        IndicatorRule(
            indicator_id=r["indicator_id"],
            indicator=r["indicator"],
            families=_split(r["family"]),
            metrics=_split(r["metrics"]),
            stages=_split(r["stages"]),
            by_stage=r["by_stage"] == "1",
            units=_split(r["units"]),
            per_capita=r["per_capita"] or "no",
            keywords=re.compile(r["keywords"]) if r["keywords"] else None,
            keywords_required=r["keywords_required"] == "1",
            pick=r["pick"] or "first",
        )
        for r in rows
    )


def _flag_column(figures: pd.DataFrame, name: str) -> pd.Series:
    """A boolean per figure: the column ``name`` when the table has it, else the flag word."""
    if name in figures.columns:
        return figures[name].fillna(False).astype(bool)
    flags = figures["flags"] if "flags" in figures.columns else pd.Series("", index=figures.index)
    return flags.fillna("").astype(str).str.split(";").apply(lambda fs: name in fs)


def level_figures(figures: pd.DataFrame) -> pd.DataFrame:
    """Stated actual levels: no changes, no targets or plans, no earlier (base) values.

    Uses ``role`` when the figures table has it, else ``is_change`` and ``planned``.
    """
    if not len(figures):
        return figures
    keep = ~figures["is_change"].fillna(False).astype(bool)
    keep &= ~figures["planned"].fillna(False).astype(bool)
    if "role" in figures.columns:
        keep &= figures["role"].fillna("level").isin(["level", ""])
    out = figures.loc[keep].copy()
    out["is_part"] = _flag_column(out, "part_of_total")
    return out


def _stage_of(value: object) -> str:
    return NO_STAGE if value is None or pd.isna(value) or str(value) == "" else str(value)


def candidates(figures: pd.DataFrame, rule: IndicatorRule) -> pd.DataFrame:
    """The level figures a rule accepts, with ``kw`` (sentence matches the keywords)."""
    f = figures
    if rule.families:
        f = f[f["family"].isin(rule.families)]
    if rule.metrics:
        f = f[f["metric"].isin(rule.metrics)]
    if rule.units:
        f = f[f["unit"].isin(rule.units)]
    stage = f["stage"].map(_stage_of)
    if rule.stages:
        f = f[stage.isin(rule.stages)]
    if rule.per_capita != "any":
        f = f[f["per_capita"].fillna(False).astype(bool) == (rule.per_capita == "yes")]
    f = f.copy()
    sentence = f["sentence"].fillna("").astype(str)
    f["kw"] = sentence.str.contains(rule.keywords) if rule.keywords else False
    if rule.keywords_required:
        f = f[f["kw"]]
    return f


def choose(cands: pd.DataFrame, rule: IndicatorRule) -> tuple[pd.Series, pd.DataFrame]:
    """The representing figure and the best-ranked candidates it was chosen among.

    Ranked: a stated total before its parts, a keyword match, exact before approximate, the
    rule's stage order; then the first stated (``first``) or the largest (``max``).
    """
    c = cands.copy()
    c["stage_rank"] = (
        c["stage"].map(_stage_of).map({s: i for i, s in enumerate(rule.stages)}).fillna(0)
    )
    c["exact"] = c["approx"].fillna("").astype(str).eq("") | c["approx"].eq(False)
    keys = ["is_part", "kw", "exact", "stage_rank"]
    asc = [True, False, False, True]
    extra, extra_asc = (["value"], [False]) if rule.pick == "max" else ([], [])
    c = c.sort_values(
        [*keys, *extra, "raw_start"], ascending=[*asc, *extra_asc, True], kind="mergesort"
    )
    top = c.iloc[0]
    best = c[(c[keys[:4]] == top[keys[:4]]).all(axis=1)]
    return top, best


def _plain(value: float) -> str:
    """``1520000`` not ``1.52e+06``; ``99.5`` not ``99.50``."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def _row(report: dict, rule: IndicatorRule, stage: str | None, cands: pd.DataFrame) -> dict:
    top, best = choose(cands, rule)
    stage = _stage_of(top["stage"]) if stage is None else stage
    values = sorted({float(v) for v in best["value"]})
    # Two different stated values of a one-value indicator (a rate, a count) conflict; for
    # ``max`` indicators (amounts) several amounts are normal and the largest is kept.
    conflict = len(values) > 1 and rule.pick == "first"
    year = top["year"] if "year" in top and not pd.isna(top["year"]) else report.get("year")
    return {
        **{k: report.get(k) for k in ("doc_id", "article_id", "short_name", "level")},
        "indicator_id": rule.indicator_id,
        "indicator": rule.indicator,
        "family": top["family"],
        "stage": STAGE_UNSTATED if stage == NO_STAGE else stage,
        "value": float(top["value"]),
        "unit": top["unit"],
        "year": None if year is None or pd.isna(year) else int(year),
        "approx": not bool(top["exact"]),
        "metric": top["metric"],
        "n_candidates": len(cands),
        "conflict": conflict,
        "conflict_values": ";".join(_plain(v) for v in values) if conflict else "",
        "source_para_ids": ";".join(str(int(p)) for p in best["para_id"]),
        "source_spans": ";".join(
            f"{int(s)}-{int(e)}" for s, e in zip(best["raw_start"], best["raw_end"], strict=True)
        ),
        "raw_text": top["raw_text"],
    }


def build_indicators(
    figures: pd.DataFrame, articles: pd.DataFrame, rules: tuple[IndicatorRule, ...] | None = None
) -> pd.DataFrame:
    """The ``indicators`` table: one row per report and indicator (and stage, for by-stage
    indicators), from the figures of that article only."""
    rules = rules or load_indicator_rules()
    if not len(figures) or not len(articles):
        return pd.DataFrame(columns=INDICATOR_COLUMNS)
    levels = level_figures(figures)
    reports = {(r["doc_id"], int(r["article_id"])): r for r in articles.to_dict("records")}
    keyed = []  # ((doc_id, article_id), rule number, stage, row): sorted into report order
    # Each rule filters all figures once, then splits by report (linear in the corpus).
    for i, rule in enumerate(rules):
        for (doc_id, article_id), cands in candidates(levels, rule).groupby(REPORT_KEYS):
            key = (doc_id, int(article_id))
            report = reports.get(key, {"doc_id": doc_id, "article_id": article_id})
            if rule.by_stage:
                for stage, group in cands.groupby(cands["stage"].map(_stage_of)):
                    keyed.append((key, i, str(stage), _row(report, rule, str(stage), group)))
            else:
                keyed.append((key, i, "", _row(report, rule, None, cands)))
    rows = [row for *_, row in sorted(keyed, key=lambda k: k[:3])]
    out = pd.DataFrame(rows, columns=INDICATOR_COLUMNS)
    out["year"] = out["year"].astype("Int64")
    return out


# --- comparison tables for notebook 05 ------------------------------------------------------

# The indicators of the report card, in column order.
CARD_INDICATORS = (
    "学前三年毛入园率",
    "九年义务教育巩固率",
    "高中阶段毛入学率",
    "高考本科上线人数",
    "高考本科上线率",
    "中考及格率",
    "教育经费总投入",
    "资助金额",
)
MIN_REPORTS = 2


def report_table(articles: pd.DataFrame) -> pd.DataFrame:
    """The reports to compare: non-duplicate articles with their metadata and level order.

    >>> a = pd.DataFrame({"doc_id": ["d", "d"], "article_id": [0, 1], "is_duplicate": [False, True],
    ...                   "short_name": ["x", "y"], "level": ["county", "county"]})
    >>> report_table(a)[["short_name", "level_label"]].values.tolist()
    [['x', '县级']]
    """
    cols = [
        "doc_id",
        "article_id",
        "short_name",
        "title",
        "issuer",
        "region",
        "level",
        "year",
        "kind",
    ]
    if not len(articles):
        return pd.DataFrame(columns=[*cols, "level_label", "level_rank"])
    keep = ~articles.get("is_duplicate", pd.Series(False, index=articles.index)).fillna(
        False
    ).astype(bool)
    out = articles.loc[keep].reindex(columns=cols).copy()
    out["level"] = out["level"].fillna("unknown")
    out["level_label"] = out["level"].map(LEVEL_LABELS).fillna("层级未知")
    out["level_rank"] = out["level"].map({lv: i for i, lv in enumerate(LEVELS)}).fillna(99)
    return out.reset_index(drop=True)


def too_few_note(n_reports: int, what: str = "报告") -> str:
    """The note a comparison chart carries when the corpus has too few reports for it.

    >>> too_few_note(1), too_few_note(5)
    ('只有 1 份报告，无法比较', '')
    """
    return f"只有 {n_reports} 份{what}，无法比较" if n_reports < MIN_REPORTS else ""


def _label(row: pd.Series) -> str:
    stage = str(row.get("stage") or "")
    return (
        f"{row['indicator']}（{stage}）"
        if stage and stage != STAGE_UNSTATED and row.get("by_stage")
        else str(row["indicator"])
    )


def indicator_points(indicators: pd.DataFrame, articles: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Indicators of one unit (``%``, ``人``, ``元``) per report, ready for a dot chart:
    ``short_name, level_label, level_rank, indicator, value`` (by-stage ones named with
    their stage, 生均公用经费（小学）)."""
    cols = ["short_name", "level_label", "level_rank", "indicator", "value"]
    if not len(indicators):
        return pd.DataFrame(columns=cols)
    part = indicators[indicators["unit"].isin([unit] if unit != "人" else ["人", "人次"])]
    by_stage = {r.indicator_id: r.by_stage for r in load_indicator_rules()}
    part = part.assign(by_stage=part["indicator_id"].map(by_stage).fillna(False))
    part = part.assign(indicator=part.apply(_label, axis=1) if len(part) else part["indicator"])
    reports = report_table(articles)[["doc_id", "article_id", "level_label", "level_rank"]]
    merged = part.drop(columns=["level"], errors="ignore").merge(
        reports, on=REPORT_KEYS, how="inner"
    )
    return merged.reindex(columns=cols).reset_index(drop=True)


def trend_series(indicators: pd.DataFrame, articles: pd.DataFrame, unit: str = "%") -> pd.DataFrame:
    """Indicator values by year for a place or issuer that has reports of two years or more.

    Returns:
        ``series`` (``平山县 · 小学净入学率``), ``year``, ``value``, ``short_name``; empty
        when no place/issuer has two years.
    """
    cols = ["series", "year", "value", "short_name"]
    if not len(indicators):
        return pd.DataFrame(columns=cols)
    reports = report_table(articles)
    reports["who"] = reports["region"].fillna(reports["issuer"])
    data = indicators[indicators["unit"] == unit].merge(
        reports[["doc_id", "article_id", "who"]], on=REPORT_KEYS
    )
    data = data.dropna(subset=["who", "year"])
    data = data.assign(series=data["who"].astype(str) + " · " + data["indicator"].astype(str))
    years = data.groupby("series")["year"].nunique()
    data = data[data["series"].isin(years[years >= MIN_REPORTS].index)]
    data = data.groupby(["series", "year"], as_index=False).agg(
        value=("value", "first"), short_name=("short_name", "first")
    )
    return data.reindex(columns=cols)


def funding_by_purpose(figures: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Stated funding per report (rows, short names) and purpose (columns, the metric), in
    万元: actual levels only (no plan, change, per-capita amount), and the parts of a stated
    total left out, so no yuan is counted twice."""
    levels = level_figures(figures)
    if not len(levels):
        return pd.DataFrame()
    fund = levels[
        (levels["family"] == "funding")
        & (levels["unit"] == "元")
        & ~levels["per_capita"].fillna(False).astype(bool)
        & ~levels["is_part"]
    ]
    reports = report_table(articles)[["doc_id", "article_id", "short_name"]]
    fund = fund.drop(columns=["short_name"], errors="ignore").merge(reports, on=REPORT_KEYS)
    if not len(fund):
        return pd.DataFrame()
    fund = fund.assign(wan=fund["value"].astype(float) / 10_000)
    table = fund.pivot_table(
        index="short_name", columns="metric", values="wan", aggfunc="sum", fill_value=0.0
    )
    totals = table.sum(axis=1)
    order = totals[totals > 0].sort_values(ascending=False).index
    return table.loc[order, table.sum().sort_values(ascending=False).index]


def exam_points(figures: pd.DataFrame, articles: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Exam rates (%) per school report for a dot chart, and what they cover.

    Schools' reports when the corpus has any; otherwise every report with exam rates (the
    second value says so).
    """
    cols = ["short_name", "level_label", "level_rank", "indicator", "value"]
    levels = level_figures(figures)
    if not len(levels):
        return pd.DataFrame(columns=cols), "本语料中没有考试成绩"
    exam = levels[(levels["family"] == "exam") & (levels["unit"] == "%")]
    reports = report_table(articles)
    exam = exam.drop(columns=["short_name"], errors="ignore").merge(reports, on=REPORT_KEYS)
    schools = exam[exam["level"] == "school"]
    scope = "学校报告" if len(schools) else "各报告（语料中没有学校报告的考试比率）"
    exam = schools if len(schools) else exam
    stage = exam["stage"].fillna("").astype(str)
    exam = exam.assign(
        indicator=(stage.where(stage == "", stage + " ") + exam["metric"].astype(str))
    )
    return exam.reindex(columns=cols).reset_index(drop=True), scope


def theme_mix_by_level(article_topics: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Share of content characters (%) per theme, for each report level (rows).

    Reads ``theme`` when ``article_topics`` has it (themes by taxonomy), else ``label``
    (today's topic clusters).
    """
    if not len(article_topics):
        return pd.DataFrame()
    name = "theme" if "theme" in article_topics.columns else "label"
    reports = report_table(articles)[["doc_id", "article_id", "level_label", "level_rank"]]
    data = article_topics.merge(reports, on=REPORT_KEYS)
    if not len(data):
        return pd.DataFrame()
    weight = "n_chars" if "n_chars" in data.columns else "share"
    table = data.pivot_table(
        index=["level_rank", "level_label"],
        columns=name,
        values=weight,
        aggfunc="sum",
        fill_value=0,
    )
    table = table.droplevel(0)
    table = table.div(table.sum(axis=1), axis=0) * 100
    return table[table.sum().sort_values(ascending=False).index]


def _format_value(value: float, unit: str) -> str:
    if unit == "元":
        return f"{value / 10_000:,.2f}".rstrip("0").rstrip(".") + " 万元"
    if unit == "%":
        return f"{value:g}%"
    return f"{value:,.0f} {unit}"


def report_card(indicators: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """The key indicators per report: short name, level, year, one column per card indicator
    (value with its unit, ``?`` marking a conflict), and the full title last."""
    reports = report_table(articles)
    base = reports[["doc_id", "article_id", "short_name", "level_label", "year", "title"]]
    if not len(indicators):
        return base.drop(columns=REPORT_KEYS).iloc[0:0]
    ind = indicators[indicators["indicator"].isin(CARD_INDICATORS)]
    ind = ind.assign(
        cell=[
            _format_value(float(v), str(u)) + (" ?" if c else "")
            for v, u, c in zip(ind["value"], ind["unit"], ind["conflict"], strict=True)
        ]
    )
    wide = ind.pivot_table(index=REPORT_KEYS, columns="indicator", values="cell", aggfunc="first")
    wide = wide.reindex(columns=[c for c in CARD_INDICATORS if c in wide.columns]).reset_index()
    card = base.merge(wide, on=REPORT_KEYS, how="inner")
    card["year"] = [str(int(y)) if pd.notna(y) else "" for y in card["year"]]
    title = card.pop("title").fillna("")
    card = card.fillna("—")
    card["title"] = title
    return card.drop(columns=REPORT_KEYS).reset_index(drop=True)


def doc_labels(articles: pd.DataFrame) -> dict[str, str]:
    """A label per document for per-document charts: its report's short name, or the first
    one and how many there are (``平山县教育局 2019 等3篇``).

    >>> doc_labels(pd.DataFrame({"doc_id": ["a", "a"], "short_name": ["x 2019", "y"]}))
    {'a': 'x 2019 等2篇'}
    """
    if not len(articles) or "short_name" not in articles.columns:
        return {}
    out = {}
    for doc_id, part in articles.groupby("doc_id", sort=True):
        first = str(part["short_name"].iloc[0])
        out[str(doc_id)] = first if len(part) == 1 else f"{first} 等{len(part)}篇"
    return out


def with_short_names(figures: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """``figures`` with the ``short_name`` of the report each figure comes from."""
    if not len(figures) or "short_name" not in articles.columns:
        return figures.assign(short_name=figures.get("doc_id", pd.Series(dtype=str)))
    names = articles[[*REPORT_KEYS, "short_name"]]
    return figures.drop(columns=["short_name"], errors="ignore").merge(
        names, on=REPORT_KEYS, how="left"
    )


def as_report_labels(figures: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``figures`` whose ``doc_id`` holds the report's short name, for the
    per-document helpers of :mod:`helpers.report` (they group by ``doc_id``), so that their
    tables and charts name reports, not files.

    >>> f = pd.DataFrame({"doc_id": ["002_d4"], "article_id": [1]})
    >>> a = pd.DataFrame({"doc_id": ["002_d4"], "article_id": [1], "short_name": ["某镇 2020"]})
    >>> as_report_labels(f, a)["doc_id"].tolist()
    ['某镇 2020']
    """
    named = with_short_names(figures, articles)
    if not len(named):
        return named
    return named.assign(doc_id=named["short_name"].fillna(named["doc_id"])).drop(
        columns=["short_name"]
    )
