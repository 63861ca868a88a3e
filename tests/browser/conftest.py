"""Browser-test fixtures: Playwright driving Debian's Chromium against the built site on loopback.

Locally the tests skip when no Chromium is found; under ``CI=true`` a missing browser is a failure.
Every page blocks and records requests to other hosts, and collects page errors. Built sites are served
under their ``base_url`` path prefix, as GitHub Pages serves a project site, with ``404.html`` answering
every missing path.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import sync_playwright

from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.catalogue.config import load_site_config
from site_builder.catalogue.load import load_catalogue
from site_builder.catalogue.types import Catalogue, Project
from site_builder.serve.static_server import StaticServer, start_server

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 900}
ACTION_TIMEOUT_MS = 5000  # a static page on loopback is ready long before this; a missing element fails fast


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
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def serve() -> Iterator[Callable[..., str]]:
    """``serve(folder, not_found=None)`` starts a static server on 127.0.0.1 and returns its base URL (ends in '/').

    ``not_found`` is a page answered, with status 404, for every missing path (GitHub Pages' ``404.html``).
    """
    servers: list[StaticServer] = []

    def start(folder: Path, not_found: Path | None = None) -> str:
        server = start_server(folder, not_found=not_found)
        servers.append(server)
        return server.url

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


@dataclass
class PageRecorder:
    """What went wrong on a page: uncaught errors, console errors, blocked off-site requests and failed loads."""

    errors: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    offsite_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)  # same-site subresources answered with 4xx/5xx
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt, dismissed

    def problems(self) -> list[str]:
        """Every recorded problem, one line each; empty when the page behaved."""
        return ([f"uncaught error: {e}" for e in self.errors]
                + [f"console error: {e}" for e in self.console_errors]
                + [f"request to another host: {u}" for u in self.offsite_requests]
                + [f"failed request: {u}" for u in self.failed_requests]
                + [f"dialog: {d}" for d in self.dialogs])


def _on_console(recorder: PageRecorder, page: Any, message: Any) -> None:
    if message.type != "error":
        return
    if message.text.startswith("Failed to load resource") and message.location.get("url") == page.url:
        return  # the page's own status (a 404 page); tests check the response, failed_requests the rest
    recorder.console_errors.append(message.text)


def _on_response(recorder: PageRecorder, response: Any) -> None:
    request = response.request
    if response.status >= 400 and not (request.is_navigation_request() and request.frame.parent_frame is None):
        recorder.failed_requests.append(f"{response.status} {response.url}")


def _on_dialog(recorder: PageRecorder, dialog: Any) -> None:
    recorder.dialogs.append(f"{dialog.type}: {dialog.message}")
    dialog.dismiss()


def _block_offsite(recorder: PageRecorder, route: Any) -> None:
    url = route.request.url
    if url.startswith(("http://127.0.0.1:", "about:", "data:")):
        route.continue_()
    else:
        recorder.offsite_requests.append(url)
        route.abort()


@pytest.fixture
def make_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """``make_page(**context_options)``: a fresh page in its own context, with ``page.recorder``.

    Options go to ``browser.new_context`` (for example ``java_script_enabled=False`` or ``viewport=...``).
    """
    contexts: list[Any] = []

    def make(**options: Any) -> Any:
        # bypass_csp: axe is injected inline, and the hostile-content tests must prove the sanitiser
        # (not the Content-Security-Policy) keeps contributor text inert.
        context = browser.new_context(**{"viewport": DESKTOP, "bypass_csp": True, **options})
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        contexts.append(context)
        new_page = context.new_page()
        recorder = PageRecorder()
        new_page.recorder = recorder
        new_page.on("pageerror", lambda exc: recorder.errors.append(str(exc)))
        new_page.on("console", functools.partial(_on_console, recorder, new_page))
        new_page.on("response", functools.partial(_on_response, recorder))
        new_page.on("dialog", functools.partial(_on_dialog, recorder))
        new_page.route("**/*", functools.partial(_block_offsite, recorder))
        return new_page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(make_page: Callable[..., Any]) -> Any:
    """A fresh page. ``page.recorder`` holds its errors and any request to another host (blocked)."""
    return make_page()


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


def base_path(root: Path, base_url: str | None = None) -> str:
    """The path prefix of the site's address, without slashes at either end ('' at the host's root)."""
    config, problems = load_site_config(root, base_url)
    if config is None:
        pytest.fail(f"site.yaml: {problems}")
    return urlsplit(config.base_url).path.strip("/")


def serve_site(serve: Callable[..., str], site: Path, prefix: str) -> str:
    """Serve the built ``site`` at ``/<prefix>/`` (as GitHub Pages serves a project site); its URL."""
    if not prefix:
        return serve(site, not_found=site / "404.html")
    holder = site.parent / f"{site.name}-served"
    mount = holder / prefix
    if not mount.exists():
        mount.parent.mkdir(parents=True, exist_ok=True)
        mount.symlink_to(site.resolve(), target_is_directory=True)
    return serve(holder, not_found=site / "404.html") + prefix + "/"


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped catalogue, built once per session."""
    return build_into(REPO, tmp_path_factory.mktemp("shipped") / "_site")


@pytest.fixture(scope="session")
def shipped_url(shipped_site: Path, serve: Callable[..., str]) -> str:
    """Base URL of the shipped catalogue's built site, served under its ``base_url`` path prefix (ends in '/')."""
    return serve_site(serve, shipped_site, base_path(REPO))


# --- what the shipped site holds ----------------------------------------------------------------

@functools.cache
def shipped_catalogue() -> Catalogue | None:
    """The shipped catalogue as loaded from ``content/`` (``None`` if it cannot be read at all)."""
    try:
        catalogue, _report = load_catalogue(REPO, today=dt.date.today())
    except Exception:  # collection must not crash; the build fixture reports the real problem
        return None
    return catalogue


def most_complete_project(catalogue: Catalogue) -> Project:
    """The project with the most front-matter fields filled in (then the longest body, then the slug)."""
    def filled(project: Project) -> tuple[int, int, str]:
        fields = project.meta.model_dump(exclude_none=True)
        return sum(1 for value in fields.values() if value not in ("", [], {})), len(project.body), project.slug

    return max(catalogue.projects, key=filled)


@functools.cache
def shipped_pages() -> dict[str, str]:
    """Every page type of the shipped site: a name -> its path below the site's root."""
    pages = {"home": "", "projects": "projects/", "organisations": "organisations/", "themes": "themes/",
             "regions": "regions/", "services": "services/", "status": "status/", "data": "data/",
             "about": "about/", "contribute": "contribute/", "accessibility": "accessibility/", "404": "404.html",
             "insights": "insights/", "network": "network/", "enablers": "enablers/",
             "document": "document/", "changes": "changes/",
             "missing page (404)": "no-such-page/at/any/depth/"}
    catalogue = shipped_catalogue()
    if catalogue is None or not catalogue.projects:
        return pages
    project = most_complete_project(catalogue)
    pages["project"] = f"projects/{project.slug}/"
    pages["organisation"] = f"organisations/{project.meta.lead}/"
    pages["theme"] = f"themes/{project.meta.themes[0]}/"
    pages["region"] = f"regions/{project.regions[0]}/" if project.regions else "regions/"
    pages["service"] = f"services/{project.services[0]}/"
    pages["status page"] = f"status/{project.meta.status}/"
    if project.meta.enablers:
        pages["enabler"] = f"enablers/{project.meta.enablers[0]}/"
    return pages  # alias pages redirect at once: test_accessibility audits them on their own


# --- reading pages --------------------------------------------------------------------------------

_VISIBLE_PROJECT_SLUGS = """() => {
  const slugs = new Set();
  for (const a of document.querySelectorAll("main a[href]")) {
    const match = new URL(a.href).pathname.match(/\\/projects\\/([a-z0-9]+(?:-[a-z0-9]+)*)\\/$/);
    if (match && match[1] !== "page" && a.checkVisibility({visibilityProperty: true, opacityProperty: true})) {
      slugs.add(match[1]);
    }
  }
  return [...slugs].sort();
}"""


def visible_project_slugs(page: Any) -> set[str]:
    """Slugs of the projects the page's main content shows a visible link to."""
    return set(page.evaluate(_VISIBLE_PROJECT_SLUGS))


def filter_box(page: Any, group: str, label: str) -> Any:
    """The checkbox labelled ``label`` (e.g. 'Operational') in the filter group whose legend mentions ``group``."""
    fieldset = page.get_by_role("group", name=re.compile(re.escape(group), re.IGNORECASE))
    return fieldset.get_by_role("checkbox", name=re.compile(rf"^\s*{re.escape(label)}\s*(\(\d+\))?\s*$"))


def wait_for_project_slugs(page: Any, expected: set[str]) -> set[str]:
    """The visible project slugs once they equal ``expected`` or the action timeout passes (lists may load data first)."""
    script = f"expected => JSON.stringify(({_VISIBLE_PROJECT_SLUGS})()) === JSON.stringify(expected)"
    with contextlib.suppress(PlaywrightTimeoutError):  # the caller's assertion reports what the page shows
        page.wait_for_function(script, arg=sorted(expected), timeout=ACTION_TIMEOUT_MS)
    return visible_project_slugs(page)
