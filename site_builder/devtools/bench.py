"""``make bench``: time each stage of check and build on synthetic catalogues shaped like the shipped one.

For each size it generates a catalogue (site_builder/devtools/synthetic.py), then measures, each in a fresh
process so that its peak resident memory is its own:

  check     loading and validating everything, as 'catalogue check --strict' (the corpus must pass)
  cold      a build with no Markdown cache and no previous site
  warm      a build with the cache of the previous build but no previous site (CI restoring its cache)
  rebuild   a build with nothing changed since the last one (cache and previous site in place)
  edited    a build after editing one project's body (cache and previous site in place), --edit-runs
            times in a row ("edited 2", ...): the targets give their median, since one run on a
            shared machine can be a second off

and prints a table of seconds per build stage, and one of the memory high-water mark after each
stage (MiB, main process / largest worker), then the search figures (search data sizes, and in
headless Chromium when it is installed: search speed, and the search data a one-word query fetches
for its first results, as received and gzipped). Then, at each size:

  serve     'catalogue serve' on the catalogue (serve_bench.py): seconds from saving an edit to one
            project file until the served page holds it (--serve-edits times, median and max), from
            saving an invalid file until the live-reload status reports the error, and from the fix
            until the page is served again
  hugo      at --hugo-sizes only (1,000): Hugo and Pagefind on the same project files (hugo_bench.py),
            beside our cold build, and with Chromium the bytes Pagefind fetches for the same one-word
            queries; skipped, saying why, when their binaries are not installed

and at the end a summary across sizes and issue 11's target rows as measured. 'wall' includes
starting Python and importing; 'cpu' is the user and system time of the process and its workers,
which other work on the machine disturbs less than wall time; 'load' is the load average as the run
started. Timings are printed, never asserted: these machines are noisy.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.catalogue.load import load_catalogue
from site_builder.catalogue.registry import load_registry
from site_builder.devtools.hugo_bench import Comparison, compare
from site_builder.devtools.hugo_bench import lines as hugo_lines
from site_builder.devtools.search_bench import pagefind_lines
from site_builder.devtools.search_bench import report as search_report
from site_builder.devtools.serve_bench import RoundTrip, round_trip
from site_builder.devtools.serve_bench import lines as serve_lines
from site_builder.devtools.synthetic import REPO, generate_catalogue
from site_builder.devtools.synthetic_shape import measure_shape
from site_builder.runtime import fast_exit

STAGES = ("load", "markdown", "views", "render", "data", "index", "write")


@dataclass
class Run:
    """One measured process: seconds per stage, memory high-water marks and the peak of the process tree."""

    name: str
    timings: dict[str, float]
    memory: dict[str, tuple[float, float]]
    peak: float  # MiB: ru_maxrss of the process and the workers it waited for
    wall: float  # seconds, including starting Python and importing
    cpu: float = 0.0  # user and system seconds of the process and its workers: less noisy than wall time
    load: float = 0.0  # the machine's 1-minute load average as the run started (other work slows it down)


def _child(stage: str, root: Path, out: Path, today: dt.date, jobs: int) -> dict[str, object]:
    """Run one stage in this process (called in the subprocess)."""
    start = time.perf_counter()
    if stage == "check":
        _, report = load_catalogue(root, today=today)
        if not report.ok(strict=True):  # the corpus must pass 'catalogue check --strict'
            raise SystemExit(report.render())
        return {"timings": {"total": time.perf_counter() - start}, "memory": {}}
    fast_exit.collector_off()  # as 'catalogue build' does (see main)
    result = build_site(root, BuildOptions(out=out, jobs=jobs, use_cache=stage != "nocache"))
    fast_exit.keep_until_exit(result)
    if not result.ok:
        raise SystemExit(result.report.render())
    return {"timings": {**result.timings, "total": time.perf_counter() - start}, "memory": result.memory}


def measure(name: str, stage: str, root: Path, out: Path, today: dt.date, jobs: int = 0) -> Run:
    """Run ``stage`` ('check', 'build' or 'nocache') in a fresh process, as of ``today``."""
    epoch = int(dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC).timestamp())
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch)}  # the build time matches the review dates
    child = [sys.executable, "-m", "site_builder.devtools.bench", "--child", stage, str(root), str(out), today.isoformat(), str(jobs)]
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(child, stdout=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {name} failed on {root}")
    found = json.loads(output)
    memory = {k: (float(v[0]), float(v[1])) for k, v in found["memory"].items()}
    return Run(name, found["timings"], memory, usage.ru_maxrss / 1024, wall, usage.ru_utime + usage.ru_stime, load)


def edit_one(root: Path) -> None:
    """Change one sentence of the first project's body, as a contributor would."""
    path = min((root / "content" / "projects").glob("*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence, edited for the benchmark.\n", encoding="utf-8")


def _site_size(site: Path) -> tuple[int, float]:
    files = [p for p in site.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files) / 1024 / 1024


def time_table(runs: list[Run]) -> list[str]:
    """Seconds per stage, the total, wall and CPU time, peak memory and the load average: one row per run."""
    head = (f"{'':<9}" + "".join(f"{s:>9}" for s in STAGES)
            + f"{'total':>9}{'wall':>8}{'cpu':>8}{'peak MiB':>10}{'main':>7}{'worker':>7}{'load':>6}")
    lines = [head]
    for run in runs:
        cells = "".join(f"{run.timings[s]:9.2f}" if s in run.timings else f"{'':>9}" for s in STAGES)
        last = list(run.memory.values())[-1] if run.memory else (run.peak, 0.0)
        worker = f"{last[1]:7.0f}" if run.memory else f"{'-':>7}"
        lines.append(f"{run.name:<9}{cells}{run.timings['total']:9.2f}{run.wall:8.1f}{run.cpu:8.1f}"
                     f"{run.peak:10.0f}{last[0]:7.0f}{worker}{run.load:6.1f}")
    return lines


def memory_table(runs: list[Run]) -> list[str]:
    """The memory high-water mark after each build stage, MiB, as main/largest worker."""
    lines = [f"{'MiB':<9}" + "".join(f"{s:>11}" for s in STAGES)]
    for run in runs:
        if run.memory:
            lines.append(f"{run.name:<9}" + "".join(f"{f'{run.memory[s][0]:.0f}/{run.memory[s][1]:.0f}' if s in run.memory else '':>11}"
                                                    for s in STAGES))
    return lines


def summary_table(results: dict[int, list[Run]]) -> list[str]:
    """Total seconds, CPU seconds and peak MiB of every run, one column per size."""
    names = list(dict.fromkeys(run.name for runs in results.values() for run in runs))
    lines = [f"{'':<9}" + "".join(f"{size:>23,} projects" for size in results)]
    for name in names:
        cells = []
        for runs in results.values():
            run = next((r for r in runs if r.name == name), None)
            cell = f"{run.timings['total']:.2f} s  cpu {run.cpu:.1f} s {run.peak:5.0f} MiB" if run else ""
            cells.append(f"{cell:>32}")
        lines.append((f"{name:<9}" + "".join(cells)).rstrip())
    return lines


@dataclass
class SizeResult:
    """Everything measured at one size: the runs, the serve round trip, Hugo + Pagefind and the search bytes."""

    runs: list[Run]
    serve: RoundTrip | None = None
    hugo: Comparison | None = None
    query_kib: float | None = None  # the most gzipped KiB of search data a one-word query fetched for its first results
    pagefind_kib: float | None = None  # the same for Pagefind on the Hugo site: its index and fragment data


@dataclass
class Plan:
    """What to measure beyond the builds (from the options)."""

    cold_runs: int = 1
    jobs: int = 0
    browser: bool = True
    serve_edits: int = 3  # 0: no serve round trip
    hugo_sizes: tuple[int, ...] = (1000,)
    edit_runs: int = 3


def bench_size(size: int, base: Path, plan: Plan) -> SizeResult:
    """Generate ``size`` projects under ``base`` and measure check and each kind of build; prints as it goes."""
    registry, problems = load_registry(REPO)
    if problems:
        raise SystemExit("\n".join(p.text() for p in problems))
    root = base / f"n{size}"
    shutil.rmtree(root, ignore_errors=True)
    start = time.perf_counter()
    generated = generate_catalogue(root, size, registry)
    print(f"\n== {size:,} projects (generated in {time.perf_counter() - start:.1f} s: {generated.body_words:,} body words, "
          f"a vocabulary of {generated.vocabulary:,}, reviewed as of {generated.today})", flush=True)
    site, cache = root / "_site", root / ".cache"
    runs: list[Run] = []
    print(time_table([])[0], flush=True)

    def run(name: str, stage: str) -> None:  # measure, and print its row at once: 10,000 projects take minutes
        runs.append(measure(name, stage, root, site, generated.today, plan.jobs))
        print(time_table(runs[-1:])[1], flush=True)

    run("check", "check")
    for number in range(plan.cold_runs):
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
        run("cold" if number == 0 else f"cold {number + 1}", "build")
    shutil.rmtree(site, ignore_errors=True)
    run("warm", "build")
    run("rebuild", "build")
    for number in range(plan.edit_runs):
        edit_one(root)
        run("edited" if number == 0 else f"edited {number + 1}", "build")
    print("\n".join(memory_table(runs)))
    files, mib = _site_size(site)
    print(f"output: {files:,} files, {mib:.1f} MiB")
    searched, query_kib = search_report(site, runs[1].timings.get("index"), plan.browser)
    print("\n".join(searched), flush=True)
    result = SizeResult(runs, query_kib=query_kib)
    if plan.serve_edits:  # cache and site in place: serve's first build is a rebuild
        result.serve = round_trip(root, generated.today, plan.serve_edits, log=base / f"n{size}-serve.log",
                                  start_timeout=120 + size * 0.05, edit_timeout=60 + size * 0.03)  # generous on a busy machine
        print("\n".join(serve_lines(result.serve)), flush=True)
    if size in plan.hugo_sizes:
        result.hugo = compare(root, base / f"n{size}-hugo")
        print("\n".join(hugo_lines(result.hugo, runs[1].wall, runs[1].cpu)), flush=True)  # wall: each starts a process
        if plan.browser and result.hugo.pagefind is not None:
            shown, result.pagefind_kib = pagefind_lines(base / f"n{size}-hugo" / "hugo-site" / "public")
            print("\n".join(shown), flush=True)
    return result


def _fmt(run: Run | None) -> str:
    return f"{run.timings['total']:.2f} s (cpu {run.cpu:.1f} s, peak {run.peak:.0f} MiB)" if run else "not measured"


def _edits(runs: list[Run]) -> str:
    """The edited builds: the one, or the median of several and each total."""
    edits = [run for run in runs if run.name == "edited" or run.name.startswith("edited ")]
    if len(edits) < 2:
        return _fmt(edits[0] if edits else None)
    middle = sorted(edits, key=lambda run: run.timings["total"])[(len(edits) - 1) // 2]
    each = ", ".join(f"{run.timings['total']:.2f}" for run in edits)
    return f"median {middle.timings['total']:.2f} s of {len(edits)} ({each}; cpu {middle.cpu:.1f} s)"


def targets_table(results: dict[int, SizeResult]) -> list[str]:
    """Issue 11's target rows, as measured at each size (the targets are set at 10,000, and Hugo at 1,000)."""
    lines = []
    for size, result in results.items():
        runs = {run.name: run for run in result.runs}
        rows = [(f"cold build, {size:,}", _fmt(runs.get("cold")), "<= 20 s, peak <= 1 GB at 10,000")]
        hugo = result.hugo
        if hugo is not None and hugo.hugo is not None and hugo.pagefind is not None and "cold" in runs:
            both = hugo.hugo.wall + hugo.pagefind.wall
            rows.append((f"cold build vs Hugo + Pagefind, {size:,}",
                         f"{runs['cold'].wall:.2f} s vs {hugo.hugo.wall:.2f} + {hugo.pagefind.wall:.2f} = {both:.2f} s "
                         f"(cpu {runs['cold'].cpu:.1f} vs {hugo.hugo.cpu + hugo.pagefind.cpu:.1f} s)", "<= Hugo + Pagefind"))
        elif hugo is not None:
            rows.append((f"cold build vs Hugo + Pagefind, {size:,}", f"skipped: {hugo.skipped}", "<= Hugo + Pagefind"))
        rows.append((f"rebuild, nothing changed, {size:,}", _fmt(runs.get("rebuild")), "<= 3 s at 10,000"))
        rows.append((f"build after editing one project, {size:,}", _edits(result.runs), "<= 3 s at 10,000"))
        serve = result.serve
        if serve is not None:
            shown = (f"median {statistics.median(serve.edits):.2f} s, max {max(serve.edits):.2f} s "
                     f"(server cpu median {statistics.median(serve.edits_cpu):.1f} s)" if serve.edits else "failed (see above)")
            rows.append((f"serve: save -> page served, {size:,}", shown, "<= 1 s at 10,000"))
        shown = f"at most {result.query_kib:.1f} KiB gz" if result.query_kib is not None else "not measured (no Chromium or --no-browser)"
        if result.pagefind_kib is not None:
            shown += f" (Pagefind: at most {result.pagefind_kib:.1f} KiB of data)"
        rows.append((f"search data for a one-word query, {size:,}", shown, "<= 200 KiB gz at 10,000"))
        lines += [f"{work:<42} {figure:<64} target {target}".rstrip() for work, figure, target in rows]
    return lines


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m site_builder.devtools.bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="make bench runs it with no options; pass options as make bench BENCH_ARGS='...'")
    parser.add_argument("--sizes", default="1000,10000", metavar="N,N",
                        help="comma-separated project counts (default 1000,10000)")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR",
                        help="generate and build under DIR and keep it (e.g. /dev/shm/bench, a RAM disk); "
                             "default: a temporary folder, removed at the end")
    parser.add_argument("--cold-runs", type=int, default=1, metavar="N",
                        help="how many times to measure the cold build of each size (default 1)")
    parser.add_argument("--edit-runs", type=int, default=3, metavar="N",
                        help="how many edits in a row to measure a build after (default 3; the targets give the median)")
    parser.add_argument("--jobs", type=int, default=0, metavar="N", help="worker processes for the builds (default: all cores)")
    parser.add_argument("--no-shipped", dest="shipped", action="store_false",
                        help="skip building the shipped catalogue for the search report")
    parser.add_argument("--no-browser", dest="browser", action="store_false",
                        help="skip the search timings in headless Chromium (search data sizes are still reported)")
    parser.add_argument("--serve-edits", type=int, default=3, metavar="N",
                        help="edits timed from saving a project file to 'catalogue serve' serving the page, at each size "
                             "(default 3; an invalid save and its fix are timed too; 0 skips the serve round trip)")
    parser.add_argument("--hugo-sizes", default="1000", metavar="N,N",
                        help="sizes at which Hugo + Pagefind build the same corpus beside our cold build "
                             "(default 1000; 'none' skips them; needs the 'bench' extra, which make bench installs)")
    parser.add_argument("--child", nargs=5, metavar="ARG", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.child:  # a process that ends as the console script does: at once (runtime/fast_exit.py)
        stage, root, out, today, jobs = args.child
        fast_exit.enable()
        print(json.dumps(_child(stage, Path(root), Path(out), dt.date.fromisoformat(today), int(jobs))))
        fast_exit.exit_now(0)
    try:
        sizes = [int(s) for s in args.sizes.split(",")]
    except ValueError:
        parser.error(f"--sizes: expected comma-separated whole numbers such as 1000,10000, found {args.sizes!r}")
    try:
        hugo_sizes = () if args.hugo_sizes == "none" else tuple(int(s) for s in args.hugo_sizes.split(","))
    except ValueError:
        parser.error(f"--hugo-sizes: expected comma-separated whole numbers such as 1000, or none, found {args.hugo_sizes!r}")
    if any(s < 1 for s in sizes) or args.cold_runs < 1 or args.edit_runs < 1:
        parser.error("--sizes, --cold-runs and --edit-runs: expected numbers of 1 or more")
    if args.serve_edits < 0:
        parser.error("--serve-edits: expected 0 or more")
    plan = Plan(args.cold_runs, args.jobs, args.browser, args.serve_edits, hugo_sizes, args.edit_runs)
    base = args.keep or Path(tempfile.mkdtemp(prefix="catalogue-bench-"))
    begun = time.perf_counter()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; folder {base}")
    if args.shipped:
        today = measure_shape(REPO).reference_date
        run = measure("shipped", "nocache", REPO, base / "shipped", today, args.jobs)
        print(f"\n== the shipped catalogue (no cache), as of {today}")
        print("\n".join(time_table([run])))
        print("\n".join(search_report(base / "shipped", run.timings.get("index"), args.browser)[0]))
    results = {size: bench_size(size, base, plan) for size in sizes}
    print("\n== summary: total seconds, CPU seconds and peak memory of each run")
    print("\n".join(summary_table({size: result.runs for size, result in results.items()})))
    print("\n== issue 11's targets, as measured (wall seconds; builds in a fresh process each)")
    print("\n".join(targets_table(results)))
    print(f"bench took {time.perf_counter() - begun:.0f} s")
    if args.keep is None:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
