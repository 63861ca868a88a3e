"""Each project's search terms: its fields split and stemmed, its body trimmed; remembered in ``.cache/``.

The analysis of a project (search/text splitting and stemming, term counts per field) depends only on
that project's indexed text, so it is kept in a :class:`MemoStore` under a digest of that text
(:func:`text_key`) and a rebuild analyses only the projects whose text changed. A body is kept whole
there, in a compact form (its terms in one string, their counts in an array), since trimming it
(:func:`trimmed`) depends on the whole catalogue too: trimmed bodies are kept under the digest of the
text and of the trim (:func:`trim_key`, the sample's document frequencies), and are made again, from
the whole bodies kept, when any sampled body changes. The store's version (:func:`code_version`)
covers the code that makes these values and lunr's stop words.
"""

from __future__ import annotations

import hashlib
import math
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from site_builder.runtime.parallel import parallel_map
from site_builder.search.builder import FieldTerms
from site_builder.text.memo_store import MemoStore, source_version
from site_builder.text.words import html_text, term_counts
from site_builder.views.project import ProjectView

BODY_POSTINGS_BUDGET = 60_000  # body term-project pairs in the whole index
MIN_BODY_TERMS = 40  # kept per project, however large the catalogue
IDF_SAMPLE = 500  # bodies sampled to weigh terms for trimming
# the code whose output the caches keep (search/ makes the terms, weights and files; text/ splits and stems)
CODE = ("search/analysis.py", "search/builder.py", "search/index.py", "search/postings.py", "search/shards.py", "search/state.py",
        "text/words.py",
        "text/stemmer.py", "runtime/jsonio.py")

Analysed = dict[str, FieldTerms]  # field name -> terms, for one project
Whole = tuple[dict[str, FieldTerms], str, bytes, int]  # the fields but body; the body's terms, counts, length
Kept = tuple[str, FieldTerms, str]  # a trimmed body as the cache keeps it: the trim's key, the body, body_digest
TRIM_ENTRY = "trim"  # the cache's entry for the trim the last build made: (its key, the BodyTrim)


def code_version() -> str:
    """A digest of the code that analyses, weighs and writes the index, and of the libraries it uses."""
    return source_version("search-cache-1", CODE, ("lunr",))


def field_sources(view: ProjectView) -> dict[str, list[str]]:
    """The text each indexed field is made from (the body as HTML, then its benefits and lessons)."""
    return {
        "title": [view.title],
        "summary": [view.summary],
        "orgs": [ref.label for ref in (view.lead, *view.partners)],
        "labels": [ref.label for ref in (*view.themes, *view.services, *view.regions)],
        "factors": [ref.label for ref in (*view.enablers, *view.barriers)],
        "body": [str(view.body_html), *view.benefits, *view.lessons],
    }


def fields_text(sources: Mapping[str, list[str]]) -> dict[str, str]:
    """The text of each indexed field, from :func:`field_sources`."""
    texts = {name: "\n".join(parts) for name, parts in sources.items() if name != "body"}
    body = sources["body"]
    texts["body"] = "\n".join([html_text(body[0]), *body[1:]])
    return texts


def project_fields(view: ProjectView) -> dict[str, str]:
    """The text of each indexed field of one project."""
    return fields_text(field_sources(view))


def text_key(sources: Mapping[str, list[str]]) -> str:
    """A digest of everything :func:`fields_text` reads: the key of a project's analysis. The parts are
    joined after a list of how many there are in each field and how long each is, so no two differ
    in their parts and agree in their key."""
    parts = [part for field in sources.values() for part in field]
    head = repr([len(field) for field in sources.values()] + [len(part) for part in parts])
    digest = hashlib.sha256(head.encode())  # sha256: twice as fast as blake2b where the CPU has SHA instructions
    digest.update(("\0" + "\0".join(parts)).encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:40]


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


def trim_from(bodies: Iterable[Iterable[str]], keep: int) -> tuple[BodyTrim, str]:
    """The trim weighed by the terms of the sampled ``bodies``, and its key (a digest of what it depends on).

    The weights keep 2 significant figures: a body added to or changed in the sample moves the weight
    of a common term by much less than that, so only the bodies holding its rarer terms trim otherwise
    (analyse_and_trim trims only those again).
    """
    df: Counter[str] = Counter()
    n = 0
    for terms in bodies:
        df.update(terms)
        n += 1
    return trim_of(df, n, keep)


def trim_of(df: Mapping[str, int], n: int, keep: int) -> tuple[BodyTrim, str]:
    """:func:`trim_from` given the sample's document frequencies ``df`` (none 0) and size ``n``."""
    idf = {t: float(f"{math.log(1 + (n - d + 0.5) / (d + 0.5)):.2g}") for t, d in df.items()}
    key = hashlib.blake2b(repr((keep, n, sorted(df.items()))).encode(), digest_size=20).hexdigest()
    return BodyTrim(keep, idf, float(f"{math.log(1 + (n + 0.5) / 0.5):.2g}")), key


def sample(count: int) -> range:
    """The positions of the bodies sampled to weigh terms: every project, or (over ``IDF_SAMPLE``) an even sample.

    A sample of a few hundred bodies ranks common words as well as all of them do, and every word it
    lacks is rare; computing it first lets each worker trim its bodies before sending them back.
    """
    return range(0, count, max(1, -(-count // IDF_SAMPLE)))


def trimmed(body: FieldTerms, trim: BodyTrim) -> FieldTerms:
    """``body`` with only its ``trim.keep`` terms of highest tf-idf (ties keep text order)."""
    if len(body.counts) <= trim.keep:
        return body
    idf, rare = trim.idf, trim.rare
    weight = {term: -tf * idf.get(term, rare) for term, tf in body.counts.items()}
    kept = sorted(weight, key=weight.__getitem__)[:trim.keep]
    return FieldTerms({term: body.counts[term] for term in kept}, body.length)


def packed(fields: Analysed) -> Whole:
    """A project's analysis as the cache keeps it: the body's terms as one string, their counts as an array."""
    body = fields["body"]
    rest = {name: terms for name, terms in fields.items() if name != "body"}
    return rest, " ".join(body.counts), array("I", body.counts.values()).tobytes(), body.length


def remember(store: MemoStore, key: str, fields: Analysed) -> None:
    """Keep the analysis ``fields`` of the text of ``key`` (its body whole) in ``store``, as analyse_and_trim does."""
    store.put(f"a:{key}", packed(fields))


def unpacked(whole: Whole) -> Analysed:
    rest, terms, counts, length = whole
    body = FieldTerms(dict(zip(terms.split(" "), array("I", counts), strict=True)) if terms else {}, length)
    return {**rest, "body": body}


def body_terms(whole: Whole) -> list[str]:
    return whole[1].split(" ") if whole[1] else []


_state: dict[str, Any] = {}


def _analyse_one(index: int) -> tuple[Whole | None, FieldTerms]:
    """One project's analysis (``None`` if it was cached) and its trimmed body."""
    cached = _state["wholes"][index]
    fields = analyse(fields_text(_state["sources"][index])) if cached is None else unpacked(cached)
    return (packed(fields) if cached is None else None), trimmed(fields["body"], _state["trim"])


def analyse_all(sources: Sequence[Mapping[str, list[str]]], jobs: int = 0, store: MemoStore | None = None,
                keys: Sequence[str] = ()) -> list[Analysed]:
    """Every project's analysed fields (from its :func:`field_sources`), bodies trimmed: from ``store``
    where it has them under their ``keys`` (:func:`text_key`), the rest on all cores."""
    return analyse_and_trim(sources, jobs, store, keys)[0]


class Trimmed(NamedTuple):
    """What :func:`analyse_and_trim` makes."""

    analysed: list[Analysed]  # every project's fields, bodies trimmed
    digests: list[str]  # with a store, each trimmed body's body_digest (else "")
    sampled: list[list[str]]  # the terms of each body sampled to weigh terms (sample()), whole
    trim: BodyTrim
    trim_id: str


def analyse_and_trim(sources: Sequence[Mapping[str, list[str]]], jobs: int = 0, store: MemoStore | None = None,
                     keys: Sequence[str] = ()) -> Trimmed:
    """:func:`analyse_all`, and with ``store`` a digest of each trimmed body (:func:`body_digest`; else "").

    A trimmed body is kept under its text's key with the key of the trim it was made with. A change
    to a sampled body changes the trim (the sample's document frequencies), but a body none of whose
    terms changed weight trims as it did, so with the last build's trim kept too (``TRIM_ENTRY``) only
    the bodies holding a term whose weight moved are trimmed again.
    """
    count = len(sources)
    if store is not None and len(keys) != count:
        keys = [text_key(s) for s in sources]
    wholes: list[Whole | None] = [store.get(f"a:{k}") for k in keys] if store is not None else [None] * count
    sampled = [body_terms(w) if w is not None else list(term_counts(fields_text(sources[i])["body"])[0])
               for i in sample(count) for w in [wholes[i]]]
    trim, trim_id = trim_from(sampled, body_terms_per_project(count))
    kept: list[Kept | None] = [store.get(f"b:{k}") for k in keys] if store is not None else [None] * count
    last = store.get(TRIM_ENTRY) if store is not None else None
    last_id, moved = (last[0], moved_terms(last[1], trim)) if isinstance(last, tuple) and len(last) == 2 else (None, None)
    bodies: list[FieldTerms | None] = [None] * count
    digests: list[str] = [""] * count
    for i, (whole, found) in enumerate(zip(wholes, kept, strict=True)):
        if whole is None or not isinstance(found, tuple) or len(found) != 3:
            continue
        made_with, body, digest = found
        if made_with == trim_id or (moved is not None and made_with == last_id and moved.isdisjoint(body_terms(whole))):
            bodies[i], digests[i] = body, digest
            if made_with != trim_id and store is not None:
                store.put(f"b:{keys[i]}", (trim_id, body, digest))
    todo = [i for i, (w, b) in enumerate(zip(wholes, bodies, strict=True)) if w is None or b is None]
    _state.update(sources=sources, wholes=wholes, trim=trim)
    try:
        done = parallel_map(_analyse_one, todo, jobs)
    finally:
        _state.clear()
    for i, (made, trimmed_body) in zip(todo, done, strict=True):
        if made is not None:
            wholes[i] = made
            if store is not None:
                store.put(f"a:{keys[i]}", made)  # as remember() does
        bodies[i] = trimmed_body
        if store is not None:
            digests[i] = body_digest(trimmed_body)
            store.put(f"b:{keys[i]}", (trim_id, trimmed_body, digests[i]))
    if store is not None and (last_id is None or last_id != trim_id):
        store.put(TRIM_ENTRY, (trim_id, trim))
    analysed = []
    for whole, final in zip(wholes, bodies, strict=True):
        assert whole is not None and final is not None
        analysed.append({**whole[0], "body": final})
    return Trimmed(analysed, digests, sampled, trim, trim_id)


def analyse_changed(source: Mapping[str, list[str]], trim: BodyTrim) -> tuple[Analysed, list[str]]:
    """One project's analysed fields from its :func:`field_sources`, its body trimmed by ``trim``; and its
    whole body's terms (as the sample of :func:`analyse_and_trim` holds them)."""
    fields = analyse(fields_text(source))
    return {**fields, "body": trimmed(fields["body"], trim)}, list(fields["body"].counts)


def moved_terms(last: Any, trim: BodyTrim) -> set[str] | None:
    """The terms that ``trim`` weighs otherwise than ``last`` did (``None``: any might, as the number kept
    or the weight of a term outside the sample differs)."""
    if not isinstance(last, BodyTrim) or (last.keep, last.rare) != (trim.keep, trim.rare):
        return None
    old, new = last.idf, trim.idf
    return {t for t in old.keys() | new.keys() if old.get(t, last.rare) != new.get(t, trim.rare)}


def body_digest(body: FieldTerms) -> str:
    """A digest of a trimmed body's terms, their counts (in order) and its length."""
    text = f"{body.length}\0" + " ".join(body.counts) + "\0" + ",".join(map(str, body.counts.values()))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
