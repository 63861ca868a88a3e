"""``schema/region-tiles.yaml``: where each region's tile sits on the region map, validated like any content file.

Tile positions live in ``schema/region-tiles.yaml`` (a row and a column from the top left for each
region), validated when loaded: every region in ``schema/regions.yaml`` has exactly one tile, and no
two tiles share a square. A catalogue without the file simply has no map.

The map is an HTML list of links placed on a CSS grid (the site's CSP allows no style attributes, so
each position is a class, ``app-region-map__tile--r2 app-region-map__tile--c3``): every tile is a
focusable link with the region's name and count as its text, in reading order, and with no styles at
all it is still a plain list of links.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator, Field, ValidationError
from pydantic_core import PydanticCustomError

from site_builder.catalogue.explain import explain_validation_error
from site_builder.catalogue.registry import Registry, read_yaml_file
from site_builder.diagnostics.report import Diagnostic
from site_builder.model.project import RegionId, Strict, describe

TILES_FILE = "schema/region-tiles.yaml"
GRID = 8  # rows and columns; assets/scss/site.scss has a class for each


def _position(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        return int(value.strip())
    raise PydanticCustomError("tile_position", "expected a whole number from 1 to {limit}, found {found}",
                              {"found": describe(value), "limit": GRID, "hint": "count from 1, at the top left"})


Position = Annotated[int, Field(ge=1, le=GRID), BeforeValidator(_position)]


class RegionTile(Strict):
    """Where one region's tile sits on the map."""

    region: RegionId = Field(description="Region id from schema/regions.yaml.")
    row: Position = Field(description="Row, from 1 at the top.")
    column: Position = Field(description="Column, from 1 at the left.")


def load_region_tiles(root: Path, registry: Registry) -> tuple[list[RegionTile] | None, list[Diagnostic]]:
    """The tiles in file order, or ``None`` when the file is missing or has any problem."""
    if not (root / TILES_FILE).is_file():
        return None, []
    file = read_yaml_file(root, TILES_FILE)
    data, source, diagnostics = file.data, file.source, file.diagnostics
    if data is None:
        return None, diagnostics
    if not isinstance(data, list):
        pos = source.value(())
        return None, [Diagnostic(TILES_FILE, pos.line, pos.col, "error", "", f"expected a list of tiles, found {describe(data)}",
                                 "start each tile with '- region: …'")]
    tiles: list[RegionTile] = []
    seen: dict[str, int] = {}
    squares: dict[tuple[int, int], str] = {}
    for index, item in enumerate(data):
        try:
            tile = RegionTile.model_validate(item, context={"registry": registry})
        except ValidationError as exc:
            diagnostics += explain_validation_error(exc, RegionTile, TILES_FILE, source, (index,))
            continue
        if tile.region in seen:
            pos = source.value((index, "region"))
            diagnostics.append(Diagnostic(TILES_FILE, pos.line, pos.col, "error", f"[{index}].region",
                                          f"expected each region once, found '{tile.region}' again", "remove the repeat"))
            continue
        seen[tile.region] = index  # it has a tile, even if that tile overlaps another
        if (tile.row, tile.column) in squares:
            pos = source.value((index, "row"))
            diagnostics.append(Diagnostic(TILES_FILE, pos.line, pos.col, "error", f"[{index}]",
                                          f"expected a free square, found row {tile.row}, column {tile.column} taken by "
                                          f"'{squares[(tile.row, tile.column)]}'", "move one of the two tiles"))
            continue
        squares[(tile.row, tile.column)] = tile.region
        tiles.append(tile)
    missing = [r for r in registry.regions if r not in seen]
    if missing:
        pos = source.value(())
        diagnostics.append(Diagnostic(TILES_FILE, pos.line, pos.col, "error", "",
                                      f"expected a tile for every region in schema/regions.yaml, found none for "
                                      f"{', '.join(repr(r) for r in missing)}", "add a '- region: …' entry with its row and column"))
    return (None if diagnostics else tiles), diagnostics


def check_region_tiles(root: Path, registry: Registry) -> list[Diagnostic]:
    """The problems in ``schema/region-tiles.yaml`` (none when it is absent), for ``catalogue check``."""
    return load_region_tiles(root, registry)[1]
