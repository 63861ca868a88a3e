"""The Atom feed of new and updated projects, the sitemap and robots.txt.

XML is built with ElementTree, which escapes every text and attribute; characters XML 1.0 forbids are
removed first. Every URL here is absolute (feeds and sitemaps are read away from the site), built
from ``config.base_url``.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path

from site_builder.outputs.data import iso_datetime
from site_builder.outputs.markdown import strip_xml_illegal
from site_builder.outputs.render import page_head
from site_builder.site.data import SiteData
from site_builder.text.memo_store import MemoStore, source_version
from site_builder.views.project import ProjectView

ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
FEED_PATH = "feed.xml"
SITEMAP_PATH = "sitemap.xml"
FEED_LIMIT = 50
NOT_IN_SITEMAP = frozenset({"404.html"})
_META = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_REFRESH = re.compile(rb"""http-equiv\s*=\s*["']?refresh""", re.IGNORECASE)
_NOINDEX = re.compile(rb"""name\s*=\s*["']?robots["']?[^>]*content\s*=\s*["'][^"']*noindex""", re.IGNORECASE)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: strip_xml_illegal(v) for k, v in attributes.items()})
    if text is not None:
        element.text = strip_xml_illegal(text)
    return element


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def feed_entries(projects: tuple[ProjectView, ...], limit: int = FEED_LIMIT) -> list[ProjectView]:
    """The most recently updated projects first; projects updated at the same time by slug."""
    return sorted(projects, key=lambda p: (-p.updated.timestamp(), p.slug))[:limit]


def atom_feed(site: SiteData) -> bytes:
    """An Atom 1.0 feed of the :data:`FEED_LIMIT` most recently updated projects."""
    base = site.config.base_url
    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": site.config.language})
    _add(feed, "id", base)
    _add(feed, "title", site.config.title)
    _add(feed, "subtitle", site.config.description)
    _add(feed, "updated", iso_datetime(site.as_of))
    _add(feed, "link", rel="self", type="application/atom+xml", href=base + FEED_PATH)
    _add(feed, "link", rel="alternate", type="text/html", href=base)
    author = _add(feed, "author")
    _add(author, "name", site.config.title)
    for project in feed_entries(site.projects):
        url = base + project.url
        entry = _add(feed, "entry")
        _add(entry, "id", url)
        _add(entry, "title", project.title)
        _add(entry, "updated", iso_datetime(project.updated))
        _add(entry, "published", iso_datetime(project.added))
        _add(_add(entry, "author"), "name", project.lead.label)
        _add(entry, "link", rel="alternate", type="text/html", href=url)
        _add(entry, "summary", project.summary)
        for theme in project.themes:
            _add(entry, "category", term=theme.id, label=theme.label)
    return _serialise(feed)


def _excluded_by_page(html: bytes) -> bool:
    """A page that redirects (``meta refresh``) or asks not to be indexed (``robots: noindex``)."""
    head = page_head(html)
    lower = head.lower()  # what re.IGNORECASE matches in bytes: ASCII letters in either case
    if b"refresh" not in lower and b"noindex" not in lower:  # one of the two needs one; most pages have neither
        return False
    return any(_REFRESH.search(meta) or _NOINDEX.search(meta) for meta in _META.findall(head))


def sitemap_paths(site: SiteData, files: Mapping[str, bytes]) -> list[str]:
    """Site-relative URLs of the pages worth indexing: every HTML page except the 404 page and redirects."""
    aliases = {f"projects/{alias}/index.html" for project in site.projects for alias in project.aliases}
    paths = []
    for path in sorted(files):
        if not path.endswith(".html") or path in NOT_IN_SITEMAP or path in aliases or _excluded_by_page(files[path]):
            continue
        paths.append(path.removesuffix("index.html") if path == "index.html" or path.endswith("/index.html") else path)
    return sorted(paths)


def sitemap(site: SiteData, files: Mapping[str, bytes], store: MemoStore | None = None) -> bytes:
    """A sitemap of every indexable page, with the last update of each project page.

    With a ``store``, the XML is kept under a digest of what it lists, so a build that changed no page's
    place in it, nor any date, does not build 14,000 elements again.
    """
    updated = {project.url: project.updated.date().isoformat() for project in site.projects}
    entries = [(site.config.base_url + path, updated.get(path)) for path in sitemap_paths(site, files)]
    key = hashlib.sha256(repr(entries).encode("utf-8", "surrogatepass")).hexdigest() if store is not None else ""
    kept = store.get(key) if store is not None else None
    if isinstance(kept, bytes):
        return kept
    urlset = ET.Element("urlset", {"xmlns": SITEMAP_NS})
    for loc, lastmod in entries:
        url = _add(urlset, "url")
        _add(url, "loc", loc)
        if lastmod is not None:
            _add(url, "lastmod", lastmod)
    made = _serialise(urlset)
    if store is not None:
        store.put(key, made)
        store.save()
    return made


def robots_txt(site: SiteData) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {site.config.base_url}{SITEMAP_PATH}\n".encode()


def feed_files(site: SiteData, files: Mapping[str, bytes], cache_root: Path | None = None) -> dict[str, bytes]:
    """``feed.xml``, ``sitemap.xml`` and ``robots.txt``; ``files`` is the rendered site so far.

    With ``cache_root``, the sitemap is kept in its ``.cache/sitemap.pickle`` (see :func:`sitemap`).
    """
    store = MemoStore.open(cache_root, "sitemap", source_version("sitemap-1", ("outputs/feeds.py",))) if cache_root else None
    return {FEED_PATH: atom_feed(site), SITEMAP_PATH: sitemap(site, files, store), "robots.txt": robots_txt(site)}
