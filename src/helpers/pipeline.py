"""The whole analysis from ``data/raw`` to the tables in ``data/processed``.

Usage::

    python -m helpers.pipeline --raw-dir data/raw --out-dir data/processed [--workers N]

Stages: load -> normalise -> segment (articles, boilerplate, duplicates, sections,
paragraphs) -> figures -> themes, per document (in parallel with ``--workers`` or on a
Dask cluster with ``--scheduler``, cached by content hash and code version), then
cross-document duplicates, theme tables and discovery of candidate themes over the corpus.

Exit codes: 0 when the run completed (even if some files were skipped: they are listed in
the summary and in ``quality_log.csv``), 2 for usage errors (missing raw directory, bad
option), 3 when the output directory cannot be written (nothing is left half-written).
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
from .cache import cache_key, default_cache_dir, load_cached, save_cached
from .figures import FIGURE_COLUMNS, extract_figures
from .indicators import build_indicators
from .load import RawDocument, describe_documents, load_documents
from .metadata import METADATA_COLUMNS, assign_short_names, describe_articles
from .normalize import normalize_document
from .parallel import SchedulerError, map_documents
from .quality import QualityEvent, events_from_counts, quality_frame
from .report import has_flags
from .segment import flag_cross_document_duplicates, segment_document
from .tables import save_table
from .themes import build_theme_tables, theme_document
from .vocab import ARTICLE_COLUMNS as BASE_ARTICLE_COLUMNS
from .vocab import PARAGRAPH_COLUMNS

log = logging.getLogger("helpers.pipeline")

# Show a progress bar from this many documents on (and only on a terminal).
PROGRESS_MIN_DOCS = 20

# Articles as written: the segmenter's columns plus report metadata and the short name.
ARTICLE_COLUMNS = [
    *BASE_ARTICLE_COLUMNS,
    *[c for c in METADATA_COLUMNS if c != "title"],
    "short_name",
]


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
    n_cached: int = 0
    table_rows: dict[str, int] = field(default_factory=dict)
    outputs: list[Path] = field(default_factory=list)
    topic_choice: str = ""

    def render(self) -> str:
        """A one-screen, human-readable summary."""
        lines = [
            f"Raw directory : {self.raw_dir}",
            f"Documents     : {self.n_files} file(s) found, {self.n_loaded} read, "
            f"{len(self.skipped)} skipped"
            + (f", {self.n_cached} from cache" if self.n_cached else ""),
        ]
        for path, reason in self.skipped:
            lines.append(f"  skipped {path}: {reason}")
        lines.append("Tables        :")
        for name, n in self.table_rows.items():
            lines.append(f"  {name:<22} {n:>7} rows")
        if self.topic_choice:
            lines.append(f"Themes        : {self.topic_choice}")
        lines.append(f"Outputs       : {self.out_dir} ({len(self.outputs)} files)")
        return "\n".join(lines)


@dataclass
class DocResult:
    """Everything the per-document stages produce for one document (picklable, cacheable)."""

    doc_id: str
    articles: pd.DataFrame
    paragraphs: pd.DataFrame
    figures: pd.DataFrame
    repairs: dict[str, int]
    counts: dict[str, int]
    error: str = ""
    # doc_id, para_id, theme_id, theme, theme_score, theme2 (helpers.themes.theme_document)
    themes: pd.DataFrame = field(default_factory=pd.DataFrame)


def process_document(doc: RawDocument) -> DocResult:
    """Normalise, segment, extract figures and assign themes, for one document.

    Pure (no disk access). A paragraph's theme depends only on its own document, so it is
    assigned here, in the parallel, cached map; paragraphs found to repeat another document
    later lose their theme in :func:`helpers.themes.build_theme_tables`.

    A failure inside a stage is caught and returned as ``error`` so that one odd file
    cannot stop a run over thousands; the quality log names the file and the error.
    """
    try:
        norm = normalize_document(doc.text)
        seg = segment_document(doc.doc_id, norm)
        para_text = {(doc.doc_id, pid): a for pid, a in seg.para_text.items()}
        figs = extract_figures(seg.paragraphs, para_text, {doc.doc_id: doc.text})
        articles = describe_articles(seg.articles, seg.paragraphs, para_text)
        themes = theme_document(seg.paragraphs) if len(seg.paragraphs) else pd.DataFrame()
        return DocResult(
            doc_id=doc.doc_id,
            articles=articles,
            paragraphs=seg.paragraphs,
            figures=figs,
            repairs=dict(norm.repairs),
            counts=dict(seg.counts),
            themes=themes,
        )
    except Exception as exc:  # noqa: BLE001 - reported per document, the run goes on
        empty = pd.DataFrame()
        return DocResult(
            doc.doc_id, empty, empty, empty, {}, {}, error=f"{type(exc).__name__}: {exc}"
        )


@dataclass
class _CachedJob:
    """A document plus where to look for / store its cached result (picklable)."""

    doc: RawDocument
    cache_dir: Path | None


def _cache_key(doc: RawDocument) -> str:
    # The doc_id is part of the key: two files with the same bytes get their own rows.
    return cache_key(doc.sha256, f"doc_id={doc.doc_id}")


def _run_job(job: _CachedJob) -> tuple[DocResult, bool]:
    if job.cache_dir is not None:
        hit = load_cached(job.cache_dir, _cache_key(job.doc))
        if isinstance(hit, DocResult):
            return hit, True
    result = process_document(job.doc)
    if job.cache_dir is not None and not result.error:
        save_cached(job.cache_dir, _cache_key(job.doc), result)
    return result, False


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)


def enrich_documents(documents: pd.DataFrame, results: list[DocResult]) -> pd.DataFrame:
    """Add article/paragraph/figure counts and per-document repair counts to ``documents``."""
    rows = []
    for r in results:
        para = r.paragraphs
        row = {
            "doc_id": r.doc_id,
            "n_articles": len(r.articles),
            "n_paragraphs": len(para),
            "n_boilerplate_paragraphs": int(para["is_boilerplate"].sum()) if len(para) else 0,
            "n_duplicate_paragraphs": int(para["is_duplicate"].sum()) if len(para) else 0,
            "n_figures": len(r.figures),
            "process_error": r.error,
        }
        row.update({f"repair_{k}": int(v) for k, v in r.repairs.items()})
        rows.append(row)
    if not rows:
        return documents
    extra = pd.DataFrame(rows)
    repair_cols = sorted(c for c in extra.columns if c.startswith("repair_"))
    extra[repair_cols] = extra[repair_cols].fillna(0).astype(int)
    extra = extra[[c for c in extra.columns if not c.startswith("repair_")] + repair_cols]
    out = documents.merge(extra, on="doc_id", how="left")
    count_cols = [c for c in extra.columns if c not in ("doc_id", "process_error")]
    out[count_cols] = out[count_cols].fillna(0).astype(int)
    out["process_error"] = out["process_error"].fillna("")
    return out


def drop_duplicate_figures(figures: pd.DataFrame, paragraphs: pd.DataFrame) -> pd.DataFrame:
    """Keep only figures whose paragraph is still non-duplicate after cross-document dedup."""
    if not len(figures) or not len(paragraphs):
        return figures
    keep = paragraphs.loc[~paragraphs["is_duplicate"].astype(bool), ["doc_id", "para_id"]]
    return figures.merge(keep, on=["doc_id", "para_id"], how="inner")[figures.columns]


def build_tables(
    docs: Sequence[RawDocument],
    *,
    workers: int = 1,
    scheduler: object = None,
    cache_dir: Path | None = None,
    seed: int = 0,
    k: int | None = None,
    progress: bool = False,
) -> tuple[dict[str, pd.DataFrame], list[QualityEvent], dict[str, int | str]]:
    """Run every stage on loaded documents; return tables, quality events and run facts."""
    events: list[QualityEvent] = []
    documents = describe_documents(list(docs))
    for d in docs:
        if not d.ok:
            events.append(QualityEvent(d.doc_id, "load", "skipped", 1, d.skip_reason, path=d.path))
    for row in documents.itertuples():
        if row.duplicate_of:
            events.append(
                QualityEvent(
                    row.doc_id,
                    "load",
                    "duplicate_file",
                    1,
                    f"same bytes as {row.duplicate_of}",
                    path=row.path,
                )
            )

    ok_docs = [d for d in docs if d.ok]
    jobs = [_CachedJob(d, cache_dir) for d in ok_docs]
    outcomes = map_documents(
        _run_job, jobs, workers=workers, scheduler=scheduler, progress=_progress_wrapper(progress)
    )
    results = [r for r, _ in outcomes]
    n_cached = sum(hit for _, hit in outcomes)

    path_of = {d.doc_id: d.path for d in docs}
    for r in results:
        p = path_of.get(r.doc_id, "")
        if r.error:
            log.warning("could not process %s: %s", p, r.error)
            events.append(QualityEvent(r.doc_id, "process", "error", 1, r.error, path=p))
        events += events_from_counts(r.doc_id, "normalize", r.repairs, path=p)
        events += events_from_counts(r.doc_id, "segment", r.counts, path=p)

    articles = assign_short_names(_concat([r.articles for r in results], ARTICLE_COLUMNS))
    paragraphs = _concat([r.paragraphs for r in results], PARAGRAPH_COLUMNS)
    if len(paragraphs):
        before = int(paragraphs["is_duplicate"].sum())
        paragraphs = flag_cross_document_duplicates(paragraphs)
        n_cross = int(paragraphs["is_duplicate"].sum()) - before
        if n_cross:
            events.append(
                QualityEvent(
                    "",
                    "segment",
                    "cross_document_duplicate_paragraph",
                    n_cross,
                    "paragraph text already seen in an earlier document",
                )
            )
    figures = drop_duplicate_figures(
        _concat([r.figures for r in results], FIGURE_COLUMNS), paragraphs
    )
    # Same notion of "flagged" as the notebooks: warnings only, not descriptive flags (approx=余).
    for doc_id, n in figures.loc[has_flags(figures)].groupby("doc_id").size().items():
        events.append(
            QualityEvent(doc_id, "figures", "flagged_figure", int(n), path=path_of.get(doc_id, ""))
        )

    themes = _concat([r.themes for r in results], ["doc_id", "para_id"])
    paragraphs, topic_tables, topic_choice = run_themes(
        paragraphs, themes, k=k, seed=seed, events=events
    )

    documents = enrich_documents(documents, results)
    tables = {
        "documents": documents,
        "articles": articles,
        "paragraphs": paragraphs,
        "figures": figures,
        "indicators": build_indicators(figures, articles),
        **topic_tables,
    }
    facts: dict[str, int | str] = {"n_cached": n_cached, "topic_choice": topic_choice}
    return tables, events, facts


def run_themes(
    paragraphs: pd.DataFrame,
    themes: pd.DataFrame,
    *,
    k: int | None,
    seed: int,
    events: list[QualityEvent],
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame], str]:
    """Theme tables and discovery; a corpus too small for discovery is logged, not fatal.

    ``themes`` come from the per-document map (:attr:`DocResult.themes`); discovery
    tokenises only its bounded sample.
    """
    paragraphs, tables = build_theme_tables(paragraphs, themes, seed=seed, k=k)
    n_themed = int((paragraphs["theme_id"] != "").sum())
    n_other = int((paragraphs["theme_id"] == "other").sum())
    if n_themed:
        events.append(
            QualityEvent("", "topics", "themed_paragraphs", n_themed, f"{n_other} as 其他")
        )
    cands = tables["theme_candidates"]
    if cands.empty:
        reason = "too few paragraphs fit no theme to look for new ones"
        events.append(QualityEvent("", "topics", "no_theme_candidates", 1, reason))
        found = f"no candidate theme ({reason})"
    else:
        chosen = tables["topic_sweep"].loc[tables["topic_sweep"]["chosen"].astype(bool), "k"]
        found = f"{cands.candidate_id.nunique()} candidate theme(s), NMF k={int(chosen.iloc[0])}"
    choice = f"{n_themed} paragraphs themed ({n_other} 其他); discovery: {found}"
    return paragraphs, tables, choice


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
    """Write all tables into a staging folder, then swap them into ``out_dir`` together.

    Previous outputs of the same names are set aside first; if any move fails, the files
    already moved are taken back out and the previous outputs restored, so ``out_dir``
    holds either the complete new set or the old one, never a mix.
    """
    check_out_dir(out_dir)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    backup = staging / ".previous"
    moved: list[Path] = []
    set_aside: list[Path] = []
    try:
        staged: list[Path] = []
        for name, df in tables.items():
            staged.extend(save_table(df, staging, name))
        backup.mkdir()
        try:
            for p in staged:
                target = out_dir / p.name
                if target.is_file():
                    os.replace(target, backup / p.name)
                    set_aside.append(target)
                os.replace(p, target)
                moved.append(target)
        except OSError:
            for target in moved:
                target.unlink(missing_ok=True)
            for target in set_aside:
                os.replace(backup / target.name, target)
            raise
        return moved
    except OSError as exc:
        raise OutputDirError(f"cannot write outputs to {out_dir}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def run_pipeline(
    raw_dir: Path = paths.RAW_DIR,
    out_dir: Path = paths.PROCESSED_DIR,
    *,
    workers: int = 1,
    scheduler: object = None,
    cache_dir: Path | None = None,
    seed: int = 0,
    k: int | None = None,
    progress: bool | None = None,
) -> RunSummary:
    """Load every report under ``raw_dir``, run all stages, write the tables to ``out_dir``.

    Args:
        workers: processes for the per-document stages.
        scheduler: Dask scheduler address or ``distributed.Client`` (overrides ``workers``).
        cache_dir: where per-document results are cached (``None``: no cache).
        seed, k: seed of theme discovery and a fixed number of discovery clusters (``None``:
            chosen by its bounded sweep). Neither changes any paragraph's theme.

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
    tables, events, facts = build_tables(
        docs,
        workers=workers,
        scheduler=scheduler,
        cache_dir=cache_dir,
        seed=seed,
        k=k,
        progress=progress,
    )
    tables["quality_log"] = quality_frame(events)
    outputs = save_tables(tables, out_dir)
    return RunSummary(
        raw_dir=raw_dir,
        out_dir=out_dir,
        n_files=len(docs),
        n_loaded=sum(d.ok for d in docs),
        skipped=[(d.path, d.skip_reason) for d in docs if not d.ok],
        n_cached=int(facts["n_cached"]),
        table_rows={name: len(df) for name, df in tables.items()},
        outputs=outputs,
        topic_choice=str(facts["topic_choice"]),
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.pipeline",
        description="Clean Chinese education reports and extract paragraphs, figures and topics.",
    )
    parser.add_argument(
        "--raw-dir",
        type=Path,
        default=paths.RAW_DIR,
        help="folder of raw .txt reports (default: data/raw)",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=paths.PROCESSED_DIR,
        help="folder for the output tables (default: data/processed)",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes for the per-document stages (default: 1)",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        help="Dask distributed scheduler address, e.g. tcp://host:8786 "
        "(needs the dev extra: dask[distributed])",
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed of theme discovery")
    parser.add_argument(
        "--k",
        type=int,
        default=None,
        help="fixed number of clusters in theme discovery (default: chosen by a sweep)",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="recompute every document instead of reusing cached results",
    )
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help="cache folder (default: ~/.cache/edu-reports/stages)",
    )
    parser.add_argument("--quiet", action="store_true", help="no summary, warnings only")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit code."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    if args.workers < 1:
        print("error: --workers must be at least 1", file=sys.stderr)
        return 2
    if args.k is not None and args.k < 2:
        print("error: --k must be at least 2", file=sys.stderr)
        return 2
    cache_dir = None if args.no_cache else (args.cache_dir or default_cache_dir())
    try:
        summary = run_pipeline(
            args.raw_dir,
            args.out_dir,
            workers=args.workers,
            scheduler=args.scheduler,
            cache_dir=cache_dir,
            seed=args.seed,
            k=args.k,
        )
    except FileNotFoundError as exc:
        print(
            f"error: {exc}. Pass --raw-dir pointing to a folder of .txt reports.", file=sys.stderr
        )
        return 2
    except OutputDirError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 3
    except SchedulerError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(summary.render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
