"""A large catalogue's index, cut by size into shards of contiguous term ranges.

The terms, in lunr.js sort order (JavaScript string order, :func:`js_order`), are cut into ranges of
about ``SHARD_BYTES`` of serialised JSON each (a single term larger than that gets a shard of its own);
the manifest lists each shard's first and last term, so search.js binary-searches the shards that hold
a word or a prefix's range (which may span two adjacent shards).

Every shard is a complete lunr index (``lunr.Index.load`` reads it) holding the terms of its range and,
from each field vector, only those terms' weights. A term's weights do not depend on the other terms
(idf comes from its own postings, lengths from whole fields), so a word searched in its shard scores
exactly as it would in one index of everything. A lunr score is the dot product of the query and
field vectors divided by the query vector's length; when a word's terms fall in several shards,
search.js adds the shards' dot products and divides by the whole query vector's length, which is the
one-index score again. search.js searches each word of a query on its own and adds the scores.

For typo tolerance the alphabetic terms are also listed by length and first letter, and by length and
last letter (``search/terms/<hash>/``, :func:`fuzzy_term_files`): search.js finds the terms within one
edit of a word there, then loads only the shards holding them.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

from lunr.idf import idf as lunr_idf

from site_builder.runtime.jsonio import json_bytes
from site_builder.runtime.parallel import parallel_map
from site_builder.search.builder import TermBuilder, js_order

SHARDS_DIR = "search/shards"
TERMS_DIR = "search/terms"
SHARD_BYTES = 120_000  # serialised JSON per shard (about 20-25 KiB gzipped)
FILLED = 0.8  # of SHARD_BYTES: a shard this full ends before the next anchor term (see cut_ranges)
ANCHOR_EVERY = 16  # about one term in this many is an anchor
MIN_FUZZY_TERM = 3  # shortest term listed for typo matching (a 5-letter word's stem, less one letter)
POSTING_BYTES = 14  # a posting's ',number,weight' pair in a field vector, at most
TERM_BYTES = 100  # a term's '["term",{"_index":N,"body":{},...}],' without the term and its postings
FILE_BYTES = 200  # what every shard holds besides its terms: fields, pipeline, version
H = TypeVar("H")  # how a field ref is known: its name, or a number


def term_bytes(builder: TermBuilder, term: str) -> int:
    """The bytes a term adds to a shard: its inverted-index entry and its field-vector pairs (not the
    field refs it brings in: :func:`cut_shards` counts those once per shard)."""
    posting = builder.inverted_index[term]
    refs = sum(len(ref.encode()) + 6 + POSTING_BYTES for name in builder._fields for ref in posting[name])
    return TERM_BYTES + len(term.encode()) + refs


def cut_shards(builder: TermBuilder, limit: int = 0) -> list[list[str]]:
    """The builder's terms in lunr.js order, cut into contiguous ranges of at most ``limit`` serialised bytes."""
    inverted = builder.inverted_index
    return cut_ranges(sorted(inverted, key=js_order), limit or SHARD_BYTES,
                      lambda term: {f"{name}/{ref}" for name in builder._fields for ref in inverted[term][name]},
                      lambda term: term_bytes(builder, term), lambda refs: sum(len(r.encode()) + 8 for r in refs))


def cut_ranges(terms: Sequence[str], limit: int, refs_of: Callable[[str], set[H]], term_cost: Callable[[str], int],
               refs_cost: Callable[[set[H]], int]) -> list[list[str]]:
    """``terms`` (in lunr.js order) cut into contiguous ranges of at most ``limit`` bytes: a term costs
    ``term_cost(term)`` plus ``refs_cost`` of the field refs (``refs_of(term)``) not yet in its shard.

    A term over the limit alone gets a shard of its own, and so do the terms that it begins after it
    ("fire", then "firefight", "fireman"...): a word's search loads the shards of the word and of its
    prefix range, and those of a very common word then hold nothing else.

    A shard ``FILLED`` full also ends before the next *anchor* term (:func:`is_anchor`, a property of
    the term alone), so where shards end depends on the terms near the end, not on everything before:
    a term added or grown in one shard moves the ends of that shard and at most the few after it up
    to the next anchor, and the others keep their terms (and their bytes, index.py's cache).
    """
    return [shard for shard, _ in cut_from(terms, 0, None, limit, refs_of, term_cost, refs_cost)[0]]


def cut_from(terms: Sequence[str], start: int, prefix: str | None, limit: int, refs_of: Callable[[str], set[H]],
             term_cost: Callable[[str], int], refs_cost: Callable[[set[H]], int],
             stop: Callable[[int, str | None], bool] | None = None) -> tuple[list[tuple[list[str], str | None]], int]:
    """:func:`cut_ranges` from ``terms[start]`` on, the first shard beginning with the huge term's
    ``prefix`` (``None``: none); each shard with the prefix it began with (so the cut can be taken up
    again at it: search/state.py). Before a shard that would begin at ``terms[i]`` with prefix ``p``
    where ``stop(i, p)``, it stops: the shards made, and where it stopped (``len(terms)`` at the end)."""
    filled = limit * FILLED
    shards: list[tuple[list[str], str | None]] = []
    current: list[str] = []
    size = FILE_BYTES
    seen: set[H] = set()  # field refs already in the current shard's field vectors
    begun = prefix  # the prefix the current shard began with
    for i in range(start, len(terms)):
        term = terms[i]
        refs = refs_of(term)
        base = term_cost(term)
        new_refs = refs - seen
        cost = base + refs_cost(new_refs)
        group_ends = prefix is not None and not term.startswith(prefix)
        if group_ends:
            prefix = None
        ends = size + cost > limit or group_ends or (size >= filled and is_anchor(term))
        if current and ends:  # a single term over the limit still gets a shard
            shards.append((current, begun))
            if stop is not None and stop(i, prefix):
                return shards, i
            current, size, seen, begun = [], FILE_BYTES, set(), prefix
            new_refs = refs
            cost = base + refs_cost(new_refs)
        current.append(term)
        size += cost
        seen |= new_refs
        if size > limit and len(current) == 1:  # a huge term: alone, and its prefix range after it
            shards.append((current, begun))
            current, size, seen, prefix = [], FILE_BYTES, set(), term
            begun = prefix
            if stop is not None and i + 1 < len(terms) and stop(i + 1, prefix):
                return shards, i + 1
    if current:
        shards.append((current, begun))
    return shards, len(terms)


def is_anchor(term: str) -> bool:
    """Whether a shard that is full enough ends before ``term`` (about one term in ``ANCHOR_EVERY``)."""
    return zlib.crc32(term.encode("utf-8", "surrogatepass")) % ANCHOR_EVERY == 0


def group_terms(builder: TermBuilder, shards: list[list[str]] | None = None) -> list[list[str]]:
    """Number the terms of each of ``shards`` (by default :func:`cut_shards`) from 0, most used first:
    each shard is an index of its own, and its numbers do not move when another shard gains a term.
    Each shard's terms, in number order."""
    shards = cut_shards(builder) if shards is None else shards
    shard_of = {term: i for i, terms in enumerate(shards) for term in terms}
    grouped: list[list[str]] = [[] for _ in shards]
    for term in builder.number_terms(group=shard_of.__getitem__):
        grouped[shard_of[term]].append(term)
    for terms in grouped:
        for number, term in enumerate(terms):
            builder.inverted_index[term]["_index"] = number
    return grouped


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

    The weights are builder.weight's, inlined: this loop runs once per posting.
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


def fork_map(func: Callable[[int], bytes], items: Sequence[int], jobs: int = 0) -> list[bytes]:
    """``[func(i) for i in items]`` on ``jobs`` forked workers, a worker even for a few items (shards are
    few and large). Through parallel_map: its workers ignore the stop signals and die with the build;
    a multiprocessing.Pool here once hung serve's first build."""
    return parallel_map(func, items, jobs, per_worker=1)


def _build_shard(number: int) -> bytes:
    return json_bytes(shard_index(_state["builder"], _state["terms"][number], _state["rows"]))


def fuzzy_term_files(terms: Iterable[str]) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The term lists for typo matching: every term of letters only, ``MIN_FUZZY_TERM`` letters or more,
    listed by length and first letter, and again by length and last letter, each list in lunr.js order.

    A term one edit from a word of 3 letters or more begins or ends with the word's letter (an edit
    at the start keeps the end, any other keeps the start), so search.js loads only the lists of the
    word's first and last letters, for its length and the lengths one away: about a tenth of the terms
    of those lengths. Returns the files and the manifest's entry for them, ``{"dir": folder under
    search/, "first": {length: the first letters listed, in order}, "last": {length: last letters}}``;
    a list's file is ``<dir><length>-<first|last>-<the letter's code point>.json``.
    """
    return fuzzy_files(fuzzy_lists(terms))


FuzzyKey = tuple[int, str, str]  # a term list's length, end ("first" or "last") and letter


def fuzzy_lists(terms: Iterable[str]) -> dict[FuzzyKey, bytes]:
    """The content of each term list of :func:`fuzzy_term_files`, by its key, in key order."""
    lists: dict[FuzzyKey, list[str]] = {}
    for term in terms:
        if fuzzy_listed(term):
            lists.setdefault((len(term), "first", term[0]), []).append(term)
            lists.setdefault((len(term), "last", term[-1]), []).append(term)
    return {key: json_bytes(sorted(found, key=js_order)) for key, found in sorted(lists.items())}


def fuzzy_listed(term: str) -> bool:
    """Whether ``term`` is in the term lists (in two of them: by its first letter and by its last)."""
    return len(term) >= MIN_FUZZY_TERM and term.isalpha()


def fuzzy_files(contents: Mapping[FuzzyKey, bytes]) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The files of the term lists ``contents`` (in key order) and the manifest's entry for them (:func:`fuzzy_term_files`)."""
    digest = hashlib.sha256()
    for (length, end, letter), content in contents.items():
        digest.update(f"{length}-{end}-{ord(letter)}\0".encode() + hashlib.sha256(content).digest())
    folder = f"{TERMS_DIR.removeprefix('search/')}/{digest.hexdigest()[:12]}/"
    files = {f"search/{folder}{length}-{end}-{ord(letter)}.json": content for (length, end, letter), content in contents.items()}
    letters: dict[str, dict[str, list[str]]] = {"first": {}, "last": {}}
    for length, end, letter in contents:
        letters[end].setdefault(str(length), []).append(letter)
    return files, {"dir": folder, **{end: {n: "".join(sorted(found, key=js_order)) for n, found in by_length.items()}
                                     for end, by_length in letters.items()}}


def shard_files(builder: TermBuilder, jobs: int = 0, shards: list[list[str]] | None = None) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The shard and term-list files (site path -> content) and the manifest's entries for them:
    ``{"shards": [[first term, last term, path under search/], ...], "terms": {length: path}}``.

    Each worker builds, serialises and encodes whole shards, reading the builder it was forked with.
    """
    terms = group_terms(builder, shards)
    numbers = sorted(range(len(terms)), key=lambda i: -len(terms[i]))  # largest first: the workers finish together
    _state.update(builder=builder, terms=terms, rows=field_rows(builder))
    try:
        contents = dict(zip(numbers, fork_map(_build_shard, numbers, jobs), strict=True))
    finally:
        _state.clear()
    return listed(terms, [contents[i] for i in range(len(terms))], builder.inverted_index)


def listed(terms: list[list[str]], contents: list[bytes], every: Mapping[str, Any]) -> tuple[dict[str, bytes], dict[str, Any]]:
    """The files of the shards (each shard's terms and content) and of the term lists of ``every`` term,
    and the manifest's entries for them."""
    return listed_with(terms, contents, fuzzy_lists(every))


def listed_with(terms: list[list[str]], contents: list[bytes], lists: Mapping[FuzzyKey, bytes],
                digests: Sequence[bytes] | None = None) -> tuple[dict[str, bytes], dict[str, Any]]:
    """:func:`listed` given the term lists' contents (:func:`fuzzy_lists`), and perhaps the sha256 of each
    content (else they are hashed here). The files are the term lists', in key order, then the shards'."""
    files, term_lists = fuzzy_files(lists)
    digest = hashlib.sha256()
    for one in digests if digests is not None else (hashlib.sha256(content).digest() for content in contents):
        digest.update(one)
    folder = f"{SHARDS_DIR}/{digest.hexdigest()[:12]}"  # one name for them all: short in the manifest
    ranges: list[list[str]] = []
    for number, (shard_terms, content) in enumerate(zip(terms, contents, strict=True)):
        path = f"{folder}/{number}.json"
        files[path] = content
        ordered = sorted(shard_terms, key=js_order)
        ranges.append([ordered[0], ordered[-1], path.removeprefix("search/")])
    return files, {"shards": ranges, "terms": term_lists}
