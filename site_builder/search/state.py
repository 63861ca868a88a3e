"""What a sharded index keeps between builds, so that an edit to a few projects makes its files again
without going over every project.

The state (:class:`State`) holds what the files were made from: each project's text key and analysed,
trimmed fields (a :data:`Record`, 64 projects to a chunk), every term's postings (field ref ids,
``field number * projects + ref``) with their counts (a piece for each shard), the trim and the sample
it was weighed with, the cut (each shard's terms and the prefix it began with, shards.cut_from) and
the digest of each shard's and term list's content. search/index.py keeps it in
``.cache/search-files.pickle``, pickled as one ``bytes`` value beside the chunks, pieces and contents
(entries ``c:<sha256>``: one that did not change is not written again), under a version that covers
this code.

:func:`changes` finds the projects whose text key changed and analyses only those (or, when their
change moves the weight of a term that trims bodies, takes every project's analysis from the analysis
cache, analysis.py); :func:`updated` changes the postings of the field refs whose terms changed. The
cut is taken up again from the shard before the first term that a field ref gained or lost, and given
up for the old one as soon as a shard begins where an old one began, with the same prefix (from there
the terms and their costs are the old ones until the next such term). A shard whose terms or
postings changed is made again; one that holds only the same terms, some of whose weights changed,
is weighed again in place (Postings.repriced); the others, and the term lists that gain or lose no
term, are kept. Anything it cannot do this way (another number of projects, another average field
length, many changes) it leaves to the whole build (``None``); the tests check that the two make the
same bytes.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from array import array
from bisect import bisect_left, bisect_right, insort
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import NamedTuple

from site_builder.runtime.jsonio import json_bytes
from site_builder.search import analysis
from site_builder.search import shards as search_shards
from site_builder.search.builder import FIELDS, FieldTerms, average_length, js_order
from site_builder.search.postings import Postings, made_shards
from site_builder.text.memo_store import MemoStore

STATE_ENTRY = "state"
SHARD_ABOVE = 4  # index.SHARD_ABOVE (index.py imports this module)
CHUNK = 64  # projects' records pickled together: an edit pickles one chunk again, not every record
MAX_CHANGED = (10, 0.2)  # projects, and share of them: more changed than both, and the whole index is built again
Part = tuple[str, bytes, int]  # one field of a project: its terms joined by " ", their counts (array "I"), its length
Record = tuple[Part, ...]  # a project's fields, in FIELDS order
Chunk = tuple[str, bytes]  # pickled values, and their sha256 (hex): the name of their entry in the store


class State(NamedTuple):
    projects: int
    keys: list[str]  # each project's analysis.text_key
    records: list[Chunk]  # each project's analysed fields, its body trimmed (a Record), CHUNK projects pickled together
    lengths: bytes  # the length of each field ref, in id order (array "I")
    sampled: list[str]  # the whole body's terms of each project of analysis.sample, joined by " "
    df: dict[str, int]  # their document frequencies (what weighs the trim)
    trim: analysis.BodyTrim
    trim_id: str
    pieces: list[Chunk]  # for each shard: its terms' postings, pickled (see Pieces)
    averages: list[float]  # each field's average length (Postings.averages)
    shards: list[list[str]]  # the cut: each shard's terms in lunr.js order
    begun: list[str | None]  # the prefix each shard began with (shards.cut_from)
    contents: list[str]  # the sha256 of each shard's content (hex)
    lists: dict[search_shards.FuzzyKey, str]  # the sha256 of each term list's content, in key order


TRIM, RECORDS, PIECES = State._fields.index("trim"), State._fields.index("records"), State._fields.index("pieces")


class Pieces:
    """Every term's postings, from a state's pieces: one for each shard, a dict of its terms' field ref
    ids (in order) and their counts in them (each an array "I"), unpickled as they are read."""

    def __init__(self, shards: list[list[str]], pieces: list[Chunk]) -> None:
        self.firsts = [js_order(shard[0]) for shard in shards]
        self.pieces = pieces
        self._open: dict[int, dict[str, tuple[bytes, bytes]]] = {}

    def get(self, term: str) -> tuple[bytes, bytes] | None:
        n = bisect_right(self.firsts, js_order(term)) - 1
        if n < 0:
            return None
        piece = self._open.get(n)
        if piece is None:
            piece = self._open[n] = pickle.loads(self.pieces[n][1])
        return piece.get(term)


def piece(postings: Mapping[str, tuple[Sequence[int], Sequence[int]]], terms: Iterable[str]) -> bytes:
    return pickle.dumps({term: (array("I", fids).tobytes(), array("I", counts).tobytes())
                         for term in terms for fids, counts in [postings[term]]}, protocol=pickle.HIGHEST_PROTOCOL)


class Records:
    """A state's records, unpickled a chunk at a time as they are read or changed."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = list(chunks)
        self._open: dict[int, list[Record]] = {}

    def __getitem__(self, i: int) -> Record:
        return self._chunk(i // CHUNK)[i % CHUNK]

    def __setitem__(self, i: int, record: Record) -> None:
        self._chunk(i // CHUNK)[i % CHUNK] = record

    def _chunk(self, c: int) -> list[Record]:
        found = self._open.get(c)
        if found is None:
            found = self._open[c] = list(pickle.loads(self.chunks[c][1]))
        return found

    def dumped(self) -> list[Chunk]:
        """The chunks, those read pickled again (so, as they were if unchanged)."""
        for c, records in self._open.items():
            self.chunks[c] = chunk(chunked(records))
        self._open.clear()
        return self.chunks


def chunk(data: bytes) -> Chunk:
    return hashlib.sha256(data).hexdigest(), data


def chunked(records: Sequence[Record]) -> bytes:
    return pickle.dumps(tuple(records), protocol=pickle.HIGHEST_PROTOCOL)


class Made(NamedTuple):
    """Files made from a state: the shards' terms (in number order) and contents, the term lists'
    contents, and the new state."""

    terms: list[list[str]]
    contents: list[bytes]
    lists: dict[search_shards.FuzzyKey, bytes]
    state: State | None  # None: not kept


def record_of(fields: Mapping[str, FieldTerms]) -> Record:
    return tuple((" ".join(terms.counts), array("I", terms.counts.values()).tobytes(), terms.length)
                 for terms in (fields[name] for name in FIELDS))


def counts_of(part: Part) -> dict[str, int]:
    terms, counts, _ = part
    return dict(zip(terms.split(" "), array("I", counts), strict=True)) if terms else {}


def entry(digest: str) -> str:
    """The store's entry for a content of this sha256."""
    return f"c:{digest}"


def dumped(state: State) -> tuple[bytes, dict[str, bytes]]:
    """The state as the store keeps it: plain values, pickled once (the store's file then holds one bytes
    object, fast to load, and a stale state in it is never unpickled), its records' chunks by the name of
    their entries (so a chunk that did not change stays where it is in the store's file)."""
    fields: list[object] = list(state)
    fields[TRIM] = tuple(state.trim)
    entries: dict[str, bytes] = {}
    for at, chunks in ((RECORDS, state.records), (PIECES, state.pieces)):
        entries.update({entry(name): data for name, data in chunks})
        fields[at] = [name for name, _ in chunks]
    return pickle.dumps(tuple(fields), protocol=pickle.HIGHEST_PROTOCOL), entries


def loaded(store: MemoStore) -> State | None:
    """The state kept in ``store``, or ``None`` (none, not of this shape, or a chunk of its records missing)."""
    value = store.get(STATE_ENTRY)
    if not isinstance(value, bytes):
        return None
    try:
        fields = list(pickle.loads(value))  # the store is authenticated: only this tool, with this user's key, wrote it
        fields[TRIM] = analysis.BodyTrim(*fields[TRIM])
        for at in (RECORDS, PIECES):
            fields[at] = [(name, store.get(entry(name))) for name in fields[at]]
        state = State(*fields)
    except Exception:
        return None
    ok = (isinstance(state.projects, int) and len(state.keys) == state.projects and len(state.records) == -(-state.projects // CHUNK)
          and all(isinstance(data, bytes) for _, data in (*state.records, *state.pieces))
          and len(state.lengths) == 4 * len(FIELDS) * state.projects
          and len(state.shards) == len(state.begun) == len(state.contents) == len(state.pieces))
    return state if ok else None


def made_state(count: int, keys: Sequence[str], trimmed: analysis.Trimmed, postings: Postings,
               cut: list[tuple[list[str], str | None]], contents: Sequence[bytes],
               lists: Mapping[search_shards.FuzzyKey, bytes]) -> State:
    """The state of an index made whole (``postings`` made ``with_counts``)."""
    both = {term: (fids, postings.counts[term]) for term, fids in postings.postings.items()}
    df: dict[str, int] = {}
    for terms in trimmed.sampled:
        for term in terms:
            df[term] = df.get(term, 0) + 1
    records = [record_of(fields) for fields in trimmed.analysed]
    return State(
        count, list(keys), [chunk(chunked(records[c:c + CHUNK])) for c in range(0, count, CHUNK)],
        array("I", postings.lengths).tobytes(), [" ".join(terms) for terms in trimmed.sampled], df, trimmed.trim, trimmed.trim_id,
        [chunk(piece(both, shard)) for shard, _ in cut], postings.averages(), [shard for shard, _ in cut], [begun for _, begun in cut],
        [hashlib.sha256(content).hexdigest() for content in contents],
        {key: hashlib.sha256(content).hexdigest() for key, content in lists.items()})


class Changes(NamedTuple):
    records: dict[int, Record]  # the projects whose analysed fields changed
    sampled: list[str]
    df: dict[str, int]
    trim: analysis.BodyTrim
    trim_id: str


def changes(state: State, sources: Sequence[Mapping[str, list[str]]], keys: Sequence[str], jobs: int,
            open_store: Callable[[], MemoStore | None]) -> Changes | None:
    """The new records of the projects whose text changed. Only those are analysed, unless their change
    moves the weight of a term that trims bodies: then every project's analysis is taken from (or made
    and kept in) the store ``open_store`` opens (analysis.analyse_and_trim). ``None``: too many changed."""
    count = state.projects
    changed = [i for i in range(count) if keys[i] != state.keys[i]]
    if too_many(len(changed), count):
        return None
    positions = analysis.sample(count)
    sampled, df = list(state.sampled), dict(state.df)
    wholes: dict[int, dict[str, FieldTerms]] = {}
    for i in changed:
        fields = wholes[i] = analysis.analyse(analysis.fields_text(sources[i]))
        if i in positions:
            j = positions.index(i)
            for term in sampled[j].split(" ") if sampled[j] else ():
                df[term] -= 1
                if not df[term]:
                    del df[term]
            for term in fields["body"].counts:
                df[term] = df.get(term, 0) + 1
            sampled[j] = " ".join(fields["body"].counts)
    trim, trim_id = state.trim, state.trim_id
    if sampled != state.sampled:
        trim, trim_id = analysis.trim_of(df, len(positions), analysis.body_terms_per_project(count))
    if analysis.moved_terms(state.trim, trim) == set():  # every other body trims as it did
        old = Records(state.records)
        records = {i: record_of({**fields, "body": analysis.trimmed(fields["body"], trim)}) for i, fields in wholes.items()}
        return Changes({i: r for i, r in records.items() if r != old[i]}, sampled, df, trim, trim_id)
    store = open_store()
    if store is not None:
        for i, fields in wholes.items():  # analysed already
            analysis.remember(store, keys[i], fields)
    made = analysis.analyse_and_trim(sources, jobs, store, keys)
    if store is not None and store.changed():
        store.save()
    old = Records(state.records)
    records = {i: record for i, fields in enumerate(made.analysed) for record in [record_of(fields)] if record != old[i]}
    if too_many(len(records), count):
        return None
    df = {}
    for terms in made.sampled:
        for term in terms:
            df[term] = df.get(term, 0) + 1
    return Changes(records, [" ".join(terms) for terms in made.sampled], df, made.trim, made.trim_id)


def too_many(changed: int, count: int) -> bool:
    return changed > max(MAX_CHANGED[0], MAX_CHANGED[1] * count)


class Lists(dict[str, tuple[list[int], list[int]]]):
    """Each term's postings as lists, its field ref ids and its counts in them, read from a state's
    pieces when first looked up (a term without postings: two empty lists); changed in place."""

    def __init__(self, pieces: Pieces) -> None:
        super().__init__()
        self.pieces = pieces

    def __missing__(self, term: str) -> tuple[list[int], list[int]]:
        packed = self.pieces.get(term)
        found = self[term] = (array("I", packed[0]).tolist(), array("I", packed[1]).tolist()) if packed else ([], [])
        return found


class Ids(dict[str, list[int]]):
    """The field ref ids of each term's :class:`Lists` (what :class:`Postings` holds)."""

    def __init__(self, lists: Lists) -> None:
        super().__init__()
        self.lists = lists

    def __missing__(self, term: str) -> list[int]:
        fids = self[term] = self.lists[term][0]
        return fids


class Changed(NamedTuple):
    counts: dict[int, dict[str, int]]  # the field refs changed, by id: their term counts now
    touched: set[str]  # their terms, then and now: their weights may change
    moved: set[str]  # the terms that a field ref gained or lost: their place in the cut may change


def changed_postings(records: Records, lists: Lists, lengths: array[int], count: int, change: Changes) -> Changed:
    """Put the records of ``change`` in ``records``, their field refs' lengths in ``lengths`` and their
    postings in ``lists``; what changed."""
    out = Changed({}, set(), set())
    for i, record in change.records.items():
        old = records[i]
        records[i] = record
        for f, (then, now_part) in enumerate(zip(old, record, strict=True)):
            if then == now_part:
                continue
            fid = f * count + i
            was, now = counts_of(then), counts_of(now_part)
            out.counts[fid] = now
            lengths[fid] = now_part[2]
            out.touched.update(was, now)
            for term in was.keys() | now.keys():
                fids, counts = lists[term]
                at = bisect_left(fids, fid)
                if term not in now:
                    del fids[at], counts[at]
                    out.moved.add(term)
                elif term not in was:
                    fids.insert(at, fid)
                    counts.insert(at, now[term])
                    out.moved.add(term)
                else:
                    counts[at] = now[term]
    return out


def updated(state: State, keys: Sequence[str], change: Changes, store: MemoStore, jobs: int = 0) -> Made | None:
    """The files of the index after ``change``, and its state; ``None`` if it must be built whole."""
    count = state.projects
    pieces = Pieces(state.shards, state.pieces)
    lists, records, lengths = Lists(pieces), Records(state.records), array("I", state.lengths)
    changed = changed_postings(records, lists, lengths, count, change)
    field_lengths = lengths.tolist()
    averages = [average_length(sum(field_lengths[f * count:(f + 1) * count]), count) for f in range(len(FIELDS))]
    if averages != state.averages:
        return None  # every weight may change
    gone = {term for term in changed.moved if not lists[term][0]}
    new = {term for term in changed.moved if pieces.get(term) is None}
    terms = [term for shard in state.shards for term in shard if term not in gone]
    for term in sorted(new, key=js_order):
        insort(terms, term, key=js_order)
    empty: dict[str, int] = {}
    frequencies = [empty] * (len(FIELDS) * count)  # filled below for the shards made again
    made = Postings.of(count, Ids(lists), frequencies, field_lengths)
    cut = recut(list(zip(state.shards, state.begun, strict=True)), terms, changed.moved, made)
    if len(cut) <= SHARD_ABOVE:  # one index.json instead
        return None
    kept = {tuple(shard): n for n, shard in enumerate(state.shards)}
    again = {n for n, (shard, _) in enumerate(cut) if tuple(shard) not in kept or not changed.moved.isdisjoint(shard)}
    repriced = {n for n, (shard, _) in enumerate(cut) if n not in again and not changed.touched.isdisjoint(shard)}
    numbered, number = made.numbered([shard if n in again or n in repriced else [] for n, (shard, _) in enumerate(cut)])
    for n in again:
        for term in cut[n][0]:
            for fid, tf in zip(*lists[term], strict=True):
                row = frequencies[fid]
                if row is empty:
                    row = frequencies[fid] = {}
                row[term] = tf
    fresh = made_shards(made, numbered, number, again, jobs, few=len(again) * 4 < len(cut))
    uses = {term: len(lists[term][0]) for n in repriced for term in cut[n][0]}
    contents: list[bytes] = []
    digests: list[str] = []
    for n, (shard, _) in enumerate(cut):
        content = fresh.get(n)
        if content is None:  # the same terms and postings as a shard before: only some weights may change
            found = store.get(entry(state.contents[kept[tuple(shard)]]))
            content = made.repriced(found, numbered[n], number, changed.counts, uses) if n in repriced and isinstance(found, bytes) else found
            if not isinstance(content, bytes):
                return None
        digests.append(state.contents[kept[tuple(shard)]] if n not in fresh and n not in repriced else hashlib.sha256(content).hexdigest())
        contents.append(content)
    relist = relisted(state.lists, gone, new, store)
    if relist is None:
        return None
    return Made([shard for shard, _ in cut], contents, relist[0], State(
        count, list(keys), records.dumped(), lengths.tobytes(), change.sampled, change.df, change.trim, change.trim_id,
        [state.pieces[kept[tuple(shard)]] if tuple(shard) in kept and changed.touched.isdisjoint(shard) else chunk(piece(lists, shard))
         for shard, _ in cut], averages, [shard for shard, _ in cut], [begun for _, begun in cut], digests, relist[1]))


def recut(old: list[tuple[list[str], str | None]], terms: list[str], moved: set[str],
          postings: Postings) -> list[tuple[list[str], str | None]]:
    """The cut (Postings.cut_from) of ``terms`` (every term, in lunr.js order), given the ``old`` cut of
    terms of which only the ``moved`` ones (those now listed whose field refs changed, and those gone)
    cost otherwise."""
    if not moved:
        return old
    firsts = [js_order(shard[0]) for shard, _ in old]  # in order
    starts = {shard[0]: (j, begun) for j, (shard, begun) in enumerate(old)}
    pending = sorted(js_order(term) for term in moved)
    cut: list[tuple[list[str], str | None]] = []
    j = 0  # the old shard to take up next
    at = 0  # where it begins in terms
    p = 0  # the next moved term
    while j < len(old):
        if p == len(pending):
            cut.extend(old[j:])
            break
        k = bisect_right(firsts, pending[p]) - 1  # the last old shard beginning at or before it
        again = max(k - 1, j)  # the shard before it too: where it ends depends on its first term
        cut.extend(old[j:again])
        shard, begun = old[again]
        start = at if again == j else bisect_left(terms, js_order(shard[0]), key=js_order)
        trigger = pending[p]
        resumed: list[int] = []

        def stop(i: int, prefix: str | None, trigger: bytes = trigger, resumed: list[int] = resumed) -> bool:
            term = terms[i]
            found = starts.get(term)
            if found is None or found[1] != prefix or js_order(term) <= trigger:
                return False
            resumed.append(found[0])
            return True

        made, at = postings.cut_from(terms, start, begun, 0, stop)
        cut.extend(made)
        if not resumed:
            break
        j = resumed[0]
        p = bisect_left(pending, js_order(terms[at]))
    return cut


def relisted(lists: Mapping[search_shards.FuzzyKey, str], gone: Iterable[str], new: Iterable[str], store: MemoStore,
             ) -> tuple[dict[search_shards.FuzzyKey, bytes], dict[search_shards.FuzzyKey, str]] | None:
    """The term lists' contents (shards.fuzzy_lists) and their digests, those the ``gone`` and ``new``
    terms change made again; ``None`` if the store lacks one."""
    changed: dict[search_shards.FuzzyKey, tuple[set[str], set[str]]] = {}
    for terms, side in ((gone, 0), (new, 1)):
        for term in terms:
            if search_shards.fuzzy_listed(term):
                for key in ((len(term), "first", term[0]), (len(term), "last", term[-1])):
                    changed.setdefault(key, (set(), set()))[side].add(term)
    out: dict[search_shards.FuzzyKey, bytes] = {}
    digests: dict[search_shards.FuzzyKey, str] = {}
    for key in sorted(lists.keys() | changed.keys()):
        content = store.get(entry(lists[key])) if key in lists else b"[]"
        if not isinstance(content, bytes):
            return None
        digest = lists.get(key, "")
        if key in changed:
            removed, added = changed[key]
            listed = (set(json.loads(content)) - removed) | added
            if not listed:
                continue
            content = json_bytes(sorted(listed, key=js_order))
            digest = hashlib.sha256(content).hexdigest()
        out[key], digests[key] = content, digest
    return out, digests
