"""``catalogue fmt``: canonical layout, comments kept, idempotent, and never a change of meaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.catalogue.parse import parse_project_text
from site_builder.catalogue.registry import load_registry
from site_builder.intake.formatter import format_text
from tests.helpers import VALID_PROJECT, make_catalogue, run_cli

REPO = Path(__file__).resolve().parent.parent
SITE = REPO / "tests" / "fixtures" / "site"
# The helper project in canonical form: links come before last_reviewed in the schema.
TIDY = VALID_PROJECT.replace("last_reviewed: 2026-01-15\n", "").replace("---\nThe fire", "last_reviewed: 2026-01-15\n---\nThe fire")
SHIPPED = sorted((REPO / "content" / "projects").glob("*.md")) + sorted((SITE / "content" / "projects").glob("*.md"))


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_formatting_is_idempotent_and_keeps_every_value(path: Path) -> None:
    root = REPO if path.is_relative_to(REPO / "content") else SITE
    registry, problems = load_registry(root)
    assert problems == []
    text = path.read_text(encoding="utf-8")
    once, problems = format_text(text, path.name)
    assert problems == [] and once is not None
    assert format_text(once, path.name) == (once, [])
    before, _ = parse_project_text(text, f"content/projects/{path.name}", registry)
    after, _ = parse_project_text(once, f"content/projects/{path.name}", registry)
    assert before is not None and after is not None
    assert (after.meta, after.body) == (before.meta, before.body)


MESSY = """\
---
# A comment at the top
themes: [control-rooms]   # flow style becomes a block list
title: 'Kent joint control room'
lead: kent-fire-and-rescue-service
summary: Kent Fire and Rescue Service moved its control room
  into Kent Police headquarters.
# a comment before status
status: "operational"
partners:
- kent-police  # the force
last_reviewed: 2026-01-15
benefits:
  - yes
  - 012
  - '1:30 faster'
links:
  - url: https://www.kent.police.uk
    title: "Kent Police: home page"
---
The body is left exactly as it was.
"""

FORMATTED = """\
---
# A comment at the top
title: Kent joint control room
summary: Kent Fire and Rescue Service moved its control room into Kent Police headquarters.
# a comment before status
status: operational
lead: kent-fire-and-rescue-service
partners:
  - kent-police # the force
themes:                   # flow style becomes a block list
  - control-rooms
benefits:
  - yes
  - 012
  - 1:30 faster
links:
  - title: "Kent Police: home page"
    url: https://www.kent.police.uk
last_reviewed: 2026-01-15
---
The body is left exactly as it was.
"""


def test_canonical_order_quoting_and_lists_with_comments_kept() -> None:
    formatted, problems = format_text(MESSY, "x.md")
    assert problems == []
    assert formatted == FORMATTED


def test_fmt_check_lists_files_to_change_and_fmt_writes_them(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path, {"kent-joint-control-room": MESSY, "tidy": TIDY.replace("Kent joint", "Tidy Kent joint")})
    code, out = run_cli("fmt", "--check", "--root", str(root))
    assert (code, out) == (1, "would reformat: content/projects/kent-joint-control-room.md\n"
                              "2 files checked: 1 to reformat\nrun 'catalogue fmt' (or 'make fmt') and commit the result\n")
    assert (root / "content/projects/kent-joint-control-room.md").read_text(encoding="utf-8") == MESSY
    assert run_cli("fmt", "--root", str(root)) == (0, "formatted: content/projects/kent-joint-control-room.md\n"
                                                      "2 files checked: 1 reformatted\n")
    assert (root / "content/projects/kent-joint-control-room.md").read_text(encoding="utf-8") == FORMATTED
    assert run_cli("fmt", "--check", "--root", str(root)) == (0, "2 files checked: 0 to reformat\n")


def test_windows_line_endings_and_a_byte_order_mark_are_normalised(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path, {"kent-joint-control-room": b"\xef\xbb\xbf" + TIDY.replace("\n", "\r\n").encode()})
    assert run_cli("fmt", "--root", str(root))[0] == 0
    assert (root / "content/projects/kent-joint-control-room.md").read_bytes() == TIDY.encode()


def test_a_file_that_cannot_be_read_is_reported_and_left_alone(tmp_path: Path) -> None:
    broken = VALID_PROJECT.replace("title: Kent joint control room", "title: Fire control: a review")
    root = make_catalogue(tmp_path, {"kent-joint-control-room": broken})
    code, out = run_cli("fmt", "--root", str(root))
    assert (code, out) == (1, "content/projects/kent-joint-control-room.md:2:20: error: cannot format a file whose fields cannot "
                              "be read; run 'catalogue check' on it and fix the errors it reports first\n"
                              "1 file checked: 0 reformatted, 1 could not be read\n")
    assert (root / "content/projects/kent-joint-control-room.md").read_text(encoding="utf-8") == broken
