"""The reader-facing pages, built from a small fixture catalogue and inspected as parsed HTML."""

from __future__ import annotations

import json
import posixpath
import random
import re
import textwrap
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.model.project import STATUS_LABELS
from site_builder.outputs.pages import PER_PAGE
from site_builder.runtime.jsonio import json_bytes
from site_builder.search.docstore import FILTER_PATH, FRAGMENTS_DIR, MASK_BITS, column_value, excerpt
from site_builder.views.project import pagination
from tests.helpers import ORGANISATIONS, VALID_PROJECT, make_catalogue
from tests.node.runner import run_search_cli

BASE_PATH = "/catalogue/"  # the path of tests.helpers.SITE's base_url
REPO_EDIT = "https://github.com/example/catalogue/edit/main/content/projects/"
TRICKY_TITLE = "Tricky <b>&\"' title"
# Written by the data and feed stages, not by the page templates.
OTHER_STAGES = ("data/projects.json", "data/projects.csv", "data/projects/", "feed.xml")

EXTRA_ORGANISATIONS = """\
hampshire-fire-and-rescue-service:
  name: Hampshire Fire and Rescue Service
  kind: fire
  regions: [south-east]
  replaced_by: hampshire-and-isle-of-wight-fire-and-rescue-service
hampshire-and-isle-of-wight-fire-and-rescue-service:
  name: Hampshire and Isle of Wight Fire and Rescue Service
  kind: fire
  regions: [south-east]
"""


def project_text(title: str, *, status: str = "operational", lead: str = "kent-police",
                 partners: tuple[str, ...] = ("kent-fire-and-rescue-service",), themes: tuple[str, ...] = ("shared-estates",),
                 reviewed: str = "2026-01-10", extra: str = "", body: str = "A description of the project.", summary: str = "") -> str:
    summary = summary or f"A summary of {title.lower()} that is long enough."
    lines = ["---", f"title: {title}", f"summary: {summary}", f"status: {status}",
             f"lead: {lead}", "partners:", *[f"  - {p}" for p in partners], "themes:", *[f"  - {t}" for t in themes],
             f"last_reviewed: {reviewed}"]
    return "\n".join(lines) + ("\n" + textwrap.dedent(extra).strip() if extra else "") + f"\n---\n{body}\n"


FIXTURE_PROJECTS: dict[str, str | bytes] = {
    "kent-joint-control-room": VALID_PROJECT,  # last reviewed 2026-01-15: the newest date, so the build's "now"
    "ambulance-station-share": project_text(
        "Ambulance station share", status="pilot", lead="south-east-coast-ambulance-service",
        partners=("kent-police", "kent-fire-and-rescue-service"), reviewed="2026-01-12",
        extra="""
        aliases:
          - old-ambulance-name
        enablers:
          - leadership-commitment
        barriers:
          - incompatible-it
        contact:
          role: Collaboration manager
          email: collaboration@example.org
          organisation: kent-police
        """),
    "tricky-title": project_text('"Tricky <b>&\\"\' title"', status="proposed", reviewed="2020-01-01",
                                 summary="A project whose title has markup characters in it."),
    "hampshire-merger": project_text("Hampshire fire merger", status="completed", lead="hampshire-fire-and-rescue-service",
                                     partners=("hampshire-and-isle-of-wight-fire-and-rescue-service",), reviewed="2026-01-12"),
}


# --- parsing ---------------------------------------------------------------------------------------

@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""


def _attribute(key: str) -> str:
    """Keyword argument names to attribute names: ``for_`` is ``for``, ``aria_current`` is ``aria-current``."""
    return key.rstrip("_").replace("_", "-")


class ParsedPage(HTMLParser):
    """Every element in document order with its attributes and the text inside it."""

    VOID = frozenset({"meta", "link", "input", "br", "img", "hr", "path", "area", "source", "wbr"})
    BLOCK = frozenset({"li", "p", "br", "div", "ul", "ol", "dd", "dt", "tr", "td", "th"})

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BLOCK:
            self.handle_data(" ")
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.elements.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                return

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data

    def find(self, tag: str, **attrs: str) -> list[Element]:
        """Elements with this tag and these attribute values; ``class_`` matches one of the classes."""
        def matches(e: Element) -> bool:
            return all(value in e.attrs.get("class", "").split() if key == "class_" else e.attrs.get(_attribute(key)) == value
                       for key, value in attrs.items())
        return [e for e in self.elements if e.tag == tag and matches(e)]

    def links(self) -> dict[str, str]:
        """href -> link text (whitespace collapsed) for every ``<a>``."""
        return {a.attrs["href"]: " ".join(a.text.split()) for a in self.find("a") if "href" in a.attrs}

    def facts(self) -> dict[str, str]:
        """A summary list as key -> value text."""
        found: dict[str, str] = {}
        key = ""
        for e in self.elements:
            if e.tag == "dt":
                key = " ".join(e.text.split())
            elif e.tag == "dd" and key:
                found[key] = " ".join(e.text.split())
                key = ""
        return found


def parse(html: str) -> ParsedPage:
    page = ParsedPage()
    page.feed(html)
    return page


@dataclass
class Site:
    out: Path

    def text(self, path: str) -> str:
        return (self.out / path).read_text(encoding="utf-8")

    def page(self, path: str) -> ParsedPage:
        return parse(self.text(path))

    def html_pages(self) -> list[str]:
        return sorted(p.relative_to(self.out).as_posix() for p in self.out.rglob("*.html"))

    def listed(self, path: str) -> list[str]:
        """Titles of the projects listed on a listing page, in order."""
        page = self.page(path)
        return [" ".join(h.text.split()) for h in page.elements
                if h.tag in {"h2", "h3"} and "app-project-list__title" in h.attrs.get("class", "")]


def build(root: Path, projects: dict[str, str | bytes], extra: dict[str, str | bytes] | None = None) -> Site:
    make_catalogue(root, projects, extra)
    result = build_site(root, BuildOptions(out=root / "_site", jobs=1, use_cache=False))
    assert result.ok, result.report.render()
    return Site(root / "_site")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("SOURCE_DATE_EPOCH", raising=False)  # dates then come from the content, as asserted below
        return build(tmp_path_factory.mktemp("pages"), FIXTURE_PROJECTS,
                     {"content/organisations.yaml": ORGANISATIONS + EXTRA_ORGANISATIONS})


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    """57 projects, 54 of them pilots: more than one page of listings."""
    projects: dict[str, str | bytes] = {
        f"generated-{i:03d}": project_text(f"Generated project {i:03d}", status="pilot" if i % 20 else "operational",
                                           extra="enablers: [leadership-commitment]")
        for i in range(57)
    }
    return build(tmp_path_factory.mktemp("big"), projects)


# --- every page --------------------------------------------------------------------------------------

PAGE_TYPES = [
    "index.html", "projects/index.html", "projects/kent-joint-control-room/index.html", "organisations/index.html",
    "organisations/kent-police/index.html", "themes/index.html", "themes/control-rooms/index.html", "regions/index.html",
    "regions/south-east/index.html", "services/index.html", "services/ambulance/index.html", "status/index.html",
    "status/pilot/index.html", "data/index.html", "about/index.html", "contribute/index.html", "accessibility/index.html",
    "search/index.html", "404.html", "projects/old-ambulance-name/index.html",
]


@pytest.mark.parametrize("path", PAGE_TYPES)
def test_page_type_exists_with_one_h1_a_language_and_a_search_box(site: Site, path: str) -> None:
    page = site.page(path)
    assert len(page.find("h1")) == 1, f"{path} has {len(page.find('h1'))} h1 elements"
    assert page.find("html")[0].attrs.get("lang") == "en-GB"
    root = BASE_PATH if path == "404.html" else "../" * path.count("/")
    forms = page.find("form", class_="app-header-search")
    assert len(forms) == 1 and forms[0].attrs["action"] == f"{root}search/" and forms[0].attrs["method"] == "get"
    assert forms[0].attrs["role"] == "search"
    search_input = page.find("input", id="header-search-input")
    assert search_input[0].attrs["name"] == "q" and page.find("label", for_="header-search-input"), "the search box has no label"


def _root_of(path: str) -> str:
    return BASE_PATH if path == "404.html" else "../" * path.count("/")


def _internal(url: str) -> bool:
    return not url.startswith(("https://", "http://", "mailto:", "#"))


def test_every_internal_link_starts_with_the_root_and_resolves(site: Site) -> None:
    problems = []
    for path in site.html_pages():
        root = _root_of(path)
        page = site.page(path)
        for element in page.elements:
            for name in ("href", "src", "action"):
                url = element.attrs.get(name)
                if url is None or not _internal(url):
                    continue
                if not url.startswith(root) or (root == "" and url.startswith("/")):
                    problems.append(f"{path}: {name}={url!r} does not start with {root!r}")
                    continue
                target = url.split("#")[0].split("?")[0]
                resolved = target[len(BASE_PATH):] if root == BASE_PATH else posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
                resolved = "" if resolved == "." else resolved
                if target.endswith("/") or target in ("", "./"):
                    resolved = (resolved.rstrip("/") + "/index.html").lstrip("/")
                if not resolved.startswith(OTHER_STAGES) and not (site.out / resolved).is_file():
                    problems.append(f"{path}: {name}={url!r} points at {resolved}, which was not built")
    assert not problems, "\n".join(problems[:20])


def test_404_page_links_from_the_absolute_root(site: Site) -> None:
    page = site.page("404.html")
    internal = [a.attrs["href"] for a in page.find("a") if _internal(a.attrs.get("href", "#"))]
    assert internal and all(h.startswith(BASE_PATH) for h in internal), internal
    assert f'href="{BASE_PATH}projects/"' in site.text("404.html")


def test_titles_are_escaped_everywhere(site: Site) -> None:
    for path in ("projects/tricky-title/index.html", "projects/index.html", "status/proposed/index.html", "index.html"):
        html = site.text(path)
        assert TRICKY_TITLE not in html and "<b>" not in html, path
        assert "Tricky &lt;b&gt;&amp;&#34;&#39; title" in html, path
    assert site.page("projects/tricky-title/index.html").find("title")[0].text.startswith(TRICKY_TITLE)


# --- project pages ---------------------------------------------------------------------------------

def test_project_page_shows_facts_with_partners_linked_to_their_organisations(site: Site) -> None:
    page = site.page("projects/ambulance-station-share/index.html")
    links = page.links()
    assert links["../../organisations/kent-police/"] == "Kent Police"
    assert links["../../organisations/kent-fire-and-rescue-service/"] == "Kent Fire and Rescue Service"
    assert links["../../organisations/south-east-coast-ambulance-service/"].startswith("South East Coast Ambulance")
    assert links["../../services/ambulance/"] == "Ambulance"
    assert links["../../themes/shared-estates/"] == "Shared estates"
    assert links["../../regions/south-east/"] == "South East"
    facts = page.facts()
    assert facts["Partners"] == "Kent Police Kent Fire and Rescue Service"
    assert facts["Contact"] == "Collaboration manager, Kent Police collaboration@example.org"
    assert (facts["What helped"], facts["What got in the way"]) == ("Senior leadership commitment", "Incompatible IT")
    assert links["mailto:collaboration@example.org"] == "collaboration@example.org"
    assert page.find("strong", class_="app-status--pilot")[0].text == "Pilot"
    assert "A description of the project." in page.find("div", class_="app-prose")[0].text


def test_project_page_links_to_its_source_and_its_json(site: Site) -> None:
    links = site.page("projects/kent-joint-control-room/index.html").links()
    assert links[REPO_EDIT + "kent-joint-control-room.md"].startswith("Edit this page")
    assert links["../../data/projects/kent-joint-control-room.json"].startswith("This entry as JSON")
    assert links["https://www.kent.police.uk"] == "Kent Police"  # from the project's links


def test_stale_notice_appears_only_on_stale_entries(site: Site) -> None:
    stale = site.page("projects/tricky-title/index.html").find("div", class_="govuk-warning-text")
    assert len(stale) == 1 and "last reviewed on 1 January 2020" in stale[0].text
    for fresh in ("kent-joint-control-room", "ambulance-station-share", "hampshire-merger"):
        assert not site.page(f"projects/{fresh}/index.html").find("div", class_="govuk-warning-text"), fresh


def test_alias_redirects_with_meta_refresh_canonical_and_a_visible_link(site: Site) -> None:
    page = site.page("projects/old-ambulance-name/index.html")
    refresh = page.find("meta", http_equiv="refresh")
    assert refresh and refresh[0].attrs["content"] == "0; url=../../projects/ambulance-station-share/"
    canonical = page.find("link", rel="canonical")
    assert [c.attrs["href"] for c in canonical] == ["https://example.org/catalogue/projects/ambulance-station-share/"]
    assert page.links()["../../projects/ambulance-station-share/"] == "Ambulance station share"


# --- organisations ---------------------------------------------------------------------------------

def test_organisation_page_lists_lead_and_partner_projects_and_who_it_works_with(site: Site) -> None:
    page = site.page("organisations/kent-police/index.html")
    sections = {" ".join(h.text.split()): h for h in page.find("h2")}
    assert "Projects it leads (1)" in sections and "Projects it is a partner in (2)" in sections
    html = site.text("organisations/kent-police/index.html")
    leads, partners = html.split("Projects it leads")[1].split("Projects it is a partner in")
    assert "Tricky &lt;b&gt;" in leads and "Ambulance station share" not in leads
    assert "Ambulance station share" in partners.split("Organisations it works with")[0]
    assert "Kent joint control room" in partners.split("Organisations it works with")[0]
    works_with = partners.split("Organisations it works with")[1]
    links = page.links()
    assert links["../../organisations/kent-fire-and-rescue-service/"] == "Kent Fire and Rescue Service"
    assert works_with.index("Kent Fire and Rescue Service") < works_with.index("South East Coast Ambulance")  # 3 shared, then 1
    assert "(3 shared projects)" in works_with and "(1 shared project)" in works_with


def test_merged_organisation_shows_what_replaced_it(site: Site) -> None:
    page = site.page("organisations/hampshire-fire-and-rescue-service/index.html")
    inset = page.find("div", class_="govuk-inset-text")
    assert inset and "replaced by Hampshire and Isle of Wight Fire and Rescue Service" in " ".join(inset[0].text.split())
    assert "../../organisations/hampshire-and-isle-of-wight-fire-and-rescue-service/" in page.links()
    successor = site.page("organisations/hampshire-and-isle-of-wight-fire-and-rescue-service/index.html")
    assert successor.links()["../../organisations/hampshire-fire-and-rescue-service/"] == "Hampshire Fire and Rescue Service"


def test_organisation_index_is_grouped_by_kind(site: Site) -> None:
    page = site.page("organisations/index.html")
    headings = [" ".join(h.text.split()) for h in page.find("h2", class_="govuk-heading-l")]
    assert headings == ["Police", "Fire and rescue", "Ambulance", "Police and crime commissioners", "Local authorities"]
    html = site.text("organisations/index.html")
    fire = html.split('id="kind-fire"')[1].split('id="kind-ambulance"')[0]
    assert "Hampshire Fire and Rescue Service" in fire and "Kent Police<" not in fire
    assert "replaced by Hampshire and Isle of Wight Fire and Rescue Service" in fire


# --- facets and listings -----------------------------------------------------------------------------

def test_facet_pages_list_exactly_the_right_projects(site: Site) -> None:
    assert site.listed("themes/control-rooms/index.html") == ["Kent joint control room"]
    assert site.listed("themes/shared-estates/index.html") == ["Ambulance station share", "Hampshire fire merger", TRICKY_TITLE]
    assert site.listed("services/ambulance/index.html") == ["Ambulance station share"]
    assert site.listed("status/proposed/index.html") == [TRICKY_TITLE]
    assert site.listed("status/discontinued/index.html") == []
    assert site.listed("regions/north-west/index.html") == []
    assert len(site.listed("regions/south-east/index.html")) == 4
    assert len(site.listed("projects/index.html")) == 4


def test_facet_index_pages_show_counts(site: Site) -> None:
    page = site.page("status/index.html")
    rows = {" ".join(r.text.split()) for r in page.find("tr")}
    for status, label in STATUS_LABELS.items():
        count = {"operational": 1, "pilot": 1, "proposed": 1, "completed": 1}.get(status, 0)
        assert any(row.startswith(label) and row.endswith(str(count)) for row in rows), (label, rows)
    assert site.page("themes/index.html").links()["../themes/control-rooms/"] == "Joint control rooms"


def test_listings_paginate_at_fifty(big_site: Site) -> None:
    assert PER_PAGE == 50
    first, second = big_site.listed("projects/index.html"), big_site.listed("projects/page/2/index.html")
    assert len(first) == 50 and len(second) == 7
    assert first[0] == "Generated project 000" and second[-1] == "Generated project 056"
    assert not (big_site.out / "projects/page/3/index.html").exists()
    page = big_site.page("projects/page/2/index.html")
    assert page.find("a", rel="prev")[0].attrs["href"] == "../../../projects/"
    assert not page.find("a", rel="next")
    assert big_site.page("projects/index.html").find("a", rel="next")[0].attrs["href"] == "../projects/page/2/"
    assert page.find("a", aria_current="page", class_="govuk-pagination__link")[0].attrs["href"] == "../../../projects/page/2/"
    pilot = big_site.listed("status/pilot/index.html") + big_site.listed("status/pilot/page/2/index.html")
    assert len(big_site.listed("status/pilot/index.html")) == 50 and len(pilot) == len(set(pilot)) == 54
    assert big_site.listed("status/operational/index.html") == ["Generated project 000", "Generated project 020", "Generated project 040"]


def test_pagination_shows_neighbours_and_ellipses() -> None:
    pager = pagination("projects/", 5, 50, 500)
    assert [(link.number, link.current) for link in pager.links] == [
        (1, False), (0, False), (4, False), (5, True), (6, False), (0, False), (10, False)]
    assert (pager.first, pager.last, pager.previous, pager.next) == (201, 250, "projects/page/4/", "projects/page/6/")
    assert pagination("projects/", 1, 50, 50).links == ()
    assert pagination("projects/", 2, 50, 51).previous == "projects/"


def test_projects_page_has_a_hidden_filter_form_and_links_to_the_facet_pages(site: Site) -> None:
    page = site.page("projects/index.html")
    form = page.find("form", id="project-filters")[0]
    assert "hidden" in form.attrs and form.attrs["data-filter"] == "../search/filter.json"
    names = {i.attrs["name"] for i in page.find("input", type="checkbox")}
    assert names == {"status", "service", "theme", "region"}
    for i in page.find("input", type="checkbox"):
        assert page.find("label", for_=i.attrs["id"]), f"checkbox {i.attrs['id']} has no label"
    links = page.links()
    for facet in ("status", "services", "themes", "regions", "organisations"):
        assert f"../{facet}/" in links
    assert page.find("p", id="result-count")[0].attrs["aria-live"] == "polite"
    assert any(s.attrs.get("src", "").startswith("../assets/filters.") for s in page.find("script"))


# --- site pages ------------------------------------------------------------------------------------

def test_navigation_marks_the_current_page_and_section(site: Site) -> None:
    listing = site.page("projects/index.html").find("a", class_="govuk-service-navigation__link")
    assert [(a.attrs["href"], a.attrs.get("aria-current")) for a in listing if "aria-current" in a.attrs] == [("../projects/", "page")]
    project = site.page("projects/kent-joint-control-room/index.html").find("a", class_="govuk-service-navigation__link")
    assert [(a.attrs["href"], a.attrs.get("aria-current")) for a in project if "aria-current" in a.attrs] == [("../../projects/", "true")]
    home = site.page("index.html").find("a", class_="govuk-service-navigation__link")
    assert not [a for a in home if "aria-current" in a.attrs]


def test_footer_links_to_about_data_contribute_accessibility_and_feed(site: Site) -> None:
    footer = [a.attrs["href"] for a in site.page("themes/control-rooms/index.html").find("a", class_="govuk-footer__link")]
    for target in ("about/", "data/", "contribute/", "accessibility/", "feed.xml"):
        assert f"../../{target}" in footer


def test_home_page_shows_counts_themes_and_recent_projects(site: Site) -> None:
    page = site.page("index.html")
    stats = [" ".join(li.text.split()) for li in page.find("li", class_="app-stats__item")]
    assert stats[:2] == ["4 projects", "5 organisations involved"]
    assert "1 project involving ambulance" in stats
    html = site.text("index.html")
    added = html.split("Recently added")[1].split("Recently updated")[0]
    # without git, added = last reviewed: newest first, then by slug for the tie on 12 January
    order = ["Kent joint control room", "Ambulance station share", "Hampshire fire merger", "Tricky"]
    assert [added.index(t) for t in order] == sorted(added.index(t) for t in order)
    assert page.links()["themes/control-rooms/"] == "Joint control rooms"


def test_data_and_contribute_pages_show_the_field_reference(site: Site) -> None:
    for path in ("data/index.html", "contribute/index.html"):
        cells = {" ".join(th.text.split()) for th in site.page(path).find("th", scope="row")}
        assert {"title", "summary", "partners", "funding[].amount_gbp", "last_reviewed"} <= cells, path
    links = site.page("data/index.html").links()
    assert {"../data/projects.json", "../data/projects.csv", "../feed.xml"} <= set(links)


def test_about_and_accessibility_pages_say_what_they_must(site: Site) -> None:
    about = " ".join(site.page("about/index.html").find("main")[0].text.split())
    assert "Policing and Crime Act 2017" in about and "Section 2" in about and "Working Group" in about
    statement = " ".join(site.page("accessibility/index.html").find("main")[0].text.split())
    for phrase in ("Compliance status", "Non-accessible content", "Enforcement procedure", "Equality and Human Rights Commission",
                   "Equality Advisory and Support Service", "(No. 2) Accessibility Regulations 2018", "Preparation of this accessibility statement"):
        assert phrase in statement, phrase


# --- search/filter.json and search/fragments/ ------------------------------------------------------

READING_ORDER = ["ambulance-station-share", "hampshire-merger", "kent-joint-control-room", "tricky-title"]  # by title


def test_the_filter_file_holds_facet_numbers_one_row_per_project_in_reading_order(site: Site) -> None:
    raw = (site.out / FILTER_PATH).read_bytes()
    data = json.loads(raw)
    assert raw == json_bytes(data)  # the one JSON writer: compact, sorted, markup escaped
    assert not re.search(rb"[<>&]", raw)
    assert set(data) == {"facets", "values", "projects", "fragments"} and set(data["values"]) == {"st", "sv", "th", "rg"}
    assert re.fullmatch(r"fragments/[0-9a-f]{12}/", data["fragments"])
    assert data["projects"] == len(READING_ORDER) and all(len(c) == len(READING_ORDER) for c in data["values"].values())
    facets = data["facets"]
    decoded = [{key: [facets[key][n][0] for n in range(len(facets[key])) if column[row] >> n & 1]
                for key, column in data["values"].items()} for row in range(len(READING_ORDER))]
    assert decoded[0] == {"st": ["pilot"], "sv": sorted(["police", "fire", "ambulance"], key=[i for i, _ in facets["sv"]].index),
                          "th": ["shared-estates"], "rg": ["south-east"]}
    assert data["values"]["st"][0] == 1 << [i for i, _ in facets["st"]].index("pilot")
    assert dict(facets["st"]) == STATUS_LABELS and dict(facets["th"])["control-rooms"] == "Joint control rooms"
    assert dict(facets["sv"])["ambulance"] == "Ambulance" and dict(facets["rg"])["north-west"] == "North West"
    assert b"Ambulance station share" not in raw and b"ambulance-station-share" not in raw  # titles live in fragments
    assert not (site.out / "search" / "documents.json").exists()


def test_each_row_has_a_fragment_with_what_a_result_shows(site: Site) -> None:
    folder = site.out / "search" / json.loads((site.out / FILTER_PATH).read_bytes())["fragments"]
    assert sorted(p.name for p in folder.iterdir()) == ["0.json", "1.json", "2.json", "3.json"]
    assert [p.name for p in (site.out / FRAGMENTS_DIR).iterdir()] == [folder.name]  # no other build's fragments
    fragments = [json.loads((folder / f"{row}.json").read_bytes()) for row in range(4)]
    assert [f["u"] for f in fragments] == [f"projects/{slug}/" for slug in READING_ORDER]
    raw = (folder / "0.json").read_bytes()
    assert raw == json_bytes(fragments[0])
    assert fragments[0] == {"t": "Ambulance station share", "u": "projects/ambulance-station-share/",
                            "s": "A summary of ambulance station share that is long enough.", "b": "A description of the project."}
    tricky = (folder / "3.json").read_bytes()
    assert json.loads(tricky)["t"] == TRICKY_TITLE and not re.search(rb"[<>&]", tricky)


def test_a_facet_value_is_a_bit_mask_or_above_52_ids_a_list() -> None:
    assert column_value([3, 0, 3], 10) == 0b1001
    assert column_value([], 10) == 0
    assert column_value([51], MASK_BITS) == 1 << 51
    assert column_value([60, 2, 60], MASK_BITS + 1) == [2, 60]


@pytest.mark.node
def test_search_js_reads_masks_and_lists_and_leaves_out_what_is_malformed() -> None:
    wide = [[f"t{i}", f"Theme {i}"] for i in range(MASK_BITS + 3)]
    data = {"facets": {"st": [["pilot", "Pilot"], ["operational", "Operational"], [1, "bad"]], "th": wide},
            "values": {"st": [column_value([1], 3), column_value([0, 1], 3), 4, "x"], "th": [[0, 54], [], ["1"], [99]]},
            "projects": 4, "fragments": "fragments/abc123/"}
    out = run_search_cli("filter", "-", data)
    assert out["order"] == ["0", "1", "2", "3"]
    assert out["rows"] == {"0": {"st": ["operational"], "th": ["t0", "t54"]}, "1": {"st": ["pilot", "operational"], "th": []},
                           "2": {"st": [], "th": []}, "3": {"st": [], "th": []}}
    assert out["labels"]["st"] == {"pilot": "Pilot", "operational": "Operational"} and out["fragments"] == "fragments/abc123/"
    assert run_search_cli("filter", "-", {**data, "fragments": "../../etc/"})["fragments"] is None


def test_a_long_description_is_cut_at_a_word_boundary() -> None:
    text = "word " * 200
    cut = excerpt(text, 23)
    assert cut == "word word word word…" and len(cut) <= 24
    assert excerpt("  short\n\n text ", 23) == "short text"
    assert excerpt("x" * 30, 10) == "x" * 10 + "…"


def _excerpt_of_the_whole(text: str, limit: int) -> str:
    """What excerpt gives, by collapsing all of ``text`` first (as it did before it looked at a start only)."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    return cut.rstrip(" ,;:.") + "…"


def test_an_excerpt_from_the_start_of_a_description_equals_one_from_all_of_it() -> None:
    rng = random.Random(11)
    pieces = ["word", "a", "longerword", " ", "  ", "\n\n", "\t", "\u00a0", "\u2003", ",", ".", ";", "x" * 40,
              "\r\n", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\u2028", "\u3000", "\u200b", "\ufeff"]
    for _ in range(3000):
        limit = rng.choice([1, 5, 23, 300])
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 400)))
        if rng.random() < 0.3:  # white space enough that the start alone collapses to less than the limit
            text = " " * rng.randrange(4 * limit, 8 * limit) + text
        assert excerpt(text, limit) == _excerpt_of_the_whole(text, limit), (text, limit)


def test_str_split_splits_at_the_white_space_a_regular_expression_matches() -> None:
    """excerpt() collapses white space with str.split: it must split exactly where \\s+ would."""
    space = re.compile(r"\s")
    assert all(bool(space.match(chr(c))) == chr(c).isspace() for c in range(0x110000))
    everything = "".join(chr(c) for c in range(0x3100)) * 2
    assert " ".join(everything.split()) == re.sub(r"\s+", " ", everything).strip()
