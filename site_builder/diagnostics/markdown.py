"""``catalogue check --format markdown``: every problem, per file, with its fix, for a sticky pull-request comment.

GitHub shows at most 10 annotations per step, so this comment is the full list. It starts with a
hidden marker, so that the workflow finds and updates its own comment instead of adding another.
"""

from __future__ import annotations

from itertools import groupby

from site_builder.diagnostics.report import Diagnostic, Report

MARKER = "<!-- catalogue-check -->"
MAX_CHARS = 60_000  # a GitHub comment holds 65,536 characters


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell: no pipes, no line breaks, no HTML or mentions."""
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
            .replace("@", "@\u200b").replace("\n", " ").replace("`", "'"))


def _row(d: Diagnostic) -> str:
    what = f"`{_cell(d.field)}`: " if d.field else ""
    return f"| {d.line}:{d.col} | {d.severity} | {what}{_cell(d.message)} | {_cell(d.hint)} |"


def render_markdown(report: Report, strict: bool = False, site_link: str = "") -> str:
    """The report as a Markdown comment: a verdict, then a table of problems per file."""
    found = report.sorted(strict)
    errors = sum(1 for d in found if d.severity == "error")
    lines = [MARKER]
    if not found:
        lines.append(f"### ✅ The catalogue checks passed\n\n{report.summary(strict)}.")
    else:
        verdict = "needs changes before it can be published" if errors else "has warnings to look at"
        lines += [f"### ❌ This pull request {verdict}", "",
                  f"{report.summary(strict)}. Each problem is listed below with what to write instead; "
                  "fix them in the files named and push again, and this comment updates itself."]
        for path, group in groupby(found, key=lambda d: d.path):
            items = list(group)
            lines += ["", f"#### `{_cell(path)}` ({len(items)} problem{'' if len(items) == 1 else 's'})", "",
                      "| line:col | severity | problem | fix |", "|---|---|---|---|", *map(_row, items)]
    if site_link:
        lines += ["", f"The built site is attached to this run as an artifact: {site_link}"]
    text = "\n".join(lines) + "\n"
    if len(text) > MAX_CHARS:
        text = text[:MAX_CHARS].rsplit("\n", 1)[0] + "\n\n…and more: run `catalogue check` for the full list.\n"
    return text
