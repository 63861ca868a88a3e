"""The last steps for a body's HTML, after nh3: which links stay, heading ids, and table regions.

nh3's output is well-formed and holds only the allow-listed tags and attributes (no attributes on
``table``, ``id`` only on headings, ``href`` and ``title`` on links), so the patterns below match its
tags exactly, never text: a ``<`` in text is always written ``&lt;``.
"""

from __future__ import annotations

import html
import re

# The project's rule: content links only to https pages and mail addresses, or to its own headings.
# Whitespace or control characters anywhere (also hidden by entities, which nh3 has decoded by now),
# a backslash, or a host that starts with a slash ('https:///x', browsers read '\' as '/') are refused.
_HTTPS = re.compile(r"(?i:https)://[^\x00-\x20\x7f\s/\\?#][^\x00-\x20\x7f\s\\]*")
_MAILTO = re.compile(r"(?i:mailto):[^\x00-\x20\x7f\s\\/][^\x00-\x20\x7f\s\\]*")
_FRAGMENT = re.compile(r"#[\w.:-]*")
ID_PREFIX = "section-"
TABLE_LABEL = "Table {}"

_ANCHOR = re.compile(r'<a((?: [a-z]+="[^"]*")*)>(.*?)</a>', re.DOTALL)
_HEADING_ID = re.compile(r'<(h[2-6]) id="([^"]*)">')
_FRAGMENT_HREF = re.compile(r' href="#([^"]*)"')
_TABLE = re.compile(r"<(/?)table>")
_NOT_ID = re.compile(r"[^\w-]+", re.ASCII)


def allowed_href(value: str) -> bool:
    """May a link in a body point here? https, mailto and in-page ``#fragment`` links only."""
    return any(pattern.fullmatch(value) for pattern in (_HTTPS, _MAILTO, _FRAGMENT))


def href_filter(tag: str, attribute: str, value: str) -> str | None:
    """nh3's ``attribute_filter``: drops every ``href`` that :func:`allowed_href` refuses."""
    if attribute == "href" and not allowed_href(value):
        return None
    return value


def section_id(value: str) -> str:
    """An id in the body's own namespace: ``section-`` and only letters, digits, '-' and '_'."""
    name = _NOT_ID.sub("-", value).strip("-").lower() or "heading"
    return name if name.startswith(ID_PREFIX) else ID_PREFIX + name


def finish_body_html(sanitised: str) -> str:
    """Unlink anchors that lost their ``href``, prefix and de-duplicate heading ids, point fragment
    links at the prefixed ids, and put each table in a focusable, labelled region that scrolls."""
    text = _ANCHOR.sub(lambda m: m.group(0) if ' href="' in m.group(1) else m.group(2), sanitised)
    seen: set[str] = set()

    def unique(match: re.Match[str]) -> str:
        base = section_id(html.unescape(match.group(2)))
        name, count = base, 1
        while name in seen:
            count += 1
            name = f"{base}-{count}"
        seen.add(name)
        return f'<{match.group(1)} id="{name}">'

    text = _HEADING_ID.sub(unique, text)
    text = _FRAGMENT_HREF.sub(lambda m: f' href="#{section_id(html.unescape(m.group(1)))}"' if m.group(1) else m.group(0), text)
    tables = 0

    def region(match: re.Match[str]) -> str:
        nonlocal tables
        if match.group(1):
            return "</table></div>"
        tables += 1
        label = TABLE_LABEL.format(tables)
        return f'<div class="app-table-scroll" role="region" aria-label="{label}" tabindex="0"><table>'

    return _TABLE.sub(region, text)
