"""The lunr.py ``Builder`` the search index is made with: fed counted terms, serialised as lunr.js 2.3.9 reads it.

Both the single index (index.py) and its shards (shards.py) are cut from one :class:`TermBuilder`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from lunr import __TARGET_JS_VERSION__
from lunr.builder import Builder
from lunr.idf import idf as lunr_idf

from site_builder.text.stemmer import stemmer

# field -> boost (checked against tests/test_search_relevance.py)
FIELDS: dict[str, int] = {"title": 10, "summary": 4, "orgs": 3, "labels": 3, "factors": 2, "body": 1}
NO_METADATA: dict[str, Any] = {}  # shared by every posting: lunr keeps no term metadata here


class FieldTerms(NamedTuple):
    counts: dict[str, int]  # stemmed term -> frequency, in order of first use
    length: int  # number of terms in the whole field, before any trimming



def average_length(total: int, count: int) -> float:
    """A field's average length for BM25, to 3 significant figures: an edit that adds or drops a few
    words almost never moves it, so the weights of the other projects' terms (and their shards) stay
    as they were. lunr.js never reads it: it scores with the weights the field vectors hold."""
    return float(f"{total / count:.3g}") if count else 0.0


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
        totals = dict.fromkeys(self._fields, 0)
        for field_ref, length in self.field_lengths.items():
            totals[field_ref.partition("/")[0]] += length
        self.average_field_length = {name: average_length(total, self.document_count) for name, total in totals.items()}
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
