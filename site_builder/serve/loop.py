"""``catalogue serve``: build, serve the site on this machine, and rebuild when files change.

A rebuild goes into a temporary folder and is swapped in only when it succeeds (see output.py), so
the server keeps serving the last good build while the errors are shown in the terminal.
"""

from __future__ import annotations

import dataclasses
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
from site_builder.serve.preview import Preview, preview, project_edits
from site_builder.serve.static_server import start_server

WATCHED = ("content", "schema", "templates", "assets", "site.yaml")


def rebuild(root: Path, options: BuildOptions, out: TextIO, status: BuildStatus | None = None,
            kept: list[Preview] | None = None) -> bool:
    """Build once and say how it went (on ``out``, and to the browser through ``status``). Returns whether it succeeded.

    ``kept``: replaced by the site just built, kept in memory for previews (emptied when the build failed).

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
    if kept is not None:
        kept[:] = [Preview(root, result.loaded, result.site)] if result.loaded and result.site else []
    if result.ok:
        out.write(f"built {result.pages} pages in {sum(result.timings.values()):.1f} s\n")
        status.update(True, [])
    else:
        out.write("build failed: still serving the last good build\n")
        status.update(False, [d.text() for d in result.report.sorted(options.strict) if d.severity == "error"])
    out.flush()
    return result.ok


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
    try:
        for changes in watchfiles.watch(*watched, debounce=300):
            names = sorted({Path(path).name for _, path in changes})
            out.write(f"changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}\n")
            edits = project_edits(root, [Path(path) for change, path in changes if change != watchfiles.Change.deleted]) \
                if all(change != watchfiles.Change.deleted for change, _ in changes) else None
            if kept and edits:
                start = time.perf_counter()
                pages = preview(kept[0], edits, options.out)
                if pages:
                    out.write(f"previewed {', '.join(pages)} in {time.perf_counter() - start:.1f} s; rebuilding the rest\n")
                    out.flush()
                    status.update(True, [])
            rebuild(root, options, out, status, kept)
    except (KeyboardInterrupt, Stopped):  # watchfiles turns any signal into KeyboardInterrupt
        out.write("stopped\n")
    finally:
        server.shutdown()
        server.server_close()
    return 0
