"""Everything the insights pages show, computed once per build from the site's view models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from site_builder.catalogue.region_tiles import load_region_tiles
from site_builder.catalogue.types import Catalogue
from site_builder.insights.network import Network, build_network
from site_builder.insights.region_map import Tile, region_map
from site_builder.insights.stats import Chart, CrossTable, Factors, charts, cross_tables, facet_factors, listing_groups
from site_builder.insights.svg import Bar, bar_chart
from site_builder.views.project import FacetGroup, OrganisationView, ProjectView

MAX_BARS = 20  # a chart draws at most this many bars (funding sources are free text); its table lists all
FACTOR_GROUPS = ("themes", "regions", "services")  # facet pages that show their own enablers and barriers


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def chart_svg(chart: Chart) -> Markup:
    """The chart's SVG: bars by count, or by amount (with the count beside it) for money charts."""
    rows = chart.rows[:MAX_BARS]
    if chart.money:
        bars = [Bar(r.label, r.amount or 0, f"£{r.amount or 0:,} ({_plural(r.count, 'project')})") for r in rows]
    else:
        bars = [Bar(r.label, r.count, f"{r.count:,}", r.parts) for r in rows]
    description = chart.description
    if len(chart.rows) > MAX_BARS:
        description += f" The first {MAX_BARS} of {len(chart.rows):,} are drawn; the table below lists them all."
    return bar_chart(f"chart-{chart.id}", chart.title, description, bars, [s.label for s in chart.series])


@dataclass(frozen=True)
class Insights:
    groups: Mapping[str, FacetGroup]  # the listings behind the charts, planned as static pages
    charts: tuple[Chart, ...]
    svgs: Mapping[str, Markup]
    cross: tuple[CrossTable, ...]
    network: Network
    tiles: tuple[Tile, ...]
    factors: Mapping[str, Mapping[str, Factors]]  # facet group -> facet id -> its enablers and barriers

    def facet_context(self, group: FacetGroup) -> dict[str, Any]:
        """What a facet group's pages show besides their projects: the map, their enablers and barriers."""
        context: dict[str, Any] = {}
        if group.name in self.factors:
            context["factors"] = self.factors[group.name]
        if group.name == "regions":
            context["tiles"] = self.tiles
        return context


def build_insights(catalogue: Catalogue, by_title: Sequence[ProjectView],
                   organisations: Sequence[OrganisationView], facets: Mapping[str, FacetGroup]) -> Insights:
    raw = {p.slug: p for p in catalogue.projects}
    groups = listing_groups(catalogue.registry, by_title, raw)
    found = charts(facets, groups, raw)
    tiles, _ = load_region_tiles(catalogue.root, catalogue.registry)  # its problems fail `catalogue check` first
    factors = {name: {f.id: facet_factors(f.projects, groups) for f in facets[name].facets} for name in FACTOR_GROUPS}
    return Insights(
        groups=groups,
        charts=found,
        svgs={c.id: chart_svg(c) for c in found},
        cross=cross_tables(facets, groups),
        network=build_network(by_title, organisations, facets),
        tiles=region_map(tiles, facets["regions"].facets),
        factors=factors,
    )
