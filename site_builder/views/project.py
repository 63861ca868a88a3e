"""View models: what templates, feeds and data files see. Templates never touch the raw schema."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from site_builder.catalogue.history import FileDates
from site_builder.catalogue.registry import Registry
from site_builder.catalogue.rules import STALE_AFTER_MONTHS, months_between
from site_builder.catalogue.types import Catalogue, Project
from site_builder.model.project import KIND_LABELS, ORG_KINDS, STATUS_DESCRIPTIONS, STATUS_LABELS, STATUSES, SiteConfig

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")


@dataclass(frozen=True)
class Ref:
    """Something with an id, a label and (usually) a page. ``url`` is relative to the site root."""

    id: str
    label: str
    url: str = ""


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


@functools.cache  # one Ref per status and per service: shared by every view, digested once (build/fingerprint.py)
def status_ref(status: str) -> Ref:
    return Ref(status, STATUS_LABELS[status], f"status/{status}/")


@functools.cache
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
        self.orgs = org_refs(registry)
        self.regions = {rid: Ref(rid, r.label, f"regions/{rid}/") for rid, r in registry.regions.items()}
        self.themes = {tid: Ref(tid, t.label, f"themes/{tid}/") for tid, t in registry.themes.items()}
        self.enablers = {tid: Ref(tid, t.label, "") for tid, t in registry.enablers.items()}
        self.barriers = {tid: Ref(tid, t.label, "") for tid, t in registry.barriers.items()}
        self._config = config.model_dump_json().encode("utf-8")

    def input_key(self, project: Project, body_html: str) -> str | None:
        """A digest of everything :meth:`project` makes ``project``'s view from: its file, the registry and the
        code (the catalogue's source key), the description, its dates, whether it is stale, and the settings.

        ``None`` when the catalogue has no source key for the file (loaded without the parse cache).
        """
        source = self.catalogue.source_keys.get(project.path)
        if source is None:
            return None
        dates = self.history.get(project.path)
        # sha256: twice as fast as blake2b over the descriptions, where the CPU has SHA instructions
        digest = hashlib.sha256(f"{source}\0{dates!r}\0{self._stale(project)}\0".encode() + self._config + b"\0")
        digest.update(body_html.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:40]

    def _stale(self, project: Project) -> bool:
        return months_between(project.meta.last_reviewed, self.as_of.date()) >= STALE_AFTER_MONTHS

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
            stale=self._stale(project),
            added=dates.added if dates else reviewed,
            updated=dates.updated if dates else reviewed,
            source_path=project.path,
            edit_url=f"{repo}/edit/{self.config.edit_branch}/{project.path}",
            json_url=f"data/projects/{project.slug}.json",
            aliases=tuple(meta.aliases or ()),
        )


# --- listings: organisations, facets and pagination --------------------------------------------

@dataclass(frozen=True)
class Partner:
    """An organisation another one works with, and on how many projects."""

    org: Ref
    projects: int


@dataclass(frozen=True)
class OrganisationView:
    id: str
    url: str
    label: str
    kind: Ref
    regions: tuple[Ref, ...]
    code: str
    website: str
    replaced_by: Ref | None
    replaces: tuple[Ref, ...]
    lead_projects: tuple[ProjectView, ...]
    partner_projects: tuple[ProjectView, ...]
    works_with: tuple[Partner, ...]  # most shared projects first, then by name

    @property
    def project_count(self) -> int:
        return len(self.lead_projects) + len(self.partner_projects)


@dataclass(frozen=True)
class Facet:
    """One value of a facet (a theme, a region, a service or a status) and its projects."""

    id: str
    label: str
    description: str
    url: str
    projects: tuple[ProjectView, ...]


@dataclass(frozen=True)
class FacetGroup:
    """A way to browse projects. ``param`` is its query parameter, ``key`` its column in search/filter.json."""

    name: str  # the folder: "themes", "regions", "services", "status"
    title: str
    singular: str
    param: str
    key: str
    facets: tuple[Facet, ...]


@dataclass(frozen=True)
class PageLink:
    """A pagination item; ``number`` 0 is an ellipsis."""

    number: int
    url: str
    current: bool = False


@dataclass(frozen=True)
class Pagination:
    number: int
    pages: int
    total: int  # items across all pages
    first: int  # 1-based position of this page's first item
    last: int
    links: tuple[PageLink, ...]
    previous: str
    next: str


def org_refs(registry: Registry) -> dict[str, Ref]:
    return {oid: Ref(oid, org.name, f"organisations/{oid}/") for oid, org in registry.organisations.items()}


def _projects_by(projects: Iterable[ProjectView], field: str) -> dict[str, list[ProjectView]]:
    found: dict[str, list[ProjectView]] = {}
    for project in projects:
        refs: tuple[Ref, ...] = (project.status,) if field == "status" else getattr(project, field)
        for ref in refs:
            found.setdefault(ref.id, []).append(project)
    return found


def facet_groups(registry: Registry, projects: tuple[ProjectView, ...]) -> dict[str, FacetGroup]:
    """Status, services, themes and regions, each value with its projects (in the given order)."""
    by_status = _projects_by(projects, "status")
    by_service = _projects_by(projects, "services")
    by_theme = _projects_by(projects, "themes")
    by_region = _projects_by(projects, "regions")
    status = tuple(Facet(s, STATUS_LABELS[s], STATUS_DESCRIPTIONS[s], f"status/{s}/", tuple(by_status.get(s, ())))
                   for s in STATUSES)
    services = tuple(Facet(k, KIND_LABELS[k], f"Projects with at least one {KIND_LABELS[k].lower()} organisation "
                                              "as the lead or a partner.", f"services/{k}/", tuple(by_service.get(k, ())))
                     for k in ORG_KINDS)
    themes = tuple(Facet(t.id, t.label, t.description, f"themes/{t.id}/", tuple(by_theme.get(t.id, ())))
                   for t in registry.themes.values())
    regions = tuple(Facet(r.id, r.label, f"Projects involving an organisation that covers {r.label}.",
                          f"regions/{r.id}/", tuple(by_region.get(r.id, ()))) for r in registry.regions.values())
    return {
        "status": FacetGroup("status", "Status", "Status", "status", "st", status),
        "services": FacetGroup("services", "Services", "Service", "service", "sv", services),
        "themes": FacetGroup("themes", "Themes", "Theme", "theme", "th", themes),
        "regions": FacetGroup("regions", "Regions", "Region", "region", "rg", regions),
    }


def organisation_views(registry: Registry, projects: tuple[ProjectView, ...]) -> tuple[OrganisationView, ...]:
    """Every organisation in the registry, sorted by name then id, with its projects and partners."""
    refs = org_refs(registry)
    lead: dict[str, list[ProjectView]] = {}
    partner: dict[str, list[ProjectView]] = {}
    shared: dict[str, Counter[str]] = {}
    for project in projects:
        lead.setdefault(project.lead.id, []).append(project)
        involved = [project.lead.id, *(p.id for p in project.partners)]
        for ref in project.partners:
            partner.setdefault(ref.id, []).append(project)
        for org_id in involved:
            shared.setdefault(org_id, Counter()).update(o for o in set(involved) if o != org_id)
    replaces: dict[str, list[Ref]] = {}
    for oid, org in registry.organisations.items():
        if org.replaced_by:
            replaces.setdefault(org.replaced_by, []).append(refs[oid])
    views = []
    for oid, org in registry.organisations.items():
        counts = shared.get(oid, Counter())
        works_with = sorted((Partner(refs[o], n) for o, n in counts.items()), key=lambda p: (-p.projects, p.org.label, p.org.id))
        views.append(OrganisationView(
            id=oid, url=refs[oid].url, label=org.name, kind=service_ref(org.kind),
            regions=tuple(Ref(r, registry.regions[r].label, f"regions/{r}/") for r in org.regions),
            code=org.code or "", website=org.website or "",
            replaced_by=refs[org.replaced_by] if org.replaced_by else None,
            replaces=tuple(sorted(replaces.get(oid, ()), key=lambda r: (r.label, r.id))),
            lead_projects=tuple(lead.get(oid, ())), partner_projects=tuple(partner.get(oid, ())),
            works_with=tuple(works_with),
        ))
    return tuple(sorted(views, key=lambda v: (v.label.casefold(), v.id)))


def page_url(base: str, number: int) -> str:
    """``projects/`` for page 1, ``projects/page/2/`` after it."""
    return base if number == 1 else f"{base}page/{number}/"


def pagination(base: str, number: int, per_page: int, total: int) -> Pagination:
    """Page ``number`` of a listing at ``base``: the first, last and neighbouring pages, with ellipses."""
    pages = max(1, -(-total // per_page))
    shown = sorted({1, pages, number - 1, number, number + 1} & set(range(1, pages + 1)))
    links: list[PageLink] = []
    for n in shown:
        if links and n - links[-1].number > 1:
            links.append(PageLink(0, ""))
        links.append(PageLink(n, page_url(base, n), n == number))
    return Pagination(
        number=number, pages=pages, total=total,
        first=min(total, (number - 1) * per_page + 1), last=min(total, number * per_page),
        links=tuple(links) if pages > 1 else (),
        previous=page_url(base, number - 1) if number > 1 else "",
        next=page_url(base, number + 1) if number < pages else "",
    )


def template_globals(config: SiteConfig, as_of: dt.datetime) -> dict[str, Any]:
    return {"site": config, "build_time": as_of, "stale_months": STALE_AFTER_MONTHS, "long_date": long_date}
