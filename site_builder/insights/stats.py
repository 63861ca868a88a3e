"""Counting for /insights/: every number shown is the length of a project listing the site publishes.

A chart row links to its listing (a facet page such as ``themes/<id>/`` or one of the listings planned
here, such as ``insights/combinations/police-fire/``), and its count is the number of projects on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from site_builder.catalogue.registry import Registry
from site_builder.catalogue.types import Project
from site_builder.model.project import BLUE_LIGHT, STATUS_LABELS, STATUSES, slugify
from site_builder.views.project import Facet, FacetGroup, ProjectView, Ref

NOT_RECORDED = "not-recorded"
COMBINATIONS: tuple[tuple[str, str, frozenset[str]], ...] = (  # (id, label, the blue-light services involved: exactly these)
    ("police-fire", "Police and fire only", frozenset({"police", "fire"})),
    ("fire-ambulance", "Fire and ambulance only", frozenset({"fire", "ambulance"})),
    ("police-ambulance", "Police and ambulance only", frozenset({"police", "ambulance"})),
    ("all-three", "All three services", frozenset({"police", "fire", "ambulance"})),
    ("one-service", "One blue-light service", frozenset()),  # any single one
    ("no-blue-light", "No blue-light service", frozenset()),
)
BEYOND = ("beyond-blue-light", "With partners beyond the blue-light services")


@dataclass(frozen=True)
class Row:
    """One bar and one table row: ``count`` projects are listed at ``url``."""

    id: str
    label: str
    count: int
    url: str
    amount: int | None = None  # pounds, for money charts
    parts: tuple[int, ...] = ()  # per series, for stacked charts
    note: str = ""  # e.g. a median


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    rows: tuple[Row, ...]
    item: str = "Item"  # the heading of the table's first column
    series: tuple[Ref, ...] = ()  # stacked charts: the parts of each bar, in order
    money: bool = False  # bars measure ``amount``, not ``count``


@dataclass(frozen=True)
class CrossTable:
    """Rows (themes) against columns (enablers or barriers): projects with both."""

    id: str
    title: str
    columns: tuple[Ref, ...]
    rows: tuple[tuple[Row, tuple[int, ...]], ...]


def ranked(rows: Iterable[Row]) -> tuple[Row, ...]:
    """Most projects first, then by label and id."""
    return tuple(sorted(rows, key=lambda r: (-r.count, r.label.casefold(), r.id)))


def facet_rows(group: FacetGroup) -> tuple[Row, ...]:
    return tuple(Row(f.id, f.label, len(f.projects), f.url) for f in group.facets)


def median(values: Sequence[int]) -> int:
    """The median in whole pounds (the mean of the middle two for an even count, rounded half up)."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    pair = Decimal(ordered[middle - 1] + ordered[middle]) / 2
    return int(pair.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def combination(services: Iterable[str]) -> str:
    """The id of the COMBINATIONS row a project with these services belongs to (exactly one)."""
    blue = frozenset(services) & BLUE_LIGHT
    for cid, _, wanted in COMBINATIONS:
        if wanted and blue == wanted:
            return cid
    return "one-service" if blue else "no-blue-light"


def started_year(project: Project) -> str:
    return project.meta.started[:4] if project.meta.started else NOT_RECORDED


def source_key(source: str) -> str:
    """Funding sources are free text: the same words in any case and spacing are one source."""
    return " ".join(source.split()).casefold()


# --- listings planned for the insights (each becomes a FacetGroup of static pages) ---------------

def _group(name: str, title: str, singular: str, facets: Iterable[Facet]) -> FacetGroup:
    return FacetGroup(name, title, singular, "", "", tuple(facets))


def _term_group(name: str, title: str, singular: str, terms: Mapping[str, Ref], describe: Mapping[str, str],
                found: Mapping[str, list[ProjectView]]) -> FacetGroup:
    return _group(name, title, singular, (Facet(t, ref.label, describe[t], f"{name}/{t}/", tuple(found.get(t, ())))
                                         for t, ref in terms.items()))


def listing_groups(registry: Registry, by_title: Sequence[ProjectView],
                   raw: Mapping[str, Project]) -> dict[str, FacetGroup]:
    """The static listings behind the charts that no facet page covers, each in ``by_title`` order.

    ``raw`` maps each slug to its validated project (for the numbers the view models format as text).
    """
    enablers: dict[str, list[ProjectView]] = {}
    barriers: dict[str, list[ProjectView]] = {}
    combos: dict[str, list[ProjectView]] = {}
    years: dict[str, list[ProjectView]] = {}
    sources: dict[str, list[ProjectView]] = {}
    labels: dict[str, str] = {}
    reported: dict[str, list[ProjectView]] = {"costs": [], "savings": []}
    for view in by_title:
        meta = raw[view.slug].meta
        for ref in view.enablers:
            enablers.setdefault(ref.id, []).append(view)
        for ref in view.barriers:
            barriers.setdefault(ref.id, []).append(view)
        services = [s.id for s in view.services]
        combos.setdefault(combination(services), []).append(view)
        if any(s not in BLUE_LIGHT for s in services):
            combos.setdefault(BEYOND[0], []).append(view)
        years.setdefault(started_year(raw[view.slug]), []).append(view)
        for key in dict.fromkeys(source_key(f.source) for f in meta.funding or ()):
            sources.setdefault(key, []).append(view)
        if meta.costs_gbp is not None:
            reported["costs"].append(view)
        if meta.savings_gbp_per_year is not None:
            reported["savings"].append(view)
    for project in sorted(raw.values(), key=lambda p: p.slug):  # a source's label: its first spelling, by slug
        for item in project.meta.funding or ():
            labels.setdefault(source_key(item.source), " ".join(item.source.split()))
    terms = {"enablers": registry.enablers, "barriers": registry.barriers}
    refs = {name: {t: Ref(t, term.label) for t, term in vocab.items()} for name, vocab in terms.items()}
    descriptions = {name: {t: term.description for t, term in vocab.items()} for name, vocab in terms.items()}
    combo_facets = [Facet(cid, label, f"Projects whose blue-light services are: {label.lower()}.",
                          f"insights/combinations/{cid}/", tuple(combos.get(cid, ()))) for cid, label, _ in COMBINATIONS]
    combo_facets.append(Facet(BEYOND[0], BEYOND[1], "Projects with a partner that is not a police force, fire and "
                              "rescue service or ambulance trust.", f"insights/combinations/{BEYOND[0]}/",
                              tuple(combos.get(BEYOND[0], ()))))
    year_ids = sorted(y for y in years if y != NOT_RECORDED) + ([NOT_RECORDED] if NOT_RECORDED in years else [])
    year_facets = [Facet(y, "Start not recorded" if y == NOT_RECORDED else y,
                         "Projects that do not say when they started." if y == NOT_RECORDED else f"Projects started in {y}.",
                         f"insights/started/{y}/", tuple(years[y])) for y in year_ids]
    source_facets = []
    used: set[str] = set()
    for key in sorted(sources, key=lambda k: (labels[k].casefold(), k)):
        slug = base = slugify(labels[key])[:60].strip("-") or "source"
        n = 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        source_facets.append(Facet(slug, labels[key], f"Projects funded by {labels[key]}.", f"insights/funding/{slug}/",
                                   tuple(sources[key])))
    money = [Facet("costs", "Projects reporting their costs", "Projects that give their total cost.",
                   "insights/reported/costs/", tuple(reported["costs"])),
             Facet("savings", "Projects reporting yearly savings", "Projects that give a yearly saving.",
                   "insights/reported/savings/", tuple(reported["savings"]))]
    return {
        "enablers": _term_group("enablers", "What helped", "Enabler", refs["enablers"], descriptions["enablers"], enablers),
        "barriers": _term_group("barriers", "What got in the way", "Barrier", refs["barriers"], descriptions["barriers"], barriers),
        "combinations": _group("insights/combinations", "Combinations of services", "Combination", combo_facets),
        "started": _group("insights/started", "Year started", "Year started", year_facets),
        "funding": _group("insights/funding", "Funding sources", "Funding source", source_facets),
        "reported": _group("insights/reported", "Reported costs and savings", "Reported", money),
    }


# --- the charts ------------------------------------------------------------------------------------

def _status_refs() -> tuple[Ref, ...]:
    return tuple(Ref(s, STATUS_LABELS[s], f"status/{s}/") for s in STATUSES)


def charts(facets: Mapping[str, FacetGroup], groups: Mapping[str, FacetGroup],
           raw: Mapping[str, Project]) -> tuple[Chart, ...]:
    """Every chart on /insights/, in page order."""
    combos = facet_rows(groups["combinations"])
    years = []
    for facet in groups["started"].facets:
        statuses = [p.status.id for p in facet.projects]
        years.append(Row(facet.id, facet.label, len(facet.projects), facet.url,
                         parts=tuple(statuses.count(s) for s in STATUSES)))
    funding = []
    for facet in groups["funding"].facets:
        key = source_key(facet.label)
        total = sum(f.amount_gbp for p in facet.projects for f in raw[p.slug].meta.funding or () if source_key(f.source) == key)
        funding.append(Row(facet.id, facet.label, len(facet.projects), facet.url, amount=total))
    money = []
    for facet, field in zip(groups["reported"].facets, ("costs_gbp", "savings_gbp_per_year"), strict=True):
        values = [getattr(raw[p.slug].meta, field) for p in facet.projects]
        label = "Total costs" if field == "costs_gbp" else "Yearly savings"
        money.append(Row(facet.id, label, len(values), facet.url, amount=sum(values),
                         note=f"£{median(values):,}" if values else ""))
    return (
        Chart("themes", "Projects by theme", "How many projects have each theme. A project can have several themes.",
              ranked(facet_rows(facets["themes"])), item="Theme"),
        Chart("combinations", "Projects by combination of services",
              "How many projects bring together each combination of police, fire and ambulance services. Each project "
              "is in exactly one of the first six rows; the last row counts projects that also involve other partners.",
              combos, item="Combination"),
        Chart("regions", "Projects by region", "How many projects involve an organisation covering each region. "
              "A project can cover several regions.", ranked(facet_rows(facets["regions"])), item="Region"),
        Chart("status", "Projects by status", "How many projects are at each stage, from proposed to discontinued.",
              facet_rows(facets["status"]), item="Status"),
        Chart("started", "Projects started each year, by status",
              "How many projects started in each year, split by their status today.", tuple(years), series=_status_refs(), item="Year started"),
        Chart("enablers", "What helped, ranked", "How many projects name each enabler.", ranked(facet_rows(groups["enablers"])), item="Enabler"),
        Chart("barriers", "What got in the way, ranked", "How many projects name each barrier.",
              ranked(facet_rows(groups["barriers"])), item="Barrier"),
        Chart("funding", "Funding by source", "The money each funding source gave, in pounds, and to how many projects.",
              tuple(sorted(funding, key=lambda r: (-(r.amount or 0), r.label.casefold(), r.id))), money=True, item="Funding source"),
        Chart("money", "Reported costs and yearly savings",
              "Total costs and yearly savings reported, in pounds, with the median and how many projects report them.",
              tuple(money), money=True, item="Measure"),
    )


def cross_tables(facets: Mapping[str, FacetGroup], groups: Mapping[str, FacetGroup]) -> tuple[CrossTable, ...]:
    """Theme against enabler and theme against barrier: how many projects have both."""
    tables = []
    for name, title in (("enablers", "Themes and what helped"), ("barriers", "Themes and what got in the way")):
        columns = tuple(Ref(f.id, f.label, f.url) for f in groups[name].facets)
        rows = []
        for theme in facets["themes"].facets:
            have = [{r.id for r in getattr(p, name)} for p in theme.projects]
            rows.append((Row(theme.id, theme.label, len(theme.projects), theme.url),
                         tuple(sum(1 for h in have if c.id in h) for c in columns)))
        tables.append(CrossTable(f"theme-{name}", title, columns, tuple(rows)))
    return tuple(tables)


@dataclass(frozen=True)
class Factors:
    """What helped and what got in the way on one facet's projects (for its page)."""

    enablers: tuple[Row, ...]
    barriers: tuple[Row, ...]


def facet_factors(projects: Sequence[ProjectView], groups: Mapping[str, FacetGroup]) -> Factors:
    """Each enabler and barrier named by these projects, with how many name it, most first."""
    found: dict[str, tuple[Row, ...]] = {}
    for name in ("enablers", "barriers"):
        counts: dict[str, int] = {}
        for project in projects:
            for ref in getattr(project, name):
                counts[ref.id] = counts.get(ref.id, 0) + 1
        found[name] = ranked(Row(f.id, f.label, counts[f.id], f.url) for f in groups[name].facets if f.id in counts)
    return Factors(found["enablers"], found["barriers"])
