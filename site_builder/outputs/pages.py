"""Which pages the site has, and what each one shows.

| path | template |
|---|---|
| ``index.html`` | home: what the catalogue is, counts, ways to browse, recent changes |
| ``projects/``, ``projects/page/<n>/`` | every project, 50 a page, with filters (JavaScript) |
| ``projects/<slug>/`` | one project; ``projects/<alias>/`` redirects to it |
| ``organisations/``, ``organisations/<id>/`` | organisations by kind; one organisation's projects |
| ``<facet>/``, ``<facet>/<id>/``, ``<facet>/<id>/page/<n>/`` | status, services, themes, regions |
| ``insights/``, ``network/`` | the catalogue in charts; who works with whom |
| ``enablers/<id>/``, ``barriers/<id>/``, ``insights/<chart>/<id>/`` | the listings behind the charts |
| ``data/``, ``about/``, ``contribute/``, ``accessibility/``, ``search/`` | the site's own pages |
| ``404.html`` | not found, with links from the site root so it works at any depth |
| ``changes/`` | the latest changes across the catalogue, from git history |
| ``document/``, ``document/<theme>/`` | the whole catalogue as one printable report; one per theme too once it is large |
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from site_builder.outputs.compendium import document_pages
from site_builder.outputs.data import DERIVED_FIELDS
from site_builder.outputs.field_docs import field_rows
from site_builder.outputs.page import Page
from site_builder.site.data import SiteData
from site_builder.views.project import FacetGroup, ProjectView, page_url, pagination

PER_PAGE = 50
RECENT = 5
STATIC_PAGES = ("about", "contribute", "accessibility")


def listing_pages(base: str, template: str, projects: Sequence[ProjectView], context: Mapping[str, Any]) -> list[Page]:
    """``base`` and its ``page/<n>/`` pages, ``PER_PAGE`` projects each (one empty page if none)."""
    pages = []
    count = max(1, -(-len(projects) // PER_PAGE))
    for number in range(1, count + 1):
        pager = pagination(base, number, PER_PAGE, len(projects))
        chunk = projects[(number - 1) * PER_PAGE: number * PER_PAGE]
        pages.append(Page(f"{page_url(base, number)}index.html", template, {**context, "projects": chunk, "pagination": pager}))
    return pages


def home_page(site: SiteData) -> Page:
    return Page("index.html", "index.html", {
        "project_count": len(site.projects),
        "organisations_involved": site.organisations_involved,
        "facets": site.facets,
        "recently_added": site.recently_added(RECENT),
        "recently_updated": site.recently_updated(RECENT),
        "tiles": site.insights.tiles,
    })


def project_pages(site: SiteData) -> list[Page]:
    similar = site.similar
    pages = [Page(f"{p.url}index.html", "project.html",
                  {"project": p, "similar": similar[p.slug], "changes": site.log.for_file(p.source_path)})
             for p in site.projects]
    pages += [Page(f"projects/{alias}/index.html", "redirect.html", {"project": p})
              for p in site.projects for alias in p.aliases]
    return pages


def organisation_pages(site: SiteData) -> list[Page]:
    groups = [(kind, [o for o in site.organisations if o.kind.id == kind.id])
              for kind in site.facets["services"].facets]
    pages = [Page("organisations/index.html", "organisations.html", {"groups": [g for g in groups if g[1]]})]
    pages += [Page(f"{o.url}index.html", "organisation.html", {"organisation": o}) for o in site.organisations]
    return pages


def facet_pages(group: FacetGroup, extra: Mapping[str, Any] | None = None) -> list[Page]:
    """A group's index and each facet's listing; ``extra`` goes into every one's context."""
    pages = [Page(f"{group.name}/index.html", "facet_index.html", {"group": group, **(extra or {})})]
    for facet in group.facets:
        pages += listing_pages(facet.url, "facet.html", facet.projects, {"group": group, "facet": facet, **(extra or {})})
    return pages


def site_pages(site: SiteData) -> list[Page]:
    rows = field_rows(site.catalogue.registry)
    first = site.projects[0] if site.projects else None
    pages = [Page("data/index.html", "data.html", {"fields": rows, "derived": DERIVED_FIELDS, "example": first,
                                                   "project_count": len(site.projects)})]
    pages += [Page(f"{name}/index.html", f"{name}.html", {"fields": rows}) for name in STATIC_PAGES]
    pages.append(Page("search/index.html", "search.html", {}))
    pages.append(Page("404.html", "404.html", {}, root=site.root_path))
    return pages


# --- the catalogue as a whole: its change history and the printable document (site_builder/insights/) ---

def changes_page(site: SiteData) -> Page:
    """``changes/``: the newest changes to files that are still projects, each with its project."""
    by_path = {p.source_path: p for p in site.projects}
    latest = site.log.latest(frozenset(by_path))
    return Page("changes/index.html", "changes.html", {"changes": [(c, by_path[c.path]) for c in latest],
                                                       "available": site.log.available})


def whole_catalogue_pages(site: SiteData, pdf: bool) -> list[Page]:
    return [changes_page(site), *document_pages(site, pdf=pdf)]


def plan_pages(site: SiteData, *, pdf: bool = False) -> list[Page]:
    """Every HTML page, in a fixed order; ``pdf``: the documents link to their PDFs (``catalogue build --pdf``)."""
    pages = [home_page(site)]
    pages += listing_pages("projects/", "projects.html", site.by_title, {"facets": site.facets})
    pages += project_pages(site)
    pages += organisation_pages(site)
    for group in site.facets.values():
        pages += facet_pages(group, site.insights.facet_context(group))
    pages += insight_pages(site)
    pages += site_pages(site)
    pages += whole_catalogue_pages(site, pdf)
    return pages


# --- insights: /insights/, /network/ and the listings behind their charts (site_builder/insights/) ---

def insight_pages(site: SiteData) -> list[Page]:
    insights = site.insights
    pages = [Page("insights/index.html", "insights.html", {"insights": insights, "project_count": len(site.projects)}),
             Page("network/index.html", "network.html", {"network": insights.network, "project_count": len(site.projects)})]
    for group in insights.groups.values():
        pages += facet_pages(group)
    return pages
