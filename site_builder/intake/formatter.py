"""``catalogue fmt``: rewrite project files in the canonical layout, keeping their comments.

The front matter is read twice: by the strict reader, whose strings decide every value, and by
ruamel.yaml's round-trip loader, which keeps the comments. The canonical writer then puts fields in
schema order with one quoting rule, so two people's edits to a file produce small diffs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ruamel.yaml.error import YAMLError

from site_builder.diagnostics.report import Diagnostic
from site_builder.intake.writer import new_yaml, project_text
from site_builder.text.source_file import decode_text, split_front_matter
from site_builder.text.strict_yaml import read_strict_yaml


def format_text(text: str, rel: str) -> tuple[str | None, list[Diagnostic]]:
    """``text`` (decoded, LF line endings) in canonical form, or ``None`` and why it cannot be formatted."""
    split, problems = split_front_matter(text, rel)
    if split is None:
        return None, problems
    data, source, yaml_problems = read_strict_yaml(split.front_matter, split.front_matter_line)
    if yaml_problems or not isinstance(data, dict):
        pos = yaml_problems[0].position if yaml_problems else source.value(())
        return None, [Diagnostic(rel, pos.line, pos.col, "error", "", "cannot format a file whose fields cannot be read",
                                 "run 'catalogue check' on it and fix the errors it reports first")]
    try:
        node = new_yaml().load(split.front_matter)
    except YAMLError as exc:  # pragma: no cover - the strict reader has already refused what ruamel.yaml would
        return None, [Diagnostic(rel, split.front_matter_line, 1, "error", "", f"cannot format this file: {exc}",
                                 "run 'catalogue check' on it and fix the errors it reports first")]
    return project_text(data, split.body, node), []


@dataclass
class FormatResult:
    """What ``fmt`` did (or, with ``--check``, would do) to each file."""

    changed: list[str] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    checked: int = 0


def format_files(root: Path, rels: list[str], write: bool) -> FormatResult:
    """Format each file (catalogue-relative paths), writing the result only if ``write``."""
    result = FormatResult()
    for rel in rels:
        result.checked += 1
        raw = (root / rel).read_bytes()
        text, problems = decode_text(raw, rel)
        formatted, more = format_text(text, rel) if text is not None else (None, [])
        result.problems += problems + more
        if formatted is None:
            continue
        new = formatted.encode("utf-8")
        if new != raw:
            result.changed.append(rel)
            if write:
                (root / rel).write_bytes(new)
    return result


def render_format_result(result: FormatResult, check: bool) -> str:
    """What ``fmt`` prints: one line per file changed (or to change) and per problem, then a summary."""
    verb = "would reformat" if check else "formatted"
    lines = [d.text() for d in sorted(result.problems)] + [f"{verb}: {rel}" for rel in result.changed]
    files = "file" if result.checked == 1 else "files"
    lines.append(f"{result.checked} {files} checked: {len(result.changed)} {'to reformat' if check else 'reformatted'}"
                 + (f", {len(result.problems)} could not be read" if result.problems else ""))
    if check and result.changed:
        lines.append("run 'catalogue fmt' (or 'make fmt') and commit the result")
    return "\n".join(lines) + "\n"
