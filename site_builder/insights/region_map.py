"""The region map: a tile grid of the English regions, one link per region, with its project count.

The map is an HTML list of links placed on a CSS grid (the site's CSP allows no style attributes, so
each position is a class, ``app-region-map__tile--r2 app-region-map__tile--c3``): every tile is a
focusable link with the region's name and count as its text, in reading order, and with no styles at
all it is still a plain list of links. Tile positions come from ``catalogue/region_tiles.py``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from site_builder.catalogue.region_tiles import RegionTile


class Listing(Protocol):
    """A region's facet (a view of site_builder.views.project.Facet)."""

    @property
    def id(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def url(self) -> str: ...
    @property
    def projects(self) -> Sequence[object]: ...


@dataclass(frozen=True)
class Tile:
    id: str
    label: str
    url: str
    count: int
    row: int
    column: int


def region_map(tiles: Sequence[RegionTile] | None, regions: Sequence[Listing]) -> tuple[Tile, ...]:
    """The map's tiles in reading order (top to bottom, left to right), or none without a tile file."""
    if not tiles:
        return ()
    facets: Mapping[str, Listing] = {f.id: f for f in regions}
    placed = [Tile(t.region, facets[t.region].label, facets[t.region].url, len(facets[t.region].projects), t.row, t.column)
              for t in tiles if t.region in facets]
    return tuple(sorted(placed, key=lambda t: (t.row, t.column)))
