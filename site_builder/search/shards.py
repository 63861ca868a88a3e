"""A large catalogue's index, split by the first two characters of each term.

Every shard is a complete lunr index (``lunr.Index.load`` reads it) holding the terms of one key and,
from each field vector, only those terms' weights. A term's weights do not depend on the other terms
(idf comes from its own postings, lengths from whole fields), so a word searched in its shard scores
exactly as it would in one index of everything; search.js searches each word of a query on its own
and adds the scores, with one index or with shards.
"""

from __future__ import annotations

import hashlib
import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any

from lunr.idf import idf as lunr_idf

from site_builder.runtime.jsonio import json_bytes
from site_builder.runtime.parallel import cpu_count
from site_builder.search.builder import TermBuilder

SHARDS_DIR = "search/shards"
KEY_LENGTH = 2


def shard_key(term: str) -> str:
    """The shard of a term: its first two characters, each a-z or 0-9 or else "_" (search.js: shardKey)."""
    return "".join(c if c.isascii() and c.isalnum() else "_" for c in term[:KEY_LENGTH])


def group_terms(builder: TermBuilder) -> dict[str, list[str]]:
    """Number the builder's terms shard by shard; each shard key's terms, in number order."""
    terms: dict[str, list[str]] = {}
    for term in builder.number_terms(group=shard_key):
        terms.setdefault(shard_key(term), []).append(term)
    return terms


Rows = dict[str, dict[str, tuple[str, float, float, dict[str, int]]]]  # field -> ref -> (field ref, norm, scale, tfs)


def field_rows(builder: TermBuilder) -> Rows:
    """What weighing a posting needs, looked up by field name and document."""
    rows: Rows = {name: {} for name in builder._fields}
    for field_ref, (norm, scale) in builder.field_scales().items():
        name, _, ref = field_ref.partition("/")
        rows[name][ref] = (field_ref, norm, scale, builder.field_term_frequencies[field_ref])
    return rows


def shard_index(builder: TermBuilder, terms: list[str], rows: Rows) -> dict[str, Any]:
    """The serialised lunr index of ``terms`` (in number order), its field vectors built from their postings.

    The weights are search_index.weight's, inlined: this loop runs once per posting.
    """
    vectors: dict[str, list[float]] = {}
    count = builder.document_count
    for term in terms:  # in number order, so every vector comes out sorted
        posting = builder.inverted_index[term]
        number = posting["_index"]
        idf = lunr_idf(posting, count)
        for name, field_rows_ in rows.items():
            for ref in posting[name]:
                field_ref, norm, scale, frequencies = field_rows_[ref]
                tf = frequencies[term]
                w = idf * scale * tf / (norm + tf)
                pair = (number, round(w, 1 if w >= 10 else 2 if w >= 1 else 3))
                elements = vectors.get(field_ref)
                if elements is None:
                    vectors[field_ref] = list(pair)
                else:
                    elements += pair
    return builder.serialise(terms, vectors)


_state: dict[str, Any] = {}


def fork_map(func: Callable[[str], bytes], items: Sequence[str], jobs: int = 0) -> list[bytes]:
    """``[func(i) for i in items]`` on ``jobs`` forked workers, one item at a time (shards are few and uneven,
    so parallel.parallel_map, made for many small items, would run them in one process)."""
    jobs = min(jobs or cpu_count(), len(items))
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [func(item) for item in items]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return pool.map(func, items, chunksize=1)


def _build_shard(key: str) -> bytes:
    return json_bytes(shard_index(_state["builder"], _state["terms"][key], _state["rows"]))


def shard_files(builder: TermBuilder, jobs: int = 0) -> tuple[dict[str, bytes], dict[str, str]]:
    """The shard files (site path -> content) and the manifest's map of key -> path under search/.

    Each worker builds, serialises and encodes whole shards, reading the builder it was forked with.
    """
    terms = group_terms(builder)
    keys = sorted(terms, key=lambda k: (-len(terms[k]), k))  # largest first: the workers finish together
    _state.update(builder=builder, terms=terms, rows=field_rows(builder))
    try:
        contents = fork_map(_build_shard, keys, jobs)
    finally:
        _state.clear()
    files: dict[str, bytes] = {}
    paths: dict[str, str] = {}
    for key, content in zip(keys, contents, strict=True):
        name = f"{key}.{hashlib.sha256(content).hexdigest()[:12]}.json"
        files[f"{SHARDS_DIR}/{name}"] = content
        paths[key] = f"shards/{name}"
    return files, paths
