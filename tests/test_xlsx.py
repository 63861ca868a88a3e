"""data/projects.xlsx: one row per project, equal to projects.json; formulas never run; byte-identical builds."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from site_builder.outputs.data import CSV_COLUMNS
from site_builder.outputs.xlsx import CREATOR, MAX_WIDTH, XLSX_PATH
from tests.golden_update import build_fixture, read_tree

BUILD_TIME = dt.datetime(2026, 3, 1, 12, 0)  # tests/golden_update.py's SOURCE_DATE_EPOCH
# Columns whose JSON value is a top-level scalar or a list of scalars: compared with projects.json directly.
NESTED = {"funding", "links"} | {c for c in CSV_COLUMNS if c.startswith(("evaluation_", "contact_"))}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return read_tree(build_fixture(tmp_path_factory.mktemp("xlsx")))


def _book(data: bytes) -> Any:
    return openpyxl.load_workbook(io.BytesIO(data))


def _as_text(value: Any) -> str:
    """How the spreadsheet shows a JSON value: lists joined with '; ', booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(_as_text(v) for v in value)
    return str(value)


def test_one_row_per_project_equal_to_projects_json_on_every_field(site: dict[str, bytes]) -> None:
    records = json.loads(site["data/projects.json"])["projects"]
    rows = list(_book(site[XLSX_PATH])["projects"].iter_rows(values_only=True))
    assert rows[0] == CSV_COLUMNS
    assert len(rows) == len(records) + 1
    csv_rows = list(csv.reader(io.StringIO(site["data/projects.csv"].decode("utf-8-sig"))))
    for record, row, csv_cells in zip(records, rows[1:], csv_rows[1:], strict=True):
        cells = dict(zip(CSV_COLUMNS, row, strict=True))
        for column in CSV_COLUMNS:
            cell = cells[column]
            if column in ("costs_gbp", "savings_gbp_per_year"):
                assert cell == record[column], (record["slug"], column)  # a number, or empty
            elif column not in NESTED:
                assert (cell or "") == _as_text(record[column]), (record["slug"], column)
        # funding, links, evaluation and contact read as in the CSV (less its formula apostrophes)
        for column, csv_cell in zip(CSV_COLUMNS, csv_cells, strict=True):
            if column in NESTED:
                shown = cells[column] or ""
                assert csv_cell in (shown, "'" + shown), (record["slug"], column)


def test_formula_like_text_is_stored_as_text_with_a_quote_prefix(site: dict[str, bytes]) -> None:
    sheet = _book(site[XLSX_PATH])["projects"]
    hostile = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "hostile-input-test-entry")
    cells = dict(zip(CSV_COLUMNS, hostile, strict=True))
    summary = cells["summary"]
    assert summary.value.startswith('=HYPERLINK(')  # exactly as written, not with an apostrophe added
    assert summary.data_type == "s" and summary.quotePrefix
    assert cells["benefits"].value.startswith("+1 benefit") and cells["benefits"].quotePrefix
    assert not cells["title"].quotePrefix  # ordinary text keeps the ordinary style
    raw = zipfile.ZipFile(io.BytesIO(site[XLSX_PATH])).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in raw and b"<f " not in raw, "a cell was written as a formula"


def test_sheets_have_a_frozen_header_an_autofilter_and_fitted_widths(site: dict[str, bytes]) -> None:
    book = _book(site[XLSX_PATH])
    assert book.sheetnames == ["projects", "organisations", "themes", "enablers", "barriers", "regions"]
    records = json.loads(site["data/projects.json"])["projects"]
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(sheet.max_column)}{sheet.max_row}", sheet.title
        assert all(cell.font.b for cell in sheet[1]), sheet.title
    projects = book["projects"]
    widths = {name: projects.column_dimensions[openpyxl.utils.get_column_letter(i)].width
              for i, name in enumerate(CSV_COLUMNS, start=1)}
    assert widths["body"] == MAX_WIDTH  # long text is capped
    assert widths["stale"] < widths["title"] <= MAX_WIDTH
    organisations = book["organisations"]
    led = {row[0]: row[9] for row in organisations.iter_rows(min_row=2, values_only=True)}
    for record in records:
        assert record["slug"] in (led[record["lead"]] or "").split("; ")


def test_properties_and_zip_entries_carry_the_build_time_not_the_clock(site: dict[str, bytes]) -> None:
    book = _book(site[XLSX_PATH])
    assert (book.properties.created, book.properties.modified) == (BUILD_TIME, BUILD_TIME)
    assert book.properties.creator == CREATOR
    entries = zipfile.ZipFile(io.BytesIO(site[XLSX_PATH])).infolist()
    assert entries and {entry.date_time for entry in entries} == {BUILD_TIME.timetuple()[:6]}


def test_two_builds_give_byte_identical_workbooks(site: dict[str, bytes], tmp_path: Path) -> None:
    again = (build_fixture(tmp_path) / XLSX_PATH).read_bytes()
    assert again == site[XLSX_PATH]
