"""The search part of ``make bench``: search data sizes, and search speed in headless Chromium.

Reported, never asserted. The page is served from loopback by a thread of this process; the browser
is Debian's Chromium driven by Playwright (a dev dependency): without them only the sizes are shown.
"""

from __future__ import annotations

import gzip
import shutil
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from site_builder.serve.static_server import start_server

try:  # a dev dependency: without it only the sizes are reported
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the install
    sync_playwright = None  # type: ignore[assignment]

QUERIES = ["control room", "ambulance", "cardiac arrest", "missing people", "shared headquarters", "ambul", "co-resp",
           "staffordshre", "kent police", "drone", "fleet workshop", "governance commissioner", "falls", "mayor",
           "training centre", "blue light hub", "collaboration", "police fire ambulance", "rural", "prevention visits"]
FIRST_QUERY = "control room"


def search_sizes(site: Path) -> list[tuple[str, int, int]]:
    """(name, raw bytes, gzipped bytes) for every search data file, largest shard last."""
    folder = site / "search"
    rows = []
    for name in ("index.json", "documents.json", "manifest.json"):
        if (folder / name).is_file():
            data = (folder / name).read_bytes()
            rows.append((name, len(data), len(gzip.compress(data, 6))))
    shards = sorted((folder / "shards").glob("*.json")) if (folder / "shards").is_dir() else []
    if shards:
        sizes = [(len(b), len(gzip.compress(b, 6))) for b in (p.read_bytes() for p in shards)]
        rows.append((f"shards ({len(shards)})", sum(s[0] for s in sizes), sum(s[1] for s in sizes)))
        largest = max(sizes, key=lambda s: s[1])
        rows.append(("largest shard", largest[0], largest[1]))
        rows.append(("median shard", *sorted(sizes, key=lambda s: s[1])[len(sizes) // 2]))
    return rows


@contextmanager
def _served(folder: Path) -> Iterator[str]:
    server = start_server(folder)
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()


def browser_timings(site: Path, runs: int = 3) -> dict[str, float] | None:
    """Median ms from opening ``search/?q=…`` (cold cache) to the first results, and median ms per query."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if sync_playwright is None or not Path(chromium).exists():
        return None
    first: list[float] = []
    query: list[float] = []
    with _served(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--headless=new", "--no-sandbox"])
        try:
            for _ in range(runs):
                context = browser.new_context()  # a new context: nothing cached
                page = context.new_page()
                page.goto(f"{base}search/?q={quote(FIRST_QUERY)}")
                page.wait_for_function("() => window.catalogueSearch && window.catalogueSearch.firstResultsMs !== undefined",
                                       timeout=60_000)
                first.append(page.evaluate("() => window.catalogueSearch.firstResultsMs"))
                for text in QUERIES:
                    query.append(page.evaluate("(q) => window.catalogueSearch.timeQuery(q).then(r => r.ms)", text))
                context.close()
        finally:
            browser.close()
    return {"first": statistics.median(first), "query": statistics.median(query), "query_max": max(query)}


def report(site: Path, index_seconds: float | None, browser: bool = True) -> list[str]:
    """Lines for the bench report on the built ``site``; with ``browser``, search timings in Chromium too."""
    lines = []
    if index_seconds is not None:
        lines.append(f"search: index stage {index_seconds:.2f} s")
    for name, raw, packed in search_sizes(site):
        lines.append(f"  {name:<16} {raw / 1024:9.1f} KiB raw {packed / 1024:8.1f} KiB gzipped")
    total = sum(packed for name, _, packed in search_sizes(site) if name in ("index.json", "documents.json", "manifest.json"))
    if not (site / "search" / "shards").is_dir():
        lines.append(f"  all search data {total / 1024:.1f} KiB gzipped")
    timings = browser_timings(site) if browser else None
    if not browser:
        lines.append("  browser timings skipped (--no-browser)")
    elif timings is None:
        lines.append("  browser timings skipped: no Chromium or Playwright")
    else:
        lines.append(f"  Chromium: first results {timings['first']:.0f} ms after opening search/?q={FIRST_QUERY}; "
                     f"median query {timings['query']:.1f} ms (slowest {timings['query_max']:.1f} ms, {len(QUERIES)} queries)")
    return lines
