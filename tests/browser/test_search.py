"""The search page in Chromium: queries, prefixes, misspellings, facets with history, hostile text,
lunr syntax that must not throw, keyboard use, accessibility, loading on demand and no JavaScript."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.browser.conftest import base_path, build_into, describe_violations, run_axe, serve_site
from tests.browser.test_hostile import PAYLOADS, SLUG, _assert_inert, hostile_project
from tests.helpers import VALID_PROJECT, make_catalogue

pytestmark = pytest.mark.browser

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
SYNTAX_QUERIES = ["title:", "fire~", "+-^", "a:b:c", '"unclosed', "*", "~1", "fire^", "-", "::", "\\", "<b>x</b>"]


def done(page: Any, before: str | None = None) -> str:
    """Wait until the search page has shown the results of a search after ``before``; returns its number."""
    page.wait_for_function(
        "(before) => { const d = document.getElementById('search-app').dataset.searchDone;"
        " return d !== undefined && d !== before; }", arg=before)
    value: str = page.get_attribute("#search-app", "data-search-done")
    return value


def open_search(page: Any, base: str, query: str | None = None, extra: str = "") -> str:
    page.goto(f"{base}search/" + (f"?q={quote(query)}{extra}" if query is not None else ""))
    return done(page) if query is not None else ""


def result_slugs(page: Any) -> list[str]:
    hrefs = page.eval_on_selector_all("#search-results li h2 a", "links => links.map(a => a.href)")
    return [urlsplit(h).path.rstrip("/").rsplit("/", 1)[-1] for h in hrefs]


def announced(page: Any) -> str:
    text: str = page.inner_text("#search-count")
    return text


def params(page: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def test_typing_a_query_and_pressing_enter_shows_results(page: Any, shipped_url: str) -> None:
    page.goto(f"{shipped_url}search/")
    empty = done(page)
    page.fill("#search-input", "control room")
    page.press("#search-input", "Enter")
    done(page, empty)
    assert params(page)["q"] == ["control room"]
    assert "kent-fire-control-at-police-headquarters" in result_slugs(page)[:3]
    assert "results for" in announced(page)
    assert page.get_attribute("#search-count", "aria-live") == "polite"
    assert not page.recorder.problems()


def test_the_header_search_box_leads_to_results(page: Any, shipped_url: str) -> None:
    page.goto(shipped_url)
    page.fill("header input[name=q]", "drone")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search/?q=drone")
    done(page)
    assert result_slugs(page)[0] == "hertfordshire-fire-support-for-missing-person-searches"
    assert page.input_value("#search-input") == "drone"


def test_a_q_url_shows_results_with_title_status_services_and_highlighted_summary(page: Any, shipped_url: str) -> None:
    open_search(page, shipped_url, "cardiac")
    assert result_slugs(page)[:2] == ["greater-manchester-fire-cardiac-arrest-response", "norfolk-emergency-medical-response-trial"]
    first = page.locator("#search-results li").first
    assert first.locator("h2 a").inner_text() == "Greater Manchester fire crews responding to cardiac arrests"
    assert first.locator(".app-status").inner_text().strip()
    assert "Fire and rescue" in first.locator(".app-project-list__meta").inner_text()
    assert [m.lower() for m in first.locator("mark").all_inner_texts()] == ["cardiac"]
    href = first.locator("h2 a").get_attribute("href")
    assert href == "../projects/greater-manchester-fire-cardiac-arrest-response/"  # relative, inside the site


def test_a_half_word_finds_its_projects(page: Any, shipped_url: str) -> None:
    open_search(page, shipped_url, "ambul")
    slugs = result_slugs(page)
    assert "hertfordshire-fire-gaining-entry-for-ambulance" in slugs[:3]
    assert any(m.lower().startswith("ambulance") for m in page.locator("#search-results mark").all_inner_texts())
    open_search(page, shipped_url, "co-resp")
    assert "greater-manchester-fire-cardiac-arrest-response" in result_slugs(page)[:3]


def test_a_misspelt_place_finds_its_projects(page: Any, shipped_url: str) -> None:
    open_search(page, shipped_url, "Staffordshre")
    assert set(result_slugs(page)) == {"staffordshire-commissioner-police-fire-governance", "staffordshire-fire-falls-response-team",
                                       "staffordshire-joint-police-fire-vehicle-maintenance"}


def test_a_typo_in_the_first_letter_finds_control_rooms_below_exact_matches_for_another_word(page: Any, shipped_url: str) -> None:
    control_rooms = {"kent-fire-control-at-police-headquarters", "merseyside-joint-command-and-control-centre",
                     "nottinghamshire-joint-police-fire-headquarters"}
    open_search(page, shipped_url, "xontrol")
    assert set(result_slugs(page)[:3]) == control_rooms
    marks = {m.lower() for m in page.locator("#search-results li").first.locator("mark").all_inner_texts()}
    assert marks and all(m.startswith("control") for m in marks), marks
    open_search(page, shipped_url, "xontrol fleet")
    slugs = result_slugs(page)
    assert slugs[0] == "south-yorkshire-joint-police-fire-fleet"  # "fleet" exactly comes before "xontrol" approximately
    assert control_rooms <= set(slugs) and min(slugs.index(s) for s in control_rooms) > 0
    assert not page.recorder.problems()


def test_results_show_an_excerpt_with_the_matched_words_marked(page: Any, shipped_url: str) -> None:
    open_search(page, shipped_url, "memorandum")  # in the description, not the summary
    item = page.locator("#search-results li", has=page.locator("a[href*='greater-manchester-fire-cardiac-arrest-response']"))
    excerpt = item.locator(".app-project-list__summary")
    assert [m.lower() for m in excerpt.locator("mark").all_inner_texts()] == ["memorandum"]
    assert "memorandum of understanding" in excerpt.inner_text()
    assert excerpt.evaluate("e => [...e.querySelectorAll('mark')].every(m => m.children.length === 0)")
    open_search(page, shipped_url, "cardiac arrests")  # in the summary: the summary, with both words marked
    first = page.locator("#search-results li").first.locator(".app-project-list__summary")
    assert first.inner_text().startswith("From September 2015")
    assert {m.lower() for m in first.locator("mark").all_inner_texts()} == {"cardiac", "arrests"}


def test_search_fetches_fragments_only_for_the_results_shown_and_no_documents_json(page: Any, shipped_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(urlsplit(r.url).path))
    open_search(page, shipped_url, "police")
    total = int(announced(page).split()[0])
    assert total > 20, "the test needs more than a page of results"
    fragments = [p for p in requested if "/search/fragments/" in p]
    assert len(result_slugs(page)) == 20 and len(fragments) == len(set(fragments)) == 20
    partial = "not counting similar spellings" in announced(page)  # typo matches: counted once past the exact ones
    page.click("#search-results button")  # "Show more results": the next page's fragments, then focus on it
    if partial and total < 40:
        page.wait_for_function("() => !document.getElementById('search-count').textContent.includes('not counting')")
        total = int(announced(page).split()[0])
    page.wait_for_function("n => document.querySelectorAll('#search-results li h2 a').length === n", arg=min(40, total))
    fragments = [p for p in requested if "/search/fragments/" in p]
    assert len(fragments) == len(set(fragments)) == min(40, total)
    assert page.evaluate("() => document.activeElement === document.querySelectorAll('#search-results li h2 a')[20]")
    assert sum(p.endswith("/search/filter.json") for p in requested) == 1
    assert not [p for p in requested if p.endswith("/documents.json")]
    assert not page.recorder.problems()


def test_facets_filter_results_live_in_the_url_and_follow_back_and_forward(page: Any, shipped_url: str) -> None:
    first = open_search(page, shipped_url, "ambulance")
    everything = result_slugs(page)
    pilot = page.locator("#search-facets input[name=status][value=pilot]")
    pilot.check()
    second = done(page, first)
    assert params(page)["status"] == ["pilot"]
    pilots = result_slugs(page)
    assert pilots and set(pilots) < set(everything)
    assert all(t.strip() == "Pilot" for t in page.locator("#search-results .app-status").all_inner_texts())
    assert "filtered from" in announced(page)
    page.locator("#search-facets input[name=service][value=police]").check()
    third = done(page, second)
    assert params(page)["service"] == ["police"] and params(page)["status"] == ["pilot"]
    both = result_slugs(page)
    assert set(both) <= set(pilots)

    page.go_back()
    fourth = done(page, third)
    assert result_slugs(page) == pilots and "service" not in params(page)
    assert pilot.is_checked() and not page.locator("#search-facets input[name=service][value=police]").is_checked()
    page.go_back()
    fifth = done(page, fourth)
    assert result_slugs(page) == everything and "status" not in params(page)
    page.go_forward()
    done(page, fifth)
    assert result_slugs(page) == pilots
    assert not page.recorder.problems()


@pytest.mark.parametrize("query", SYNTAX_QUERIES)
def test_lunr_syntax_in_a_query_never_throws(page: Any, shipped_url: str, query: str) -> None:
    open_search(page, shipped_url, query)
    assert announced(page).strip(), "the page should say something about every query"
    assert page.input_value("#search-input") == query
    assert not page.recorder.problems()


def test_lunr_syntax_around_real_words_still_finds_them(page: Any, shipped_url: str) -> None:
    open_search(page, shipped_url, "title:cardiac~1 +arrest^")
    assert result_slugs(page)[0] == "greater-manchester-fire-cardiac-arrest-response"
    assert not page.recorder.problems()


def test_no_results_gives_advice_and_browse_links(page: Any, shipped_url: str) -> None:
    open_search(page, shipped_url, "xylophone quartet")
    assert announced(page).startswith("No results")
    advice = page.inner_text("#search-results")
    assert "spelling" in advice and "fewer" in advice
    hrefs = page.eval_on_selector_all("#search-results a", "links => links.map(a => a.getAttribute('href'))")
    assert "../themes/" in hrefs


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory, serve: Callable[..., str]) -> str:
    root = make_catalogue(tmp_path_factory.mktemp("hostile-search"),
                          {SLUG: hostile_project(), "kent-joint-control-room": VALID_PROJECT})
    site = build_into(root, root / "_site")
    return serve_site(serve, site, base_path(root))


def test_a_hostile_title_stays_inert_in_the_results(page: Any, hostile_url: str) -> None:
    open_search(page, hostile_url, "hostile")
    _assert_inert(page, "search results")
    title = page.locator("#search-results li h2 a").first.inner_text()
    assert PAYLOADS[0] in title and PAYLOADS[1] in title, f"the title should be shown as text: {title!r}"
    open_search(page, hostile_url, "pwned script")
    _assert_inert(page, "search results for the payload words")
    open_search(page, hostile_url, "payload")  # the description's payloads, in a marked excerpt
    _assert_inert(page, "a marked excerpt of the payloads")
    marks = page.locator("#search-results mark")
    assert marks.count() >= 1 and all(m.lower() == "payload" for m in marks.all_inner_texts())
    assert page.locator("#search-results").evaluate("e => [...e.querySelectorAll('mark')].every(m => m.children.length === 0)")


def _tab_to(page: Any, selector: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    pytest.fail(f"Tab never reached {selector}")


def test_search_works_with_the_keyboard_alone(page: Any, shipped_url: str) -> None:
    page.goto(f"{shipped_url}search/")
    empty = done(page)  # the page without a query is done at once
    _tab_to(page, "#search-input")
    page.keyboard.type("fleet")
    page.keyboard.press("Enter")
    first = done(page, empty)
    assert result_slugs(page)[0] == "south-yorkshire-joint-police-fire-fleet"
    _tab_to(page, "#search-facets input[type=checkbox]")
    page.keyboard.press("Space")
    done(page, first)
    assert any(k in params(page) for k in ("status", "service", "theme", "region"))
    _tab_to(page, "#search-results li h2 a")
    page.keyboard.press("Enter")
    page.wait_for_url("**/projects/**")
    assert not page.recorder.problems()


def test_the_page_with_results_has_no_axe_violations(page: Any, shipped_url: str) -> None:
    open_search(page, shipped_url, "ambulance")
    page.locator("#search-facets input[name=status]").first.check()
    done(page, "1")
    violations = run_axe(page)
    assert not violations, describe_violations(violations)


def test_the_index_loads_only_for_search_and_only_once(page: Any, shipped_url: str) -> None:
    requested: list[str] = []
    page.on("request", lambda r: requested.append(urlsplit(r.url).path))

    def index_requests() -> list[str]:
        return [p for p in requested if p.endswith(("/search/index.json", "/search/manifest.json"))]

    page.goto(shipped_url)
    page.wait_for_load_state("networkidle")
    assert index_requests() == [], "the home page should not fetch the search index until asked"
    if page.evaluate("() => !!window.catalogueSearch"):  # search.js on every page: focus prefetches
        page.focus("header input[name=q]")
        page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.includes('/search/index.json'))")
    first = open_search(page, shipped_url, "fleet")
    page.fill("#search-input", "drone")
    page.press("#search-input", "Enter")
    done(page, first)
    loaded = [p for p in requested if p.endswith("/search/index.json")]
    assert len(loaded) <= 2 and page.evaluate(
        "() => performance.getEntriesByType('resource').filter(e => e.name.includes('/search/index.json')).length") == 1


def test_without_javascript_the_page_says_so_and_links_to_browsing(make_page: Callable[..., Any], shipped_url: str) -> None:
    page = make_page(java_script_enabled=False)
    page.goto(f"{shipped_url}search/?q=fleet")
    assert page.is_visible("#search-nojs") and not page.is_visible("#search-app")
    assert "needs JavaScript" in page.inner_text("#search-nojs")
    hrefs = page.eval_on_selector_all("#search-nojs a", "links => links.map(a => a.getAttribute('href'))")
    assert {"../themes/", "../services/", "../regions/", "../projects/"} <= set(hrefs)


@pytest.mark.parametrize("query", ["fire\u202eecilop\u202c", "fire\u2067\u200fnot\u2069 here\u0007", "zzqx\u202eqq"])
def test_the_query_is_echoed_without_control_or_text_direction_characters(page: Any, shipped_url: str, query: str) -> None:
    open_search(page, shipped_url, query)
    echoed = page.text_content("#search-count") + page.input_value("#search-input")
    assert "\u201c" in echoed, echoed  # the query is echoed in the status ...
    hidden = [c for c in echoed + page.text_content("#search-results") if c in BIDI_CONTROLS]
    assert [c for c in echoed if ord(c) < 0x20] == []
    assert hidden == [], [hex(ord(c)) for c in hidden]  # ... without them
    assert not page.recorder.problems()
