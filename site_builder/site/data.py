"""SiteData: everything the page planner, data exports, feeds and search index work from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlsplit

from site_builder.catalogue.changes import CatalogueLog
from site_builder.catalogue.types import Catalogue
from site_builder.insights.model import Insights, build_insights, insights_key, keep_insights, kept_insights
from site_builder.insights.similar import Similar, similar_projects
from site_builder.model.project import SiteConfig
from site_builder.text.memo_store import MemoStore
from site_builder.views.project import FacetGroup, OrganisationView, ProjectView, facet_groups, organisation_views


@dataclass(frozen=True)
class SiteData:
    """The validated catalogue, its view models and the build's settings.

    The listings derived from ``projects`` (organisations, facets, recent changes) are computed once,
    on first use, in one pass each.
    """

    catalogue: Catalogue
    config: SiteConfig
    as_of: dt.datetime  # the build time: SOURCE_DATE_EPOCH, the last commit, or the newest content date
    projects: tuple[ProjectView, ...]  # sorted by slug, like catalogue.projects
    log: CatalogueLog = field(default_factory=CatalogueLog)  # every change to the project files, from git; empty without git
    similar_store: MemoStore | None = field(default=None, compare=False, repr=False)  # see insights/similar.py
    # Each project view's input key (views/project.py, ViewBuilder.input_key), for the build cache; or none.
    view_keys: tuple[str | None, ...] = field(default=(), compare=False, repr=False)
    jobs: int = field(default=1, compare=False, repr=False)  # processes for the listings that are costly (0: all cores)
    insights_store: MemoStore | None = field(default=None, compare=False, repr=False)  # see insights/model.py

    @cached_property
    def by_title(self) -> tuple[ProjectView, ...]:
        """The projects in reading order: by title, then slug. Every listing uses this order."""
        return tuple(sorted(self.projects, key=lambda p: (p.title.casefold(), p.slug)))

    @cached_property
    def view_keys_by_title(self) -> tuple[str | None, ...]:
        """``view_keys`` in the order of :attr:`by_title` (empty when there are none)."""
        if len(self.view_keys) != len(self.projects):
            return ()
        by_slug = {view.slug: key for view, key in zip(self.projects, self.view_keys, strict=True)}
        return tuple(by_slug[view.slug] for view in self.by_title)

    @cached_property
    def organisations(self) -> tuple[OrganisationView, ...]:
        """Every organisation in the registry, sorted by name, with its projects by title."""
        return organisation_views(self.catalogue.registry, self.by_title)

    @cached_property
    def facets(self) -> dict[str, FacetGroup]:
        """The ways to browse projects: "status", "services", "themes" and "regions", in that order."""
        return facet_groups(self.catalogue.registry, self.by_title)

    @cached_property
    def organisations_involved(self) -> int:
        """How many organisations lead or partner at least one project."""
        return len({o for p in self.projects for o in (p.lead.id, *(q.id for q in p.partners))})

    @cached_property
    def insights(self) -> Insights:
        """The charts, tables, network and region map of /insights/, /network/ and the facet pages.

        Kept in ``insights_store`` by :func:`~site_builder.insights.model.insights_key`: after an edit to a
        description they are not worked out again.
        """
        store = self.insights_store
        key = insights_key(self.catalogue, self.projects, self.config.model_dump_json()) if store is not None else None
        found = kept_insights(store, key, self.projects)
        if found is None:
            found = build_insights(self.catalogue, self.by_title, self.organisations, self.facets)
            if store is not None and key is not None:
                keep_insights(store, key, found)
        if store is not None:
            store.save()
        return found

    @cached_property
    def similar(self) -> dict[str, tuple[Similar, ...]]:
        """Each project's most similar projects, with reasons (site_builder/insights/similar.py)."""
        found = similar_projects(self.projects, self.similar_store, self.jobs)
        if self.similar_store is not None:
            self.similar_store.save()
        return found

    def recently_added(self, count: int) -> tuple[ProjectView, ...]:
        """The newest projects: added date descending, then slug."""
        return tuple(sorted(self.projects, key=lambda p: (-p.added.timestamp(), p.slug))[:count])

    def recently_updated(self, count: int) -> tuple[ProjectView, ...]:
        """The most recently changed projects: updated date descending, then slug."""
        return tuple(sorted(self.projects, key=lambda p: (-p.updated.timestamp(), p.slug))[:count])

    @property
    def root_path(self) -> str:
        """The path part of the base URL (``/catalogue/``), for pages served at any depth."""
        path = urlsplit(self.config.base_url).path or "/"
        return path if path.endswith("/") else path + "/"
