"""The shape of the shipped catalogue: how often each field is filled and what its values look like.

:func:`measure_shape` reads ``content/projects/*.md`` with the project's own loader each time a
synthetic catalogue is generated, so the benchmark corpus follows the content as it grows. A field
that no shipped project fills gets a fixed fill rate from :data:`FALLBACK_FILL` instead (listed in
:attr:`Shape.fallbacks`), so every field of the schema still appears in the corpus.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.catalogue.load import load_catalogue
from site_builder.catalogue.types import Project
from site_builder.model.project import ProjectFrontMatter

# Fill rates for fields that no shipped project fills, kept low (a field no one uses yet is rare).
FALLBACK_FILL = {"contact": 0.10, "aliases": 0.05}
FALLBACK_FILL_OTHER = 0.10
# Nested fields: share of the parent's entries that fill them, when no shipped entry shows it.
FALLBACK_NESTED = {"contact.organisation": 0.8, "evaluation.url": 0.5, "evaluation.summary": 0.9, "funding.year": 0.9}
# The date reviews are measured against when no shipped project gives one.
FALLBACK_REFERENCE = dt.date(2026, 11, 1)
# Heaps' law V = K * n ** BETA for the vocabulary of n words of prose; K is fitted to the shipped
# bodies with this exponent (0.5 is typical of English text), or FALLBACK_HEAPS_K without them.
HEAPS_BETA = 0.5
FALLBACK_HEAPS_K = 25.0
WORD = re.compile(r"[a-z]+(?:-[a-z]+)*")  # the 's' of "service's" is a word too: see _ranked_words
TEXT_FIELDS = ("title", "summary", "benefits", "lessons", "links.title", "links.url", "evaluation.summary",
               "funding.source", "body.paragraph", "body.heading")
FALLBACK_LENGTHS = {  # characters; words for body.paragraph and body.heading
    "title": (30, 45, 55, 60, 70), "summary": (180, 200, 210, 220, 230), "benefits": (50, 70, 90, 110),
    "lessons": (70, 90, 100, 120), "links.title": (45, 65, 80, 100), "links.url": (50, 70, 90, 120),
    "evaluation.summary": (120, 160, 200), "funding.source": (25, 40, 60, 75),
    "body.paragraph": (60, 80, 100), "body.heading": (2, 3, 4),
}
FALLBACK_AMOUNTS = {"costs_gbp": (250_000, 5_000_000), "savings_gbp_per_year": (100_000, 1_000_000),
                    "funding.amount_gbp": (500_000, 3_000_000)}


@dataclass(frozen=True)
class Shape:
    """What the shipped projects look like. Samples are drawn from with replacement."""

    projects: int
    fill: dict[str, float]  # top-level field -> share of projects that fill it
    nested: dict[str, float]  # 'evaluation.url' -> share of evaluations that fill it
    list_lengths: dict[str, tuple[int, ...]]  # list field -> its lengths where filled
    text_lengths: dict[str, tuple[int, ...]]  # see TEXT_FIELDS
    values: dict[str, tuple[str, ...]]  # status, scope, formal_agreement, evaluation.kind, lead.kind, partners.kind
    ids: dict[str, Counter[str]]  # themes, enablers, barriers: how often each id is used
    amounts: dict[str, tuple[int, ...]]  # costs_gbp, savings_gbp_per_year, funding.amount_gbp
    started: tuple[str, ...]  # shipped started dates (partial)
    durations: tuple[int, ...]  # days from started to ended, where both are given
    ended_unfinished: float  # share of projects not completed or discontinued that give 'ended'
    precisions: dict[str, tuple[int, ...]]  # started, ended: number of date parts (1 to 3)
    reviewed: tuple[dt.date, ...]  # last_reviewed dates
    words: tuple[str, ...]  # words of the shipped prose, most frequent first
    heaps_k: float
    link_hosts: tuple[str, ...]
    funding_sources: tuple[str, ...]
    fallbacks: tuple[str, ...] = field(default=())  # fields no shipped project fills

    @property
    def reference_date(self) -> dt.date:
        """The newest review date: the 'today' that every synthetic date is consistent with."""
        return max(self.reviewed, default=FALLBACK_REFERENCE)


def _filled(value: object) -> bool:
    return value is not None and value not in ([], "")


def _date(partial: str) -> dt.date:
    parts = [int(p) for p in partial.split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def _body_parts(body: str) -> tuple[list[int], list[int]]:
    """Words per paragraph and per heading of a Markdown body."""
    paragraphs, headings = [], []
    for block in re.split(r"\n\s*\n", body.strip()):
        words = len(WORD.findall(block.lower()))
        if block.startswith("#"):
            headings.append(words)
        elif words and not block.lstrip().startswith(("- ", "* ", "1.")):
            paragraphs.append(words)
    return paragraphs, headings


def _ranked_words(projects: list[Project]) -> tuple[tuple[str, ...], float]:
    """Words of the shipped prose by frequency (ties alphabetical), and Heaps' K fitted to the bodies."""
    counts: Counter[str] = Counter()
    body_words: Counter[str] = Counter()
    tokens = 0
    for project in projects:
        meta = project.meta
        body = WORD.findall(project.body.lower())
        tokens += len(body)
        body_words.update(body)
        texts = [meta.title, meta.summary, *(meta.benefits or []), *(meta.lessons or [])]
        counts.update(w for text in texts for w in WORD.findall(text.lower()))
    counts.update(body_words)
    ranked = tuple(word for word, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
                   if len(word) > 1 or word == "a")
    heaps_k = len(body_words) / tokens ** HEAPS_BETA if tokens else FALLBACK_HEAPS_K
    return ranked, heaps_k


def measure_shape(root: Path) -> Shape:
    """The shape of the projects of the catalogue at ``root`` (the shipped one, usually)."""
    catalogue, _ = load_catalogue(root)  # only the valid projects count; check reports the rest
    projects = catalogue.projects
    metas = [p.meta for p in projects]
    count = len(metas)
    fill: dict[str, float] = {}
    fallbacks = []
    for name, info in ProjectFrontMatter.model_fields.items():
        filled = sum(_filled(getattr(m, name)) for m in metas)
        if info.is_required():
            fill[name] = 1.0
        elif filled:
            fill[name] = filled / count
        else:
            fill[name] = FALLBACK_FILL.get(name, FALLBACK_FILL_OTHER)
            fallbacks.append(name)
    evaluations = [m.evaluation for m in metas if m.evaluation]
    funding = [f for m in metas for f in m.funding or []]
    contacts = [m.contact for m in metas if m.contact]
    nested = dict(FALLBACK_NESTED)
    for key, entries in (("evaluation.url", evaluations), ("evaluation.summary", evaluations),
                         ("funding.year", funding), ("contact.organisation", contacts)):
        if entries:
            nested[key] = sum(_filled(getattr(e, key.split(".")[1])) for e in entries) / len(entries)
    list_lengths = {name: tuple(len(getattr(m, name)) for m in metas if _filled(getattr(m, name)))
                    for name in ("partners", "themes", "enablers", "barriers", "benefits", "lessons", "links", "funding",
                                 "aliases")}
    paragraphs: list[int] = []
    headings: list[int] = []
    for project in projects:
        found = _body_parts(project.body)
        paragraphs += found[0]
        headings += found[1]
    text_lengths = {
        "title": [len(m.title) for m in metas], "summary": [len(m.summary) for m in metas],
        "benefits": [len(b) for m in metas for b in m.benefits or []],
        "lessons": [len(b) for m in metas for b in m.lessons or []],
        "links.title": [len(link.title) for m in metas for link in m.links or []],
        "links.url": [len(link.url) for m in metas for link in m.links or []],
        "evaluation.summary": [len(e.summary) for e in evaluations if e.summary],
        "funding.source": [len(f.source) for f in funding], "body.paragraph": paragraphs, "body.heading": headings,
    }
    kinds = catalogue.registry.organisations
    values = {
        "status": tuple(m.status for m in metas), "scope": tuple(m.scope for m in metas if m.scope),
        "formal_agreement": tuple(str(m.formal_agreement).lower() for m in metas if m.formal_agreement is not None),
        "evaluation.kind": tuple(e.kind for e in evaluations),
        "lead.kind": tuple(kinds[m.lead].kind for m in metas),
        "partners.kind": tuple(kinds[o].kind for m in metas for o in m.partners),
    }
    amounts = {"costs_gbp": tuple(m.costs_gbp for m in metas if m.costs_gbp),
               "savings_gbp_per_year": tuple(m.savings_gbp_per_year for m in metas if m.savings_gbp_per_year),
               "funding.amount_gbp": tuple(f.amount_gbp for f in funding if f.amount_gbp)}
    unfinished = [m for m in metas if m.status not in ("completed", "discontinued")]
    words, heaps_k = _ranked_words(projects)
    return Shape(
        projects=count, fill=fill, nested=nested, list_lengths=list_lengths,
        text_lengths={k: tuple(v) or FALLBACK_LENGTHS[k] for k, v in text_lengths.items()},
        values=values,
        ids={name: Counter(i for m in metas for i in getattr(m, name) or []) for name in ("themes", "enablers", "barriers")},
        amounts=amounts,
        started=tuple(m.started for m in metas if m.started),
        durations=tuple(max(0, (_date(m.ended) - _date(m.started)).days) for m in metas if m.started and m.ended),
        ended_unfinished=sum(1 for m in unfinished if m.ended) / len(unfinished) if unfinished else 0.0,
        precisions={name: tuple(len(str(getattr(m, name)).split("-")) for m in metas if getattr(m, name))
                    for name in ("started", "ended")},
        reviewed=tuple(m.last_reviewed for m in metas),
        words=words, heaps_k=heaps_k,
        link_hosts=tuple(link.url.split("/")[2] for m in metas for link in m.links or []),
        funding_sources=tuple(f.source for f in funding),
        fallbacks=tuple(fallbacks),
    )


def log_uniform(low: int, high: int, fraction: float) -> int:
    """The amount ``fraction`` of the way from ``low`` to ``high`` on a log scale, to two significant figures."""
    value = math.exp(math.log(low) + fraction * (math.log(high) - math.log(low)))
    digits = max(0, int(math.log10(value)) - 1)
    return int(round(value / 10 ** digits) * 10 ** digits)


def amount_range(shape: Shape, name: str) -> tuple[int, int]:
    """The span synthetic amounts are drawn from: a little wider than the shipped ones."""
    seen = shape.amounts.get(name, ())
    if not seen:
        return FALLBACK_AMOUNTS[name]
    return max(1000, min(seen) // 2), max(seen) * 2
