"""The quality log: every file skipped, every repair made, every block flagged, counted.

Stages report what they did as :class:`QualityEvent` records; the pipeline writes them all
to ``quality_log.csv`` so nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

import pandas as pd

QUALITY_COLUMNS = ["doc_id", "path", "stage", "kind", "count", "detail"]


@dataclass(frozen=True)
class QualityEvent:
    """One line of the quality log.

    Args:
        doc_id: document concerned ("" for run-level events).
        stage: ``load``, ``normalize``, ``boilerplate``, ``segment``, ``figures``, ``topics``.
        kind: short machine-readable name, e.g. ``skipped``, ``pinyin_gloss``, ``mojibake``.
        count: how many times it happened in this document.
        detail: human-readable reason or example.
    """

    doc_id: str
    stage: str
    kind: str
    count: int = 1
    detail: str = ""
    path: str = ""


def events_from_counts(
    doc_id: str, stage: str, counts: Mapping[str, int], path: str = ""
) -> list[QualityEvent]:
    """Turn a ``{kind: count}`` mapping into events, leaving out zero counts."""
    return [
        QualityEvent(doc_id=doc_id, stage=stage, kind=k, count=int(v), path=path)
        for k, v in sorted(counts.items())
        if v
    ]


def quality_frame(events: Iterable[QualityEvent]) -> pd.DataFrame:
    """The quality log as a DataFrame with the columns of ``quality_log.csv``."""
    rows = [asdict(e) for e in events]
    return pd.DataFrame(rows, columns=QUALITY_COLUMNS)
