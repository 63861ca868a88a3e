"""The shipped site in a browser: keyboard use with visible focus, pages without JavaScript, the
filters on /projects/ (combining, the address, reload, back and forward, announcements) and print."""

from __future__ import annotations

import html.parser
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from site_builder.catalogue.types import Catalogue, Project
from site_builder.model.project import KIND_LABELS, STATUS_LABELS
from site_builder.outputs.markdown import MarkdownRenderer
from tests.browser.conftest import (
    filter_box,
    most_complete_project,
    shipped_catalogue,
    shipped_pages,
    visible_project_slugs,
    wait_for_project_slugs,
)

pytestmark = pytest.mark.browser

MAX_TAB_STOPS = 250
MAX_PAGES = 100  # of one listing, when following rel=next links
FOCUS_MARGIN = 6  # px around an element where its focus indicator may be drawn


def _catalogue() -> Catalogue:
    catalogue = shipped_catalogue()
    if catalogue is None or not catalogue.projects:
        pytest.fail("the shipped catalogue cannot be loaded or has no projects")
    return catalogue


def _slugs(catalogue: Catalogue, keep: Callable[[Project], bool] = lambda _: True) -> set[str]:
    return {p.slug for p in catalogue.projects if keep(p)}


def _text(page: Any, selector: str = "main") -> str:
    """The rendered text of ``selector`` (only what is displayed), whitespace collapsed."""
    return " ".join(page.locator(selector).first.inner_text().split())


# --- keyboard ------------------------------------------------------------------------------------

SHOTS_PER_KIND = 2  # elements of one kind share their focus style: compare pixels for the first few of each

# The indicator part of the style of an element and its labels (GOV.UK draws a checkbox's focus ring on its
# label). A change of text colour or underline alone is too faint to count as a focus indicator.
_STYLE = """function focusStyle(e) {
  const clear = c => c === "transparent" || /rgba\\(.*, 0\\)$/.test(c);
  const parts = [];
  for (const node of [e, ...(e.labels || [])]) {
    if (parseFloat(getComputedStyle(node).opacity) === 0) continue;  // GOV.UK's inputs are see-through
    for (const pseudo of [null, "::before", "::after"]) {
      const s = getComputedStyle(node, pseudo);
      const outline = s.outlineStyle === "none" || clear(s.outlineColor) ? "none" : `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}`;
      const border = ["Top", "Right", "Bottom", "Left"].map(side => parseFloat(s[`border${side}Width`])
        ? `${s[`border${side}Width`]} ${s[`border${side}Style`]} ${s[`border${side}Color`]}` : "0").join(",");
      parts.push([outline, s.boxShadow, s.backgroundColor, border].join("|"));
    }
  }
  return parts.join("\\n");
}"""
# One round trip per tab stop: which element has focus (0 once focus has left the page or come round
# again), what it is, where it is, and whether its indicator style changes when it loses focus. The first
# few elements of each kind are left focused for a pixel comparison instead.
_STOP = """shotsPerKind => {
  """ + _STYLE + """
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return {key: 0};
  const keys = window.__tabStops = window.__tabStops || new Map();
  if (keys.has(e)) return {key: 0};
  keys.set(e, keys.size + 1);
  const nodes = [e, ...(e.labels || [])];
  const kind = nodes.map(n => n.localName + "." + [...n.classList].sort().join(".")).join(" ");
  const kinds = window.__tabKinds = window.__tabKinds || new Map();
  kinds.set(kind, (kinds.get(kind) || 0) + 1);
  const text = (e.innerText || e.value || e.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ").slice(0, 40);
  const description = `${e.localName}${e.id ? "#" + e.id : ""} "${text}" ${e.getAttribute("href") || ""}`;
  const rects = nodes.map(n => n.getBoundingClientRect()).filter(r => r.width && r.height);
  const box = rects.length ? {x: Math.min(...rects.map(r => r.left)), y: Math.min(...rects.map(r => r.top)),
                              right: Math.max(...rects.map(r => r.right)), bottom: Math.max(...rects.map(r => r.bottom))} : null;
  const shoot = kinds.get(kind) <= shotsPerKind;
  let styleChanged = null;
  if (box && !shoot) {
    const focused = focusStyle(e); e.blur(); styleChanged = focused !== focusStyle(e); e.focus({preventScroll: true});
  }
  return {key: keys.get(e), description, box, shoot, styleChanged};
}"""
_BLUR = """() => {
  """ + _STYLE + """
  const e = window.__lastStop = document.activeElement;
  const focused = focusStyle(e); e.blur(); return focused !== focusStyle(e);
}"""
_REFOCUS = "() => window.__lastStop.focus({preventScroll: true})"
NO_STYLE_CHANGE = "changes no outline, shadow, background or border"


def _clip(page: Any, box: dict[str, float]) -> dict[str, float] | None:
    """The viewport area around ``box`` where a focus indicator would show, or ``None`` if off screen."""
    size = page.viewport_size
    x, y = max(0.0, box["x"] - FOCUS_MARGIN), max(0.0, box["y"] - FOCUS_MARGIN)
    right, bottom = min(size["width"], box["right"] + FOCUS_MARGIN), min(size["height"], box["bottom"] + FOCUS_MARGIN)
    if right <= x or bottom <= y:
        return None
    return {"x": x, "y": y, "width": right - x, "height": bottom - y}


def _focus_problem(page: Any, stop: dict[str, Any]) -> str | None:
    """Why the focused element described by ``stop`` shows no visible focus, or ``None``. Focus stays on it.

    Its outline, box shadow, background or border (or its label's, for GOV.UK's styled inputs) must change
    when it loses focus; for the first elements of each kind, so must the pixels around it.
    """
    clip = _clip(page, stop["box"]) if stop["box"] else None
    if clip is None:
        return "is focused but not displayed"
    if not stop["shoot"]:
        return None if stop["styleChanged"] else NO_STYLE_CHANGE
    focused = page.screenshot(clip=clip, animations="disabled", caret="hide")
    style_changed = page.evaluate(_BLUR)
    blurred = page.screenshot(clip=clip, animations="disabled", caret="hide")
    page.evaluate(_REFOCUS)
    if focused == blurred:
        return "looks the same focused and unfocused"
    return None if style_changed else NO_STYLE_CHANGE


def _tab_stops(page: Any) -> Iterable[dict[str, Any]]:
    """Press Tab from where focus is and describe each focused element, until focus leaves the page or wraps."""
    for _ in range(MAX_TAB_STOPS):
        page.keyboard.press("Tab")
        stop: dict[str, Any] = page.evaluate(_STOP, SHOTS_PER_KIND)
        if not stop["key"]:
            return
        yield stop
    pytest.fail(f"more than {MAX_TAB_STOPS} tab stops: focus never left the page")


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Any, shipped_url: str) -> None:
    project = most_complete_project(_catalogue())
    page.goto(f"{shipped_url}projects/{project.slug}/")
    first = next(iter(_tab_stops(page)))
    assert page.evaluate("() => document.activeElement.localName === 'a' && /skip/i.test(document.activeElement.innerText)"), \
        f"the first tab stop is {first['description']}, not a skip link"
    problem = _focus_problem(page, first)
    assert problem is None, f"the skip link {problem}"
    target = page.evaluate("() => document.activeElement.hash.slice(1)")
    assert page.evaluate("id => document.querySelector('main').id === id", target), "the skip link does not point at <main>"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement === document.querySelector('main')"), "Enter on the skip link left focus elsewhere"
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)"), \
        "after the skip link, Tab goes back to the header instead of into the main content"


@pytest.mark.parametrize("name", ["project", "projects", "data"])  # the most varied controls: links, filters, a scroll box
def test_every_tab_stop_shows_a_visible_focus_indicator(page: Any, shipped_url: str, name: str) -> None:
    path = shipped_pages()[name]
    page.goto(shipped_url + path)
    stops, problems = 0, []
    for stop in _tab_stops(page):
        stops += 1
        problem = _focus_problem(page, stop)
        if problem:
            problems.append(f"{stop['description']} {problem}")
    assert stops >= 5, f"only {stops} tab stops on /{path}: the keyboard cannot reach the page's links"
    assert not problems, f"/{path}: no visible focus indicator on\n" + "\n".join(problems)


# --- without JavaScript --------------------------------------------------------------------------

def _listed_across_pages(page: Any, url: str) -> tuple[set[str], int]:
    """Slugs shown on ``url`` and on every page after it (following rel=next), and how many pages."""
    slugs: set[str] = set()
    pages = 0
    while True:
        page.goto(url)
        pages += 1
        slugs |= visible_project_slugs(page)
        following = page.locator("a[rel~='next']")
        if following.count() == 0 or pages > MAX_PAGES:
            return slugs, pages
        url = following.first.get_attribute("href") or ""
        url = page.evaluate("href => new URL(href, document.baseURI).href", url)


def test_projects_lists_every_project_without_javascript(make_page: Any, shipped_url: str) -> None:
    page = make_page(java_script_enabled=False)
    listed, pages = _listed_across_pages(page, shipped_url + "projects/")
    expected = _slugs(_catalogue())
    assert listed == expected, (f"/projects/ without JavaScript ({pages} page(s)) misses {sorted(expected - listed)}"
                                f" and shows unknown {sorted(listed - expected)}")
    assert not page.recorder.problems(), page.recorder.problems()


FACETS: dict[str, Callable[[Project, str], bool]] = {
    "themes": lambda p, value: value in p.meta.themes,
    "regions": lambda p, value: value in p.regions,
    "services": lambda p, value: value in p.services,
    "status": lambda p, value: p.meta.status == value,
}


def _facet_links(page: Any, facet: str) -> dict[str, str]:
    """Links in the main content to ``<facet>/<id>/`` pages: id -> the link's href attribute."""
    pattern = re.compile(rf"/{facet}/([a-z0-9]+(?:-[a-z0-9]+)*)/$")
    found: dict[str, str] = {}
    for href, url in page.locator("main a[href]").evaluate_all("as => as.map(a => [a.getAttribute('href'), a.href])"):
        if (match := pattern.search(urlsplit(url).path)) and match.group(1) != "page":
            found.setdefault(match.group(1), href)
    return found


@pytest.mark.parametrize("facet", sorted(FACETS))
def test_facet_links_on_projects_work_without_javascript(make_page: Any, shipped_url: str, facet: str) -> None:
    page = make_page(java_script_enabled=False)
    page.goto(shipped_url + "projects/")
    index = page.locator(f"main a[href$='{facet}/']")
    assert index.count(), f"/projects/ without JavaScript has no link to browse by {facet}"
    index.first.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path.endswith(f"/{facet}/"), f"the link to browse by {facet} went to {page.url}"
    links = _facet_links(page, facet)
    catalogue = _catalogue()
    counts = {value: sum(FACETS[facet](p, value) for p in catalogue.projects) for value in links}
    assert any(counts.values()), f"/{facet}/ links to no {facet} that has projects: {sorted(links)}"
    value = max(sorted(counts), key=lambda v: counts[v])  # the busiest, then the first by id
    page.locator(f"main a[href='{links[value]}']").first.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path.endswith(f"/{facet}/{value}/"), f"the link to {facet} {value} went to {page.url}"
    listed, _pages = _listed_across_pages(page, page.url)
    expected = _slugs(catalogue, lambda p: FACETS[facet](p, value))
    assert listed == expected, f"/{facet}/{value}/ misses {sorted(expected - listed)} and wrongly shows {sorted(listed - expected)}"
    assert not page.recorder.problems(), page.recorder.problems()


@pytest.mark.parametrize("path", ["insights/", "network/", "regions/", ""])
def test_insights_pages_show_their_charts_tables_and_map_without_javascript(make_page: Any, shipped_url: str, path: str) -> None:
    page = make_page(java_script_enabled=False)
    page.goto(shipped_url + path)
    charts = page.locator("main svg[role='img']")
    for i in range(charts.count()):
        assert charts.nth(i).is_visible() and charts.nth(i).bounding_box()["height"] > 40, f"/{path}: chart {i} is not shown"
    tables = page.locator("main table")
    assert tables.count() or path == "", f"/{path} has no tables"
    for i in range(tables.count()):
        assert tables.nth(i).is_visible(), f"/{path}: table {i} is hidden"
    if path in ("regions/", ""):
        tiles = page.locator("main .app-region-map__link")
        assert tiles.count() == len(_catalogue().registry.regions), f"/{path}: the map does not show every region"
        tiles.first.focus()
        assert page.evaluate("() => document.activeElement.classList.contains('app-region-map__link')")
    assert not page.recorder.problems(), page.recorder.problems()


def test_a_chart_row_links_to_its_projects_without_javascript(make_page: Any, shipped_url: str) -> None:
    page = make_page(java_script_enabled=False)
    page.goto(shipped_url + "insights/")
    row = page.locator("main table[data-chart='combinations'] tbody tr").first
    shown = int(row.locator("td").first.inner_text().replace(",", ""))
    href = row.locator("th a").get_attribute("href") or ""
    listed, _pages = _listed_across_pages(page, page.evaluate("href => new URL(href, document.baseURI).href", href))
    assert len(listed) == shown
    assert not page.recorder.problems(), page.recorder.problems()


class _TextParts(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.parts.append(" ".join(data.split()))


def _expected_text(catalogue: Catalogue, project: Project) -> list[str]:
    """Every piece of text the project page must show, from the content files."""
    meta, registry = project.meta, catalogue.registry
    parser = _TextParts()
    parser.feed(MarkdownRenderer().render(project.body))
    texts = [meta.title, meta.summary, STATUS_LABELS[meta.status], *parser.parts]
    texts += [registry.organisations[o].name for o in project.organisations]
    texts += [registry.themes[t].label for t in meta.themes]
    texts += [registry.regions[r].label for r in project.regions]
    texts += [KIND_LABELS[k] for k in project.services]
    texts += [registry.enablers[e].label for e in meta.enablers or ()]
    texts += [registry.barriers[b].label for b in meta.barriers or ()]
    texts += [*(meta.benefits or ()), *(meta.lessons or ()), *(link.title for link in meta.links or ())]
    texts += [f.source for f in meta.funding or ()]
    if meta.evaluation and meta.evaluation.summary:
        texts.append(meta.evaluation.summary)
    if meta.contact:
        texts += [meta.contact.role, meta.contact.email]
    return [" ".join(t.split()) for t in texts]


def test_project_page_shows_all_its_content_without_javascript(make_page: Any, shipped_url: str) -> None:
    catalogue = _catalogue()
    project = most_complete_project(catalogue)
    page = make_page(java_script_enabled=False)
    page.goto(f"{shipped_url}projects/{project.slug}/")
    page.locator("main details").evaluate_all("ds => ds.forEach(d => d.open = true)")  # a reader can open them
    shown = _text(page)
    missing = [t for t in _expected_text(catalogue, project) if t not in shown]
    assert not missing, f"/projects/{project.slug}/ without JavaScript does not show: {missing}"
    assert not page.recorder.problems(), page.recorder.problems()


# --- filters on /projects/ -------------------------------------------------------------------------

def _filter_pair(catalogue: Catalogue) -> tuple[str, str]:
    """A status and a service whose combination narrows both: fewer than either alone, but not none."""
    statuses = Counter(p.meta.status for p in catalogue.projects)
    for status, _count in sorted(statuses.items(), key=lambda item: (-item[1], item[0])):
        by_status = {p.slug for p in catalogue.projects if p.meta.status == status}
        for service in ("fire", "police", "ambulance"):
            by_service = {p.slug for p in catalogue.projects if service in p.services}
            both = by_status & by_service
            if both and both < by_status and both < by_service:
                return status, service
    pytest.fail("no status and service in the shipped catalogue narrow each other: cannot test combining filters")


def _announced(page: Any) -> str:
    return " ".join(page.locator("[aria-live], [role='status']").all_inner_texts())


def _query_values(url: str) -> set[str]:
    return {value for values in parse_qs(urlsplit(url).query).values() for joined in values for value in joined.split(",")}


def _state(page: Any, status: str, service: str, expected: set[str]) -> tuple[bool, bool, set[str]]:
    """Whether each box is checked, and the listed projects once they settle on ``expected`` (or time out)."""
    listed = wait_for_project_slugs(page, expected)
    return (filter_box(page, "status", STATUS_LABELS[status]).is_checked(),
            filter_box(page, "service", KIND_LABELS[service]).is_checked(), listed)


def test_filters_combine_and_live_in_the_address(page: Any, shipped_url: str) -> None:
    catalogue = _catalogue()
    status, service = _filter_pair(catalogue)
    everything = _slugs(catalogue)
    by_status = _slugs(catalogue, lambda p: p.meta.status == status)
    both = _slugs(catalogue, lambda p: p.meta.status == status and service in p.services)
    page.goto(shipped_url + "projects/")
    assert _state(page, status, service, everything) == (False, False, everything)

    filter_box(page, "status", STATUS_LABELS[status]).check()
    assert _state(page, status, service, by_status) == (True, False, by_status)
    assert status in _query_values(page.url), f"checking {status} left the address as {page.url}"
    assert re.search(rf"\b{len(by_status)}\b", _announced(page)), f"the live region says {_announced(page)!r}, not {len(by_status)}"

    filter_box(page, "service", KIND_LABELS[service]).check()
    assert _state(page, status, service, both) == (True, True, both), "status and service do not combine (AND)"
    assert {status, service} <= _query_values(page.url), f"the address {page.url} does not hold both filters"
    assert re.search(rf"\b{len(both)}\b", _announced(page)), f"the live region says {_announced(page)!r}, not {len(both)}"

    page.reload()
    assert _state(page, status, service, both) == (True, True, both), "reloading lost the filters"
    page.go_back()
    assert _state(page, status, service, by_status) == (True, False, by_status), "Back did not restore the status-only filter"
    page.go_back()
    assert _state(page, status, service, everything) == (False, False, everything), "Back did not restore the unfiltered list"
    page.go_forward()
    assert _state(page, status, service, by_status) == (True, False, by_status), "Forward did not restore the status filter"
    assert not page.recorder.problems(), page.recorder.problems()


def test_filters_work_from_the_keyboard(page: Any, shipped_url: str) -> None:
    catalogue = _catalogue()
    status, _service = _filter_pair(catalogue)
    page.goto(shipped_url + "projects/")
    box = filter_box(page, "status", STATUS_LABELS[status])
    for _ in range(MAX_TAB_STOPS):  # reach the checkbox with Tab, as a keyboard user would
        page.keyboard.press("Tab")
        if box.evaluate("e => e === document.activeElement"):
            break
    else:
        pytest.fail(f"Tab never reaches the {status} filter")
    page.keyboard.press("Space")
    assert box.is_checked(), "Space did not check the focused filter"
    expected = _slugs(catalogue, lambda p: p.meta.status == status)
    assert wait_for_project_slugs(page, expected) == expected, "checking a filter with Space did not filter the list"
    page.keyboard.press("Space")
    assert not box.is_checked(), "Space did not uncheck the focused filter"
    assert wait_for_project_slugs(page, _slugs(catalogue)) == _slugs(catalogue), "unchecking with Space did not restore the list"
    page.keyboard.press("Space")
    wait_for_project_slugs(page, expected)
    clear = page.get_by_role("button", name=re.compile("clear", re.IGNORECASE))
    for _ in range(MAX_TAB_STOPS):  # on to the button that clears the filters, and press Enter
        page.keyboard.press("Tab")
        if clear.evaluate("e => e === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reaches the button that clears the filters")
    page.keyboard.press("Enter")
    assert wait_for_project_slugs(page, _slugs(catalogue)) == _slugs(catalogue), "Enter on 'Clear filters' did not restore the list"
    assert not box.is_checked(), "Enter on 'Clear filters' left the filter checked"


# --- print -----------------------------------------------------------------------------------------

_HIDDEN_IN_PRINT = {
    "header navigation": "nav:not(main nav), .govuk-service-navigation",
    "search box": "[role='search'], input[type='search']",
    "footer": "footer",
}


@pytest.mark.parametrize("name", ["project", "projects"])
def test_print_shows_the_content_and_hides_the_chrome(page: Any, shipped_url: str, name: str) -> None:
    path = f"projects/{most_complete_project(_catalogue()).slug}/" if name == "project" else "projects/"
    page.goto(shipped_url + path)
    hidden = dict(_HIDDEN_IN_PRINT)
    if name == "projects":
        hidden["filters"] = "form:has(input[type='checkbox']), fieldset:has(input[type='checkbox'])"
    for what in ("header navigation", "footer", *(["filters"] if name == "projects" else [])):
        assert page.locator(hidden[what]).count(), f"/{path} has no {what} on screen, so its print style is untested"
    page.emulate_media(media="print")
    for what, selector in hidden.items():
        shown = page.locator(selector).evaluate_all("es => es.filter(e => e.checkVisibility()).map(e => e.outerHTML.slice(0, 80))")
        assert not shown, f"/{path} prints its {what}: {shown}"
    assert page.locator("main h1").first.is_visible(), f"/{path} does not print its heading"
    if name == "project":
        assert page.locator("main dl").first.is_visible(), f"/{path} does not print its summary list"
