"""Every path the project uses, derived from this file's location (never the working dir)."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parents[1]
RESOURCES_DIR = PACKAGE_DIR / "resources"

DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
INTERIM_DIR = DATA_DIR / "interim"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = PROJECT_ROOT / "reports"
FIGURES_DIR = REPORTS_DIR / "figures"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"


def cache_dir() -> Path:
    """Per-user cache directory for derived artefacts (jieba's model cache, stage cache).

    ``EDU_REPORTS_CACHE`` overrides it; otherwise ``$XDG_CACHE_HOME/edu-reports`` or
    ``~/.cache/edu-reports``. Never a shared temp path, so two users cannot clash.
    """
    override = os.environ.get("EDU_REPORTS_CACHE")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "edu-reports"


def resource_path(name: str) -> Path:
    """Path of a data file shipped in ``helpers/resources``."""
    return RESOURCES_DIR / name
