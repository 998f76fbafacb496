"""Running the per-document stages over many documents: serially or in worker processes.

Documents are independent until clustering, so the per-document work is a plain map.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def map_documents(
    fn: Callable[[T], R],
    items: Sequence[T],
    *,
    workers: int = 1,
    progress: Callable[[Iterable[R], int], Iterable[R]] | None = None,
) -> list[R]:
    """Apply ``fn`` to every item, keeping the input order.

    Args:
        fn: a module-level (picklable) function.
        items: the documents.
        workers: 1 runs in this process; N > 1 uses N worker processes.
        progress: optional wrapper such as ``lambda it, n: tqdm(it, total=n)``.

    Returns:
        ``[fn(x) for x in items]``, whatever the number of workers.
    """
    n = len(items)
    wrap = progress or (lambda it, _n: it)
    if workers <= 1 or n <= 1:
        return list(wrap((fn(x) for x in items), n))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        chunksize = max(1, n // (workers * 8))
        return list(wrap(pool.map(fn, items, chunksize=chunksize), n))
