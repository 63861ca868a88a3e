"""``catalogue serve``: build, serve the site on this machine, and rebuild when files change.

A rebuild goes into a temporary folder and is swapped in only when it succeeds (see output.py), so
the server keeps serving the last good build while the errors are shown in the terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

from site_builder.build import BuildOptions, build_site
from site_builder.output import OutputError
from site_builder.safe_paths import UnsafeOutput, shown
from site_builder.static_server import start_server
from site_builder.stopping import Stopped

WATCHED = ("content", "schema", "templates", "assets", "site.yaml")


def rebuild(root: Path, options: BuildOptions, out: TextIO) -> bool:
    """Build once and say how it went. Returns whether the build succeeded."""
    try:
        result = build_site(root, options)
    except (UnsafeOutput, OutputError) as exc:
        out.write(f"catalogue: error: {exc}\nbuild failed: still serving the last good build\n")
        out.flush()
        return False
    if result.report.diagnostics:
        out.write(result.report.render("text", options.strict))
    if result.ok:
        out.write(f"built {result.pages} pages in {sum(result.timings.values()):.1f} s\n")
    else:
        out.write("build failed: still serving the last good build\n")
    out.flush()
    return result.ok


def serve(root: Path, options: BuildOptions, host: str, port: int, out: TextIO) -> int:
    """Serve until Ctrl-C or SIGTERM, the usual way to stop it (so exit code 0), even during a rebuild."""
    import watchfiles

    rebuild(root, options, out)
    options.out.mkdir(parents=True, exist_ok=True)
    server = start_server(options.out.resolve(), host, port)
    out.write(f"serving {shown(options.out)} at {server.url} (Ctrl-C to stop)\n")
    out.flush()
    watched = [str(root / name) for name in WATCHED if (root / name).exists()]
    try:
        for changes in watchfiles.watch(*watched, debounce=300):
            names = sorted({Path(path).name for _, path in changes})
            out.write(f"changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}\n")
            rebuild(root, options, out)
    except (KeyboardInterrupt, Stopped):  # watchfiles turns any signal into KeyboardInterrupt
        out.write("stopped\n")
    finally:
        server.shutdown()
        server.server_close()
    return 0
