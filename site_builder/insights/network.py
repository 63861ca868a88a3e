"""Who works with whom, for /network/: kinds of organisation together, the busiest organisations and
pairs, and how many collaborations in each region cross service lines."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

from site_builder.model.project import BLUE_LIGHT
from site_builder.views.project import FacetGroup, OrganisationView, ProjectView, Ref, service_ref

TOP = 20


@dataclass(frozen=True)
class KindMatrix:
    """``cells[i][j]``: projects involving kinds i and j; on the diagonal, two or more organisations of kind i."""

    kinds: tuple[Ref, ...]
    totals: tuple[int, ...]  # projects involving each kind (its services/<kind>/ page)
    cells: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class Busy:
    org: Ref
    projects: int  # on its organisation page: led plus partnered
    partners: int  # organisations it works with


@dataclass(frozen=True)
class Pair:
    first: Ref
    second: Ref
    projects: int


@dataclass(frozen=True)
class RegionLines:
    region: Ref
    projects: int  # on its region page
    crossing: int  # of those, how many involve two or more blue-light services


@dataclass(frozen=True)
class Network:
    matrix: KindMatrix
    busiest: tuple[Busy, ...]
    pairs: tuple[Pair, ...]
    regions: tuple[RegionLines, ...]
    crossing: int  # across the catalogue


def crosses_lines(project: ProjectView) -> bool:
    """Two or more of police, fire and ambulance take part."""
    return len({s.id for s in project.services} & BLUE_LIGHT) >= 2


def kind_matrix(projects: Sequence[ProjectView], kinds_of: Mapping[str, str], services: FacetGroup) -> KindMatrix:
    shown = [f for f in services.facets if f.projects]
    index = {f.id: i for i, f in enumerate(shown)}
    cells = [[0] * len(shown) for _ in shown]
    for project in projects:
        kinds = Counter(kinds_of[o] for o in {project.lead.id, *(p.id for p in project.partners)})
        present = sorted(index[k] for k in kinds if k in index)
        for i in present:
            if kinds[shown[i].id] >= 2:
                cells[i][i] += 1
        for i, j in combinations(present, 2):
            cells[i][j] += 1
            cells[j][i] += 1
    return KindMatrix(tuple(service_ref(f.id) for f in shown), tuple(len(f.projects) for f in shown),
                      tuple(tuple(row) for row in cells))


def build_network(projects: Sequence[ProjectView], organisations: Sequence[OrganisationView],
                  facets: Mapping[str, FacetGroup]) -> Network:
    kinds_of = {o.id: o.kind.id for o in organisations}
    refs = {o.id: Ref(o.id, o.label, o.url) for o in organisations}
    busiest = sorted((Busy(refs[o.id], o.project_count, len(o.works_with)) for o in organisations if o.project_count),
                     key=lambda b: (-b.projects, b.org.label.casefold(), b.org.id))[:TOP]
    shared: Counter[tuple[str, str]] = Counter()
    for project in projects:
        involved = sorted({project.lead.id, *(p.id for p in project.partners)})
        shared.update(combinations(involved, 2))
    by_name = sorted(refs.values(), key=lambda r: (r.label.casefold(), r.id))
    rank = {r.id: i for i, r in enumerate(by_name)}
    ordered = ((a, b) if rank[a] < rank[b] else (b, a) for a, b in shared)
    pairs = sorted((Pair(refs[a], refs[b], shared[a, b] if (a, b) in shared else shared[b, a]) for a, b in ordered),
                   key=lambda p: (-p.projects, p.first.label.casefold(), p.second.label.casefold(), p.first.id, p.second.id))
    regions = tuple(RegionLines(Ref(f.id, f.label, f.url), len(f.projects), sum(1 for p in f.projects if crosses_lines(p)))
                    for f in facets["regions"].facets)
    return Network(kind_matrix(projects, kinds_of, facets["services"]), tuple(busiest), tuple(pairs[:TOP]), regions,
                   sum(1 for p in projects if crosses_lines(p)))
