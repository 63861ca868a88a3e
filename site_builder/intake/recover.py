"""Reading front matter so that every syntax error in it is reported in one run, where YAML allows it.

libyaml stops at the first syntax error. After one, each later top-level field (a line starting at
column 1) is read again on its own, so a second broken field elsewhere in the file is reported too.
"""

from __future__ import annotations

import re
from typing import Any

from site_builder.diagnostics import Diagnostic
from site_builder.strict_yaml import SourceMap, YamlProblem, read_strict_yaml

_TOP_LEVEL = re.compile(r"[^\s#\-]")


def _diagnostic(rel: str, problem: YamlProblem) -> Diagnostic:
    return Diagnostic(rel, problem.position.line, problem.position.col, "error", problem.field, problem.message, problem.hint)


def _is_syntax(problem: YamlProblem) -> bool:
    return problem.message.startswith("syntax error")


def top_level_starts(lines: list[str]) -> list[int]:
    """Indexes of the lines that start a top-level field."""
    return [index for index, line in enumerate(lines) if _TOP_LEVEL.match(line)]


def read_with_recovery(text: str, first_line: int, rel: str) -> tuple[Any, SourceMap, list[Diagnostic]]:
    """:func:`read_strict_yaml` with every recoverable syntax error, as diagnostics for ``rel``."""
    data, source, problems = read_strict_yaml(text, first_line)
    syntax = [p for p in problems if _is_syntax(p)]
    if not syntax:
        return data, source, [_diagnostic(rel, p) for p in problems]
    lines = text.split("\n")
    starts = top_level_starts(lines)
    failed_at = syntax[0].position.line - first_line
    later = [index for index in starts if index > failed_at]
    # The field holding the first error may run on past that line: read again only from the next field that starts after it.
    found = list(problems)
    for number, start in enumerate(later):
        end = later[number + 1] if number + 1 < len(later) else len(lines)
        chunk = "\n".join(lines[start:end]) + "\n"
        found += [p for p in read_strict_yaml(chunk, first_line + start)[2] if _is_syntax(p)]
    return None, source, [_diagnostic(rel, p) for p in found]
