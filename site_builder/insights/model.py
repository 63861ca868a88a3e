"""Everything the insights pages show, computed once per build from the site's view models."""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup

from site_builder.catalogue.region_tiles import TILES_FILE, load_region_tiles
from site_builder.catalogue.types import Catalogue
from site_builder.insights.network import Network, build_network
from site_builder.insights.region_map import Tile, region_map
from site_builder.insights.stats import Chart, CrossTable, Factors, charts, cross_tables, facet_factors, listing_groups
from site_builder.insights.svg import Bar, bar_chart
from site_builder.text.file_access import read_content_file
from site_builder.text.memo_store import MemoStore, source_version
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


# --- kept between builds: an edit to a description changes no insight ------------------------------

CACHE_NAME = "insights"  # ROOT/.cache/insights.pickle


def insights_store(root: Path) -> MemoStore | None:
    return MemoStore.open(root, CACHE_NAME, source_version("insights-1", ("insights/model.py",)))


def insights_key(catalogue: Catalogue, views: Sequence[ProjectView], settings: str) -> str | None:
    """A digest of everything the insights are made from, or ``None`` without the parse cache's keys.

    That is the registry, vocabularies and code (the catalogue's parse version), the region map's file,
    the site ``settings``, and each project's path, front matter, dates and staleness: all its view shows
    but the description, which no insight reads. So an edit to a description leaves the key as it was.
    """
    if not catalogue.parse_version:
        return None
    tiles, _ = read_content_file(catalogue.root, TILES_FILE)
    digest = hashlib.sha256(f"{catalogue.parse_version}\0{settings}\0".encode("utf-8", "surrogatepass"))
    digest.update(b"no map" if tiles is None else hashlib.sha256(tiles).digest())
    for project, view in zip(catalogue.projects, views, strict=True):
        digest.update(f"{project.path}\0{project.front_key}\0{view.added.isoformat()}\0{view.updated.isoformat()}"
                      f"\0{view.stale}\n".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


class _ViewsBySlug(pickle.Pickler):
    """Pickles the insights with each project view as its slug: the views are the build's own."""

    def persistent_id(self, obj: Any) -> str | None:
        return obj.slug if type(obj) is ProjectView else None


class _ViewsFromSite(pickle.Unpickler):
    def __init__(self, data: bytes, views: Mapping[str, ProjectView]) -> None:
        super().__init__(io.BytesIO(data))
        self._views = views

    def persistent_load(self, pid: Any) -> ProjectView:
        return self._views[pid]


def kept_insights(store: MemoStore | None, key: str | None, views: Sequence[ProjectView]) -> Insights | None:
    """The insights ``store`` keeps under ``key``, holding ``views`` (by slug); ``None`` if it has none."""
    found = store.get(key) if store is not None and key is not None else None
    if not isinstance(found, bytes):
        return None
    try:
        insights = _ViewsFromSite(found, {view.slug: view for view in views}).load()
    except (KeyError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        return None  # a view it names is gone: the key would have changed, so this is only belt and braces
    return insights if isinstance(insights, Insights) else None


def keep_insights(store: MemoStore, key: str, insights: Insights) -> None:
    buffer = io.BytesIO()
    _ViewsBySlug(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(insights)
    store.put(key, buffer.getvalue())
