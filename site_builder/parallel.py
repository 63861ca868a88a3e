"""Running a function over many items on all cores.

Work is shared with forked workers through module state set before the fork, so only item indices
and results cross process boundaries.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

from site_builder.stopping import PAUSE_ENV, pause_point, worker_init

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
    if os.environ.get(PAUSE_ENV) and items:  # tests only: pause in the middle of the work
        func = functools.partial(_paused, func, items[len(items) // 2])
    jobs = jobs or cpu_count()
    jobs = min(jobs, max(1, len(items) // MIN_ITEMS_PER_WORKER))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [func(item) for item in items]
    chunk = max(1, len(items) // (jobs * 4))
    # Workers are quiet on SIGTERM and die with this process (stopping.py); on an exception or a
    # signal here, leaving the block terminates them.
    with multiprocessing.get_context("fork").Pool(jobs, initializer=worker_init) as pool:
        return pool.map(func, items, chunksize=chunk)


def _paused(func: Callable[[T], R], middle: T, item: T) -> R:
    if item == middle:
        pause_point(getattr(func, "__name__", "").strip("_"))
    return func(item)
