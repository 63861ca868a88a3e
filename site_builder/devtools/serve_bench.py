"""The ``catalogue serve`` part of ``make bench``: seconds from saving a project file to the page being served.

It starts ``catalogue serve`` on a free port of loopback (a subprocess in its own session), waits
until it serves, then saves an edit to one project's body and polls the live-reload status
(``/__catalogue__/status.json``, every 20 ms) until a new build is published, then fetches the
project page until it holds the edit. A second kind of save makes the project invalid: that one
is timed until the status reports the error (the overlay the browser then shows), and the fix
after it until the page is served again. The server is stopped with SIGTERM (then SIGKILL) in
every case; a server that does not start, or a rebuild that never comes, is reported, never waited
for without end. The browser's own live-reload poll (every ``POLL_MS``) comes on top of these figures.

Run it on its own against an existing catalogue (it edits one project file and restores it)::

    python -m site_builder.devtools.serve_bench ROOT [--edits 3] [--today YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.serve.livereload import POLL_MS, STATUS_PATH

TICK = 0.02  # seconds between two polls of the status
START_TIMEOUT = 600.0  # seconds for the first build of a large catalogue (10,000 projects, no cache) on a busy machine
EDIT_TIMEOUT = 300.0  # seconds for one rebuild to publish an edit
STOP_TIMEOUT = 30.0  # seconds after SIGTERM before SIGKILL
BAD_STATUS = "not-a-status"  # a value the schema refuses


class ServeFailed(Exception):
    """``catalogue serve`` did not start, stopped, or did not publish a change in time: the message says which."""


@dataclass
class RoundTrip:
    """What the serve bench measured, in seconds; ``problem`` says what went wrong (the figures so far are kept)."""

    started: float | None = None  # from starting the process to serving (its first build included)
    edits: list[float] = field(default_factory=list)  # save → the page served holds the edit
    edits_cpu: list[float] = field(default_factory=list)  # CPU seconds the server (and its reaped workers) spent on each
    error: float | None = None  # save an invalid file → the status reports the error
    fixed: float | None = None  # save the fix → the page served holds it again
    stopped: str = ""  # how the server stopped: 'cleanly', or what happened
    problem: str | None = None


def _get(url: str) -> bytes | None:
    """The body at ``url`` on our own loopback server, or ``None`` while it does not answer."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # our own server on loopback
            return bytes(response.read())
    except (urllib.error.URLError, OSError):
        return None


def _status(base: str) -> dict[str, object] | None:
    body = _get(base + STATUS_PATH.lstrip("/"))
    try:
        found = json.loads(body) if body is not None else None
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _tail(log: Path, lines: int = 8) -> str:
    text = log.read_text(encoding="utf-8", errors="replace") if log.is_file() else ""
    return "\n".join("    " + line for line in text.splitlines()[-lines:])


class Server:
    """A running ``catalogue serve``: its process, log and URL."""

    def __init__(self, proc: subprocess.Popen[bytes], log: Path, url: str) -> None:
        self.proc, self.log, self.url = proc, log, url

    def cpu(self) -> float:
        """User and system seconds of the server and its reaped children (its build workers) so far; 0 without /proc."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return 0.0
        return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime

    def generation(self) -> int:
        status = _status(self.url)
        generation = status.get("generation") if status else None
        return generation if isinstance(generation, int) else -1

    def wait_for(self, test: Callable[[], bool], timeout: float, what: str) -> float:
        """Seconds until ``test()`` holds, polling every ``TICK``; raises ServeFailed if the server stops or time runs out."""
        start = time.perf_counter()
        while not test():
            if self.proc.poll() is not None:
                raise ServeFailed(f"catalogue serve stopped (exit code {self.proc.returncode}) while {what}:\n{_tail(self.log)}")
            if time.perf_counter() - start > timeout:
                raise ServeFailed(f"no {what} after {timeout:.0f} s:\n{_tail(self.log)}")
            time.sleep(TICK)
        return time.perf_counter() - start


def _stop(proc: subprocess.Popen[bytes]) -> str:
    """Stop the server's process group (its own session, so only what it started): SIGTERM, then SIGKILL
    if it does not stop in time; any worker left behind is killed too. Says how it went."""
    if proc.poll() is not None:
        how = f"had already stopped (exit code {proc.returncode})"
    else:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            code = proc.wait(timeout=STOP_TIMEOUT)
            how = "cleanly" if code == 0 else f"with exit code {code}"
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            how = f"did not stop within {STOP_TIMEOUT:.0f} s of SIGTERM: killed"
    if _alive_in_group(proc.pid):  # a worker that outlived the server
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        how += "; a process it started outlived it: killed"
    return how


def _alive_in_group(group: int, wait: float = 2.0) -> bool:
    """Whether a process of ``group`` is still running after ``wait`` seconds. Zombies do not count: a
    worker the server's death stopped may not have been reaped yet (by init), and signalling it succeeds."""
    if not Path("/proc/self/stat").exists():  # no /proc: any member, zombie or not
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return False
        return True
    deadline = time.monotonic() + wait
    while True:
        alive = False
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text(encoding="ascii", errors="replace").rpartition(")")[2].split()
            except OSError:
                continue  # gone meanwhile
            if len(fields) > 2 and int(fields[2]) == group and fields[0] != "Z":
                alive = True
                break
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


@contextmanager
def serving(root: Path, today: dt.date, log: Path, timeout: float = START_TIMEOUT,
            stopped: Callable[[str], None] = lambda how: None) -> Iterator[Server]:
    """``catalogue serve`` on ``root`` as of ``today``, once it serves; stopped on leaving (``stopped`` hears how)."""
    epoch = int(dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC).timestamp())
    env = {**os.environ, "SOURCE_DATE_EPOCH": str(epoch), "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "site_builder", "serve", "--root", str(root), "--port", "0"],
                                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    try:
        server = Server(proc, log, "")

        def listening() -> bool:
            found = re.search(r" at (http://127\.0\.0\.1:\d+/)", log.read_text(encoding="utf-8", errors="replace"))
            server.url = found[1] if found else ""
            return bool(found)

        server.wait_for(listening, timeout, "'serving ... at http://...' line")
        server.wait_for(lambda: server.generation() >= 0, timeout, "answer from the live-reload status")
        yield server
    finally:
        stopped(_stop(proc))


def _edit_body(path: Path, original: str, marker: str) -> None:
    path.write_text(original.rstrip("\n") + f"\n\nThe {marker} was saved for the benchmark.\n", encoding="utf-8")


def _published(server: Server, page: str, marker: bytes, before: int) -> Callable[[], bool]:
    """A test: a build newer than ``before`` succeeded and the page served holds ``marker``."""
    def test() -> bool:
        status = _status(server.url)
        if not status or status.get("generation") == before or status.get("ok") is not True:
            return False
        body = _get(server.url + page)
        return body is not None and marker in body
    return test


def _reported(server: Server, before: int, path: Path) -> Callable[[], bool]:
    """A test: a build newer than ``before`` failed and its errors name ``path``."""
    def test() -> bool:
        status = _status(server.url)
        errors = status.get("errors") if status else None
        return (status is not None and status.get("generation") != before and status.get("ok") is False
                and isinstance(errors, list) and any(path.name in str(e) for e in errors))
    return test


def round_trip(root: Path, today: dt.date, edits: int = 3, log: Path | None = None,
               start_timeout: float = START_TIMEOUT, edit_timeout: float = EDIT_TIMEOUT) -> RoundTrip:
    """Measure ``catalogue serve`` on the catalogue at ``root``: ``edits`` saves of one project, then an
    invalid save and its fix. The project file is restored afterwards. Never raises for a failing server."""
    result = RoundTrip()
    path = min((root / "content" / "projects").glob("*.md"))
    page = f"projects/{path.stem}/"
    original = path.read_text(encoding="utf-8")
    log = log or Path(tempfile.mkdtemp(prefix="catalogue-serve-bench-")) / "serve.log"

    def stopped(how: str) -> None:
        result.stopped = how

    begun = time.perf_counter()
    try:
        with serving(root, today, log, start_timeout, stopped) as server:
            result.started = time.perf_counter() - begun
            for number in range(1, edits + 1):
                marker = f"serve round trip edit {number} of {edits} ({os.getpid()}-{time.monotonic_ns()})"
                before, cpu = server.generation(), server.cpu()
                start = time.perf_counter()
                _edit_body(path, original, marker)
                result.edits.append(time.perf_counter() - start + server.wait_for(
                    _published(server, page, marker.encode(), before), edit_timeout, f"page with edit {number}"))
                result.edits_cpu.append(server.cpu() - cpu)
            status_line = re.search(r"^status: .*$", original, re.MULTILINE)
            if status_line is None:
                raise ServeFailed(f"{path.name} has no 'status:' line to break")
            before = server.generation()
            start = time.perf_counter()
            path.write_text(original.replace(status_line[0], f"status: {BAD_STATUS}", 1), encoding="utf-8")
            result.error = time.perf_counter() - start + server.wait_for(
                _reported(server, before, path), edit_timeout, "error reported for the invalid save")
            marker = f"serve round trip fix ({os.getpid()}-{time.monotonic_ns()})"
            before = server.generation()
            start = time.perf_counter()
            _edit_body(path, original, marker)
            result.fixed = time.perf_counter() - start + server.wait_for(
                _published(server, page, marker.encode(), before), edit_timeout, "page with the fix")
    except ServeFailed as exc:
        result.problem = str(exc)
    finally:
        path.write_text(original, encoding="utf-8")
    return result


def lines(result: RoundTrip) -> list[str]:
    """The bench report's lines for one round-trip measurement."""
    out = ([f"serve: serving {result.started:.1f} s after starting 'catalogue serve' (its first build included)"]
           if result.started is not None else ["serve: 'catalogue serve' did not start serving"])
    if result.edits:
        out.append(f"  save a project file -> the page served holds the edit: median {statistics.median(result.edits):.2f} s, "
                   f"max {max(result.edits):.2f} s ({len(result.edits)} edits: "
                   f"{', '.join(f'{s:.2f}' for s in result.edits)}; server cpu median {statistics.median(result.edits_cpu):.1f} s); "
                   f"the open page reloads within {POLL_MS} ms more")
    if result.error is not None:
        out.append(f"  save an invalid project file -> the status (the browser's overlay) reports the error: {result.error:.2f} s")
    if result.fixed is not None:
        out.append(f"  save the fix -> the page served holds it: {result.fixed:.2f} s")
    if result.problem:
        out.append(f"  serve round trip failed: {result.problem}")
    out.append(f"  the server stopped {result.stopped}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m site_builder.devtools.serve_bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("root", type=Path, help="the catalogue (it is built into ROOT/_site, with its cache)")
    parser.add_argument("--edits", type=int, default=3, metavar="N", help="how many edits to time (default 3)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                        help="the build date (default: the newest last_reviewed of the catalogue's projects)")
    args = parser.parse_args(argv)
    today = args.today or max(dt.date.fromisoformat(m[1]) for p in (args.root / "content" / "projects").glob("*.md")
                              if (m := re.search(r"^last_reviewed: (\d{4}-\d\d-\d\d)", p.read_text(encoding="utf-8"), re.MULTILINE)))
    result = round_trip(args.root, today, args.edits)
    print("\n".join(lines(result)))
    return 1 if result.problem else 0


if __name__ == "__main__":
    sys.exit(main())
