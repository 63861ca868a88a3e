"""/insights/ and /network/: every number is recomputed here from the built data/projects.json, and
every linked listing lists as many projects as the table says."""

from __future__ import annotations

import json
import os
import re
import statistics
from collections import Counter
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.catalogue.registry import load_registry
from site_builder.model.project import BLUE_LIGHT
from site_builder.outputs.pages import PER_PAGE
from tests.golden_update import FIXTURE, build_fixture, fixture_environment
from tests.helpers import VALID_PROJECT, make_catalogue
from tests.insights_pages import Table, listed, number, tables

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module", params=["fixture", "shipped"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(catalogue root, built site) for the fixture catalogue and for the shipped content."""
    work = tmp_path_factory.mktemp(request.param)
    if request.param == "fixture":
        return FIXTURE, build_fixture(work)
    with fixture_environment(work):
        result = build_site(REPO, BuildOptions(out=work / "_site", use_cache=False, jobs=1))
    assert result.ok, result.report.render()
    return REPO, work / "_site"


def build(root: Path, out: Path) -> Path:
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1772366400")
    result = build_site(root, BuildOptions(out=out, use_cache=False, jobs=1))
    assert result.ok, result.report.render()
    return out


def records(site: Path) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = json.loads((site / "data/projects.json").read_text(encoding="utf-8"))["projects"]
    return data


def shown(table: Table, column: int = 0) -> dict[str, int]:
    """Row label -> the number in ``column`` (0: the projects column), leaving out rows showing 0."""
    return {row.label: number(row.cells[column]) for row in table.rows if number(row.cells[column])}


def whole_median(values: list[int]) -> int:
    return int(Decimal(str(statistics.median(values))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def expected_charts(projects: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """Every chart's numbers, counted from the open data alone."""
    def count(labels: str) -> dict[str, int]:
        return dict(Counter(label for p in projects for label in p[labels]))

    combos: Counter[str] = Counter()
    names = {frozenset({"police", "fire"}): "Police and fire only", frozenset({"fire", "ambulance"}): "Fire and ambulance only",
             frozenset({"police", "ambulance"}): "Police and ambulance only", frozenset(BLUE_LIGHT): "All three services"}
    for p in projects:
        blue = frozenset(p["services"]) & BLUE_LIGHT
        combos[names.get(blue, "One blue-light service" if blue else "No blue-light service")] += 1
        if set(p["services"]) - BLUE_LIGHT:
            combos["With partners beyond the blue-light services"] += 1
    years = Counter((p["started"] or "")[:4] or "Start not recorded" for p in projects)
    funded: dict[str, set[str]] = {}
    amounts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for p in projects:  # sorted by slug in projects.json: a source is named by its first spelling
        for item in p["funding"]:
            key = " ".join(item["source"].split()).casefold()
            first.setdefault(key, " ".join(item["source"].split()))
            funded.setdefault(key, set()).add(p["slug"])
            amounts[key] += item["amount_gbp"]
    costs = [p["costs_gbp"] for p in projects if p["costs_gbp"] is not None]
    savings = [p["savings_gbp_per_year"] for p in projects if p["savings_gbp_per_year"] is not None]
    return {
        "themes": count("theme_labels"),
        "regions": count("region_labels"),
        "status": dict(Counter(p["status_label"] for p in projects)),
        "enablers": count("enabler_labels"),
        "barriers": count("barrier_labels"),
        "combinations": dict(combos),
        "started": dict(years),
        "funding": {first[k]: len(v) for k, v in funded.items()},
        "funding amounts": {first[k]: amounts[k] for k in funded if amounts[k]},
        "money": {label: len(values) for label, values in (("Total costs", costs), ("Yearly savings", savings)) if values},
        "money totals": {label: sum(values) for label, values in (("Total costs", costs), ("Yearly savings", savings)) if sum(values)},
        "money medians": {label: whole_median(values) for label, values in (("Total costs", costs), ("Yearly savings", savings))
                          if values and whole_median(values)},
    }


def test_every_chart_table_matches_the_open_data(built: tuple[Path, Path]) -> None:
    _, site = built
    projects = records(site)
    found = tables(site / "insights/index.html")
    expected = expected_charts(projects)
    for chart in ("themes", "regions", "status", "enablers", "barriers", "combinations", "started", "funding", "money"):
        assert shown(found[f"chart:{chart}"]) == expected[chart], chart
    assert shown(found["chart:funding"], 1) == expected["funding amounts"]
    assert shown(found["chart:money"], 1) == expected["money totals"]
    medians = {r.label: number(r.cells[2]) for r in found["chart:money"].rows if r.cells[2] != "none reported"}
    assert {k: v for k, v in medians.items() if v} == expected["money medians"]
    # the started chart's status columns split each year's count exactly
    statuses = ["Proposed", "In development", "Pilot", "Operational", "Completed", "Discontinued"]
    by_year = Counter(((p["started"] or "")[:4] or "Start not recorded", p["status_label"]) for p in projects)
    for row in found["chart:started"].rows:
        assert [number(c) for c in row.cells[1:7]] == [by_year[row.label, s] for s in statuses], row.label
    # theme x enabler and theme x barrier
    for name, labels in (("enablers", "enabler_labels"), ("barriers", "barrier_labels")):
        table = found[f"cross:theme-{name}"]
        assert table.headers[:2] == ["Theme", "Projects"]
        assert set(table.headers[2:]) >= {label for p in projects for label in p[labels]}
        for row in table.rows:
            mine = [p for p in projects if row.label in p["theme_labels"]]
            assert number(row.cells[0]) == len(mine)
            assert [number(c) for c in row.cells[1:]] == [sum(1 for p in mine if h in p[labels]) for h in table.headers[2:]]
    # the SVG shows the same numbers: each chart has one bar text per table row
    html = (site / "insights/index.html").read_text(encoding="utf-8")
    assert html.count('role="img"') == len([k for k in found if k.startswith("chart:")])


def test_the_network_tables_match_the_open_data(built: tuple[Path, Path]) -> None:
    root, site = built
    projects = records(site)
    registry, _ = load_registry(root)
    kinds: dict[str, str] = {oid: str(org.kind) for oid, org in registry.organisations.items()}
    found = tables(site / "network/index.html")
    matrix = found["network:kinds"]
    labels = [row.label for row in matrix.rows]
    ids = {"Police": "police", "Fire and rescue": "fire", "Ambulance": "ambulance", "Police and crime commissioners": "pcc",
           "Local authorities": "local-authority", "Health": "health", "Search and rescue": "rescue", "Other organisations": "other"}
    for row in matrix.rows:
        mine = ids[row.label]
        assert number(row.cells[0]) == sum(1 for p in projects if mine in p["services"])
        for other, cell in zip(labels, row.cells[1:], strict=True):
            theirs = ids[other]
            if theirs == mine:
                want = sum(1 for p in projects if Counter(kinds[o] for o in {p["lead"], *p["partners"]})[mine] >= 2)
            else:
                want = sum(1 for p in projects if mine in p["services"] and theirs in p["services"])
            assert number(cell) == want, (row.label, other)
    pairs: Counter[frozenset[str]] = Counter()
    names = {oid: org.name for oid, org in registry.organisations.items()}
    for p in projects:
        orgs = sorted({p["lead"], *p["partners"]})
        pairs.update(frozenset((a, b)) for i, a in enumerate(orgs) for b in orgs[i + 1:])
    top = max(pairs.values())
    first = found["network:pairs"].rows[0]
    assert number(first.cells[0]) == top
    best = {" and ".join(sorted((names[a], names[b]), key=str.casefold)) for a, b in (sorted(k) for k, n in pairs.items() if n == top)}
    assert first.label in best
    crossing = {row.label: number(row.cells[1]) for row in found["network:regions"].rows}
    for label, n in crossing.items():
        assert n == sum(1 for p in projects if label in p["region_labels"] and len(set(p["services"]) & BLUE_LIGHT) >= 2)


def test_every_link_lists_as_many_projects_as_its_row_shows(built: tuple[Path, Path]) -> None:
    _, site = built
    for page in ("insights/index.html", "network/index.html"):
        for key, table in tables(site / page).items():
            if key == "network:pairs":
                continue  # a pair links to both organisations; its count is the projects they share
            for row in table.rows:
                count, _ = listed(site, page, row.href)
                assert count == number(row.cells[0]), f"{page} {key} {row.label!r}: {row.href} lists {count}"


def test_links_count_projects_across_pages(tmp_path: Path) -> None:
    many: dict[str, str | bytes] = {f"kent-joint-control-room-{n:02d}": VALID_PROJECT.replace("title: Kent joint control room",
                                                                      f"title: Kent joint control room {n:02d}")
            for n in range(PER_PAGE + 3)}
    site = build(make_catalogue(tmp_path / "cat", many), tmp_path / "_site")
    rows = {row.label: row for row in tables(site / "insights/index.html")["chart:themes"].rows}
    count, pages = listed(site, "insights/index.html", rows["Joint control rooms"].href)
    assert (count, pages) == (PER_PAGE + 3, 2)
    assert number(rows["Joint control rooms"].cells[0]) == PER_PAGE + 3


NEW_PROJECT = """\
---
title: Kent tri-service safety officers
summary: Police, fire and ambulance staff share one community safety officer role across Kent villages.
status: pilot
lead: kent-police
partners:
  - kent-fire-and-rescue-service
  - south-east-coast-ambulance-service
  - kent-county-council
themes:
  - shared-estates
started: 2020-09
enablers:
  - leadership-commitment
barriers:
  - incompatible-it
funding:
  - source: Kent County Council
    amount_gbp: 5000
costs_gbp: 1000
last_reviewed: 2026-01-15
---
One officer covers prevention work for all three services.
"""


def all_numbers(site: Path) -> dict[tuple[str, str, int], int]:
    """(table, row, column) -> number, for every table on /insights/ and /network/."""
    found: dict[tuple[str, str, int], int] = {}
    for page in ("insights/index.html", "network/index.html"):
        for key, table in tables(site / page).items():
            for row in table.rows:
                for i, cell in enumerate(row.cells):
                    if cell != "none reported":
                        found[key, row.label, i] = number(cell)
    return found


@pytest.fixture
def before_and_after(tmp_path: Path) -> Iterator[tuple[dict[tuple[str, str, int], int], dict[tuple[str, str, int], int]]]:
    root = make_catalogue(tmp_path / "cat")
    before = all_numbers(build(root, tmp_path / "one"))
    (root / "content/projects/kent-tri-service-safety-officers.md").write_text(NEW_PROJECT, encoding="utf-8")
    yield before, all_numbers(build(root, tmp_path / "two"))


def test_adding_one_project_changes_exactly_the_counts_it_should(before_and_after: Any) -> None:
    before, after = before_and_after
    changed = {key: (before.get(key, 0), value) for key, value in after.items() if before.get(key, 0) != value}
    changed.update({key: (value, 0) for key, value in before.items() if key not in after})
    C, N = "chart:", "network:"
    assert changed == {
        (C + "themes", "Shared estates", 0): (0, 1),
        (C + "combinations", "All three services", 0): (0, 1),
        (C + "combinations", "With partners beyond the blue-light services", 0): (0, 1),
        (C + "regions", "South East", 0): (1, 2),
        (C + "status", "Pilot", 0): (0, 1),
        (C + "started", "2020", 0): (0, 1),
        (C + "started", "2020", 3): (0, 1),  # the pilot column
        (C + "enablers", "Senior leadership commitment", 0): (0, 1),
        (C + "barriers", "Incompatible IT", 0): (0, 1),
        (C + "funding", "Kent County Council", 0): (0, 1),
        (C + "funding", "Kent County Council", 1): (0, 5000),
        (C + "money", "Total costs", 0): (0, 1),
        (C + "money", "Total costs", 1): (0, 1000),
        (C + "money", "Total costs", 2): (0, 1000),  # the median of one
        ("cross:theme-enablers", "Shared estates", 0): (0, 1),
        ("cross:theme-enablers", "Shared estates", 1): (0, 1),
        ("cross:theme-barriers", "Shared estates", 0): (0, 1),
        ("cross:theme-barriers", "Shared estates", 1): (0, 1),
        # kinds: police, fire, ambulance and local authorities now meet (columns follow the rows)
        **{(N + "kinds", row, col): change for row, col, change in _kind_changes()},
        (N + "organisations", "Kent Police", 0): (1, 2),
        (N + "organisations", "Kent Police", 1): (1, 3),
        (N + "organisations", "Kent Fire and Rescue Service", 0): (1, 2),
        (N + "organisations", "Kent Fire and Rescue Service", 1): (1, 3),
        (N + "organisations", "South East Coast Ambulance Service NHS Foundation Trust", 0): (0, 1),
        (N + "organisations", "South East Coast Ambulance Service NHS Foundation Trust", 1): (0, 3),
        (N + "organisations", "Kent County Council", 0): (0, 1),
        (N + "organisations", "Kent County Council", 1): (0, 3),
        (N + "pairs", "Kent Fire and Rescue Service and Kent Police", 0): (1, 2),
        **{(N + "pairs", name, 0): (0, 1) for name in (
            "Kent County Council and Kent Fire and Rescue Service", "Kent County Council and Kent Police",
            "Kent County Council and South East Coast Ambulance Service NHS Foundation Trust",
            "Kent Fire and Rescue Service and South East Coast Ambulance Service NHS Foundation Trust",
            "Kent Police and South East Coast Ambulance Service NHS Foundation Trust")},
        (N + "regions", "South East", 0): (1, 2),
        (N + "regions", "South East", 1): (1, 2),
    }


def _kind_changes() -> list[tuple[str, int, tuple[int, int]]]:
    """Before: police and fire on one project. After: police, fire, ambulance and local authorities on a second."""
    order = ["Police", "Fire and rescue", "Ambulance", "Local authorities"]
    before_rows = {"Police": 1, "Fire and rescue": 1}
    changes = []
    for row in order:
        changes.append((row, 0, (before_rows.get(row, 0), before_rows.get(row, 0) + 1)))
        for j, col in enumerate(order, start=1):
            if col != row:
                was = 1 if {row, col} == {"Police", "Fire and rescue"} else 0
                changes.append((row, j, (was, was + 1)))
    return changes


FACTORS = re.compile(r'<h3 class="govuk-heading-s">(What helped|What got in the way)</h3>\s*<ul class="govuk-list app-factors">(.*?)</ul>',
                     re.DOTALL)
FACTOR = re.compile(r'">([^<]+)</a> <span class="app-muted">\(([0-9]+) of these projects\)</span>')


def test_theme_region_and_service_pages_show_their_own_enablers_and_barriers(built: tuple[Path, Path]) -> None:
    _, site = built
    projects = records(site)
    checked = 0
    for folder in ("themes", "regions", "services"):
        for facet in sorted({i for p in projects for i in p[folder]}):
            html = (site / folder / facet / "index.html").read_text(encoding="utf-8")
            mine = [p for p in projects if facet in p[folder]]
            found = {title: {label: int(n) for label, n in FACTOR.findall(body)} for title, body in FACTORS.findall(html)}
            for title, field in (("What helped", "enabler_labels"), ("What got in the way", "barrier_labels")):
                want = dict(Counter(label for p in mine for label in p[field]))
                assert found.get(title, {}) == want, (folder, facet, title)
            checked += 1
    assert checked >= 3
