"""A build killed at any step leaves the previous site or the new one, whole; the next build cleans up.

``catalogue build`` runs as a subprocess on 250 synthetic projects (so two forked workers render the
pages) with the test-only hook ``CATALOGUE_TEST_PAUSE_AT`` (site_builder/runtime/stopping.py): the build waits
at the named step and says so in a file, and the test then signals it at exactly that step.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.build.staging import wait_for_trash
from site_builder.runtime.stopping import PAUSE_DIR_ENV, PAUSE_ENV
from tests.golden_update import SOURCE_DATE_EPOCH, fixture_environment, read_tree
from tests.helpers import synthetic_catalogue

PROJECTS = 250
CHANGED = "content/projects/synthetic-project-00007.md"
WAIT = 60.0  # seconds: a generous bound for a loaded machine; a pause is normally reached in 2 s


@dataclass
class Catalogue:
    work: Path
    root: Path
    old: Path  # a copy of the previous site (built from the original content)
    old_cache: Path  # the build cache of that build, hard-linked (objects keep their inodes and times)
    old_files: dict[str, bytes]
    new_files: dict[str, bytes]  # what a build of the changed content gives

    @property
    def site(self) -> Path:
        return self.root / "_site"

    def reset(self) -> None:
        """The previous site and its build cache in place, the changed content to build."""
        shutil.rmtree(self.site, ignore_errors=True)
        shutil.copytree(self.old, self.site, symlinks=True)
        shutil.rmtree(self.root / ".cache", ignore_errors=True)
        shutil.copytree(self.old_cache, self.root / ".cache", copy_function=os.link)

    def leftovers(self) -> list[str]:
        return sorted(p.name for p in self.root.iterdir() if p.name.startswith("._site."))


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalogue]:
    work = tmp_path_factory.mktemp("kill")
    root = synthetic_catalogue(work / "catalogue", PROJECTS, work)
    with fixture_environment(work):
        assert build_site(root, BuildOptions(out=root / "_site", jobs=1)).ok
        old_files = read_tree(root / "_site")
        shutil.copytree(root / "_site", work / "old")
        shutil.copytree(root / ".cache", work / "old-cache", copy_function=os.link)
        changed = root / CHANGED
        changed.write_text(changed.read_text(encoding="utf-8").replace("## ", "## Changed: ", 1), encoding="utf-8")
        assert build_site(root, BuildOptions(out=work / "new", jobs=1, use_cache=False)).ok
        new_files = read_tree(work / "new")
    wait_for_trash()
    assert old_files != new_files
    yield Catalogue(work, root, work / "old", work / "old-cache", old_files, new_files)


@pytest.fixture
def started() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Builds started by a test; on the way out, whatever is left of them (workers included) is killed."""
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # each build leads its own process group
        proc.wait(timeout=WAIT)


def start_build(started: list[subprocess.Popen[bytes]], catalogue: Catalogue, point: str) -> tuple[subprocess.Popen[bytes], Path, Path]:
    pauses = catalogue.work / f"pause-{point}-{time.monotonic_ns()}"
    pauses.mkdir()
    env = {**os.environ, PAUSE_ENV: point, PAUSE_DIR_ENV: str(pauses),
           "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "GIT_CEILING_DIRECTORIES": str(catalogue.work)}
    env.pop("CATALOGUE_DEBUG", None)
    env["PYTHONFAULTHANDLER"] = "1"  # if a build hangs, SIGABRT shows where (see exit_code)
    stderr = pauses / "stderr.txt"
    with stderr.open("wb") as err, (pauses / "stdout.txt").open("wb") as out:  # files, not pipes: nothing can hang on them
        # Rendering pauses in a forked worker only when there are many pages to render: not from the cache.
        no_cache = ["--no-cache"] if point == "render_page" else []
        proc = subprocess.Popen([sys.executable, "-m", "site_builder", "build", "--root", str(catalogue.root), "--jobs", "2", *no_cache],
                                cwd=catalogue.work, env=env, stdout=out, stderr=err, start_new_session=True)
    started.append(proc)
    return proc, pauses / f"{point}.reached", stderr


def wait_until_reached(proc: subprocess.Popen[bytes], reached: Path, stderr: Path) -> int:
    """The id of the process waiting at the pause point."""
    deadline = time.monotonic() + WAIT
    while not (reached.is_file() and reached.read_text(encoding="utf-8")):
        assert proc.poll() is None, f"the build ended (exit {proc.returncode}) before the pause:\n{stderr.read_text()}"
        assert time.monotonic() < deadline, "the pause point was never reached"
        time.sleep(0.02)
    return int(reached.read_text(encoding="utf-8"))


def exit_code(proc: subprocess.Popen[bytes], stderr: Path) -> int:
    """The build's exit code; a build that does not end is aborted, and the test fails showing its threads."""
    try:
        return proc.wait(timeout=WAIT)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)
        proc.wait(timeout=WAIT)
        pytest.fail(f"the build did not end:\n{stderr.read_text(encoding='utf-8')}")


def wait_until_idle(staging: Path) -> None:
    """Until no more files appear in ``staging``: the workers that are not paused have run out of work.

    Then SIGTERM to the whole group kills an idle worker while it waits on the pool's task queue (the
    case where multiprocessing.Pool hangs for ever in terminate()).
    """
    deadline, last = time.monotonic() + WAIT, -1
    while (count := sum(1 for _ in staging.rglob("*"))) != last:
        assert time.monotonic() < deadline, "the workers never settled"
        last = count
        time.sleep(0.5)


def assert_stopped_quietly(stderr: Path, message: str) -> None:
    """The progress lines of the stages that ended (site_builder/build/progress.py), then ``message``: no traceback."""
    lines = stderr.read_text(encoding="utf-8").splitlines()
    assert lines[-1] == message
    assert [line for line in lines[:-1] if not line.startswith("build: ")] == []


def gone(pid: int) -> bool:
    """Whether ``pid`` has exited (a zombie waiting for a parent that does not reap it counts as exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8").rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")


def assert_gone(pid: int) -> None:
    deadline = time.monotonic() + WAIT
    while not gone(pid):
        assert time.monotonic() < deadline, f"process {pid} outlived the build"
        time.sleep(0.02)


def assert_next_build_cleans_up(catalogue: Catalogue) -> None:
    with fixture_environment(catalogue.work):
        assert build_site(catalogue.root, BuildOptions(out=catalogue.site, jobs=1)).ok
    wait_for_trash()
    assert catalogue.leftovers() == []
    assert read_tree(catalogue.site) == catalogue.new_files


# Where the kill lands, and which site must be in place afterwards.
KILL_POINTS = [
    ("render_page", "old"),  # in a worker, half the pages written
    ("link", "old"),  # half the unchanged pages linked from the build cache
    ("write", "old"),  # half the other files written
    ("publish", "old"),  # everything written, just before the swap
    ("published", "new"),  # just after the swap, the old site not yet moved away
]


@pytest.mark.parametrize(("point", "expected"), KILL_POINTS, ids=[point for point, _ in KILL_POINTS])
def test_sigkill_at_any_step_leaves_one_whole_site(
        started: list[subprocess.Popen[bytes]], catalogue: Catalogue, point: str, expected: str) -> None:
    catalogue.reset()
    proc, reached, stderr = start_build(started, catalogue, point)
    paused = wait_until_reached(proc, reached, stderr)
    proc.kill()
    assert exit_code(proc, stderr) == -signal.SIGKILL
    assert_gone(paused)  # a paused worker dies with its parent, not orphaned
    site = read_tree(catalogue.site)
    assert site == (catalogue.old_files if expected == "old" else catalogue.new_files)
    assert catalogue.leftovers() == [f"._site.new-{proc.pid}"]  # what the next build must clean up
    assert_next_build_cleans_up(catalogue)


@pytest.mark.parametrize(("point", "whom"), [("render_page", "parent"), ("render_page", "group"), ("write", "parent")])
def test_sigterm_stops_quietly_with_143_and_the_previous_site(
        started: list[subprocess.Popen[bytes]], catalogue: Catalogue, point: str, whom: str) -> None:
    """SIGTERM to the build alone, or to its whole process group (as service managers send it)."""
    catalogue.reset()
    proc, reached, stderr = start_build(started, catalogue, point)
    paused = wait_until_reached(proc, reached, stderr)
    if whom == "group":
        wait_until_idle(catalogue.root / f"._site.new-{proc.pid}")
        os.killpg(proc.pid, signal.SIGTERM)
    else:
        proc.send_signal(signal.SIGTERM)
    assert exit_code(proc, stderr) == 143
    assert_stopped_quietly(stderr, "catalogue: stopped by SIGTERM; the previous site was left as it was")
    assert_gone(paused)
    assert read_tree(catalogue.site) == catalogue.old_files
    assert catalogue.leftovers() == []  # the stopped build removed its own staging folder


def test_ctrl_c_stops_quietly_with_130_and_the_previous_site(started: list[subprocess.Popen[bytes]], catalogue: Catalogue) -> None:
    """Ctrl-C sends SIGINT to the whole foreground process group: the build and its workers."""
    catalogue.reset()
    proc, reached, stderr = start_build(started, catalogue, "render_page")
    paused = wait_until_reached(proc, reached, stderr)
    wait_until_idle(catalogue.root / f"._site.new-{proc.pid}")
    os.killpg(proc.pid, signal.SIGINT)
    assert exit_code(proc, stderr) == 130
    assert_stopped_quietly(stderr, "catalogue: stopped by SIGINT; the previous site was left as it was")
    assert_gone(paused)
    assert read_tree(catalogue.site) == catalogue.old_files
    assert catalogue.leftovers() == []
