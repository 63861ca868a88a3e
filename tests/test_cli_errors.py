"""A bug in the tool (exit 3) says so, names the command and asks for a report; the traceback only with --debug."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path
from typing import TextIO

import pytest

from site_builder.cli import check as cli_check
from tests.helpers import make_catalogue, run_cli


def crash(args: argparse.Namespace, out: TextIO) -> int:
    raise RuntimeError("boom\nsecond line")


def bug_report(command: str, then: str) -> str:
    return ("catalogue: internal error: RuntimeError: boom second line\n"
            "This is a bug in the catalogue tool, not a problem with your content or settings.\n"
            f"The command was: {command}\n"
            f"Please report it to the catalogue's maintainers with that command {then}.\n")


@pytest.fixture
def crashing_check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(cli_check, "run", crash)
    monkeypatch.delenv("CATALOGUE_DEBUG", raising=False)
    return make_catalogue(tmp_path / "my catalogue")


def test_a_bug_exits_3_with_a_report_request_and_no_traceback(crashing_check: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("check", "--root", str(crashing_check)) == (3, "")
    err = capsys.readouterr().err
    assert err == bug_report(f"catalogue check --root '{crashing_check}'",
                             "and what the same command prints with --debug added (the traceback)")
    assert "Traceback" not in err


@pytest.mark.parametrize("args", [["--debug", "check"], ["check", "--debug"]])
def test_debug_before_or_after_the_command_adds_the_traceback(crashing_check: Path, capsys: pytest.CaptureFixture[str],
                                                              args: list[str]) -> None:
    assert run_cli(*args, "--root", str(crashing_check)) == (3, "")
    err = capsys.readouterr().err
    traceback, _, report = err.partition("catalogue: internal error:")
    assert traceback.startswith("Traceback (most recent call last):\n")
    assert 'raise RuntimeError("boom\\nsecond line")' in traceback
    assert traceback.endswith("RuntimeError: boom\nsecond line\n")
    assert "catalogue: internal error:" + report == bug_report(
        f"catalogue {' '.join(args)} --root '{crashing_check}'", "and the traceback above")


@pytest.mark.parametrize(("value", "traceback"), [("1", True), ("yes", True), ("0", False), ("", False)])
def test_catalogue_debug_still_works(crashing_check: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                                     value: str, traceback: bool) -> None:
    monkeypatch.setenv("CATALOGUE_DEBUG", value)
    assert run_cli("check", "--root", str(crashing_check)) == (3, "")
    assert ("Traceback (most recent call last):" in capsys.readouterr().err) is traceback


def test_debug_does_not_change_a_working_command(tmp_path: Path) -> None:
    assert run_cli("--debug", "check", "--root", str(make_catalogue(tmp_path)))[0] == 0


def test_help_lists_every_exit_code_and_debug(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--help") == (0, "")
    printed = capsys.readouterr().out
    text = " ".join(printed.split())
    assert ("Exit codes: 0 ok, 1 content errors (or warnings with --strict), 2 usage errors (a bad option, an --out "
            "the build refuses, a site that cannot be written, or a bad SOURCE_DATE_EPOCH), 3 a bug in the tool: "
            "please report it with the command and what it prints with --debug; 130 or 143 when stopped by Ctrl-C or "
            "SIGTERM.") in text
    listed = re.findall(r"^    ([a-z-]+)(?: |$)", printed, re.MULTILINE)
    assert listed == ["check", "build", "serve", "schema", "new", "from-issue", "import", "fmt", "review"]
    assert "--debug on an internal error (exit 3), also print the traceback; CATALOGUE_DEBUG=1 does the same" in text


def test_starting_the_cli_leaves_out_the_libraries_of_other_commands() -> None:
    # Each start of `catalogue build` or `check` paid about 35 ms for them: rapidfuzz (new), ruamel.yaml (fmt,
    # from-issue) and watchfiles (serve) are imported by the commands that use them.
    code = ("import sys, site_builder.cli; "
            "print(' '.join(sorted(m for m in ('rapidfuzz', 'ruamel.yaml', 'watchfiles') if m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout == "\n"
