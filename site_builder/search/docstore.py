"""``search/documents.json``: what the browser needs to filter (and list search results for) projects.

The file is one JSON object, compact and deterministic (sorted keys, no spaces)::

    {
      "documents": {"<slug>": {"t": title, "u": "projects/<slug>/", "s": summary, "st": status id,
                               "sv": [service ids], "th": [theme ids], "rg": [region ids]}, ...},
      "labels": {"st": {id: label}, "sv": {id: label}, "th": {id: label}, "rg": {id: label}}
    }

``u`` is relative to the site root. Documents sit under their own key so that no slug can collide
with ``labels``, and labels are grouped by field because ids are only unique within a vocabulary.
``assets/js/filters.js`` reads it on the project list; the search page reuses it for results.
"""

from __future__ import annotations

from typing import Any

from site_builder.runtime.jsonio import json_bytes
from site_builder.site.data import SiteData

DOCSTORE_PATH = "search/documents.json"


def docstore_data(site: SiteData) -> dict[str, Any]:
    documents = {
        p.slug: {
            "t": p.title, "u": p.url, "s": p.summary, "st": p.status.id,
            "sv": [r.id for r in p.services], "th": [r.id for r in p.themes], "rg": [r.id for r in p.regions],
        }
        for p in site.projects
    }
    labels = {group.key: {f.id: f.label for f in group.facets} for group in site.facets.values()}
    return {"documents": documents, "labels": labels}


def build_docstore(site: SiteData) -> bytes:
    """The bytes of ``search/documents.json``."""
    return json_bytes(docstore_data(site))
