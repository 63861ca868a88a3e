"""``make bench``: generate synthetic catalogues and time each stage, with peak memory.

Each measurement runs in a fresh subprocess so that its peak resident memory (``ru_maxrss`` of the
process, from ``wait4``) is its own. Timings are printed, never asserted: these machines are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.catalogue.load import load_catalogue
from site_builder.catalogue.registry import load_registry
from site_builder.devtools.search_bench import report as search_report
from site_builder.devtools.synthetic import REPO, generate_catalogue


def _child(stage: str, root: Path, out: Path | None = None) -> dict[str, dict[str, float]]:
    """Run one stage in this process (called in the subprocess): its timings, and the memory
    high-water mark (MiB) after each build stage, of the main process and of its largest worker."""

    start = time.perf_counter()
    if stage == "check":
        _, report = load_catalogue(root)
        if report.errors:
            raise SystemExit(report.render())
        return {"timings": {"total": time.perf_counter() - start}, "memory": {}}
    result = build_site(root, BuildOptions(out=out or root / "_site"))  # cold: the parent emptied .cache
    if not result.ok:
        raise SystemExit(result.report.render())
    timings = dict(result.timings)
    timings["total"] = time.perf_counter() - start
    memory = {f"{stage} {who}": mib for stage, pair in result.memory.items() for who, mib in zip(("main", "worker"), pair, strict=True)}
    return {"timings": timings, "memory": memory}


def measure(stage: str, root: Path, out: Path | None = None) -> tuple[dict[str, float], float, dict[str, float]]:
    """Timings, peak memory (MiB) and per-stage memory of one stage in a fresh process (into ``out`` if given)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    child = [sys.executable, "-m", "site_builder.devtools.bench", "--child", stage, str(root), *([str(out)] if out else [])]
    proc = subprocess.Popen(child,
                            stdout=subprocess.PIPE, env=env)
    assert proc.stdout is not None
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{stage} failed on {root}")
    found = json.loads(output)
    return found["timings"], usage.ru_maxrss / 1024, found["memory"]


def _site_size(root: Path) -> tuple[int, float]:
    files = [p for p in (root / "_site").rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files) / 1024 / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench", description=__doc__)
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated project counts (default 1000,10000)")
    parser.add_argument("--keep", type=Path, default=None, help="keep the generated catalogues under this folder")
    parser.add_argument("--no-shipped", dest="search_shipped", action="store_false",
                        help="skip building the shipped catalogue for the search report")
    parser.add_argument("--child", nargs="+", metavar="ARG", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        out = Path(args.child[2]) if len(args.child) > 2 else None
        print(json.dumps(_child(args.child[0], Path(args.child[1]), out)))
        return 0
    registry, problems = load_registry(REPO)
    if problems:
        print("\n".join(p.text() for p in problems))
        return 1
    base = args.keep or Path(tempfile.mkdtemp(prefix="catalogue-bench-"))
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    if args.search_shipped:
        print("\n== the shipped catalogue")
        shipped = base / "shipped"
        timings, _, _ = measure("build-cold", REPO, shipped)
        print(f"build-cold  {timings['total']:6.2f} s")
        print("\n".join(search_report(shipped, timings.get("index"))))
    for size in (int(s) for s in args.sizes.split(",")):
        root = base / f"n{size}"
        shutil.rmtree(root, ignore_errors=True)
        start = time.perf_counter()
        generate_catalogue(root, size, registry)
        print(f"\n== {size:,} projects (generated in {time.perf_counter() - start:.1f} s)")
        cold: dict[str, float] = {}
        for stage in ("check", "build-cold", "build-warm"):
            if stage == "build-cold":
                shutil.rmtree(root / ".cache", ignore_errors=True)
            timings, peak, memory = measure(stage, root)
            cold = timings if stage == "build-cold" else cold
            parts = ", ".join(f"{k} {v:.2f}" for k, v in timings.items() if k != "total")
            print(f"{stage:<11} {timings['total']:6.2f} s  peak {peak:6.0f} MiB" + (f"  ({parts})" if parts else ""))
            if memory:
                stages = [k.removesuffix(" main") for k in memory if k.endswith(" main")]
                marks = ", ".join(f"{k} {memory[k + ' main']:.0f}/{memory[k + ' worker']:.0f}" for k in stages)
                print(f"{'':<11} memory high-water after each stage, MiB (main/largest worker): {marks}")
        files, mib = _site_size(root)
        print(f"output: {files:,} files, {mib:.1f} MiB")
        print("\n".join(search_report(root / "_site", cold.get("index"))))
    if args.keep is None:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
