"""Test-only views of the search index: a lunr.py index to query, and shards cut a second, simpler way."""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from lunr.index import Index

from site_builder.search.builder import TermBuilder
from site_builder.search.shards import cut_shards


def slugs(site: Path) -> list[str]:
    """The slug of each ref (row number) of a built site's search data, from the fragments' addresses."""
    search_dir = site / "search"
    data = json.loads((search_dir / "filter.json").read_bytes())
    folder = search_dir / data["fragments"]
    return [json.loads((folder / f"{row}.json").read_bytes())["u"].split("/")[1] for row in range(data["projects"])]


def load_index(data: Mapping[str, Any] | str | bytes) -> Index:
    """A lunr.py ``Index`` from a serialised index, to query in Python."""
    return Index.load(json.loads(data) if isinstance(data, str | bytes) else dict(data))


def split_vectors(vectors: dict[str, list[float]], starts: list[int], keys: list[str]) -> dict[str, dict[str, list[float]]]:
    """Cut each field vector (sorted by term number; numbers grouped by shard) into one part per key."""
    parts: dict[str, dict[str, list[float]]] = {key: {} for key in keys}
    for field_ref, elements in vectors.items():
        i, length = 0, len(elements)
        while i < length:
            k = bisect_right(starts, elements[i]) - 1
            end = starts[k + 1] if k + 1 < len(starts) else float("inf")
            j = i + 2
            while j < length and elements[j] < end:
                j += 2
            parts[keys[k]][field_ref] = elements[i:j]
            i = j
    return parts


def shard_indexes(builder: TermBuilder, limit: int) -> list[dict[str, Any]]:
    """One serialised lunr index per shard of at most ``limit`` bytes, its terms numbered from 0 (whole
    field vectors, then cut: for tests and small sets); the builder keeps its numbers across shards."""
    shards = cut_shards(builder, limit)
    shard_of = {term: i for i, terms in enumerate(shards) for term in terms}
    terms: list[list[str]] = [[] for _ in shards]
    for term in builder.number_terms(group=shard_of.__getitem__):  # numbered across shards, then from 0 in each
        terms[shard_of[term]].append(term)
    keys = [str(i) for i in range(len(terms))]
    starts = [builder.inverted_index[shard[0]]["_index"] for shard in terms]
    vectors = split_vectors(builder.field_vectors_as_lists(), starts, keys)
    for start, key in zip(starts, keys, strict=True):
        for elements in vectors[key].values():
            elements[0::2] = [number - start for number in elements[0::2]]
    out = []
    for shard, start, key in zip(terms, starts, keys, strict=True):
        for term in shard:
            builder.inverted_index[term]["_index"] -= start
        out.append(json.loads(json.dumps(builder.serialise(shard, vectors[key]))))  # a copy: the postings change next
        for term in shard:  # the builder's numbers as they were, for a whole index of it
            builder.inverted_index[term]["_index"] += start
    return out
