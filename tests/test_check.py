"""``catalogue check``: exact output for every bad input, exit codes, formats, and checks across files.

Every test runs the command in-process on a tiny catalogue (``tests.helpers.make_catalogue``), with
"today" pinned so that review-date rules give the same answer on any day.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.catalogue.load import load_catalogue
from site_builder.diagnostics.report import Diagnostic
from tests.helpers import ORGANISATIONS, VALID_PROJECT, make_catalogue, pin_today, run_cli

TODAY = dt.date(2026, 6, 1)
REPO = Path(__file__).resolve().parent.parent
INVALID = Path(__file__).resolve().parent / "fixtures" / "invalid"
EXPECTED_FILE = INVALID / "expected-output.txt"
# path:line:col: severity: message, with an optional field before the message and a hint after "; "
LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>[1-9][0-9]*):(?P<col>[1-9][0-9]*): (?P<severity>error|warning): (?P<rest>.+)$")
SUMMARY = re.compile(r"^[0-9]+ files? checked: [0-9]+ errors?, [0-9]+ warnings?$")


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_today(monkeypatch, TODAY)


def project(*replacements: tuple[str, str], add: str = "") -> str:
    """The valid helper project with some text replaced, and ``add`` appended to the front matter."""
    text = VALID_PROJECT
    for old, new in replacements:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text.replace("---\nThe fire", f"{add}---\nThe fire") if add else text


def check(root: Path, *args: str) -> tuple[int, str]:
    return run_cli("check", "--root", str(root), *args)


# --- one fixture per bad input, with its exact output -----------------------------------------------

def expected_outputs() -> dict[str, tuple[int, str]]:
    """``expected-output.txt`` as {file name: (exit code, output)}."""
    text = EXPECTED_FILE.read_text(encoding="utf-8")
    out: dict[str, tuple[int, str]] = {}
    for block in text.split("\n### ")[1:]:
        header, _, body = block.partition("\n")
        match = re.fullmatch(r"(?P<name>\S+\.md): exit (?P<code>[0-9])", header)
        assert match, f"bad block header in {EXPECTED_FILE.name}: {header!r}"
        assert match["name"] not in out, f"{match['name']} is listed twice in {EXPECTED_FILE.name}"
        out[match["name"]] = (int(match["code"]), body.rstrip("\n") + "\n")
    return out


EXPECTED = expected_outputs()
FIXTURES = sorted(path.name for path in INVALID.glob("*.md"))
MISPLACED = "misplaced-"  # fixtures named so are saved in content/ itself, not content/projects/


def catalogue_with(root: Path, contents: dict[str, bytes]) -> Path:
    """A catalogue holding each fixture where its name says (see ``MISPLACED``)."""
    projects = {name: raw for name, raw in contents.items() if not name.startswith(MISPLACED)}
    elsewhere: dict[str, str | bytes] = {f"content/{name}": raw for name, raw in contents.items() if name.startswith(MISPLACED)}
    return make_catalogue(root, dict(projects), elsewhere)


def test_every_fixture_has_an_expected_output_and_every_expected_output_a_fixture() -> None:
    assert sorted(EXPECTED) == FIXTURES


@pytest.mark.parametrize("name", FIXTURES)
def test_fixture_gives_exactly_the_expected_output(tmp_path: Path, name: str) -> None:
    root = catalogue_with(tmp_path, {name: (INVALID / name).read_bytes()})
    code, out = check(root)
    assert (code, out) == EXPECTED[name]


@pytest.mark.parametrize("name", FIXTURES)
def test_bom_and_crlf_give_identical_output(tmp_path: Path, name: str) -> None:
    raw = (INVALID / name).read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00\n" in raw:
        pytest.skip("UTF-16: adding a UTF-8 byte order mark or CR bytes would make a different file")
    variants = {
        "bom": b"\xef\xbb\xbf" + raw,
        "crlf": raw.replace(b"\n", b"\r\n"),
        "bom-crlf": b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"),
    }
    for label, content in variants.items():
        root = catalogue_with(tmp_path / label, {name: content})
        assert check(root) == EXPECTED[name], label


def test_every_fixture_in_one_run_reports_every_problem_of_every_file(tmp_path: Path) -> None:
    """All the bad files together: the union of the single-file runs, and one summary line."""
    root = catalogue_with(tmp_path, {name: (INVALID / name).read_bytes() for name in FIXTURES})
    code, out = check(root)
    lines = out.splitlines()
    wanted = [line for name in FIXTURES for line in EXPECTED[name][1].splitlines()[:-1]]
    same_title = [line for line in lines[:-1] if "title: expected a title no other project uses" in line]
    assert same_title  # the fixtures that pass the schema keep the title of the project they were made from
    assert [line for line in lines[:-1] if line not in same_title] == sorted(wanted, key=_sort_key)
    errors = len(same_title) + sum(1 for line in wanted if ": error: " in line)
    warnings = sum(1 for line in wanted if ": warning: " in line)
    assert lines[-1] == f"{len(FIXTURES)} files checked: {errors} errors, {warnings} warnings"
    assert code == 1


def _sort_key(line: str) -> tuple[str, int, int, str]:
    match = LINE.match(line)
    assert match, line
    return match["path"], int(match["line"]), int(match["col"]), match["rest"]


def test_every_diagnostic_is_located_and_has_a_field_or_file_message_and_a_hint(tmp_path: Path) -> None:
    root = catalogue_with(tmp_path, {name: (INVALID / name).read_bytes() for name in FIXTURES})
    code, out = check(root, "--format", "json")
    payload = json.loads(out)
    assert code == 1 and payload["diagnostics"]
    for item in payload["diagnostics"]:
        assert item["path"].startswith("content/projects/" if MISPLACED not in item["path"] else "content/"), item
        assert item["line"] >= 1 and item["col"] >= 1, item
        assert item["message"].strip(), item
        assert item["hint"].strip(), f"no hint: {item}"
        assert ";" not in item["message"], f"a ';' in the message makes the hint ambiguous: {item}"
    for line in check(root)[1].splitlines()[:-1]:
        assert LINE.match(line), line


# --- good input ------------------------------------------------------------------------------------

def test_valid_catalogue_passes(tmp_path: Path) -> None:
    assert check(make_catalogue(tmp_path)) == (0, "1 file checked: 0 errors, 0 warnings\n")


def test_the_real_catalogue_has_no_errors() -> None:
    _, report = load_catalogue(REPO)  # checked against the real today: its review dates are real
    assert report.errors == 0, report.render()


def test_implicitly_typed_looking_values_are_fine(tmp_path: Path) -> None:
    text = project(("title: Kent joint control room", "title: NO title here"),
                   add="formal_agreement: false\ncosts_gbp: 0\nsavings_gbp_per_year: 1200\nscope: local\n"
                       "benefits:\n  - off\n  - 1:30 faster\n  - 1.10\nlessons:\n  - yes\n  - '012'\n"
                       "funding:\n  - source: Home Office\n    amount_gbp: 250000\n    year: 2016\n")
    root = make_catalogue(tmp_path, {"kent-joint-control-room": text})
    assert check(root) == (0, "1 file checked: 0 errors, 0 warnings\n")
    catalogue, _ = load_catalogue(root, today=TODAY)
    meta = catalogue.projects[0].meta
    assert meta.title == "NO title here"
    assert meta.benefits == ["off", "1:30 faster", "1.10"]
    assert meta.lessons == ["yes", "012"]
    assert meta.formal_agreement is False and meta.costs_gbp == 0 and meta.savings_gbp_per_year == 1200


def test_an_empty_value_means_the_field_is_absent(tmp_path: Path) -> None:
    with_empty = project(("status: operational", "status: completed"), ("started: 2012-04", "started:"), add="ended:\nscope:\n")
    absent = project(("status: operational", "status: completed"), ("started: 2012-04\n", ""))
    for name, text in (("with-empty", with_empty), ("absent", absent)):
        root = make_catalogue(tmp_path / name, {"kent-joint-control-room": text})
        assert check(root) == (0, "content/projects/kent-joint-control-room.md:4:9: warning: status: expected an 'ended' date "
                                  "as the status is 'completed', found none; add a line 'ended: YYYY-MM' saying when it finished\n"
                                  "1 file checked: 0 errors, 1 warning\n")


def test_generated_oversized_inputs(tmp_path: Path) -> None:
    big_body = project() + "word " * (21 * 1024)  # just over 100 KB of description
    big_file = project() + "word " * (53 * 1024)  # just over 256 KB in all
    root = make_catalogue(tmp_path, {"big-body": big_body, "big-file": big_file})
    assert check(root) == (1, "content/projects/big-body.md:16:1: error: body: expected a description of at most 100 KB, found 105 KB; "
                              "shorten it and link to longer documents instead\n"
                              "content/projects/big-file.md:1:1: error: expected a file of at most 256 KB, found 265 KB; "
                              "shorten the description and link to longer documents instead\n"
                              "2 files checked: 2 errors, 0 warnings\n")


def test_a_billion_laughs_file_of_the_largest_allowed_size_costs_little_memory(tmp_path: Path) -> None:
    levels = 1120
    laughs = "".join(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 30) + "]\n" for i in range(1, levels))
    text = "---\nl0: &l0 lol\n" + laughs + "---\nLaughs.\n"
    assert 240 * 1024 < len(text) < 256 * 1024
    root = make_catalogue(tmp_path, {"laughs": text})
    tracemalloc.start()
    try:
        code, out = check(root)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 1
    problems = levels + 30 * (levels - 1)  # every anchor and every alias
    assert out.endswith(f"error: {problems - 20} more problems from here on are not listed; fix those listed, then check again\n"
                        "1 file checked: 21 errors, 0 warnings\n")
    assert peak < 16 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"  # expanded, the aliases would need 30**1200 strings


# --- exit codes and usage errors ------------------------------------------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["--format", "xml"], "invalid choice: 'xml'"),
    (["content/projects/missing.md"], "content/projects/missing.md: no such file"),
    (["content/projects"], "content/projects: is a folder"),
    (["content/organisations.yaml"], "content/organisations.yaml: not a project file"),
])
def test_usage_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    root = make_catalogue(tmp_path)
    assert check(root, *args) == (2, "")
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err


def test_a_path_outside_the_catalogue_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    outside = tmp_path / "elsewhere.md"
    outside.write_text(VALID_PROJECT, encoding="utf-8")
    assert check(root, str(outside)) == (2, "")
    assert f"{outside}: not a project file; name files in {(root / 'content/projects').resolve()}/" in capsys.readouterr().err


def test_root_that_is_not_a_catalogue_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("check", "--root", str(tmp_path)) == (2, "")
    assert capsys.readouterr().err == f"catalogue: error: {tmp_path} is not a catalogue folder: it has no content/ folder (use --root DIR)\n"


def test_no_command_exits_2_and_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli() == (2, "")
    assert "required: COMMAND" in capsys.readouterr().err
    assert run_cli("check", "--help")[0] == 0


def test_exit_codes_for_content(tmp_path: Path) -> None:
    assert check(make_catalogue(tmp_path / "ok"))[0] == 0
    warned = make_catalogue(tmp_path / "warned", {"p": project(("status: operational", "status: completed"))})
    assert check(warned)[0] == 0
    broken = make_catalogue(tmp_path / "broken", {"p": project(("status: operational", "status: live"))})
    assert check(broken)[0] == 1


# --- --strict and output formats ------------------------------------------------------------------

STALE_AND_BROKEN: dict[str, str | bytes] = {
    "stale": project(("last_reviewed: 2026-01-15", "last_reviewed: 2024-01-01"), ("title: Kent joint control room", "title: Stale")),
    "broken": project(("status: operational", "status: live"), ("title: Kent joint control room", "title: Broken")),
}


def test_strict_turns_warnings_into_errors(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path, {"stale": STALE_AND_BROKEN["stale"]})
    warning = ("content/projects/stale.md:11:16: {}: last_reviewed: expected a review in the last 18 months, found 2024-01-01; "
               "check the entry is still right, then set last_reviewed to today's date\n")
    assert check(root) == (0, warning.format("warning") + "1 file checked: 0 errors, 1 warning\n")
    assert check(root, "--strict") == (1, warning.format("error") + "1 file checked: 1 error, 0 warnings\n")


def test_format_github_prints_annotations(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path, STALE_AND_BROKEN)
    code, out = check(root, "--format", "github")
    assert code == 1
    assert out == (
        "::error file=content/projects/broken.md,line=4,col=9::status: expected proposed, in-development, pilot, operational, "
        "completed or discontinued, found 'live'; did you mean 'operational'?\n"
        "::warning file=content/projects/stale.md,line=11,col=16::last_reviewed: expected a review in the last 18 months, "
        "found 2024-01-01; check the entry is still right, then set last_reviewed to today's date\n"
        "2 files checked: 1 error, 1 warning\n"
    )
    assert check(root, "--format", "github", "--strict")[1].splitlines()[1].startswith("::error file=content/projects/stale.md,")


def test_github_annotations_escape_what_github_would_misread() -> None:
    diagnostic = Diagnostic("content/projects/a, b: c.md", 1, 2, "error", "", "100% wrong\nreally", "fix it")
    assert diagnostic.github() == "::error file=content/projects/a%2C b%3A c.md,line=1,col=2::100%25 wrong\\nreally; fix it"
    assert diagnostic.text() == "content/projects/a, b: c.md:1:2: error: 100% wrong\\nreally; fix it"


def test_format_json_is_machine_readable(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path, STALE_AND_BROKEN)
    code, out = check(root, "--format", "json")
    assert code == 1
    payload = json.loads(out)
    assert payload == {
        "diagnostics": [
            {"path": "content/projects/broken.md", "line": 4, "col": 9, "severity": "error", "field": "status",
             "message": "expected proposed, in-development, pilot, operational, completed or discontinued, found 'live'",
             "hint": "did you mean 'operational'?"},
            {"path": "content/projects/stale.md", "line": 11, "col": 16, "severity": "warning", "field": "last_reviewed",
             "message": "expected a review in the last 18 months, found 2024-01-01",
             "hint": "check the entry is still right, then set last_reviewed to today's date"},
        ],
        "files_checked": 2, "errors": 1, "warnings": 1,
    }
    strict = json.loads(check(root, "--format", "json", "--strict")[1])
    assert (strict["errors"], strict["warnings"]) == (2, 0)
    assert {d["severity"] for d in strict["diagnostics"]} == {"error"}


# --- check PATH ---------------------------------------------------------------------------------------

def test_check_path_checks_only_that_file_against_the_full_registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good = project(("  - kent-police\n", "  - merseyside-police\n  - south-east-coast-ambulance-service\n"))
    root = make_catalogue(tmp_path, {"good": good, **STALE_AND_BROKEN, "Bad Name.md": "x"})
    assert check(root, "content/projects/good.md") == (0, "1 file checked: 0 errors, 0 warnings\n")  # relative to --root
    assert check(root, str(root / "content/projects/broken.md"))[1].endswith("1 file checked: 1 error, 0 warnings\n")
    monkeypatch.chdir(root / "content")
    assert check(root, "projects/good.md", "projects/good.md") == (0, "1 file checked: 0 errors, 0 warnings\n")  # relative to here
    assert check(root) [1].endswith("4 files checked: 2 errors, 1 warning\n")


def test_check_path_still_reports_a_bad_registry_and_a_bad_name(tmp_path: Path) -> None:
    orgs = ORGANISATIONS.replace("  kind: ambulance\n", "  kind: ambulence\n")
    root = make_catalogue(tmp_path, {"Kent Control.md": VALID_PROJECT}, {"content/organisations.yaml": orgs})
    assert check(root, "content/projects/Kent Control.md") == (1, (
        "content/organisations.yaml:13:9: error: south-east-coast-ambulance-service.kind: expected police, fire, ambulance, pcc, "
        "local-authority, health, rescue or other, found 'ambulence'; did you mean 'ambulance'?\n"
        "content/projects/Kent Control.md:1:1: error: expected a file name of lower-case words joined by hyphens, then '.md', "
        "found 'Kent Control.md'; rename it to 'kent-control.md'\n"
        "1 file checked: 2 errors, 0 warnings\n"))


def test_check_path_still_finds_an_alias_that_is_another_projects_name(tmp_path: Path) -> None:
    renamed = project(("title: Kent joint control room", "title: Kent control room move"), add="aliases:\n  - kent-joint-control-room\n")
    root = make_catalogue(tmp_path, {"kent-joint-control-room": VALID_PROJECT, "kent-control-room-move": renamed})
    assert check(root, "content/projects/kent-control-room-move.md") == (1, (
        "content/projects/kent-control-room-move.md:16:5: error: aliases[0]: expected a former name of this file, "
        "found 'kent-joint-control-room', the name of another project file; "
        "remove it: content/projects/kent-joint-control-room.md still uses that address\n"
        "1 file checked: 1 error, 0 warnings\n"))


# --- several files, checks across files -------------------------------------------------------------

def test_every_error_in_every_file_is_reported_in_one_run(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path, {
        "kent-joint-control-room": VALID_PROJECT,
        "a-broken": project(("status: operational", "status: pilott"), ("title: Kent joint control room", "title: Broken one"),
                            add="formal_agreement: Yes\n"),
        "b-broken": project(("  - kent-police\n", "  - kent-polise\n"), ("title: Kent joint control room", "title: Broken two"),
                            add="costs_gbp: 2,500\n"),
        "c-unreadable": b"\xff\xfe---\n",
        "d-stale": project(("last_reviewed: 2026-01-15", "last_reviewed: 2024-01-01"), ("title: Kent joint control room", "title: Stale one")),
        "Readme.txt": "notes",
    })
    code, out = check(root)
    assert code == 1
    assert out == (
        "content/projects/Readme.txt:1:1: error: expected a project file ending in '.md', found 'Readme.txt'; rename it to 'readme.md'\n"
        "content/projects/a-broken.md:4:9: error: status: expected proposed, in-development, pilot, operational, completed or "
        "discontinued, found 'pilott'; did you mean 'pilot'?\n"
        "content/projects/a-broken.md:15:19: error: formal_agreement: expected true or false, found 'Yes'; write true\n"
        "content/projects/b-broken.md:7:5: error: partners[0]: unknown organisation 'kent-polise'; did you mean 'kent-police'?\n"
        "content/projects/b-broken.md:15:12: error: costs_gbp: expected a whole number of pounds, found '2,500'; write digits only: 2500\n"
        "content/projects/c-unreadable.md:1:1: error: expected UTF-8 text, found a file encoded as UTF-16; "
        "save the file with the encoding 'UTF-8'\n"
        "content/projects/d-stale.md:11:16: warning: last_reviewed: expected a review in the last 18 months, found 2024-01-01; "
        "check the entry is still right, then set last_reviewed to today's date\n"
        "6 files checked: 6 errors, 1 warning\n"
    )


def test_two_files_with_the_same_title(tmp_path: Path) -> None:
    same = project(("title: Kent joint control room", "title: kent  JOINT control room"))
    root = make_catalogue(tmp_path, {"kent-joint-control-room": VALID_PROJECT, "kent-control-room-copy": same})
    assert check(root) == (1, (
        "content/projects/kent-joint-control-room.md:2:8: error: title: expected a title no other project uses, "
        "found the title of content/projects/kent-control-room-copy.md; make the title say what is different about this project\n"
        "2 files checked: 1 error, 0 warnings\n"))


def test_aliases_that_collide(tmp_path: Path) -> None:
    first = project(("title: Kent joint control room", "title: First project"), add="aliases:\n  - old-kent-control\n  - second\n")
    second = project(("title: Kent joint control room", "title: Second project"), add="aliases:\n  - old-kent-control\n")
    root = make_catalogue(tmp_path, {"first": first, "second": second})
    assert check(root) == (1, (
        "content/projects/first.md:17:5: error: aliases[1]: expected a former name of this file, found 'second', "
        "the name of another project file; remove it: content/projects/second.md still uses that address\n"
        "content/projects/second.md:16:5: error: aliases[0]: expected an alias no other project uses, found 'old-kent-control', "
        "already an alias of 'first'; an old address can redirect to only one project: remove it from one of the two\n"
        "2 files checked: 2 errors, 0 warnings\n"))


@pytest.mark.parametrize(("name", "message"), [
    ("Kent Control Room.md", "expected a file name of lower-case words joined by hyphens, then '.md', found 'Kent Control Room.md'; "
                             "rename it to 'kent-control-room.md'"),
    ("kent_control.md", "expected a file name of lower-case words joined by hyphens, then '.md', found 'kent_control.md'; "
                        "rename it to 'kent-control.md'"),
    ("café-hub.md", "expected a file name of lower-case words joined by hyphens, then '.md', found 'café-hub.md'; "
                    "rename it to 'cafe-hub.md'"),
    ("kent--control.md", "expected a file name of lower-case words joined by hyphens, then '.md', found 'kent--control.md'; "
                         "rename it to 'kent-control.md'"),
    ("kent.markdown", "expected a project file ending in '.md', found 'kent.markdown'; rename it to 'kent.md'"),
    ("kent.MD", "expected a project file ending in '.md', found 'kent.MD'; rename it to 'kent.md'"),
    ("con.md", "expected a file name that works on every computer, found 'con.md', a reserved name on Windows; "
               "rename it to 'con-project.md'"),
    ("lpt1.md", "expected a file name that works on every computer, found 'lpt1.md', a reserved name on Windows; "
                "rename it to 'lpt1-project.md'"),
    ("a" * 81 + ".md", f"expected a file name of at most 80 characters before '.md', found 81; rename it to '{'a' * 80}.md'"),
    (".DS_Store", "expected a project file ending in '.md', found '.DS_Store'; "
                  "delete it: it looks like a hidden, backup or system file, not a project"),
    ("kent.md~", "expected a project file ending in '.md', found 'kent.md~'; "
                 "delete it: it looks like a hidden, backup or system file, not a project"),
])
def test_bad_file_names_get_a_rename_hint(tmp_path: Path, name: str, message: str) -> None:
    root = make_catalogue(tmp_path, {"kent-joint-control-room": VALID_PROJECT, name: VALID_PROJECT})
    assert check(root) == (1, f"content/projects/{name}:1:1: error: {message}\n2 files checked: 1 error, 0 warnings\n")


def test_a_folder_among_the_projects(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path, None, {"content/projects/drafts/x.md": VALID_PROJECT})
    assert check(root) == (1, "content/projects/drafts:1:1: error: expected only project files here, found a folder; "
                              "move its files into content/projects/ itself\n1 file checked: 1 error, 0 warnings\n")


def test_a_file_name_at_the_length_limit_is_fine(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path, {"a" * 80: VALID_PROJECT})
    assert check(root) == (0, "1 file checked: 0 errors, 0 warnings\n")


# --- the registry ------------------------------------------------------------------------------------

def test_registry_errors_suggest_the_kind_and_region(tmp_path: Path) -> None:
    orgs = ORGANISATIONS.replace("  kind: police\n  regions: [south-east]\n  code: E23000032", "  kind: polce\n  regions: [south-est]\n  code: e23")
    root = make_catalogue(tmp_path, None, {"content/organisations.yaml": orgs})
    assert check(root) == (1, (
        "content/organisations.yaml:3:9: error: kent-police.kind: expected police, fire, ambulance, pcc, local-authority, health, "
        "rescue or other, found 'polce'; did you mean 'police'?\n"
        "content/organisations.yaml:4:13: error: kent-police.regions[0]: unknown region 'south-est'; did you mean 'south-east'?\n"
        "content/organisations.yaml:5:9: error: kent-police.code: expected 3 to 9 capital letters or digits, such as E23000032 or RYD, "
        "found 'e23'; see the field's description: ONS or NHS ODS code\n"
        # the project is not told that kent-police is unknown: its entry exists but has to be fixed first
        "content/projects/kent-joint-control-room.md:7:5: error: partners[0]: organisation 'kent-police' cannot be used until its "
        "entry in content/organisations.yaml is fixed; fix the problems reported for content/organisations.yaml first\n"
        "1 file checked: 4 errors, 0 warnings\n"))


def test_registry_that_is_missing_or_garbage(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path, None, {"content/organisations.yaml": "- just\n- a list\n", "schema/themes.yaml": "themes: here\n"})
    (root / "schema/barriers.yaml").unlink()
    # The project is not told that its organisations and theme are unknown: the registry files are the cause.
    assert check(root) == (1, (
        "content/organisations.yaml:1:1: error: expected organisation ids, each followed by its fields; start each entry with a line 'some-id:'\n"
        "schema/barriers.yaml:1:1: error: file is missing; create schema/barriers.yaml; see the contributor guide\n"
        "schema/themes.yaml:1:1: error: expected a list of terms; start each term with '- id: …'\n"
        "1 file checked: 3 errors, 0 warnings\n"))


# --- no input makes a traceback ----------------------------------------------------------------------

GARBAGE: list[str | bytes] = [
    "---\n---\nbody\n", "---\n---\n", "---\n[\n---\nbody\n", "---\n: x\n---\nbody\n", "---\n? \n---\nbody\n",
    '---\n"\\\n---\nbody\n', "---\n- - - -\n---\nbody\n", "---\n{{{{}}}}\n---\nbody\n", "---\n&a\n---\nbody\n",
    "---\n*a\n---\nbody\n", "---\n!x\n---\nbody\n", "---\n%YAML 1.2\n---\nbody\n", "---\ntitle: x\n--- y: z\n---\nbody\n",
    "---\ntitle: [a, {b: c}]\nsummary: {a: [b]}\npartners: {kent-police: x}\nthemes: {}\n---\nbody\n",
    "---\nlast_reviewed: 2026-02-30\nstarted: 0000\nended: 9999-99\n---\nbody\n",
    "---\nfunding: [[[]]]\nlinks: [{}]\ncontact: []\nevaluation: [kind]\n---\nbody\n",
    "---\n" + "[" * 5000 + "\n---\nbody\n", "---\n" + "- " * 3000 + "x\n---\nbody\n",
    "---\n" + "a: " * 2000 + "x\n---\nbody\n", "\ufeff", "\r\n\r\n", "---", "---\r", "\x85---\n",
    b"\x00\x01\x02", bytes(range(256)), b"---\n\xed\xa0\x80\n---\nbody\n", "---\ntitle: \ud800\n---\nbody\n".encode("utf-8", "surrogatepass"),
]


@pytest.mark.parametrize("content", GARBAGE, ids=range(len(GARBAGE)))
def test_garbage_never_causes_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | bytes) -> None:
    root = make_catalogue(tmp_path, {"garbage": content})
    code, out = check(root)
    assert code == 1, out
    assert capsys.readouterr().err == ""
    *lines, summary = out.splitlines()
    assert lines and all(LINE.match(line) for line in lines), out
    assert SUMMARY.match(summary)


def mutations(seed: int, count: int) -> Iterator[bytes]:
    """Deterministic random edits of a valid project: deleted, repeated, swapped and replaced pieces."""
    rng = random.Random(seed)
    base = project(add="funding:\n  - source: Home Office\n    amount_gbp: 100\n    year: 2016\n"
                       "contact:\n  role: Control room manager\n  email: control@example.police.uk\n").encode("utf-8")
    pieces = [b":", b" ", b"\n", b"-", b"  ", b"'", b'"', b"[", b"]", b"{", b"}", b"#", b"&a", b"*a", b"!!", b"<<: x\n",
              b"\t", b"\r", b"\xc3", b"\xe2\x80\xae", b"---\n", b"...\n", b"? ", b"|\n", b">-\n", b"\x00", b"%"]
    for _ in range(count):
        data = bytearray(base)
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(data))
            action = rng.randrange(4)
            if action == 0:
                del data[at: at + rng.randint(1, 20)]
            elif action == 1:
                data[at:at] = rng.choice(pieces)
            elif action == 2:
                other = rng.randrange(len(data))
                data[at:at] = data[other: other + rng.randint(1, 30)]
            else:
                data[at: at + 1] = rng.choice(pieces)
        yield bytes(data)


def test_random_edits_of_a_valid_file_never_cause_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files: dict[str, str | bytes] = {f"mutant-{i:03d}": data for i, data in enumerate(mutations(seed=2026, count=300))}
    root = make_catalogue(tmp_path, files)
    code, out = check(root)
    assert code in (0, 1)
    assert capsys.readouterr().err == ""
    *lines, summary = out.splitlines()
    assert summary.startswith("300 files checked: ")
    for line in lines:
        match = LINE.match(line)
        assert match, line
        assert match["rest"].count("; ") >= 1, f"no hint: {line}"


# --- rules with dates ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("last_reviewed", "output"), [
    ("2026-06-01", ""),  # today
    ("2024-12-02", ""),  # 17 months and 30 days ago
    ("2024-12-01", "content/projects/p.md:11:16: warning: last_reviewed: expected a review in the last 18 months, found 2024-12-01; "
                   "check the entry is still right, then set last_reviewed to today's date\n"),
    ("2026-06-02", "content/projects/p.md:11:16: error: last_reviewed: expected a date no later than today (2026-06-01), "
                   "found '2026-06-02'; give the date you last checked the entry\n"),
])
def test_review_date_limits(tmp_path: Path, last_reviewed: str, output: str) -> None:
    root = make_catalogue(tmp_path, {"p": project(("last_reviewed: 2026-01-15", f"last_reviewed: {last_reviewed}"))})
    errors, warnings = output.count(": error: "), output.count(": warning: ")
    summary = f"1 file checked: {errors} error{'' if errors == 1 else 's'}, {warnings} warning{'' if warnings == 1 else 's'}\n"
    assert check(root) == (int(bool(errors)), output + summary)


@pytest.mark.parametrize(("started", "ended", "ok"), [
    ("2012-04", "2012", True),  # compared at the precision both share
    ("2012", "2012-01-01", True),
    ("2012-04-10", "2012-04-10", True),
    ("2012-04-10", "2012-04-09", False),
    ("2012-04", "2012-03-31", False),
    ("2012", "2011-12", False),
])
def test_ended_is_compared_with_started_at_the_precision_both_share(tmp_path: Path, started: str, ended: str, ok: bool) -> None:
    text = project(("status: operational", "status: discontinued"), ("started: 2012-04", f"started: {started}"), add=f"ended: {ended}\n")
    code, out = check(make_catalogue(tmp_path, {"p": text}))
    if ok:
        assert (code, out) == (0, "1 file checked: 0 errors, 0 warnings\n")
    else:
        assert (code, out) == (1, f"content/projects/p.md:15:8: error: ended: expected a date no earlier than started ({started}), "
                                  f"found '{ended}'; check both dates\n1 file checked: 1 error, 0 warnings\n")


def test_a_discontinued_project_without_an_end_date_is_a_warning(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path, {"p": project(("status: operational", "status: discontinued"))})
    assert check(root) == (0, "content/projects/p.md:4:9: warning: status: expected an 'ended' date as the status is 'discontinued', "
                              "found none; add a line 'ended: YYYY-MM' saying when it finished\n1 file checked: 0 errors, 1 warning\n")


def test_a_badly_formed_organisation_id_gets_a_rewrite(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path)
    registry = root / "content/organisations.yaml"
    registry.write_text(registry.read_text(encoding="utf-8") + "Bad_Id:\n  name: Bad Org\n  kind: other\n  regions: [south-east]\n",
                        encoding="utf-8")
    code, out = run_cli("check", "--root", str(root))
    assert code == 1
    assert "content/organisations.yaml:" in out and "write 'bad-id'" in out


def test_rules_across_fields_still_run_when_another_field_is_invalid(tmp_path: Path) -> None:
    """Every problem in one run: a bad status does not hide a stale review or a date out of order."""
    text = (VALID_PROJECT.replace("status: operational", "status: operatonal")
            .replace("started: 2012-04", "started: 2012-04\nended: 2011")
            .replace("last_reviewed: 2026-01-15", "last_reviewed: 2020-01-15"))
    root = make_catalogue(tmp_path, {"kent-joint-control-room": text})
    code, out = run_cli("check", "--root", str(root))
    assert code == 1
    lines = out.splitlines()
    assert [line.split(": ")[2] for line in lines[:-1]] == ["status", "ended", "last_reviewed"], out
    assert lines[-1] == "1 file checked: 2 errors, 1 warning"


def test_rules_that_involve_an_invalid_field_are_skipped(tmp_path: Path) -> None:
    """An unknown lead is reported once, not again as 'no blue-light organisation'."""
    root = make_catalogue(tmp_path, {"kent-joint-control-room": VALID_PROJECT.replace(
        "lead: kent-fire-and-rescue-service", "lead: kent-fire")})
    code, out = run_cli("check", "--root", str(root))
    assert code == 1
    assert out.count("error:") == 1 and "lead: " in out


def test_check_path_compares_titles_with_the_files_not_named(tmp_path: Path) -> None:
    """A named file is compared with every other file's title, even one that is itself invalid."""
    other = project(("status: operational", "status: live"))  # invalid status, same title
    root = make_catalogue(tmp_path, {"kent-joint-control-room": VALID_PROJECT, "other-file": other})
    expected = ("content/projects/other-file.md:2:8: error: title: expected a title no other project uses, found the title "
                "of content/projects/kent-joint-control-room.md; make the title say what is different about this project")
    code, out = check(root, "content/projects/other-file.md")
    assert code == 1 and expected in out.splitlines()
    code, out = check(root)  # the full check reports it too, beside the bad status
    assert code == 1 and expected in out.splitlines() and "status: expected" in out
