"""Rendering a project's Markdown body to safe HTML.

Bodies are untrusted: python-markdown renders them (tables, heading ids, headings demoted one level so
the page keeps a single ``h1``), then nh3 keeps only an explicit allow-list of tags and attributes and
only https, mailto and in-page links, and ``body_html`` finishes the result (ids, table regions).
Images are dropped: the site makes no request to other hosts.

``render.py`` converts on all cores and sanitises in the building process; its cache holds the finished
HTML in an authenticated store, so a cache file planted in a pull request is never used.

Speed: python-markdown tries each inline pattern on each piece of text. A pattern can only match
where the body has its trigger (``[`` for links, ``*`` or ``_`` for emphasis, ...), so a body is
converted by an instance without the patterns whose triggers it lacks (:data:`INLINE_TRIGGERS`):
the same HTML, with a fifth less work on typical prose (tests/test_markdown_render.py compares).
Likewise a body without toc's ``[TOC]`` marker gets its heading ids and levels from :class:`_HeadingIds`,
toc's own steps without the table of contents it would build and throw away: 16% less again.
"""

from __future__ import annotations

import hashlib
import html
import importlib.metadata
import json
import re
import unicodedata
import xml.etree.ElementTree as etree
from typing import Any

import markdown
import nh3
from markdown.extensions.toc import TocExtension, TocTreeprocessor, remove_fnrefs, render_inner_html, strip_tags, unique

from site_builder.outputs.body_html import finish_body_html, href_filter
from site_builder.outputs.markdown_bounds import BoundedExtension

RENDERER_VERSION = "3"  # bump when the output of MarkdownRenderer.convert changes, to invalidate caches
ALLOWED_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead", "tr", "ul",
})
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    **{f"h{level}": {"id"} for level in range(2, 7)},
}
URL_SCHEMES = frozenset({"https", "mailto"})
REMOVE_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"})
# Characters XML 1.0 forbids (a vertical tab pasted from Word, say): they must never reach the output.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
HEADING_ID_PREFIX = "section-"


def strip_xml_illegal(text: str) -> str:
    return XML_ILLEGAL.sub("", text)


def heading_slug(value: str, separator: str) -> str:
    """Heading ids are prefixed so they never collide with the page's own ids."""
    text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^\w\s-]", "", text).strip().lower()
    return HEADING_ID_PREFIX + (re.sub(r"[-\s]+", separator, text) or "heading")


# Inline patterns, and the strings at least one of which a body must hold for any of them to match.
# Patterns only ever see pieces of the body and placeholders (letters, digits and control characters),
# so a body with none of a group's strings cannot match its patterns. Tabs become spaces and carriage
# returns newlines before the patterns run, so either may make a line break.
INLINE_TRIGGERS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("`",), ("backtick",)),
    (("\\",), ("escape",)),
    (("[",), ("reference", "link", "short_reference")),
    (("![",), ("image_link", "image_reference", "short_image_ref")),
    (("<",), ("autolink", "automail", "html")),
    (("&",), ("entity",)),
    (("*", "_"), ("em_strong",)),
    (("  \n", "\t", "\r"), ("linebreak",)),
)


TOC_MARKER = "[TOC]"  # toc's marker: a paragraph of just this becomes the table of contents
TOC_CONFIG: dict[str, Any] = {"baselevel": 2, "slugify": heading_slug, "toc_depth": "2-6", "marker": TOC_MARKER}


class _HeadingIds(TocTreeprocessor):
    """What the toc extension does to headings (levels demoted, ids given), without the table of contents.

    toc also builds the table, serialises it and looks through every element for its marker: 14% of a
    typical body's conversion, for a table that is only shown where the body has the marker. A body
    with ``[TOC]`` in it is converted with toc itself (:func:`unused_patterns`). This is toc's own run
    with those steps left out, its own helpers called in its order, so headings come out the same.
    """

    def run(self, doc: etree.Element) -> None:
        used_ids = {el.attrib["id"] for el in doc.iter() if "id" in el.attrib}
        counters: dict[str, int] = {}
        for el in doc.iter():
            if isinstance(el.tag, str) and self.header_rgx.match(el.tag):
                self.set_level(el)
                if "id" not in el.attrib:
                    name = strip_tags(render_inner_html(remove_fnrefs(el), self.md))
                    el.attrib["id"] = unique(self.slugify(html.unescape(name), self.sep), used_ids, counters)
                el.attrib.pop("data-toc-label", None)


class _HeadingIdsExtension(TocExtension):
    TreeProcessorClass = _HeadingIds


def _instance(unused: frozenset[str]) -> markdown.Markdown:
    headings = TocExtension(**TOC_CONFIG) if "toc" not in unused else _HeadingIdsExtension(**TOC_CONFIG)
    md = markdown.Markdown(extensions=["tables", "sane_lists", headings, BoundedExtension()], output_format="html")
    for name in sorted(unused - {"toc"}):
        md.inlinePatterns.deregister(name)
    return md


def unused_patterns(text: str) -> frozenset[str]:
    """The inline patterns that cannot match anywhere in ``text`` (see :data:`INLINE_TRIGGERS`), and "toc"
    if its marker is nowhere in it: only the literal text ``[TOC]`` can make a paragraph that is just the marker."""
    unused = frozenset(name for triggers, names in INLINE_TRIGGERS if not any(t in text for t in triggers) for name in names)
    return unused if TOC_MARKER in text else unused | {"toc"}


class MarkdownRenderer:
    """Reusable python-markdown instances (building one is slower than rendering a body), one for each
    set of inline patterns a body cannot use."""

    def __init__(self) -> None:
        self._instances: dict[frozenset[str], markdown.Markdown] = {}

    def convert(self, text: str, *, trim: bool = True) -> str:
        """Markdown to HTML, not yet safe; ``trim=False`` uses every pattern (for tests: the same HTML)."""
        text = strip_xml_illegal(text)
        unused = unused_patterns(text) if trim else frozenset()
        md = self._instances.get(unused)
        if md is None:
            md = self._instances[unused] = _instance(unused)
        md.reset()
        return md.convert(text)

    def render(self, text: str) -> str:
        """Markdown to the sanitised HTML that goes on the page."""
        return finish_html(self.convert(text))


def sanitise_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(REMOVE_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=href_filter,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener",
        strip_comments=True,
    )


def finish_html(converted: str) -> str:
    """python-markdown's HTML (fresh or from the cache) to the HTML a page may show."""
    return finish_body_html(sanitise_html(converted))


def sanitiser_fingerprint() -> str:
    """The nh3 version and what the sanitiser allows, for the cache key: a cache made under other
    rules is not reused (the cache is sanitised on every build anyway; this keeps it honest)."""
    return json.dumps({
        "nh3": importlib.metadata.version("nh3"),
        "tags": sorted(ALLOWED_TAGS),
        "attributes": {tag: sorted(attrs) for tag, attrs in sorted(ALLOWED_ATTRIBUTES.items())},
        "url_schemes": sorted(URL_SCHEMES),
        "clean_content_tags": sorted(REMOVE_WITH_CONTENT),
    }, sort_keys=True)


def body_key(text: str, sanitiser: str | None = None) -> str:
    """Cache key for a body: its content hash plus the renderer, library and sanitiser versions."""
    digest = hashlib.sha256()
    for part in (RENDERER_VERSION, markdown.__version__, sanitiser or sanitiser_fingerprint(), text):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()
