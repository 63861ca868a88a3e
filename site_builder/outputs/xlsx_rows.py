"""The workbook's cells, and the rows of its ``projects`` sheet made in chunks that are kept deflated.

A cell is a number for the money columns and text otherwise; text that a spreadsheet would run as a
formula gets the quote-prefix style (see ``xlsx.py``). Styles are numbered in the order a workbook first
uses them, so every workbook here uses them in one order (:func:`register_styles`): the header's bold
font is style 1 and the quote prefix style 2, and a row's XML is the same in any of them.

The projects sheet's rows are made :data:`ROWS_PER_CHUNK` at a time, by openpyxl's own row writer,
each chunk deflated by itself (``zip_archive.py``) and kept in ``.cache/xlsx-rows.pickle`` under a
digest of its first row number and its records' JSON (all of a record the sheet shows). An edit to one
project makes one chunk again: its rows' XML, a fraction of a megabyte deflated, and its column widths,
where the whole sheet is about 75 MB of XML at 10,000 projects. Chunks are made the same way without
the cache, so the workbook's bytes do not depend on it; a chunk costs about 1% in size over deflating
the sheet whole.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.worksheet._writer import WorksheetWriter

from site_builder.outputs.data import CSV_COLUMNS, FORMULA_TRIGGERS, Records, cell_text, flat_values
from site_builder.outputs.export_cache import code_version, open_store
from site_builder.outputs.markdown import strip_xml_illegal
from site_builder.outputs.zip_archive import Piece, deflate

EXCEL_CELL_LIMIT = 32_767  # Excel keeps no more characters than this in a cell
NUMBER_COLUMNS = frozenset({"costs_gbp", "savings_gbp_per_year"})
MIN_WIDTH, MAX_WIDTH = 8, 60
ROWS_PER_CHUNK = 64  # about 0.5 MB of XML at the benchmark's 7.5 KB a row
HEADER_FONT = Font(bold=True)
HEADER_STYLE, QUOTE_STYLE = 1, 2
_NUMBERS = tuple(name in NUMBER_COLUMNS for name in CSV_COLUMNS)


@dataclass(frozen=True)
class RowChunk:
    """Rows of the projects sheet: their XML deflated, each column's longest line in them, and whether any
    cell has the quote prefix style (the workbook then has that style)."""

    piece: Piece
    widths: tuple[int, ...]
    quoted: bool


def sheet_cell(sheet: Any, value: Any, number: bool = False, clean: bool = True) -> Any:
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
    return _quoted(sheet, text)


def _quoted(sheet: Any, text: str) -> Cell:
    cell = Cell(sheet, row=1, column=1)
    cell.value = text
    cell.data_type = "s"  # openpyxl would otherwise store text starting with "=" as a formula
    cell.quotePrefix = True
    return cell


def register_styles(sheet: Any, quoted: bool) -> None:
    """Number the header style 1 and (if ``quoted``) the quote prefix style 2 in ``sheet``'s workbook, before any cell."""
    header = Cell(sheet, row=1, column=1)
    header.font = HEADER_FONT
    if header.style_id != HEADER_STYLE or (quoted and _quoted(sheet, "=").style_id != QUOTE_STYLE):
        raise ValueError("the workbook's styles are numbered before its first cell")


def line_widths(rows: Sequence[Sequence[Any]], columns: int) -> list[int]:
    """Each column's longest line of text in ``rows`` (counting stops at :data:`MAX_WIDTH`)."""
    widths = [0] * columns
    for row in rows:
        for i, value in enumerate(row):
            if value is not None and widths[i] < MAX_WIDTH:
                text = value if isinstance(value, str) else cell_text(value)
                widths[i] = max(widths[i], max((len(line) for line in text.split("\n")), default=0))
    return widths


def fitted_widths(columns: Sequence[str], longest: Sequence[int]) -> list[int]:
    """Each column as wide as its name or its longest line, within :data:`MIN_WIDTH` and :data:`MAX_WIDTH`."""
    return [min(MAX_WIDTH, max(MIN_WIDTH, len(name) + 2, width + 2)) for name, width in zip(columns, longest, strict=True)]


def rows_xml(sheet: Any, rows: Sequence[Sequence[Any]], first: int) -> bytes:
    """``rows`` as ``<row>`` elements numbered from ``first``, as openpyxl writes them into ``sheet``'s ``<sheetData>``."""
    if not rows:
        return b""
    out = io.BytesIO()
    writer = WorksheetWriter(sheet, out)
    stream: Any = writer.xf.send(True)  # openpyxl's lxml xmlfile, positioned after <sheetData>'s start
    with stream.element("sheetData"):
        for number, values in enumerate(rows, first):
            writer.write_row(stream, sheet._values_to_row(values, number), number)  # what sheet.append does
    writer.xf.send(None)
    writer.close()
    text = out.getvalue()
    start = text.index(b"<sheetData>") + len(b"<sheetData>")
    return text[start:text.rindex(b"</sheetData>")]


def scratch_sheet() -> Any:
    """A sheet of a workbook of its own with both styles numbered, to write rows' XML in."""
    sheet = Workbook(write_only=True).create_sheet("rows")
    register_styles(sheet, quoted=True)
    return sheet


def make_chunk(sheet: Any, records: Sequence[dict[str, Any]], first: int) -> RowChunk:
    """The rows of ``records`` (cleaned, as in projects.json), numbered from ``first``, in ``sheet``'s styles."""
    values = [flat_values(record) for record in records]
    rows = [[sheet_cell(sheet, value, number, clean=False) for number, value in zip(_NUMBERS, row, strict=True)]
            for row in values]
    quoted = any(isinstance(value, Cell) for row in rows for value in row)
    return RowChunk(deflate(rows_xml(sheet, rows, first)), tuple(line_widths(values, len(CSV_COLUMNS))), quoted)


def _chunk_key(first: int, texts: Sequence[bytes]) -> str:
    digest = hashlib.sha256(f"{first}\0".encode())
    for text in texts:
        digest.update(len(text).to_bytes(8, "big"))
        digest.update(text)
    return digest.hexdigest()


def _kept(value: object) -> RowChunk | None:
    """A chunk from its kept form, ``(data, size, crc, widths, quoted)``; ``None`` for anything else."""
    if not (isinstance(value, tuple) and len(value) == 5):
        return None
    data, size, crc, widths, quoted = value
    if not (isinstance(data, bytes) and isinstance(size, int) and isinstance(crc, int) and isinstance(quoted, bool)
            and isinstance(widths, tuple) and len(widths) == len(CSV_COLUMNS) and all(isinstance(w, int) for w in widths)):
        return None
    return RowChunk(Piece(data, size, crc), widths, quoted)


def project_chunks(records: Records, cache_root: Path | None = None) -> list[RowChunk]:
    """The projects sheet's rows after its header, in chunks; kept in ``cache_root``'s ``.cache/xlsx-rows.pickle``."""
    store = open_store(cache_root, "xlsx-rows", code_version(Path(__file__), Path(__file__).with_name("zip_archive.py"),
                                                             libraries=("openpyxl", "lxml")))
    sheet, chunks = None, []
    for start in range(0, len(records.records), ROWS_PER_CHUNK):
        first = start + 2  # row 1 is the header
        end = start + ROWS_PER_CHUNK
        key = _chunk_key(first, records.json[start:end]) if store is not None else ""
        chunk = _kept(store.get(key)) if store is not None else None
        if chunk is None:
            sheet = scratch_sheet() if sheet is None else sheet
            chunk = make_chunk(sheet, records.records[start:end], first)
            if store is not None:
                store.put(key, (chunk.piece.data, chunk.piece.size, chunk.piece.crc, chunk.widths, chunk.quoted))
        chunks.append(chunk)
    if store is not None:  # written only if a chunk was made, or one it held is no longer used
        store.save()
    return chunks
