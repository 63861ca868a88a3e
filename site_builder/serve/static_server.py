"""A static file server for the built site on this machine, behaving like GitHub Pages.

Used by ``catalogue serve``, the search benchmark and the browser tests: no directory listings,
an optional ``404.html`` answered for every missing path, and no request log on the terminal.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from site_builder.serve.livereload import SCRIPT, SCRIPT_PATH, STATUS_PATH, BuildStatus, inject


class SiteRequestHandler(http.server.SimpleHTTPRequestHandler):
    not_found: Path | None = None  # the page sent, with status 404, for any missing path
    live: BuildStatus | None = None  # catalogue serve: live reload (livereload.py); never in built files

    def _send(self, code: int, kind: str, body: bytes) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        if self.live is None:
            super().do_GET()
            return
        path = urlsplit(self.path).path
        if path == SCRIPT_PATH:
            self._send(200, "text/javascript; charset=utf-8", SCRIPT.encode("utf-8"))
            return
        if path == STATUS_PATH:
            self._send(200, "application/json", self.live.as_json())
            return
        local = Path(self.translate_path(self.path))
        if path.endswith("/") and local.is_dir():
            local = local / "index.html"
        if local.suffix == ".html" and local.is_file():
            self._send(200, "text/html; charset=utf-8", inject(local.read_bytes()))
            return
        super().do_GET()

    do_HEAD = do_GET

    def log_message(self, format: str, *args: Any) -> None:  # the standard library's signature
        pass

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """No directory listings: like GitHub Pages, a folder without ``index.html`` is not found."""
        self.send_error(404)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404 or self.not_found is None or not self.not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = self.not_found.read_bytes()
        if self.live is not None:
            body = inject(body)
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class StaticServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host if isinstance(host, str) else host.decode()}:{port}/"


def start_server(folder: Path, host: str = "127.0.0.1", port: int = 0, not_found: Path | None = None,
                 live: BuildStatus | None = None) -> StaticServer:
    """Serve ``folder`` on a background thread (port 0: any free port). Call ``shutdown()`` to stop.

    With ``live`` (``catalogue serve``), HTML responses get the live-reload script.
    """
    handler_class = type("Handler", (SiteRequestHandler,), {"not_found": not_found, "live": live})
    server = StaticServer((host, port), functools.partial(handler_class, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
