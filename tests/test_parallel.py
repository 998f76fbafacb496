"""Parallel and distributed execution: same results, same order, whatever the engine."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from helpers import pipeline
from helpers.load import make_doc_id
from helpers.parallel import Failure, SchedulerError, connect_scheduler, map_documents
from helpers.script import measure_script

# Real lines from the seeds (001 Simplified, 000 Traditional, 003 Simplified).
LINES = [
    "今年我市参加高考人数1628人,三本以上上线841人,其中一本198人,二本438人,三本205人。",
    "今年,我們全面落實區教育局工作部署,圍繞目標,把握重點,強化落實,",
    "高桥初级中学学区成立来,依循市、区教育局大学区管理制工作思路,认真组织开展工作,",
    "",
    "一、全面推進,素質教育成果不斷放大",
]
EXPECTED_LENGTHS = [len(s) for s in LINES]


@pytest.fixture(scope="module")
def dask_process_cluster():
    """A local Dask cluster with two worker processes: every task and result is pickled
    across processes, as on a real cluster."""
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    yield cluster
    cluster.close()


@pytest.fixture(scope="module")
def dask_cluster():
    """A local Dask cluster (one in-process worker, real TCP scheduler address)."""
    import distributed

    cluster = distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
    )
    yield cluster
    cluster.close()


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_process_pool_keeps_order(workers):
    assert map_documents(len, LINES, workers=workers) == EXPECTED_LENGTHS


@pytest.mark.parametrize("workers", [1, 2])
def test_empty_and_single_input(workers):
    assert map_documents(len, [], workers=workers) == []
    assert map_documents(len, ["教育"], workers=workers) == [2]


def test_workers_below_one_is_a_clear_error():
    with pytest.raises(ValueError, match="workers must be at least 1"):
        map_documents(len, LINES, workers=0)


def test_worker_exception_reaches_the_caller():
    with pytest.raises(TypeError):
        map_documents(len, ["教育", 3], workers=2)


def test_progress_wrapper_sees_every_item():
    seen = []

    def progress(it, n):
        seen.append(n)
        return it

    assert map_documents(len, LINES, progress=progress) == EXPECTED_LENGTHS
    assert seen == [len(LINES)]


def test_dask_by_address_matches_serial(dask_cluster):
    serial = map_documents(measure_script, LINES)
    on_dask = map_documents(measure_script, LINES, scheduler=dask_cluster.scheduler_address)
    assert on_dask == serial
    assert [p.n_traditional > 0 for p in on_dask] == [False, True, False, False, True]


def test_dask_with_client_leaves_client_open(dask_cluster):
    import distributed

    with distributed.Client(dask_cluster) as client:
        assert map_documents(make_doc_id, ["a/县 报告.txt", "b.txt"], scheduler=client) == [
            "a/县 报告",
            "b",
        ]
        assert client.status == "running"
        # identical inputs are still separate positions in the output
        assert map_documents(len, ["学校", "学校"], scheduler=client) == [2, 2]


def test_dask_progress_and_order_with_many_items(dask_cluster):
    items = [LINES[i % len(LINES)] * (i % 7) for i in range(60)]
    counted = []

    def progress(it, n):
        counted.append(n)
        return it

    got = map_documents(len, items, scheduler=dask_cluster.scheduler_address, progress=progress)
    assert got == [len(x) for x in items]
    assert counted == [60]


def test_dask_task_error_reaches_the_caller(dask_cluster):
    with pytest.raises(TypeError):
        map_documents(len, ["教育", 3], scheduler=dask_cluster.scheduler_address)


@pytest.mark.parametrize("bad", ["", "   ", 8786])
def test_bad_scheduler_value_is_a_clear_error(bad):
    import distributed  # noqa: F401  (dev extra: a missing install must fail)

    with pytest.raises(SchedulerError, match="scheduler must be an address"):
        connect_scheduler(bad)


def test_unreachable_scheduler_is_a_clear_error(monkeypatch):
    import distributed  # noqa: F401  (dev extra: a missing install must fail)

    monkeypatch.setattr("helpers.parallel.SCHEDULER_CONNECT_TIMEOUT", 1)
    # port 9 (discard) on localhost: nothing listens there in the test environment
    with pytest.raises(
        SchedulerError, match=r"cannot connect to Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        map_documents(len, LINES, scheduler="tcp://127.0.0.1:9")


def test_missing_dask_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # makes `import distributed` fail
    with pytest.raises(SchedulerError, match=r'pip install "dask\[distributed\]"'):
        map_documents(len, LINES, scheduler="tcp://127.0.0.1:8786")


def test_serial_path_does_not_import_dask(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    assert map_documents(len, LINES, workers=2) == EXPECTED_LENGTHS


def _read_csvs(out_dir) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out_dir.glob("*.csv"))}


@pytest.fixture(scope="module")
def serial_run(seed_dir, tmp_path_factory):
    """The seeds through the pipeline with one worker: the reference for the other engines."""
    out = tmp_path_factory.mktemp("serial") / "out"
    summary = pipeline.run_pipeline(seed_dir, out, workers=1)
    return summary, _read_csvs(out)


def test_pipeline_on_dask_cluster_equals_serial_run(
    serial_run, dask_process_cluster, seed_dir, tmp_path
):
    summary, csvs = serial_run
    dask_run = pipeline.run_pipeline(
        seed_dir, tmp_path / "dask", scheduler=dask_process_cluster.scheduler_address
    )
    assert dask_run.table_rows == summary.table_rows
    assert summary.table_rows["paragraphs"] > 0 and summary.table_rows["figures"] > 0
    assert _read_csvs(tmp_path / "dask") == csvs
    docs = pd.read_csv(tmp_path / "dask" / "documents.csv")
    assert list(docs["status"]) == ["ok"] * 5


def test_pipeline_with_two_workers_equals_serial_run(serial_run, seed_dir, tmp_path):
    pipeline.run_pipeline(seed_dir, tmp_path / "w2", workers=2)
    assert _read_csvs(tmp_path / "w2") == serial_run[1]


@pytest.mark.parametrize("workers", [1, 2])
def test_on_error_return_keeps_good_items_and_places_failures(workers):
    got = map_documents(len, ["教育", 3, "学校工作"], workers=workers, on_error="return")
    assert got[0] == 2 and got[2] == 4
    assert isinstance(got[1], Failure) and not got[1]
    assert got[1].error == "TypeError: object of type 'int' has no len()"
    assert "Traceback" in got[1].traceback


def test_on_error_return_on_dask(dask_cluster):
    got = map_documents(
        len, [3, "教育"], scheduler=dask_cluster.scheduler_address, on_error="return"
    )
    assert got[1] == 2 and got[0].error.startswith("TypeError")


def test_on_error_unknown_value_is_a_clear_error():
    with pytest.raises(ValueError, match='on_error must be "raise" or "return"'):
        map_documents(len, LINES, on_error="ignore")


def test_cli_unreachable_scheduler_exits_2_and_writes_no_tables(
    monkeypatch, seed_dir, tmp_path, capsys
):
    import distributed  # noqa: F401  (dev extra: a missing install must fail)

    monkeypatch.setattr("helpers.parallel.SCHEDULER_CONNECT_TIMEOUT", 1)
    out = tmp_path / "out"
    code = pipeline.main(
        [
            "--raw-dir",
            str(seed_dir),
            "--out-dir",
            str(out),
            "--no-cache",
            "--scheduler",
            "tcp://127.0.0.1:9",
            "--quiet",
        ]
    )
    assert code == 2
    assert "cannot connect to Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err
    assert not list(out.glob("*.csv")) and not list(out.glob("*.parquet"))


def test_themes_come_from_the_per_document_map_and_discovery_is_bounded(
    seed_dir, tmp_path, monkeypatch
):
    # process_document assigns the themes; the serial step after the map tokenises at most
    # DISCOVERY_SAMPLE paragraphs (discovery's sample), whatever the corpus size, and no
    # tokens reach the tables.
    from helpers import themes, topics
    from helpers.load import load_documents

    doc = next(d for d in load_documents(seed_dir) if d.ok)
    result = pipeline.process_document(doc)
    para, th = result.paragraphs, result.themes
    assert th[["doc_id", "para_id"]].values.tolist() == para[["doc_id", "para_id"]].values.tolist()
    assert (th.theme_id != "").sum() == int(themes.content_mask(para).sum()) > 0

    calls = []
    real = topics.tokenize
    monkeypatch.setattr(topics, "tokenize", lambda text: calls.append(text) or real(text))
    monkeypatch.setattr(themes, "DISCOVERY_SAMPLE", 40)
    summary = pipeline.run_pipeline(seed_dir, tmp_path / "out", workers=1)
    assert 0 < len(calls) <= 40
    assert summary.table_rows["themes"] == len(themes.load_taxonomy().ids)
    header = (tmp_path / "out" / "paragraphs.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert "tokens" not in header.split(",")
