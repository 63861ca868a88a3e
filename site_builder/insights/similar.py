"""Similar projects: up to five for each project, each with the reasons it was chosen.

The score counts what two projects share (themes, organisations, regions, services) and how alike
their words are: the cosine of tf-idf vectors over the title, summary and description, keeping each
project's ``TOP_TERMS`` heaviest terms. Candidates come from inverted indexes over those terms, the
organisations and the themes, each posting list cut to its ``MAX_POSTINGS`` strongest entries, so each
project meets at most a few hundred candidates whatever the catalogue's size (O(n * k), not O(n^2)).
Ties go to the slug; scores are rounded before they are compared, so the order never depends on the
last bit of a float.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from site_builder.search_text import html_text, term_counts
from site_builder.views import ProjectView

SHOWN = 5
TOP_TERMS = 12
MAX_POSTINGS = 30
WEIGHTS = {"text": 4.0, "themes": 2.0, "organisations": 1.5, "regions": 0.5, "services": 0.25}
MIN_TEXT = 0.1  # below this cosine, wording is not given as a reason


@dataclass(frozen=True)
class Similar:
    project: ProjectView
    reasons: tuple[str, ...]
    score: float


@dataclass(frozen=True)
class _Features:
    vector: Mapping[str, float]  # top terms, unit length
    themes: frozenset[str]
    organisations: frozenset[str]
    regions: frozenset[str]
    services: frozenset[str]


def _vectors(projects: Sequence[ProjectView]) -> list[dict[str, float]]:
    counts = [term_counts(f"{p.title} {p.summary} {html_text(str(p.body_html))}")[0] for p in projects]
    df: dict[str, int] = {}
    for found in counts:
        for term in found:
            df[term] = df.get(term, 0) + 1
    n = len(projects)
    vectors = []
    for found in counts:
        weights = {t: (1 + math.log(c)) * math.log(n / df[t]) for t, c in found.items()}
        top = sorted((w, t) for t, w in weights.items() if w > 0)[::-1][:TOP_TERMS]  # heaviest, then term descending
        norm = math.sqrt(sum(w * w for w, _ in top)) or 1.0
        vectors.append({t: w / norm for w, t in top})
    return vectors


def _postings(entries: Mapping[str, list[tuple[float, int]]]) -> dict[str, list[int]]:
    """Each key's strongest ``MAX_POSTINGS`` projects (weight descending, then position)."""
    return {key: [i for _, i in sorted(found, key=lambda e: (-e[0], e[1]))[:MAX_POSTINGS]] for key, found in entries.items()}


def _reasons(a: ProjectView, b: ProjectView, fa: _Features, fb: _Features, cosine: float,
             labels: Mapping[str, str]) -> tuple[str, ...]:
    reasons = [f"also {t.label[0].lower()}{t.label[1:]}" for t in b.themes if t.id in fa.themes]
    shared = [o for o in (b.lead, *b.partners) if o.id in fa.organisations]
    if shared:
        reasons.append("same partners: " + ", ".join(o.label for o in shared))
    if cosine >= MIN_TEXT:
        reasons.append("similar description")
    if not reasons:
        regions = [labels[r] for r in sorted(fa.regions & fb.regions, key=lambda r: labels[r])]
        reasons.append("also in " + ", ".join(regions) if regions else "similar services")
    return tuple(reasons)


def similar_projects(projects: Sequence[ProjectView]) -> dict[str, tuple[Similar, ...]]:
    """For each slug, its most similar projects: score descending, then slug."""
    vectors = _vectors(projects)
    features = [_Features(v, frozenset(t.id for t in p.themes), frozenset([p.lead.id, *(o.id for o in p.partners)]),
                          frozenset(r.id for r in p.regions), frozenset(s.id for s in p.services))
                for p, v in zip(projects, vectors, strict=True)]
    entries: dict[str, list[tuple[float, int]]] = {}
    for i, f in enumerate(features):
        for term, weight in f.vector.items():
            entries.setdefault("t:" + term, []).append((weight, i))
        for org in f.organisations:
            entries.setdefault("o:" + org, []).append((1.0 / len(f.organisations), i))
        for theme in f.themes:
            entries.setdefault("h:" + theme, []).append((1.0 / len(f.themes), i))
    index = _postings(entries)
    labels = {r.id: r.label for p in projects for r in p.regions}
    result: dict[str, tuple[Similar, ...]] = {}
    for i, (project, f) in enumerate(zip(projects, features, strict=True)):
        keys = ["t:" + t for t in f.vector] + ["o:" + o for o in sorted(f.organisations)] + ["h:" + t for t in sorted(f.themes)]
        candidates = {j for key in keys for j in index.get(key, ()) if j != i}
        scored = []
        for j in candidates:
            g = features[j]
            cosine = sum(w * g.vector.get(t, 0.0) for t, w in f.vector.items())
            shared = (len(f.themes & g.themes), len(f.organisations & g.organisations))
            if not (shared[0] or shared[1] or cosine >= MIN_TEXT):
                continue
            score = (WEIGHTS["text"] * cosine + WEIGHTS["themes"] * shared[0] + WEIGHTS["organisations"] * shared[1]
                     + WEIGHTS["regions"] * len(f.regions & g.regions) + WEIGHTS["services"] * len(f.services & g.services))
            scored.append((round(score, 6), projects[j].slug, j, cosine))
        scored.sort(key=lambda s: (-s[0], s[1]))
        result[project.slug] = tuple(Similar(projects[j], _reasons(project, projects[j], f, features[j], cosine, labels), score)
                                     for score, _, j, cosine in scored[:SHOWN])
    return result


