"""Added/updated dates come from git history, including for a catalogue in a subfolder of a repository."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

import pytest

from site_builder.catalogue.changes import catalogue_log
from site_builder.catalogue.environment import EnvironmentProblem
from site_builder.catalogue.history import build_time
from site_builder.serve import loop as serve
from tests.helpers import make_catalogue, run_cli


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
    dates = catalogue_log(root, "content/projects").file_dates()
    assert list(dates) == ["content/projects/a.md"]
    assert dates["content/projects/a.md"].added == dt.datetime.fromtimestamp(1_600_000_000, dt.UTC)
    assert dates["content/projects/a.md"].updated == dt.datetime.fromtimestamp(1_700_000_000, dt.UTC)


def test_no_repository_gives_no_dates(tmp_path: Path) -> None:
    assert catalogue_log(tmp_path, "content/projects").file_dates() == {}


def test_build_time_prefers_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_time(tmp_path) == dt.datetime.fromtimestamp(1_700_000_000, dt.UTC)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert build_time(tmp_path) is None  # no git either: the caller falls back to content dates


# --- SOURCE_DATE_EPOCH: ASCII digits for a time in the years 1970-9999, or a usage error ----------------

EPOCH_HINT = "unset it, or set it to the time of the last commit: git log -1 --format=%ct"
NOT_A_NUMBER = "SOURCE_DATE_EPOCH: expected a whole number of seconds since 1970-01-01 (ASCII digits, like 1735689600), found {}; " + EPOCH_HINT
TOO_LATE = "SOURCE_DATE_EPOCH: expected a time no later than the end of the year 9999 (at most 253402300799 seconds), found {}; {}"


@pytest.mark.parametrize(("value", "seconds"), [
    ("0", 0), ("1735689600", 1_735_689_600), ("0001735689600", 1_735_689_600), ("253402300799", 253_402_300_799),
])
def test_source_date_epoch_accepts_ascii_digits_up_to_the_year_9999(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     value: str, seconds: int) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert build_time(tmp_path) == dt.datetime.fromtimestamp(seconds, dt.UTC)


def test_an_empty_source_date_epoch_counts_as_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "")
    assert build_time(tmp_path) is None


@pytest.mark.parametrize(("value", "message"), [
    ("abc", NOT_A_NUMBER.format("'abc'")),
    ("-1", NOT_A_NUMBER.format("'-1'")),
    ("1.5", NOT_A_NUMBER.format("'1.5'")),
    ("1e9", NOT_A_NUMBER.format("'1e9'")),
    (" 1735689600", NOT_A_NUMBER.format("' 1735689600'")),
    ("1735689600\n", NOT_A_NUMBER.format("'1735689600\\n'")),
    ("²", NOT_A_NUMBER.format("'²'")),  # str.isdigit() is true for it
    ("\u0661\u0662", NOT_A_NUMBER.format("'\u0661\u0662'")),  # Arabic-Indic digits: int() accepts these
    ("253402300800", TOO_LATE.format("'253402300800'", EPOCH_HINT)),  # 10000-01-01
    ("9" * 5000, TOO_LATE.format("'" + "9" * 57 + "...'", EPOCH_HINT)),  # more digits than int() reads
    ("1735689600000", TOO_LATE.format("'1735689600000'", "if that is in milliseconds, divide it by 1000: 1735689600")),
])
def test_a_bad_source_date_epoch_is_named_with_what_was_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               value: str, message: str) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    with pytest.raises(EnvironmentProblem) as caught:
        build_time(tmp_path)
    assert str(caught.value) == message


@pytest.mark.parametrize(("value", "message"), [
    ("1.5", NOT_A_NUMBER.format("'1.5'")),
    ("253402300800", TOO_LATE.format("'253402300800'", EPOCH_HINT)),
])
def test_build_stops_with_exit_2_on_a_bad_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str], value: str, message: str) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert run_cli("build", "--root", str(root), "--out", str(tmp_path / "out")) == (2, "")
    assert capsys.readouterr().err == f"catalogue: error: {message}\n"
    assert not (tmp_path / "out").exists()


def test_serve_stops_with_exit_2_before_listening(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    def no_server(*args: object) -> None:
        raise AssertionError("the server was started")

    monkeypatch.setattr(serve, "start_server", no_server)
    root = make_catalogue(tmp_path / "catalogue")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    assert run_cli("serve", "--root", str(root), "--out", str(tmp_path / "out"), "--port", "0") == (2, "")
    assert capsys.readouterr().err == f"catalogue: error: {NOT_A_NUMBER.format(repr('abc'))}\n"


def test_check_does_not_read_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "abc")
    assert run_cli("check", "--root", str(make_catalogue(tmp_path)))[0] == 0
