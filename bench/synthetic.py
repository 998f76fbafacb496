"""Synthetic corpora for the benchmark: 1x, 10x, 100x the seed corpus, as varied copies.

Copy 0 of every seed is the seed itself, byte for byte. Later copies are varied so that no
two files are identical (the duplicate detector and the stage cache must not make the large
corpora artificially cheap) while staying realistic report text:

- every digit run gets new digits of the same length (figures keep their shape: 1628人 -> 4071人);
- the body's paragraphs are partly reordered (the first lines, the title block, stay first);
- some copies are written as GB18030, some with CRLF line endings, some with a UTF-8 BOM,
  in the proportions a scraped corpus shows, so the decoder does real work;
- copies are spread over sub-folders of 50 files, like a scraped archive.

Corpora are built in a temporary folder, never in data/raw.

Usage::

    python bench/synthetic.py --factor 10 --out /tmp/corpus10
"""

from __future__ import annotations

import argparse
import codecs
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from helpers import paths  # noqa: E402 - after the sys.path line that finds src/
from helpers.load import decode_bytes, find_raw_files  # noqa: E402 - same reason

DIGIT_RUN = re.compile(r"[0-9]+")
# Lines kept in place at the top of a document (title, breadcrumbs, date line).
HEAD_LINES = 6
# Share of copies written in each variant encoding / line ending.
P_GB18030 = 0.2
P_CRLF = 0.15
P_BOM = 0.1
FILES_PER_FOLDER = 50


def vary_digits(text: str, rng: random.Random) -> str:
    """Give every digit run new digits of the same length (no leading zero on multi-digit runs).

    >>> vary_digits("高考人数1628人,上线率51.66%", random.Random(0))
    '高考人数7604人,上线率97.74%'
    """

    def repl(m: re.Match) -> str:
        n = len(m.group())
        first = str(rng.randint(1, 9)) if n > 1 else str(rng.randint(0, 9))
        return first + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))

    return DIGIT_RUN.sub(repl, text)


def shuffle_paragraphs(text: str, rng: random.Random, share: float = 0.3) -> str:
    """Swap about ``share`` of the body lines with a random partner; the head stays in place.

    Line endings are kept with their lines, so a CRLF file stays CRLF.
    """
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    body = list(range(HEAD_LINES, len(lines)))
    for _ in range(int(len(body) * share / 2)):
        i, j = rng.sample(body, 2)
        lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


def make_variant(text: str, copy: int, rng: random.Random) -> tuple[bytes, str]:
    """Bytes of copy number ``copy`` of a seed (0 = the seed text as UTF-8) and how it was written."""
    if copy == 0:
        return text.encode("utf-8"), "utf-8"
    varied = shuffle_paragraphs(vary_digits(text, rng), rng)
    if rng.random() < P_CRLF:
        varied = re.sub(r"\r?\n", "\r\n", varied)
    roll = rng.random()
    if roll < P_GB18030:
        return varied.encode("gb18030"), "gb18030"
    if roll < P_GB18030 + P_BOM:
        return codecs.BOM_UTF8 + varied.encode("utf-8"), "utf-8-sig"
    return varied.encode("utf-8"), "utf-8"


def load_seed_texts(seed_dir: Path) -> dict[str, str]:
    """Decoded text of every seed report, by file stem (decoded with the project's loader)."""
    return {p.stem: decode_bytes(p.read_bytes())[0] for p in find_raw_files(seed_dir)}


def save_corpus(seeds: dict[str, str], out_dir: Path, factor: int, seed: int = 0) -> list[Path]:
    """Write ``factor`` varied copies of every seed under ``out_dir``; return the files written.

    Raises:
        ValueError: ``out_dir`` is the project's raw folder (raw data is never written).
    """
    out_dir = Path(out_dir).resolve()
    if out_dir == paths.RAW_DIR.resolve() or paths.RAW_DIR.resolve() in out_dir.parents:
        raise ValueError(f"refusing to write a synthetic corpus into {paths.RAW_DIR}")
    written = []
    k = 0
    for copy in range(factor):
        for stem, text in sorted(seeds.items()):
            rng = random.Random(f"{seed}:{copy}:{stem}")
            data, _ = make_variant(text, copy, rng)
            folder = out_dir / f"part{k // FILES_PER_FOLDER:03d}"
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{copy:03d}_{stem}.txt"
            path.write_bytes(data)
            written.append(path)
            k += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--factor", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed-dir", type=Path, default=paths.RAW_DIR)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    files = save_corpus(load_seed_texts(args.seed_dir), args.out, args.factor, args.seed)
    print(f"{len(files)} files, {sum(p.stat().st_size for p in files):,} bytes in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
