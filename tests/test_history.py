"""Added/updated dates come from git history, including for a catalogue in a subfolder of a repository."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from site_builder.catalogue.history import build_time, file_dates


def _git(repo: Path, *args: str, when: int | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{when} +0000"
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


@pytest.mark.parametrize("subfolder", ["", "catalogue"])
def test_first_and_last_commit_dates(tmp_path: Path, subfolder: str) -> None:
    _git(tmp_path, "init", "-q")
    root = tmp_path / subfolder if subfolder else tmp_path
    project = root / "content/projects/a.md"
    project.parent.mkdir(parents=True)
    project.write_text("one\n", encoding="utf-8")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "add", when=1_600_000_000)
    project.write_text("two\n", encoding="utf-8")
    _git(tmp_path, "commit", "-qam", "update", when=1_700_000_000)
    dates = file_dates(root, "content/projects")
    assert list(dates) == ["content/projects/a.md"]
    assert dates["content/projects/a.md"].added == dt.datetime.fromtimestamp(1_600_000_000, dt.UTC)
    assert dates["content/projects/a.md"].updated == dt.datetime.fromtimestamp(1_700_000_000, dt.UTC)


def test_no_repository_gives_no_dates(tmp_path: Path) -> None:
    assert file_dates(tmp_path, "content/projects") == {}


def test_build_time_prefers_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_time(tmp_path) == dt.datetime.fromtimestamp(1_700_000_000, dt.UTC)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_time(tmp_path) is None  # no git either: the caller falls back to content dates
