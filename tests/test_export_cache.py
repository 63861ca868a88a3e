"""The caches of the data exports (.cache/records.pickle, xlsx-rows.pickle) and of the search fragments
(fragments.pickle): a hit gives a fresh computation's bytes."""

from __future__ import annotations

import dataclasses
import io
import pickle
import zipfile
from pathlib import Path
from typing import Any

import pytest

import site_builder.outputs.data as data_module
import site_builder.outputs.xlsx_rows as xlsx_rows_module
import site_builder.search.docstore as docstore_module
from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.outputs.data import data_files, export_records, projects_csv
from site_builder.outputs.export_cache import code_version
from site_builder.outputs.xlsx import XLSX_PATH, xlsx_files
from site_builder.outputs.zip_archive import deflate
from site_builder.runtime import parallel
from site_builder.search.docstore import CACHE_NAME as FRAGMENTS_CACHE
from site_builder.search.docstore import docstore_files
from site_builder.site.data import SiteData
from site_builder.text.memo_store import STORE_VERSION, MemoStore, cache_key
from site_builder.views.project import ProjectView
from tests.golden_update import fixture_environment
from tests.helpers import VALID_PROJECT, count_pools, make_catalogue
from tests.test_data_export import FULL_PROJECT, HOSTILE_PROJECT
from tests.test_data_export import load_site as load_unkeyed

PROJECTS: dict[str, str | bytes] = {"kent-joint-control-room": VALID_PROJECT, "kent-blue-light-hub": FULL_PROJECT, "hostile": HOSTILE_PROJECT}
CSV, JSON = "data/projects.csv", "data/projects.json"


def load_site(root: Path) -> SiteData:
    """As a build loads it: with the views' input keys, which the caches key by."""
    site = load_unkeyed(root, use_cache=True)
    assert site.view_keys and None not in site.view_keys
    return site


def _exports(site: SiteData, cache_root: Path | None) -> dict[str, bytes]:
    records = export_records(site, cache_root)
    return {**data_files(site, records), **xlsx_files(site, records, cache_root)}


def _xlsx_version() -> str:
    here = Path(xlsx_rows_module.__file__)
    return code_version(here, here.with_name("zip_archive.py"), libraries=("openpyxl", "lxml"))


def _fail(*args: object, **kwargs: object) -> None:
    raise AssertionError("computed, though the cache holds it")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_catalogue(tmp_path / "cat", PROJECTS)


def test_a_hit_gives_the_bytes_of_a_fresh_computation_without_computing(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = load_site(root)
    fresh = _exports(site, None)
    assert _exports(site, root) == fresh  # a miss: computed and kept
    assert {p.name for p in (root / ".cache").iterdir()} >= {"records.pickle", "xlsx-rows.pickle"}
    monkeypatch.setattr(xlsx_rows_module, "make_chunk", _fail)
    monkeypatch.setattr(data_module, "csv_row", _fail)
    monkeypatch.setattr(data_module, "_record_json", _fail)
    assert _exports(load_site(root), root) == fresh


def test_a_changed_project_changes_the_exports_and_only_its_record_and_csv_line_are_made_again(
        root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = _exports(load_site(root), root)
    path = root / "content" / "projects" / "kent-blue-light-hub.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1), encoding="utf-8")
    site = load_site(root)
    fresh = _exports(site, None)
    made: list[str] = []
    real_row = data_module.csv_row

    def counted_row(record: dict[str, object]) -> list[str]:
        made.append(str(record["slug"]))
        return real_row(record)

    real_json = data_module._record_json

    def counted_json(record: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        made.append(f"json {record['slug']}")
        return real_json(record)

    monkeypatch.setattr(data_module, "csv_row", counted_row)
    monkeypatch.setattr(data_module, "_record_json", counted_json)
    records = export_records(site, root)
    after = data_files(site, records)
    assert made == ["json kent-blue-light-hub", "kent-blue-light-hub"]  # the JSON and CSV files: one record made
    after.update(xlsx_files(site, records, root))
    # The workbook's changed chunk of rows (all three projects here) needs their records, made now; no CSV lines.
    assert made[2:] == ["json hostile", "json kent-blue-light-hub", "json kent-joint-control-room"]
    assert after == fresh
    assert all(after[name] != before[name] for name in (CSV, JSON, XLSX_PATH))
    assert b"Renamed" in after[CSV]


def test_the_csv_joined_from_each_record_s_line_is_the_csv_written_whole(root: Path) -> None:
    site = load_site(root)
    for cache_root in (None, root, root):  # computed, computed and kept, kept
        records = export_records(site, cache_root)
        assert data_files(site, records)[CSV] == projects_csv(records.records)
    assert b"'=HYPERLINK" in data_files(site)[CSV]  # the hostile project's cells are neutralised in its line too


def _forged(value: Any) -> Any:
    """A value of the same shape as a kept one, that no computation gives."""
    if isinstance(value, tuple) and len(value) == 5:  # a chunk of the workbook's rows
        return _planted_chunk(value[3])
    return (b'{"slug":"forged"}', b"forged\r\n")  # a record's JSON and CSV line


def _planted_chunk(widths: tuple[int, ...]) -> tuple[bytes, int, int, tuple[int, ...], bool]:
    piece = deflate(b'<row r="2"><c r="A2" t="inlineStr"><is><t>planted</t></is></c></row>')
    return piece.data, piece.size, piece.crc, widths, False


@pytest.mark.parametrize("signed_with", [b"0" * 32, None, "the user's key"])
@pytest.mark.parametrize("name", ["records", "xlsx-rows"])
def test_a_forged_cache_is_ignored(root: Path, name: str, signed_with: bytes | str | None) -> None:
    site = load_site(root)
    fresh = _exports(site, None)
    assert _exports(site, root) == fresh  # the real stores, now rewritten with forged values under the same keys
    path = root / ".cache" / f"{name}.pickle"
    tag, version, entries = pickle.loads(path.read_bytes().partition(b"\n")[2])
    assert tag == STORE_VERSION and entries
    forged = {key: _forged(value) for key, value in entries.items()}
    if signed_with is None:  # what a pull request could commit: no valid signature at all
        path.write_bytes(b"0" * 64 + b"\n" + pickle.dumps((STORE_VERSION, version, forged)))
    else:  # signed, but with another key; or with the user's, to show the forged values would be used if authentic
        key = cache_key(root) if isinstance(signed_with, str) else signed_with
        assert key is not None
        store = MemoStore(key, path, version)
        for entry, value in forged.items():
            store.put(entry, value)
        assert store.save()
    assert (_exports(site, root) == fresh) is not isinstance(signed_with, str)


def _build(root: Path, out: Path, use_cache: bool) -> dict[str, bytes]:
    with fixture_environment(root.parent):
        result = build_site(root, BuildOptions(out=out, jobs=1, use_cache=use_cache))
    assert result.ok, result.report.render()
    return {name: (out / name).read_bytes() for name in (CSV, XLSX_PATH)}


def test_no_cache_neither_reads_nor_writes_the_export_caches(root: Path, tmp_path: Path) -> None:
    reference = _build(root, tmp_path / "first", use_cache=False)
    assert not (root / ".cache" / "xlsx-rows.pickle").exists()
    assert not (root / ".cache" / "records.pickle").exists()
    _build(root, tmp_path / "cached", use_cache=True)  # writes both stores
    store = MemoStore.open(root, "xlsx-rows", _xlsx_version())
    assert store is not None
    key, kept = next(iter(store._old.items()))  # the build's own rows: replaced by a planted row, validly signed
    store.put(key, _planted_chunk(kept[3]))
    assert store.save()
    planted = _build(root, tmp_path / "planted", use_cache=True)[XLSX_PATH]  # so the plant is read when allowed
    assert b"<t>planted</t>" in zipfile.ZipFile(io.BytesIO(planted)).read("xl/worksheets/sheet1.xml")
    stamp = {p.name: p.stat().st_mtime_ns for p in (root / ".cache").iterdir()}
    assert _build(root, tmp_path / "nocache", use_cache=False) == reference
    assert {p.name: p.stat().st_mtime_ns for p in (root / ".cache").iterdir()} == stamp


def test_without_view_keys_every_record_is_made_and_nothing_is_kept(root: Path) -> None:
    site = load_unkeyed(root)  # no parse cache: no input keys to keep records by
    records = export_records(site, root)
    assert data_files(site, records) == data_files(load_site(root), export_records(load_site(root), None))
    assert not (root / ".cache" / "records.pickle").exists()


def test_search_fragments_are_kept_by_view_key_and_an_edit_makes_one_again(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = load_site(root)
    fresh = docstore_files(site)
    assert docstore_files(site, root) == fresh  # made and kept
    assert (root / ".cache" / f"{FRAGMENTS_CACHE}.pickle").is_file()
    made: list[str] = []
    real = docstore_module.fragment_data

    def counted(view: ProjectView) -> dict[str, str]:
        made.append(view.slug)
        return real(view)

    monkeypatch.setattr(docstore_module, "fragment_data", counted)
    assert docstore_files(load_site(root), root) == fresh and made == []  # all kept
    path = root / "content" / "projects" / "kent-blue-light-hub.md"
    path.write_text(path.read_text(encoding="utf-8").replace("summary: ", "summary: Changed. ", 1), encoding="utf-8")
    edited = load_site(root)
    after = docstore_files(edited, root)
    assert made == ["kent-blue-light-hub"]
    assert after == docstore_files(edited) != fresh


def test_records_made_on_two_processes_are_the_ones_made_on_one(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = load_site(root)
    serial = _exports(site, None)
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 1)
    pools = count_pools(monkeypatch)
    assert _exports(dataclasses.replace(site, jobs=2), None) == serial
    assert pools and pools[0] == 2  # the records were made in forked workers
