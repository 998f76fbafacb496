"""Report charts: a checked CJK font, one house style, and ``save_fig`` for every export.

Notebooks draw with the ``plot_*`` functions here (DataFrame in, Figure out) and export
with :func:`save_fig`; they never call ``plt.savefig`` themselves. Every ``plot_*`` copes
with an empty table by drawing a figure that says so, so a chart file always exists and a
small corpus never crashes a notebook.
"""

from __future__ import annotations

import importlib.util
import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import matplotlib
import matplotlib.pyplot as plt
import matplotlib.ticker
import pandas as pd
from cycler import cycler
from fontTools.ttLib import TTLibError
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.transforms import Bbox

from . import paths
from .jieba_cache import load_plain_tokenizer
from .vocab import display_width

if TYPE_CHECKING:  # themes imports charts' neighbours; the type is only for the checker
    from .themes import Taxonomy

# Characters every chart of this project needs; a font missing any of them draws boxes.
CJK_TEST_CHARS = "教育经费入学率万元巩固考试"
# Fonts tried in order: the one shipped inside the pinned pip package first (works after a
# pip-only install), then common system CJK fonts.
PACKAGE_FONTS = (("mplfonts", "fonts/NotoSansCJKsc-Regular.otf"),)
SYSTEM_FONT_PATTERN = re.compile(r"(NotoSansCJK|NotoSansSC|Noto Sans CJK|wqy|WenQuanYi)", re.I)
EXPORT_FORMATS = ("png", "svg", "pdf")
PNG_DPI = 300
SVG_HASH_SALT = "edu-reports"
FIG_NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")
DEFAULT_CAPTION = "来源：教育工作总结语料，edu-reports 自动抽取"
# Colours: one per meaning, used the same way in every chart.
PALETTE = (
    "#3b6ea5",
    "#e07b39",
    "#5a9e5a",
    "#c44e52",
    "#8172b2",
    "#937860",
    "#da8bc3",
    "#8c8c8c",
    "#ccb974",
    "#64b5cd",
)
# Themes: one colour per theme of the taxonomy, in its row order, the same in every chart
# and run (Kelly's colours of maximum contrast; 其他 is always grey). A taxonomy longer than
# this palette repeats colours only beyond its 19th theme (see theme_colors).
THEME_PALETTE = (
    "#BE0032",
    "#F38400",
    "#0067A5",
    "#875692",
    "#008856",
    "#E68FAC",
    "#A1CAF1",
    "#F3C300",
    "#882D17",
    "#8DB600",
    "#604E97",
    "#E25822",
    "#2B3D26",
    "#C2B280",
    "#F99379",
    "#B3446C",
    "#DCD300",
    "#654522",
    "#F6A600",
)
OTHER_THEME_COLOR = "#9E9E9E"
COLOR_ACTUAL = "#3b6ea5"
COLOR_PLANNED = "#e07b39"
REFERENCE_COLOR = "#c44e52"
# Charts with one row per item show at most this many rows (and say so in the title), so a
# large corpus gives a readable chart instead of a 40-inch one.
MAX_ROWS = 60
# Funding charts switch to a log axis when the largest amount is this many times the smallest.
LOG_SCALE_RATIO = 1000
# School stages in reading order (figures.stage values); anything else sorts after them.
STAGE_ORDER = ("学前", "小学", "初中", "高中", "中职", "高校", "未注明")


class CJKFontError(RuntimeError):
    """No usable CJK font: Chinese labels would render as boxes (tofu)."""


def missing_glyphs(font_path: Path, chars: str = CJK_TEST_CHARS) -> str:
    """Characters of ``chars`` that the font file has no glyph for.

    Args:
        font_path: an .otf/.ttf/.ttc file (the first face of a collection is checked).
        chars: the characters that must be covered.

    Returns:
        The uncovered characters, in order ("" when the font covers them all).

    >>> from matplotlib import get_data_path
    >>> missing_glyphs(Path(get_data_path()) / "fonts/ttf/DejaVuSans.ttf", "A教")
    '教'
    """
    from fontTools.ttLib import TTFont

    font = TTFont(str(font_path), fontNumber=0, lazy=True)
    try:
        cmap = font.getBestCmap() or {}
    finally:
        font.close()
    return "".join(ch for ch in chars if ord(ch) not in cmap)


def find_cjk_font_files() -> list[Path]:
    """Candidate CJK font files: the pip-installed mplfonts font first, then system fonts.

    Returns:
        Existing paths, best first (may be empty).
    """
    found: list[Path] = []
    for package, rel in PACKAGE_FONTS:
        spec = importlib.util.find_spec(package)
        if spec and spec.origin:
            candidate = Path(spec.origin).parent / rel
            if candidate.is_file():
                found.append(candidate)
    system = sorted(
        Path(p) for p in font_manager.findSystemFonts() if SYSTEM_FONT_PATTERN.search(Path(p).name)
    )
    found.extend(p for p in system if p not in found)
    return found


def apply_style(family: str) -> None:
    """Set the house style (font, sizes, grid, deterministic exports) in ``rcParams``."""
    matplotlib.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [family, "DejaVu Sans"],
            "axes.unicode_minus": False,  # the CJK font has no U+2212 minus sign
            "font.size": 10,
            "axes.titlesize": 12,
            "axes.labelsize": 10,
            "xtick.labelsize": 9,
            "ytick.labelsize": 9,
            "legend.fontsize": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.axisbelow": True,
            "axes.prop_cycle": cycler(color=list(PALETTE)),
            "figure.dpi": 100,
            "savefig.dpi": PNG_DPI,
            "svg.hashsalt": SVG_HASH_SALT,
            "svg.fonttype": "path",  # SVGs render the same on machines without the font
            "pdf.fonttype": 3,
        }
    )


@lru_cache(maxsize=1)
def setup_cjk_font() -> str:
    """Find a CJK font, check it covers Chinese, register it and apply the house style.

    Returns:
        The font family name now used by matplotlib, e.g. ``'Noto Sans CJK JP'``.

    Raises:
        CJKFontError: no installed font covers ``CJK_TEST_CHARS``; the message lists what
            was tried and how to fix it (``pip install mplfonts`` or a Noto CJK system font).

    >>> setup_cjk_font() in matplotlib.rcParams["font.sans-serif"]
    True
    """
    tried = []
    for path in find_cjk_font_files():
        try:
            missing = missing_glyphs(path)
        # An unreadable or malformed font file is just a bad candidate.
        except (OSError, ValueError, KeyError, TTLibError) as exc:
            tried.append(f"{path} (unreadable: {exc})")
            continue
        if missing:
            tried.append(f"{path} (no glyphs for {missing})")
            continue
        font_manager.fontManager.addfont(str(path))
        family = font_manager.FontProperties(fname=str(path)).get_name()
        apply_style(family)
        resolved = font_manager.findfont(
            font_manager.FontProperties(family=family), fallback_to_default=False
        )
        if missing_glyphs(Path(resolved)):
            tried.append(f"{path} (registered as {family!r} but matplotlib resolves {resolved})")
            continue
        return family
    raise CJKFontError(
        "No CJK font found that covers "
        f"{CJK_TEST_CHARS!r}; Chinese labels would render as boxes. Tried: "
        + ("; ".join(tried) or "nothing (mplfonts not installed, no Noto CJK/WenQuanYi font)")
        + ". Fix: `pip install mplfonts` (in pyproject) or install fonts-noto-cjk."
    )


def _atomic_savefig(fig: Figure, path: Path, fmt: str, **kwargs) -> None:
    """Save into a temp file in the target folder, then rename it over ``path``."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=f".{fmt}", dir=path.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, format=fmt, **kwargs)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a chart is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_fig(
    fig: Figure, name: str, out_dir: Path | None = None, caption: str | None = None
) -> list[Path]:
    """Export a figure as PNG (300 dpi), SVG and PDF with a source caption, atomically.

    File names are ``<name>.png|svg|pdf``; the files carry no timestamp, so re-running on
    the same data gives the same SVG and PDF bytes.

    Args:
        fig: the figure (drawn with the house style, see :func:`setup_cjk_font`).
        name: stable file stem, lower-case ASCII (``funding_by_metric``).
        out_dir: target folder; default ``helpers.paths.FIGURES_DIR``; created if missing.
        caption: source line under the chart; default :data:`DEFAULT_CAPTION`.

    Returns:
        The three paths written, in PNG, SVG, PDF order.

    Raises:
        ValueError: ``name`` is not a lower-case ASCII file stem.

    >>> save_fig(plt.figure(), "教育经费")
    Traceback (most recent call last):
    ...
    ValueError: figure name must be lower-case ASCII letters, digits, '_' or '-': '教育经费'
    """
    if not FIG_NAME_PATTERN.match(name):
        raise ValueError(
            f"figure name must be lower-case ASCII letters, digits, '_' or '-': {name!r}"
        )
    setup_cjk_font()
    out = Path(out_dir) if out_dir is not None else paths.FIGURES_DIR
    out.mkdir(parents=True, exist_ok=True)
    # Below the figure's bottom edge; bbox_inches="tight" grows the canvas to include it,
    # so the caption never overlaps tick labels.
    text = fig.text(
        0.0, -0.01, caption or DEFAULT_CAPTION, ha="left", va="top", fontsize=7, color="#666666"
    )
    metadata = {
        "png": {"Software": None},
        "svg": {"Date": None},
        "pdf": {"CreationDate": None, "ModDate": None},
    }
    written = []
    try:
        for fmt in EXPORT_FORMATS:
            path = out / f"{name}.{fmt}"
            _atomic_savefig(
                fig,
                path,
                fmt,
                dpi=PNG_DPI,
                bbox_inches="tight",
                pad_inches=0.15,
                metadata=metadata[fmt],
            )
            written.append(path)
    finally:
        text.remove()  # the figure stays as drawn for inline display
    return written


# --- plots ----------------------------------------------------------------------------------


def format_wan(value: float) -> str:
    """An amount in 万元 for a bar label: thousands separators, at most two decimals.

    >>> format_wan(21285.0), format_wan(785.04), format_wan(0.5)
    ('21,285', '785.04', '0.5')
    """
    text = f"{value:,.2f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def plot_note(title: str, note: str) -> Figure:
    """A placeholder chart that states why there is nothing to draw.

    >>> plot_note("各文档经费", "本语料没有经费数字").axes[0].texts[0].get_text()
    '本语料没有经费数字'
    """
    setup_cjk_font()
    fig, ax = plt.subplots(figsize=(7, 2.2))
    ax.set_axis_off()
    ax.set_title(title)
    ax.text(
        0.5,
        0.5,
        note,
        ha="center",
        va="center",
        fontsize=11,
        color="#555555",
        transform=ax.transAxes,
    )
    return fig


def cap_rows(
    table: pd.DataFrame | pd.Series, title: str, max_rows: int = MAX_ROWS
) -> tuple[pd.DataFrame | pd.Series, str]:
    """The first ``max_rows`` rows of a table/series, and the title saying what was cut.

    >>> cap_rows(pd.Series(range(5)), "各文档", 3)[1]
    '各文档（前 3 项，共 5 项）'
    """
    if len(table) <= max_rows:
        return table, title
    return table.iloc[:max_rows], f"{title}（前 {max_rows} 项，共 {len(table)} 项）"


def _bar_height(n_rows: int) -> float:
    """Figure height in inches that keeps horizontal bar labels from overlapping."""
    return max(2.4, 0.38 * n_rows + 1.2)


def theme_colors(taxonomy: Taxonomy | None = None) -> dict[str, str]:
    """One fixed colour per theme, by its position in the taxonomy (``themes.csv``).

    Keys are both ``theme_id`` and the Chinese name, so either can be looked up. 其他
    (``other``) is grey. The same taxonomy gives the same colours in every chart and run,
    and no two of the first 19 themes share a colour.

    >>> colors = theme_colors()
    >>> colors["德育"] == colors["moral"], colors["其他"]
    (True, '#9E9E9E')
    >>> named = [c for k, c in colors.items() if k.isascii() and k != "other"]
    >>> len(set(named)) == len(named) >= 14
    True
    """
    from .themes import OTHER_ID, load_taxonomy

    tax = taxonomy or load_taxonomy()
    out: dict[str, str] = {}
    slot = 0
    for theme_id, name in zip(tax.ids, tax.names, strict=True):
        if theme_id == OTHER_ID:
            color = OTHER_THEME_COLOR
        else:
            color = THEME_PALETTE[slot % len(THEME_PALETTE)]
            slot += 1
        out[theme_id] = out[name] = color
    return out


def plot_stacked_barh(
    table: pd.DataFrame,
    title: str,
    xlabel: str,
    note_if_empty: str = "没有数据",
    colors: dict[str, str] | None = None,
    log_if_wide: bool = False,
) -> Figure:
    """Horizontal stacked bars: one bar per row of ``table``, one segment per column.

    Args:
        table: numeric, indexed by the bar labels (e.g. doc_id), columns are the segments.
        title: chart title.
        xlabel: x-axis label with its unit, e.g. ``字符数（原文字符）``.
        note_if_empty: text of the placeholder drawn when ``table`` has no rows.
        colors: colour per column name (e.g. :func:`theme_colors`); default the palette
            in column order.
        log_if_wide: a log x axis (said in the label) when the row totals span three orders
            of magnitude, so a school's bar stays visible next to a nation's.

    Returns:
        The figure.
    """
    setup_cjk_font()
    table = table.fillna(0)
    if table.empty or not table.to_numpy().any():
        return plot_note(title, note_if_empty)
    table, title = cap_rows(table, title)
    fig, ax = plt.subplots(figsize=(8, _bar_height(len(table))))
    left = pd.Series(0.0, index=table.index)
    labels = [wrap_label(str(i)) for i in table.index]
    for i, col in enumerate(table.columns):
        color = (colors or {}).get(str(col), PALETTE[i % len(PALETTE)])
        ax.barh(labels, table[col], left=left, label=str(col), color=color)
        left = left + table[col]
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel(_log_axis_if_wide(ax, table.sum(axis=1), xlabel) if log_if_wide else xlabel)
    if len(table.columns) > 1:
        # Outside the axes, so the legend never hides a bar.
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def plot_barh(
    values: pd.Series,
    title: str,
    xlabel: str,
    note_if_empty: str = "没有数据",
    colors: dict[str, str] | None = None,
) -> Figure:
    """Horizontal bars for a labelled series (e.g. term frequencies), largest on top.

    ``colors`` gives a colour per label (e.g. :func:`theme_colors`); others are blue.

    >>> plot_barh(pd.Series({"教师": 12, "学生": 9}), "高频词", "出现次数").axes[0].get_xlabel()
    '出现次数'
    """
    setup_cjk_font()
    values = values.dropna()
    if values.empty:
        return plot_note(title, note_if_empty)
    values, title = cap_rows(values, title)
    fig, ax = plt.subplots(figsize=(7, _bar_height(len(values))))
    names = [str(i) for i in values.index]
    ax.barh(names, values.to_numpy(), color=[(colors or {}).get(n, COLOR_ACTUAL) for n in names])
    ax.invert_yaxis()
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    fig.tight_layout()
    return fig


def plot_funding_wan(
    funding: pd.DataFrame, by: str, title: str, note_if_empty: str = "本语料中没有经费数字"
) -> Figure:
    """Funding totals in 万元 per ``by`` (metric or doc_id), planned and actual side by side.

    Args:
        funding: rows of :func:`helpers.report.funding_wan_table` with columns ``by``,
            ``wan`` (sum in 万元), ``planned`` (bool), ``approx_share`` (0..1).
        by: the grouping column.
        title: chart title.
        note_if_empty: placeholder text when there is no funding figure.

    Returns:
        The figure; the approximate part of each total (余/约/多) is hatched, planned
        amounts are orange,
        each bar labelled with its amount; the axis is logarithmic (and says so) when the
        amounts span three orders of magnitude or more.
    """
    setup_cjk_font()
    if funding.empty:
        return plot_note(title, note_if_empty)
    totals = funding.groupby(by)["wan"].sum().sort_values(ascending=False)
    totals, title = cap_rows(totals, title)  # the largest amounts first
    order = totals.index
    funding = funding[funding[by].isin(order)]
    labels = [wrap_label(str(v)) for v in order]
    fig, ax = plt.subplots(figsize=(8, _bar_height(len(order))))
    height = 0.4
    for offset, planned, color in (
        (-height / 2, False, COLOR_ACTUAL),
        (height / 2, True, COLOR_PLANNED),
    ):
        part = funding[funding["planned"] == planned].set_index(by).reindex(order)
        ys = [i + offset for i in range(len(order))]
        wan = part["wan"].fillna(0.0)
        approx = wan * part["approx_share"].fillna(0.0)
        # Exact amounts solid, the approximate share (余/约/多) hatched on top of them.
        ax.barh(ys, wan - approx, height=height, color=color)
        ax.barh(
            ys,
            approx,
            left=wan - approx,
            height=height,
            color=color,
            hatch="///",
            edgecolor="white",
            linewidth=0,
        )
        for y, total in zip(ys, part["wan"], strict=True):
            if pd.notna(total):  # the amount at the bar's end: small bars stay readable
                ax.annotate(
                    format_wan(total),
                    (total, y),
                    xytext=(3, 0),
                    textcoords="offset points",
                    va="center",
                    fontsize=7,
                )
    ax.set_yticks(range(len(order)), labels)
    ax.invert_yaxis()
    positive = funding.loc[funding["wan"] > 0, "wan"]
    if len(positive) and positive.max() / positive.min() >= LOG_SCALE_RATIO:
        # Amounts from 0.3 to 50,000 万元: on a linear axis most bars would be invisible.
        ax.set_xscale("log")
        ax.set_xlim(positive.min() / 2, positive.max() * 4)
        ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: format_wan(x)))
        ax.set_xlabel("金额（万元，对数刻度）")
    else:
        ax.margins(x=0.12)
        ax.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        ax.set_xlabel("金额（万元）")
    ax.set_title(title)
    handles = [
        Patch(facecolor=COLOR_ACTUAL, label="实际/已完成"),
        Patch(facecolor=COLOR_PLANNED, label="计划/目标"),
        Patch(facecolor="white", edgecolor="#555555", hatch="///", label="约数部分（余/约/多）"),
    ]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def plot_rates_by_stage(
    rates: pd.DataFrame, title: str, note_if_empty: str = "本语料中没有分学段的入学类比率"
) -> Figure:
    """Enrollment-type rates (percent) grouped by stage, with a 100% reference line.

    Args:
        rates: columns ``stage``, ``metric``, ``value`` (percent) and optionally
            ``planned``; one dot per figure, targets in orange.
        title: chart title.
        note_if_empty: placeholder text when there is no rate.

    Returns:
        The figure: y axis stage / metric, x axis percent; values above 100 stand out.
    """
    setup_cjk_font()
    if rates.empty:
        return plot_note(title, note_if_empty)
    stage = rates["stage"].fillna("未注明").replace("", "未注明").astype(str)
    rank = stage.map({s: i for i, s in enumerate(STAGE_ORDER)}).fillna(len(STAGE_ORDER))
    rates = rates.assign(
        label=stage + " · " + rates["metric"].astype(str), _rank=rank, _stage=stage
    )
    labels = list(dict.fromkeys(rates.sort_values(["_rank", "_stage", "metric"])["label"]))
    if len(labels) > MAX_ROWS:
        title = f"{title}（前 {MAX_ROWS} 项，共 {len(labels)} 项）"
        labels = labels[:MAX_ROWS]
        rates = rates[rates["label"].isin(labels)]
    pos = {lab: i for i, lab in enumerate(labels)}
    fig, ax = plt.subplots(figsize=(8, _bar_height(len(labels))))
    lo = min(80.0, float(rates["value"].min()) - 2)
    hi = max(101.0, float(rates["value"].max()) + 1)
    planned = (
        rates["planned"].fillna(False).astype(bool)
        if "planned" in rates.columns
        else pd.Series(False, index=rates.index)
    )
    for is_planned, color, label in (
        (False, COLOR_ACTUAL, "实际值"),
        (True, COLOR_PLANNED, "计划/目标值"),
    ):
        part = rates[planned == is_planned]
        if len(part):
            ax.scatter(
                part["value"].astype(float),
                part["label"].map(pos),
                color=color,
                zorder=3,
                s=28,
                alpha=0.75,
                label=label,
            )
    ax.axvline(100, color=REFERENCE_COLOR, linestyle="--", linewidth=1, label="100% 参考线")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_ylim(len(labels) - 0.5, -0.5)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("比率（%）")
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def plot_heatmap(
    table: pd.DataFrame,
    title: str,
    xlabel: str,
    ylabel: str,
    value_label: str,
    note_if_empty: str = "没有数据",
) -> Figure:
    """A labelled heatmap (rows × columns), values written in each cell.

    Args:
        table: numeric, index = rows (documents), columns = columns (topics).
        title: chart title.
        xlabel: x-axis label.
        ylabel: y-axis label.
        value_label: colour-bar label with its unit, e.g. ``段落占比（%）``.
        note_if_empty: placeholder text when the table is empty.

    Returns:
        The figure.
    """
    setup_cjk_font()
    if table.empty:
        return plot_note(title, note_if_empty)
    table, title = cap_rows(table, title)
    n_rows, n_cols = table.shape
    fig, ax = plt.subplots(figsize=(max(6, 0.9 * n_cols + 3), max(2.6, 0.45 * n_rows + 1.6)))
    im = ax.imshow(table.to_numpy(dtype=float), aspect="auto", cmap="Blues")
    ax.set_xticks(range(n_cols), [str(c) for c in table.columns], rotation=30, ha="right")
    ax.set_yticks(range(n_rows), [str(i) for i in table.index])
    ax.grid(False)
    vmax = float(table.to_numpy(dtype=float).max()) or 1.0
    for r in range(n_rows):
        for c in range(n_cols):
            v = float(table.iat[r, c])
            ax.text(
                c,
                r,
                f"{v:.0f}",
                ha="center",
                va="center",
                fontsize=8,
                color="white" if v > 0.6 * vmax else "#222222",
            )
    fig.colorbar(im, ax=ax, label=value_label)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_sweep(
    sweep: pd.DataFrame,
    chosen: int | None,
    metrics: dict[str, str],
    title: str,
    note_if_empty: str = "没有主题数扫描结果",
) -> Figure:
    """Topic-number sweep: one small panel per quality measure, chosen k marked.

    Args:
        sweep: one row per k (column ``k``) with the quality columns in ``metrics``; a
            ``method`` column, if present, gives one line per method.
        chosen: the chosen k (dashed line), or None.
        metrics: column -> axis label (with its range or unit), in panel order.
        title: figure title.
        note_if_empty: placeholder text.

    Returns:
        The figure.
    """
    setup_cjk_font()
    metrics = {m: lab for m, lab in metrics.items() if m in sweep.columns}
    if sweep.empty or not metrics or "k" not in sweep.columns:
        return plot_note(title, note_if_empty)
    fig, axes = plt.subplots(1, len(metrics), figsize=(3.2 * len(metrics), 3), squeeze=False)
    groups = sweep.groupby("method") if "method" in sweep.columns else [("", sweep)]
    for ax, (metric, label) in zip(axes[0], metrics.items(), strict=True):
        for method, part in groups:
            part = part.sort_values("k")
            ax.plot(part["k"], part[metric], marker="o", label=str(method) or None)
        if chosen is not None:
            ax.axvline(
                chosen, color=REFERENCE_COLOR, linestyle="--", linewidth=1, label=f"选定 k={chosen}"
            )
        ax.set_xlabel("主题数 k（个）")
        ax.set_ylabel(label)
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.suptitle(title)
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    # One legend for all panels, above them, so it never covers a line.
    fig.legend(handles, labels, loc="upper right", ncol=len(labels), frameon=False)
    return fig


def plot_table(
    table: pd.DataFrame,
    title: str,
    labels: dict[str, str] | None = None,
    max_chars: int = 16,
    note_if_empty: str = "没有数据",
    wrap: bool = False,
) -> Figure:
    """A table drawn as a figure (for a report page): header row shaded, long cells cut
    (or, with ``wrap``, broken over lines at word boundaries, nothing cut).

    Args:
        table: the rows to show (keep it to a page: ~30 rows).
        title: title above the table.
        labels: column name -> header text; default the column names.
        max_chars: cells longer than this are cut and end with "…".
        note_if_empty: placeholder text when the table has no row.

    Returns:
        The figure.
    """
    setup_cjk_font()
    if table.empty:
        return plot_note(title, note_if_empty)
    labels = labels or {}

    def cell(v) -> str:
        if isinstance(v, float):
            text = f"{v:,.2f}"
        else:
            text = "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
        if wrap:
            return wrap_label(text, 2 * max_chars)
        return text if len(text) <= max_chars else text[: max_chars - 1] + "…"

    body = [[cell(v) for v in row] for row in table.itertuples(index=False)]
    header = [labels.get(c, str(c)) for c in table.columns]
    widths = [
        max(display_width(h), *(display_width(ln) for r in body for ln in r[i].split("\n"))) + 2
        for i, h in enumerate(header)
    ]
    line_counts = [max(c.count("\n") + 1 for c in r) for r in body]
    fig, ax = plt.subplots(figsize=(0.075 * sum(widths) + 0.4, 0.3 * (sum(line_counts) + 1) + 0.5))
    ax.set_axis_off()
    ax.grid(False)
    tab = ax.table(
        cellText=body,
        colLabels=header,
        cellLoc="left",
        bbox=Bbox.from_bounds(0, 0, 1, 1),
        colWidths=[w / sum(widths) for w in widths],
    )
    tab.auto_set_font_size(False)
    tab.set_fontsize(8)
    rows_h = [1, *line_counts]
    for (r, _c), c in tab.get_celld().items():
        c.set_edgecolor("#cccccc")
        c.set_height(rows_h[r] / sum(rows_h))
        if r == 0:
            c.set_facecolor("#e8eef5")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def plot_grouped_bars(
    table: pd.DataFrame,
    title: str,
    ylabel: str,
    highlight: str | None = None,
    note_if_empty: str = "没有数据",
) -> Figure:
    """Vertical grouped bars: one group per row (e.g. system), one bar per column (measure).

    Args:
        table: numeric, index = group labels, columns = measures (legend).
        title: chart title.
        ylabel: y-axis label with its unit or range, e.g. ``分数（0…1）``.
        highlight: a row label marked "★ 选定" under its tick (e.g. the chosen system).
        note_if_empty: placeholder text when the table is empty.

    Returns:
        The figure, each bar labelled with its value.
    """
    setup_cjk_font()
    if table.empty:
        return plot_note(title, note_if_empty)
    n_rows, n_cols = table.shape
    width = 0.8 / n_cols
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * n_rows + 2), 3.6))
    for j, col in enumerate(table.columns):
        xs = [i - 0.4 + width * (j + 0.5) for i in range(n_rows)]
        bars = ax.bar(
            xs,
            table[col].astype(float),
            width=width,
            label=str(col),
            color=PALETTE[j % len(PALETTE)],
        )
        ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=2)
    # The CJK font ships one weight only, so the chosen row is marked in words, not bold.
    labels = [f"{i}\n★ 选定" if str(i) == highlight else str(i) for i in table.index]
    ax.set_xticks(range(n_rows), labels)
    ax.set_ylabel(ylabel)
    ax.set_xlabel("方法")
    ax.set_title(title)
    ax.margins(y=0.15)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return fig


# --- report labels and comparisons ----------------------------------------------------------

# Characters after which a long CJK label may break: ends of place and body names, list marks.
LABEL_BREAK_AFTER = "省市县区镇乡局校园、·)）"


def wrap_label(text: str, width: int = 16) -> str:
    """A label in lines of at most ``width`` columns (CJK = 2), broken at spaces or after
    name ends (县, 局, 校 …), never inside a Latin word or a number; nothing is cut off.

    >>> wrap_label("平山县教育局 2019 高考", 12)
    '平山县教育局\\n2019 高考'
    >>> wrap_label("城关镇中心小学", 8)
    '城关镇\\n中心小学'
    """
    words = re.findall(r"\S+", str(text))
    lines: list[str] = []
    for word in words:
        while display_width(word) > width:
            cut = _break_point(word, width)
            lines, word = _append_word(lines, word[:cut], width), word[cut:]
        lines = _append_word(lines, word, width)
    return "\n".join(lines)


def _break_point(word: str, width: int) -> int:
    """Where to split an over-long word: after the last name end (县, 局 …) that fits, else
    at the last jieba word boundary that fits, else at the width."""
    used, fit = 0, 0
    for i, ch in enumerate(word):
        used += display_width(ch)
        if used > width:
            break
        fit = i + 1
    for i in range(fit, max(fit // 2, 1) - 1, -1):
        if word[i - 1] in LABEL_BREAK_AFTER and i < len(word):
            return i
    ends, pos = [], 0
    for token in load_plain_tokenizer().lcut(word, HMM=False):
        pos += len(token)
        ends.append(pos)
    inside = [e for e in ends if 0 < e <= fit and e < len(word)]
    if inside:
        return inside[-1]
    while 0 < fit < len(word) and word[fit - 1].isascii() and word[fit].isascii():
        fit -= 1  # never split 2019 or ABC
    return fit or 1


def _append_word(lines: list[str], word: str, width: int) -> list[str]:
    if lines and display_width(lines[-1]) + 1 + display_width(word) <= width:
        return [*lines[:-1], f"{lines[-1]} {word}"]
    return [*lines, word]


def plot_dots_by_report(
    table: pd.DataFrame,
    title: str,
    xlabel: str,
    note: str = "",
    note_if_empty: str = "没有数据",
    reference: float | None = None,
) -> Figure:
    """One row per report (short name, grouped by level), one dot per indicator.

    Args:
        table: columns ``short_name``, ``level_label``, ``indicator``, ``value`` (one unit).
        title: chart title.
        xlabel: x-axis label with its unit, e.g. ``比率（%）``.
        note: a line under the title (e.g. too few reports to compare).
        note_if_empty: placeholder text when there is nothing to draw.
        reference: a dashed reference line (100 for rates).

    Returns:
        The figure; labels wrap, levels are separated by a thin line and named on the right.
    """
    setup_cjk_font()
    if table.empty:
        return plot_note(title, note_if_empty)
    order = list(dict.fromkeys(table.sort_values(["level_rank", "short_name"])["short_name"]))
    if len(order) > MAX_ROWS:
        title = f"{title}（前 {MAX_ROWS} 项，共 {len(order)} 项）"
        order = order[:MAX_ROWS]
        table = table[table["short_name"].isin(order)]
    pos = {name: i for i, name in enumerate(order)}
    fig, ax = plt.subplots(figsize=(8.5, _bar_height(len(order)) + (0.3 if note else 0)))
    for i, (indicator, part) in enumerate(table.groupby("indicator", sort=True)):
        ax.scatter(
            part["value"].astype(float),
            part["short_name"].map(pos),
            color=PALETTE[i % len(PALETTE)],
            s=30,
            zorder=3,
            label=str(indicator),
        )
    if reference is not None:
        ax.axvline(reference, color=REFERENCE_COLOR, linestyle="--", linewidth=1)
    xlabel = _log_axis_if_wide(ax, table["value"], xlabel)
    levels = table.drop_duplicates("short_name").set_index("short_name")["level_label"]
    starts = [y for y in range(len(order)) if y == 0 or levels[order[y]] != levels[order[y - 1]]]
    for a, b in zip(starts, [*starts[1:], len(order)], strict=True):
        if a:
            ax.axhline(a - 0.5, color="#bbbbbb", linewidth=0.6)
        ax.annotate(  # the level of the group, just right of the plot
            str(levels[order[a]]),
            xy=(1.01, (a + b - 1) / 2),
            xycoords=("axes fraction", "data"),
            ha="left",
            va="center",
            fontsize=8,
            color="#555555",
            annotation_clip=False,
        )
    ax.set_yticks(range(len(order)), [wrap_label(n) for n in order])
    ax.set_ylim(len(order) - 0.5, -0.5)
    ax.set_ylabel("报告（按层级分组）")
    ax.set_xlabel(xlabel)
    ax.set_title(f"{title}\n{note}" if note else title)
    # Right of the level names, so neither hides a dot nor the other.
    ax.legend(loc="upper left", bbox_to_anchor=(1.09, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def _log_axis_if_wide(ax, values: pd.Series, xlabel: str) -> str:
    """Switch the x axis to a log scale when positive values span three orders of magnitude
    (a national count next to a school's), with plain tick labels; returns the axis label,
    which then says 对数刻度."""
    positive = values[values.astype(float) > 0].astype(float)
    if not len(positive) or positive.max() / positive.min() < LOG_SCALE_RATIO:
        ax.xaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
        return xlabel
    ax.set_xscale("log")
    ax.set_xlim(positive.min() / 2, positive.max() * 3)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: format_wan(x)))
    return xlabel[:-1] + "，对数刻度）" if xlabel.endswith("）") else xlabel + "（对数刻度）"


def plot_trends(
    table: pd.DataFrame, title: str, ylabel: str, note_if_empty: str = "没有多年数据"
) -> Figure:
    """Lines by year: one line per ``series`` (place or issuer + indicator).

    Args:
        table: columns ``series``, ``year``, ``value``.
        title: chart title.
        ylabel: y-axis label with its unit.
        note_if_empty: placeholder text when no series has two years.
    """
    setup_cjk_font()
    if table.empty:
        return plot_note(title, note_if_empty)
    fig, ax = plt.subplots(figsize=(8, 4))
    for i, (series, part) in enumerate(table.groupby("series", sort=True)):
        part = part.sort_values("year")
        ax.plot(
            part["year"].astype(int),
            part["value"].astype(float),
            marker="o",
            color=PALETTE[i % len(PALETTE)],
            label=wrap_label(str(series), 24),
        )
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlabel("年份（年）")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    return fig


def save_table_csv(table: pd.DataFrame, name: str, out_dir: Path | None = None) -> Path:
    """Export a summary table next to the charts as ``<name>.csv`` (UTF-8 with BOM, opens in
    Excel), atomically; same naming rule as :func:`save_fig`."""
    if not FIG_NAME_PATTERN.match(name):
        raise ValueError(
            f"table name must be lower-case ASCII letters, digits, '_' or '-': {name!r}"
        )
    out = Path(out_dir) if out_dir is not None else paths.FIGURES_DIR
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.csv"
    fd, tmp = tempfile.mkstemp(prefix=f".{name}-", suffix=".csv", dir=out)
    os.close(fd)
    try:
        table.to_csv(tmp, index=False, encoding="utf-8-sig")
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path
