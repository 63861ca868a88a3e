"""Reading front matter so that every syntax error in it is reported in one run, where YAML allows it.

libyaml stops at the first syntax error. After one, each later top-level field (a line starting at
column 1) is read again on its own, so a second broken field elsewhere in the file is reported too.
"""

from __future__ import annotations

import re

from site_builder.text.strict_yaml import YamlProblem, read_strict_yaml

_TOP_LEVEL = re.compile(r"[^\s#\-]")


def _is_syntax(problem: YamlProblem) -> bool:
    return problem.message.startswith("syntax error")


def top_level_starts(lines: list[str]) -> list[int]:
    """Indexes of the lines that start a top-level field."""
    return [index for index, line in enumerate(lines) if _TOP_LEVEL.match(line)]


def later_syntax_errors(text: str, first_line: int, problems: list[YamlProblem]) -> list[YamlProblem]:
    """The syntax errors after the first one in ``problems``, found by reading each later top-level field alone."""
    syntax = [p for p in problems if _is_syntax(p)]
    if not syntax:
        return []
    lines = text.split("\n")
    failed_at = syntax[0].position.line - first_line
    later = [index for index in top_level_starts(lines) if index > failed_at]
    # The field holding the first error may run on past that line: read again only from the next field that starts after it.
    found: list[YamlProblem] = []
    for number, start in enumerate(later):
        end = later[number + 1] if number + 1 < len(later) else len(lines)
        chunk = "\n".join(lines[start:end]) + "\n"
        found += [p for p in read_strict_yaml(chunk, first_line + start)[2] if _is_syntax(p)]
    return found
