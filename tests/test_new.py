"""``catalogue new``: the terminal questionnaire, driven by flags (no terminal) and by a scripted asker."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from site_builder.intake.interactive import run_new
from site_builder.intake.labels import Question, add_new_arguments
from tests.helpers import real_registry_catalogue, run_cli

FLAGS = ["--title", "Hampshire joint fire and police station", "--summary", "Hampshire fire and police share one station in Alton.",
         "--status", "operational", "--lead", "Hampshire and Isle of Wight Fire and Rescue Service",
         "--partners", "hampshire-constabulary", "--themes", "shared-estates", "--last-reviewed", "2026-01-15",
         "--funding-1-source", "Home Office", "--funding-1-amount-gbp", "250000",
         "--links", "Press release https://www.hantsfire.gov.uk/news", "--body", "The two services share a station."]


def test_flags_alone_write_a_valid_file(tmp_path: Path) -> None:
    root = real_registry_catalogue(tmp_path)
    code, out = run_cli("new", "--root", str(root), "--yes", *FLAGS)
    target = root / "content/projects/hampshire-joint-fire-and-police-station.md"
    assert (code, out) == (0, f"wrote {target}\n")
    assert run_cli("check", "--root", str(root)) == (0, "1 file checked: 0 errors, 0 warnings\n")
    assert target.read_text(encoding="utf-8") == (
        "---\ntitle: Hampshire joint fire and police station\nsummary: Hampshire fire and police share one station in Alton.\n"
        "status: operational\nlead: hampshire-and-isle-of-wight-fire-and-rescue-service\npartners:\n  - hampshire-constabulary\n"
        "themes:\n  - shared-estates\nfunding:\n  - source: Home Office\n    amount_gbp: 250000\nlinks:\n  - title: Press release\n"
        "    url: https://www.hantsfire.gov.uk/news\nlast_reviewed: 2026-01-15\n---\nThe two services share a station.\n")


def test_missing_required_flags_without_a_terminal_are_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = real_registry_catalogue(tmp_path)
    code, out = run_cli("new", "--root", str(root), "--yes", "--title", "Hampshire joint fire and police station")
    assert (code, out) == (2, "")
    assert capsys.readouterr().err == ("catalogue: error: missing required answers: --summary, --status, --lead, --partners, "
                                       "--themes, --last-reviewed, --body (run in a terminal to be asked, or give these flags)\n")
    assert list((root / "content/projects").iterdir()) == []


def test_a_fuzzy_organisation_name_is_only_suggested_never_accepted(tmp_path: Path) -> None:
    root = real_registry_catalogue(tmp_path)
    flags = [*FLAGS[:7], "hants fire", *FLAGS[8:]]
    code, out = run_cli("new", "--root", str(root), "--yes", *flags)
    assert code == 1
    assert out.splitlines()[0] == (
        "--lead (\"Which organisation leads the project?\"): expected an organisation in the registry, found 'hants fire'; "
        "did you mean 'hampshire-and-isle-of-wight-fire-and-rescue-service' (Hampshire and Isle of Wight Fire and Rescue Service), "
        "'hampshire-fire-and-rescue-service' (Hampshire Fire and Rescue Service), "
        "'hampshire-constabulary' (Hampshire and Isle of Wight Constabulary)? "
        "Give its id")
    assert list((root / "content/projects").iterdir()) == []


def test_the_questionnaire_offers_fuzzy_matches_and_asks_again_what_was_wrong(tmp_path: Path) -> None:
    root = real_registry_catalogue(tmp_path)
    script: dict[str, list[Any]] = {
        "title": ["Hants fire and police station"], "summary": ["Too short", "Hampshire fire and police share one station in Alton."],
        "status": ["Operational"], "lead": ["hants fire"], "partners": [["hampshire constabulary"]], "themes": [["Shared estates"]],
        "last_reviewed": ["2026-01-15"], "body": ["The two services share a station."]}
    asked: list[tuple[str, tuple[str, ...]]] = []

    def ask(question: Question, suggestions: list[str]) -> Any:
        asked.append((question.id, tuple(suggestions)))
        if suggestions:
            return suggestions[0]
        answers = script.get(question.id)
        return answers.pop(0) if answers else None

    parser = argparse.ArgumentParser()
    add_new_arguments(parser)
    outcome = run_new(root, parser.parse_args([]), interactive=True, ask=ask)
    assert outcome.written == root / "content/projects/hants-fire-and-police-station.md"
    offered = [suggestions for question, suggestions in asked if question == "lead" and suggestions]
    assert offered[0][:2] == ("hampshire-and-isle-of-wight-fire-and-rescue-service", "hampshire-fire-and-rescue-service")
    assert [q for q, _ in asked].count("summary") == 2  # asked again after 'Too short' failed
    assert run_cli("check", "--root", str(root))[0] == 0
