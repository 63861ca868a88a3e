"""The search index: lunr indexes over every project, serialised for lunr.js 2.3.9.

Each project is known by its position in reading order (its ref, "0", "1", ...: its row of
``search/filter.json`` and the name of its fragment, docstore.py). Text is split and stemmed once per
project (search/text.py, on all cores), then handed to a lunr.py ``Builder`` as term counts; lunr.py's
idf and BM25 settings weigh them, and the index is written as ``lunr.Index.toJSON`` writes it, which
``lunr.Index.load`` reads. Three things keep it small:

* the body field keeps only each project's most distinctive terms by tf-idf (``body_terms_per_project``),
  with BM25 lengths from the whole body, so the terms kept score as they would untrimmed;
* weights keep 3 significant figures, and the most used terms get the shortest term numbers;
* an index of more than ``SHARD_ABOVE`` shards' worth of terms is cut by size into shards of
  contiguous term ranges (shards.py) and the browser loads only the shards that a query's words need;
  no single ``index.json`` is written then (at 10,000 projects it would be 40 MB that no browser should load).

``search/manifest.json`` tells search.js which files to load: ``{"index": "index.json?v=<hash>"}`` or
``{"shards": [[first term, last term, path], ...], "terms": {length: path}}`` (shards.py).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from site_builder.runtime.gc_pause import gc_paused
from site_builder.runtime.jsonio import json_bytes
from site_builder.runtime.parallel import parallel_map
from site_builder.search import shards as search_shards
from site_builder.search.builder import FieldTerms, TermBuilder
from site_builder.text.words import html_text, term_counts
from site_builder.views.project import ProjectView

BODY_POSTINGS_BUDGET = 60_000  # body term-project pairs in the whole index
MIN_BODY_TERMS = 40  # kept per project, however large the catalogue
IDF_SAMPLE = 500  # bodies sampled to weigh terms for trimming
SHARD_ABOVE = 2  # shards' worth of terms (shards.SHARD_BYTES each); a larger index is searched in shards
INDEX_PATH = "search/index.json"
MANIFEST_PATH = "search/manifest.json"


Analysed = dict[str, FieldTerms]  # field name -> terms, for one project


def project_fields(view: ProjectView) -> dict[str, str]:
    """The text of each indexed field of one project."""
    return {
        "title": view.title,
        "summary": view.summary,
        "orgs": "\n".join(ref.label for ref in (view.lead, *view.partners)),
        "labels": "\n".join(ref.label for ref in (*view.themes, *view.services, *view.regions)),
        "factors": "\n".join(ref.label for ref in (*view.enablers, *view.barriers)),
        "body": "\n".join([html_text(str(view.body_html)), *view.benefits, *view.lessons]),
    }


def analyse(texts: Mapping[str, str]) -> Analysed:
    """Term counts for each field of one project."""
    return {name: FieldTerms(*term_counts(text)) for name, text in texts.items()}


def body_terms_per_project(count: int) -> int:
    return max(MIN_BODY_TERMS, BODY_POSTINGS_BUDGET // max(count, 1))


class BodyTrim(NamedTuple):
    """How to trim bodies: keep ``keep`` terms, weighed by ``idf`` (``rare`` for terms it lacks)."""

    keep: int
    idf: dict[str, float]
    rare: float


def body_trim(projects: Sequence[ProjectView], keep: int) -> BodyTrim:
    """Inverse document frequencies of body terms, from every project or (over ``IDF_SAMPLE``) an even sample.

    A sample of a few hundred bodies ranks common words as well as all of them do, and every word it
    lacks is rare; computing it first lets each worker trim its bodies before sending them back.
    """
    step = max(1, -(-len(projects) // IDF_SAMPLE))
    sample = projects[::step]
    df: Counter[str] = Counter()
    for view in sample:
        df.update(term_counts(project_fields(view)["body"])[0].keys())
    n = len(sample)
    idf = {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
    return BodyTrim(keep, idf, math.log(1 + (n + 0.5) / 0.5))


def trimmed(body: FieldTerms, trim: BodyTrim) -> FieldTerms:
    """``body`` with only its ``trim.keep`` terms of highest tf-idf (ties keep text order)."""
    if len(body.counts) <= trim.keep:
        return body
    idf, rare = trim.idf, trim.rare
    weight = {term: -tf * idf.get(term, rare) for term, tf in body.counts.items()}
    kept = sorted(weight, key=weight.__getitem__)[:trim.keep]
    return FieldTerms({term: body.counts[term] for term in kept}, body.length)


_state: dict[str, Any] = {}


def _analyse_one(index: int) -> Analysed:
    fields = analyse(project_fields(_state["projects"][index]))
    fields["body"] = trimmed(fields["body"], _state["trim"])
    return fields


def analyse_all(projects: Sequence[ProjectView], jobs: int = 0) -> list[Analysed]:
    """Every project's analysed fields, bodies trimmed, analysed on all cores."""
    _state.update(projects=projects, trim=body_trim(projects, body_terms_per_project(len(projects))))
    try:
        return parallel_map(_analyse_one, range(len(projects)), jobs)
    finally:
        _state.clear()


def index_builder(projects: Sequence[ProjectView], jobs: int = 0) -> TermBuilder:
    """A builder holding every project's analysed, trimmed terms; a project's ref is its position in
    ``projects`` as a decimal string (short: refs fill most of an index)."""
    analysed = analyse_all(projects, jobs)
    builder = TermBuilder()
    for number, fields in enumerate(analysed):
        builder.add_terms(str(number), fields)
    return builder


def build_index(projects: Sequence[ProjectView], jobs: int = 0) -> dict[str, Any]:
    """The serialised lunr index of ``projects`` (what ``search/index.json`` holds)."""
    builder = index_builder(projects, jobs)
    terms = builder.number_terms()
    return builder.serialise(terms, builder.field_vectors_as_lists())


def search_files(projects: Sequence[ProjectView], jobs: int = 0) -> dict[str, bytes]:
    """The search index files: ``search/manifest.json`` and ``search/index.json`` (or its shards).

    Pass the projects in reading order (``SiteData.by_title``): refs are positions in it, the rows
    of ``search/filter.json`` and the names of the fragments (docstore.py).
    """
    with gc_paused():
        return _search_files(projects, jobs)


def _search_files(projects: Sequence[ProjectView], jobs: int) -> dict[str, bytes]:
    builder = index_builder(projects, jobs)
    cut = search_shards.cut_shards(builder)
    manifest: dict[str, Any]
    if len(cut) > SHARD_ABOVE:
        files, manifest = search_shards.shard_files(builder, jobs, cut)
    else:
        content = json_bytes(builder.serialise(builder.number_terms(), builder.field_vectors_as_lists()))
        files = {INDEX_PATH: content}
        manifest = {"index": f"index.json?v={hashlib.sha256(content).hexdigest()[:12]}"}
    files[MANIFEST_PATH] = json_bytes({**manifest, "projects": len(projects), "version": 1})
    return files
