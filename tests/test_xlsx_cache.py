"""The workbook from cached chunks of rows (.cache/xlsx-rows.pickle) and its zip writer: the same workbook as
openpyxl writes whole, an edit makes its own chunk again and changes its row only, a damaged cache is ignored."""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os
import random
import zipfile
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

import site_builder.outputs.xlsx_rows as rows_module
from site_builder.outputs.data import CSV_COLUMNS, export_records, flat_values
from site_builder.outputs.xlsx import CREATOR, XLSX_PATH, _other_sheets, xlsx_files
from site_builder.outputs.xlsx_rows import HEADER_FONT, NUMBER_COLUMNS, RowChunk, fitted_widths, line_widths, sheet_cell
from site_builder.outputs.zip_archive import ZipArchive, crc32_combine, deflate
from site_builder.site.data import SiteData
from tests.helpers import VALID_PROJECT, make_catalogue
from tests.test_data_export import FULL_PROJECT, HOSTILE_PROJECT, load_site

PROJECTS: dict[str, str | bytes] = {"kent-joint-control-room": VALID_PROJECT, "kent-blue-light-hub": FULL_PROJECT, "hostile": HOSTILE_PROJECT}
EDITED = "kent-blue-light-hub"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_catalogue(tmp_path / "cat", PROJECTS)


def _workbook(site: SiteData, cache_root: Path | None) -> bytes:
    return xlsx_files(site, export_records(site), cache_root)[XLSX_PATH]


def _entries(data: bytes) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None  # every entry's CRC-32 checks
    return {info.filename: archive.read(info) for info in archive.infolist()}


def _whole(site: SiteData) -> bytes:
    """The workbook as openpyxl writes it whole, every row appended to one sheet, into a zipfile.ZipFile."""
    book = Workbook(write_only=True)
    records = export_records(site).records
    sheets = [("projects", CSV_COLUMNS, [flat_values(r) for r in records], False), *((*s, True) for s in _other_sheets(site))]
    for title, columns, rows, clean in sheets:
        sheet: Any = book.create_sheet(title)
        for i, width in enumerate(fitted_widths(columns, line_widths(rows, len(columns))), start=1):
            sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width = width
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{openpyxl.utils.get_column_letter(len(columns))}{len(rows) + 1}"
        header = [Cell(sheet, row=1, column=1, value=name) for name in columns]
        for cell in header:
            cell.font = HEADER_FONT
        sheet.append(header)
        for row in rows:
            sheet.append([sheet_cell(sheet, v, n in NUMBER_COLUMNS, clean) for n, v in zip(columns, row, strict=True)])
    when = site.as_of.astimezone(dt.UTC).replace(tzinfo=None)
    book.properties.creator = book.properties.lastModifiedBy = CREATOR
    book.properties.title = site.config.title
    book.properties.created = book.properties.modified = when
    buffer = io.BytesIO()
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return buffer.getvalue()


@pytest.mark.parametrize("rows_per_chunk", [1, 2, 64])
def test_every_sheet_is_the_xml_openpyxl_writes_for_the_whole_workbook(
        root: Path, rows_per_chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows_module, "ROWS_PER_CHUNK", rows_per_chunk)
    site = load_site(root)
    ours, whole = _entries(_workbook(site, None)), _entries(_whole(site))
    assert list(ours) == list(whole)
    assert ours == whole
    assert b' s="2" ' in ours["xl/worksheets/sheet1.xml"] and b'quotePrefix="1"' in ours["xl/styles.xml"]  # the hostile cells
    assert _workbook(site, root) == _workbook(site, None) == _workbook(site, root)  # cold, --no-cache and warm


def test_a_workbook_without_formula_like_text_has_no_quote_prefix_style(tmp_path: Path) -> None:
    site = load_site(make_catalogue(tmp_path / "cat", {"kent-joint-control-room": VALID_PROJECT}))
    entries = _entries(_workbook(site, None))
    assert entries == _entries(_whole(site))
    assert b'quotePrefix="1"' not in entries["xl/styles.xml"]


def _rows(data: bytes) -> dict[str, tuple[Any, ...]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["projects"]
    return {str(row[0].value): tuple((c.value, c.data_type, c.quotePrefix) for c in row) for row in sheet.iter_rows(min_row=2)}


def _widths(data: bytes) -> list[float]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["projects"]
    return [sheet.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, len(CSV_COLUMNS) + 1)]


def test_an_edit_makes_its_own_chunk_again_and_changes_its_row_and_the_widths_it_widens(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows_module, "ROWS_PER_CHUNK", 1)  # a chunk per project
    before = _workbook(load_site(root), root)
    path = root / "content" / "projects" / f"{EDITED}.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Renamed, and a good deal longer, ", 1),
                    encoding="utf-8")
    site = load_site(root)
    fresh = _workbook(site, None)
    made: list[str] = []
    real = rows_module.make_chunk

    def counted(records: Any, first: int) -> RowChunk:
        made.extend(record["slug"] for record in records)
        return real(records, first)

    monkeypatch.setattr(rows_module, "make_chunk", counted)
    after = _workbook(site, root)
    assert made == [EDITED]
    assert after == fresh
    old, new = _rows(before), _rows(after)
    assert old.keys() == new.keys() == set(PROJECTS)
    assert [slug for slug in old if old[slug] != new[slug]] == [EDITED]
    assert new[EDITED][CSV_COLUMNS.index("title")][0].startswith("Renamed, and a good deal longer, ")
    title = CSV_COLUMNS.index("title")
    widths_before, widths_after = _widths(before), _widths(after)
    assert widths_after[title] > widths_before[title]  # the longer title widens its column
    assert widths_after[:title] + widths_after[title + 1:] == widths_before[:title] + widths_before[title + 1:]
    made.clear()
    assert _workbook(site, root) == fresh and made == []  # nothing changed: every chunk kept


@pytest.mark.parametrize("damage", ["truncated", "flipped", "garbage"])
def test_a_damaged_cache_is_ignored_and_made_again(root: Path, damage: str, monkeypatch: pytest.MonkeyPatch) -> None:
    site = load_site(root)
    fresh = _workbook(site, None)
    assert _workbook(site, root) == fresh
    path = root / ".cache" / "xlsx-rows.pickle"
    raw = path.read_bytes()
    damaged = {"truncated": raw[: len(raw) // 2], "flipped": raw[:-10] + bytes([raw[-10] ^ 1]) + raw[-9:],
               "garbage": os.urandom(len(raw))}[damage]
    path.write_bytes(damaged)
    assert _workbook(site, root) == fresh
    assert path.read_bytes() != damaged  # made again, and kept
    monkeypatch.setattr(rows_module, "make_chunk", lambda *args: pytest.fail("made, though the cache holds it"))
    assert _workbook(site, root) == fresh


def test_pieces_deflated_apart_join_into_one_stream_with_the_combined_crc() -> None:
    rng = random.Random(11)
    words = [bytes(rng.choice(b"abcdefgh <>&") for _ in range(rng.randint(1, 9))) for _ in range(200)]
    text = b" ".join(rng.choice(words) for _ in range(40_000))
    cuts = sorted({0, len(text), *(rng.randrange(len(text)) for _ in range(30))})
    parts = [text[a:b] for a, b in itertools.pairwise(cuts)]
    parts[3:3] = [b""]  # an empty piece, in the middle and
    parts.append(b"")  # at the end
    pieces = [deflate(part, last=i == len(parts) - 1) for i, part in enumerate(parts)]
    assert zlib.decompress(b"".join(p.data for p in pieces), -15) == text
    crc = 0
    for part in parts:
        crc = crc32_combine(crc, zlib.crc32(part), len(part))
    assert crc == zlib.crc32(text)
    when = dt.datetime(2026, 3, 1, 12, 0, 30, tzinfo=dt.UTC)
    archive = ZipArchive(when)
    archive.add_pieces("sheet.xml", pieces)
    archive.writestr("small.txt", "é")
    archive.close()
    read = zipfile.ZipFile(io.BytesIO(archive.getvalue()))
    assert read.testzip() is None
    assert read.read("sheet.xml") == text and read.read("small.txt") == "é".encode()
    assert {info.date_time for info in read.infolist()} == {(2026, 3, 1, 12, 0, 30)}
    assert all(info.compress_type == zipfile.ZIP_DEFLATED for info in read.infolist())
    assert archive.namelist() == ["sheet.xml", "small.txt"]


def test_a_new_project_renumbers_the_rows_after_it(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rows_module, "ROWS_PER_CHUNK", 1)
    _workbook(load_site(root), root)
    (root / "content" / "projects" / "a-first-project.md").write_text(VALID_PROJECT.replace("Kent joint", "A first"),
                                                                      encoding="utf-8")
    site = load_site(root)
    assert _workbook(site, root) == _workbook(site, None)  # a kept chunk never keeps its old row numbers
    assert list(_rows(_workbook(site, root))) == sorted([*PROJECTS, "a-first-project"])


# --- the rows' XML made from strings (row_xml), against openpyxl's own row writer --------------------------

TRICKY_VALUES: list[Any] = [
    "plain", "", " leading", "trailing ", "\ttab first", "line\nbreak", "\n", "cr\r\nlf", "a & b < c > d", '"quoted" \'too\'',
    "=SUM(A1:A2)", "=", "+44 1234", "-minus", "@user", "\rcarriage", "#N/A", "#DIV/0!", "#REF!", "#n/a", "# not an error",
    "café", "☃ snow", "𝄞 clef", "a\x85b", "a\u2028b", "\u00a0no-break\u00a0", "x" * 40_000, "]]> and <![CDATA[",
    None, True, False, 0, 7, -12, 10**17, 123456789012345678901, ["a list", "of two"], [], ["=in a list"], 3.5,
]


def _openpyxl_rows(rows: list[list[Any]], first: int) -> bytes:
    """``rows`` as openpyxl's write-only sheet writes them inside ``<sheetData>``, from :func:`sheet_cell`'s values."""
    sheet: Any = Workbook(write_only=True).create_sheet("rows")
    rows_module.register_styles(sheet, quoted=True)
    out = io.BytesIO()
    writer = WorksheetWriter(sheet, out)
    stream: Any = writer.xf.send(True)
    with stream.element("sheetData"):
        for number, values in enumerate(rows, first):
            cells = [sheet_cell(sheet, value, name in NUMBER_COLUMNS, clean=False) for name, value in zip(CSV_COLUMNS, values, strict=True)]
            writer.write_row(stream, sheet._values_to_row(cells, number), number)
    writer.xf.send(None)
    writer.close()
    text = out.getvalue()
    return text[text.index(b"<sheetData>") + len(b"<sheetData>"):text.rindex(b"</sheetData>")]


def test_rows_xml_is_what_openpyxl_writes_for_every_kind_of_value_in_every_kind_of_column() -> None:
    money = sorted(CSV_COLUMNS.index(name) for name in NUMBER_COLUMNS)
    rows = []
    for offset, value in enumerate(TRICKY_VALUES):  # each value in a text column and in a money column
        row: list[Any] = [f"filler {offset}"] * len(CSV_COLUMNS)
        row[money[offset % len(money)]] = row[offset % len(CSV_COLUMNS)] = value
        rows.append(row)
    widths = [0] * len(CSV_COLUMNS)
    made = [rows_module.row_xml(row, number, widths) for number, row in enumerate(rows, 2)]
    ours = rows_module.rows_bytes("".join(text for text, _ in made))
    assert ours == _openpyxl_rows(rows, 2)
    assert widths == line_widths(rows, len(CSV_COLUMNS))
    assert b' s="2" ' in ours and b"&#13;" in ours and b"&#119070;" in ours  # the cases did come up
    assert b't="e"' not in ours and b"<t>#N/A</t>" in ours  # error codes are text a contributor wrote, not error values
    sheet: Any = Workbook(write_only=True).create_sheet("rows")
    cells = [[sheet_cell(sheet, v, name in NUMBER_COLUMNS, clean=False) for name, v in zip(CSV_COLUMNS, row, strict=True)]
             for row in rows]
    expected = [any(isinstance(cell, Cell) and cell.quotePrefix for cell in row) for row in cells]
    assert [quoted for _, quoted in made] == expected and any(expected) and not all(expected)


def test_rows_xml_refuses_a_control_character_as_openpyxl_does() -> None:
    row: list[Any] = ["text"] * len(CSV_COLUMNS)
    row[3] = "bell\x07"
    with pytest.raises(IllegalCharacterError):
        _openpyxl_rows([row], 2)
    with pytest.raises(IllegalCharacterError):
        rows_module.rows_bytes(rows_module.row_xml(row, 2, [0] * len(CSV_COLUMNS))[0])
    refused = {chr(code) for code in range(0x110000) if ILLEGAL_CHARACTERS_RE.fullmatch(chr(code))}
    assert refused == {chr(code) for code in rows_module._ILLEGAL}  # the same characters as openpyxl refuses


def test_a_field_of_an_excel_error_code_is_text_in_the_workbook(tmp_path: Path) -> None:
    project = VALID_PROJECT.replace("started: 2012-04\n", 'started: 2012-04\nlessons:\n  - "#N/A"\n  - "#DIV/0!"\n')
    site = load_site(make_catalogue(tmp_path / "cat", {"kent-joint-control-room": project}))
    rows = _rows(_workbook(site, None))
    lessons = rows["kent-joint-control-room"][CSV_COLUMNS.index("lessons")]
    assert lessons == ("#N/A; #DIV/0!", "s", False)
    single = VALID_PROJECT.replace("started: 2012-04\n", 'started: 2012-04\nlessons:\n  - "#N/A"\n')
    site = load_site(make_catalogue(tmp_path / "one", {"kent-joint-control-room": single}))
    assert _rows(_workbook(site, None))["kent-joint-control-room"][CSV_COLUMNS.index("lessons")] == ("#N/A", "s", False)
