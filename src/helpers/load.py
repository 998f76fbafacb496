"""Reading raw reports: find the files, decode them strictly, describe each document.

The decoded text returned here is *the* reference for every offset in the project: the
file's bytes decoded, a BOM removed, and nothing else touched (``\\r\\n`` stays two
characters). Bad files never raise out of :func:`load_documents`; they come back as
skipped documents with a reason, and the caller logs them.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from .script import measure_script
from .vocab import DOCUMENT_COLUMNS

# Order matters: UTF-8 is tried first because it almost never decodes non-UTF-8 text by
# accident; GB18030 and Big5 both accept many byte strings, so a tie between them is
# broken by charset-normalizer and then by plausibility.
STRICT_ENCODINGS = ("utf-8", "gb18030", "big5")
BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# A text whose share of control characters (other than tab/newline/CR/form feed) exceeds
# this is treated as binary.
MAX_CONTROL_SHARE = 0.05
# C0 and C1 control characters (Unicode category Cc) except \t \n \v \f \r.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


class DecodeError(ValueError):
    """Raised by :func:`decode_bytes` when bytes are not readable text; ``str()`` is the reason."""


@dataclass(frozen=True)
class RawDocument:
    """One raw file, decoded (``text`` is empty when the file was skipped)."""

    doc_id: str
    path: str
    sha256: str
    n_bytes: int
    encoding: str = ""
    text: str = field(default="", repr=False)
    skip_reason: str = ""

    @property
    def ok(self) -> bool:
        return not self.skip_reason


def _control_share(text: str) -> float:
    """Share of control characters other than tab/newline/CR/FF/VT in the first 200k chars."""
    if not text:
        return 0.0
    sample = text[:200_000]
    return len(CONTROL_CHARS.findall(sample)) / len(sample)


def _plausibility(text: str) -> float:
    """Share of characters that are common in Chinese prose (CJK, ASCII, CJK punctuation)."""
    sample = text[:100_000]
    if not sample:
        return 0.0
    good = 0
    for ch in sample:
        o = ord(ch)
        if o < 0x80 or 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF:
            good += 1
    return good / len(sample)


def _break_tie(data: bytes, candidates: dict[str, str]) -> str:
    """Choose between several strict decodings of the same bytes."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000], cp_isolation=list(candidates)).best()
    if best is not None:
        name = codecs.lookup(best.encoding).name
        for enc in candidates:
            if codecs.lookup(enc).name == name:
                return enc
    return max(candidates, key=lambda enc: _plausibility(candidates[enc]))


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a raw file's bytes strictly; return ``(text, encoding)``.

    Tries a BOM first (UTF-8, UTF-16, UTF-32), then strict UTF-8, GB18030 and Big5.
    Newlines are left exactly as they are.

    Raises:
        DecodeError: empty, binary (NUL bytes or control characters) or undecodable input;
            the message is the reason, fit for a log.

    >>> decode_bytes("教育".encode("gb18030"))
    ('教育', 'gb18030')
    >>> decode_bytes(codecs.BOM_UTF8 + "教育\\r\\n".encode())
    ('教育\\r\\n', 'utf-8-sig')
    """
    if not data:
        raise DecodeError("empty file (0 bytes)")
    for bom, enc in BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"has a {enc} byte-order mark but is not valid {enc}: {exc}"
                ) from exc
            return _check_text(text), enc
    if b"\x00" in data:
        raise DecodeError("binary content (NUL bytes and no UTF-16 byte-order mark)")
    decoded: dict[str, str] = {}
    for enc in STRICT_ENCODINGS:
        try:
            decoded[enc] = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8":
            break
    if not decoded:
        raise DecodeError("undecodable: not valid UTF-8, GB18030 or Big5")
    enc = next(iter(decoded)) if len(decoded) == 1 else _break_tie(data, decoded)
    return _check_text(decoded[enc]), enc


def _check_text(text: str) -> str:
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise DecodeError("binary content (mostly control characters)")
    return text


def find_raw_files(raw_dir: Path) -> list[Path]:
    """All ``*.txt`` files under ``raw_dir`` (recursively), in a stable sorted order.

    Hidden files and folders (names starting with ``.``) are skipped.
    """
    raw_dir = Path(raw_dir)
    files = [
        p
        for p in raw_dir.rglob("*")
        if p.is_file()
        and p.suffix.lower() == ".txt"
        and not any(part.startswith(".") for part in p.relative_to(raw_dir).parts)
    ]
    return sorted(files, key=lambda p: p.relative_to(raw_dir).as_posix())


def make_doc_id(rel_path: str) -> str:
    """Document id: the file name without ``.txt``; files in sub-folders keep the folder.

    >>> make_doc_id("000_abc.txt"), make_doc_id("2023/县 报告.txt")
    ('000_abc', '2023/县 报告')
    """
    return rel_path[: -len(".txt")] if rel_path.lower().endswith(".txt") else rel_path


def parse_raw_bytes(data: bytes, rel_path: str) -> RawDocument:
    """Decode one file's bytes into a :class:`RawDocument` (skipped, with a reason, if bad)."""
    common: dict[str, Any] = dict(
        doc_id=make_doc_id(rel_path),
        path=rel_path,
        sha256=hashlib.sha256(data).hexdigest(),
        n_bytes=len(data),
    )
    try:
        text, enc = decode_bytes(data)
    except DecodeError as exc:
        return RawDocument(**common, skip_reason=str(exc))
    if not text.strip():
        return RawDocument(**common, encoding=enc, skip_reason="whitespace only")
    return RawDocument(**common, encoding=enc, text=text)


def load_raw_document(path: Path, raw_dir: Path) -> RawDocument:
    """Read and decode one file. Unreadable files come back skipped, never raised."""
    rel = Path(path).relative_to(raw_dir).as_posix()
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return RawDocument(
            doc_id=make_doc_id(rel),
            path=rel,
            sha256="",
            n_bytes=0,
            skip_reason=f"cannot read file: {exc.strerror or exc}",
        )
    return parse_raw_bytes(data, rel)


def load_documents(raw_dir: Path) -> list[RawDocument]:
    """Read every ``*.txt`` under ``raw_dir``; bad files are returned with ``skip_reason``.

    Raises:
        FileNotFoundError: ``raw_dir`` does not exist or is not a directory.
    """
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"raw directory not found: {raw_dir}")
    return [load_raw_document(p, raw_dir) for p in find_raw_files(raw_dir)]


def describe_documents(docs: list[RawDocument]) -> pd.DataFrame:
    """One row per file: identity, encoding, size, script and byte-identical duplicates.

    ``duplicate_of`` names the first document (in sorted order) with the same bytes, on
    every later copy; it is empty on the first one and on unique files.
    """
    first_by_hash: dict[str, str] = {}
    rows = []
    for d in docs:
        prof = measure_script(d.text)
        dup = ""
        if d.sha256 and d.n_bytes:
            dup = first_by_hash.setdefault(d.sha256, d.doc_id)
            dup = "" if dup == d.doc_id else dup
        rows.append(
            dict(
                doc_id=d.doc_id,
                path=d.path,
                status="ok" if d.ok else "skipped",
                skip_reason=d.skip_reason,
                sha256=d.sha256,
                n_bytes=d.n_bytes,
                encoding=d.encoding,
                n_chars=len(d.text),
                n_lines=(d.text.count("\n") + (0 if d.text.endswith("\n") else 1)) if d.text else 0,
                n_cjk=prof.n_cjk,
                trad_share=round(prof.trad_share, 4),
                script=prof.script if d.ok else "",
                duplicate_of=dup,
            )
        )
    return pd.DataFrame(rows, columns=DOCUMENT_COLUMNS)
