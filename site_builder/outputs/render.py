"""Rendering: Markdown bodies (cached by content hash) and Jinja pages, each on all cores."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2

from site_builder.diagnostics.report import Diagnostic
from site_builder.outputs.markdown import MarkdownRenderer, body_key, sanitiser_fingerprint
from site_builder.outputs.page import Page
from site_builder.outputs.template_errors import template_diagnostic
from site_builder.runtime.parallel import parallel_map
from site_builder.runtime.paths import TEMPLATES_DIR
from site_builder.text.memo_store import MemoStore, source_version

TEMPLATES = TEMPLATES_DIR
CACHE_NAME = "markdown"  # .cache/markdown.pickle: each body's finished HTML


# --- Markdown ------------------------------------------------------------------------------------

_state: dict[str, Any] = {}


def _render_body(index: int) -> str:
    renderer = _state.get("renderer")
    if renderer is None:
        renderer = _state["renderer"] = MarkdownRenderer()
    text: str = _state["bodies"][index]
    return renderer.render(text)  # sanitised and finished in the worker too: 10,000 of them take a second


def markdown_version() -> str:
    """What the finished HTML of a body depends on besides its text: the renderer, its bounds, the sanitiser."""
    return source_version("markdown", ("outputs/markdown.py", "outputs/markdown_bounds.py", "outputs/body_html.py",
                                       "outputs/render.py", "catalogue/body_scan.py"), ("markdown", "nh3"))


def render_bodies(bodies: Sequence[str], cache_dir: Path | None, jobs: int = 0) -> tuple[list[str], int]:
    """The finished HTML of each body, reusing the cache. Returns the HTML and how many bodies were rendered.

    Bodies not in the cache are converted by python-markdown, sanitised and finished (:func:`finish_html`)
    on all cores. The cache (``.cache/markdown.pickle``, keyed by :func:`body_key`) holds
    that finished HTML; it is an authenticated store (text/memo_store.py), so an entry planted in a pull
    request, or damaged, fails its signature and is never used: the body is rendered again.
    """
    store = MemoStore.open(cache_dir, CACHE_NAME, markdown_version()) if cache_dir else None
    sanitiser = sanitiser_fingerprint()
    keys = [body_key(text, sanitiser) for text in bodies]
    found: dict[str, str] = {}
    if store is not None:
        for key in keys:
            value = store.get(key)
            if isinstance(value, str):
                found[key] = value
    todo = sorted({i for i, key in enumerate(keys) if key not in found}, key=lambda i: keys[i])
    seen: set[str] = set()
    unique = [i for i in todo if not (keys[i] in seen or seen.add(keys[i]))]  # type: ignore[func-returns-value]
    _state["bodies"] = bodies
    try:
        rendered = parallel_map(_render_body, unique, jobs)
    finally:
        _state.pop("bodies", None)
    for i, html in zip(unique, rendered, strict=True):
        found[keys[i]] = html
        if store is not None:
            store.put(keys[i], html)
    if store is not None:
        store.save()  # a read-only checkout still builds, just without a cache
    return [found[key] for key in keys], len(unique)


# --- Jinja pages ---------------------------------------------------------------------------------

def make_environment(globals_: Mapping[str, Any], bytecode_cache: jinja2.BytecodeCache | None = None) -> jinja2.Environment:
    """One environment for the build: autoescaping everywhere, undefined names are errors."""
    env = jinja2.Environment(
        bytecode_cache=bytecode_cache,
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.globals.update(globals_)
    env.filters["plural"] = lambda n, word, many="": f"{n} {word if n == 1 else (many or word + 's')}"
    return env


def page_head(html: bytes) -> bytes:
    """A page's ``<head>``: all the sitemap needs of it (everything before ``<body``; the whole page if none).

    A slice, not ``split``: that copies the rest of the page too, 80 MB for the whole printable document.
    """
    end = html.find(b"<body")
    return html if end < 0 else html[:end]


# Puts a file with the given sha256 at a path (a hard link from the build cache); False: write it instead.
Placer = Callable[[str, Path], bool]


def write_page(folder: Path, page: Page, html: bytes, place: Placer | None = None) -> tuple[bytes, str]:
    """Put a rendered page under ``folder`` as a new file; returns its ``<head>`` and the sha256 of its bytes.

    ``place`` may supply a file with the same bytes (the build cache's), so an unchanged page is not written again.
    """
    target = folder / page.path
    target.parent.mkdir(parents=True, exist_ok=True)
    sha = hashlib.sha256(html).hexdigest()
    if place is None or not place(sha, target):
        target.write_bytes(html)
    return page_head(html), sha


def _render_page(index: int) -> tuple[bytes, str] | Diagnostic:
    env: jinja2.Environment = _state["env"]
    page: Page = _state["pages"][index]
    try:
        html = env.get_template(page.template).render(page=page, root=page.relative_root, **page.context)
    except Exception as exc:  # a template's runtime error: reported at its line, never an internal error
        return template_diagnostic(exc, page.template)
    return write_page(_state["folder"], page, html.encode("utf-8"), _state["place"])


def render_pages(env: jinja2.Environment, pages: Sequence[Page], folder: Path, jobs: int = 0, place: Placer | None = None,
                 advance: Callable[[int], None] | None = None,
                 meanwhile: Callable[[], None] | None = None) -> tuple[dict[str, tuple[bytes, str]], list[Diagnostic]]:
    """Render every page into ``folder`` (the build's staging folder) on all cores.

    Workers write their own pages, so the HTML never travels back to this process; the result maps
    each page's path to its ``<head>`` and the sha256 of its HTML, plus one diagnostic per template
    that failed (the first page it failed on). Templates are compiled once, before the workers fork.
    ``meanwhile()`` is called here while the workers render (see ``parallel_map``).
    """
    for name in sorted({p.template for p in pages}):
        env.get_template(name)
    _state["env"], _state["pages"], _state["folder"], _state["place"] = env, pages, folder, place
    try:
        # A worker even for a few pages: after one edit they are often the documents, each holding every project.
        results = parallel_map(_render_page, range(len(pages)), jobs, advance, per_worker=1 if len(pages) < 200 else 100,
                               meanwhile=meanwhile)
    finally:
        for key in ("env", "pages", "folder", "place"):
            _state.pop(key, None)
    heads = {page.path: head for page, head in zip(pages, results, strict=True) if isinstance(head, tuple)}
    problems = list(dict.fromkeys(r for r in results if isinstance(r, Diagnostic)))
    return heads, problems
