"""A rebuild with nothing changed does nothing (site_builder/build/stamp.py), and any change to an input
or to the published site makes it build in full again."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.build import stamp as stamp_module
from site_builder.build.staging import wait_for_trash
from site_builder.text.file_access import read_content_file, recording_reads
from site_builder.text.memo_store import MemoStore
from tests.golden_update import fixture_environment, read_tree
from tests.helpers import VALID_PROJECT, make_catalogue, run_cli

SECOND = VALID_PROJECT.replace("Kent joint control room", "Kent shared estates").replace(
    "last_reviewed: 2026-01-15", "last_reviewed: 2019-01-15")  # a warning: not reviewed for years


@pytest.fixture
def root(tmp_path: Path) -> Iterator[Path]:
    catalogue = make_catalogue(tmp_path / "catalogue", {"kent-joint-control-room": VALID_PROJECT, "kent-shared-estates": SECOND})
    with fixture_environment(tmp_path):
        yield catalogue


def build(root: Path, *args: str) -> tuple[int, str]:
    code, out = run_cli("build", "--root", str(root), "--jobs", "1", *args)
    wait_for_trash()
    return code, out


def up_to_date(out: str) -> bool:
    return "nothing changed since the last build" in out


def inodes(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_ino for p in site.rglob("*") if p.is_file()}


def test_a_second_build_with_nothing_changed_does_nothing_and_says_so(root: Path) -> None:
    code, first = build(root)
    assert code == 0 and not up_to_date(first)
    before = inodes(root / "_site")
    code, second = build(root)
    assert code == 0
    site = first.splitlines()[-1].removeprefix("built 62 pages for 2 projects into ")
    assert site.endswith("_site")
    assert second.splitlines()[-1] == f"nothing changed since the last build: {site} is up to date (62 pages for 2 projects)"
    assert inodes(root / "_site") == before  # not a file rewritten, nor relinked


def test_the_warnings_of_the_last_build_are_printed_again(root: Path) -> None:
    _, first = build(root)
    _, second = build(root)
    warnings = [line for line in first.splitlines() if ": warning: " in line]
    assert warnings and [line for line in second.splitlines() if ": warning: " in line] == warnings


def test_an_edited_project_is_built(root: Path) -> None:
    build(root)
    path = root / "content/projects/kent-joint-control-room.md"
    path.write_text(path.read_text(encoding="utf-8").replace("sits beside", "now sits beside"), encoding="utf-8")
    code, out = build(root)
    assert code == 0 and not up_to_date(out)
    assert "now sits beside" in (root / "_site/projects/kent-joint-control-room/index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("change", ["new project", "removed project", "registry", "site.yaml", "misplaced file"])
def test_any_changed_input_builds_in_full(root: Path, change: str) -> None:
    build(root)
    if change == "new project":
        (root / "content/projects/kent-third.md").write_text(SECOND.replace("Kent shared estates", "Kent third"), encoding="utf-8")
    elif change == "removed project":
        (root / "content/projects/kent-shared-estates.md").unlink()
    elif change == "registry":
        path = root / "schema/themes.yaml"
        path.write_text(path.read_text(encoding="utf-8") + "\n# a comment\n", encoding="utf-8")
    elif change == "site.yaml":
        path = root / "site.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("Collaboration Catalogue", "Catalogue"), encoding="utf-8")
    else:  # a project saved where it is never published: check reports it, so the build must too
        (root / "kent-fourth.md").write_text(SECOND, encoding="utf-8")
    code, out = build(root)
    assert not up_to_date(out)
    assert code == (1 if change == "misplaced file" else 0)


def test_another_base_url_or_build_time_builds_in_full(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build(root)
    option = ("--base-url", "https://example.org/other/")
    _, out = build(root, *option)
    assert not up_to_date(out)
    _, out = build(root, *option)
    assert up_to_date(out)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(os.environ["SOURCE_DATE_EPOCH"]) + 86400))
    _, out = build(root, *option)
    assert not up_to_date(out)


def test_strict_judges_the_warnings_again(root: Path) -> None:
    build(root)
    code, out = build(root, "--strict")  # the same inputs, but warnings now fail the build
    assert code == 1 and "build failed" in out


@pytest.mark.parametrize("change", ["stray file", "deleted file", "edited file"])
def test_a_site_touched_since_is_built_again_and_restored(root: Path, change: str) -> None:
    build(root)
    site = root / "_site"
    built = read_tree(site)
    page = site / "projects/kent-joint-control-room/index.html"
    if change == "stray file":
        (site / "stray.html").write_text("stray", encoding="utf-8")
    elif change == "deleted file":
        page.unlink()
    else:
        page.write_text("defaced", encoding="utf-8")
    code, out = build(root)
    assert code == 0 and not up_to_date(out)
    assert read_tree(site) == built


def test_no_cache_and_a_forged_stamp_are_never_believed(root: Path) -> None:
    build(root)
    _, out = build(root, "--no-cache")
    assert not up_to_date(out)
    build(root)
    stamp = root / ".cache/build-stamp.pickle"
    stamp.write_bytes(b"0" * 64 + b"\n" + stamp.read_bytes().partition(b"\n")[2])
    _, out = build(root)
    assert not up_to_date(out)


def test_reads_by_another_thread_are_not_a_builds_inputs(root: Path) -> None:
    """serve's watcher thread reads a saved file (a newer version, maybe) while the build records its inputs."""
    with recording_reads() as reads:
        read_content_file(root, "content/projects/kent-shared-estates.md")
        other = threading.Thread(target=read_content_file, args=(root, "content/projects/kent-joint-control-room.md"))
        other.start()
        other.join()
    assert list(reads) == [("file", "content/projects/kent-shared-estates.md")]


def recorded_site(root: Path) -> dict[str, tuple[int, int, int]]:
    store = MemoStore.open(root, stamp_module.STORE, stamp_module.STAMP_VERSION)
    assert store is not None
    found = store.get(str((root / "_site").resolve()))
    assert isinstance(found, stamp_module.Stamp)
    return found.site


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_stamp_records_the_site_a_walk_finds_without_walking_it(root: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     jobs: str) -> None:
    walks: list[Path] = []
    real = stamp_module.site_files

    def walk(out: Path) -> dict[str, tuple[int, int, int]] | None:
        walks.append(out)
        return real(out)

    monkeypatch.setattr(stamp_module, "site_files", walk)
    build(root, "--jobs", jobs)  # cold: every file rendered or written, and kept in the cache
    assert recorded_site(root) == real(root / "_site")
    path = root / "content/projects/kent-joint-control-room.md"
    path.write_text(path.read_text(encoding="utf-8").replace("sits beside", "now sits beside"), encoding="utf-8")
    build(root, "--jobs", jobs)  # most files linked from the cache, a few rendered again
    assert recorded_site(root) == real(root / "_site")
    assert walks == []  # neither build walked the site it published
    assert up_to_date(build(root, "--jobs", jobs)[1])  # and the next one, which walks it, finds it as recorded
    assert walks == [root / "_site"]
