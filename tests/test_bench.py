"""``make bench``: its tables, its options, and one small run end to end (timings are never asserted)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.devtools.bench import STAGES, Run, main, memory_table, summary_table, time_table


def _run(name: str, scale: float, memory: bool = True) -> Run:
    timings = {stage: scale * (i + 1) for i, stage in enumerate(STAGES)} if memory else {}
    timings["total"] = sum(timings.values()) or scale
    marks = {stage: (100.0 + i, 50.0 + i) for i, stage in enumerate(STAGES)} if memory else {}
    return Run(name, timings, marks, peak=123.4, wall=scale * 30 + 0.5, cpu=scale * 40, load=3.25)


def test_the_time_table_has_a_column_per_stage_and_the_peak_memory() -> None:
    assert time_table([_run("check", 0.5, memory=False), _run("cold", 0.25)]) == [
        "              load markdown    views   render     data    index    write    total    wall     cpu  peak MiB   main worker  load",
        "check                                                                        0.50    15.5    20.0       123    123      -   3.2",
        "cold          0.25     0.50     0.75     1.00     1.25     1.50     1.75     7.00     8.0    10.0       123    106     56   3.2",
    ]


def test_the_memory_table_shows_main_and_worker_after_each_stage() -> None:
    assert memory_table([_run("check", 0.5, memory=False), _run("warm", 0.1)]) == [
        "MiB             load   markdown      views     render       data      index      write",
        "warm          100/50     101/51     102/52     103/53     104/54     105/55     106/56",
    ]


def test_the_summary_has_a_column_per_size_and_leaves_missing_runs_blank() -> None:
    assert summary_table({1000: [_run("cold", 0.25), _run("cold 2", 0.5)], 10000: [_run("cold", 2.0)]}) == [
        "                           1,000 projects                 10,000 projects",
        "cold         7.00 s  cpu 10.0 s   123 MiB   56.00 s  cpu 80.0 s   123 MiB",
        "cold 2      14.00 s  cpu 20.0 s   123 MiB",
    ]


def test_a_small_bench_measures_check_cold_warm_and_rebuild(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sizes", "12", "--cold-runs", "2", "--no-shipped", "--no-browser", "--jobs", "1", "--keep", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    table = out.split("== 12 projects", 1)[1].split("\nMiB ", 1)[0].splitlines()[2:]  # the time table's rows
    rows = {line[:9].strip(): line for line in table}
    assert list(rows) == ["check", "cold", "cold 2", "warm", "rebuild", "edited"]
    for name in ("cold", "cold 2", "warm", "rebuild", "edited"):
        numbers = re.findall(r"\d+\.\d+|\d+", rows[name].removeprefix(name))
        stages = 0 if name == "rebuild" else len(STAGES)  # nothing changed: no stage runs (build/stamp.py)
        assert len(numbers) == stages + 7, rows[name]  # every stage, total, wall, cpu, peak, main, worker, load
    assert re.fullmatch(r"check +\d+\.\d\d +\d+\.\d +\d+\.\d +\d+ +\d+ +- +\d+\.\d", rows["check"]), rows["check"]
    assert "== 12 projects (generated in" in out
    assert "browser timings skipped (--no-browser)" in out
    assert re.search(r"^output: \d+ files", out, re.MULTILINE)
    assert (tmp_path / "n12" / "_site" / "projects" / "synthetic-project-00011" / "index.html").is_file()
    assert (tmp_path / "n12" / ".cache").is_dir()


@pytest.mark.parametrize(("args", "message"), [
    (["--sizes", "1000,ten"], "--sizes: expected comma-separated whole numbers such as 1000,10000, found '1000,ten'"),
    (["--sizes", "0"], "--sizes and --cold-runs: expected numbers of 1 or more"),
    (["--cold-runs", "0"], "--sizes and --cold-runs: expected numbers of 1 or more"),
])
def test_bad_options_are_usage_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"python -m site_builder.devtools.bench: error: {message}"
