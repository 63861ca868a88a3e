"""``catalogue check --format markdown``: the sticky pull-request comment."""

from __future__ import annotations

from pathlib import Path

from site_builder.diagnostics.markdown import MARKER, render_markdown
from site_builder.diagnostics.report import Diagnostic, Report
from tests.helpers import VALID_PROJECT, make_catalogue, run_cli


def test_a_clean_catalogue_says_so(tmp_path: Path) -> None:
    code, out = run_cli("check", "--root", str(make_catalogue(tmp_path)), "--format", "markdown")
    assert (code, out) == (0, f"{MARKER}\n### ✅ The catalogue checks passed\n\n1 file checked: 0 errors, 0 warnings.\n")


def test_every_problem_is_listed_per_file_with_its_fix(tmp_path: Path) -> None:
    bad = VALID_PROJECT.replace("status: operational", "status: operatonal").replace("kent-police\n", "kent-polise\n")
    root = make_catalogue(tmp_path, {"kent-joint-control-room": bad})
    code, out = run_cli("check", "--root", str(root), "--format", "markdown", "--strict")
    assert code == 1
    assert out == (
        f"{MARKER}\n### ❌ This pull request needs changes before it can be published\n\n"
        "1 file checked: 2 errors, 0 warnings. Each problem is listed below with what to write instead; fix them in the "
        "files named and push again, and this comment updates itself.\n\n"
        "#### `content/projects/kent-joint-control-room.md` (2 problems)\n\n"
        "| line:col | severity | problem | fix |\n|---|---|---|---|\n"
        "| 4:9 | error | `status`: expected proposed, in-development, pilot, operational, completed or discontinued, "
        "found 'operatonal' | did you mean 'operational'? |\n"
        "| 7:5 | error | `partners[0]`: unknown organisation 'kent-polise' | did you mean 'kent-police'? |\n")


def test_strict_turns_warnings_into_errors_and_text_cannot_break_the_table() -> None:
    report = Report([Diagnostic("a.md", 1, 1, "warning", "title", "found 'a | b' <script> @someone", "fix")], 1)
    out = render_markdown(report, strict=True)
    assert "| 1:1 | error | `title`: found 'a \\| b' &lt;script&gt; @\u200bsomeone | fix |" in out
    assert render_markdown(report).splitlines()[1] == "### ❌ This pull request has warnings to look at"
