"""serve's preview (site_builder/serve/preview.py): a saved project's page from the site kept in memory,
byte for byte what the rebuild then makes, and nothing previewed that the rebuild would refuse."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from watchfiles import Change

from site_builder.build.pipeline import BuildOptions
from site_builder.build.staging import wait_for_trash
from site_builder.serve.livereload import BuildStatus
from site_builder.serve.loop import Watcher, rebuild
from site_builder.serve.preview import Preview, project_edits, show
from tests.golden_update import fixture_environment
from tests.helpers import VALID_PROJECT, make_catalogue

PROJECT = "content/projects/kent-joint-control-room.md"
PAGE = "projects/kent-joint-control-room/index.html"


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, BuildOptions, list[Preview]]:
    root = make_catalogue(tmp_path / "catalogue")
    options = BuildOptions(out=root / "_site", jobs=1, keep_site=True)
    kept: list[Preview] = []
    with fixture_environment(tmp_path):
        assert rebuild(root, options, io.StringIO(), kept=kept)
    wait_for_trash()
    assert len(kept) == 1
    return root, options, kept


def test_a_saved_description_is_previewed_as_the_rebuild_then_builds_it(built: tuple[Path, BuildOptions, list[Preview]],
                                                                        tmp_path: Path) -> None:
    root, options, kept = built
    page = root / "_site" / PAGE
    inode = page.stat().st_ino
    linked = page.read_bytes()
    (root / PROJECT).write_text(VALID_PROJECT.replace("sits beside", "now sits beside"), encoding="utf-8")
    with fixture_environment(tmp_path):
        assert show(kept[0], [PROJECT], root / "_site").pages == [PAGE]
        shown = page.read_bytes()
        assert b"now sits beside" in shown
        assert page.stat().st_ino != inode  # a new file: the cache's hard-linked copy is untouched
        objects = [p for p in (root / ".cache/objects").iterdir() if p.read_bytes() == linked]
        assert objects, "the previous page is still in the cache, unchanged"
        assert rebuild(root, options, io.StringIO(), kept=kept)
    wait_for_trash()
    assert page.read_bytes() == shown  # the preview was the page the build makes


@pytest.mark.parametrize("text", [VALID_PROJECT.replace("status: operational", "status: live"), "---\ntitle: [\n---\n"])
def test_a_file_with_errors_is_not_previewed(built: tuple[Path, BuildOptions, list[Preview]], text: str) -> None:
    root, _, kept = built
    before = (root / "_site" / PAGE).read_bytes()
    (root / PROJECT).write_text(text, encoding="utf-8")
    assert show(kept[0], [PROJECT], root / "_site").pages == []
    assert (root / "_site" / PAGE).read_bytes() == before


@pytest.mark.parametrize("text", [VALID_PROJECT.replace("status: operational", "status: live"), "---\ntitle: [\n---\n"])
def test_a_saved_file_with_errors_shows_them_at_once_as_the_rebuild_then_words_them(
        built: tuple[Path, BuildOptions, list[Preview]], tmp_path: Path, text: str) -> None:
    root, options, kept = built
    (root / PROJECT).write_text(text, encoding="utf-8")
    status, log = BuildStatus(), io.StringIO()
    Watcher(root, root / "_site", log, status, kept).saved({(Change.modified, str(root / PROJECT))})
    assert not status.ok and status.errors and all(PROJECT in error for error in status.errors)
    assert log.getvalue().endswith("the saved file has errors (shown in the browser); "
                                   "still serving the last good build, rebuilding to check the rest\n")
    rebuilt = BuildStatus()
    with fixture_environment(tmp_path):
        assert not rebuild(root, options, io.StringIO(), rebuilt, kept)
    assert set(status.errors) <= set(rebuilt.errors)  # worded as the rebuild words them


def test_a_new_project_is_left_to_the_rebuild(built: tuple[Path, BuildOptions, list[Preview]]) -> None:
    root, _, kept = built
    (root / "content/projects/kent-second.md").write_text(VALID_PROJECT.replace("Kent joint", "Kent second"), encoding="utf-8")
    assert show(kept[0], ["content/projects/kent-second.md"], root / "_site").pages == []
    assert not (root / "_site/projects/kent-second").exists()


def test_only_saved_project_files_are_previewed(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path)
    projects = root / "content" / "projects"
    assert project_edits(root, [projects / "a.md", projects / "b.md", projects / "a.md"]) == [
        "content/projects/a.md", "content/projects/b.md"]
    for other in (root / "site.yaml", root / "schema/themes.yaml", root / "templates/project.html", projects / "notes.txt"):
        assert project_edits(root, [projects / "a.md", other]) is None


def test_after_a_failed_rebuild_the_fix_is_previewed_from_the_last_good_build(
        built: tuple[Path, BuildOptions, list[Preview]]) -> None:
    root, options, kept = built
    good = kept[0]
    (root / PROJECT).write_text(VALID_PROJECT.replace("status: operational", "status: live"), encoding="utf-8")
    assert not rebuild(root, options, io.StringIO(), kept=kept)
    assert kept == [good]  # still the site being served
    (root / PROJECT).write_text(VALID_PROJECT.replace("sits beside", "now sits beside"), encoding="utf-8")
    assert show(kept[0], [PROJECT], root / "_site").pages == [PAGE]
    assert b"now sits beside" in (root / "_site" / PAGE).read_bytes()


def test_a_save_during_a_rebuild_is_previewed_at_once_and_again_on_the_site_it_publishes(
        built: tuple[Path, BuildOptions, list[Preview]]) -> None:
    root, _, kept = built
    log = io.StringIO()
    watcher = Watcher(root, root / "_site", log, BuildStatus(), kept)
    path = root / PROJECT
    watcher.building()  # a rebuild starts (it read the file as it was) ...
    path.write_text(VALID_PROJECT.replace("sits beside", "now sits beside"), encoding="utf-8")
    watcher.saved({(Change.modified, str(path))})  # ... and the save is previewed meanwhile
    assert b"now sits beside" in (root / "_site" / PAGE).read_bytes()
    (root / "_site" / PAGE).write_bytes(b"what the rebuild published, from the file as it was")
    watcher.built()
    assert b"now sits beside" in (root / "_site" / PAGE).read_bytes()  # shown again on the new site
    assert log.getvalue().count(f"previewed {PAGE}") == 2
    watcher.saved({(Change.modified, str(root / "site.yaml"))})  # not a project file: only queued
    assert watcher.next_changes() == {(Change.modified, str(path)), (Change.modified, str(root / "site.yaml"))}
