"""Similar projects: up to five for each project, each with the reasons it was chosen.

The score counts what two projects share (themes, organisations, regions, services) and how alike
their words are: the cosine of tf-idf vectors over the title, summary and the first ``BODY_WORDS``
words of the description, keeping each project's ``TOP_TERMS`` heaviest terms. Candidates come from
inverted indexes over those terms, the organisations and the themes, each posting list cut to its
``MAX_POSTINGS`` strongest entries, so each project meets at most a few hundred candidates whatever the
catalogue's size: O(n * k), not O(n^2). The text similarity is summed along those cut lists (a term
shared with a project outside its list adds nothing); what the projects share is counted exactly.
Ties go to the slug. The arithmetic runs in a fixed order, so two builds give the same floats and the
same lists.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import itertools
import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from site_builder.runtime.parallel import parallel_map, shared
from site_builder.text.memo_store import MemoStore, source_version
from site_builder.text.words import html_text, term_counts
from site_builder.views.project import ProjectView

SHOWN = 5
TOP_TERMS = 10
MAX_POSTINGS = 16
BODY_WORDS = 150
WEIGHTS = {"text": 4.0, "themes": 2.0, "organisations": 1.5, "regions": 0.5, "services": 0.25}
MIN_TEXT = 0.1  # below this cosine, wording is not given as a reason
COUNTS_STORE = "similar-counts"  # ROOT/.cache/similar-counts.pickle: each project's term counts, by its text
SCORE_ROWS = 250  # projects weighed or scored per task
SCORE_CHUNKS_PER_WORKER = 2  # so a catalogue of fewer than 500 projects is scored in this process


_work: dict[str, Any] = {}  # what forked workers read: set before they fork, cleared after


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
    theme_bits: int  # the same sets as bit masks, for fast counting
    region_bits: int
    service_bits: int


def similar_store(root: Path) -> MemoStore | None:
    """``ROOT/.cache/similar.pickle``, for a version of the code that computes term counts and scores."""
    return MemoStore.open(root, "similar", source_version("similar-3", ("insights/similar.py", "text/words.py", "text/stemmer.py")))


def _bits(ids: frozenset[str], positions: dict[str, int]) -> int:
    mask = 0
    for item in ids:
        mask |= 1 << positions.setdefault(item, len(positions))
    return mask


def _text(project: ProjectView) -> str:
    body = html_text(str(project.body_html)).split(maxsplit=BODY_WORDS)[:BODY_WORDS]
    return f"{project.title} {project.summary} {' '.join(body)}"


def _text_key(project: ProjectView) -> str:
    return hashlib.sha256("\0".join((project.title, project.summary, project.body_html)).encode("utf-8", "surrogatepass")).hexdigest()


def _counted(project: ProjectView) -> tuple[dict[str, int], bytes]:
    counts = term_counts(_text(project))[0]
    return counts, hashlib.sha256(repr(sorted(counts.items())).encode("utf-8", "surrogatepass")).digest()


def _counted_at(number: int) -> tuple[dict[str, int], bytes]:
    return _counted(_work["projects"][number])  # in a forked worker: the projects were set before the fork


def _count(projects: Sequence[ProjectView], todo: Sequence[int], jobs: int) -> list[tuple[dict[str, int], bytes]]:
    """The term counts and their digests of the projects at ``todo``, on ``jobs`` processes."""
    with shared(_work, projects=projects):
        return parallel_map(_counted_at, todo, jobs)


def _vectors(projects: Sequence[ProjectView], store: MemoStore | None = None, jobs: int = 1) -> tuple[list[dict[str, float]], str]:
    """Each project's tf-idf vector, and a digest of every project's counts they are made from.

    ``store`` keeps each project's counts' digest by its text, and the vectors under the digest of them
    all: an edit after a description's first ``BODY_WORDS`` words changes no counts, and then no vector
    is computed again. The counts themselves, which only weighing needs, are kept in a store of their
    own (:data:`COUNTS_STORE`), read only when the vectors are weighed again.
    """
    if store is None:
        return _weigh([counts for counts, _ in _count(projects, range(len(projects)), jobs)], jobs), ""
    keys = [_text_key(p) for p in projects]
    digests: list[Any] = [store.get(f"d:{key}") for key in keys]
    fresh: dict[int, dict[str, int]] = {}
    todo = [i for i, digest in enumerate(digests) if not isinstance(digest, bytes)]
    for i, (counts, digest) in zip(todo, _count(projects, todo, jobs), strict=True):
        digests[i], fresh[i] = digest, counts
        store.put(f"d:{keys[i]}", digest)
    key = "vectors:" + hashlib.sha256(b"".join(digests)).hexdigest()
    found = store.get(key)
    if isinstance(found, list) and len(found) == len(projects):
        return found, key
    kept = store.companion(COUNTS_STORE)
    known: list[Any] = [fresh.get(i) or (kept.get(k) if kept is not None else None) for i, k in enumerate(keys)]
    missing = [i for i, counts in enumerate(known) if not isinstance(counts, dict)]
    for i, (counts, _) in zip(missing, _count(projects, missing, jobs), strict=True):
        known[i] = counts
    if kept is not None:
        for i in [*fresh, *missing]:
            kept.put(keys[i], known[i])
        kept.save()
    vectors = _weigh(known, jobs)
    store.put(key, vectors)
    return vectors, key


def _weigh(counts: list[dict[str, int]], jobs: int = 1) -> list[dict[str, float]]:
    """Each project's ``TOP_TERMS`` heaviest terms by tf-idf, at unit length (on ``jobs`` processes)."""
    df = Counter(itertools.chain.from_iterable(counts))  # in how many projects each term is: counted in C
    with shared(_work, counts=counts, idf={t: math.log(len(counts) / n) for t, n in df.items()}):
        chunks = parallel_map(_weigh_rows, range(0, len(counts), SCORE_ROWS), jobs, per_worker=SCORE_CHUNKS_PER_WORKER)
    return [vector for chunk in chunks for vector in chunk]


_TF = [0.0, *(1 + math.log(c) for c in range(1, 64))]


def _weigh_rows(start: int) -> list[dict[str, float]]:
    counts: list[dict[str, int]] = _work["counts"]
    idf: dict[str, float] = _work["idf"]
    vectors = []
    for found in counts[start:start + SCORE_ROWS]:
        weights = ((_TF[c] if c < len(_TF) else 1 + math.log(c)) * idf[t] for t, c in found.items())
        top = heapq.nlargest(TOP_TERMS, ((w, t) for w, t in zip(weights, found, strict=True) if w > 0))  # then term descending
        norm = math.sqrt(sum(w * w for w, _ in top)) or 1.0
        vectors.append({t: w / norm for w, t in top})
    return vectors


def _postings(entries: Mapping[str, list[tuple[float, int]]]) -> dict[str, list[tuple[int, float]]]:
    """Each key's strongest ``MAX_POSTINGS`` projects (weight descending, then position), with their weights."""
    return {key: [(i, w) for w, i in heapq.nsmallest(MAX_POSTINGS, found, key=lambda e: (-e[0], e[1]))]
            for key, found in entries.items()}


def _reasons(a: ProjectView, b: ProjectView, fa: _Features, fb: _Features, cosine: float,
             labels: Mapping[str, str]) -> tuple[str, ...]:
    reasons = [f"also {t.label[0].lower()}{t.label[1:]}" for t in b.themes if t.id in fa.themes]
    shared = [o for o in (b.lead, *b.partners) if o.id in fa.organisations]
    if shared:
        reasons.append("same partners: " + ", ".join(o.label for o in shared))
    if cosine >= MIN_TEXT:
        reasons.append("similar description")
    if not reasons:
        regions = [labels[r[2:]] for r in sorted(fa.regions & fb.regions, key=lambda r: labels[r[2:]])]
        reasons.append("also in " + ", ".join(regions) if regions else "similar services")
    return tuple(reasons)


def _features(projects: Sequence[ProjectView], vectors: list[dict[str, float]]) -> list[_Features]:
    positions: dict[str, int] = {}
    features = []
    for p, v in zip(projects, vectors, strict=True):
        themes, regions, services = (frozenset(t.id for t in p.themes), frozenset("r:" + r.id for r in p.regions),
                                     frozenset("s:" + s.id for s in p.services))
        features.append(_Features(v, themes, frozenset([p.lead.id, *(o.id for o in p.partners)]), regions, services,
                                  _bits(themes, positions), _bits(regions, positions), _bits(services, positions)))
    return features


def _features_key(projects: Sequence[ProjectView], vectors_key: str) -> str:
    """A digest of everything the scores are computed from, in project order: the vectors by their key, and
    each project's themes, organisations, regions and services (the ids, as listed: a reordering only costs
    a scoring). Made from the views, so that the features themselves are made only when the scores are."""
    digest = hashlib.sha256(vectors_key.encode("ascii") + b"\x1e")
    for p in projects:
        parts = (",".join([t.id for t in p.themes]), ",".join([p.lead.id, *(o.id for o in p.partners)]),
                 ",".join([r.id for r in p.regions]), ",".join([s.id for s in p.services]))
        digest.update("\x1f".join(parts).encode("utf-8", "surrogatepass") + b"\x1e")
    return "scores:" + digest.hexdigest()


def _scores(features: list[_Features], jobs: int = 1) -> list[list[tuple[float, int, float]]]:
    """For each project (by position), its best ``SHOWN`` others as (negated score, position, text cosine).

    The rows are scored in chunks of ``SCORE_ROWS`` on ``jobs`` processes: each row is computed alone,
    so the result is the same on any number.
    """
    entries: dict[str, list[tuple[float, int]]] = {}
    for i, f in enumerate(features):
        for term, weight in f.vector.items():
            entries.setdefault("t:" + term, []).append((weight, i))
        for org in f.organisations:
            entries.setdefault("o:" + org, []).append((1.0 / len(f.organisations), i))
        for theme in f.themes:
            entries.setdefault("h:" + theme, []).append((1.0 / len(f.themes), i))
    with shared(_work, features=features, index=_postings(entries)):
        chunks = parallel_map(_score_rows, range(0, len(features), SCORE_ROWS), jobs, per_worker=SCORE_CHUNKS_PER_WORKER)
    return [row for chunk in chunks for row in chunk]


def _score_rows(start: int) -> list[list[tuple[float, int, float]]]:
    """Rows ``start`` to ``start + SCORE_ROWS`` of :func:`_scores` (in a forked worker, or here)."""
    features: list[_Features] = _work["features"]
    index: dict[str, list[tuple[int, float]]] = _work["index"]
    w_text, w_themes, w_orgs, w_regions, w_services = (WEIGHTS[k] for k in ("text", "themes", "organisations", "regions", "services"))
    result = []
    for i in range(start, min(start + SCORE_ROWS, len(features))):
        f = features[i]
        text: dict[int, float] = {}
        for term, weight in f.vector.items():
            for j, other in index["t:" + term]:
                text[j] = text.get(j, 0.0) + weight * other
        candidates = set(text)
        for key in [*("o:" + o for o in f.organisations), *("h:" + t for t in f.themes)]:
            candidates.update(j for j, _ in index[key])
        candidates.discard(i)
        scored = []
        orgs, theme_bits, region_bits, service_bits = f.organisations, f.theme_bits, f.region_bits, f.service_bits
        for j in candidates:
            g = features[j]
            cosine = text.get(j, 0.0)
            shared_themes, shared_orgs = (theme_bits & g.theme_bits).bit_count(), len(orgs & g.organisations)
            if shared_themes or shared_orgs or cosine >= MIN_TEXT:
                score = (w_text * cosine + w_themes * shared_themes + w_orgs * shared_orgs
                         + w_regions * (region_bits & g.region_bits).bit_count()
                         + w_services * (service_bits & g.service_bits).bit_count())
                scored.append((-score, j))
        result.append([(score, j, text.get(j, 0.0)) for score, j in heapq.nsmallest(SHOWN, scored)])  # score, then slug
    return result


def similar_projects(projects: Sequence[ProjectView], store: MemoStore | None = None,
                     jobs: int = 1) -> dict[str, tuple[Similar, ...]]:
    """For each slug, its most similar projects: score descending, then slug.

    ``store`` keeps each project's term counts (by its text) and the scores (by a digest of every
    project's features), so a rebuild in which no title, summary or opening words changed scores nothing.
    What is computed is computed on ``jobs`` processes (0: all cores) when there is much of it.
    """
    projects = sorted(projects, key=lambda p: p.slug)  # so that a lower position is an earlier slug
    vectors, vectors_key = _vectors(projects, store, jobs)
    features = functools.cache(lambda: _features(projects, vectors))  # only if the scores or reasons are worked out again
    key = _features_key(projects, vectors_key) if store is not None else ""
    scores = store.get(key) if store is not None else None
    if not isinstance(scores, list) or len(scores) != len(projects):
        scores = _scores(features(), jobs)
        if store is not None:
            store.put(key, scores)
    labels = {r.id: r.label for p in projects for r in p.regions}
    reasons = _all_reasons(projects, features, scores, labels, key, store)
    shared_reasons: dict[tuple[str, ...], tuple[str, ...]] = {}  # one object per distinct list: digested once (page keys)
    return {project.slug: tuple(Similar(projects[j], shared_reasons.setdefault(why, why), -score)
                                for (score, j, _), why in zip(best, said, strict=True))
            for project, best, said in zip(projects, scores, reasons, strict=True)}


def _all_reasons(projects: Sequence[ProjectView], features: Callable[[], list[_Features]],
                 scores: list[list[tuple[float, int, float]]], labels: Mapping[str, str], key: str,
                 store: MemoStore | None) -> list[list[tuple[str, ...]]]:
    """What each shown pair has in common, kept in ``store`` with the scores and the labels it names."""
    if store is not None:
        named = sorted({(r.id, r.label) for p in projects for r in (*p.themes, p.lead, *p.partners, *p.regions)})
        key = "reasons:" + hashlib.sha256((key + repr(named)).encode("utf-8", "surrogatepass")).hexdigest()
        found = store.get(key)
        if isinstance(found, list) and len(found) == len(projects):
            return found
    made = features()
    reasons = [[_reasons(project, projects[j], f, made[j], cosine, labels) for _, j, cosine in best]
               for project, f, best in zip(projects, made, scores, strict=True)]
    if store is not None:
        store.put(key, reasons)
    return reasons
