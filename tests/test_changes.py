"""What changed: project pages and /changes/ list git history newest first, safely; the feed agrees."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.catalogue.changes import PROJECT_CHANGES, SUBJECT_LIMIT, catalogue_log, clean_subject, parse_log
from tests.git_history import commit, init_repository
from tests.golden_update import read_tree
from tests.helpers import VALID_PROJECT, make_catalogue

OTHER_PROJECT = VALID_PROJECT.replace("title: Kent joint control room", "title: Kent shared fire and police station")
A, B = "content/projects/kent-joint-control-room.md", "content/projects/kent-shared-station.md"
HOSTILE = "Fix <script>alert(1)</script> & \u202eevil\u202c\u2067 \x1b[31mred\x07"
ATOM = "{http://www.w3.org/2005/Atom}"


def _iso(seconds: int) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A catalogue with two projects and four commits: A and B added, A edited (hostile subject), B edited."""
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1772366400")
    root = make_catalogue(tmp_path / "catalogue", {})
    init_repository(root)
    commit(root, "Add the registry", 1_600_000_000, {"content/organisations.yaml": None, "schema": None, "site.yaml": None})
    commit(root, "Add two Kent projects", 1_700_000_000, {A: VALID_PROJECT, B: OTHER_PROJECT})
    commit(root, HOSTILE, 1_710_000_000, {A: VALID_PROJECT.replace("sits beside", "sits next to")})
    commit(root, "Review the shared station", 1_720_000_000, {B: OTHER_PROJECT.replace("2026-01-15", "2026-01-20")})
    return root


def _build(root: Path) -> dict[str, str]:
    out = root.parent / "_site"
    result = build_site(root, BuildOptions(out=out, jobs=1, use_cache=False))
    assert result.ok, result.report.render()
    return {path: data.decode("utf-8") for path, data in read_tree(out).items() if path.endswith((".html", ".xml"))}


def _dates(html: str) -> list[str]:
    return re.findall(r'<time datetime="([^"]+)">', html)


def test_clean_subject_removes_control_and_bidi_characters_and_shortens() -> None:
    assert clean_subject(HOSTILE) == "Fix <script>alert(1)</script> & evil [31mred"  # markup is left to autoescape
    assert clean_subject("a\u200fb\u061cc\u2066d\x00e") == "a b c d e"
    long = clean_subject("word " * 100)
    assert len(long) == SUBJECT_LIMIT and long.endswith("…")
    assert clean_subject("\u202e\t") == "(no description)"


def test_parse_log_keeps_a_subject_that_holds_the_field_separator() -> None:
    text = "\x001700000000\x1fabc123\x1fone\x1ftwo\n\ncontent/projects/a.md\ncontent/projects/b.md\n"
    changes = parse_log(text)
    assert [(c.path, c.subject, c.commit) for c in changes] == [
        ("content/projects/a.md", "one two", "abc123"), ("content/projects/b.md", "one two", "abc123")]


def test_one_git_call_gives_changes_and_the_same_dates_as_history(repo: Path) -> None:
    log = catalogue_log(repo, "content/projects")
    assert [(c.path, c.when.timestamp()) for c in log.changes] == [
        (B, 1_720_000_000), (A, 1_710_000_000), (A, 1_700_000_000), (B, 1_700_000_000)]
    dates = log.file_dates()
    assert (dates[A].added.timestamp(), dates[A].updated.timestamp()) == (1_700_000_000, 1_710_000_000)


def test_project_page_and_changes_page_list_changes_newest_first_and_the_feed_agrees(repo: Path) -> None:
    site = _build(repo)
    page = site["projects/kent-joint-control-room/index.html"]
    assert _dates(page) == [_iso(1_710_000_000), _iso(1_700_000_000)]
    assert "Fix &lt;script&gt;alert(1)&lt;/script&gt; &amp; evil [31mred</bdi>" in page
    for raw in ("<script>alert", "\u202e", "\u2067", "\x1b", "\x07"):
        assert raw not in page
    changes = site["changes/index.html"]
    assert _dates(changes) == [_iso(t) for t in (1_720_000_000, 1_710_000_000, 1_700_000_000, 1_700_000_000)]
    assert changes.count('href="../projects/kent-shared-station/"') == 2
    assert "Add the registry" not in changes  # only changes to project files
    feed = ET.fromstring(site["feed.xml"])
    updated = {e.findtext(f"{ATOM}title"): e.findtext(f"{ATOM}updated") for e in feed.iter(f"{ATOM}entry")}
    assert updated == {"Kent joint control room": _dates(page)[0],
                       "Kent shared fire and police station": _dates(site["projects/kent-shared-station/index.html"])[0]}


def test_a_project_page_shows_only_its_ten_newest_changes(repo: Path) -> None:
    for n in range(PROJECT_CHANGES + 2):
        commit(repo, f"Edit {n}", 1_730_000_000 + n, {A: VALID_PROJECT + "\n" * (n + 1)})
    page = _build(repo)["projects/kent-joint-control-room/index.html"]
    assert _dates(page) == [_iso(1_730_000_000 + n) for n in reversed(range(2, PROJECT_CHANGES + 2))]


def test_without_git_the_sections_are_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    site = _build(make_catalogue(tmp_path / "catalogue"))
    assert "Changes to this entry" not in site["projects/kent-joint-control-room/index.html"]
    assert "not available in this copy of the catalogue" in site["changes/index.html"]
    assert "<table" not in site["changes/index.html"]
