"""Inputs that multiply errors or their cost: a registry that cannot be read, 10,000 unknown ids, a 200 KB key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from site_builder.diagnostics.report import quote, shorten
from site_builder.model import project as models
from site_builder.model.project import ProjectFrontMatter, describe
from tests.helpers import ORGANISATIONS, REGIONS, THEMES, VALID_PROJECT, make_catalogue, pin_today, run_cli
from tests.test_check import TODAY, project

# A second project that uses organisations and the theme too, with a mistake of its own and the first one's title.
OTHER = project(("status: operational", "status: operatonal"), ("  - kent-police\n", "  - merseyside-police\n  - kent-police\n"))
OTHER_PROBLEMS = (
    "content/projects/other.md:2:8: error: title: expected a title no other project uses, found the title of "
    "content/projects/kent-joint-control-room.md; make the title say what is different about this project\n"
    "content/projects/other.md:4:9: error: status: expected proposed, in-development, pilot, operational, completed or "
    "discontinued, found 'operatonal'; did you mean 'operational'?\n")


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch: pytest.MonkeyPatch) -> None:
    pin_today(monkeypatch, TODAY)


def check(root: Path) -> tuple[int, str]:
    return run_cli("check", "--root", str(root))


# --- a registry file that cannot be read: its cause once, no project blamed ----------------------------

@pytest.mark.parametrize(("extra", "cause"), [
    ({"content/organisations.yaml": ORGANISATIONS + "kent-police:\n  name: Kent Police again\n  kind: police\n  regions: [south-east]\n"},
     "content/organisations.yaml:28:1: error: kent-police: duplicate key 'kent-police' (first given on line 1); "
     "keep one of them and delete the other\n"),
    ({"content/organisations.yaml": "# nothing here yet\n"},
     "content/organisations.yaml:1:1: error: expected organisation ids, each followed by its fields; "
     "start each entry with a line 'some-id:'\n"),
    ({"schema/themes.yaml": THEMES + "- id: control-rooms\n  id: again\n"},
     "schema/themes.yaml:8:3: error: [2].id: duplicate key 'id' (first given on line 7); keep one of them and delete the other\n"),
    # the organisations' regions cannot be checked either, and the organisations still load
    ({"schema/regions.yaml": REGIONS + "- id: [\n"},
     "schema/regions.yaml:11:1: error: syntax error: expected a value, found a symbol that cannot start one; "
     "put the value in quotes if it starts with a symbol such as ',', '[' or '-'\n"),
])
def test_a_registry_file_that_cannot_be_read_is_reported_once_and_no_project_is_blamed(
        tmp_path: Path, extra: dict[str, str | bytes], cause: str) -> None:
    """Each project's own problems, and the checks across projects, are still reported."""
    root = make_catalogue(tmp_path, {"kent-joint-control-room": VALID_PROJECT, "other": OTHER}, extra)
    problems = [cause, *OTHER_PROBLEMS.splitlines(keepends=True)]
    assert check(root) == (1, "".join(sorted(problems)) + "2 files checked: 3 errors, 0 warnings\n")


def test_a_readable_registry_still_blames_unknown_ids(tmp_path: Path) -> None:
    """The control for the test above: the same projects against a registry without kent-police."""
    orgs = ORGANISATIONS.replace("kent-police:\n", "kent-constabulary:\n")
    root = make_catalogue(tmp_path, {"kent-joint-control-room": VALID_PROJECT, "other": OTHER}, {"content/organisations.yaml": orgs})
    code, out = check(root)
    assert code == 1
    assert out.count("unknown organisation 'kent-police'") == 2


# --- 10,000 unknown partners -------------------------------------------------------------------------------

def test_ten_thousand_unknown_partners_list_ten_and_work_out_ten_suggestions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The did-you-mean for each unknown id was the cost (11.7 s for this file): it is worked out only for those listed."""
    worked_out: list[str] = []
    real = models.suggest_organisation

    def counted(found: object, organisations: dict[str, Any]) -> str:
        worked_out.append(str(found))
        return real(found, organisations)

    monkeypatch.setattr(models, "suggest_organisation", counted)
    partners = "".join(f"  - kent-polise-{i:05d}\n" for i in range(10_000))
    root = make_catalogue(tmp_path, {"many": project(("  - kent-police\n", partners))})
    code, out = check(root)
    lines = out.splitlines()
    assert code == 1
    assert lines[0] == ("content/projects/many.md:7:5: error: partners[0]: unknown organisation 'kent-polise-00000'; "
                        "if it is not in the registry yet, add it to content/organisations.yaml in the same pull request, "
                        "and check its kind and regions: kent-polise-00000: {name: Kent Polise 00000, kind: other, "
                        "regions: [south-east]}")
    assert [line.split(": ")[2] for line in lines[:10]] == [f"partners[{i}]" for i in range(10)]
    assert lines[10:] == [
        "content/projects/many.md:17:5: error: partners: 9,990 more unknown organisations from partners[10] on are not listed; "
        "fix those listed, then check again",
        "1 file checked: 11 errors, 0 warnings"]
    assert worked_out == [f"kent-polise-{i:05d}" for i in range(11)]  # ten listed, and one in case an eleventh is


def test_eleven_problems_in_a_field_are_all_listed(tmp_path: Path) -> None:
    """A summary line never stands in for a single problem."""
    partners = "".join(f"  - kent-polise-{i:02d}\n" for i in range(11))
    code, out = check(make_catalogue(tmp_path, {"p": project(("  - kent-police\n", partners))}))
    assert code == 1 and "more unknown" not in out
    assert out.endswith("content/projects/p.md:17:5: error: partners[10]: unknown organisation 'kent-polise-10'; "
                        "if it is not in the registry yet, add it to content/organisations.yaml in the same pull request, "
                        "and check its kind and regions: kent-polise-10: {name: Kent Polise 10, kind: other, "
                        "regions: [south-east]}\n1 file checked: 11 errors, 0 warnings\n")


# --- long values in messages ---------------------------------------------------------------------------------

def test_a_200_kb_key_is_shown_by_its_start_and_its_length(tmp_path: Path) -> None:
    key = "k" * 200_000
    root = make_catalogue(tmp_path, {"p": project(add=f"? {key}\n: x\n")})
    start = "k" * 60
    assert check(root) == (1, (
        f"content/projects/p.md:15:3: error: {start}…(200,000 characters): unknown field '{start}'…(200,000 characters); "
        f"allowed fields here: {', '.join(ProjectFrontMatter.model_fields)}\n1 file checked: 1 error, 0 warnings\n"))


def test_a_long_duplicate_key_is_cut_short(tmp_path: Path) -> None:
    key = "k" * 5000
    root = make_catalogue(tmp_path, {"p": project(add=f"? {key}\n: x\n? {key}\n: y\n")})
    start = "k" * 60
    assert check(root) == (1, (
        f"content/projects/p.md:17:3: error: {start}…(5,000 characters): duplicate key '{start}'…(5,000 characters) "
        "(first given on line 15); keep one of them and delete the other\n1 file checked: 1 error, 0 warnings\n"))


def test_a_long_alias_is_cut_short_in_a_rule_across_fields(tmp_path: Path) -> None:
    alias = "-".join(["old"] * 5000)
    text = project(add=f"aliases:\n  - {alias}\n  - {alias}\n")
    code, out = check(make_catalogue(tmp_path, {"p": text}))
    assert code == 1
    assert out == (f"content/projects/p.md:17:5: error: aliases[1]: expected each alias once, found {quote(alias)} again; "
                   "remove the repeat\n1 file checked: 1 error, 0 warnings\n")
    assert len(out) < 300


@pytest.mark.parametrize(("text", "shown"), [
    ("a" * 60, "a" * 60),
    ("a" * 61, "a" * 60 + "…(61 characters)"),
    ("é" * 200_000, "é" * 60 + "…(200,000 characters)"),
])
def test_shorten_and_quote(text: str, shown: str) -> None:
    assert shorten(text) == shown
    head, _, tail = shown.partition("…")
    assert quote(text) == repr(head) + (f"…{tail}" if tail else "")
    assert describe(text) == quote(text)


def test_quote_makes_invisible_characters_visible() -> None:
    assert quote("Kent\u200bPolice\x01") == "'Kent\\u200bPolice\\x01'"
