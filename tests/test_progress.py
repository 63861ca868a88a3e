"""Build progress (site_builder/build/progress.py): plain lines off a terminal or under CI, bars on one, nothing with --quiet."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.build.progress import BarProgress, PlainProgress, Progress, progress_for
from tests.golden_update import copy_fixture, fixture_environment
from tests.helpers import run_cli

COLD = """\
build: load 4 project files
build: markdown 4 bodies (4 rendered, 0 from the cache)
build: views 4 projects
build: render 73 pages (73 rendered, 0 from the cache)
build: data 22 files
build: write 22 files
build: index 2 files
build: xlsx 1 workbooks
build: write 3 files
"""
WARM = COLD.replace("(4 rendered, 0 from the cache)", "(0 rendered, 4 from the cache)").replace(
    "(73 rendered, 0 from the cache)", "(0 rendered, 73 from the cache)")
NO_CACHE = COLD.replace(" (4 rendered, 0 from the cache)", "").replace(" (73 rendered, 0 from the cache)", "")
WARNING = ("content/projects/coastal-shared-station.md:11:16: warning: last_reviewed: expected a review in the last 18 months, "
           "found 2024-02-10; check the entry is still right, then set last_reviewed to today's date\n")
BROKEN = "---\ntitle: Broken\n---\nBody\n"
BROKEN_ERRORS = "".join(
    f"content/projects/broken-entry.md:2:1: error: {field}: required field is missing; add a line '{field}: …'\n"
    for field in ("last_reviewed", "lead", "partners", "status", "summary", "themes"))


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def build(root: Path, *extra: str) -> tuple[int, str]:
    with fixture_environment(root.parent):
        return run_cli("build", "--root", str(root), "--jobs", "1", *extra)


def test_off_a_terminal_each_stage_is_one_plain_line_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_fixture(tmp_path)
    code, out = build(root)
    assert (code, capsys.readouterr().err) == (0, COLD)
    assert out == WARNING + f"4 files checked: 0 errors, 1 warning\nbuilt 73 pages for 4 projects into {root}/_site\n"
    assert build(root)[0] == 0  # nothing changed: the inputs are compared, nothing else is done
    assert capsys.readouterr().err == "build: unchanged 14 input files\n"
    assert build(root, "--out", str(tmp_path / "warm"))[0] == 0  # another folder: pages from the cache
    assert capsys.readouterr().err == WARM
    assert build(root, "--no-cache", "--out", str(tmp_path / "other"))[0] == 0
    assert capsys.readouterr().err == NO_CACHE


def test_quiet_prints_nothing_on_success_and_only_the_errors_on_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_fixture(tmp_path)
    assert build(root, "--quiet") == (0, "")
    assert capsys.readouterr().err == ""
    (root / "content" / "projects" / "broken-entry.md").write_text(BROKEN, encoding="utf-8")
    assert build(root, "--quiet") == (1, BROKEN_ERRORS + "build failed: the previous site was left as it was\n")
    assert capsys.readouterr().err == ""


def test_the_kind_of_progress_follows_quiet_ci_and_the_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert type(progress_for(Terminal(), quiet=True)) is Progress
    assert type(progress_for(io.StringIO(), quiet=False)) is PlainProgress
    bars = progress_for(Terminal(), quiet=False)
    bars.close()
    assert type(bars) is BarProgress
    monkeypatch.setenv("CI", "true")
    assert type(progress_for(Terminal(), quiet=False)) is PlainProgress


def test_on_a_terminal_each_stage_has_a_bar_with_its_count(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    screen = Terminal()
    with fixture_environment(tmp_path):
        assert build_site(root, BuildOptions(out=root / "_site", jobs=1, progress=BarProgress(screen))).ok
    shown = screen.getvalue()
    for stage, count in (("load", "4/4"), ("markdown", "4/4"), ("render", "73/73"), ("write", "22/22"), ("write", "3/3")):
        assert any(stage in line and count in line for line in shown.splitlines()), (stage, shown)
