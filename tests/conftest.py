"""Shared fixtures: the seed corpus and helpers to build small raw folders in tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import paths


@pytest.fixture(scope="session")
def seed_dir() -> Path:
    """The default corpus shipped in data/raw (read-only in tests)."""
    return paths.RAW_DIR


@pytest.fixture(scope="session")
def seed_texts(seed_dir) -> dict[str, str]:
    """doc_id -> decoded raw text of every seed file."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(seed_dir.glob("*.txt"))}


@pytest.fixture
def make_raw_dir(tmp_path):
    """Factory: write {relative name: bytes or str} into a fresh raw dir and return it."""

    def _make(files: dict[str, bytes | str], name: str = "raw") -> Path:
        root = tmp_path / name
        root.mkdir(parents=True, exist_ok=True)
        for rel, content in files.items():
            p = root / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, str):
                p.write_bytes(content.encode("utf-8"))
            else:
                p.write_bytes(content)
        return root

    return _make
