"""The whole analysis from ``data/raw`` to the tables in ``data/processed``.

Usage::

    python -m helpers.pipeline --raw-dir data/raw --out-dir data/processed

Exit codes: 0 when the run completed (even if some files were skipped: they are listed in
the summary and in ``quality_log.csv``), 2 for usage errors (missing raw directory), 3 when
the output directory cannot be written (nothing is left half-written).
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import paths
from .load import RawDocument, describe_documents, load_documents
from .parallel import map_documents
from .quality import QualityEvent, quality_frame
from .tables import save_table

log = logging.getLogger("helpers.pipeline")

# Show a progress bar from this many documents on (and only on a terminal).
PROGRESS_MIN_DOCS = 20


class OutputDirError(RuntimeError):
    """The output directory cannot be created or written."""


@dataclass
class RunSummary:
    """What a run did: counts, skipped files with reasons, and the files written."""

    raw_dir: Path
    out_dir: Path
    n_files: int = 0
    n_loaded: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    table_rows: dict[str, int] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)

    def render(self) -> str:
        """A one-screen, human-readable summary."""
        lines = [
            f"Raw directory : {self.raw_dir}",
            f"Documents     : {self.n_files} file(s) found, {self.n_loaded} read, "
            f"{len(self.skipped)} skipped",
        ]
        for path, reason in self.skipped:
            lines.append(f"  skipped {path}: {reason}")
        for name, n in self.table_rows.items():
            lines.append(f"  {name:<12} {n:>7} rows")
        lines.append(f"Outputs       : {self.out_dir} ({len(self.outputs)} files)")
        return "\n".join(lines)


@dataclass
class PipelineTables:
    """Every table a run produces, before it is written."""

    tables: dict[str, pd.DataFrame]
    events: list[QualityEvent]


def build_tables(docs: Sequence[RawDocument], *, workers: int = 1, progress: bool = False) -> PipelineTables:
    """Run every stage on already-loaded documents and return the tables (no disk access)."""
    events: list[QualityEvent] = []
    for d in docs:
        if not d.ok:
            events.append(
                QualityEvent(d.doc_id, "load", "skipped", 1, d.skip_reason, path=d.path)
            )
    documents = describe_documents(list(docs))
    for row in documents.itertuples():
        if row.duplicate_of:
            events.append(
                QualityEvent(row.doc_id, "load", "duplicate_file", 1,
                             f"same bytes as {row.duplicate_of}", path=row.path)
            )
    tables = {"documents": documents}
    return PipelineTables(tables=tables, events=events)


def _progress_wrapper(enabled: bool):
    if not enabled:
        return None
    from tqdm import tqdm

    return lambda it, n: tqdm(it, total=n, desc="documents", unit="doc", file=sys.stderr)


def check_out_dir(out_dir: Path) -> None:
    """Create ``out_dir`` if needed and prove it is writable, or raise OutputDirError."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-check-", dir=out_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputDirError(
            f"cannot write to output directory {out_dir}: {exc.strerror or exc}. "
            "Choose another --out-dir or fix its permissions."
        ) from exc


def save_tables(tables: dict[str, pd.DataFrame], out_dir: Path) -> list[Path]:
    """Write all tables into a staging folder, then move them into ``out_dir`` together.

    If anything fails while writing, no table of this run is left in ``out_dir``.
    """
    check_out_dir(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    try:
        staged: list[Path] = []
        for name, df in tables.items():
            staged.extend(save_table(df, staging, name))
        final = []
        for p in staged:
            target = out_dir / p.name
            os.replace(p, target)
            final.append(target)
        return final
    except OSError as exc:
        raise OutputDirError(f"cannot write outputs to {out_dir}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def run_pipeline(
    raw_dir: Path = paths.RAW_DIR,
    out_dir: Path = paths.PROCESSED_DIR,
    *,
    workers: int = 1,
    progress: bool | None = None,
) -> RunSummary:
    """Load every report under ``raw_dir``, run all stages, write the tables to ``out_dir``.

    Raises:
        FileNotFoundError: ``raw_dir`` missing.
        OutputDirError: ``out_dir`` not writable (checked before any work is done).
    """
    raw_dir, out_dir = Path(raw_dir), Path(out_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw directory not found: {raw_dir}")
    check_out_dir(out_dir)
    docs = load_documents(raw_dir)
    for d in docs:
        if not d.ok:
            log.warning("skipped %s: %s", raw_dir / d.path, d.skip_reason)
    if progress is None:
        progress = len(docs) >= PROGRESS_MIN_DOCS and sys.stderr.isatty()
    result = build_tables(docs, workers=workers, progress=progress)
    tables = dict(result.tables)
    tables["quality_log"] = quality_frame(result.events)
    outputs = save_tables(tables, out_dir)
    return RunSummary(
        raw_dir=raw_dir,
        out_dir=out_dir,
        n_files=len(docs),
        n_loaded=sum(d.ok for d in docs),
        skipped=[(d.path, d.skip_reason) for d in docs if not d.ok],
        table_rows={name: len(df) for name, df in tables.items()},
        outputs=outputs,
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.pipeline",
        description="Clean Chinese education reports and extract paragraphs, figures and topics.",
    )
    parser.add_argument("--raw-dir", type=Path, default=paths.RAW_DIR,
                        help="folder of raw .txt reports (default: data/raw)")
    parser.add_argument("--out-dir", type=Path, default=paths.PROCESSED_DIR,
                        help="folder for the output tables (default: data/processed)")
    parser.add_argument("--workers", type=int, default=1,
                        help="worker processes for the per-document stages (default: 1)")
    parser.add_argument("--quiet", action="store_true", help="no summary, warnings only")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    try:
        summary = run_pipeline(args.raw_dir, args.out_dir, workers=args.workers)
    except FileNotFoundError as exc:
        print(f"error: {exc}. Pass --raw-dir pointing to a folder of .txt reports.", file=sys.stderr)
        return 2
    except OutputDirError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    if not args.quiet:
        print(summary.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
