"""The workbook's cells, and the rows of its ``projects`` sheet made in chunks that are kept deflated.

A cell is a number for the money columns and text otherwise; text that a spreadsheet would run as a
formula gets the quote-prefix style (see ``xlsx.py``). Styles are numbered in the order a workbook first
uses them, so every workbook here uses them in one order (:func:`register_styles`): the header's bold
font is style 1 and the quote prefix style 2, and a row's XML is the same in any of them.

The projects sheet's rows are made :data:`ROWS_PER_CHUNK` at a time, as the text openpyxl's own row
writer makes of them (:func:`row_xml`: from strings, several times faster than its cell objects), each
chunk deflated by itself (``zip_archive.py``) and kept in ``.cache/xlsx-rows.pickle`` under a digest
of its first row number and its records' JSON (all of a record the sheet shows). An edit to one project
makes one chunk again: its rows' XML, a fraction of a megabyte deflated, and its column widths, where
the whole sheet is about 75 MB of XML at 10,000 projects. Chunks are made the same way without the
cache, so the workbook's bytes do not depend on it; a chunk costs about 1% in size over deflating the
sheet whole.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError

from site_builder.outputs.data import CSV_COLUMNS, FORMULA_TRIGGERS, Records, cell_text, flat_values
from site_builder.outputs.export_cache import code_version, open_store
from site_builder.outputs.markdown import strip_xml_illegal
from site_builder.outputs.zip_archive import Piece, deflate

EXCEL_CELL_LIMIT = 32_767  # Excel keeps no more characters than this in a cell
NUMBER_COLUMNS = frozenset({"costs_gbp", "savings_gbp_per_year"})
MIN_WIDTH, MAX_WIDTH = 8, 60
ROWS_PER_CHUNK = 64  # about 0.5 MB of XML at the benchmark's 7.5 KB a row
# The rows' deflate level. The sheet of 10,000 projects (77 MB of XML) deflated to 24.3 MB in 2.8 s at
# zlib's default (6), and to 25.6 MB (+5%) in 1.35 s at 4: half of what is left of the workbook's CPU time.
ROWS_LEVEL = 4
HEADER_FONT = Font(bold=True)
HEADER_STYLE, QUOTE_STYLE = 1, 2
_NUMBERS = tuple(name in NUMBER_COLUMNS for name in CSV_COLUMNS)
_LETTERS = tuple(get_column_letter(number) for number in range(1, len(CSV_COLUMNS) + 1))


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
    if text.startswith(FORMULA_TRIGGERS):
        return _quoted(sheet, text)
    if text in ERROR_CODES:  # openpyxl would store "#N/A" and the like as error values; a contributor wrote text
        return _text_cell(sheet, text)
    return text


def _text_cell(sheet: Any, text: str) -> Cell:
    cell = Cell(sheet, row=1, column=1)
    cell.value = text
    cell.data_type = "s"  # text: openpyxl would make "=1+2" a formula and "#N/A" an error value
    return cell


def _quoted(sheet: Any, text: str) -> Cell:
    cell = _text_cell(sheet, text)
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


def _escaped(text: str) -> str:
    """Text as lxml escapes it in an element's content (``\\r`` too, which XML would read back as ``\\n``)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def _longest_line(text: str) -> int:
    return max(len(line) for line in text.split("\n")) if "\n" in text else len(text)


def row_xml(values: Sequence[Any], number: int, widths: list[int]) -> tuple[str, bool]:
    """Row ``number``'s ``<row>`` element for a project's :func:`~site_builder.outputs.data.flat_values`, and
    whether a cell has the quote prefix style; each column's longest line so far goes into ``widths`` (as
    :func:`line_widths` counts it). The XML is the text openpyxl writes for :func:`sheet_cell`'s values
    (before it is encoded: see :func:`rows_bytes`).

    openpyxl makes a cell object per value and writes it through lxml, which took 7 of the workbook
    process's 8.5 CPU seconds in a cold build of 10,000 projects; this writes the same text from strings.
    tests/test_xlsx_cache.py checks it against openpyxl's own writer, value by value.
    """
    parts = [f'<row r="{number}">']
    quoted = False
    for column, (letter, is_number, value) in enumerate(zip(_LETTERS, _NUMBERS, values, strict=True)):
        text = value if isinstance(value, str) else cell_text(value)
        if widths[column] < MAX_WIDTH:
            widths[column] = max(widths[column], _longest_line(text))
        ref = f"{letter}{number}"
        if is_number and isinstance(value, int) and not isinstance(value, bool):
            parts.append(f'<c r="{ref}" t="n"><v>{value:.16g}</v></c>')
            continue
        text = text[:EXCEL_CELL_LIMIT]
        style = ""
        if not text:
            parts.append(f'<c r="{ref}" t="inlineStr"></c>')
            continue
        if text.startswith(FORMULA_TRIGGERS):
            style, quoted = f' s="{QUOTE_STYLE}"', True
        space = ' xml:space="preserve"' if text != text.strip() else ""
        parts.append(f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escaped(text)}</t></is></c>')
    parts.append("</row>")
    return "".join(parts), quoted


# The control characters XML 1.0 cannot hold: openpyxl's ILLEGAL_CHARACTERS_RE, as bytes to delete.
_ILLEGAL = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])


def rows_bytes(xml: str) -> bytes:
    """Rows' XML as the sheet holds it: ASCII, other characters as references (as lxml writes them here).

    Like openpyxl, it refuses the control characters XML 1.0 cannot hold (the records have none: they
    are cleaned). Deleting them and comparing lengths is seven times faster than openpyxl's search.
    """
    data = xml.encode("ascii", "xmlcharrefreplace")
    if len(data.translate(None, _ILLEGAL)) != len(data):
        raise IllegalCharacterError("a cell has a control character that cannot be used in worksheets")
    return data


def make_chunk(records: Sequence[dict[str, Any]], first: int) -> RowChunk:
    """The rows of ``records`` (cleaned, as in projects.json), numbered from ``first``."""
    widths = [0] * len(CSV_COLUMNS)
    rows = [row_xml(flat_values(record), number, widths) for number, record in enumerate(records, first)]
    xml = rows_bytes("".join(text for text, _ in rows))
    return RowChunk(deflate(xml, level=ROWS_LEVEL), tuple(widths), any(quoted for _, quoted in rows))


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
    chunks: list[RowChunk] = []
    for start in range(0, len(records.records), ROWS_PER_CHUNK):
        first = start + 2  # row 1 is the header
        end = start + ROWS_PER_CHUNK
        key = _chunk_key(first, records.json[start:end]) if store is not None else ""
        chunk = _kept(store.get(key)) if store is not None else None
        if chunk is None:
            chunk = make_chunk(records.records[start:end], first)
            if store is not None:
                store.put(key, (chunk.piece.data, chunk.piece.size, chunk.piece.crc, chunk.widths, chunk.quoted))
        chunks.append(chunk)
    if store is not None:  # written only if a chunk was made, or one it held is no longer used
        store.save()
    return chunks
