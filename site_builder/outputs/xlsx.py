"""``data/projects.xlsx``: the open data as an Excel workbook, for officials who work in spreadsheets.

Sheets: ``projects`` (one row per project, the same columns and text as ``projects.csv``, lists joined
with ``; ``), ``organisations``, and one per vocabulary (``themes``, ``enablers``, ``barriers``,
``regions``). Each has a frozen, bold header row, an autofilter and column widths fitted to the text.

Safety: every text cell is stored as a string, never a formula nor an error value (``#N/A`` in a
field is text a contributor wrote), and a cell that a spreadsheet would run as a formula when edited
(starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) also gets Excel's "quote prefix"
style, the workbook form of the CSV's leading apostrophe: Excel shows the text exactly as written and
keeps it text when someone edits the cell.

Deterministic: the document properties are fixed (creator, and created/modified from the build time,
never the clock) and every zip entry has the build time as its timestamp, so two builds of the same
commit give the same bytes. (openpyxl's ``save_workbook`` stamps the current time on both; we call
its writer directly with our own archive, ``zip_archive.py``.) openpyxl writes through lxml when it is
installed, which is about three times faster than its pure-Python fallback, so lxml is a dependency too.

Cached: the projects sheet, nearly all of the workbook, is put together from chunks of rows kept
deflated in ``.cache/xlsx-rows.pickle`` (``xlsx_rows.py``), so an edit to one project writes and
deflates one chunk of rows instead of 75 MB of XML; the other sheets are small and made each time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from site_builder.model.project import KIND_LABELS
from site_builder.outputs.data import CSV_COLUMNS, Records, export_records
from site_builder.outputs.markdown import strip_xml_illegal
from site_builder.outputs.xlsx_rows import (
    HEADER_FONT,
    MAX_WIDTH,
    RowChunk,
    fitted_widths,
    line_widths,
    project_chunks,
    register_styles,
    sheet_cell,
)
from site_builder.outputs.zip_archive import Piece, ZipArchive, deflate
from site_builder.site.data import SiteData

XLSX_PATH = "data/projects.xlsx"
CREATOR = "Emergency Services Collaboration Catalogue"
PROJECTS_SHEET = "xl/worksheets/sheet1.xml"  # the first sheet
ORGANISATION_COLUMNS = ("id", "name", "kind", "kind_label", "regions", "region_labels", "code", "website",
                        "replaced_by", "lead_projects", "partner_projects")
VOCABULARY_COLUMNS = ("id", "label", "description")
REGION_COLUMNS = ("id", "label", "code")
__all__ = ["CREATOR", "MAX_WIDTH", "XLSX_PATH", "projects_xlsx", "xlsx_files"]  # MAX_WIDTH: from xlsx_rows
OtherSheets = list[tuple[str, Sequence[str], list[list[Any]]]]


class _WorkbookArchive(ZipArchive):
    """The archive openpyxl writes the workbook into, the projects sheet's rows put in from their chunks."""

    def __init__(self, when: dt.datetime, rows: Sequence[Piece]) -> None:
        super().__init__(when)
        self._rows = rows

    def write(self, filename: str | Path, arcname: str) -> None:
        if arcname != PROJECTS_SHEET:
            super().write(filename, arcname)
            return
        # openpyxl wrote the sheet with its header row only; the rows go after it, before </sheetData>.
        # Cell text is escaped, so that is the one </sheetData> in the sheet.
        head, marker, tail = Path(filename).read_bytes().rpartition(b"</sheetData>")
        if not marker:
            raise ValueError(f"{PROJECTS_SHEET} has no rows element")
        self.add_pieces(arcname, [deflate(head), *self._rows, deflate(marker + tail, last=True)])


def _lay_out(sheet: Any, columns: Sequence[str], widths: Sequence[int], rows: int) -> None:
    """Column widths, the frozen header, the autofilter over ``rows`` rows, and the bold header row."""
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{rows + 1}"
    header = []
    for name in columns:
        cell = Cell(sheet, row=1, column=1, value=name)
        cell.font = HEADER_FONT
        header.append(cell)
    sheet.append(header)


def _add_sheet(book: Workbook, title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    sheet: Any = book.create_sheet(title)  # a WriteOnlyWorksheet; its stubs lack the layout attributes it has
    _lay_out(sheet, columns, fitted_widths(columns, line_widths(rows, len(columns))), len(rows))
    for row in rows:
        sheet.append([sheet_cell(sheet, value) for value in row])


def _organisation_rows(site: SiteData) -> list[list[Any]]:
    registry = site.catalogue.registry
    rows = []
    for org in site.organisations:
        source = registry.organisations[org.id]
        rows.append([org.id, org.label, source.kind, KIND_LABELS[source.kind], list(source.regions),
                     [r.label for r in org.regions], org.code, org.website, source.replaced_by or "",
                     [p.slug for p in org.lead_projects], [p.slug for p in org.partner_projects]])
    return rows


def _term_rows(terms: Iterable[Any]) -> list[list[Any]]:
    return [[term.id, term.label, term.description] for term in terms]


def _other_sheets(site: SiteData) -> OtherSheets:
    """Every sheet after ``projects``: its title, columns and rows."""
    registry = site.catalogue.registry
    sheets: OtherSheets = [
        ("organisations", ORGANISATION_COLUMNS, _organisation_rows(site))]
    for name in ("themes", "enablers", "barriers"):
        sheets.append((name, VOCABULARY_COLUMNS, _term_rows(getattr(registry, name).values())))
    sheets.append(("regions", REGION_COLUMNS, [[r.id, r.label, r.code] for r in registry.regions.values()]))
    return sheets


def projects_xlsx(site: SiteData, records: Records, other_sheets: OtherSheets | None = None,
                  cache_root: Path | None = None) -> bytes:
    """The workbook as bytes; ``records`` are the projects as in ``projects.json`` (sorted by slug, cleaned).

    The projects sheet's rows come from :func:`~site_builder.outputs.xlsx_rows.project_chunks`, kept at ``cache_root``.
    """
    chunks: list[RowChunk] = project_chunks(records, cache_root)
    book = Workbook(write_only=True)
    projects: Any = book.create_sheet("projects")
    register_styles(projects, quoted=any(chunk.quoted for chunk in chunks))
    longest = [max(widths, default=0) for widths in zip(*(chunk.widths for chunk in chunks), strict=True)]
    _lay_out(projects, CSV_COLUMNS, fitted_widths(CSV_COLUMNS, longest or [0] * len(CSV_COLUMNS)), len(records.records))
    for title, columns, rows in _other_sheets(site) if other_sheets is None else other_sheets:
        _add_sheet(book, title, columns, rows)
    when = site.as_of.astimezone(dt.UTC).replace(tzinfo=None)
    book.properties.creator = CREATOR
    book.properties.lastModifiedBy = CREATOR
    book.properties.title = strip_xml_illegal(site.config.title)
    book.properties.created = when
    book.properties.modified = when
    archive = _WorkbookArchive(site.as_of, [chunk.piece for chunk in chunks])
    ExcelWriter(book, cast(Any, archive)).save()  # it calls writestr, write, namelist and close, as a ZipFile's
    return archive.getvalue()


def xlsx_files(site: SiteData, records: Records | None = None, cache_root: Path | None = None) -> dict[str, bytes]:
    """``data/projects.xlsx``; the projects sheet's rows kept in ``cache_root``'s ``.cache/xlsx-rows.pickle``."""
    records = export_records(site) if records is None else records
    return {XLSX_PATH: projects_xlsx(site, records, cache_root=cache_root)}
