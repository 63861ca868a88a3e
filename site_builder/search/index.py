"""The search index: lunr indexes over every project, serialised for lunr.js 2.3.9.

Text is split and stemmed once per project (search_text.py, on all cores), then handed to a lunr.py
``Builder`` as term counts; lunr.py's idf and BM25 settings weigh them, and the index is written as
``lunr.Index.toJSON`` writes it, which ``lunr.Index.load`` reads. Three things keep it small:

* the body field keeps only each project's most distinctive terms by tf-idf (``body_terms_per_project``),
  with BM25 lengths from the whole body, so the terms kept score as they would untrimmed;
* weights keep 3 significant figures, and the most used terms get the shortest term numbers;
* beyond ``SHARD_ABOVE`` projects the index is split by the first two characters of each term
  (search_shards.py) and the browser loads only the shards that a query's words need; no single
  ``index.json`` is written then (at 10,000 projects it would be 40 MB that no browser should load).

``search/manifest.json`` tells search.js which files to load: ``{"index": "index.json?v=<hash>"}`` or
``{"shards": {key: path}, "keyLength": 2}``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from lunr import __TARGET_JS_VERSION__
from lunr.builder import Builder
from lunr.idf import idf as lunr_idf
from lunr.index import Index

from site_builder.runtime.gc_pause import gc_paused
from site_builder.runtime.parallel import parallel_map
from site_builder.search import shards as search_shards
from site_builder.search.stemmer import stemmer
from site_builder.search.text import html_text, term_counts
from site_builder.views.project import ProjectView

# field -> boost (checked against tests/test_search_relevance.py)
FIELDS: dict[str, int] = {"title": 10, "summary": 4, "orgs": 3, "labels": 3, "factors": 2, "body": 1}
BODY_POSTINGS_BUDGET = 60_000  # body term-project pairs in the whole index
MIN_BODY_TERMS = 40  # kept per project, however large the catalogue
IDF_SAMPLE = 500  # bodies sampled to weigh terms for trimming
SHARD_ABOVE = 2_000  # projects; a larger catalogue is searched in shards
NO_METADATA: dict[str, Any] = {}  # shared by every posting: lunr keeps no term metadata here
INDEX_PATH = "search/index.json"
MANIFEST_PATH = "search/manifest.json"


class FieldTerms(NamedTuple):
    counts: dict[str, int]  # stemmed term -> frequency, in order of first use
    length: int  # number of terms in the whole field, before any trimming


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


def weight(idf: float, tf: int, norm: float, scale: float) -> float:
    """A term's BM25 weight in one field, to 3 significant figures below 100 (lunr keeps 3 decimals)."""
    w = idf * scale * tf / (norm + tf)
    return round(w, 1 if w >= 10 else 2 if w >= 1 else 3)


def js_order(term: str) -> bytes:
    """Sort key of JavaScript's string order (UTF-16 code units), the order lunr.js loads terms in."""
    return term.encode("utf-16-be")


class TermBuilder(Builder):  # type: ignore[misc]  # lunr.py is untyped
    """A lunr.py Builder fed with counted terms (:func:`analyse`) instead of running its pipeline.

    ``add_terms`` fills the same structures as ``Builder.add``. Term numbers (``_index``) go to the
    most used terms first, so the numbers in the field vectors are short; ``number_terms`` can group
    them by shard. The field vectors use ``Builder``'s BM25 (its ``_k1``, ``_b``, field boosts and
    lunr's idf), built whole rather than one ``Vector.insert`` at a time, and keep 3 significant figures
    of each weight below 100 (lunr keeps 3 decimals; this is shorter and as precise where it matters).
    """

    def __init__(self) -> None:
        super().__init__()
        self.search_pipeline.add(stemmer)  # serialised as ["stemmer"]: lunr.js stems query terms
        for name, boost in FIELDS.items():
            self.field(name, boost)

    def add_terms(self, ref: str, fields: Mapping[str, FieldTerms]) -> None:
        self._documents[ref] = {}
        self.document_count += 1
        inverted = self.inverted_index
        names = list(self._fields)
        for name in names:
            counts, length = fields[name]
            field_ref = f"{name}/{ref}"
            self.field_term_frequencies[field_ref] = counts
            self.field_lengths[field_ref] = length
            for term in counts:
                posting = inverted.get(term)
                if posting is None:
                    posting = inverted[term] = {n: {} for n in names}
                posting[name][ref] = NO_METADATA

    def number_terms(self, group: Any = None) -> list[str]:
        """Give every term its ``_index``: by ``group(term)``, then most used first. Returns the terms in that order."""
        uses = {t: sum(len(p[n]) for n in self._fields) for t, p in self.inverted_index.items()}
        order = sorted(uses, key=lambda t: (group(t) if group else "", -uses[t], t))
        for number, term in enumerate(order):
            self.inverted_index[term]["_index"] = number
        return order

    def field_scales(self) -> dict[str, tuple[float, float]]:
        """field ref -> (BM25 length norm, k1 + 1 times the boosts), for every field with terms."""
        self._calculate_average_field_lengths()
        k1, b = self._k1, self._b
        scales = {}
        for field_ref, length in self.field_lengths.items():
            if length:
                name, _, ref = field_ref.partition("/")
                norm = k1 * (1 - b + b * (length / self.average_field_length[name]))
                scales[field_ref] = (norm, (k1 + 1) * self._fields[name].boost * self._documents[ref].get("boost", 1))
        return scales

    def field_vectors_as_lists(self) -> dict[str, list[float]]:
        """field ref -> [term number, weight, ...] sorted by term number (a serialised ``lunr.Vector``)."""
        if not self.document_count:
            return {}
        scales = self.field_scales()
        idf = {t: lunr_idf(p, self.document_count) for t, p in self.inverted_index.items()}
        number = {t: p["_index"] for t, p in self.inverted_index.items()}
        vectors: dict[str, list[float]] = {}
        for field_ref, frequencies in self.field_term_frequencies.items():
            if not frequencies:  # an empty field (lunr.py writes an empty vector too)
                vectors[field_ref] = []
                continue
            norm, scale = scales[field_ref]
            pairs = sorted([(number[t], weight(idf[t], tf, norm, scale)) for t, tf in frequencies.items()])
            vectors[field_ref] = [x for pair in pairs for x in pair]
        return vectors

    def serialise(self, terms: Sequence[str], vectors: Mapping[str, list[float]]) -> dict[str, Any]:
        """An index of ``terms`` as ``lunr.Index.toJSON`` writes it; vectors hold only those terms."""
        return {
            "version": __TARGET_JS_VERSION__,
            "fields": list(self._fields),
            "fieldVectors": [[ref, elements] for ref, elements in vectors.items()],
            "invertedIndex": [[t, self.inverted_index[t]] for t in sorted(terms, key=js_order)],
            "pipeline": self.search_pipeline.serialize(),
        }


def index_builder(projects: Sequence[ProjectView], jobs: int = 0) -> TermBuilder:
    """A builder holding every project's analysed, trimmed terms."""
    analysed = analyse_all(projects, jobs)
    builder = TermBuilder()
    for view, fields in zip(projects, analysed, strict=True):
        builder.add_terms(view.slug, fields)
    return builder


def build_index(projects: Sequence[ProjectView], jobs: int = 0) -> dict[str, Any]:
    """The serialised lunr index of ``projects`` (what ``search/index.json`` holds)."""
    builder = index_builder(projects, jobs)
    terms = builder.number_terms()
    return builder.serialise(terms, builder.field_vectors_as_lists())


def load_index(data: Mapping[str, Any] | str | bytes) -> Index:
    """A lunr.py ``Index`` from a serialised index, to query in Python."""
    return Index.load(json.loads(data) if isinstance(data, str | bytes) else dict(data))


def dumps(data: Any) -> bytes:
    """Deterministic compact JSON: sorted keys, no whitespace, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def search_files(projects: Sequence[ProjectView], jobs: int = 0) -> dict[str, bytes]:
    """The search index files: ``search/manifest.json`` and ``search/index.json`` (or its shards)."""
    with gc_paused():
        return _search_files(projects, jobs)


def _search_files(projects: Sequence[ProjectView], jobs: int) -> dict[str, bytes]:
    if len(projects) > SHARD_ABOVE:
        files, shards = search_shards.shard_files(index_builder(projects, jobs), jobs)
        manifest: dict[str, Any] = {"shards": shards, "keyLength": search_shards.KEY_LENGTH}
    else:
        content = dumps(build_index(projects, jobs))
        files = {INDEX_PATH: content}
        manifest = {"index": f"index.json?v={hashlib.sha256(content).hexdigest()[:12]}"}
    files[MANIFEST_PATH] = dumps({**manifest, "projects": len(projects), "version": 1})
    return files
