"""Determinism and idempotency: same input, same bytes out; the stage cache reuses only what it may."""

from __future__ import annotations

import hashlib
import pickle
import shutil
from collections import OrderedDict

import pytest

from helpers import cache, pipeline
from helpers.cache import (
    MAGIC,
    cache_key,
    code_version,
    default_cache_dir,
    entry_path,
    load_cached,
    load_tree_digest,
    save_cached,
)

SHA_A = "3f1a" * 16
SHA_B = "9c0e" * 16


def _csv_bytes(out_dir) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out_dir.glob("*.csv"))}


# --- whole runs ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def first_run(seed_dir, tmp_path_factory):
    """One run of the whole pipeline on the seeds, shared by the comparisons below."""
    out = tmp_path_factory.mktemp("first") / "out"
    pipeline.run_pipeline(seed_dir, out)
    return _csv_bytes(out)


def test_two_runs_give_byte_identical_csvs(first_run, seed_dir, tmp_path):
    pipeline.run_pipeline(seed_dir, tmp_path / "b")
    assert {"documents.csv", "paragraphs.csv", "figures.csv", "quality_log.csv"} <= set(first_run)
    assert _csv_bytes(tmp_path / "b") == first_run


def test_rerun_into_same_out_dir_is_idempotent(first_run, seed_dir, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    for name, data in first_run.items():  # a folder holding the previous run's tables
        (out / name).write_bytes(data)
    pipeline.run_pipeline(seed_dir, out)
    assert _csv_bytes(out) == first_run
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no staging left behind


def test_file_order_on_disk_does_not_change_output(first_run, seed_dir, tmp_path):
    # copy the seeds in reverse order: directory listing order must not leak into tables
    raw = tmp_path / "raw"
    raw.mkdir()
    for p in sorted(seed_dir.glob("*.txt"), reverse=True):
        shutil.copyfile(p, raw / p.name)
    pipeline.run_pipeline(raw, tmp_path / "b")
    assert _csv_bytes(tmp_path / "b") == first_run


# --- cache keys ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "left,right,same",
    [
        ((SHA_A, ""), (SHA_A, ""), True),
        ((SHA_A, ""), (SHA_B, ""), False),
        ((SHA_A, "t2s=1"), (SHA_A, "t2s=0"), False),
        ((SHA_A, "t2s=1"), (SHA_A, "t2s=1"), True),
        ((SHA_A, "a\x1fb"), (SHA_A + "\x1fa", "b"), False),
    ],
)
def test_cache_key_depends_on_content_and_options(left, right, same):
    assert (cache_key(*left) == cache_key(*right)) is same


def test_cache_key_changes_with_code_version(monkeypatch):
    before = cache_key(SHA_A)
    monkeypatch.setattr(cache, "code_version", lambda: "0" * 16)
    assert cache_key(SHA_A) != before


def test_cache_key_needs_a_content_hash():
    with pytest.raises(ValueError, match="sha256"):
        cache_key("")


@pytest.mark.parametrize("key", ["", "ab", "../../etc/passwd", "ab/cd"])
def test_entry_path_rejects_non_keys(tmp_path, key):
    with pytest.raises(ValueError, match="not a cache key"):
        entry_path(tmp_path, key)


def test_code_version_is_stable_hex():
    v = code_version()
    assert len(v) == 16 and int(v, 16) >= 0
    assert v == code_version()


def test_tree_digest_changes_on_any_code_or_resource_edit(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "resources").mkdir(parents=True)
    (pkg / "numbers.py").write_text("UNITS = '万亿'\n", encoding="utf-8")
    (pkg / "resources" / "stopwords.txt").write_text("工作\n", encoding="utf-8")
    base = load_tree_digest(pkg)
    (pkg / "__pycache__").mkdir()
    (pkg / "__pycache__" / "numbers.cpython-312.pyc").write_bytes(b"\x00\x01")
    (pkg / "notes.md").write_text("not code", encoding="utf-8")
    assert load_tree_digest(pkg) == base  # bytecode and non-code files do not count
    (pkg / "resources" / "stopwords.txt").write_text("工作\n开展\n", encoding="utf-8")
    edited_resource = load_tree_digest(pkg)
    assert edited_resource != base
    (pkg / "numbers.py").rename(pkg / "numbers2.py")
    assert load_tree_digest(pkg) not in (base, edited_resource)


def test_default_cache_dir_follows_env(monkeypatch, tmp_path):
    monkeypatch.setenv("EDU_REPORTS_CACHE", str(tmp_path / "c"))
    assert default_cache_dir() == tmp_path / "c" / "stages"


# --- cache entries ---------------------------------------------------------------------------

PARAGRAPH = {"doc_id": "001", "raw_start": 0, "raw_end": 9, "text": "教育局年度工作总结"}


def test_save_then_load_roundtrip(tmp_path):
    key = cache_key(SHA_A)
    assert load_cached(tmp_path, key) is None
    save_cached(tmp_path, key, PARAGRAPH)
    assert load_cached(tmp_path, key) == PARAGRAPH
    assert entry_path(tmp_path, key).parent.name == key[:2]
    assert [p.name for p in entry_path(tmp_path, key).parent.iterdir()] == [f"{key}.pkl"]


def test_overwrite_replaces_entry(tmp_path):
    key = cache_key(SHA_A)
    save_cached(tmp_path, key, PARAGRAPH)
    save_cached(tmp_path, key, {"text": "学区2023年工作总结"})
    assert load_cached(tmp_path, key) == {"text": "学区2023年工作总结"}


def _corrupt_truncated(blob: bytes) -> bytes:
    return blob[: len(blob) // 2]


def _corrupt_flipped(blob: bytes) -> bytes:
    i = len(blob) - 5
    return blob[:i] + bytes([blob[i] ^ 0x55]) + blob[i + 1 :]


def _corrupt_no_header(blob: bytes) -> bytes:
    return pickle.dumps(PARAGRAPH)


@pytest.mark.parametrize(
    "corrupt",
    [_corrupt_truncated, _corrupt_flipped, _corrupt_no_header, lambda b: b"", lambda b: MAGIC],
    ids=["truncated", "bit_flip", "bare_pickle", "empty", "header_only"],
)
def test_corrupted_entry_reads_as_missing_and_is_removed(tmp_path, corrupt):
    key = cache_key(SHA_A)
    save_cached(tmp_path, key, PARAGRAPH)
    path = entry_path(tmp_path, key)
    path.write_bytes(corrupt(path.read_bytes()))
    assert load_cached(tmp_path, key) is None
    assert not path.exists()
    save_cached(tmp_path, key, PARAGRAPH)  # and the next run repairs it
    assert load_cached(tmp_path, key) == PARAGRAPH


def test_stale_pickle_of_a_vanished_class_reads_as_missing(tmp_path):
    key = cache_key(SHA_A)
    # same-length rename keeps the pickle well-formed; only the import fails
    payload = pickle.dumps(OrderedDict(PARAGRAPH)).replace(b"collections", b"nocollectio")

    entry_path(tmp_path, key).parent.mkdir(parents=True)
    entry_path(tmp_path, key).write_bytes(MAGIC + hashlib.sha256(payload).digest() + payload)
    assert load_cached(tmp_path, key) is None


def test_unwritable_cache_dir_is_skipped_not_fatal(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x", encoding="utf-8")
    key = cache_key(SHA_A)
    save_cached(blocker / "cache", key, PARAGRAPH)  # parent is a regular file: cannot mkdir
    assert load_cached(blocker / "cache", key) is None


# --- through the pipeline -------------------------------------------------------------------


def test_adding_one_file_reprocesses_only_that_file(first_run, seed_dir, tmp_path):
    seeds = sorted(seed_dir.glob("*.txt"))
    raw = tmp_path / "raw"
    raw.mkdir()
    for p in seeds[:-1]:
        shutil.copyfile(p, raw / p.name)
    cdir = tmp_path / "cache"

    pipeline.run_pipeline(raw, tmp_path / "run1", cache_dir=cdir)
    entries = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in cdir.rglob("*.pkl")}
    assert len(entries) == len(seeds) - 1

    shutil.copyfile(seeds[-1], raw / seeds[-1].name)
    pipeline.run_pipeline(raw, tmp_path / "run2", cache_dir=cdir)
    after = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in cdir.rglob("*.pkl")}
    new = set(after) - set(entries)
    assert len(new) == 1  # only the added file was processed and stored
    assert {p: after[p] for p in entries} == entries  # the others were read, not rewritten

    # same files as the seed folder, so the cached run must equal the cold, uncached one
    assert _csv_bytes(tmp_path / "run2") == first_run
