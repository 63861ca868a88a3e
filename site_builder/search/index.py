"""The search index: lunr indexes over every project, serialised for lunr.js 2.3.9.

Each project is known by its position in reading order (its ref, "0", "1", ...: its row of
``search/filter.json`` and the name of its fragment, docstore.py). Text is split and stemmed once per
project (analysis.py, on all cores, or from the cache), then handed to a lunr.py ``Builder`` as term counts; lunr.py's
idf and BM25 settings weigh them, and the index is written as ``lunr.Index.toJSON`` writes it, which
``lunr.Index.load`` reads. Three things keep it small:

* the body field keeps only each project's most distinctive terms by tf-idf (``body_terms_per_project``),
  with BM25 lengths from the whole body, so the terms kept score as they would untrimmed;
* weights keep 3 significant figures, and the most used terms get the shortest term numbers;
* an index of more than ``SHARD_ABOVE`` shards' worth of terms is cut by size into shards of
  contiguous term ranges (shards.py) and the browser loads only the shards that a query's words need;
  no single ``index.json`` is written then (at 10,000 projects it would be 40 MB that no browser should load).

``search/manifest.json`` tells search.js which files to load: ``{"index": "index.json?v=<hash>"}`` or
``{"shards": [[first term, last term, path], ...], "terms": {"dir": folder, "first": {length: letters},
"last": {length: letters}}}`` (shards.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from site_builder.runtime.gc_pause import gc_paused
from site_builder.runtime.jsonio import json_bytes
from site_builder.search import shards as search_shards
from site_builder.search import state as index_state
from site_builder.search.analysis import Analysed, analyse_all, analyse_and_trim, code_version, field_sources, text_key
from site_builder.search.builder import TermBuilder, js_order
from site_builder.search.postings import Postings, made_shards
from site_builder.text.memo_store import MemoStore
from site_builder.views.project import ProjectView

SHARD_ABOVE = index_state.SHARD_ABOVE  # shards' worth of terms (shards.SHARD_BYTES each); a larger index is searched in shards
INDEX_PATH = "search/index.json"
MANIFEST_PATH = "search/manifest.json"
CACHE_NAME = "search"  # .cache/search.pickle: each project's analysed terms (analysis.py)
FILES_CACHE_NAME = "search-files"  # .cache/search-files.pickle: the files of the last build's index (by the digest of
# its inputs), and what a sharded one was made from (state.py), each shard and term list by the sha256 of its content


def index_builder(projects: Sequence[ProjectView], jobs: int = 0) -> TermBuilder:
    """A builder holding every project's analysed, trimmed terms; a project's ref is its position in
    ``projects`` as a decimal string (short: refs fill most of an index)."""
    return term_builder(analyse_all([field_sources(view) for view in projects], jobs))


def term_builder(analysed: Sequence[Analysed]) -> TermBuilder:
    builder = TermBuilder()
    for number, fields in enumerate(analysed):
        builder.add_terms(str(number), fields)
    return builder


def build_index(projects: Sequence[ProjectView], jobs: int = 0) -> dict[str, Any]:
    """The serialised lunr index of ``projects`` (what ``search/index.json`` holds)."""
    builder = index_builder(projects, jobs)
    terms = builder.number_terms()
    return builder.serialise(terms, builder.field_vectors_as_lists())


def search_files(projects: Sequence[ProjectView], jobs: int = 0, root: Path | None = None) -> dict[str, bytes]:
    """The search index files: ``search/manifest.json`` and ``search/index.json`` (or its shards).

    Pass the projects in reading order (``SiteData.by_title``): refs are positions in it, the rows
    of ``search/filter.json`` and the names of the fragments (docstore.py). With ``root``, the
    analysed terms of every project are kept in, and taken from, ``root/.cache/`` (analysis.py), and
    so are the files: a build whose every project's indexed text is unchanged reuses them, and
    another updates the state the last one kept (state.py) for the projects whose text changed,
    making again only the shards whose terms, postings or weights changed.
    """
    with gc_paused():
        return sources_files([field_sources(view) for view in projects], jobs, root)


def sources_files(sources: Sequence[Mapping[str, list[str]]], jobs: int = 0, root: Path | None = None) -> dict[str, bytes]:
    """:func:`search_files` from each project's :func:`~site_builder.search.analysis.field_sources`."""
    if root is None:
        return _search_files(sources, jobs, lambda: None, (), None)[0]
    version = code_version()
    saved = MemoStore.open(root, FILES_CACHE_NAME, version)
    with gc_paused():
        keys = [text_key(s) for s in sources]
        key = inputs_key(keys)
        files = kept_files(saved, key) if saved is not None else None
        if files is None:
            opened: list[MemoStore | None] = []

            def open_store() -> MemoStore | None:  # opened only if needed: reading it takes time
                if not opened:
                    opened.append(MemoStore.open(root, CACHE_NAME, version))
                return opened[0]

            files, entries = _search_files(sources, jobs, open_store, keys, saved)
            if saved is not None:
                saved.put(key, {path: entries.get(path, content) for path, content in files.items()})
                saved.save()
    return dict(files)


def kept_files(saved: MemoStore, key: str) -> dict[str, bytes] | None:
    """The files kept under ``key``, a shard's content by the name of its own entry; ``None`` if any is missing."""
    kept = saved.get(key)
    if not isinstance(kept, dict):
        return None
    files = {}
    for path, value in kept.items():
        content = saved.get(value) if isinstance(value, str) else value
        if not isinstance(content, bytes):
            return None
        files[path] = content
    return files


def inputs_key(keys: Sequence[str]) -> str:
    """A digest of everything the index files are made from: each project's indexed text (its key), in order."""
    return hashlib.sha256(f"{len(keys)}\0{','.join(keys)}".encode()).hexdigest()


def _search_files(sources: Sequence[Mapping[str, list[str]]], jobs: int, open_store: Callable[[], MemoStore | None],
                  keys: Sequence[str], saved: MemoStore | None) -> tuple[dict[str, bytes], dict[str, str]]:
    """The files, and the entry of ``saved`` holding each shard and term list (by path) if there is ``saved``:
    from the state ``saved`` keeps and the projects that changed since (state.py) where it can, else whole."""
    state = index_state.loaded(saved) if saved is not None else None
    if saved is not None and state is not None and state.projects == len(sources) > 0:
        change = index_state.changes(state, sources, keys, jobs, open_store)
        made = index_state.updated(state, keys, change, saved, jobs) if change is not None else None
        if made is not None:
            return _sharded(made, len(sources), saved)
    store = open_store()
    trimmed = analyse_and_trim(sources, jobs, store, keys)
    if store is not None and store.changed():
        store.save()
    postings = Postings(trimmed.analysed, with_counts=saved is not None)
    cut = postings.cut_from(sorted(postings.postings, key=js_order), 0, None)[0]
    if len(cut) > SHARD_ABOVE:
        terms, number = postings.numbered([shard for shard, _ in cut])
        contents = made_shards(postings, terms, number, range(len(terms)), jobs)
        ordered = [contents[i] for i in range(len(terms))]
        lists = search_shards.fuzzy_lists(postings.postings)
        state = None
        if saved is not None:
            state = index_state.made_state(len(sources), keys, trimmed, postings, cut, ordered, lists)
        return _sharded(index_state.Made(terms, ordered, lists, state), len(sources), saved)
    builder = term_builder(trimmed.analysed)
    content = json_bytes(builder.serialise(builder.number_terms(), builder.field_vectors_as_lists()))
    manifest = {"index": f"index.json?v={hashlib.sha256(content).hexdigest()[:12]}"}
    return {INDEX_PATH: content, MANIFEST_PATH: json_bytes({**manifest, "projects": len(sources), "version": 1})}, {}


def _sharded(made: index_state.Made, count: int, saved: MemoStore | None) -> tuple[dict[str, bytes], dict[str, str]]:
    """The files of a sharded index, and (with ``saved``) the entry of each shard and term list there;
    they and the state are kept there."""
    state = made.state
    digests = [bytes.fromhex(digest) for digest in state.contents] if state is not None else None
    files, manifest = search_shards.listed_with(made.terms, made.contents, made.lists, digests)
    entries: dict[str, str] = {}
    if saved is not None and state is not None:
        value, chunks = index_state.dumped(state)
        saved.put(index_state.STATE_ENTRY, value)
        for name, chunk in chunks.items():
            saved.put(name, chunk)
        names = [*state.lists.values(), *state.contents]  # in the order listed_with lists their files
        for (path, content), digest in zip(files.items(), names, strict=False):
            entries[path] = name = index_state.entry(digest)
            saved.put(name, content)
    files[MANIFEST_PATH] = json_bytes({**manifest, "projects": count, "version": 1})
    return files, entries
