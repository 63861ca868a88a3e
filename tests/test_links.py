"""A crawler over the whole built site: every internal link resolves, nothing loads from another host.

Run over the fixture catalogue and over the shipped content. Also checks that hostile content in a
project file (scripts, event handlers, ``javascript:`` links, frames, forms, styles) never reaches any
output file as markup.
"""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from site_builder.build.pipeline import BuildOptions, build_site
from tests.golden_update import REPO, build_fixture, read_tree

FIXTURE_BASE = "https://example.org/catalogue/"
# <link rel=...> values that name a related page rather than load something into this one
NAVIGATION_RELS = frozenset({"canonical", "alternate", "author", "help", "license", "next", "prev", "search", "home"})
LOADING_ATTRIBUTES = ("src", "data", "poster", "background", "srcset", "imagesrcset", "formaction")
FORBIDDEN_TAGS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"})
DANGEROUS_SCHEME = re.compile(r"^(javascript|data|vbscript):", re.IGNORECASE)
OUR_SCRIPT = re.compile(r"^assets/[A-Za-z0-9_.-]+\.[0-9a-f]{10}\.js$")
CSS_URL = re.compile(r"""url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(['"])([^'"]+)\3""", re.IGNORECASE)
SKIPPED_SCHEMES = ("mailto:", "tel:")
# GOV.UK Frontend's CSS points at images we do not ship, for components we do not use. A missing
# target is only excused while no page uses the class that would request it.
UNSHIPPED_CSS_IMAGES = {"assets/images/govuk-crest.svg": "govuk-footer__copyright-logo"}


@dataclass
class Reference:
    tag: str
    attribute: str
    value: str
    loads: bool  # the browser fetches it to show this page (a script, image, stylesheet...)


@dataclass
class ParsedPage:
    ids: set[str] = field(default_factory=set)
    references: list[Reference] = field(default_factory=list)
    tags: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)  # <style> text and style attributes


def _clean_url(value: str) -> str:
    """An attribute value as a browser reads a URL: without surrounding spaces or embedded tabs and newlines."""
    return re.sub(r"[\t\n\r]", "", value).strip(" \x00-\x1f")


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = ParsedPage()
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        page = self.page
        page.tags[tag] += 1
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name.startswith("on"):
                page.problems.append(f"<{tag} {name}=...>: event-handler attribute")
            if name == "style":
                page.styles.append(value)
        if "id" in values:
            page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            page.ids.add(values["name"])
        if tag in FORBIDDEN_TAGS:
            page.problems.append(f"<{tag}>: not allowed anywhere on the site")
        if tag == "script":
            src = values.get("src")
            if src is None:
                page.problems.append("<script> without src: inline scripts are not allowed")
            self._in.append("script")
        if tag == "style":
            self._in.append("style")
        self._collect(tag, values)

    def _collect(self, tag: str, values: dict[str, str]) -> None:
        refs = self.page.references
        for name in ("href", "action", "xlink:href", "cite"):
            if name in values:
                rels = set(values.get("rel", "").lower().split())
                loads = tag == "link" and not rels <= NAVIGATION_RELS
                refs.append(Reference(tag, name, values[name], loads))
        for name in LOADING_ATTRIBUTES:
            if name in values:
                urls = [part.strip().split(" ")[0] for part in values[name].split(",")] if "srcset" in name else [values[name]]
                refs += [Reference(tag, name, url, True) for url in urls if url]
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            target = re.sub(r"^\s*[0-9.]+\s*[;,]?\s*(url\s*=\s*)?", "", values.get("content", ""), flags=re.IGNORECASE)
            refs.append(Reference(tag, "http-equiv=refresh", target.strip("'\" "), False))

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "style":
            self.page.styles.append(data)


def parse_page(html: bytes) -> ParsedPage:
    parser = PageParser()
    parser.feed(html.decode("utf-8"))
    parser.close()
    return parser.page


class SiteCrawler:
    """Checks every page and stylesheet of a built site served at ``base_url``."""

    def __init__(self, site: Path, base_url: str) -> None:
        self.files = read_tree(site)
        self.base = base_url
        self.base_parts = urlsplit(base_url)
        self.pages = {path: parse_page(data) for path, data in self.files.items() if path.endswith(".html")}
        self.problems: list[str] = []

    def target(self, url: str) -> tuple[str, str] | None:
        """The file and fragment an absolute URL names on this site, or ``None`` for another site."""
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (self.base_parts.scheme, self.base_parts.netloc):
            return None
        path = unquote(parts.path)
        if not path.startswith(self.base_parts.path):
            return "", ""  # the same host, but outside the site's path prefix
        rel = path[len(self.base_parts.path):]
        return (rel + "index.html" if rel == "" or rel.endswith("/") else rel), unquote(parts.fragment)

    def check_reference(self, page_path: str, ref: Reference) -> None:
        where = f"{page_path}: <{ref.tag} {ref.attribute}={ref.value!r}>"
        value = _clean_url(ref.value)
        if DANGEROUS_SCHEME.match(value):
            self.problems.append(f"{where}: javascript:, data: and vbscript: URLs are not allowed")
            return
        if value.lower().startswith(SKIPPED_SCHEMES) or value in ("", "#"):
            return
        absolute = urljoin(self.base + page_path, value)
        found = self.target(absolute)
        if found is None:
            if ref.loads or value.startswith("//"):
                self.problems.append(f"{where}: loads from another host")
            return
        file, fragment = found
        if not file:
            self.problems.append(f"{where}: leaves the site's path prefix {self.base_parts.path}")
        elif file not in self.files:
            hint = " (a folder: link to it with a trailing slash)" if f"{file}/index.html" in self.files else ""
            self.problems.append(f"{where}: {file} does not exist{hint}")
        elif fragment and (file not in self.pages or fragment not in self.pages[file].ids):
            self.problems.append(f"{where}: no id {fragment!r} in {file}")

    def unused(self, css_path: str, value: str) -> bool:
        """A CSS image we do not ship, for a class no page uses (so no browser asks for it)."""
        found = self.target(urljoin(self.base + css_path, value))
        css_class = UNSHIPPED_CSS_IMAGES.get(found[0]) if found else None
        return css_class is not None and not any(css_class.encode() in self.files[p] for p in self.pages)

    def check_css(self, path: str, css: str) -> None:
        for match in CSS_URL.finditer(css):
            value = _clean_url(match.group(2) if match.group(2) is not None else match.group(4))
            if value.startswith(("data:", "#")) or not value or self.unused(path, value):
                continue
            self.check_reference(path, Reference("css", "url", value, True))

    def check_script(self, page_path: str, ref: Reference) -> None:
        found = self.target(urljoin(self.base + page_path, _clean_url(ref.value)))
        if found is None or not OUR_SCRIPT.match(found[0]):
            self.problems.append(f"{page_path}: <script src={ref.value!r}>: only our fingerprinted scripts may run")

    def crawl(self) -> list[str]:
        for path, page in sorted(self.pages.items()):
            self.problems += [f"{path}: {problem}" for problem in page.problems]
            for ref in page.references:
                self.check_reference(path, ref)
                if ref.tag == "script" and ref.attribute == "src":
                    self.check_script(path, ref)
            for style in page.styles:
                self.check_css(path, style)
        for path, data in sorted(self.files.items()):
            if path.endswith(".css"):
                self.check_css(path, data.decode("utf-8"))
        return self.problems


def crawl(site: Path, base_url: str) -> list[str]:
    return SiteCrawler(site, base_url).crawl()


def report(problems: list[str], limit: int = 40) -> str:
    more = f"\n... and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{len(problems)} problems:\n" + "\n".join(problems[:limit]) + more


# --- the crawler finds what it should -------------------------------------------------------------

BROKEN_PAGE = b"""<!DOCTYPE html><html><head>
<link rel="stylesheet" href="https://cdn.example.com/x.css"><link rel="icon" href="data:image/png;base64,AA==">
<link rel="canonical" href="https://example.org/catalogue/"><link rel="preload" href="//cdn.example.com/font.woff2">
<script src="assets/site.0123456789.js"></script><script src="assets/unhashed.js"></script><script>alert(1)</script>
<style>body { background: url(https://cdn.example.com/bg.png) }</style>
</head><body id="top">
<a href="missing/">missing</a> <a href="sub">folder without slash</a> <a href="#nowhere">fragment</a>
<a href="sub/#there">good fragment</a> <a href="sub/#gone">bad fragment</a> <a href="/elsewhere/">outside prefix</a>
<a href="https://other.example/">external navigation is fine</a> <a href="mailto:a@example.org">mail</a>
<a href="JaVaScRiPt:alert(1)">js</a> <a href="&#106;avascript:alert(1)">entity js</a> <a href=" java\tscript:x">tab js</a>
<img src="https://tracker.example/pixel.png" onerror="alert(1)"> <img srcset="a.png 1x, https://cdn.example.com/b.png 2x">
<iframe src="sub/"></iframe> <form action="data:text/html,x"></form> <div style="background:url('//cdn.example.com/d.png')"></div>
</body></html>"""


def test_the_crawler_reports_every_kind_of_problem(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "sub").mkdir(parents=True)
    (site / "index.html").write_bytes(BROKEN_PAGE)
    (site / "sub" / "index.html").write_bytes(b'<html><body><h2 id="there">x</h2></body></html>')
    (site / "assets").mkdir()
    (site / "assets" / "site.0123456789.js").write_bytes(b"")
    (site / "a.png").write_bytes(b"")
    (site / "assets" / "a.css").write_bytes(b"a{background:url(../nope.png)} b{background:url(https://cdn.example.com/c.png)}")
    problems = "\n".join(crawl(site, FIXTURE_BASE))
    expected = [
        "'https://cdn.example.com/x.css'>: loads from another host",
        "'data:image/png;base64,AA=='>: javascript:, data: and vbscript: URLs are not allowed",
        "'//cdn.example.com/font.woff2'>: loads from another host",
        "<script src='assets/unhashed.js'>: only our fingerprinted scripts may run",
        "<script src='assets/unhashed.js'>: assets/unhashed.js does not exist",
        "<script> without src: inline scripts are not allowed",
        "url='https://cdn.example.com/bg.png'>: loads from another host",
        "'missing/'>: missing/index.html does not exist",
        "'sub'>: sub does not exist (a folder: link to it with a trailing slash)",
        "'#nowhere'>: no id 'nowhere' in index.html",
        "'sub/#gone'>: no id 'gone' in sub/index.html",
        "'/elsewhere/'>: leaves the site's path prefix /catalogue/",
        "'JaVaScRiPt:alert(1)'>: javascript:",
        "'javascript:alert(1)'>: javascript:",
        "' java\\tscript:x'>: javascript:",
        "'https://tracker.example/pixel.png'>: loads from another host",
        "<img onerror=...>: event-handler attribute",
        "'https://cdn.example.com/b.png'>: loads from another host",
        "<iframe>: not allowed anywhere",
        "<form action='data:text/html,x'>: javascript:",
        "url='//cdn.example.com/d.png'>: loads from another host",
        "assets/a.css: <css url='../nope.png'>: nope.png does not exist",
        "assets/a.css: <css url='https://cdn.example.com/c.png'>: loads from another host",
    ]
    for message in expected:
        assert message in problems
    for fine in ("other.example", "mailto:", "sub/#there", "canonical", "site.0123456789.js"):
        assert fine not in problems
    assert len(problems.splitlines()) == len(expected)


# --- the built sites ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("links"))


def test_fixture_site_links_resolve_and_nothing_loads_from_another_host(fixture_site: Path) -> None:
    problems = crawl(fixture_site, FIXTURE_BASE)
    assert not problems, report(problems)


def test_shipped_content_links_resolve_and_nothing_loads_from_another_host(tmp_path: Path) -> None:
    if not any((REPO / "content" / "projects").glob("*.md")):
        pytest.skip("content/projects has no project files yet")
    out = tmp_path / "_site"
    result = build_site(REPO, BuildOptions(out=out, use_cache=False, jobs=1))
    assert result.ok, result.report.render()
    base = (REPO / "site.yaml").read_text(encoding="utf-8")
    base_url = re.search(r"^base_url:\s*(\S+)", base, re.MULTILINE)
    assert base_url is not None
    problems = crawl(out, base_url.group(1).rstrip("/") + "/")
    assert not problems, report(problems)
    shutil.rmtree(out)


# --- hostile content ------------------------------------------------------------------------------

HOSTILE_SLUG = "hostile-input-test-entry"
HOSTILE_PAGE = f"projects/{HOSTILE_SLUG}/index.html"
BENIGN_PAGE = "projects/north-shire-joint-control-room/index.html"  # every field filled in
# tags a project body could smuggle in; the hostile page may have no more of each than a plain project page
SMUGGLED_TAGS = ("script", "style", "form", "input", "button", "img", "svg", "math", "details", "link", "meta",
                 "iframe", "object", "embed", "base", "textarea", "select", "video", "audio", "source", "summary")


def test_hostile_content_never_reaches_the_html(fixture_site: Path) -> None:
    crawler = SiteCrawler(fixture_site, FIXTURE_BASE)
    assert not crawler.crawl(), report(crawler.problems)  # no on* attributes, javascript:/data: URLs, frames, inline scripts
    hostile, benign = crawler.pages[HOSTILE_PAGE], crawler.pages[BENIGN_PAGE]
    for tag in SMUGGLED_TAGS:
        assert hostile.tags[tag] <= benign.tags[tag], f"<{tag}> from the project body reached {HOSTILE_PAGE}"
    html = crawler.files[HOSTILE_PAGE].decode("utf-8")
    for raw in ("<script>alert", "evil.example", "\x0b", "ontoggle=", "onerror=", "onload=", "onclick=", "onmouseover="):
        assert raw not in html
    assert "Hostile &lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; &amp; &#34;quoted&#34; entry" in html
    assert 'href="https://safe.example.org/after"' in html  # the allow-list still lets ordinary links through
    hrefs = [ref.value for ref in hostile.references if ref.attribute == "href"]
    assert not [h for h in hrefs if DANGEROUS_SCHEME.match(_clean_url(h))]


def test_hostile_content_never_reaches_any_other_output_as_markup(fixture_site: Path) -> None:
    """Feeds, sitemaps and data files hold contributor text as escaped text, never as markup.

    The CSV is data for spreadsheets and keeps text as written (its safety is formula neutralising,
    tested in test_data_export). JSON strings may hold ``<`` as data, but the open-data files under
    ``data/`` escape it so they hold no markup at all, even to a careless consumer.
    """
    for path, data in read_tree(fixture_site).items():
        if path.endswith((".csv", ".xlsx")) or path.startswith("assets/"):  # spreadsheets: see test_data_export, test_xlsx
            continue
        text = data.decode("utf-8")
        assert "\x0b" not in text, path
        if path.endswith(".xml"):
            ET.fromstring(data)
            assert not re.search(r"<(script|iframe|svg|form|style|img|details|object|embed|a)\b", text, re.IGNORECASE), path
        if path.endswith(".json"):
            json.loads(data)
        if path.startswith("data/") and path.endswith(".json"):
            assert not re.search(r"[<>]", text), f"{path}: the open-data JSON escapes '<' and '>' (data_export.json_bytes)"
