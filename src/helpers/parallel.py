"""Running the per-document stages over many documents: serially, in worker processes, or on Dask.

Documents are independent until clustering, so the per-document work is a plain map. Three
engines give the same list in the same order:

- ``workers=1``: a loop in this process (the reference, and the easiest to debug);
- ``workers=N``: a local process pool;
- ``scheduler=ADDRESS``: an existing Dask distributed cluster (``pip install
  "dask[distributed]"``), for corpora that outgrow one machine. Dask is imported only on
  this path, so the core package works without it.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal, TypeVar

T = TypeVar("T")
R = TypeVar("R")

Progress = Callable[[Iterable[Any], int], Iterable[Any]]

# Seconds to wait for a Dask scheduler to answer before giving up with a clear error.
SCHEDULER_CONNECT_TIMEOUT = 20
# Chunks per worker for the process pool: small enough to balance uneven documents
# (one report can be 100x another), large enough to keep pickling overhead low.
CHUNKS_PER_WORKER = 8


class SchedulerError(RuntimeError):
    """The Dask scheduler is missing, unreachable, or Dask itself is not installed."""


@dataclass(frozen=True)
class Failure:
    """What ``fn`` raised on one item, returned in its place when ``on_error="return"``.

    Args:
        error: exception type and message, e.g. ``"InvalidOperation: [<class ...>]"``.
        traceback: the formatted traceback from the worker, for the log.
    """

    error: str
    traceback: str = ""

    def __bool__(self) -> bool:  # so `if result:` reads as "succeeded"
        return False


class _Guarded:
    """Picklable wrapper turning an exception in ``fn`` into a :class:`Failure`."""

    def __init__(self, fn: Callable):
        self.fn = fn

    def __call__(self, item):
        try:
            return self.fn(item)
        # One bad document must not end the run: any error becomes a Failure row, named and
        # logged by the caller, so this boundary is the one place a blind except is right.
        except Exception as exc:  # noqa: BLE001
            return Failure(f"{type(exc).__name__}: {exc}", traceback.format_exc())


def _identity_progress(it: Iterable[R], _n: int) -> Iterable[R]:
    return it


def map_documents(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    workers: int = 1,
    scheduler: Any = None,
    progress: Progress | None = None,
    on_error: Literal["raise", "return"] = "raise",
) -> list[R]:
    """Apply ``fn`` to every item and return the results in input order.

    Args:
        fn: a module-level (picklable) function of one document.
        items: the documents (any picklable values).
        workers: 1 runs in this process; N > 1 uses N local worker processes. Ignored when
            ``scheduler`` is given (the cluster decides).
        scheduler: a Dask distributed scheduler address such as ``"tcp://10.0.0.5:8786"``,
            or a ``distributed.Client`` already connected (it is left open).
        progress: optional wrapper such as ``lambda it, n: tqdm(it, total=n)``.
        on_error: ``"raise"`` re-raises the first exception of ``fn``; ``"return"`` puts a
            :class:`Failure` in that item's place and carries on with the others.

    Returns:
        ``[fn(x) for x in items]``, whatever the engine.

    Raises:
        ValueError: ``workers`` < 1.
        SchedulerError: Dask is not installed or the scheduler cannot be reached.
        Exception: with ``on_error="raise"``, whatever ``fn`` raises is re-raised unchanged.

    >>> map_documents(len, ["教育工作总结", "学校"])
    [6, 2]
    >>> map_documents(len, ["学校", 3], on_error="return")[1].error
    "TypeError: object of type 'int' has no len()"
    """
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    if on_error not in ("raise", "return"):
        raise ValueError(f'on_error must be "raise" or "return", got {on_error!r}')
    if on_error == "return":
        fn = _Guarded(fn)
    items = list(items)
    wrap = progress or _identity_progress
    if scheduler is not None:
        return _map_dask(fn, items, scheduler, wrap)
    n = len(items)
    if workers == 1 or n <= 1:
        return list(wrap((fn(x) for x in items), n))
    with ProcessPoolExecutor(max_workers=min(workers, n)) as pool:
        chunksize = max(1, n // (workers * CHUNKS_PER_WORKER))
        return list(wrap(pool.map(fn, items, chunksize=chunksize), n))


def import_distributed() -> ModuleType:
    """Import ``dask.distributed`` lazily, or raise :class:`SchedulerError` saying how to get it."""
    try:
        import distributed
    except ImportError as exc:
        raise SchedulerError(
            "running on a Dask scheduler needs dask.distributed, which is not installed: "
            'pip install "dask[distributed]" (it is in the project\'s dev extra)'
        ) from exc
    return distributed


def connect_scheduler(scheduler: Any) -> tuple[Any, bool]:
    """Return ``(client, owned)``: a Client for ``scheduler`` and whether we must close it.

    Args:
        scheduler: an address string (``tcp://host:8786``) or a ``distributed.Client``.

    Raises:
        SchedulerError: Dask missing, or nothing answering at the address.
    """
    distributed = import_distributed()
    if isinstance(scheduler, distributed.Client):
        return scheduler, False
    if not isinstance(scheduler, str) or not scheduler.strip():
        raise SchedulerError(
            f"scheduler must be an address like tcp://host:8786 or a distributed.Client, "
            f"got {scheduler!r}"
        )
    try:
        client = distributed.Client(scheduler, timeout=SCHEDULER_CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerError(f"cannot connect to Dask scheduler at {scheduler}: {exc}") from exc
    return client, True


def _map_dask(fn: Callable[[T], R], items: list[T], scheduler: Any, wrap: Progress) -> list[R]:
    client, owned = connect_scheduler(scheduler)
    try:
        # pure=False: two byte-identical documents are still two tasks, so every input
        # position gets its own result even if a future stage ever became impure.
        futures = client.map(fn, items, pure=False)
        try:
            return [f.result() for f in wrap(futures, len(futures))]
        finally:
            client.cancel(futures)
    finally:
        if owned:
            client.close()
