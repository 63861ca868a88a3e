"""The shards of a large index, made fast: the same files as shards.py makes from a :class:`TermBuilder`.

shards.py cuts, numbers and serialises shards from lunr.py's structures (a dict per posting, a JSON
encoder walking them). At 10,000 projects that is about a million postings handled several times
over. Here each posting is one integer, its *field ref id* (``field number * projects + ref``), each
term's postings one sorted list of them, and the per-posting work is done by C loops (``sum``,
``map``, ``set`` operations, ``str.join``) wherever it can be. The shard JSON is written as text,
exactly as :func:`site_builder.runtime.jsonio.json_bytes` writes the dict shards.py makes (sorted
keys, compact separators, floats as ``repr`` writes them); the tests check that the two agree.

The arithmetic is shards.py's, operation for operation (BM25 lengths, lunr's idf, 3 significant
figures), so every weight is the same float.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from lunr import __TARGET_JS_VERSION__

from site_builder.runtime.jsonio import html_safe
from site_builder.search import shards as search_shards
from site_builder.search.builder import FIELDS, FieldTerms, average_length, js_order

K1 = 1.2  # lunr.py Builder._k1
B = 0.75  # lunr.py Builder._b


class Postings:
    """Every term's postings over ``analysed`` (one project's fields each; a project's ref is its position)."""

    def __init__(self, analysed: Sequence[Mapping[str, FieldTerms]], with_counts: bool = False) -> None:
        """With ``with_counts``, :attr:`counts` holds each term's count in each of its postings too."""
        self.count = len(analysed)
        self.fields = list(FIELDS)
        postings: defaultdict[str, list[int]] = defaultdict(list)
        term_counts: defaultdict[str, list[int]] = defaultdict(list)
        frequencies: list[dict[str, int]] = []
        lengths: list[int] = []
        for name in self.fields:
            fid = len(frequencies)
            for fields in analysed:
                counts, length = fields[name]
                frequencies.append(counts)
                lengths.append(length)
                if with_counts:
                    for term, tf in counts.items():
                        postings[term].append(fid)
                        term_counts[term].append(tf)
                else:
                    for term in counts:
                        postings[term].append(fid)
                fid += 1
        self.postings: dict[str, list[int]] = dict(postings)
        self.counts: Mapping[str, list[int]] = term_counts
        self.frequencies: Sequence[Mapping[str, int]] = frequencies
        self.lengths = lengths
        self._index()

    @classmethod
    def of(cls, count: int, postings: dict[str, list[int]], frequencies: Sequence[Mapping[str, int]],
           lengths: list[int]) -> Postings:
        """Postings made elsewhere (search/state.py): those of some terms only, ``frequencies[fid]`` holding
        at least those terms' counts; ``lengths`` of every field ref."""
        made = cls.__new__(cls)
        made.count, made.fields, made.postings, made.frequencies, made.lengths = count, list(FIELDS), postings, frequencies, lengths
        made.counts = {}
        made._index()
        return made

    def _index(self) -> None:
        count = self.count
        refs = [str(ref) for ref in range(count)]
        self.field_refs = [f"{name}/{ref}" for name in self.fields for ref in refs]
        by_text = {ref: rank for rank, ref in enumerate(sorted(refs))}  # JSON sorts a posting's refs as text
        self.text_rank = [by_text[ref] for _ in self.fields for ref in refs]
        self.ref_json = [f'"{ref}":{{}}' for _ in self.fields for ref in refs]
        self.vector_json = [f'["{field_ref}",[' for field_ref in self.field_refs]
        self.keyed_fields = sorted(enumerate(self.fields), key=lambda item: item[1])  # JSON sorts a posting's keys

    def cut(self, limit: int = 0) -> list[list[str]]:
        """shards.cut_shards: the terms in lunr.js order, cut into ranges of at most ``limit`` estimated bytes."""
        return [shard for shard, _ in self.cut_from(sorted(self.postings, key=js_order), 0, None, limit)[0]]

    def cut_from(self, terms: Sequence[str], start: int, prefix: str | None, limit: int = 0,
                 stop: Callable[[int, str | None], bool] | None = None) -> tuple[list[tuple[list[str], str | None]], int]:
        """shards.cut_from over ``terms`` (all of them, in lunr.js order; those from ``start`` on have postings here)."""
        postings = self.postings
        ref_lengths = [len(str(ref)) for ref in range(self.count)]
        # a posting's field ref without its field's name ('"<ref>":{},'), and a field ref ('"<field>/<ref>",[],')
        posting_cost = [n + 6 + search_shards.POSTING_BYTES for _ in self.fields for n in ref_lengths]
        ref_cost = [len(name) + 1 + n + 8 for name in self.fields for n in ref_lengths]
        return search_shards.cut_from(
            terms, start, prefix, limit or search_shards.SHARD_BYTES, lambda term: set(postings[term]),
            lambda term: search_shards.TERM_BYTES + len(term.encode()) + sum(map(posting_cost.__getitem__, postings[term])),
            lambda refs: sum(map(ref_cost.__getitem__, refs)), stop)

    def numbered(self, shards: list[list[str]]) -> tuple[list[list[str]], dict[str, int]]:
        """shards.group_terms: each shard's terms in number order (most used first), and every term's
        number (within its shard)."""
        postings = self.postings
        grouped = [sorted(terms, key=lambda t: (-len(postings[t]), t)) for terms in shards]
        number = {term: n for terms in grouped for n, term in enumerate(terms)}
        return grouped, number

    def averages(self) -> list[float]:
        """Each field's average length, as BM25 weighs with it (builder.average_length)."""
        count = self.count
        return [average_length(sum(self.lengths[f * count:(f + 1) * count]), count) for f in range(len(self.fields))]

    def lazy_scales(self) -> tuple[Mapping[int, float], Mapping[int, float]]:
        """:meth:`scales`, each field ref's worked out when it is first looked up (for a few shards)."""
        count, fields, averages = self.count, self.fields, self.averages()
        lengths = self.lengths

        class Norms(dict[int, float]):
            def __missing__(self, fid: int) -> float:
                length, average = lengths[fid], averages[fid // count]
                norm = self[fid] = K1 * (1 - B + B * (length / average)) if length else 0.0
                return norm

        class Scales(dict[int, float]):
            def __missing__(self, fid: int) -> float:
                scale = self[fid] = (K1 + 1) * FIELDS[fields[fid // count]] * 1
                return scale

        return Norms(), Scales()

    def scales(self) -> tuple[list[float], list[float]]:
        """For each field ref id: its BM25 length norm and ``k1 + 1`` times its field's boost (shards.field_rows)."""
        count = self.count
        norms: list[float] = []
        scales: list[float] = []
        for f, (name, average) in enumerate(zip(self.fields, self.averages(), strict=True)):
            lengths = self.lengths[f * count:(f + 1) * count]
            scale = (K1 + 1) * FIELDS[name] * 1
            for length in lengths:
                norms.append(K1 * (1 - B + B * (length / average)) if length else 0.0)
                scales.append(scale)
        return norms, scales

    def repriced(self, content: bytes, terms: list[str], number: Mapping[str, int], changed: Mapping[int, Mapping[str, int]],
                 uses: Mapping[str, int]) -> bytes | None:
        """The shard ``content`` of ``terms`` (in number order) after the field refs ``changed`` (id -> its
        term counts now) changed their counts or lengths, but not which of ``terms`` they hold (nor did
        any other field ref; ``uses``: each term's number of postings): their vectors weighed again, as
        :meth:`shard_json` weighs them. ``None`` if a vector is not found."""
        count, averages, held = self.count, self.averages(), set(terms)
        for fid, counts in changed.items():
            here = sorted((term for term in counts if term in held), key=number.__getitem__)
            if not here:
                continue
            f, length = fid // count, self.lengths[fid]
            norm = K1 * (1 - B + B * (length / averages[f])) if length else 0.0
            scale = (K1 + 1) * FIELDS[self.fields[f]] * 1
            pairs = []
            for term in here:
                d = uses[term]
                x = (count - d + 0.5) / (d + 0.5)
                idf = math.log(1 + abs(x))
                tf = counts[term]
                w = idf * scale * tf / (norm + tf)
                pairs.append(f"{number[term]},{round(w, 1 if w >= 10 else 2 if w >= 1 else 3)!r}")
            opening = self.vector_json[fid].encode()
            start = content.find(opening)
            end = content.find(b"]]", start)
            if start < 0 or end < 0:
                return None
            content = content[:start] + opening + ",".join(pairs).encode() + content[end:]
        return content

    def shard_json(self, terms: list[str], number: Mapping[str, int], norms: Sequence[float] | Mapping[int, float],
                   scales: Sequence[float] | Mapping[int, float]) -> bytes:
        """The shard of ``terms`` (in number order) as json_bytes writes shards.shard_index's dict."""
        count, frequencies, opening = self.count, self.frequencies, self.vector_json
        vectors: defaultdict[int, list[str]] = defaultdict(list)
        for term in terms:
            fids = self.postings[term]
            d = len(fids)
            x = (count - d + 0.5) / (d + 0.5)
            idf = math.log(1 + abs(x))
            prefix = f"{number[term]},"
            tfs = [frequencies[fid][term] for fid in fids]
            weights = [idf * scales[fid] * tf / (norms[fid] + tf) for fid, tf in zip(fids, tfs, strict=True)]
            pairs = [prefix + repr(round(w, 1 if w >= 10 else 2 if w >= 1 else 3)) for w in weights]
            for fid, pair in zip(fids, pairs, strict=True):
                vectors[fid].append(pair)
        vector_json = ",".join([opening[fid] + ",".join(pairs) + "]]" for fid, pairs in vectors.items()])
        inverted = ",".join([self._entry_json(term, number[term]) for term in sorted(terms, key=js_order)])
        text = (f'{{"fieldVectors":[{vector_json}],"fields":{_dumps(self.fields)},"invertedIndex":[{inverted}],'
                f'"pipeline":["stemmer"],"version":{_dumps(__TARGET_JS_VERSION__)}}}')
        return (html_safe(text) + "\n").encode("utf-8")

    def _entry_json(self, term: str, number: int) -> str:
        """``[term, {"_index": number, field: {ref: {}, ...}, ...}]`` with sorted keys."""
        fids = self.postings[term]
        count, rank, ref_json = self.count, self.text_rank, self.ref_json
        by_field: list[list[int]] = [[] for _ in self.fields]
        start = 0
        for f in range(len(self.fields)):
            end = bisect_left(fids, (f + 1) * count, start)
            by_field[f] = sorted(fids[start:end], key=rank.__getitem__)
            start = end
        parts = [f'"_index":{number}']
        for f, name in self.keyed_fields:
            parts.append(f'"{name}":{{{",".join(map(ref_json.__getitem__, by_field[f]))}}}')
        return f"[{_dumps(term)},{{{','.join(parts)}}}]"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


_state: dict[str, Any] = {}


def _build_shard(number: int) -> bytes:
    return bytes(_state["postings"].shard_json(_state["terms"][number], _state["number"], *_state["scales"]))


def shard_files(postings: Postings, jobs: int = 0, shards: list[list[str]] | None = None) -> tuple[dict[str, bytes], dict[str, Any]]:
    """shards.shard_files from ``postings``: the shard and term-list files and the manifest's entries for them."""
    terms, number = postings.numbered(postings.cut() if shards is None else shards)
    contents = made_shards(postings, terms, number, range(len(terms)), jobs)
    return search_shards.listed(terms, [contents[i] for i in range(len(terms))], postings.postings)


def made_shards(postings: Postings, terms: list[list[str]], number: Mapping[str, int], todo: Iterable[int],
                jobs: int = 0, few: bool = False) -> dict[int, bytes]:
    """The content of each shard ``todo`` of ``terms`` (each in number order, :meth:`Postings.numbered`), on all
    cores; ``few``: they are few (made here: workers would take longer to start), their weights worked out
    for the field refs they hold only."""
    ordered = sorted(todo, key=lambda i: -len(terms[i]))  # largest first: the workers finish together
    if not ordered:
        return {}
    _state.update(postings=postings, terms=terms, number=number, scales=postings.lazy_scales() if few else postings.scales())
    try:
        return dict(zip(ordered, search_shards.fork_map(_build_shard, ordered, 1 if few else jobs), strict=True))
    finally:
        _state.clear()
