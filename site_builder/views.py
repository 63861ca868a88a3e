"""View models: what templates, feeds and data files see. Templates never touch the raw schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from site_builder.catalogue import Catalogue, Project
from site_builder.checks import STALE_AFTER_MONTHS, months_between
from site_builder.history import FileDates
from site_builder.models import KIND_LABELS, STATUS_LABELS, SiteConfig

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass(frozen=True)
class Ref:
    """Something with an id, a label and (usually) a page. ``url`` is relative to the site root."""

    id: str
    label: str
    url: str = ""


@dataclass(frozen=True)
class Fact:
    """One row of a project's summary list."""

    key: str
    values: tuple[Ref, ...]


@dataclass(frozen=True)
class ProjectView:
    slug: str
    url: str
    title: str
    summary: str
    status: Ref
    lead: Ref
    partners: tuple[Ref, ...]
    services: tuple[Ref, ...]
    regions: tuple[Ref, ...]
    themes: tuple[Ref, ...]
    enablers: tuple[Ref, ...]
    barriers: tuple[Ref, ...]
    started: str
    ended: str
    scope: str
    formal_agreement: str
    funding: tuple[str, ...]
    costs: str
    savings: str
    benefits: tuple[str, ...]
    lessons: tuple[str, ...]
    evaluation: Mapping[str, str]
    contact: Mapping[str, str]
    links: tuple[Ref, ...]
    body_html: Markup
    last_reviewed: dt.date
    stale: bool
    added: dt.datetime
    updated: dt.datetime
    source_path: str
    edit_url: str
    json_url: str
    aliases: tuple[str, ...]


def partial_date(value: str | None) -> str:
    """``2015-11`` as ``November 2015``; ``2015-11-03`` as ``3 November 2015``."""
    if not value:
        return ""
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    month = MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def long_date(value: dt.date) -> str:
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def pounds(value: int | None) -> str:
    return "" if value is None else f"£{value:,}"


def status_ref(status: str) -> Ref:
    return Ref(status, STATUS_LABELS[status], f"status/{status}/")


def service_ref(kind: str) -> Ref:
    return Ref(kind, KIND_LABELS[kind], f"services/{kind}/")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


class ViewBuilder:
    """Builds view models for one catalogue, with the lookups they share."""

    def __init__(self, catalogue: Catalogue, config: SiteConfig, history: Mapping[str, FileDates],
                 as_of: dt.datetime) -> None:
        self.catalogue = catalogue
        self.config = config
        self.history = history
        self.as_of = as_of
        registry = catalogue.registry
        self.orgs = {oid: Ref(oid, org.name, f"organisations/{oid}/") for oid, org in registry.organisations.items()}
        self.regions = {rid: Ref(rid, r.label, f"regions/{rid}/") for rid, r in registry.regions.items()}
        self.themes = {tid: Ref(tid, t.label, f"themes/{tid}/") for tid, t in registry.themes.items()}
        self.enablers = {tid: Ref(tid, t.label, "") for tid, t in registry.enablers.items()}
        self.barriers = {tid: Ref(tid, t.label, "") for tid, t in registry.barriers.items()}

    def project(self, project: Project, body_html: str) -> ProjectView:
        meta = project.meta
        dates = self.history.get(project.path)
        reviewed = _midnight(meta.last_reviewed)
        evaluation: dict[str, str] = {}
        if meta.evaluation:
            evaluation = {"kind": meta.evaluation.kind, "summary": meta.evaluation.summary or "",
                          "url": meta.evaluation.url or ""}
        contact: dict[str, str] = {}
        if meta.contact:
            contact = {"role": meta.contact.role, "email": meta.contact.email,
                       "organisation": self.orgs[meta.contact.organisation].label if meta.contact.organisation else ""}
        repo = self.config.repository_url.rstrip("/")
        return ProjectView(
            slug=project.slug,
            url=f"projects/{project.slug}/",
            title=meta.title,
            summary=meta.summary,
            status=status_ref(meta.status),
            lead=self.orgs[meta.lead],
            partners=tuple(self.orgs[p] for p in meta.partners),
            services=tuple(service_ref(k) for k in project.services),
            regions=tuple(self.regions[r] for r in project.regions),
            themes=tuple(self.themes[t] for t in meta.themes),
            enablers=tuple(self.enablers[e] for e in meta.enablers or ()),
            barriers=tuple(self.barriers[b] for b in meta.barriers or ()),
            started=partial_date(meta.started),
            ended=partial_date(meta.ended),
            scope=(meta.scope or "").capitalize(),
            formal_agreement="" if meta.formal_agreement is None else ("Yes" if meta.formal_agreement else "No"),
            funding=tuple(f"{pounds(f.amount_gbp)} from {f.source}" + (f" ({f.year})" if f.year else "")
                          for f in meta.funding or ()),
            costs=pounds(meta.costs_gbp),
            savings=pounds(meta.savings_gbp_per_year) + (" a year" if meta.savings_gbp_per_year is not None else ""),
            benefits=tuple(meta.benefits or ()),
            lessons=tuple(meta.lessons or ()),
            evaluation=evaluation,
            contact=contact,
            links=tuple(Ref(str(i), link.title, link.url) for i, link in enumerate(meta.links or ())),
            body_html=Markup(body_html),
            last_reviewed=meta.last_reviewed,
            stale=months_between(meta.last_reviewed, self.as_of.date()) >= STALE_AFTER_MONTHS,
            added=dates.added if dates else reviewed,
            updated=dates.updated if dates else reviewed,
            source_path=project.path,
            edit_url=f"{repo}/edit/{self.config.edit_branch}/{project.path}",
            json_url=f"data/projects/{project.slug}.json",
            aliases=tuple(meta.aliases or ()),
        )


def template_globals(config: SiteConfig, as_of: dt.datetime) -> dict[str, Any]:
    return {"site": config, "build_time": as_of, "stale_months": STALE_AFTER_MONTHS}
