"""Running a function over many items on all cores.

Work is shared with forked workers through module state set before the fork, so only item indices
and results cross process boundaries.
"""

from __future__ import annotations

import contextlib
import functools
import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

from site_builder.runtime.stopping import PAUSE_ENV, pause_point, signals_deferred, worker_init

T = TypeVar("T")
R = TypeVar("R")
MIN_ITEMS_PER_WORKER = 100


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def parallel_map(func: Callable[[T], R], items: Sequence[T], jobs: int = 0,
                 advance: Callable[[int], None] | None = None, per_worker: int = 0,
                 meanwhile: Callable[[], None] | None = None) -> list[R]:
    """``[func(i) for i in items]``, spread over ``jobs`` forked processes (0 = all cores).

    ``advance(1)`` is called in this process as each result arrives (for a progress bar). A worker is
    started for each ``per_worker`` items at most (1 for a few large items, such as search shards;
    0: :data:`MIN_ITEMS_PER_WORKER`, read at each call). ``meanwhile()`` is called in this process
    once the workers are at work (first, when there are none), before their results are taken.
    """
    per_worker = per_worker or MIN_ITEMS_PER_WORKER
    if os.environ.get(PAUSE_ENV) and items:  # tests only: pause in the middle of the work
        func = functools.partial(_paused, func, items[len(items) // 2])
    jobs = jobs or cpu_count()
    jobs = min(jobs, max(1, len(items) // per_worker))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        if meanwhile is not None:
            meanwhile()
        return list(_counted((func(item) for item in items), advance))
    chunk = max(1, len(items) // (jobs * 4))
    # Workers are quiet on SIGTERM and die with this process, and neither they nor the pool's threads
    # take the stop signals from the main thread (stopping.py). The executor, unlike
    # multiprocessing.Pool, does not hang when a worker dies holding a queue lock (say, killed with
    # its process group), so on an exception or a signal here the workers are terminated outright.
    with signals_deferred():
        pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"), initializer=worker_init)
        results = pool.map(func, items, chunksize=chunk)  # starts the workers and threads, submits everything
    try:
        if meanwhile is not None:
            meanwhile()
        return list(_counted(results, advance))
    except BaseException:
        _terminate_workers()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextlib.contextmanager
def shared(state: dict[str, Any], **values: Any) -> Iterator[None]:
    """``values`` in a module's ``state`` for the duration: what forked workers read (set before they fork)."""
    state.update(values)
    try:
        yield
    finally:
        state.clear()


def _counted(results: Iterable[R], advance: Callable[[int], None] | None) -> Iterator[R]:
    for result in results:
        if advance is not None:
            advance(1)
        yield result


def _paused(func: Callable[[T], R], middle: T, item: T) -> R:
    if item == middle:
        pause_point(getattr(func, "__name__", "").strip("_"))
    return func(item)


_tasks: dict[int, Callable[[], object]] = {}


def _run_task(number: int) -> object:
    return _tasks[number]()  # in the forked worker: the task was set before the fork


class Background:
    """``func()`` computed in a forked process while this one goes on; :meth:`result` waits for it.

    With one job (or no fork), ``func`` runs in :meth:`result`, in this process. Use it in a ``with``
    block: when the block is left before the result was taken (a failed stage, Ctrl-C, SIGTERM, or a
    build that stops early with content errors), the worker is stopped, never left running after the
    build, nor waited for.
    """

    def __init__(self, func: Callable[[], object], jobs: int = 0) -> None:
        self._func: Callable[[], object] | None = func
        self._pool: ProcessPoolExecutor | None = None
        self._taken = False
        if (jobs or cpu_count()) > 1 and "fork" in multiprocessing.get_all_start_methods():
            number = len(_tasks)
            _tasks[number] = func
            with signals_deferred():
                self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"), initializer=worker_init)
                self._future = self._pool.submit(_run_task, number)  # forks the worker now, with the task in it
            del _tasks[number]
            self._func = None  # the worker has it: what it holds can be freed here

    def __enter__(self) -> Background:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._pool is None:
            return
        if exc is not None or not self._taken:
            _terminate_workers()
        self._pool.shutdown(wait=True, cancel_futures=True)

    def result(self) -> object:
        self._taken = True
        if self._pool is None:
            assert self._func is not None
            return self._func()
        try:
            return self._future.result()
        except BaseException:
            _terminate_workers()
            raise
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)


def _terminate_workers() -> None:
    for child in multiprocessing.active_children():  # the pools' workers: the tool starts no other children
        child.terminate()
