"""Open data exports: shape, determinism and safety of data/projects.json, data/projects/<slug>.json and the CSV."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import site_builder.outputs.data as data_module
from site_builder.catalogue.config import load_site_config
from site_builder.catalogue.load import load_catalogue
from site_builder.model.project import Contact, Evaluation, ProjectFrontMatter
from site_builder.outputs.data import (
    CSV_COLUMNS,
    DERIVED_FIELDS,
    csv_line,
    csv_row,
    data_files,
    neutralise_formula,
    project_records,
    projects_csv,
)
from site_builder.outputs.render import render_bodies
from site_builder.runtime.jsonio import json_bytes
from site_builder.site.data import SiteData
from site_builder.views.project import ViewBuilder
from tests.helpers import VALID_PROJECT, make_catalogue

AS_OF = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)

FULL_PROJECT = """\
---
title: Kent blue light hub
summary: Police, fire and ambulance crews share a station in Sevenoaks, with one front desk.
status: completed
lead: kent-police
partners:
  - kent-fire-and-rescue-service
  - south-east-coast-ambulance-service
themes:
  - shared-estates
started: 2015-06
ended: 2019
scope: local
formal_agreement: true
funding:
  - source: Fire Transformation Fund
    amount_gbp: 1250000
    year: 2015
  - source: Kent County Council
    amount_gbp: 80000
costs_gbp: 2000000
savings_gbp_per_year: 150000
benefits:
  - Lower running costs
  - Crews train together
lessons:
  - Agree who owns the building first
evaluation:
  kind: independent
  url: https://example.org/evaluation
  summary: Running costs fell by a fifth in the first year.
enablers:
  - leadership-commitment
barriers:
  - incompatible-it
contact:
  role: Estates collaboration manager
  email: estates@example.org
  organisation: kent-fire-and-rescue-service
links:
  - title: Press release
    url: https://example.org/press?id=1&lang=en
last_reviewed: 2024-01-15
aliases:
  - sevenoaks-hub
---
The hub opened in 2016.

## Outcomes

- Shared front desk
"""

HOSTILE_PROJECT = """\
---
title: "Hostile <script>alert('x')</script> & \\"quotes\\""
summary: '=HYPERLINK("https://evil.example/","Click me") and the rest of the summary'
status: pilot
lead: kent-police
partners:
  - kent-fire-and-rescue-service
themes:
  - control-rooms
funding:
  - source: "=cmd|' /C calc'!A0"
    amount_gbp: 5
benefits:
  - "+1 looks like a formula"
  - "-1 looks like a formula"
lessons:
  - "@SUM(A1) looks like a formula"
contact:
  role: "@team"
  email: team@example.org
links:
  - title: '=1+2 "quoted" & <b>bold</b>'
    url: https://example.org/a?b=1&c=2
last_reviewed: 2026-01-15
---
<script>alert("body")</script> and a vertical tab:(end).
"""


def load_site(root: Path, as_of: dt.datetime = AS_OF, use_cache: bool = False) -> SiteData:
    """The SiteData a build of ``root`` works from (no git history: dates fall back to last_reviewed).

    ``use_cache``: loaded with the parse cache, as a build is, so each view has its input key (which the
    export caches key by)."""
    config, problems = load_site_config(root)
    assert config is not None, problems
    catalogue, report = load_catalogue(root, today=as_of.date(), use_cache=use_cache)
    assert report.errors == 0, report.render()
    bodies, _ = render_bodies([p.body for p in catalogue.projects], None, jobs=1)
    views = ViewBuilder(catalogue, config, {}, as_of)
    pairs = list(zip(catalogue.projects, bodies, strict=True))
    projects = tuple(views.project(p, html) for p, html in pairs)
    keys = tuple(views.input_key(p, html) for p, html in pairs) if use_cache else ()
    return SiteData(catalogue, config, as_of, projects, view_keys=keys)


@pytest.fixture
def site(tmp_path: Path) -> SiteData:
    return load_site(make_catalogue(tmp_path, {
        "kent-joint-control-room": VALID_PROJECT, "kent-blue-light-hub": FULL_PROJECT, "hostile": HOSTILE_PROJECT,
    }))


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "the CSV starts with a UTF-8 byte-order mark for Excel"
    text = data[3:].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def record_of(site: SiteData, slug: str) -> dict[str, Any]:
    return next(r for r in project_records(site) if r["slug"] == slug)


# --- JSON ---------------------------------------------------------------------------------------

def test_bulk_json_has_a_header_and_every_project_sorted_by_slug(site: SiteData) -> None:
    files = data_files(site)
    document = json.loads(files["data/projects.json"])
    assert {k: v for k, v in document.items() if k != "projects"} == {
        "version": 1, "count": 3, "generated": "2026-03-01T12:00:00Z",
        "title": "Emergency Services Collaboration Catalogue", "url": "https://example.org/catalogue/",
    }
    assert [p["slug"] for p in document["projects"]] == ["hostile", "kent-blue-light-hub", "kent-joint-control-room"]
    for record in document["projects"]:
        assert json.loads(files[f"data/projects/{record['slug']}.json"]) == record
    assert sorted(files) == ["data/projects.csv", "data/projects.json", "data/projects/hostile.json",
                             "data/projects/kent-blue-light-hub.json", "data/projects/kent-joint-control-room.json"]


def test_json_record_has_every_field_derived_fields_and_labels(site: SiteData) -> None:
    record = record_of(site, "kent-blue-light-hub")
    assert set(ProjectFrontMatter.model_fields) <= set(record)
    assert record["funding"] == [{"source": "Fire Transformation Fund", "amount_gbp": 1250000, "year": 2015},
                                 {"source": "Kent County Council", "amount_gbp": 80000, "year": None}]
    assert record["evaluation"] == {"kind": "independent", "url": "https://example.org/evaluation",
                                    "summary": "Running costs fell by a fifth in the first year."}
    assert record["contact"] == {"role": "Estates collaboration manager", "email": "estates@example.org",
                                 "organisation": "kent-fire-and-rescue-service",
                                 "organisation_name": "Kent Fire and Rescue Service"}
    assert record["links"] == [{"title": "Press release", "url": "https://example.org/press?id=1&lang=en"}]
    assert (record["formal_agreement"], record["costs_gbp"], record["savings_gbp_per_year"]) == (True, 2000000, 150000)
    assert (record["started"], record["ended"], record["last_reviewed"]) == ("2015-06", "2019", "2024-01-15")
    assert record["lead_name"] == "Kent Police"
    assert record["partner_names"] == ["Kent Fire and Rescue Service", "South East Coast Ambulance Service NHS Foundation Trust"]
    assert (record["status"], record["status_label"]) == ("completed", "Completed")
    assert (record["services"], record["service_labels"]) == (["police", "fire", "ambulance"],
                                                              ["Police", "Fire and rescue", "Ambulance"])
    assert (record["regions"], record["region_labels"]) == (["south-east"], ["South East"])
    assert (record["theme_labels"], record["enabler_labels"], record["barrier_labels"]) == (
        ["Shared estates"], ["Senior leadership commitment"], ["Incompatible IT"])
    assert record["url"] == "https://example.org/catalogue/projects/kent-blue-light-hub/"
    assert record["json_url"] == "https://example.org/catalogue/data/projects/kent-blue-light-hub.json"
    assert record["edit_url"] == "https://github.com/example/catalogue/edit/main/content/projects/kent-blue-light-hub.md"
    assert record["source_path"] == "content/projects/kent-blue-light-hub.md"
    # no git history: added and updated fall back to last_reviewed, as RFC 3339 UTC
    assert (record["added"], record["updated"]) == ("2024-01-15T00:00:00Z", "2024-01-15T00:00:00Z")
    assert record["stale"] is True  # 25 months before AS_OF
    assert record["aliases"] == ["sevenoaks-hub"]
    assert record["body"] == "The hub opened in 2016.\n\n## Outcomes\n\n- Shared front desk\n"


def test_every_record_field_is_from_the_front_matter_or_documented(site: SiteData) -> None:
    documented = {name for name, _ in DERIVED_FIELDS}
    for record in project_records(site):
        assert set(record) == set(ProjectFrontMatter.model_fields) | {name for name in documented if "." not in name}
    assert "contact.organisation_name" in documented


def test_absent_optional_fields_are_null_and_absent_lists_are_empty(site: SiteData) -> None:
    record = record_of(site, "kent-joint-control-room")
    assert [record[k] for k in ("ended", "scope", "formal_agreement", "costs_gbp", "evaluation", "contact")] == [None] * 6
    assert [record[k] for k in ("funding", "benefits", "lessons", "enablers", "barriers", "aliases")] == [[]] * 6


def test_json_never_contains_markup_but_round_trips_exactly(site: SiteData) -> None:
    files = data_files(site)
    raw = files["data/projects/hostile.json"]
    for forbidden in (b"<", b">", b"&"):
        assert forbidden not in raw
    assert b"\\u003cscript\\u003e" in raw
    record = json.loads(raw)
    assert record["title"] == "Hostile <script>alert('x')</script> & \"quotes\""
    assert record["summary"] == '=HYPERLINK("https://evil.example/","Click me") and the rest of the summary'
    assert record["links"][0]["url"] == "https://example.org/a?b=1&c=2"
    # the body is data, exported as its Markdown source (never rendered)
    assert record["body"] == '<script>alert("body")</script> and a vertical tab:(end).\n'
    assert b"<" not in files["data/projects.json"]


def test_json_bytes_is_deterministic_utf8_with_sorted_keys() -> None:
    data = {"b": "café \u2028 line", "a": [1, None, True]}
    raw = json_bytes(data)
    assert raw == b'{"a":[1,null,true],"b":"caf\xc3\xa9 \\u2028 line"}\n'
    assert json.loads(raw) == data


def test_xml_illegal_characters_never_reach_the_exports(site: SiteData) -> None:
    hostile = next(i for i, p in enumerate(site.projects) if p.slug == "hostile")
    projects = list(site.projects)
    projects[hostile] = dataclasses.replace(projects[hostile], contact={"role": "x", "email": "e@example.org",
                                                                         "organisation": "Bad\x0bName\x00"})
    # 'catalogue check' refuses control characters in a body; the exports would still drop them
    loaded = [dataclasses.replace(p, body=p.body.replace("tab:", "tab:\x0b")) if p.slug == "hostile" else p
              for p in site.catalogue.projects]
    site = dataclasses.replace(site, projects=tuple(projects), catalogue=dataclasses.replace(site.catalogue, projects=loaded))
    for path, data in data_files(site).items():
        assert b"\x0b" not in data and b"\\u000b" not in data and b"\x00" not in data, path
    assert record_of(site, "hostile")["contact"]["organisation_name"] == "BadName"
    assert record_of(site, "hostile")["body"] == '<script>alert("body")</script> and a vertical tab:(end).\n'


# --- CSV ----------------------------------------------------------------------------------------

def test_csv_has_a_bom_crlf_a_header_and_one_row_per_project(site: SiteData) -> None:
    data = data_files(site)["data/projects.csv"]
    assert data.startswith(b"\xef\xbb\xbfslug,title,summary,")
    assert data.count(b"\r\n") >= 4 and data[-2:] == b"\r\n"
    rows = read_csv(data)
    assert [r["slug"] for r in rows] == ["hostile", "kent-blue-light-hub", "kent-joint-control-room"]
    assert list(rows[0]) == list(CSV_COLUMNS)


def test_csv_has_a_column_for_every_front_matter_field() -> None:
    nested: dict[str, type[BaseModel]] = {"evaluation": Evaluation, "contact": Contact}
    for name in ProjectFrontMatter.model_fields:
        if name in nested:
            for sub in nested[name].model_fields:
                assert f"{name}_{sub}" in CSV_COLUMNS
        else:
            assert name in CSV_COLUMNS


def test_csv_flattens_lists_and_nested_fields(site: SiteData) -> None:
    row = next(r for r in read_csv(data_files(site)["data/projects.csv"]) if r["slug"] == "kent-blue-light-hub")
    assert row["funding"] == "Fire Transformation Fund: £1,250,000 (2015); Kent County Council: £80,000"
    assert row["links"] == "Press release <https://example.org/press?id=1&lang=en>"
    assert row["partners"] == "kent-fire-and-rescue-service; south-east-coast-ambulance-service"
    assert row["benefits"] == "Lower running costs; Crews train together"
    assert (row["evaluation_kind"], row["evaluation_url"], row["evaluation_summary"]) == (
        "independent", "https://example.org/evaluation", "Running costs fell by a fifth in the first year.")
    assert (row["contact_role"], row["contact_email"], row["contact_organisation"], row["contact_organisation_name"]) == (
        "Estates collaboration manager", "estates@example.org", "kent-fire-and-rescue-service", "Kent Fire and Rescue Service")
    assert (row["formal_agreement"], row["stale"], row["costs_gbp"], row["ended"]) == ("true", "true", "2000000", "2019")
    assert row["body"] == "The hub opened in 2016.\n\n## Outcomes\n\n- Shared front desk\n"  # only a cell's start can trigger
    empty = next(r for r in read_csv(data_files(site)["data/projects.csv"]) if r["slug"] == "kent-joint-control-room")
    assert (empty["evaluation_kind"], empty["contact_email"], empty["funding"], empty["formal_agreement"]) == ("", "", "", "")


def test_csv_neutralises_formulas_and_keeps_markup_as_text(site: SiteData) -> None:
    row = next(r for r in read_csv(data_files(site)["data/projects.csv"]) if r["slug"] == "hostile")
    assert row["summary"] == '\'=HYPERLINK("https://evil.example/","Click me") and the rest of the summary'
    assert row["benefits"] == "'+1 looks like a formula; -1 looks like a formula"
    assert row["lessons"] == "'@SUM(A1) looks like a formula"
    assert row["contact_role"] == "'@team"
    assert row["funding"] == "'=cmd|' /C calc'!A0: £5"
    assert row["links"] == '\'=1+2 "quoted" & <b>bold</b> <https://example.org/a?b=1&c=2>'
    assert row["title"] == "Hostile <script>alert('x')</script> & \"quotes\""  # data, not a page: no HTML escaping
    assert row["body"] == '<script>alert("body")</script> and a vertical tab:(end).\n'


@pytest.mark.parametrize(("cell", "expected"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("a=1", "a=1"), ("", ""), ("'quoted", "'quoted"), ("2019-04", "2019-04"),
])
def test_neutralise_formula(cell: str, expected: str) -> None:
    assert neutralise_formula(cell) == expected


def test_every_cell_is_neutralised_including_tab_and_carriage_return_starts(site: SiteData) -> None:
    record = record_of(site, "hostile")
    record = {**record, "title": "\t=1", "summary": "\r=2", "scope": "-3", "aliases": ["@4"]}
    rows = read_csv(projects_csv([record]))
    assert (rows[0]["title"], rows[0]["summary"], rows[0]["scope"], rows[0]["aliases"]) == ("'\t=1", "'\r=2", "'-3", "'@4")
    assert len(csv_row(record)) == len(CSV_COLUMNS)


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\x7f", "\ufffe", "\uffff", "\ud800", "\udfff"])
def test_every_xml_illegal_character_is_seen_through_the_quick_check_of_a_records_json(char: str) -> None:
    record, text = data_module._record_json({"a": f"x{char}y", "b": [char, "plain"], "c": {"d": char}})
    assert record == {"a": "xy", "b": ["", "plain"], "c": {"d": ""}}
    assert text == json_bytes(record)[:-1]
    written = {"a": f"\\b \\f \\u0001 \\x7f written as text, and the character itself:{char}"}  # a false alarm, then a real one
    assert data_module._record_json(written)[0] == {"a": "\\b \\f \\u0001 \\x7f written as text, and the character itself:"}


def test_a_clean_record_keeps_its_text_exactly() -> None:
    clean = {"a": "tab\tnew line\n\r <b>&</b> \u2028 £ \\ \"", "b": [1, None, True], "c": {"d": "\u00e9"}}
    record, text = data_module._record_json(dict(clean))
    assert record == clean and text == json_bytes(clean)[:-1]


def test_a_csv_line_is_what_the_csv_module_writes_for_the_same_cells() -> None:
    """The lines are written without ``csv.writer`` (for speed): held to its bytes on crafted and random rows."""
    rng = random.Random(2017)
    alphabet = ['a', 'Z', ' ', ',', '"', '\r', '\n', "'", '\t', ';', '£', 'é', '—', '\u2028', '=', '\\']
    rows = [[""], ["", ""], ['"'], [","], ["a\r\nb"], [" lead", "trail "], ["\n"], ["x"] * 3, ['""', '","']]
    rows += [["".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) for _ in range(rng.randrange(1, 6))]
             for _ in range(2000)]
    for row in rows:
        buffer = io.StringIO(newline="")
        csv.writer(buffer).writerow(row)
        assert csv_line(row) == buffer.getvalue().encode("utf-8"), row
