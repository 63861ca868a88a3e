"""runtime.parallel.Background: work done in a forked process while the build goes on, or inline with one job."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from site_builder.runtime import parallel
from site_builder.runtime.parallel import Background


def _pid_and(value: int) -> tuple[int, int]:
    return os.getpid(), value * 2


def test_with_two_jobs_the_work_runs_in_another_process() -> None:
    found = Background(lambda: _pid_and(21), jobs=2).result()
    assert isinstance(found, tuple)
    assert found[1] == 42 and found[0] != os.getpid()


def test_with_one_job_it_runs_here_when_the_result_is_asked_for() -> None:
    calls: list[int] = []
    def work() -> tuple[int, int]:
        calls.append(1)
        return _pid_and(1)

    job = Background(work, jobs=1)
    assert calls == []
    assert job.result() == (os.getpid(), 2) and calls == [1]


def test_an_exception_in_the_work_reaches_the_caller() -> None:
    def fail() -> None:
        raise ValueError("no workbook")

    with pytest.raises(ValueError, match="no workbook"):
        Background(fail, jobs=2).result()


def test_a_block_left_by_an_exception_before_the_result_leaves_no_worker_running() -> None:
    """A stage that fails (or Ctrl-C, SIGTERM) while the workbook is made: its worker is stopped, not orphaned."""
    with pytest.raises(RuntimeError, match="the index failed"), Background(lambda: time.sleep(30), jobs=2) as job:
        assert job is not None
        (worker,) = multiprocessing.active_children()  # running the work
        raise RuntimeError("the index failed")
    assert multiprocessing.active_children() == []
    assert worker.exitcode == -signal.SIGTERM  # stopped, not waited for until its work was done


def test_a_block_left_without_asking_for_the_result_stops_the_worker_without_waiting() -> None:
    """A build that stops early (content errors in its templates) never waits for the index it started beside."""
    with Background(lambda: time.sleep(30), jobs=2):
        (worker,) = multiprocessing.active_children()
    assert multiprocessing.active_children() == []
    assert worker.exitcode == -signal.SIGTERM  # stopped: not waited for until its work was done


def test_a_block_whose_result_was_taken_leaves_normally() -> None:
    with Background(lambda: _pid_and(5), jobs=2) as job:
        found = job.result()
    assert isinstance(found, tuple) and found[1] == 10 and found[0] != os.getpid()
    assert multiprocessing.active_children() == []


def _square_in_worker(number: int) -> tuple[int, int]:
    return os.getpid(), number * number


@pytest.mark.parametrize("jobs", [1, 2])
def test_parallel_map_calls_meanwhile_here_once_while_the_workers_work(jobs: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 2)
    seen: list[tuple[int, int]] = []
    results = parallel.parallel_map(_square_in_worker, range(8), jobs,
                                    meanwhile=lambda: seen.append((os.getpid(), len(multiprocessing.active_children()))))
    assert [value for _, value in results] == [n * n for n in range(8)]
    assert seen == [(os.getpid(), 0 if jobs == 1 else 2)]  # here, once; with two jobs, while both workers exist
    assert ({pid for pid, _ in results} == {os.getpid()}) == (jobs == 1)
