"""A content-addressed cache for per-document results, invalidated by any code change.

The pipeline caches the per-document result (normalise + segment + figures) under a key made
of the raw file's SHA-256, the options used and :func:`code_version` - a hash of every source
and resource file of the ``helpers`` package. Re-running after adding one file therefore
re-processes only that file, and editing any module or lexicon invalidates everything.

Entries are pickles written atomically (temp file + rename) and carry a checksum; a missing,
truncated or corrupted entry reads as a miss, never as an error. A cache that cannot be
written is skipped with a warning: caching never makes a run fail.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import tempfile
from functools import lru_cache
from pathlib import Path

from . import paths

log = logging.getLogger("helpers.cache")

# File layout: MAGIC, then the SHA-256 of the payload (32 bytes), then the pickle payload.
MAGIC = b"EDUCACHE1\n"
DIGEST_LEN = 32
# What counts as "code" for code_version(): sources and the data files they read.
CODE_SUFFIXES = frozenset({".py", ".txt", ".csv", ".json"})


def default_cache_dir() -> Path:
    """Where stage results are cached: ``helpers.paths.cache_dir() / "stages"``."""
    return paths.cache_dir() / "stages"


def load_tree_digest(root: Path, suffixes: frozenset[str] = CODE_SUFFIXES) -> str:
    """SHA-256 over the relative paths and bytes of every code/resource file under ``root``.

    Args:
        root: a package folder; ``__pycache__`` and hidden entries are ignored.
        suffixes: file suffixes that count as code.

    Returns:
        64 hex digits; changes when any such file is added, removed, renamed or edited.
    """
    root = Path(root)
    h = hashlib.sha256()
    files = sorted(
        p
        for p in root.rglob("*")
        if p.is_file()
        and p.suffix in suffixes
        and not any(part.startswith((".", "__pycache__")) for part in p.relative_to(root).parts)
    )
    for p in files:
        rel = p.relative_to(root).as_posix().encode("utf-8")
        data = p.read_bytes()
        h.update(len(rel).to_bytes(8, "big") + rel + len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


@lru_cache(maxsize=1)
def code_version() -> str:
    """Hash of the ``helpers`` package sources and resources (first 16 hex digits).

    Computed once per process. Any edit to a module or a lexicon gives a new version, so
    cached results from older code are never reused.

    >>> len(code_version()), code_version() == code_version()
    (16, True)
    """
    return load_tree_digest(paths.PACKAGE_DIR)[:16]


def cache_key(sha256: str, options: str = "") -> str:
    """Key for one document's cached result: its content hash, the options, the code version.

    Args:
        sha256: the raw file's SHA-256 (``RawDocument.sha256``).
        options: anything else that changes the result, as a stable string
            (e.g. ``"t2s=1;strip_html=auto"``).

    Returns:
        64 hex digits, safe as a file name.

    Raises:
        ValueError: empty ``sha256`` (a file that could not be read has no content key).

    >>> cache_key("ab" * 32) == cache_key("ab" * 32), cache_key("ab" * 32) == cache_key("ab" * 32, "t2s=0")
    (True, False)
    """
    if not sha256:
        raise ValueError("cache_key needs the file's sha256; got an empty string")
    # JSON keeps the fields apart whatever characters ``options`` contains.
    material = json.dumps(["edu-reports-stage-cache", sha256, options, code_version()])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def entry_path(cache_dir: Path, key: str) -> Path:
    """File holding ``key``: fanned out by its first two characters to keep folders small."""
    if len(key) < 3 or not key.isalnum():
        raise ValueError(f"not a cache key: {key!r}")
    return Path(cache_dir) / key[:2] / f"{key}.pkl"


def load_cached(cache_dir: Path, key: str) -> object | None:
    """The object saved under ``key``, or ``None`` when absent, unreadable or corrupted.

    A corrupted entry is removed so that the next run rewrites it. (An object that is
    itself ``None`` cannot be told apart from a miss; the pipeline never caches ``None``.)
    """
    path = entry_path(cache_dir, key)
    try:
        blob = path.read_bytes()
    except OSError:
        return None
    header = len(MAGIC) + DIGEST_LEN
    payload = blob[header:]
    if (
        len(blob) < header
        or not blob.startswith(MAGIC)
        or hashlib.sha256(payload).digest() != blob[len(MAGIC) : header]
    ):
        log.warning("ignoring corrupted cache entry %s", path)
        path.unlink(missing_ok=True)
        return None
    try:
        return pickle.loads(payload)
    # A class renamed or moved since: the checksum was fine, the pickle is stale.
    except (pickle.UnpicklingError, AttributeError, ImportError, EOFError, TypeError) as exc:
        log.warning("ignoring unreadable cache entry %s: %s", path, exc)
        path.unlink(missing_ok=True)
        return None


def save_cached(cache_dir: Path, key: str, obj: object) -> None:
    """Pickle ``obj`` under ``key`` atomically (temp file + rename); never raises on disk errors.

    Two processes writing the same key at once is safe: each writes its own temp file and
    the last rename wins with a complete entry.
    """
    path = entry_path(cache_dir, key)
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    blob = MAGIC + hashlib.sha256(payload).digest() + payload
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key[:16]}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("cannot write cache entry %s: %s (continuing without cache)", path, exc)
        if tmp:
            Path(tmp).unlink(missing_ok=True)
