"""Execute the numbered notebooks in order with papermill, writing executed copies elsewhere.

The committed notebooks in ``notebooks/`` are never modified: each run writes its executed
copies into ``--out-dir``, so the repository stays clean and two runs on different corpora
(``make run RAW=...``) never mix.

Command line (what ``make notebooks`` calls)::

    python -m helpers.notebooks --processed-dir data/processed --raw-dir data/raw \\
        --figures-dir reports/figures --out-dir reports/notebooks --seed 0 [--k 8]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import paths

NOTEBOOK_PATTERN = re.compile(r"^(\d{2})-[a-z0-9][a-z0-9-]*\.ipynb$")
KERNEL_NAME = "edu-reports-python"
# The kernel talks to papermill over local IPC sockets (in Jupyter's private runtime folder)
# instead of TCP on localhost: nothing listens on a port, and ipykernel has no reason to print
# its "running over TCP without encryption" warning into every run's log. Real kernel errors
# still reach the log: no logger is silenced.
KERNEL_TRANSPORT = "ipc"


def find_notebooks(nb_dir: Path | None = None) -> list[Path]:
    """The numbered notebooks ``NN-verb-object.ipynb`` of ``nb_dir``, in run order.

    Args:
        nb_dir: folder to look in; default ``helpers.paths.NOTEBOOKS_DIR``.

    Returns:
        Paths sorted by their number (``01-…`` before ``02-…``); ``Untitled*`` and
        un-numbered notebooks are ignored.

    >>> [p.name for p in find_notebooks()][:1]
    ['01-explore-corpus.ipynb']
    """
    nb_dir = Path(nb_dir) if nb_dir is not None else paths.NOTEBOOKS_DIR
    numbered = [(m, p) for p in nb_dir.glob("*.ipynb") if (m := NOTEBOOK_PATTERN.match(p.name))]
    return [p for m, p in sorted(numbered, key=lambda mp: (int(mp[0].group(1)), mp[1].name))]


def notebook_parameters(
    processed_dir: Path, raw_dir: Path, figures_dir: Path, seed: int = 0, k: int | None = None
) -> dict:
    """The values injected into every notebook's ``parameters`` cell (absolute paths as str).

    >>> notebook_parameters(Path("/d/p"), Path("/d/r"), Path("/d/f"), seed=1)["figures_dir"]
    '/d/f'
    """
    return {
        "raw_dir": str(Path(raw_dir).resolve()),
        "processed_dir": str(Path(processed_dir).resolve()),
        "figures_dir": str(Path(figures_dir).resolve()),
        "seed": int(seed),
        "k": None if k is None else int(k),
    }


@contextmanager
def current_interpreter_kernel() -> Iterator[str]:
    """Make a kernelspec that runs this very interpreter visible to Jupyter, temporarily.

    A ``python3`` kernelspec found elsewhere on the machine may point at another Python
    without our packages; this one always uses ``sys.executable``.

    Yields:
        The kernel name to pass to papermill.
    """
    with tempfile.TemporaryDirectory(prefix="edu-reports-kernel-") as tmp:
        spec_dir = Path(tmp) / "kernels" / KERNEL_NAME
        spec_dir.mkdir(parents=True)
        spec = {
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python (edu-reports)",
            "language": "python",
        }
        (spec_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        old = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = os.pathsep.join(filter(None, [tmp, old]))
        try:
            yield KERNEL_NAME
        finally:
            if old is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = old


def run_notebooks(
    processed_dir: Path,
    raw_dir: Path,
    figures_dir: Path,
    out_dir: Path,
    seed: int = 0,
    k: int | None = None,
    notebooks: Sequence[Path] | None = None,
    progress: bool = False,
) -> list[Path]:
    """Execute notebooks in number order with papermill; executed copies go to ``out_dir``.

    Args:
        processed_dir: tables written by the pipeline (``documents.parquet`` ...).
        raw_dir: the raw reports those tables came from.
        figures_dir: where the notebooks' charts are exported.
        out_dir: where executed copies are written (created if missing).
        seed: random seed passed to the notebooks.
        k: fixed number of topics, or None to let the sweep choose.
        notebooks: which notebooks; default all of :func:`find_notebooks`.
        progress: print one line per notebook (``[2/5] 02-extract-figures ... done in 9 s``).

    Returns:
        The executed notebook paths, in run order.

    Raises:
        papermill.PapermillExecutionError: a cell failed (the executed copy shows where).
    """
    import papermill as pm
    from traitlets.config import Config

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    Path(figures_dir).mkdir(parents=True, exist_ok=True)
    params = notebook_parameters(processed_dir, raw_dir, figures_dir, seed, k)
    todo = list(notebooks) if notebooks is not None else find_notebooks()
    written = []
    config = Config({"KernelManager": {"transport": KERNEL_TRANSPORT}})
    with current_interpreter_kernel() as kernel:
        for i, nb in enumerate(todo, start=1):
            target = out_dir / Path(nb).name
            if progress:
                print(f"[{i}/{len(todo)}] {Path(nb).stem} ...", end=" ", flush=True)
            started = time.perf_counter()
            pm.execute_notebook(
                str(nb),
                str(target),
                parameters=params,
                kernel_name=kernel,
                cwd=str(paths.PROJECT_ROOT),
                progress_bar=False,
                config=config,
            )
            if progress:
                print(f"done in {time.perf_counter() - started:.0f} s", flush=True)
            written.append(target)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m helpers.notebooks", description="Execute the numbered notebooks in order."
    )
    parser.add_argument("--processed-dir", type=Path, default=paths.PROCESSED_DIR)
    parser.add_argument("--raw-dir", type=Path, default=paths.RAW_DIR)
    parser.add_argument("--figures-dir", type=Path, default=paths.FIGURES_DIR)
    parser.add_argument("--out-dir", type=Path, default=paths.REPORTS_DIR / "notebooks")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--k", type=int, default=None, help="fixed number of topics")
    args = parser.parse_args(argv)
    written = run_notebooks(
        args.processed_dir,
        args.raw_dir,
        args.figures_dir,
        args.out_dir,
        args.seed,
        args.k,
        progress=True,
    )
    print(f"Executed notebooks: {len(written)} in {Path(args.out_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
