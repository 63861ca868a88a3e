"""``data/projects.xlsx``: the open data as an Excel workbook, for officials who work in spreadsheets.

Sheets: ``projects`` (one row per project, the same columns and text as ``projects.csv``, lists joined
with ``; ``), ``organisations``, and one per vocabulary (``themes``, ``enablers``, ``barriers``,
``regions``). Each has a frozen, bold header row, an autofilter and column widths fitted to the text.

Safety: every text cell is stored as a string, never a formula, and a cell that a spreadsheet would
run as a formula when edited (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) also
gets Excel's "quote prefix" style, the workbook form of the CSV's leading apostrophe: Excel shows
the text exactly as written and keeps it text when someone edits the cell.

Deterministic: the document properties are fixed (creator, and created/modified from the build time,
never the clock) and every zip entry has the build time as its timestamp, so two builds of the same
commit give the same bytes. (openpyxl's ``save_workbook`` stamps the current time on both; we call
its writer directly with our own zip file.) openpyxl writes through lxml when it is installed, which
is about three times faster than its pure-Python fallback, so lxml is a dependency too.

Cached: the workbook is kept in ``.cache/xlsx.pickle`` under a digest of everything in it (each project's
JSON, the other sheets' rows, the title and the build time), so a build where none of that changed
reuses the bytes instead of spending seconds writing and deflating 75 MB of XML again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from site_builder.model.project import KIND_LABELS
from site_builder.outputs.data import CSV_COLUMNS, FORMULA_TRIGGERS, Records, cell_text, export_records, flat_values
from site_builder.outputs.export_cache import code_version, open_store
from site_builder.outputs.markdown import strip_xml_illegal
from site_builder.runtime.jsonio import plain_json
from site_builder.site.data import SiteData

XLSX_PATH = "data/projects.xlsx"
CREATOR = "Emergency Services Collaboration Catalogue"
EXCEL_CELL_LIMIT = 32_767  # Excel keeps no more characters than this in a cell
NUMBER_COLUMNS = frozenset({"costs_gbp", "savings_gbp_per_year"})
MIN_WIDTH, MAX_WIDTH = 8, 60
ORGANISATION_COLUMNS = ("id", "name", "kind", "kind_label", "regions", "region_labels", "code", "website",
                        "replaced_by", "lead_projects", "partner_projects")
VOCABULARY_COLUMNS = ("id", "label", "description")
REGION_COLUMNS = ("id", "label", "code")
_HEADER_FONT = Font(bold=True)


class _FixedTimeZip(zipfile.ZipFile):
    """A zip file whose every entry has one fixed timestamp and is deflated, whatever the caller passes."""

    def __init__(self, file: io.BytesIO, when: dt.datetime) -> None:
        super().__init__(file, "w", zipfile.ZIP_DEFLATED, allowZip64=True)
        # the zip format has no time zone and no dates before 1980
        self._when = max(when.astimezone(dt.UTC).replace(tzinfo=None), dt.datetime(1980, 1, 1)).timetuple()[:6]

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self._when)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        return info

    def writestr(self, zinfo_or_arcname: str | zipfile.ZipInfo, data: Any,
                 compress_type: int | None = None, compresslevel: int | None = None) -> None:
        name = zinfo_or_arcname.filename if isinstance(zinfo_or_arcname, zipfile.ZipInfo) else zinfo_or_arcname
        super().writestr(self._info(name), data)

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        with open(filename, "rb") as handle:  # noqa: PTH123 - openpyxl passes a temporary file's name
            self.writestr(str(arcname or filename), handle.read())


def _cell(sheet: Any, value: Any, number: bool = False, clean: bool = True) -> Any:
    """A value to append: a number for money columns, otherwise text that is never read as a formula.

    Plain text goes in as it is (openpyxl stores it as a string); only text that a spreadsheet would
    treat as a formula becomes a styled cell, since building a cell object per value is slow.
    ``clean=False``: the value has no XML-illegal characters already (it is from a project's record).
    """
    if number and isinstance(value, int) and not isinstance(value, bool):
        return value
    text = cell_text(value)
    text = (strip_xml_illegal(text) if clean else text)[:EXCEL_CELL_LIMIT]
    if not text.startswith(FORMULA_TRIGGERS):
        return text
    cell = Cell(sheet, row=1, column=1)
    cell.value = text
    cell.data_type = "s"  # openpyxl would otherwise store text starting with "=" as a formula
    cell.quotePrefix = True
    return cell


def _widths(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[int]:
    """Each column as wide as its longest line of text, within :data:`MIN_WIDTH` and :data:`MAX_WIDTH`."""
    widths = [len(name) for name in columns]
    for row in rows:
        for i, value in enumerate(row):
            if value is not None and widths[i] < MAX_WIDTH:
                text = value if isinstance(value, str) else cell_text(value)
                widths[i] = max(widths[i], max((len(line) for line in text.split("\n")), default=0))
    return [min(MAX_WIDTH, max(MIN_WIDTH, w + 2)) for w in widths]


def _add_sheet(book: Workbook, title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], clean: bool = True) -> None:
    sheet: Any = book.create_sheet(title)  # a WriteOnlyWorksheet; its stubs lack the layout attributes it has
    for i, width in enumerate(_widths(columns, rows), start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{len(rows) + 1}"
    header = []
    for name in columns:
        cell = Cell(sheet, row=1, column=1, value=name)
        cell.font = _HEADER_FONT
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(sheet, value, name in NUMBER_COLUMNS, clean) for name, value in zip(columns, row, strict=True)])


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


def _other_sheets(site: SiteData) -> list[tuple[str, Sequence[str], list[list[Any]]]]:
    """Every sheet after ``projects``: its title, columns and rows."""
    registry = site.catalogue.registry
    sheets: list[tuple[str, Sequence[str], list[list[Any]]]] = [
        ("organisations", ORGANISATION_COLUMNS, _organisation_rows(site))]
    for name in ("themes", "enablers", "barriers"):
        sheets.append((name, VOCABULARY_COLUMNS, _term_rows(getattr(registry, name).values())))
    sheets.append(("regions", REGION_COLUMNS, [[r.id, r.label, r.code] for r in registry.regions.values()]))
    return sheets


def projects_xlsx(site: SiteData, records: Sequence[dict[str, Any]],
                  other_sheets: list[tuple[str, Sequence[str], list[list[Any]]]] | None = None) -> bytes:
    """The workbook as bytes; ``records`` are the projects as in ``projects.json`` (sorted by slug, cleaned)."""
    book = Workbook(write_only=True)
    _add_sheet(book, "projects", CSV_COLUMNS, [flat_values(record) for record in records], clean=False)
    for title, columns, rows in _other_sheets(site) if other_sheets is None else other_sheets:
        _add_sheet(book, title, columns, rows)
    when = site.as_of.astimezone(dt.UTC).replace(tzinfo=None)
    book.properties.creator = CREATOR
    book.properties.lastModifiedBy = CREATOR
    book.properties.title = strip_xml_illegal(site.config.title)
    book.properties.created = when
    book.properties.modified = when
    buffer = io.BytesIO()
    ExcelWriter(book, _FixedTimeZip(buffer, site.as_of)).save()
    return buffer.getvalue()


def workbook_key(site: SiteData, records: Records, other_sheets: list[tuple[str, Sequence[str], list[list[Any]]]]) -> str:
    """A digest of everything in the workbook: the projects' JSON, the other sheets, the title and build time."""
    digest = hashlib.sha256(plain_json([site.config.title, site.as_of.isoformat(), other_sheets]).encode("utf-8"))
    for text in records.json:  # a record's JSON is all of it that the projects sheet shows
        digest.update(len(text).to_bytes(8, "big"))
        digest.update(text)
    return digest.hexdigest()


def xlsx_files(site: SiteData, records: Records | None = None, cache_root: Path | None = None) -> dict[str, bytes]:
    """``data/projects.xlsx``; from ``cache_root``'s ``.cache/xlsx.pickle`` when nothing in it changed."""
    records = export_records(site) if records is None else records
    other_sheets = _other_sheets(site)
    store = open_store(cache_root, "xlsx", code_version(Path(__file__), libraries=("openpyxl", "lxml")))
    key = workbook_key(site, records, other_sheets) if store is not None else ""
    data = store.get(key) if store is not None else None
    if not isinstance(data, bytes):
        data = projects_xlsx(site, records.records, other_sheets)
        if store is not None:  # saved only on a miss: on a hit the file already holds just this workbook
            store.put(key, data)
            store.save()
    return {XLSX_PATH: data}
