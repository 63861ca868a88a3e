"""Rendering only the pages whose inputs changed: the rest are hard-linked from the build cache.

A page's input key is a digest of the tool fingerprint (source, templates, libraries), the template
globals, and the page's path, template, root and context (:mod:`fingerprint`). Pages with a key the
cache knows are linked into the staging folder; the others are rendered, then recorded in the cache.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple, cast

import jinja2

from site_builder.build.fingerprint import ContextHasher, Unhashable
from site_builder.build.output_cache import OutputCache
from site_builder.diagnostics.report import Diagnostic
from site_builder.outputs.page import Page
from site_builder.outputs.render import Placer, page_head, render_pages
from site_builder.runtime.parallel import Background
from site_builder.runtime.stopping import pause_point
from site_builder.text.memo_store import MemoStore
from site_builder.views.project import ProjectView

HEAD_CHUNK = 16 * 1024
# The templates that show a project's description, and the context values they read it from (None: any).
# tests/test_build_cache.py checks that no other template names ``body_html``, and project.html only
# as ``project.body_html``. Every other value's digest leaves the description out, so an edit to a
# description re-renders the project's own page and the documents, not every page that shows its title.
BODY_TEMPLATES: dict[str, frozenset[str] | None] = {"project.html": frozenset({"project"}), "document.html": None}
WITHOUT_BODY: dict[type, frozenset[str]] = {ProjectView: frozenset({"body_html"})}
RENDERED_FIRST = frozenset({"document.html"})  # after an edit, rendered in a process of their own (render_changed)
VIEW_DIGESTS = "view-digests"  # ROOT/.cache/view-digests.pickle: each project view's digests, by its input key


def globals_digest(hasher: ContextHasher, globals_: Mapping[str, Any]) -> bytes:
    """The template globals: values digested, functions and classes by name (their code is in the tool fingerprint)."""
    parts = []
    for name in sorted(globals_):
        value = globals_[name]
        try:
            parts.append(name.encode() + b"=" + hasher.digest(value))
        except Unhashable:
            label = f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', type(value).__qualname__)}"
            parts.append(name.encode() + b":" + label.encode())
    return hashlib.sha256(b"\0".join(parts)).digest()


class KeyMaker:
    """Input keys for pages and for values shown on them; one walk of each value serves them all."""

    def __init__(self, env: jinja2.Environment, fingerprint: str) -> None:
        self.listing = ContextHasher(WITHOUT_BODY)
        self.full = ContextHasher(narrow=self.listing)  # a project's full digest is its listing digest and its description
        self.fingerprint = fingerprint
        self.shared = fingerprint.encode("ascii") + globals_digest(self.full, env.globals)
        self._store: MemoStore | None = None
        self._unknown: list[tuple[ProjectView, str]] = []

    def recall(self, root: Path, views: Sequence[ProjectView], keys: Sequence[str | None]) -> None:
        """Take each view's digests from the store at ``root``, by its input key (``ViewBuilder.input_key``).

        Walking the 10,000 views of a large catalogue takes most of a second; the digests of those whose
        inputs did not change are read instead. :meth:`remember` keeps this build's for the next one.
        """
        self._store = store = MemoStore.open(root, VIEW_DIGESTS, self.fingerprint)
        if store is None:
            return
        for view, key in zip(views, keys, strict=True):
            if key is None:
                continue
            found = store.get(key)
            if isinstance(found, tuple) and len(found) == 2 and all(isinstance(part, bytes) for part in found):
                self.listing.know(view, found[0])
                self.full.know(view, found[1])
            else:
                self._unknown.append((view, key))

    @property
    def views_to_walk(self) -> int:
        """How many of the views given to :meth:`recall` it did not find."""
        return len(self._unknown)

    def remember(self) -> None:
        """Keep the digests of the views :meth:`recall` did not find (walked now if no page showed them)."""
        if self._store is None:
            return
        for view, key in self._unknown:
            self._store.put(key, (self.listing.part(view), self.full.part(view)))
        self._store.save()

    def page(self, page: Page) -> str | None:
        """The page's key, or ``None`` for a page whose context cannot be digested (always rendered)."""
        try:
            context = _context_digest(page, self.full, self.listing)
        except Unhashable:
            return None
        head = f"{page.path}\0{page.template}\0{page.root!r}\0".encode()
        return hashlib.sha256(self.shared + head + context).hexdigest()

    def value(self, kind: str, value: Any) -> str:
        """A key for what the templates make of ``value`` as ``kind`` (a project's document section, say)."""
        return hashlib.sha256(self.shared + kind.encode() + b"\0" + self.full.digest(value)).hexdigest()


def _context_digest(page: Page, full: ContextHasher, listing: ContextHasher) -> bytes:
    if page.template not in BODY_TEMPLATES:
        return listing.digest(page.context)
    shown = BODY_TEMPLATES[page.template]
    if shown is None:
        return full.digest(page.context)
    return (full.digest({k: v for k, v in page.context.items() if k in shown})
            + listing.digest({k: v for k, v in page.context.items() if k not in shown}))


def _head_of(path: str) -> bytes:
    with open(path, "rb") as handle:  # noqa: PTH123  # a string path, as in _link_known
        chunk = handle.read(HEAD_CHUNK)
        if b"<body" not in chunk:
            chunk += handle.read()
    return page_head(chunk)


Prepare = Callable[[Sequence[Page]], int]  # readies what the given pages share; how many things it made
RenderResult = tuple[dict[str, tuple[bytes, str]], list[Diagnostic]]  # what render_pages gives


class Rendered(NamedTuple):
    heads: dict[str, bytes]  # each page's <head>
    problems: list[Diagnostic]
    pages: int  # how many pages were rendered
    prepared: int  # what the ``before`` calls made, in all
    hashes: dict[str, str]  # each page's path -> the sha256 of its HTML (with a cache only)


def render_changed(env: jinja2.Environment, pages: Sequence[Page], folder: Path, jobs: int, cache: OutputCache | None,
                   advance: Callable[[int], None] | None = None, maker: KeyMaker | None = None,
                   before: Prepare | None = None) -> Rendered:
    """Like :func:`render_pages`, reusing the cache: only the pages whose keys the cache does not know are rendered.

    ``maker``: the build's :class:`KeyMaker` (for the cache's fingerprint), if it made other keys already.
    ``before``: called with the pages that are to be rendered, before they are (to prepare what they share),
    in the process that renders them.
    """
    if cache is None:
        prepared = before(pages) if before is not None else 0
        rendered, problems = render_pages(env, pages, folder, jobs, advance=advance)
        return Rendered({path: head for path, (head, _) in rendered.items()}, problems, len(pages), prepared, {})
    maker = maker or KeyMaker(env, cache.fingerprint)
    if not cache.pages:  # a cold cache: nothing to link, so every page is rendered
        return _render_all(env, pages, folder, jobs, cache, maker, advance, before)
    heads: dict[str, bytes] = {}
    hashes: dict[str, str] = {}
    # The documents first: one that is to be rendered (it holds every project, the longest page by far) is
    # prepared and rendered in a forked process while the other pages' keys are made and their files linked here.
    early = _link_known([page for page in pages if page.template in RENDERED_FIRST], folder, cache, maker, heads, hashes, advance)
    job = Background(functools.partial(_prepared_render, before, env, [page for page, _ in early], folder, cache.place),
                     jobs if early else 1)
    with job:
        todo = _link_known([page for page in pages if page.template not in RENDERED_FIRST], folder, cache, maker, heads,
                           hashes, advance, pause=True)
        prepared = before([page for page, _ in todo]) if before is not None else 0
        rendered, problems = render_pages(env, [page for page, _ in todo], folder, jobs, cache.place, advance)
        early_prepared, (early_rendered, early_problems) = cast(tuple[int, RenderResult], job.result())
    if advance is not None:
        advance(len(early))
    for page, key in [*early, *todo]:
        found = rendered.get(page.path) or early_rendered.get(page.path)
        if found is not None:
            head, sha = found
            heads[page.path], hashes[page.path] = head, sha
            cache.keep(sha, folder / page.path, key)
            cache.keep_head(sha, head)
    problems = list(dict.fromkeys([*early_problems, *problems]))
    return Rendered({page.path: heads[page.path] for page in pages if page.path in heads}, problems, len(early) + len(todo),
                    prepared + early_prepared, hashes)


def _prepared_render(before: Prepare | None, env: jinja2.Environment, pages: Sequence[Page], folder: Path,
                     place: Placer) -> tuple[int, RenderResult]:
    """``before(pages)``, then the pages rendered one by one: the documents' process, after an edit (render_changed)."""
    prepared = before(pages) if before is not None and pages else 0
    return prepared, render_pages(env, pages, folder, 1, place)


def _link_known(pages: Sequence[Page], folder: Path, cache: OutputCache, maker: KeyMaker, heads: dict[str, bytes],
                hashes: dict[str, str], advance: Callable[[int], None] | None,
                pause: bool = False) -> list[tuple[Page, str | None]]:
    """Link each page whose key the cache knows (its ``<head>`` into ``heads``, its hash into ``hashes``);
    the others, with their keys."""
    todo: list[tuple[Page, str | None]] = []
    base = str(folder)
    made: set[str] = set()  # the folders made so far
    for number, page in enumerate(pages):
        if pause and number == len(pages) // 2:
            pause_point("link")
        key = maker.page(page)
        if key is not None:
            target = f"{base}/{page.path}"  # a string: see output_cache.StrPath
            parent = target.rpartition("/")[0]
            if parent not in made:
                os.makedirs(parent, exist_ok=True)  # noqa: PTH103  # a string path: see output_cache.StrPath
                made.add(parent)
            sha = cache.link_page(key, target)
            if sha is not None:
                head = cache.head(sha)
                if head is None:
                    head = _head_of(target)
                    cache.keep_head(sha, head)
                heads[page.path], hashes[page.path] = head, sha
                if advance is not None:
                    advance(1)
                continue
        todo.append((page, key))
    return todo


def _render_all(env: jinja2.Environment, pages: Sequence[Page], folder: Path, jobs: int, cache: OutputCache, maker: KeyMaker,
                advance: Callable[[int], None] | None, before: Prepare | None) -> Rendered:
    """:func:`render_changed` when the cache knows no page: the keys are made here while the workers render
    (they are needed only to record the pages), not before, so a cold build does not wait for them."""
    prepared = before(pages) if before is not None else 0
    keys: list[str | None] = []
    rendered, problems = render_pages(env, pages, folder, jobs, cache.place, advance,
                                      meanwhile=lambda: keys.extend(maker.page(page) for page in pages))
    for page, key in zip(pages, keys, strict=True):
        if page.path in rendered:
            head, sha = rendered[page.path]
            cache.keep(sha, folder / page.path, key)
            cache.keep_head(sha, head)
    return Rendered({path: head for path, (head, _) in rendered.items()}, problems, len(pages), prepared,
                    {path: sha for path, (_, sha) in rendered.items()})
