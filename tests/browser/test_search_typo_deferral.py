"""Typo matching waits while the exact matches fill the page: a common word's first page fetches no
term list and no shard for its typo candidates; a word with few exact matches gets its typo matches
on the first page; the count never claims to be whole before they are counted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from site_builder.search import shards as search_shards
from tests.browser.conftest import base_path, build_into, serve_site
from tests.browser.test_search import announced, open_search, result_slugs
from tests.helpers import VALID_PROJECT, make_catalogue

pytestmark = pytest.mark.browser

EXACT = 25  # "harbour" in the title: more than a page of 20
TYPOS = 2  # "harbor": one edit from it


def generated(word: str, i: int) -> str:
    return VALID_PROJECT.replace("title: Kent joint control room", f"title: Generated {word} project {i:03d}")


@pytest.fixture(scope="module")
def typo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    files: dict[str, str | bytes] = {f"harbour-{i:03d}": generated("harbour", i) for i in range(EXACT)}
    files.update({f"harbor-{i:03d}": generated("harbor", i) for i in range(TYPOS)})
    root = make_catalogue(tmp_path_factory.mktemp("typo-deferral"), files)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_shards, "SHARD_BYTES", 2_000)  # shards, as a large catalogue has
        return build_into(root, root / "_site")


@pytest.fixture(scope="module")
def typo_url(typo_site: Path, serve: Callable[..., str]) -> str:
    return serve_site(serve, typo_site, base_path(typo_site.parent))


def shards_holding(site: Path, lo: str, hi: str) -> set[str]:
    """The shards whose term range overlaps [lo, hi], as paths under search/."""
    manifest = json.loads((site / "search" / "manifest.json").read_bytes())
    assert len(manifest["shards"]) > 4, "the test needs a sharded index"
    return {rel for first, last, rel in manifest["shards"] if first <= hi and last >= lo}


def search_requests(requested: list[str]) -> set[str]:
    return {p.split("/search/", 1)[1] for p in requested if "/search/" in p and p.endswith(".json")}


def test_a_common_words_first_page_fetches_no_typo_data_until_more_results_are_asked_for(page: Any, typo_url: str,
                                                                                        typo_site: Path) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(urlsplit(r.url).path))
    open_search(page, typo_url, "harbour")
    slugs = result_slugs(page)
    assert len(slugs) == 20 and all(s.startswith("harbour-") for s in slugs)
    assert announced(page) == f"{EXACT} results for \u201charbour\u201d, not counting similar spellings."
    fetched = search_requests(requested)
    assert not [p for p in fetched if p.startswith("terms/")], fetched  # no term list for typo matching
    shards = {p for p in fetched if p.startswith("shards/")}
    assert shards and shards <= shards_holding(typo_site, "harbour", "harbour\uffff"), shards  # the word's own range
    typo_shards = shards_holding(typo_site, "harbor", "harbor")
    assert typo_shards - shards, "the test needs the typo's shard apart from the word's"

    page.click("#search-results button")  # more results: now the typo matches too, ranked below
    page.wait_for_function("n => document.querySelectorAll('#search-results li h2 a').length === n", arg=EXACT + TYPOS)
    slugs = result_slugs(page)
    assert all(s.startswith("harbour-") for s in slugs[:EXACT]) and all(s.startswith("harbor-") for s in slugs[EXACT:])
    assert announced(page) == f"{EXACT + TYPOS} results for \u201charbour\u201d."
    fetched = search_requests(requested)
    assert [p for p in fetched if p.startswith("terms/")] and typo_shards <= fetched
    assert page.is_hidden("#search-results button")
    assert not page.recorder.problems(), page.recorder.problems()


def test_a_word_with_few_exact_matches_shows_its_typo_matches_on_the_first_page(page: Any, typo_url: str) -> None:
    open_search(page, typo_url, "harbor")
    slugs = result_slugs(page)
    assert len(slugs) == 20
    assert sorted(slugs[:TYPOS]) == [f"harbor-{i:03d}" for i in range(TYPOS)]  # the exact matches first
    assert all(s.startswith("harbour-") for s in slugs[TYPOS:])  # then "harbour", one edit away
    assert announced(page) == f"{EXACT + TYPOS} results for \u201charbor\u201d."  # counted whole
    assert not page.recorder.problems(), page.recorder.problems()
