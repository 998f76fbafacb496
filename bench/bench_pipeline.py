"""Pipeline benchmark: wall time, throughput and peak memory at 1x, 10x and 100x the seeds.

Every measurement runs in its own subprocess (a fresh interpreter, a cold stage cache in a
temp folder) so that peak memory (``ru_maxrss``) belongs to that measurement alone. Reported:

- ``pipeline``: ``run_pipeline`` end to end (all stages the lead has wired, tables written),
  with 1 worker at every size and with 2 workers at 100x (the speed-up);
- ``stages``: each stage function called directly on the same corpus (load, normalise,
  segment, extract, themes = theme assignment + discovery tokens per document, then the
  theme tables and bounded discovery); a stage whose module is not there yet is skipped;
- ``floor``: what a minimal peer pipeline pays on the same files: read + decode, OpenCC
  ``t2s`` and ``jieba.lcut``. Our per-document stages and the whole pipeline are reported
  as ratios of it (target <= 2), and the theme stage as a share of all stages;
- a 20 MB single-line file through ``run_pipeline`` (the bad-input case, at full size);
- ``extract_money``: JioNLP's money extractor against ours on the same paragraphs, when
  ``jionlp`` is installed (``pip install -e ".[bench]"``).

Corpora are built by ``bench/synthetic.py`` in a temp folder. A time budget (default 540 s)
keeps ``make bench`` under 10 minutes: a 100x measurement projected to overrun it is skipped
and the table says so.

Usage::

    python bench/bench_pipeline.py                    # 1x, 10x, 100x; writes bench/results/
    python bench/bench_pipeline.py --sizes 1,10 --big-mb 2
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import inspect
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
sys.path.insert(0, str(SRC))
sys.path.insert(0, str(HERE))

RESULTS_DIR = HERE / "results"
STAGES = ("load", "normalize", "segment", "extract", "themes")
STAGE_MODULES = {
    "normalize": "helpers.normalize",
    "segment": "helpers.segment",
    "extract": "helpers.figures",
    "themes": "helpers.themes",
}
# Paragraph length from which a line counts as prose for the extractor comparison.
MIN_PARA_CHARS = 10
# Projected run times are scaled by this margin before comparing with the budget.
BUDGET_MARGIN = 1.3
# Seconds kept for the single-line file and the extractor comparison at the end.
RESERVE_S = 40


# ============================================================== measurements (child side)


def _peak_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its largest reaped child, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"peak_mb": round(own, 1), "peak_child_mb": round(kids, 1)}


def _cpu_seconds() -> float:
    """CPU time of this process and its reaped children (user + system)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@contextlib.contextmanager
def _timed(name: str, wall: dict, cpu: dict):
    """Record the block's wall time in ``wall[name]`` and its CPU time in ``cpu[name]``.

    CPU time is what the ratios use: on a machine shared with other jobs the wall clock
    measures the neighbours as much as the code.
    """
    w0, c0 = time.perf_counter(), _cpu_seconds()
    yield
    wall[name] = time.perf_counter() - w0
    cpu[name] = _cpu_seconds() - c0
    HIGH_WATER[name] = _peak_mb()["peak_mb"]


# Peak resident memory (MB) of the process right after each timed block: the stage that
# raises it is the one that needs the memory.
HIGH_WATER: dict[str, float] = {}


def _has_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def measure_pipeline(raw: Path, workers: int, warm: bool, k: int | None) -> dict:
    """``run_pipeline`` end to end into a temp folder; optionally a second (warm-cache) run."""
    from helpers.pipeline import run_pipeline

    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    accepted = inspect.signature(run_pipeline).parameters
    kwargs: dict = {}
    if "cache_dir" in accepted:  # a fresh, private cache: the first run is cold
        kwargs["cache_dir"] = out / ".cache"
    if k is not None and "k" in accepted:
        kwargs["k"] = k
    try:
        wall: dict[str, float] = {}
        cpu: dict[str, float] = {}
        with _timed("cold", wall, cpu):
            summary = run_pipeline(raw, out, workers=workers, progress=False, **kwargs)
        res = {
            "seconds": wall["cold"],
            "cpu_seconds": cpu["cold"],
            "tables": summary.table_rows,
            "n_files": summary.n_files,
            "n_loaded": summary.n_loaded,
        }
        if warm:
            with _timed("warm", wall, cpu):
                run_pipeline(raw, out, workers=workers, progress=False, **kwargs)
            res["warm_seconds"] = wall["warm"]
        return res | _peak_mb()
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _lines_as_paragraphs(texts: dict[str, str]):
    """Fallback paragraphs when the segment stage is missing: non-empty lines of clean text."""
    import pandas as pd

    from helpers.aligned import AlignedText

    rows, para_text = [], {}
    for doc_id, text in texts.items():
        pos = 0
        for i, line in enumerate(text.split("\n")):
            if line.strip():
                rows.append(
                    dict(
                        doc_id=doc_id,
                        article_id=0,
                        para_id=i,
                        text=line,
                        is_boilerplate=False,
                        is_duplicate=False,
                    )
                )
                para_text[(doc_id, i)] = AlignedText.from_raw(text).slice(pos, pos + len(line))
            pos += len(line) + 1
    return pd.DataFrame(rows), para_text


class _OverBudget(Exception):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Abort the block with :class:`_OverBudget` after ``seconds`` (SIGALRM; 0 = no limit)."""
    if seconds <= 0:
        yield
        return

    def handler(signum, frame):
        raise _OverBudget()

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# A short real snippet with scraped-page features, to load lexicons, OpenCC and jieba before
# timing, as the floor does for its models (one-off start-up costs are not throughput).
WARM_UP_TEXT = (
    "當前位置:萬佳範文網 >\n\n鎮教育工作總結模板4篇\n\n"
    "今年我市参加高考人数1628人,三本以上上线841人,投入资金1.2亿元。\n"
    "解决学科教师配。\n\n置不齐的问题。\n\n二、加强管理\n"
    "在校”手牽手,珍愛生命”繪畫比賽獲”團(tuán)體獎”\n"
)


def _warm_up() -> None:
    if _has_module("helpers.normalize"):
        from helpers.normalize import normalize_document

        norm = normalize_document(WARM_UP_TEXT)
        if _has_module("helpers.segment"):
            from helpers.segment import segment_document

            segment_document("warm", norm)
    if _has_module("helpers.figures"):
        from helpers.figures import extract_paragraph_figures

        extract_paragraph_figures("投入资金1.2亿元,资助学生1628人。")
    if _has_module("helpers.topics"):
        from helpers.topics import tokenize

        tokenize("教育局年度工作总结")


def measure_stages(raw: Path, topics_mode: str, topics_seconds: float = 0) -> dict:
    """Time each stage function directly on the corpus under ``raw``."""
    import pandas as pd

    from helpers.load import load_documents

    _warm_up()
    times: dict[str, float | None] = dict.fromkeys(STAGES)
    cpu: dict[str, float | None] = dict.fromkeys(STAGES)
    notes: list[str] = []
    with _timed("load", times, cpu):
        docs = [d for d in load_documents(raw) if d.ok]
    n_chars = sum(len(d.text) for d in docs)
    raw_texts = {d.doc_id: d.text for d in docs}

    norms = None
    if _has_module(STAGE_MODULES["normalize"]):
        from helpers.normalize import normalize_document

        with _timed("normalize", times, cpu):
            norms = [normalize_document(d.text) for d in docs]
    else:
        notes.append("normalize: helpers.normalize not present, skipped")

    paragraphs = para_text = None
    if norms is not None and _has_module(STAGE_MODULES["segment"]):
        from helpers import segment

        with _timed("segment", times, cpu):
            segs = [segment.segment_document(d.doc_id, n) for d, n in zip(docs, norms, strict=True)]
            paragraphs = pd.concat([s.paragraphs for s in segs], ignore_index=True)
            if hasattr(segment, "flag_cross_document_duplicates"):
                paragraphs = segment.flag_cross_document_duplicates(paragraphs)
        del norms  # like the pipeline, keep only what the next stages need
        para_text = {}
        for d, s in zip(docs, segs, strict=True):
            para_text.update({(d.doc_id, k): v for k, v in s.para_text.items()})
        del segs
    elif norms is not None:
        notes.append(
            "segment: helpers.segment not present, skipped; extract/topics ran on "
            "the normalised text's lines instead"
        )
        paragraphs, para_text = _lines_as_paragraphs(
            {d.doc_id: n.text for d, n in zip(docs, norms, strict=True)}
        )

    n_figures = None
    if paragraphs is not None and _has_module(STAGE_MODULES["extract"]):
        from helpers.figures import extract_figures

        with _timed("extract", times, cpu):
            n_figures = len(extract_figures(paragraphs, para_text, raw_texts))
        del para_text
    elif paragraphs is not None:
        notes.append("extract: helpers.figures not present, skipped")

    topic_note = ""
    chosen_setting = None
    if paragraphs is not None and topics_mode != "skip" and _has_module(STAGE_MODULES["themes"]):
        from helpers.themes import build_theme_tables, theme_document

        k = None if topics_mode == "default" else int(topics_mode.split(":")[1])
        try:
            with _time_limit(topics_seconds), _timed("themes", times, cpu):
                # what the pipeline does: per document in the map, then the corpus tables
                per_doc = [theme_document(g) for _, g in paragraphs.groupby("doc_id", sort=False)]
                assigned = pd.concat(per_doc, ignore_index=True)
                _, tables = build_theme_tables(paragraphs, assigned, seed=0, k=k)
        except _OverBudget:
            times["themes"] = cpu["themes"] = None
            notes.append(f"themes: stopped after {topics_seconds:.0f} s (budget), not measured")
        else:
            sweep = tables["topic_sweep"]
            if len(sweep) and sweep["chosen"].any():
                chosen_k = int(sweep.loc[sweep["chosen"], "k"].iloc[0])
                chosen_setting = [chosen_k, "nmf"]
                how = "fixed (as `--k`)" if k else "bounded sweep"
                n_cands = tables["theme_candidates"]["candidate_id"].nunique()
                topic_note = f"themes: discovery k={chosen_k} ({how}), {n_cands} candidates"
    elif paragraphs is not None and topics_mode != "skip":
        notes.append("themes: helpers.themes not present, skipped")

    return {
        "times": times,
        "cpu": cpu,
        "peak_after": dict(HIGH_WATER),
        "n_docs": len(docs),
        "n_chars": n_chars,
        "n_paragraphs": None if paragraphs is None else len(paragraphs),
        "n_figures": n_figures,
        "topics_chosen": topic_note,
        "topics_setting": chosen_setting,
        "notes": notes,
    } | _peak_mb()


def measure_floor(raw: Path) -> dict:
    """Minimal peer pipeline: read + decode, OpenCC t2s, jieba.lcut (models loaded beforehand)."""
    import jieba
    from opencc import OpenCC

    from helpers.load import find_raw_files

    jieba.setLogLevel(60)
    jieba.initialize()
    cc = OpenCC("t2s")
    cc.convert("預熱")
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}
    with _timed("read", wall, cpu):
        texts = []
        for p in find_raw_files(raw):
            data = p.read_bytes()
            try:
                texts.append(data.decode("utf-8-sig"))
            except UnicodeDecodeError:
                texts.append(data.decode("gb18030", errors="replace"))
    with _timed("t2s", wall, cpu):
        simp = [cc.convert(t) for t in texts]
    with _timed("jieba", wall, cpu):
        n_tokens = sum(len(jieba.lcut(t)) for t in simp)
    return (
        wall
        | {
            "seconds": sum(wall.values()),
            "cpu_seconds": sum(cpu.values()),
            "cpu": cpu,
            "n_chars": sum(map(len, texts)),
            "n_tokens": n_tokens,
        }
        | _peak_mb()
    )


def _decimal(x) -> Decimal | None:
    """JioNLP gives amounts as strings ("120000000.00"), ranges as lists: keep plain amounts."""
    try:
        return Decimal(str(x)).normalize() if isinstance(x, str) else None
    except InvalidOperation:
        return None


def measure_money(raw: Path) -> dict:
    """JioNLP ``ner.extract_money`` vs our extractors on the prose lines of the corpus."""
    from helpers.load import load_documents

    docs = [d for d in load_documents(raw) if d.ok]
    if _has_module("helpers.normalize"):
        from helpers.normalize import normalize_document

        texts = [normalize_document(d.text).text for d in docs]
    else:
        texts = [d.text for d in docs]
    paras = [ln for t in texts for ln in t.split("\n") if len(ln.strip()) >= MIN_PARA_CHARS]
    n_chars = sum(map(len, paras))
    out: dict = {"n_paragraphs": len(paras), "n_chars": n_chars}

    def timed(fn) -> dict:
        t0 = time.perf_counter()
        n = sum(len(fn(p)) for p in paras)
        dt = time.perf_counter() - t0
        return {"seconds": dt, "items": n, "chars_per_s": n_chars / dt if dt else None}

    if _has_module("helpers.numbers"):
        from helpers.numbers import find_numbers

        out["ours_find_numbers"] = timed(find_numbers)
    ours_money = jio_money = None
    if _has_module("helpers.figures"):
        from helpers.figures import extract_paragraph_figures

        out["ours_extract_paragraph_figures"] = timed(extract_paragraph_figures)
        ours_money = [
            {
                Decimal(str(r["value"])).normalize()
                for r in extract_paragraph_figures(p)
                if str(r.get("unit", "")).endswith("元")
            }
            for p in paras
        ]
        out["ours_money_amounts"] = sum(map(len, ours_money))
    if _has_module("jionlp"):
        import jionlp

        jionlp.ner.extract_money("预热100元")
        out["jionlp_extract_money"] = timed(jionlp.ner.extract_money)
        jio_money = [
            {
                d
                for m in jionlp.ner.extract_money(p)
                if (d := _decimal(m.get("detail", {}).get("num"))) is not None
            }
            for p in paras
        ]
        out["jionlp_money_amounts"] = sum(map(len, jio_money))
    else:
        out["note"] = 'jionlp not installed (pip install -e ".[bench]"); its column is empty'
    if ours_money is not None and jio_money is not None:
        out["money_amounts_in_both"] = sum(
            len(a & b) for a, b in zip(ours_money, jio_money, strict=True)
        )
    return out


def child_main(argv: list[str]) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("kind", choices=["pipeline", "stages", "floor", "money"])
    p.add_argument("--raw", type=Path, required=True)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--warm", action="store_true")
    p.add_argument("--topics-mode", default="default")
    p.add_argument("--topics-seconds", type=float, default=0)
    p.add_argument("--k", type=int, default=None)
    a = p.parse_args(argv)
    if a.kind == "pipeline":
        res = measure_pipeline(a.raw, a.workers, a.warm, a.k)
    elif a.kind == "stages":
        res = measure_stages(a.raw, a.topics_mode, a.topics_seconds)
    elif a.kind == "floor":
        res = measure_floor(a.raw)
    else:
        res = measure_money(a.raw)
    print("BENCH-JSON " + json.dumps(res, default=str))
    return 0


# ================================================================ orchestration (parent)


def run_child(args: list[str], timeout: float) -> dict:
    """Run one measurement in a fresh interpreter with a cold, private stage cache."""
    cache = tempfile.mkdtemp(prefix="bench-cache-")
    env = dict(os.environ, EDU_REPORTS_CACHE=cache, PYTHONPATH=str(SRC))
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", *args],
            check=False,  # the child's exit code is read below
            capture_output=True,
            text=True,
            env=env,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    finally:
        shutil.rmtree(cache, ignore_errors=True)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith("BENCH-JSON "):
            res = json.loads(line[len("BENCH-JSON ") :])
            res["process_seconds"] = time.perf_counter() - t0
            return res
    tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
    return {"error": f"exit {proc.returncode}: " + " | ".join(tail)}


class Budget:
    """Wall-clock budget for the whole benchmark, with projections for the next step."""

    def __init__(self, seconds: float):
        self.total = seconds
        self.start = time.perf_counter()

    def left(self) -> float:
        return self.total - (time.perf_counter() - self.start)

    def allows(self, projected: float | None) -> bool:
        return projected is None or projected * BUDGET_MARGIN < self.left()


def _log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def build_corpora(sizes: list[int], root: Path) -> dict[int, Path]:
    from synthetic import load_seed_texts, save_corpus

    from helpers import paths

    seeds = load_seed_texts(paths.RAW_DIR)
    dirs = {}
    for f in sizes:
        dirs[f] = root / f"x{f}"
        save_corpus(seeds, dirs[f], f)
    return dirs


def save_big_file(root: Path, mb: int) -> Path:
    """One single-line UTF-8 file of ``mb`` MB made of seed prose with its line breaks removed."""
    from synthetic import load_seed_texts

    from helpers import paths

    line = "".join(load_seed_texts(paths.RAW_DIR).values()).replace("\r", "").replace("\n", "")
    data = line.encode("utf-8")
    reps = mb * 1024 * 1024 // len(data) + 1
    folder = root / f"big{mb}"
    folder.mkdir(parents=True)
    (folder / "one_line.txt").write_bytes(
        (data * reps)[: mb * 1024 * 1024].decode("utf-8", "ignore").encode()
    )
    return folder


def _scaled(results: dict, key: str, size: int, factor_from: int) -> float | None:
    prev = results.get(factor_from, {}).get(key, {})
    secs = prev.get("process_seconds")
    return None if secs is None else secs * size / factor_from


def run_benchmark(sizes: list[int], big_mb: int, budget_s: float) -> dict:
    budget = Budget(budget_s)
    root = Path(tempfile.mkdtemp(prefix="edu-bench-"))
    report: dict = {
        "sizes": {},
        "notes": [],
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
    }
    try:
        _log(f"building corpora {sizes} in {root}")
        dirs = build_corpora(sizes, root)
        has_cache = (
            "cache_dir"
            in inspect.signature(
                importlib.import_module("helpers.pipeline").run_pipeline
            ).parameters
        )
        prev = None
        for size in sizes:
            res: dict = {
                "n_files": len(list(dirs[size].rglob("*.txt"))),
                "n_bytes": sum(p.stat().st_size for p in dirs[size].rglob("*.txt")),
            }
            report["sizes"][size] = res
            # The discovery sweep over k (what a plain run does) is measured at the smallest
            # size; larger sizes run with k fixed to what it chose (`--k`). Themes themselves
            # never depend on k.
            topics_mode, k_args = "default", []
            if prev is not None:
                k, _ = _chosen_setting(report["sizes"][min(sizes)])
                topics_mode, k_args = f"fixed:{k}", ["--k", str(k)]
                res["k"] = k
            raw_arg = ["--raw", str(dirs[size])]
            steps = [
                ("stages", ["stages", *raw_arg, "--topics-mode", topics_mode]),
                (
                    "pipeline_w1",
                    ["pipeline", *raw_arg, "--workers", "1", *k_args]
                    + (["--warm"] if has_cache and size == max(sizes) else []),
                ),
            ]
            if size == max(sizes):
                steps.append(("pipeline_w2", ["pipeline", *raw_arg, "--workers", "2", *k_args]))
            steps.append(("floor", ["floor", *raw_arg]))
            for name, args in steps:
                projected = None
                if prev is not None:
                    base = "pipeline_w1" if name == "pipeline_w2" else name
                    projected = _scaled(report["sizes"], base, size, prev)
                if name == "stages" and prev is not None:
                    projected = _stages_without_topics(report["sizes"][prev], size / prev)
                    # topics gets what is left after the rest of this step and a reserve
                    left = budget.left() - (projected or 0) * BUDGET_MARGIN - RESERVE_S
                    args = [*args, "--topics-seconds", f"{max(1.0, left):.0f}"]
                if not budget.allows(projected):
                    msg = (
                        f"{size}x {name}: skipped, projected {projected:.0f} s would overrun the "
                        f"budget ({budget.left():.0f} s left)"
                    )
                    report["notes"].append(msg)
                    _log(msg)
                    continue
                _log(f"{size}x {name} ...")
                res[name] = run_child(args, timeout=max(30.0, budget.left()))
                _log(f"   {res[name].get('process_seconds', 0):.1f} s {res[name].get('error', '')}")
            prev = size
        if big_mb:
            folder = save_big_file(root, big_mb)
            projected = None
            if report["sizes"]:
                last = max(report["sizes"])
                r = report["sizes"][last]
                secs = r.get("pipeline_w1", {}).get("process_seconds")
                if secs and r["n_bytes"]:
                    projected = secs * big_mb * 1024 * 1024 / r["n_bytes"]
            if budget.allows(projected):
                _log(f"{big_mb} MB single-line file ...")
                report["big_file"] = {"mb": big_mb} | run_child(
                    ["pipeline", "--raw", str(folder)], timeout=max(30.0, budget.left())
                )
            else:
                report["notes"].append(f"{big_mb} MB single-line file: skipped, over budget")
        if budget.left() > 30:
            _log("extract_money comparison on 1x ...")
            report["money"] = run_child(
                ["money", "--raw", str(dirs[min(sizes)])], timeout=max(30.0, budget.left())
            )
        report["total_seconds"] = budget.total - budget.left()
        return report
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _stages_without_topics(prev: dict, ratio: float) -> float | None:
    st = prev.get("stages", {})
    if "process_seconds" not in st:
        return None
    topics = (st.get("times") or {}).get("themes") or 0
    return (st["process_seconds"] - topics) * ratio


def _chosen_setting(size_result: dict) -> tuple[int, str]:
    """(k, method) the default topic sweep chose at the smallest size; (10, '') if unknown."""
    setting = size_result.get("stages", {}).get("topics_setting")
    return (int(setting[0]), str(setting[1])) if setting else (10, "")


# ===================================================================== the report tables


def _fmt(x, spec=".1f", none="–") -> str:
    return none if x is None else format(x, spec)


def _no_topics_seconds(stages: dict, key: str = "cpu") -> float | None:
    t = stages.get(key) or {}
    parts = [t.get(s) for s in ("load", "normalize", "segment", "extract")]
    return sum(p for p in parts if p is not None) if t.get("load") is not None else None


def _ratio(cpu: float | None, r: dict) -> float | None:
    """A run's CPU seconds over the floor's on the same files."""
    floor = (r.get("floor") or {}).get("cpu_seconds")
    return cpu / floor if cpu and floor else None


def _chars(r: dict) -> int | None:
    return (r.get("stages") or {}).get("n_chars") or (r.get("floor") or {}).get("n_chars")


def render_markdown(report: dict) -> str:
    """The benchmark tables as Markdown (what docs/robustness.md and the README quote)."""
    sizes = report["sizes"]
    lines = [
        "### Whole pipeline (`run_pipeline`, 1 worker, cold cache)",
        "",
        "| corpus | files | MB | chars | discovery | wall s | CPU s | µs CPU per char | peak MB "
        "| ÷ floor (CPU) |",
        "|---|---:|---:|---:|---|---:|---:|---:|---:|---:|",
    ]
    for size, r in sizes.items():
        p = r.get("pipeline_w1", {})
        chars, cpu = _chars(r), p.get("cpu_seconds")
        topics = f"k={r['k']}" if r.get("k") else "sweep"
        lines.append(
            f"| {size}x | {r['n_files']} | {r['n_bytes'] / 1e6:.1f} | {_fmt(chars, ',')} | "
            f"{topics} | {_fmt(p.get('seconds'))} | {_fmt(cpu)} | "
            f"{_fmt(cpu / chars * 1e6 if chars and cpu else None, '.1f')} | "
            f"{_fmt(p.get('peak_mb'), '.0f')} | {_fmt(_ratio(cpu, r), '.2f')} |"
        )
    lines += [
        "",
        "Linear cost = a constant µs per char across sizes run with the same discovery "
        "setting (the k sweep at the smallest size is a fixed extra cost). ÷ floor = the "
        "whole run's CPU over the floor's CPU on the same files (target <= 2).",
    ]
    top = max(sizes)
    w1, w2 = sizes[top].get("pipeline_w1", {}), sizes[top].get("pipeline_w2", {})
    if w1.get("seconds") and w2.get("seconds"):
        lines += [
            "",
            f"Speed-up at {top}x (wall): 1 worker {w1['seconds']:.1f} s, 2 workers "
            f"{w2['seconds']:.1f} s -> **{w1['seconds'] / w2['seconds']:.2f}x** "
            f"(peak memory: main process {w2.get('peak_mb', 0):.0f} MB, largest worker "
            f"{w2.get('peak_child_mb', 0):.0f} MB).",
        ]
    if w1.get("warm_seconds"):
        lines += [
            "",
            f"Re-run at {top}x with a warm stage cache: {w1['warm_seconds']:.1f} s "
            f"(cold {w1['seconds']:.1f} s).",
        ]
    lines += [
        "",
        "### Per stage (CPU seconds, stage functions called directly) and the floor",
        "",
        "Floor = what a minimal peer pipeline pays on the same files: read + decode, OpenCC "
        "`t2s`, `jieba.lcut`. Ratio = per-document stages (load to extract) / floor "
        "(target <= 2). Themes share = the theme stage's share of all stages' CPU; "
        "themes ÷ per-doc = the theme stage against the per-document stages (target <= 1).",
        "",
        "| corpus | load | normalise | segment | extract | themes | ours w/o themes | "
        "floor | ratio (CPU) | ratio (wall) | themes share | themes ÷ per-doc | harness peak MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for size, r in sizes.items():
        st = r.get("stages", {})
        t = st.get("cpu") or {}
        fl = r.get("floor", {})
        ours, ours_wall = _no_topics_seconds(st, "cpu"), _no_topics_seconds(st, "times")
        ratio = ours / fl["cpu_seconds"] if ours and fl.get("cpu_seconds") else None
        ratio_wall = ours_wall / fl["seconds"] if ours_wall and fl.get("seconds") else None
        cells = " | ".join(_fmt(t.get(s), ".2f") for s in STAGES)
        th = t.get("themes")
        share = th / (ours + th) if th is not None and ours else None
        lines.append(
            f"| {size}x | {cells} | {_fmt(ours, '.2f')} | {_fmt(fl.get('cpu_seconds'), '.2f')} "
            f"| {_fmt(ratio, '.2f')} | {_fmt(ratio_wall, '.2f')} | "
            f"{_fmt(share * 100 if share is not None else None, '.0f')} % | "
            f"{_fmt(th / ours if th is not None and ours else None, '.2f')} | "
            f"{_fmt(st.get('peak_mb'), '.0f')} |"
        )
    lines += [
        "",
        "(The stage harness holds a whole stage's output for all documents at once, so "
        "its peak is an upper bound; the pipeline's own peak is in the first table.)",
    ]
    st = sizes[top].get("stages", {})
    if st.get("cpu") and st.get("n_chars"):
        per = [
            f"{name} {st['n_chars'] / t:,.0f} chars/s (peak after: "
            f"{st.get('peak_after', {}).get(name, 0):.0f} MB)"
            for name, t in st["cpu"].items()
            if t
        ]
        lines += ["", f"Per stage at {top}x, CPU throughput: " + "; ".join(per) + "."]
    for size, r in sizes.items():
        fl = r.get("floor", {})
        if fl.get("cpu_seconds"):
            c = fl["cpu"]
            lines += [
                "",
                f"Floor at {size}x (CPU): read {c['read']:.2f} s, t2s {c['t2s']:.2f} s, "
                f"jieba {c['jieba']:.2f} s = {fl['n_chars'] / fl['cpu_seconds']:,.0f} chars/s.",
            ]
    notes = sorted({n for r in sizes.values() for n in (r.get("stages") or {}).get("notes", [])})
    notes += [
        f"{s}x stages: {r['stages']['topics_chosen']}"
        for s, r in sizes.items()
        if (r.get("stages") or {}).get("topics_chosen")
    ]
    big = report.get("big_file")
    if big:
        lines += [
            "",
            f"A {big['mb']} MB single-line file through `run_pipeline`: "
            + (
                f"{big['seconds']:.1f} s wall, {big['cpu_seconds']:.1f} s CPU, peak "
                f"{big['peak_mb']:.0f} MB, {big['n_loaded']}/{big['n_files']} read."
                if "seconds" in big
                else big.get("error", "no result")
            ),
        ]
    money = report.get("money")
    if money and "error" not in money:
        lines += [
            "",
            f"### Figure extraction throughput ({money['n_paragraphs']} prose lines, "
            f"{money['n_chars']:,} chars of the 1x corpus, normalised)",
            "",
            "| extractor | s | items | chars/s |",
            "|---|---:|---:|---:|",
        ]
        for key in ("ours_find_numbers", "ours_extract_paragraph_figures", "jionlp_extract_money"):
            m = money.get(key)
            if m:
                lines.append(
                    f"| {key} | {m['seconds']:.2f} | {m['items']} | {m['chars_per_s']:,.0f} |"
                )
        if "money_amounts_in_both" in money:
            lines += [
                "",
                f"Money amounts (元): ours {money['ours_money_amounts']}, JioNLP "
                f"{money['jionlp_money_amounts']}, same value in the same line "
                f"{money['money_amounts_in_both']}.",
            ]
        if money.get("note"):
            notes.append(money["note"])
    for size, r in sizes.items():
        for name in ("pipeline_w1", "pipeline_w2", "floor", "stages"):
            if "error" in r.get(name, {}):
                notes.append(f"{size}x {name}: {r[name]['error']}")
    if money and "error" in money:
        notes.append(f"extract_money: {money['error']}")
    notes += report.get("notes", [])
    m = report["machine"]
    lines += [
        "",
        f"Machine: {m['cpus']} CPUs shared with other jobs, Python {m['python']}; "
        f"whole benchmark {report.get('total_seconds', 0):.0f} s.",
    ]
    if notes:
        lines += ["", "Notes:"] + [f"- {n}" for n in notes]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_main(argv[1:])
    p = argparse.ArgumentParser(description="Pipeline benchmark (not a test).")
    p.add_argument("--sizes", default="1,10,20,100", help="corpus multiples of the seeds")
    p.add_argument("--big-mb", type=int, default=20, help="single-line file size, 0 to skip")
    p.add_argument("--budget", type=float, default=540, help="seconds for the whole benchmark")
    p.add_argument("--out", type=Path, default=RESULTS_DIR)
    a = p.parse_args(argv)
    sizes = sorted({int(s) for s in a.sizes.split(",") if s.strip()})
    report = run_benchmark(sizes, a.big_mb, a.budget)
    md = render_markdown(report)
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "bench_pipeline.json").write_text(
        json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8"
    )
    (a.out / "bench_pipeline.md").write_text(md, encoding="utf-8")
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
