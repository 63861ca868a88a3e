"""``catalogue serve``: build, serve the site on this machine, and rebuild when files change.

A rebuild goes into a temporary folder and is swapped in only when it succeeds (see output.py), so
the server keeps serving the last good build while the errors are shown in the terminal.
"""

from __future__ import annotations

import dataclasses
import queue
import threading
import time
import traceback
from pathlib import Path
from typing import TextIO

import watchfiles

from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.build.safe_paths import UnsafeOutput, shown
from site_builder.build.staging import OutputError
from site_builder.catalogue.history import build_time
from site_builder.runtime.stopping import Stopped
from site_builder.serve.livereload import BuildStatus
from site_builder.serve.preview import Preview, project_edits, show
from site_builder.serve.static_server import start_server

WATCHED = ("content", "schema", "templates", "assets", "site.yaml")


def rebuild(root: Path, options: BuildOptions, out: TextIO, status: BuildStatus | None = None,
            kept: list[Preview] | None = None) -> bool:
    """Build once and say how it went (on ``out``, and to the browser through ``status``). Returns whether it succeeded.

    ``kept``: replaced by the site just built, kept in memory for previews. A failed build leaves it as it
    was: the last good build is still the one served, so a fix is previewed from it at once.

    Never raises for a failed build: a bug in the tool during a rebuild is printed, and the last good
    build stays served. Ctrl-C and SIGTERM (``Stopped``) still stop the server.
    """
    status = status or BuildStatus()
    try:
        result = build_site(root, options)
    except (UnsafeOutput, OutputError) as exc:
        out.write(f"catalogue: error: {exc}\nbuild failed: still serving the last good build\n")
        out.flush()
        status.update(False, [f"catalogue: error: {exc}"])
        return False
    except Exception as exc:
        out.write(f"internal error during the rebuild: {type(exc).__name__}: {exc}\n"
                  f"{''.join(traceback.format_exception(exc)[-3:])}"
                  "This is a bug in the catalogue tools; please report it. Still serving the last good build.\n")
        out.flush()
        status.update(False, [f"internal error during the rebuild: {type(exc).__name__}: {exc}"])
        return False
    if result.report.diagnostics:
        out.write(result.report.render("text", options.strict))
    if kept is not None and result.loaded and result.site:
        kept[:] = [Preview(root, result.loaded, result.site)]
    if result.ok:
        out.write(f"built {result.pages} pages in {sum(result.timings.values()):.1f} s\n")
        status.update(True, [])
    else:
        out.write("build failed: still serving the last good build\n")
        status.update(False, [d.text() for d in result.report.sorted(options.strict) if d.severity == "error"])
    out.flush()
    return result.ok


class Watcher:
    """Watches the catalogue in its own thread: previews each saved project page at once, even while a
    rebuild runs, and hands the changes to the main thread, which rebuilds.

    Pages previewed during a rebuild are previewed again once it is published (it may have read the file
    before the save), and the changes that were handed over meanwhile make the next rebuild.
    """

    def __init__(self, root: Path, site: Path, out: TextIO, status: BuildStatus, kept: list[Preview]) -> None:
        self.root, self.site, self.out, self.status, self.kept = root, site, out, status, kept
        self.stop = threading.Event()
        self._changes: queue.Queue[set[tuple[watchfiles.Change, str]]] = queue.Queue()
        self._lock = threading.Lock()
        self._during: set[str] = set()  # project files previewed since the current rebuild started

    def run(self, watched: list[str]) -> None:
        for changes in watchfiles.watch(*watched, debounce=300, stop_event=self.stop, rust_timeout=200, raise_interrupt=False):
            self.saved(changes)

    def saved(self, changes: set[tuple[watchfiles.Change, str]]) -> None:
        """Preview what can be previewed now, and queue the changes for the next rebuild."""
        paths = [Path(path) for change, path in changes if change != watchfiles.Change.deleted]
        edits = project_edits(self.root, paths) if len(paths) == len(changes) else None
        if edits:
            with self._lock:
                self._preview(edits)
                self._during.update(edits)
        self._changes.put(changes)

    def _preview(self, edits: list[str]) -> None:
        if not self.kept:
            return
        start = time.perf_counter()
        shown = show(self.kept[0], edits, self.site)
        if shown.pages:
            self.out.write(f"previewed {', '.join(shown.pages)} in {time.perf_counter() - start:.1f} s; rebuilding the rest\n")
            self.out.flush()
            self.status.update(True, [])
        elif shown.errors:  # the overlay says so now; the rebuild checks everything else and says it again
            self.out.write("".join(f"{text}\n" for text in shown.errors) + "the saved file has errors (shown in the browser); "
                           "still serving the last good build, rebuilding to check the rest\n")
            self.out.flush()
            self.status.update(False, shown.errors)

    def next_changes(self) -> set[tuple[watchfiles.Change, str]]:
        """The next changes (and any more already waiting), for one rebuild."""
        while True:
            try:
                changes = self._changes.get(timeout=0.5)  # a timeout, so that Ctrl-C and SIGTERM get through
                break
            except queue.Empty:
                continue
        while not self._changes.empty():
            changes |= self._changes.get_nowait()
        return changes

    def building(self) -> None:
        with self._lock:
            self._during.clear()

    def built(self) -> None:
        with self._lock:
            again = sorted(self._during)
            if again:  # saved while the rebuild ran: shown again on the site it just published
                self._preview(again)


def serve(root: Path, options: BuildOptions, host: str, port: int, out: TextIO) -> int:
    """Serve until Ctrl-C or SIGTERM, the usual way to stop it (so exit code 0), even during a rebuild."""
    build_time(root)  # a bad SOURCE_DATE_EPOCH stops serve (EnvironmentProblem) before it listens
    status = BuildStatus()
    options = dataclasses.replace(options, keep_site=True)  # the built site stays in memory, for previews
    kept: list[Preview] = []
    rebuild(root, options, out, status, kept)
    options.out.mkdir(parents=True, exist_ok=True)
    server = start_server(options.out.resolve(), host, port, live=status)
    out.write(f"serving {shown(options.out)} at {server.url} (Ctrl-C to stop)\n")
    out.flush()
    watched = [str(root / name) for name in WATCHED if (root / name).exists()]
    watcher = Watcher(root, options.out, out, status, kept)
    thread = threading.Thread(target=watcher.run, args=(watched,), name="catalogue-watch", daemon=True)
    thread.start()
    try:
        while True:  # builds run here, in the main thread (signals, forked workers); saves are watched meanwhile
            changes = watcher.next_changes()
            names = sorted({Path(path).name for _, path in changes})
            out.write(f"changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}\n")
            watcher.building()
            try:
                rebuild(root, options, out, status, kept)
            finally:  # stopped too: what was saved meanwhile is shown on the site the rebuild may have published
                watcher.built()
    except (KeyboardInterrupt, Stopped):
        pass
    finally:
        watcher.stop.set()
        thread.join(timeout=5)  # first: no preview is made, or said, once serve has said it stopped
        server.shutdown()
        server.server_close()
    out.write("stopped\n")
    return 0
