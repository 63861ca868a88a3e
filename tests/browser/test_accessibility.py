"""axe-core finds no WCAG 2.2 A or AA violation on any page type of the shipped site, and no page
reaches another host, throws, logs an error or fails to load one of its own files."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from site_builder.outputs.pages import PER_PAGE
from tests.browser.conftest import (
    base_path,
    build_into,
    describe_violations,
    filter_box,
    run_axe,
    serve_site,
    shipped_catalogue,
    shipped_pages,
    wait_for_project_slugs,
)
from tests.helpers import VALID_PROJECT, make_catalogue

pytestmark = pytest.mark.browser

MOBILE = {"width": 375, "height": 812}
PAGES = shipped_pages()


def _audit(page: Any) -> str:
    """Everything wrong with the loaded page, or an empty string."""
    found = describe_violations(run_axe(page))
    problems = "\n".join(page.recorder.problems())
    return "\n".join(part for part in (found, problems) if part)


@pytest.mark.parametrize("path", sorted(PAGES.values()), ids=lambda path: "/" + path)
def test_page_type_has_no_violations_and_stays_on_site(page: Any, shipped_url: str, path: str) -> None:
    response = page.goto(shipped_url + path)
    expected_status = 404 if path.startswith("no-such-page/") else 200
    assert response is not None and response.status == expected_status, f"/{path} answered {response and response.status}"
    problems = _audit(page)
    assert not problems, f"/{path}:\n{problems}"


def test_projects_with_filters_applied_has_no_violations(page: Any, shipped_url: str) -> None:
    catalogue = shipped_catalogue()
    assert catalogue is not None
    expected = {p.slug for p in catalogue.projects if p.meta.status == "operational" and "fire" in p.services}
    page.goto(shipped_url + "projects/")
    filter_box(page, "status", "Operational").check()
    filter_box(page, "service", "Fire and rescue").check()
    assert wait_for_project_slugs(page, expected) == expected, "the filters did not apply, so this would audit the plain list"
    problems = _audit(page)
    assert not problems, f"/projects/ filtered by status and service:\n{problems}"


@pytest.fixture(scope="module")
def paged_url(shipped_url: str, tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., str]) -> str:
    """A site whose /projects/ has a second page: the shipped one, or while it is too small, a fixture catalogue."""
    catalogue = shipped_catalogue()
    if catalogue is not None and len(catalogue.projects) > PER_PAGE:
        return shipped_url
    projects: dict[str, str | bytes] = {
        f"kent-joint-control-room-{n:02d}": VALID_PROJECT.replace("title: Kent joint control room", f"title: Kent joint control room {n:02d}")
        for n in range(PER_PAGE + 1)
    }
    root = make_catalogue(tmp_path_factory.mktemp("paged"), projects)
    return serve_site(serve, build_into(root, root / "_site"), base_path(root))


def test_second_page_of_projects_has_no_violations(page: Any, paged_url: str) -> None:
    page.goto(paged_url + "projects/")
    page.locator("a[rel~='next']").first.click()
    page.wait_for_load_state()
    assert page.url != paged_url + "projects/", "the link to the next page went nowhere"
    problems = _audit(page)
    assert not problems, f"{page.url}:\n{problems}"


@pytest.mark.parametrize("name", ["home", "project"])
def test_mobile_viewport_has_no_violations_and_no_sideways_scrolling(make_page: Any, shipped_url: str, name: str) -> None:
    page = make_page(viewport=MOBILE, is_mobile=True, has_touch=True)
    path = PAGES[name]
    page.goto(shipped_url + path)
    problems = _audit(page)
    assert not problems, f"/{path} at 375px:\n{problems}"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"/{path} scrolls sideways by {overflow}px at 375px wide (WCAG 1.4.10 Reflow)"


NARROW = {"width": 320, "height": 800}  # WCAG 1.4.10 Reflow: 320 CSS pixels


@pytest.mark.parametrize("name", ["insights", "network", "regions", "document", "changes"])
def test_whole_catalogue_pages_at_320px_have_no_violations_and_no_sideways_scrolling(make_page: Any, shipped_url: str,
                                                                                      name: str) -> None:
    page = make_page(viewport=NARROW, is_mobile=True, has_touch=True)
    path = PAGES[name]
    page.goto(shipped_url + path)
    problems = _audit(page)
    assert not problems, f"/{path} at 320px:\n{problems}"
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"/{path} scrolls sideways by {overflow}px at 320px wide (WCAG 1.4.10 Reflow)"


@pytest.fixture(scope="module")
def alias_case(shipped_url: str, tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., str]) -> tuple[str, str, str]:
    """(site URL, alias, slug): the shipped site's first alias or, while it has none, a fixture catalogue's."""
    catalogue = shipped_catalogue()
    aliased = sorted((p.meta.aliases[0], p.slug) for p in catalogue.projects if p.meta.aliases) if catalogue else []
    if aliased:
        return shipped_url, *aliased[0]
    project = VALID_PROJECT.replace("last_reviewed:", "aliases:\n  - kent-fire-control-room\nlast_reviewed:")
    root = make_catalogue(tmp_path_factory.mktemp("alias"), {"kent-joint-control-room": project})
    return serve_site(serve, build_into(root, root / "_site"), base_path(root)), "kent-fire-control-room", "kent-joint-control-room"


def test_alias_redirects_and_its_page_has_no_violations(page: Any, alias_case: tuple[str, str, str]) -> None:
    base, alias, slug = alias_case
    page.goto(f"{base}projects/{alias}/")
    page.wait_for_url(f"{base}projects/{slug}/")

    def without_refresh(route: Any) -> None:  # to audit the redirect page itself, stop it redirecting
        response = route.fetch()
        body, removed = re.subn(r"<meta http-equiv=\"refresh\" content=\"0;[^>]*>", "", response.text(), flags=re.IGNORECASE)
        assert removed == 1, "the alias page has no immediate meta refresh (a delayed one fails WCAG 2.2.1)"
        route.fulfill(response=response, body=body)

    page.route(f"{base}projects/{alias}/", without_refresh)
    page.goto(f"{base}projects/{alias}/")
    assert page.url == f"{base}projects/{alias}/"
    problems = _audit(page)
    assert not problems, f"/projects/{alias}/ (an alias of {slug}):\n{problems}"


def test_every_page_type_reflows_at_320px_without_sideways_scrolling(make_page: Any, shipped_url: str) -> None:
    """WCAG 1.4.10 Reflow: at 320 CSS px wide (1280px at 400% zoom) no page scrolls sideways."""
    page = make_page(viewport={"width": 320, "height": 640})
    overflowing = []
    for path in sorted(PAGES.values()):
        page.goto(shipped_url + path)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 0:
            overflowing.append(f"/{path} by {overflow}px")
    assert not overflowing, "pages that scroll sideways at 320px: " + ", ".join(overflowing)
    assert not page.recorder.problems(), page.recorder.problems()
