"""Front-end assets: compiled CSS, GOV.UK Frontend and lunr.js from npm, and our own scripts.

Every asset is served from the site itself under a fingerprinted name, so it can be cached forever.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from site_builder.runtime.paths import TOOL_ROOT

REPO = TOOL_ROOT
# logical name -> file, relative to the repository. `make assets` creates build/frontend/.
SOURCES = {
    "site.css": "build/frontend/site.css",
    "govuk-frontend.js": "node_modules/govuk-frontend/dist/govuk/all.bundle.js",
    "lunr.js": "node_modules/lunr/lunr.min.js",
    "site.js": "assets/js/site.js",
    "search.js": "assets/js/search.js",
    "search-page.js": "assets/js/search-page.js",
    "filters.js": "assets/js/filters.js",
    "favicon.svg": "assets/images/favicon.svg",
}


class MissingAssets(Exception):
    """The front-end assets have not been installed or compiled."""


@dataclass(frozen=True)
class Assets:
    urls: dict[str, str]  # logical name -> site-relative url
    files: dict[str, bytes]  # site-relative path -> content


def fingerprinted(name: str, content: bytes) -> str:
    stem, dot, ext = name.rpartition(".")
    return f"assets/{stem}.{hashlib.sha256(content).hexdigest()[:10]}{dot}{ext}"


def load_assets(repo: Path = REPO) -> Assets:
    """Read every asset and give it a content-hashed name."""
    missing = [rel for rel in SOURCES.values() if not (repo / rel).is_file()]
    if missing:
        raise MissingAssets(f"front-end assets are missing ({', '.join(missing)}); run 'make assets' (or 'make build')")
    urls: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for name, rel in SOURCES.items():
        content = (repo / rel).read_bytes()
        if rel.endswith(".js"):  # the source maps are not shipped, so do not point browsers at them
            content = re.sub(rb"\n//# sourceMappingURL=\S+\s*$", b"\n", content)
        url = fingerprinted(name, content)
        urls[name] = url
        files[url] = content
    return Assets(urls, files)
