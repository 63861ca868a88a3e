"""``catalogue review``: the monthly report of entries not reviewed for 18 months, by lead organisation."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import VALID_PROJECT, make_catalogue, run_cli


def catalogue(tmp_path: Path, reviewed: dict[str, str]) -> Path:
    """One project per slug, each reviewed on the given date (all led by Kent Fire and Rescue Service)."""
    files: dict[str, str | bytes] = {}
    for slug, day in reviewed.items():
        text = VALID_PROJECT.replace("title: Kent joint control room", f"title: Kent {slug.replace('-', ' ')}")
        files[slug] = "\n".join(f"last_reviewed: {day}" if line.startswith("last_reviewed:") else line for line in text.split("\n"))
    return make_catalogue(tmp_path, files)


def test_the_report_lists_overdue_entries_by_lead_organisation_oldest_first(tmp_path: Path) -> None:
    root = catalogue(tmp_path, {"fresh-room": "2026-05-01", "old-room": "2024-11-30", "older-room": "2023-02-01"})
    code, out = run_cli("review", "--root", str(root), "--today", "2026-06-01")
    assert code == 0
    assert out == (
        "<!-- catalogue-review -->\n"
        "# Entries not reviewed for 18 months or more\n\n"
        "As of 2026-06-01: 2 of 3 entries, from 1 lead organisation.\n\n"
        "## Kent Fire and Rescue Service\n\n"
        "- [ ] `content/projects/older-room.md`: Kent older room (last reviewed 2023-02-01, 40 months ago)\n"
        "- [ ] `content/projects/old-room.md`: Kent old room (last reviewed 2024-11-30, 18 months ago)\n\n"
        "To review an entry, check its facts and sources, then set `last_reviewed` to the day you checked it.\n")


def test_the_boundary_is_whole_months_and_the_limit_can_change(tmp_path: Path) -> None:
    root = catalogue(tmp_path, {"edge-room": "2024-12-02"})
    assert "Nothing to do." in run_cli("review", "--root", str(root), "--today", "2026-06-01")[1]  # 17 months and 30 days
    code, out = run_cli("review", "--root", str(root), "--today", "2026-06-01", "--months", "6")
    assert code == 0 and "`content/projects/edge-room.md`" in out and "not reviewed for 6 months" in out


def test_bad_options_are_usage_errors(tmp_path: Path) -> None:
    root = catalogue(tmp_path, {"a-room": "2026-01-01"})
    assert run_cli("review", "--root", str(root), "--months", "0")[0] == 2
    assert run_cli("review", "--root", str(root), "--today", "June 2026")[0] == 2
