"""Build what analysts share from a run's stored tables and charts: the HTML report and the workbook.

Command line (what ``make report`` calls, and ``make run`` after the notebooks)::

    python -m helpers.publish --processed-dir data/processed --figures-dir reports/figures \\
        --report-dir reports [--notebooks-dir reports/notebooks] [--run-name NAME]

It ends with a summary naming where the report, the workbook, the tables and the charts are.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .html_report import (
    REPORT_NAME,
    build_report_context,
    load_chart_images,
    load_font_subset,
    load_quality_summary,
    load_report_tables,
    page_characters,
    render_report,
    save_report,
)
from .workbook import SHEETS, WORKBOOK_NAME, save_workbook


@dataclass
class PublishSummary:
    """Where a run's shareable outputs are."""

    report: Path
    workbook: Path
    processed_dir: Path
    figures_dir: Path
    notebooks_dir: Path | None
    n_charts: int
    missing: list[str]
    seconds: float

    def render(self) -> str:
        """The closing lines of ``make run``: every output folder, and what was missing."""
        size = self.report.stat().st_size / 1e6 if self.report.exists() else 0.0
        lines = [
            f"Report        : {_show(self.report)} ({size:.1f} MB, {self.n_charts} charts embedded)",
            f"Workbook      : {_show(self.workbook)} (sheets: about, {', '.join(SHEETS)})",
            f"Tables        : {_show(self.processed_dir)} (NAME.parquet exact; NAME.csv safe cells)",
            f"Charts        : {_show(self.figures_dir)} (PNG, SVG, PDF)",
        ]
        if self.notebooks_dir is not None:
            lines.append(f"Notebooks     : {_show(self.notebooks_dir)} (executed copies)")
        if self.missing:
            lines.append(f"Not available in this run: {', '.join(self.missing)}")
        lines.append(f"Report and workbook built in {self.seconds:.1f} s")
        return "\n".join(lines)


def _show(path: Path) -> str:
    """A path relative to the project when it is inside it (shorter in the log)."""
    try:
        return str(Path(path).resolve().relative_to(paths.PROJECT_ROOT))
    except ValueError:
        return str(path)


def publish_run(
    processed_dir: Path,
    figures_dir: Path,
    report_dir: Path,
    *,
    run_name: str = "",
    notebooks_dir: Path | None = None,
) -> PublishSummary:
    """Write ``report.html`` and ``edu-reports.xlsx`` into ``report_dir`` from stored outputs.

    Raises:
        FileNotFoundError: ``processed_dir`` holds no ``documents.parquet`` (run the pipeline).
    """
    started = time.perf_counter()
    if not (Path(processed_dir) / "documents.parquet").exists():
        raise FileNotFoundError(
            f"{processed_dir}/documents.parquet not found: run `make data` (the pipeline) first"
        )
    tables = load_report_tables(processed_dir)
    charts = load_chart_images(figures_dir)
    context = build_report_context(tables, charts, load_quality_summary(), run_name)
    # Render once to learn which characters the page shows, then embed just those glyphs.
    font = load_font_subset(page_characters(render_report(context, font_src="data:,")))
    report = save_report(render_report(context, font), Path(report_dir) / REPORT_NAME)
    workbook = save_workbook(
        {name: tables.get(name) for name in SHEETS}, Path(report_dir) / WORKBOOK_NAME
    )
    return PublishSummary(
        report=report,
        workbook=workbook,
        processed_dir=Path(processed_dir),
        figures_dir=Path(figures_dir),
        notebooks_dir=Path(notebooks_dir) if notebooks_dir else None,
        n_charts=len(charts),
        missing=[name for name in SHEETS if tables.get(name) is None],
        seconds=time.perf_counter() - started,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code (2 when tables are missing)."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.publish",
        description="Write the HTML report and the Excel workbook of a run.",
    )
    parser.add_argument("--processed-dir", type=Path, default=paths.PROCESSED_DIR)
    parser.add_argument("--figures-dir", type=Path, default=paths.FIGURES_DIR)
    parser.add_argument("--report-dir", type=Path, default=paths.REPORTS_DIR)
    parser.add_argument("--notebooks-dir", type=Path, default=None)
    parser.add_argument("--run-name", default="", help="shown in the report's title")
    args = parser.parse_args(argv)
    try:
        summary = publish_run(
            args.processed_dir,
            args.figures_dir,
            args.report_dir,
            run_name=args.run_name,
            notebooks_dir=args.notebooks_dir,
        )
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(summary.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
