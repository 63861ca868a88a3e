"""The project list's filters over more than a page of projects: search/filter.json for the counts,
fragments fetched only for the projects shown, and no whole-catalogue file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import base_path, build_into, filter_box, serve_site, wait_for_project_slugs
from tests.helpers import VALID_PROJECT, make_catalogue

pytestmark = pytest.mark.browser

COUNT = 64  # more than a page of 50


def generated(i: int) -> str:
    status = "operational" if i % 4 == 0 else "pilot"
    return VALID_PROJECT.replace("title: Kent joint control room", f"title: Generated project {i:03d}").replace(
        "status: operational", f"status: {status}")


@pytest.fixture(scope="module")
def big_url(tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., str]) -> str:
    root = make_catalogue(tmp_path_factory.mktemp("filter-fragments"), {f"generated-{i:03d}": generated(i) for i in range(COUNT)})
    return serve_site(serve, build_into(root, root / "_site"), base_path(root))


def slugs(numbers: range | list[int]) -> set[str]:
    return {f"generated-{i:03d}" for i in numbers}


def test_a_filter_counts_every_match_and_fetches_fragments_only_for_the_projects_shown(page: Any, big_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(urlsplit(r.url).path))

    def fragments() -> set[str]:
        return {p for p in requested if "/search/fragments/" in p}

    def announced(count: int) -> str:
        text = f"{count} projects match these filters."
        page.wait_for_function("t => document.getElementById('result-count').textContent.trim() === t", arg=text)
        return text

    page.goto(big_url + "projects/")
    filter_box(page, "service", "Police").check()  # every project: more than a page
    announced(COUNT)
    assert page.is_hidden("#server-results") and page.is_visible("#filter-results")
    assert wait_for_project_slugs(page, slugs(range(50))) == slugs(range(50))  # the first page, by title
    assert len(fragments()) == 50, "a fragment for each project shown, and no more"
    page.locator("#filter-results-more").click()
    assert wait_for_project_slugs(page, slugs(range(COUNT))) == slugs(range(COUNT))
    assert len(fragments()) == COUNT
    assert page.locator("#filter-results-list li a").nth(50).evaluate("a => a === document.activeElement")

    page.locator(".app-filters__clear").click()
    filter_box(page, "status", "Operational").check()
    operational = [i for i in range(COUNT) if i % 4 == 0]
    announced(len(operational))
    assert wait_for_project_slugs(page, slugs(operational)) == slugs(operational)
    filter_box(page, "status", "Pilot").check()  # either status: everything again
    announced(COUNT)
    assert len(fragments()) == COUNT  # each fetched once
    assert sum(p.endswith("/search/filter.json") for p in requested) == 1
    assert not [p for p in requested if p.endswith("/documents.json")]
    assert not page.recorder.problems(), page.recorder.problems()
