"""Which pages the site has, and what each one shows."""

from __future__ import annotations

from site_builder.render import Page
from site_builder.site import SiteData

def plan_pages(site: SiteData) -> list[Page]:
    """Every HTML page, in a fixed order."""
    pages = [Page("index.html", "index.html", {"projects": site.projects})]
    pages += [Page(f"{p.url}index.html", "project.html", {"project": p}) for p in site.projects]
    return pages

