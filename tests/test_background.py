"""runtime.parallel.Background: work done in a forked process while the build goes on, or inline with one job."""

from __future__ import annotations

import os

import pytest

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
