"""Printing: a project page is a clean one-pager for a typical entry."""

from __future__ import annotations

import re
from typing import Any

from tests.browser.conftest import shipped_catalogue

PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?!s)")


def _sheets(page: Any, url: str) -> int:
    page.goto(url)
    page.emulate_media(media="print")
    pdf: bytes = page.pdf(format="A4", prefer_css_page_size=True)
    return len(PAGE_OBJECT.findall(pdf))


def test_most_shipped_projects_print_on_one_sheet(page: Any, shipped_url: str) -> None:
    catalogue = shipped_catalogue()
    assert catalogue is not None and catalogue.projects
    sheets = {p.slug: _sheets(page, f"{shipped_url}projects/{p.slug}/") for p in catalogue.projects}
    one = sorted(slug for slug, n in sheets.items() if n == 1)
    # A typical entry fits on one A4 sheet; the longest may run onto a second, never a third.
    assert len(one) * 2 >= len(sheets), sheets
    assert max(sheets.values()) <= 2, sheets
