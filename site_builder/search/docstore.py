"""What the browser needs to filter projects and show search results, in two parts.

``search/filter.json`` is small enough to load whole even at 10,000 projects (about 35 KiB gzipped):
each facet's ids and labels once, and for each facet a column of every project's values, one entry
per project in reading order (by title, then slug)::

    {
      "facets": {"st": [[id, label], ...], "sv": [...], "th": [...], "rg": [...]},
      "values": {"st": [mask, ...], "sv": [...], "th": [...], "rg": [...]},
      "projects": count,
      "fragments": "fragments/<hash>/"
    }

A value is a bit mask of positions in that facet's list (bit n: the facet's n-th id), or, for a
facet of more than ``MASK_BITS`` ids, a list of positions. Columns of masks are the smallest form
that gzip leaves small. A project's row number is its ref in the search index (index.py) and names
its fragment, ``search/fragments/<hash>/<row>.json``: what one listed result shows, fetched only for
the results on screen (in the spirit of Pagefind's page fragments)::

    {"t": title, "u": "projects/<slug>/", "s": summary, "b": the start of the description, as text}

``u`` is relative to the site root. The hash changes with any fragment, so a cached fragment never
belongs to another build's numbering. ``assets/js/filters.js`` reads both on the project list and
``assets/js/search.js`` on the search page. Facet ids are only unique within a facet, hence the keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from site_builder.runtime.jsonio import json_bytes
from site_builder.runtime.parallel import shared
from site_builder.site.data import SiteData
from site_builder.text.memo_store import MemoStore, kept_or_made, source_version
from site_builder.text.words import html_text
from site_builder.views.project import ProjectView

FILTER_PATH = "search/filter.json"
CACHE_NAME = "fragments"  # ROOT/.cache/fragments.pickle: each project's fragment, by its view's input key
FRAGMENTS_DIR = "search/fragments"
EXCERPT_CHARS = 300  # of the description, cut at a word boundary
COLUMNS = ("st", "sv", "th", "rg")
MASK_BITS = 52  # a JavaScript number holds every integer below 2**53 exactly
HEAD_CHARS = 4  # characters of text taken per character of excerpt before collapsing white space


def facet_values(view: ProjectView) -> dict[str, list[str]]:
    """A project's facet ids, by facet key."""
    return {"st": [view.status.id], "sv": [r.id for r in view.services], "th": [r.id for r in view.themes],
            "rg": [r.id for r in view.regions]}


def column_value(positions: Sequence[int], size: int) -> int | list[int]:
    """One project's value in a facet column of ``size`` ids: a bit mask of ``positions``, or their list."""
    unique = sorted(set(positions))
    return unique if size > MASK_BITS else sum(1 << n for n in unique)


def filter_data(site: SiteData, fragments: str) -> dict[str, Any]:
    groups = {group.key: group.facets for group in site.facets.values()}
    number = {key: {f.id: i for i, f in enumerate(facets)} for key, facets in groups.items()}
    columns: dict[str, list[int | list[int]]] = {key: [] for key in COLUMNS}
    for view in site.by_title:
        values = facet_values(view)
        for key in COLUMNS:
            columns[key].append(column_value([number[key][v] for v in values[key] if v in number[key]], len(number[key])))
    return {"facets": {key: [[f.id, f.label] for f in facets] for key, facets in groups.items()},
            "values": columns, "projects": len(site.by_title), "fragments": fragments}


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` with its white space collapsed, cut to ``limit`` characters at a word boundary (with "…").

    A start of ``text``, collapsed, is a start of the whole collapsed; when it is longer than ``limit``
    it is all the cut looks at, so a long description is not collapsed whole (that was most of the work).
    White space is collapsed by ``str.split``, which splits at the characters ``\\s`` matches and is
    ten times faster than a regular expression's ``sub``.
    """
    head = text[:HEAD_CHARS * (limit + 1)]
    collapsed = " ".join(head.split())
    if len(collapsed) <= limit and len(head) < len(text):
        collapsed = " ".join(text.split())
    text = collapsed
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    return cut.rstrip(" ,;:.") + "…"


def fragment_data(view: ProjectView) -> dict[str, str]:
    return {"t": view.title, "u": view.url, "s": view.summary, "b": excerpt(html_text(str(view.body_html)))}


_work: dict[str, Any] = {}  # what forked workers read: set before they fork, cleared after


def _fragment(number: int) -> bytes:
    return json_bytes(fragment_data(_work["projects"][number]))


def fragment_files(projects: Sequence[ProjectView], keys: Sequence[str | None] = (),
                   store: MemoStore | None = None, jobs: int = 1) -> tuple[str, dict[str, bytes]]:
    """The fragments of ``projects`` (in reading order): their folder under search/, and the files.

    With a ``store``, a project's fragment is kept under its view's input key (``keys``, in the same order);
    the others are made on ``jobs`` processes.
    """
    keyed = [*keys, *[None] * (len(projects) - len(keys))]
    with shared(_work, projects=projects):
        contents = kept_or_made(store, keyed, lambda kept: isinstance(kept, bytes), _fragment, jobs)
    if store is not None and store.changed():
        store.save()
    digest = hashlib.sha256()
    for content in contents:
        digest.update(content)
    folder = f"fragments/{digest.hexdigest()[:12]}/"
    return folder, {f"search/{folder}{row}.json": content for row, content in enumerate(contents)}


def docstore_files(site: SiteData, cache_root: Path | None = None) -> dict[str, bytes]:
    """``search/filter.json`` and one ``search/fragments/<hash>/<row>.json`` per project.

    With ``cache_root``, each fragment is kept in its ``.cache/fragments.pickle`` by the view's input key.
    """
    keys = site.view_keys_by_title
    store = None
    if cache_root is not None and any(keys):
        store = MemoStore.open(cache_root, CACHE_NAME, source_version("fragments-1", ("search/docstore.py", "text/words.py",
                                                                                      "runtime/jsonio.py")))
    folder, files = fragment_files(site.by_title, keys, store, site.jobs)
    files[FILTER_PATH] = json_bytes(filter_data(site, folder))
    return files
