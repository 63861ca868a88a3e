"""The search part of ``make bench``: search data sizes, and search speed in headless Chromium.

Reported, never asserted. The page is served from loopback by a thread of this process; the browser
is Debian's Chromium driven by Playwright (a dev dependency): without them only the sizes are shown.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
import statistics
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from site_builder.serve.static_server import start_server

try:  # a dev dependency: without it only the sizes are reported
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the install
    sync_playwright = None  # type: ignore[assignment]

QUERIES = ["control room", "ambulance", "cardiac arrest", "missing people", "shared headquarters", "ambul", "co-resp",
           "staffordshre", "kent police", "drone", "fleet workshop", "governance commissioner", "falls", "mayor",
           "training centre", "blue light hub", "collaboration", "police fire ambulance", "rural", "prevention visits"]
FIRST_QUERY = "control room"
# one word each: the corpus's most frequent words among them (police, fire, service... are in nearly every project)
BYTES_QUERIES = ["ambulance", "collaboration", "control", "headquarters", "xontrol", "ambulanse", "police", "fire", "service",
                 "rescue", "joint", "commissioner", "crime", "shared"]


SINGLE_FILES = ("index.json", "documents.json", "filter.json", "manifest.json")


def _group(rows: list[tuple[str, int, int]], name: str, files: list[Path]) -> None:
    """Rows for a group of files: their total, and the largest and median file."""
    if not files:
        return
    sizes = [(len(b), len(gzip.compress(b, 6))) for b in (p.read_bytes() for p in files)]
    rows.append((f"{name} ({len(files)})", sum(s[0] for s in sizes), sum(s[1] for s in sizes)))
    rows.append((f"largest {name[:-1]}", *max(sizes, key=lambda s: s[1])))
    rows.append((f"median {name[:-1]}", *sorted(sizes, key=lambda s: s[1])[len(sizes) // 2]))


def search_sizes(site: Path) -> list[tuple[str, int, int]]:
    """(name, raw bytes, gzipped bytes) for every search data file, then shards, term lists and fragments."""
    folder = site / "search"
    rows = []
    for name in SINGLE_FILES:
        if (folder / name).is_file():
            data = (folder / name).read_bytes()
            rows.append((name, len(data), len(gzip.compress(data, 6))))
    _group(rows, "shards", sorted((folder / "shards").glob("**/*.json")))
    _group(rows, "term lists", sorted((folder / "terms").glob("**/*.json")))
    _group(rows, "fragments", sorted((folder / "fragments").glob("*/*.json")))
    return rows


@contextmanager
def _served(folder: Path) -> Iterator[str]:
    server = start_server(folder)
    try:
        yield server.url
    finally:
        server.shutdown()
        server.server_close()


def _chromium() -> str | None:
    """Debian's Chromium, if it and Playwright are installed."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    return chromium if sync_playwright is not None and Path(chromium).exists() else None


@contextmanager
def _cold_pages(folder: Path, chromium: str) -> Iterator[tuple[str, Callable[[], tuple[Any, Any, list[Any]]]]]:
    """``folder`` served, and a function that opens a page in a new browser context (nothing cached):
    its context (close it when done), the page, and the requests the page has finished so far."""
    with _served(folder) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--headless=new", "--no-sandbox"])

        def cold_page() -> tuple[Any, Any, list[Any]]:
            context = browser.new_context()
            page = context.new_page()
            fetched: list[Any] = []

            def finished(request: Any) -> None:  # a Python function: Playwright reads its signature
                fetched.append(request)

            page.on("requestfinished", finished)
            return context, page, fetched

        try:
            yield base, cold_page
        finally:
            browser.close()


def browser_timings(site: Path, runs: int = 3) -> dict[str, float] | None:
    """Median ms from opening ``search/?q=…`` (cold cache) to the first results, and median ms per query."""
    chromium = _chromium()
    if chromium is None:
        return None
    first: list[float] = []
    query: list[float] = []
    with _cold_pages(site, chromium) as (base, cold_page):
        for _ in range(runs):
            context, page, _fetched = cold_page()
            page.goto(f"{base}search/?q={quote(FIRST_QUERY)}")
            page.wait_for_function("() => window.catalogueSearch && window.catalogueSearch.firstResultsMs !== undefined",
                                   timeout=60_000)
            first.append(page.evaluate("() => window.catalogueSearch.firstResultsMs"))
            for text in QUERIES:
                query.append(page.evaluate("(q) => window.catalogueSearch.timeQuery(q).then(r => r.ms)", text))
            context.close()
    return {"first": statistics.median(first), "query": statistics.median(query), "query_max": max(query)}


def rare_word(site: Path) -> str | None:
    """The rarest title word of 6+ letters (then the first alphabetically): a rare one-word query."""
    data = site / "data" / "projects.json"
    if not data.is_file():
        return None
    projects = json.loads(data.read_bytes())
    rows = projects.get("projects", projects) if isinstance(projects, dict) else projects
    counts = Counter(w for p in rows for w in set(re.findall(r"[a-z]{6,}", str(p.get("title", "")).lower())))
    return min(counts, key=lambda w: (counts[w], w)) if counts else None


def _served_path(site: Path, base: str, url: str) -> Path | None:
    """The file a same-site URL was answered from (``None`` for another host or a folder's page)."""
    if not url.startswith(base):
        return None
    path = site / unquote(urlsplit(url).path).lstrip("/")
    return path if path.is_file() else None


def query_bytes(site: Path, queries: list[str]) -> dict[str, tuple[int, int, int, float, str]] | None:
    """For each query, opened cold as ``search/?q=…``: (files, bytes the browser received for the search data
    under ``search/`` the page fetched until its first results were shown and the network was idle, those
    files' gzipped bytes (the static server does not compress), ms to the first results, results found)."""
    chromium = _chromium()
    if chromium is None:
        return None
    out: dict[str, tuple[int, int, int, float, str]] = {}
    with _cold_pages(site, chromium) as (base, cold_page):
        for text in queries:
            context, page, fetched = cold_page()
            page.goto(f"{base}search/?q={quote(text)}")
            page.wait_for_function("() => window.catalogueSearch && window.catalogueSearch.firstResultsMs !== undefined",
                                   timeout=60_000)
            page.wait_for_load_state("networkidle")
            ms = float(page.evaluate("() => window.catalogueSearch.firstResultsMs"))
            found = re.match(r"\d+|No", page.inner_text("#search-count").strip())
            searched = {p: r for r in fetched if (p := _served_path(site, base, r.url)) is not None
                        and p.suffix == ".json" and p.is_relative_to(site / "search")}
            received = sum(int(r.sizes()["responseBodySize"]) for r in searched.values())
            out[text] = (len(searched), received, sum(len(gzip.compress(p.read_bytes(), 6)) for p in searched), ms,
                         found[0].replace("No", "0") if found else "?")
            context.close()
    return out


def bytes_lines(site: Path) -> tuple[list[str], float | None]:
    """The bytes-per-query table for the bench report, and the most gzipped KiB any of its queries fetched."""
    rare = rare_word(site)
    queries = [*BYTES_QUERIES, *([rare] if rare else [])]
    measured = query_bytes(site, queries)
    if measured is None:
        return ["  bytes per query skipped: no Chromium"], None
    lines = ["  search data fetched in Chromium for a one-word query's first results (cold cache; received, and gzipped):"]
    for text, (files, received, packed, ms, results) in measured.items():
        kind = "rare" if text == rare else "typo" if text in ("xontrol", "ambulanse") else "common"
        lines.append(f"    {text:<16} {kind:<6} {files:3d} files {received / 1024:8.1f} KiB {packed / 1024:8.1f} KiB gz"
                     f"   first results {ms:6.0f} ms  ({results} results)")
    return lines, max(packed for _, _, packed, _, _ in measured.values()) / 1024


def report(site: Path, index_seconds: float | None, browser: bool = True) -> tuple[list[str], float | None]:
    """Lines for the bench report on the built ``site``; with ``browser``, search timings in Chromium too,
    and the most gzipped KiB of search data a one-word query fetched for its first results (else ``None``)."""
    lines, worst = [], None
    if index_seconds is not None:
        lines.append(f"search: index stage {index_seconds:.2f} s")
    for name, raw, packed in search_sizes(site):
        lines.append(f"  {name:<16} {raw / 1024:9.1f} KiB raw {packed / 1024:8.1f} KiB gzipped")
    total = sum(packed for name, _, packed in search_sizes(site) if name in SINGLE_FILES)
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
        queried, worst = bytes_lines(site)
        lines.extend(queried)
    return lines, worst


PAGEFIND_QUERY = """async ([term, shown]) => {
  const pagefind = await import("/pagefind/pagefind.js");
  const search = await pagefind.search(term);
  await Promise.all(search.results.slice(0, shown).map((result) => result.data()));
  return search.results.length;
}"""


def pagefind_bytes(public: Path, queries: list[str], shown: int = 20) -> dict[str, tuple[int, int, int, int]] | None:
    """Pagefind on the Hugo site in ``public``, for comparison: for each query, run cold through Pagefind's own
    JavaScript API with the data of the first ``shown`` results loaded (as our search page shows 20):
    (files, bytes received under ``/pagefind/``, of which index and fragment data (not its script and
    WebAssembly), results). Pagefind's files are compressed already. ``None`` without Chromium."""
    chromium = _chromium()
    if chromium is None:
        return None
    out: dict[str, tuple[int, int, int, int]] = {}
    with _cold_pages(public, chromium) as (base, cold_page):
        for text in queries:
            context, page, fetched = cold_page()
            page.goto(base)
            results = int(page.evaluate(PAGEFIND_QUERY, [text, shown]))
            page.wait_for_load_state("networkidle")
            mine = [r for r in fetched if urlsplit(r.url).path.startswith("/pagefind/")]
            sizes = [(urlsplit(r.url).path, int(r.sizes()["responseBodySize"])) for r in mine]
            data = sum(n for path, n in sizes if not path.endswith((".js", ".css")) and "wasm" not in path)
            out[text] = (len(sizes), sum(n for _, n in sizes), data, results)
            context.close()
    return out


def pagefind_lines(public: Path) -> tuple[list[str], float | None]:
    """The bench report's lines for Pagefind's bytes per query on the Hugo site, and the most KiB of
    index and fragment data one of its queries fetched (``None`` without Chromium)."""
    measured = pagefind_bytes(public, BYTES_QUERIES)
    if measured is None:
        return ["  Pagefind bytes per query skipped: no Chromium or Playwright"], None
    lines = ["  Pagefind, for comparison: bytes a one-word query fetches in Chromium with its first 20 results' data "
             "(cold cache; all /pagefind/ files, and its index and fragments alone):"]
    for text, (files, total, data, results) in measured.items():
        lines.append(f"    {text:<16} {files:3d} files {total / 1024:8.1f} KiB, data {data / 1024:8.1f} KiB  ({results} results)")
    return lines, max(data for _, _, data, _ in measured.values()) / 1024
