"""Browser-test fixtures: Playwright driving Debian's Chromium against the built site on loopback.

Locally the tests skip when no Chromium is found; under ``CI=true`` a missing browser is a failure.
Every page blocks and records requests to other hosts, and collects page errors.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socketserver
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from site_builder.build import BuildOptions, build_site

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def chromium_path() -> str | None:
    """Debian's Chromium (or CHROMIUM_PATH), or ``None``."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _require_browser() -> str:
    path = chromium_path()
    if path is None:
        message = "no Chromium found (install Debian's 'chromium' or set CHROMIUM_PATH)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{message}: browser tests cannot be skipped under CI=true")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[[Path], str]]:
    """``serve(folder)`` starts a static server on 127.0.0.1 and returns its base URL (ends in '/')."""
    servers: list[_Server] = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        server = _Server(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@dataclass
class PageRecorder:
    """What went wrong on a page: uncaught errors, console errors and blocked off-site requests."""

    errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    offsite_requests: list[str] = field(default_factory=list)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page. ``page.recorder`` holds its errors and any request to another host (blocked)."""
    # bypass_csp: axe is injected inline, and the hostile-content tests must prove the sanitiser
    # (not the Content-Security-Policy) keeps contributor text inert.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    new_page = context.new_page()
    recorder = PageRecorder()
    new_page.recorder = recorder
    new_page.on("pageerror", lambda exc: recorder.errors.append(str(exc)))
    new_page.on("console", lambda msg: recorder.console_errors.append(msg.text) if msg.type == "error" else None)

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1:", "about:", "data:")):
            route.continue_()
        else:
            recorder.offsite_requests.append(url)
            route.abort()

    new_page.route("**/*", route)
    yield new_page
    context.close()


def run_axe(page: Any, context: str | None = None) -> list[dict[str, Any]]:
    """Run axe-core (from npm) on the current page with the WCAG 2.x A and AA rules; return violations."""
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        "async ([ctx, tags]) => await axe.run(ctx || document, {runOnly: {type: 'tag', values: tags}})",
        [context, AXE_TAGS],
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        targets = "; ".join(", ".join(n["target"]) for n in v["nodes"][:5])
        lines.append(f"{v['id']} ({v['impact']}): {v['help']} at {targets}")
    return "\n".join(lines)


def build_into(root: Path, out: Path, base_url: str | None = None) -> Path:
    """Build the catalogue at ``root`` into ``out`` (fixed SOURCE_DATE_EPOCH); fails the test on errors."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767225600")
    result = build_site(root, BuildOptions(out=out, base_url=base_url, use_cache=False))
    if not result.ok:
        pytest.fail("build failed:\n" + result.report.render())
    return out


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped catalogue, built once per session."""
    return build_into(REPO, tmp_path_factory.mktemp("shipped") / "_site")


@pytest.fixture(scope="session")
def shipped_url(shipped_site: Path, serve: Callable[[Path], str]) -> str:
    """Base URL of the shipped catalogue's built site."""
    return serve(shipped_site)
