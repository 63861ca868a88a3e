"""Reading the insights pages of a built site: their tables, and the project listings they link to."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path


@dataclass
class TableRow:
    href: str  # the first link in the row header, relative to the page
    label: str  # the row header's text
    cells: list[str] = field(default_factory=list)  # the <td> texts


@dataclass
class Table:
    kind: str  # "chart", "cross" or "network"
    id: str
    rows: list[TableRow] = field(default_factory=list)
    headers: list[str] = field(default_factory=list)  # the column headings


class TableParser(HTMLParser):
    """Every ``<table data-chart|data-cross|data-network=...>``: its body rows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, Table] = {}
        self._table: Table | None = None
        self._row: TableRow | None = None
        self._cell: str | None = None  # "th" or "td" while inside one
        self._text: list[str] = []
        self._in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "table":
            for kind in ("chart", "cross", "network"):
                if f"data-{kind}" in values:
                    self._table = Table(kind, values[f"data-{kind}"])
        elif self._table is not None:
            if tag == "tbody":
                self._in_body = True
            elif tag == "tr" and self._in_body:
                self._row = TableRow("", "")
            elif tag in ("th", "td") and (self._row is not None or not self._in_body):
                self._cell, self._text = tag, []
            elif tag == "a" and self._cell == "th" and self._row is not None and not self._row.href:
                self._row.href = values.get("href", "")

    def handle_endtag(self, tag: str) -> None:
        if self._table is None:
            return
        if tag in ("th", "td") and self._cell == tag:
            text = " ".join("".join(self._text).split())
            if self._row is None:
                self._table.headers.append(text)
            elif tag == "th":
                self._row.label = text
            else:
                self._row.cells.append(text)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._row.href:
                self._table.rows.append(self._row)
            self._row = None
        elif tag == "tbody":
            self._in_body = False
        elif tag == "table":
            self.tables[f"{self._table.kind}:{self._table.id}"] = self._table
            self._table = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._text.append(data)


def tables(page: Path) -> dict[str, Table]:
    parser = TableParser()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tables


class ListingParser(HTMLParser):
    """The projects listed on a page (project listings, and an organisation's compact lists) and its next page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items = 0
        self.next = ""
        self._compact = 0  # depth inside <ul class="app-compact-list">

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        classes = values.get("class", "").split()
        if tag == "li" and "app-project-list__item" in classes:
            self.items += 1
        if tag == "ul" and "app-compact-list" in classes:
            self._compact += 1
        elif tag == "li" and self._compact:
            self.items += 1
        if tag == "a" and "next" in values.get("rel", "").split():
            self.next = values.get("href", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "ul" and self._compact:
            self._compact -= 1


def target(site: Path, page: str, href: str) -> str:
    """The file a relative link on ``page`` (a path below ``site``) opens."""
    path = posixpath.normpath(posixpath.join(posixpath.dirname(page), href))
    return path + "/index.html" if href.endswith("/") else path


def listed(site: Path, page: str, href: str) -> tuple[int, int]:
    """How many projects the listing at ``href`` (from ``page``) shows across its pages, and how many pages."""
    count, pages, current = 0, 0, target(site, page, href)
    while current:
        parser = ListingParser()
        parser.feed((site / current).read_text(encoding="utf-8"))
        count, pages = count + parser.items, pages + 1
        current = target(site, current, parser.next) if parser.next else ""
    return count, pages


def number(text: str) -> int:
    return int(text.replace(",", "").replace("£", ""))
