"""Lints that the fixtures in tests/fixtures/invalid/ do not cover on their own."""

from __future__ import annotations

from pathlib import Path

from site_builder.catalogue.lints import _looks_like_a_name, _looks_personal_email, repair_text
from site_builder.catalogue.load import load_catalogue
from tests.helpers import VALID_PROJECT, make_catalogue, run_cli


def test_a_project_saved_in_the_repository_root_is_an_error(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path, extra={"My Project.md": VALID_PROJECT, "NOTES.md": "# just notes\n"})
    code, out = run_cli("check", "--root", str(root))
    assert code == 1
    assert out.splitlines()[0] == ("My Project.md:1:1: error: expected project files in content/projects/, found one here, "
                                   "where it is never published; move it to content/projects/my-project.md")
    assert out.splitlines()[-1] == "2 files checked: 1 error, 0 warnings"


def test_a_value_cut_at_a_comment_warns_but_the_project_is_still_published(tmp_path: Path) -> None:
    text = VALID_PROJECT.replace("title: Kent joint control room", "title: Kent joint control room # two")
    catalogue, report = load_catalogue(make_catalogue(tmp_path, {"kent-joint-control-room": text}))
    assert [d.severity for d in report.diagnostics] == ["warning"]
    assert [p.slug for p in catalogue.projects] == ["kent-joint-control-room"]


def test_quoted_values_with_a_hash_are_fine(tmp_path: Path) -> None:
    text = VALID_PROJECT.replace("title: Kent joint control room", 'title: "Kent joint control room #2"')
    assert run_cli("check", "--root", str(make_catalogue(tmp_path, {"kent-joint-control-room": text}))) == (
        0, "1 file checked: 0 errors, 0 warnings\n")


def test_personal_looking_mailboxes_and_names() -> None:
    assert _looks_personal_email("jane.smith@kent.police.uk")
    assert _looks_personal_email("j.smith@kent.police.uk")
    assert not _looks_personal_email("control.room@kent.police.uk")
    assert not _looks_personal_email("collaboration@kent.police.uk")
    assert _looks_like_a_name("Jane Smith")
    assert _looks_like_a_name("Collaboration manager (Jane Smith)")
    assert _looks_like_a_name("Dr Patel")
    assert not _looks_like_a_name("Collaboration Programme Manager")
    assert not _looks_like_a_name("Head of Estates")


def test_a_dash_inside_text_is_not_a_list_marker() -> None:
    text = "summary: Fire and police – working together\nbenefits:\n  - one\n"
    assert repair_text(text, 2, "x.md") == (text, [])


def test_a_comment_after_an_id_or_a_date_is_not_a_cut_value(tmp_path: Path) -> None:
    text = VALID_PROJECT.replace("  - kent-police\n", "  - kent-police # the force\n").replace(
        "started: 2012-04", "started: 2012-04  # approximately")
    assert run_cli("check", "--root", str(make_catalogue(tmp_path, {"kent-joint-control-room": text}))) == (
        0, "1 file checked: 0 errors, 0 warnings\n")
