"""The parse cache (catalogue/parse_cache.py): a warm load is a cold one, only what changed is parsed again,
and a store that is stale, damaged, forged or turned off is never trusted."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path
from typing import Any

import pytest

from site_builder.build.incremental import VIEW_DIGESTS
from site_builder.catalogue import parse, parse_cache
from site_builder.catalogue.load import load_catalogue
from site_builder.catalogue.parse_cache import ParseCache, parse_files
from site_builder.catalogue.registry import load_registry
from site_builder.catalogue.types import Catalogue
from site_builder.diagnostics.report import Report
from site_builder.runtime import parallel
from site_builder.text.memo_store import cache_key, dump_signed, load_signed
from site_builder.text.strict_yaml import Position
from tests.helpers import ORGANISATIONS, VALID_PROJECT, forget_last_build, make_catalogue, run_cli

TODAY = dt.date(2026, 6, 1)
INVALID = Path(__file__).resolve().parent / "fixtures" / "invalid"
STORE = Path(".cache/parse.pickle")
WARNING = VALID_PROJECT.replace("status: operational", "status: completed")  # completed without an 'ended' date
UNKNOWN_LEAD = VALID_PROJECT.replace("lead: kent-fire-and-rescue-service", "lead: essex-police")


def fixtures_catalogue(root: Path) -> Path:
    """Every bad-input fixture (errors of every kind), a project with a warning and a valid one."""
    projects: dict[str, str | bytes] = {path.name: path.read_bytes() for path in sorted(INVALID.glob("*.md"))
                                        if not path.name.startswith("misplaced-")}
    return make_catalogue(root, {**projects, "kent-joint-control-room": VALID_PROJECT, "completed": WARNING})


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The files parsed (not taken from the cache), in order, by every load in the test (all in this process)."""
    seen: list[str] = []
    real = parse.parse_project_bytes

    def counting(raw: bytes, rel: str, *args: Any) -> Any:
        seen.append(rel)
        return real(raw, rel, *args)

    monkeypatch.setattr(parse_cache, "parse_project_bytes", counting)
    return seen


def load(root: Path, use_cache: bool = True, only: list[str] | None = None) -> tuple[Catalogue, Report]:
    return load_catalogue(root, only, TODAY, use_cache=use_cache, jobs=1)


def every_parse(root: Path, use_cache: bool) -> list[Any]:
    """What ``parse_files`` gives for every project file, the invalid ones too."""
    registry, _ = load_registry(root)
    rels = sorted(f"content/projects/{path.name}" for path in (root / "content" / "projects").iterdir())
    cache = ParseCache.open(root, {}) if use_cache else None
    found = parse_files(root, rels, registry, {}, cache, jobs=1)
    if cache is not None:
        cache.save()
    return found


def test_a_warm_load_gives_the_same_catalogue_and_report_as_a_cold_one(tmp_path: Path, parsed: list[str]) -> None:
    root = fixtures_catalogue(tmp_path)
    files = len(list((root / "content" / "projects").iterdir()))
    cold, cold_report = load(root)
    assert (root / STORE).is_file() and len(parsed) == files
    warm, warm_report = load(root)
    assert len(parsed) == files  # nothing parsed again
    uncached, uncached_report = load(root, use_cache=False)
    assert cold_report.errors > 50 and cold_report.warnings >= 1 and cold.projects  # the test sees every kind
    for report in (warm_report, uncached_report):
        assert report.render() == cold_report.render()
        assert report.diagnostics == cold_report.diagnostics  # and in the same order
    assert warm.projects == cold.projects == uncached.projects
    assert warm.registry == cold.registry
    project = warm.projects[0]
    assert type(project.source.values[("title",)]) is Position and type(project.source.keys[("title",)]) is Position


def test_the_partly_valid_and_unreadable_files_come_back_the_same_too(tmp_path: Path) -> None:
    root = fixtures_catalogue(tmp_path)
    cold = every_parse(root, use_cache=True)
    warm = every_parse(root, use_cache=True)
    assert warm == cold == every_parse(root, use_cache=False)
    assert any(project is None for project, _ in cold) and any(project is not None and project.unchecked for project, _ in cold)


def test_editing_one_file_parses_only_that_file_again(tmp_path: Path, parsed: list[str]) -> None:
    root = make_catalogue(tmp_path, {"first": VALID_PROJECT.replace("Kent joint", "First"),
                                     "second": VALID_PROJECT.replace("Kent joint", "Second"),
                                     "third": VALID_PROJECT.replace("Kent joint", "Third")})
    load(root)
    assert len(parsed) == 3
    parsed.clear()
    second = root / "content" / "projects" / "second.md"
    second.write_text(second.read_text(encoding="utf-8").replace("Second", "Edited"), encoding="utf-8")
    catalogue, report = load(root)
    assert parsed == ["content/projects/second.md"]
    assert [p.meta.title for p in catalogue.projects] == ["First control room", "Edited control room", "Third control room"]
    assert report.ok()
    parsed.clear()
    load(root)
    assert parsed == []


def test_a_file_renamed_is_parsed_again_under_its_new_path(tmp_path: Path, parsed: list[str]) -> None:
    root = make_catalogue(tmp_path, {"first": VALID_PROJECT})
    load(root)
    (root / "content/projects/first.md").rename(root / "content/projects/renamed.md")
    catalogue, _ = load(root)
    assert parsed == ["content/projects/first.md", "content/projects/renamed.md"]
    assert [(p.slug, p.path) for p in catalogue.projects] == [("renamed", "content/projects/renamed.md")]


def test_a_registry_change_parses_every_file_again(tmp_path: Path, parsed: list[str]) -> None:
    root = make_catalogue(tmp_path, {"unknown-lead": UNKNOWN_LEAD, "fine": VALID_PROJECT.replace("Kent joint", "Fine")})
    _, report = load(root)
    assert any("essex-police" in d.message for d in report.diagnostics)
    parsed.clear()
    essex = "essex-police:\n  name: Essex Police\n  kind: police\n  regions: [south-east]\n"
    (root / "content/organisations.yaml").write_text(ORGANISATIONS + essex, encoding="utf-8")
    catalogue, report = load(root)
    assert sorted(parsed) == ["content/projects/fine.md", "content/projects/unknown-lead.md"]
    assert report.ok() and len(catalogue.projects) == 2  # a stale parse would still call the lead unknown
    parsed.clear()
    themes = root / "schema/themes.yaml"
    themes.write_text(themes.read_text(encoding="utf-8") + "- id: new-theme\n  label: New\n  description: New.\n", encoding="utf-8")
    load(root)
    assert len(parsed) == 2


def test_a_code_change_parses_every_file_again(tmp_path: Path, parsed: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_catalogue(tmp_path)
    load(root)
    assert parse_cache.code_digest() == parse_cache.code_digest() and len(parse_cache.code_digest()) == 64
    monkeypatch.setattr(parse_cache, "code_digest", lambda: "another version of the tool")
    load(root)
    assert parsed == ["content/projects/kent-joint-control-room.md"] * 2


def _doctor(root: Path, change: Any) -> None:
    """Rewrite the store's entries with ``change(value)``, signed with the real key (as only this tool could)."""
    key = cache_key(root)
    assert key is not None
    found = load_signed(key, root / STORE)
    assert found is not None
    tag, version, entries = found
    entries = {name: change(value) for name, value in entries.items()}
    assert dump_signed(key, root / STORE, (tag, version, entries))


def _retitled(value: Any) -> Any:
    project, problems = value
    return project.__class__(**{**project.__dict__, "meta": project.meta.model_copy(update={"title": "POISONED"})}), problems


def test_an_authentic_store_is_used_as_it_is(tmp_path: Path) -> None:
    """The other tests can fail: what the store holds is what a load gives."""
    root = make_catalogue(tmp_path)
    load(root)
    _doctor(root, _retitled)
    assert [p.meta.title for p in load(root)[0].projects] == ["POISONED"]


@pytest.mark.parametrize("damage", ["bit", "forged", "truncated", "wrong shape", "empty"])
def test_a_damaged_or_forged_store_is_ignored(tmp_path: Path, parsed: list[str], damage: str) -> None:
    root = make_catalogue(tmp_path)
    load(root)
    store = root / STORE
    raw = store.read_bytes()
    signature, _, body = raw.partition(b"\n")
    if damage == "bit":
        store.write_bytes(signature + b"\n" + body[:-1] + bytes([body[-1] ^ 1]))
    elif damage == "forged":  # a store committed in a pull request: the right shape, but not signed with this key
        tag, version, entries = pickle.loads(body)
        forged = pickle.dumps((tag, version, {name: _retitled(value) for name, value in entries.items()}))
        store.write_bytes(b"0" * 64 + b"\n" + forged)
    elif damage == "truncated":
        store.write_bytes(raw[: len(raw) // 2])
    elif damage == "wrong shape":  # signed, but what it holds is not a parse
        _doctor(root, lambda value: ("not a project", "nor diagnostics"))
    else:
        store.write_bytes(b"")
    parsed.clear()
    catalogue, report = load(root)
    assert parsed == ["content/projects/kent-joint-control-room.md"]
    assert [p.meta.title for p in catalogue.projects] == ["Kent joint control room"] and report.ok()
    parsed.clear()
    load(root)  # the store was written again, properly
    assert parsed == []


def test_loading_only_some_files_reads_the_store_but_keeps_every_entry(tmp_path: Path, parsed: list[str]) -> None:
    root = make_catalogue(tmp_path, {"first": VALID_PROJECT.replace("Kent joint", "First"),
                                     "second": VALID_PROJECT.replace("Kent joint", "Second")})
    load(root)
    parsed.clear()
    load(root, only=["content/projects/first.md"])
    assert parsed == []  # taken from the store
    load(root)
    assert parsed == []  # and the other file's entry is still there


def test_an_unchanged_store_is_not_written_again(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path)
    load(root)
    store = root / STORE
    store.write_bytes(store.read_bytes())  # same bytes, a new modification time ...
    before = store.stat().st_mtime_ns
    load(root)
    assert store.stat().st_mtime_ns == before  # ... that a load which used every entry and added none left alone


def test_parsing_on_several_processes_gives_what_one_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = fixtures_catalogue(tmp_path)
    serial = every_parse(root, use_cache=False)
    monkeypatch.setattr(parse_cache, "PARALLEL_FROM", 2)
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 2)
    registry, _ = load_registry(root)
    rels = sorted(f"content/projects/{path.name}" for path in (root / "content" / "projects").iterdir())
    assert parse_files(root, rels, registry, {}, None, jobs=2) == serial


def test_build_no_cache_neither_reads_nor_writes_the_store(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    page = root / "_site" / "projects" / "kent-joint-control-room" / "index.html"

    def build(*args: str) -> str:
        code, out = run_cli("build", "--root", str(root), "--out", str(root / "_site"), "--jobs", "1", "--quiet", *args)
        assert code == 0, out
        return page.read_text(encoding="utf-8")

    build("--no-cache")
    assert not (root / STORE).exists()  # not written
    build()
    assert (root / STORE).is_file()
    _doctor(root, _retitled)
    forget_last_build(root)  # the file is unchanged, so the build stamp would skip the build
    # and the view's digest is kept by the file's parse key, so its page would be linked unchanged
    (root / f".cache/{VIEW_DIGESTS}.pickle").unlink()
    assert "POISONED" in build()  # a cached build uses the store (the test can fail) ...
    stored = (root / STORE).read_bytes()
    assert "POISONED" not in build("--no-cache")  # ... and --no-cache does not read it
    assert (root / STORE).read_bytes() == stored  # nor write it
