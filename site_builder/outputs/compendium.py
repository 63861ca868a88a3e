"""The live document: the whole catalogue as one printable report at ``document/``.

In order: a cover with the build date; what the catalogue is; headline figures; a contents list by
theme; every project with its facts and description (each on a new sheet when printed), grouped
under its first theme; and an index of organisations with the projects each appears in. Above
:data:`SPLIT_ABOVE` projects there is also one document per theme (``document/<theme>/``), and the
whole one links to them. ``catalogue build --pdf`` turns each into ``document.pdf`` beside it.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from markupsafe import Markup, escape

from site_builder.outputs.page import Page
from site_builder.site.data import SiteData
from site_builder.views.project import Facet, ProjectView, Ref

SPLIT_ABOVE = 300  # more projects than this: one document per theme as well
DOCUMENT_PATH = "document/"
PDF_NAME = "document.pdf"
_HEADING = re.compile(r"<(/?)h([2-6])\b")
_BODY_ID = re.compile(r'(\sid="|\shref="#)(section-)')
_HREF = re.compile(r'(\s)href="([^"]*)"')  # the space captured: re has no fast scan for a pattern that starts with a look-behind
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_SITE = "https://site.invalid/"  # any base will do: only the path matters
HEADING_SHIFT = 3  # body headings start at h2; in the document they sit below a project's h3 and h4


@dataclass(frozen=True)
class Count:
    label: str
    count: int


@dataclass(frozen=True)
class FigureTable:
    """Projects counted by one facet (status, theme, region or service)."""

    title: str
    heading: str  # the first column's heading
    rows: tuple[Count, ...]


@dataclass(frozen=True)
class Part:
    """A theme: the projects printed under it, and those with it that are printed under another theme."""

    theme: Facet
    anchor: str
    projects: tuple[ProjectView, ...]
    elsewhere: tuple[ProjectView, ...]

    @functools.cached_property  # the template asks three times; not a field, so not in page keys
    def all(self) -> tuple[ProjectView, ...]:
        return tuple(sorted((*self.projects, *self.elsewhere), key=lambda p: (p.title.casefold(), p.slug)))


@dataclass(frozen=True)
class IndexEntry:
    organisation: Ref
    projects: tuple[ProjectView, ...]


@dataclass(frozen=True)
class Document:
    """One printable report: the whole catalogue, or one theme's projects."""

    path: str  # the folder, relative to the site root: "document/" or "document/<theme>/"
    title: str
    theme: Facet | None  # None for the whole catalogue
    project_count: int
    figures: tuple[FigureTable, ...]
    parts: tuple[Part, ...]
    index: tuple[IndexEntry, ...]

    @property
    def pdf_path(self) -> str:
        return self.path + PDF_NAME


def anchor(project: ProjectView) -> str:
    return _anchor(project.slug)


def _anchor(slug: str) -> str:
    return f"project-{slug}"


def project_links(projects: Iterable[ProjectView], indent: int, element: str = "li", classes: str = "") -> Markup:
    """A link to each project's section, as ``<element>``s, each on a new line indented by ``indent`` spaces.

    It writes what a template's loop over the projects would write, in one call: the whole document's
    contents and index list some 70,000 links at 10,000 projects, and a loop spends most of its time
    rendering the document on them.
    """
    start = "\n" + " " * indent + (f'<{element} class="{escape(classes)}">' if classes else f"<{element}>")
    end = f"</{element}>"
    return Markup("".join([start + _link(p.slug, p.title) + end for p in projects]))


@functools.lru_cache(maxsize=1 << 16)  # a project is linked from up to a dozen lists of the documents
def _link(slug: str, title: str) -> str:
    return f'<a class="govuk-link" href="#{escape(_anchor(slug))}">{escape(title)}</a>'


def _relink(href: str, project: ProjectView, root: str) -> str:
    """A relative link written for the project's page, rewritten for a page at ``root`` from the site root."""
    if _ABSOLUTE.match(href) or href.startswith(("#", "/")):
        return href
    joined = urlsplit(urljoin(_SITE + project.url, html.unescape(href)))
    if f"{joined.scheme}://{joined.netloc}/" != _SITE:
        return href
    target = joined.path[1:] + (f"?{joined.query}" if joined.query else "") + (f"#{joined.fragment}" if joined.fragment else "")
    return html.escape(root + target, quote=True)


def document_body(project: ProjectView, root: str) -> Markup:
    """The description ready for a document page at ``root`` (how that page reaches the site root).

    Headings are demoted below the project's own; heading ids (``section-background``) are prefixed by
    the slug, since every description shares the page, and in-page links to them follow; relative
    links, written for the project's own page, are rewritten for the document's.
    """
    text = _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + HEADING_SHIFT)}", str(project.body_html))
    text = _BODY_ID.sub(lambda m: f"{m.group(1)}{project.slug}-{m.group(2)}", text)
    return Markup(_HREF.sub(lambda m: f'{m.group(1)}href="{_relink(m.group(2), project, root)}"', text))


class _Shared:
    """What every document of a build counts and sorts, computed once rather than once per document."""

    def __init__(self, site: SiteData) -> None:
        self.site = site
        self._slugs = {id(f): frozenset(p.slug for p in f.projects) for group in site.facets.values() for f in group.facets}
        self.organisations = [(org, tuple(sorted((*org.lead_projects, *org.partner_projects), key=lambda p: (p.title.casefold(), p.slug))))
                              for org in site.organisations]

    def counts(self, facets: Iterable[Facet], chosen: set[str]) -> tuple[Count, ...]:
        return tuple(Count(f.label, n) for f in facets if (n := len(self._slugs[id(f)] & chosen)))


def figures(shared: _Shared, chosen: set[str]) -> tuple[FigureTable, ...]:
    """Projects by status, theme, region and service, counting only ``chosen`` slugs; empty rows left out."""
    groups = shared.site.facets
    return (
        FigureTable("Projects by status", "Status", shared.counts(groups["status"].facets, chosen)),
        FigureTable("Projects by theme", "Theme", shared.counts(groups["themes"].facets, chosen)),
        FigureTable("Projects by region", "Region", shared.counts(groups["regions"].facets, chosen)),
        FigureTable("Projects by service involved", "Service", shared.counts(groups["services"].facets, chosen)),
    )


def organisation_index(shared: _Shared, projects: Sequence[ProjectView]) -> tuple[IndexEntry, ...]:
    """Every organisation that leads or partners one of ``projects``, by name, with those projects by title."""
    chosen = {p.slug for p in projects}
    entries = []
    for org, by_title in shared.organisations:
        found = tuple(p for p in by_title if p.slug in chosen)
        if found:
            entries.append(IndexEntry(Ref(org.id, org.label, org.url), found))
    return tuple(entries)


def whole_document(site: SiteData, shared: _Shared | None = None) -> Document:
    """Every project once, under its first theme; themes in vocabulary order, projects by title."""
    parts = []
    for facet in site.facets["themes"].facets:
        if not facet.projects:
            continue
        here = tuple(p for p in facet.projects if p.themes[0].id == facet.id)
        elsewhere = tuple(p for p in facet.projects if p.themes[0].id != facet.id)
        parts.append(Part(facet, f"theme-{facet.id}", here, elsewhere))
    shared = shared or _Shared(site)
    chosen = {p.slug for p in site.projects}
    return Document(DOCUMENT_PATH, site.config.title, None, len(site.projects), figures(shared, chosen), tuple(parts),
                    organisation_index(shared, site.by_title))


def theme_document(site: SiteData, facet: Facet, shared: _Shared | None = None) -> Document:
    """One theme's projects (first theme or not), by title."""
    shared = shared or _Shared(site)
    chosen = {p.slug for p in facet.projects}
    part = Part(facet, f"theme-{facet.id}", facet.projects, ())
    return Document(f"{DOCUMENT_PATH}{facet.id}/", f"{facet.label}: {site.config.title}", facet, len(facet.projects),
                    figures(shared, chosen), (part,), organisation_index(shared, facet.projects))


def documents(site: SiteData, split_above: int | None = None) -> list[Document]:
    """The whole document, and above ``split_above`` (:data:`SPLIT_ABOVE`) projects one per theme that has projects."""
    shared = _Shared(site)
    found = [whole_document(site, shared)]
    if len(site.projects) > (SPLIT_ABOVE if split_above is None else split_above):
        found += [theme_document(site, facet, shared) for facet in site.facets["themes"].facets if facet.projects]
    return found


def document_pages(site: SiteData, *, pdf: bool = False, split_above: int | None = None) -> list[Page]:
    """A page per document; ``pdf`` says whether ``document.pdf`` is built beside each (and linked)."""
    found = documents(site, split_above)
    whole, by_theme = found[0], found[1:]
    # A theme's document is given only the whole one's path: its page key (build/incremental.py) then
    # leaves out the projects of other themes, so an edit re-renders only the documents that hold it.
    return [Page(f"{doc.path}index.html", "document.html",
                 {"document": doc, "pdf": pdf, "theme_documents": by_theme if doc is whole else (),
                  "whole_path": whole.path, "anchor": anchor, "project_links": project_links})
            for doc in found]
