"""schema/region-tiles.yaml: validated by `catalogue check` with exact messages; the map it draws."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from site_builder.catalogue.region_tiles import GRID, TILES_FILE, load_region_tiles
from site_builder.catalogue.registry import load_registry
from site_builder.insights.region_map import region_map
from site_builder.views.project import Facet
from tests.helpers import make_catalogue, pin_today, run_cli

REPO = Path(__file__).resolve().parent.parent
GOOD = """\
- region: north-west
  row: 1
  column: 1
- region: south-west
  row: 2
  column: 1
- region: south-east
  row: 2
  column: 2
"""


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_today(monkeypatch, dt.date(2026, 6, 1))


def check(tmp_path: Path, tiles: str | None) -> tuple[int, str]:
    root = make_catalogue(tmp_path, extra={TILES_FILE: tiles} if tiles is not None else {})
    return run_cli("check", "--root", str(root))


def test_the_shipped_tiles_cover_exactly_the_shipped_regions() -> None:
    registry, problems = load_registry(REPO)
    tiles, tile_problems = load_region_tiles(REPO, registry)
    assert not problems and not tile_problems
    assert tiles is not None and sorted(t.region for t in tiles) == sorted(registry.regions)
    assert len({(t.row, t.column) for t in tiles}) == len(tiles)


def test_a_catalogue_without_tiles_checks_clean_and_has_no_map(tmp_path: Path) -> None:
    assert check(tmp_path, None) == (0, "1 file checked: 0 errors, 0 warnings\n")
    registry, _ = load_registry(tmp_path)
    assert load_region_tiles(tmp_path, registry) == (None, [])


def test_good_tiles_check_clean(tmp_path: Path) -> None:
    assert check(tmp_path, GOOD)[0] == 0


BAD = """\
- region: north-west
  row: 1
  column: 1
- region: north-west
  row: 3
  column: 3
- region: south-east
  row: 1
  column: 1
- region: midlands
  row: two
  column: 9
- region: south-east
  row: 5
"""


def test_every_problem_in_the_tiles_is_reported_in_one_run(tmp_path: Path) -> None:
    code, out = check(tmp_path, BAD)
    assert code == 1
    assert out.splitlines() == [
        "schema/region-tiles.yaml:1:1: error: expected a tile for every region in schema/regions.yaml, found none for "
        "'south-west'; add a '- region: …' entry with its row and column",
        "schema/region-tiles.yaml:4:11: error: [1].region: expected each region once, found 'north-west' again; remove the repeat",
        "schema/region-tiles.yaml:8:8: error: [2]: expected a free square, found row 1, column 1 taken by 'north-west'; move one of the two tiles",
        "schema/region-tiles.yaml:10:11: error: [3].region: unknown region 'midlands'; use an id from schema/regions.yaml",
        "schema/region-tiles.yaml:11:8: error: [3].row: expected a whole number from 1 to 8, found 'two'; count from 1, at the top left",
        "schema/region-tiles.yaml:12:11: error: [3].column: expected a value of at most 8, found '9'; check the number",
        "schema/region-tiles.yaml:13:3: error: [4].column: required field is missing; add a line 'column: …'",
        "1 file checked: 7 errors, 0 warnings",
    ]


def test_tiles_that_are_not_a_list(tmp_path: Path) -> None:
    code, out = check(tmp_path, "north-west: [1, 1]\n")
    assert (code, out.splitlines()[0]) == (
        1, "schema/region-tiles.yaml:1:1: error: expected a list of tiles, found a set of fields; start each tile with '- region: …'")


def test_the_map_lists_tiles_in_reading_order_with_counts(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path, extra={TILES_FILE: GOOD})
    registry, _ = load_registry(root)
    tiles, _ = load_region_tiles(root, registry)
    facets = [Facet(r, registry.regions[r].label, "", f"regions/{r}/", ()) for r in registry.regions]
    placed = region_map(tiles, facets)
    assert [(t.id, t.row, t.column, t.count, t.url) for t in placed] == [
        ("north-west", 1, 1, 0, "regions/north-west/"), ("south-west", 2, 1, 0, "regions/south-west/"),
        ("south-east", 2, 2, 0, "regions/south-east/")]


def test_every_tile_position_has_a_css_class() -> None:
    scss = (REPO / "assets/scss/site.scss").read_text(encoding="utf-8")
    for n in range(1, GRID + 1):
        assert re.search(rf"\.app-region-map__tile--r{n} \{{ grid-row-start: {n}; \}}", scss)
        assert re.search(rf"\.app-region-map__tile--c{n} \{{ grid-column-start: {n}; \}}", scss)
