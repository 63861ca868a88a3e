"""The Atom feed, the sitemap and robots.txt: valid XML, escaped text, absolute URLs, a fixed order."""

from __future__ import annotations

import dataclasses
import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.outputs import feeds as feeds_module
from site_builder.outputs.feeds import (
    FEED_LIMIT,
    SITEMAP_PATH,
    atom_feed,
    feed_entries,
    feed_files,
    robots_txt,
    sitemap,
    sitemap_paths,
)
from site_builder.site.data import SiteData
from site_builder.views.project import ProjectView
from tests.helpers import VALID_PROJECT, make_catalogue
from tests.test_data_export import FULL_PROJECT, HOSTILE_PROJECT, load_site

A = "{http://www.w3.org/2005/Atom}"
S = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BASE = "https://example.org/catalogue/"


@pytest.fixture
def site(tmp_path: Path) -> SiteData:
    return load_site(make_catalogue(tmp_path, {
        "kent-joint-control-room": VALID_PROJECT, "kent-blue-light-hub": FULL_PROJECT, "hostile": HOSTILE_PROJECT,
    }))


def with_project(site: SiteData, slug: str, **changes: object) -> SiteData:
    projects = tuple(dataclasses.replace(p, **changes) if p.slug == slug else p for p in site.projects)  # type: ignore[arg-type]
    return dataclasses.replace(site, projects=projects)


def entries(feed: bytes) -> list[ET.Element]:
    return ET.fromstring(feed).findall(f"{A}entry")


def test_feed_header_is_complete_and_absolute(site: SiteData) -> None:
    root = ET.fromstring(atom_feed(site))
    assert root.tag == f"{A}feed"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "en-GB"
    assert root.findtext(f"{A}id") == BASE
    assert root.findtext(f"{A}title") == "Emergency Services Collaboration Catalogue"
    assert root.findtext(f"{A}updated") == "2026-03-01T12:00:00Z"
    links = {link.get("rel"): (link.get("href"), link.get("type")) for link in root.findall(f"{A}link")}
    assert links == {"self": (BASE + "feed.xml", "application/atom+xml"), "alternate": (BASE, "text/html")}
    assert root.findtext(f"{A}author/{A}name") == "Emergency Services Collaboration Catalogue"


def test_feed_entry_has_every_element(site: SiteData) -> None:
    entry = next(e for e in entries(atom_feed(site)) if e.findtext(f"{A}title") == "Kent blue light hub")
    url = BASE + "projects/kent-blue-light-hub/"
    assert entry.findtext(f"{A}id") == url
    assert entry.findtext(f"{A}updated") == "2024-01-15T00:00:00Z"  # no git history: last_reviewed
    assert entry.findtext(f"{A}published") == "2024-01-15T00:00:00Z"
    assert entry.findtext(f"{A}summary") == "Police, fire and ambulance crews share a station in Sevenoaks, with one front desk."
    assert entry.findtext(f"{A}author/{A}name") == "Kent Police"
    [link] = entry.findall(f"{A}link")
    assert (link.get("rel"), link.get("type"), link.get("href")) == ("alternate", "text/html", url)
    assert [(c.get("term"), c.get("label")) for c in entry.findall(f"{A}category")] == [("shared-estates", "Shared estates")]


def test_feed_escapes_titles_and_summaries(site: SiteData) -> None:
    feed = atom_feed(site)
    assert b"<script>" not in feed
    assert b"Hostile &lt;script&gt;alert('x')&lt;/script&gt; &amp; \"quotes\"" in feed
    entry = next(e for e in entries(feed) if e.findtext(f"{A}title", "").startswith("Hostile"))
    assert entry.findtext(f"{A}title") == "Hostile <script>alert('x')</script> & \"quotes\""
    assert entry.findtext(f"{A}summary") == '=HYPERLINK("https://evil.example/","Click me") and the rest of the summary'


def test_xml_illegal_characters_are_stripped_from_feed_and_sitemap(site: SiteData) -> None:
    site = with_project(site, "hostile", title="Vertical\x0btab\x00 title", summary="Form\x0cfeed summary \ufffe here")
    site = dataclasses.replace(site, config=site.config.model_copy(update={"title": "Site\x0b title"}))
    feed = atom_feed(site)
    entry = next(e for e in entries(feed) if e.findtext(f"{A}title", "").startswith("Vertical"))  # parses: no illegal chars
    assert entry.findtext(f"{A}title") == "Verticaltab title"
    assert entry.findtext(f"{A}summary") == "Formfeed summary  here"
    assert ET.fromstring(feed).findtext(f"{A}title") == "Site title"
    ET.fromstring(sitemap(site, {"index.html": b"<html></html>"}))


def test_feed_order_is_newest_update_first_then_slug(site: SiteData) -> None:
    late = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    site = with_project(site, "kent-blue-light-hub", updated=late)
    site = with_project(site, "hostile", updated=late)
    ids = [e.findtext(f"{A}id") for e in entries(atom_feed(site))]
    assert ids == [BASE + "projects/hostile/", BASE + "projects/kent-blue-light-hub/", BASE + "projects/kent-joint-control-room/"]


def test_feed_is_limited_to_the_most_recent(site: SiteData) -> None:
    template = site.projects[0]
    many = tuple(dataclasses.replace(template, slug=f"p{i:03d}", url=f"projects/p{i:03d}/",
                                     updated=dt.datetime(2020, 1, 1, tzinfo=dt.UTC) + dt.timedelta(days=i))
                 for i in range(FEED_LIMIT + 10))
    chosen: list[ProjectView] = feed_entries(many)
    assert len(chosen) == FEED_LIMIT
    assert chosen[0].slug == f"p{FEED_LIMIT + 9:03d}" and chosen[-1].slug == "p010"
    assert len(entries(atom_feed(dataclasses.replace(site, projects=many)))) == FEED_LIMIT


def test_an_empty_catalogue_still_has_a_valid_feed(site: SiteData) -> None:
    root = ET.fromstring(atom_feed(dataclasses.replace(site, projects=())))
    assert root.findall(f"{A}entry") == [] and root.findtext(f"{A}author/{A}name")


def test_sitemap_lists_indexable_pages_as_directory_urls(site: SiteData) -> None:
    page = b"<!DOCTYPE html><html><head><title>x</title></head><body></body></html>"
    files = {
        "index.html": page,
        "404.html": page,
        "projects/index.html": page,
        "projects/kent-blue-light-hub/index.html": page,
        "projects/sevenoaks-hub/index.html": page,  # an alias: redirects
        "search.html": page,
        "moved/index.html": b'<html><head><meta http-equiv="Refresh" content="0; url=../"></head><body></body></html>',
        "hidden/index.html": b"<html><head><meta name='robots' content='noindex, follow'></head><body></body></html>",
        "shouted/index.html": b"<html><HEAD><META NAME=ROBOTS CONTENT='NoIndex'></HEAD><BODY></BODY></html>",
        "assets/site.0123456789.css": b"",
        "data/projects.json": b"{}",
    }
    assert sitemap_paths(site, files) == ["", "projects/", "projects/kent-blue-light-hub/", "search.html"]
    root = ET.fromstring(sitemap(site, files))
    assert root.tag == f"{S}urlset"
    urls = [(u.findtext(f"{S}loc"), u.findtext(f"{S}lastmod")) for u in root.findall(f"{S}url")]
    assert urls == [(BASE, None), (BASE + "projects/", None), (BASE + "projects/kent-blue-light-hub/", "2024-01-15"),
                    (BASE + "search.html", None)]


def test_a_noindex_in_the_body_does_not_hide_a_page(site: SiteData) -> None:
    page = b"<html><head></head><body><p>&lt;meta name='robots' content='noindex'&gt;</p><meta name=robots content=noindex></body></html>"
    assert sitemap_paths(site, {"index.html": page}) == [""]


def test_robots_txt_allows_everything_and_names_the_sitemap(site: SiteData) -> None:
    assert robots_txt(site) == f"User-agent: *\nAllow: /\n\nSitemap: {BASE}sitemap.xml\n".encode()


def test_feed_files_are_deterministic(site: SiteData) -> None:
    files = {"index.html": b"<html></html>"}
    first = feed_files(site, files)
    assert sorted(first) == ["feed.xml", "robots.txt", "sitemap.xml"]
    assert first == feed_files(site, files)
    assert first["feed.xml"].startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"")


def test_a_kept_sitemap_is_the_one_made_and_a_change_to_what_it_lists_makes_it_again(
        site: SiteData, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    page = b"<!DOCTYPE html><html><head><title>x</title></head><body></body></html>"
    files = {"index.html": page, "projects/kent-blue-light-hub/index.html": page}
    fresh = feed_files(site, files)
    assert feed_files(site, files, tmp_path) == fresh  # made and kept
    made: list[int] = []
    real = feeds_module._serialise

    def counted(root: ET.Element) -> bytes:
        made.append(1)
        return real(root)

    monkeypatch.setattr(feeds_module, "_serialise", counted)
    assert feed_files(site, files, tmp_path)[SITEMAP_PATH] == fresh[SITEMAP_PATH] and made == [1]  # only the feed's
    more = {**files, "search.html": page}
    assert feed_files(site, more, tmp_path)[SITEMAP_PATH] == feed_files(site, more)[SITEMAP_PATH] != fresh[SITEMAP_PATH]
    later = dataclasses.replace(site, projects=tuple(dataclasses.replace(p, updated=p.updated + dt.timedelta(days=3))
                                                     for p in site.projects))
    assert feed_files(later, files, tmp_path)[SITEMAP_PATH] == feed_files(later, files)[SITEMAP_PATH] != fresh[SITEMAP_PATH]
