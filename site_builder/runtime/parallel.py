"""Running a function over many items on all cores.

Work is shared with forked workers through module state set before the fork, so only item indices
and results cross process boundaries.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
MIN_ITEMS_PER_WORKER = 100


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def parallel_map(func: Callable[[T], R], items: Sequence[T], jobs: int = 0) -> list[R]:
    """``[func(i) for i in items]``, spread over ``jobs`` forked processes (0 = all cores)."""
    jobs = jobs or cpu_count()
    jobs = min(jobs, max(1, len(items) // MIN_ITEMS_PER_WORKER))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [func(item) for item in items]
    chunk = max(1, len(items) // (jobs * 4))
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return pool.map(func, items, chunksize=chunk)
