"""A body with a 150-character autolinked URL and a five-column table reflows at 320 px (WCAG 1.4.10):
the page does not scroll sideways, the table scrolls inside its own focusable region, and axe-core
finds no violation. Both used to make the whole page scroll sideways."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.conftest import base_path, build_into, describe_violations, run_axe, serve_site
from tests.helpers import VALID_PROJECT, make_catalogue

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
LONG_URL = "https://example.org/" + "a" * 130
COLUMNS = ["Service", "Before the merger", "After the merger", "Change in response times", "Notes from the evaluation"]
BODY = f"""The fire control room sits beside the police control room. Read more at <{LONG_URL}>.

| {' | '.join(COLUMNS)} |
|{'---|' * len(COLUMNS)}
| Fire and rescue | Separate room | Shared room | Down by a quarter | Independently evaluated |
| Police | Separate room | Shared room | Unchanged | Internally evaluated |
"""


@pytest.fixture(scope="module")
def reflow_url(tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., str]) -> str:
    assert len(LONG_URL) == 150
    project = VALID_PROJECT.replace("The fire control room sits beside the police control room.\n", BODY)
    root = make_catalogue(tmp_path_factory.mktemp("reflow"), {"kent-joint-control-room": project})
    return serve_site(serve, build_into(root, root / "_site"), base_path(root)) + "projects/kent-joint-control-room/"


def test_a_long_url_and_a_wide_table_do_not_make_the_page_scroll_sideways(make_page: Any, reflow_url: str) -> None:
    page = make_page(viewport=NARROW)
    page.goto(reflow_url)
    assert page.locator(f'.app-prose a[href="{LONG_URL}"]').count() == 1  # the URL is there, as a link
    assert page.evaluate("() => document.documentElement.scrollWidth") <= NARROW["width"]
    region = page.locator(".app-prose .app-table-scroll")
    assert region.count() == 1
    assert region.get_attribute("role") == "region" and region.get_attribute("aria-label") == "Table 1"
    assert region.get_attribute("tabindex") == "0"
    widths = region.evaluate("el => [el.scrollWidth, el.clientWidth]")
    assert widths[0] > widths[1], f"the table fits ({widths}): this test would not show that it scrolls"
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.app-prose .app-table-scroll').scrollLeft > 0")
    assert page.evaluate("() => window.scrollX") == 0
    assert not page.recorder.problems(), page.recorder.problems()


def test_the_reflowed_page_has_no_accessibility_violations(make_page: Any, reflow_url: str) -> None:
    page = make_page(viewport=NARROW)
    page.goto(reflow_url)
    violations = describe_violations(run_axe(page))
    assert not violations, violations
