"""Every benchmark in one go (what ``make bench`` runs): speed and memory, then quality.

1. ``bench/bench_pipeline.py``: wall time, chars/s, peak memory at 1x/10x/100x, per stage,
   the t2s + jieba floor and our ratio to it, worker speed-up, the 20 MB single-line file,
   JioNLP money extraction for comparison;
2. ``bench/eval_figures.py``, ``bench/eval_topics.py`` and ``bench/eval_metadata.py`` when
   present (figure extraction, topic and report-metadata quality against the hand-labelled
   gold files; the metadata check skips when ``../shared/real-reports`` is absent).

Each runs as its own subprocess so one failing does not hide the others; the exit code is
non-zero if any of them failed. Extra arguments go to ``bench_pipeline.py``
(e.g. ``python bench/run_all.py --sizes 1,10``).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
QUALITY_SCRIPTS = ("eval_figures.py", "eval_topics.py", "eval_metadata.py")
# `make bench` should finish in about 10 minutes: the speed benchmark gets this budget (it
# skips what would overrun it), and the quality scripts get the rest. eval_topics.py refits
# the old NMF k-sweep (90 fits) on two labelled corpora for the comparison: 1-2 minutes.
PIPELINE_BUDGET_S = 420
QUALITY_TIMEOUT_S = {"eval_figures.py": 90, "eval_topics.py": 180, "eval_metadata.py": 90}


def run_script(script: Path, args: list[str], timeout: float | None) -> tuple[int, float]:
    """Run one benchmark script, streaming its output; return (exit code, seconds)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), env.get("PYTHONPATH", "")) if p)
    print(
        f"\n{'=' * 78}\n$ {Path(sys.executable).name} {script.relative_to(HERE.parent)} "
        f"{' '.join(args)}\n{'=' * 78}",
        flush=True,
    )
    t0 = time.perf_counter()
    try:
        code = subprocess.run(
            [sys.executable, str(script), *args], env=env, timeout=timeout, check=False
        ).returncode
    except subprocess.TimeoutExpired:
        print(f"{script.name}: stopped after {timeout:.0f} s", flush=True)
        code = 124
    return code, time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not any(a.startswith("--budget") for a in argv):
        argv = [*argv, "--budget", str(PIPELINE_BUDGET_S)]
    results = [(Path("bench_pipeline.py"), *run_script(HERE / "bench_pipeline.py", argv, None))]
    for name in QUALITY_SCRIPTS:
        script = HERE / name
        if script.exists():
            results.append((Path(name), *run_script(script, [], QUALITY_TIMEOUT_S[name])))
        else:
            print(f"\n(skipped {name}: not written yet)", flush=True)
    print(f"\n{'=' * 78}\nbenchmark summary")
    for name, code, secs in results:
        print(f"  {name!s:<20} {'ok' if code == 0 else f'FAILED (exit {code})':<16} {secs:6.0f} s")
    return 0 if all(code == 0 for _, code, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
