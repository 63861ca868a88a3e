"""A linear pre-scan of a project's Markdown body for what python-markdown cannot render in good time.

python-markdown's block parser takes one heading or line at a time from a block (the lines between two
blank lines) and joins the rest together again, and its inline parser rebuilds a paragraph's text after
each link or emphasis it finds: both cost the square of the block's size. Deep nesting (brackets, block
quotes, lists, long runs of ``*`` or ``_``) is also bounded, in ``markdown_bounds``, by rendering the
excess literally; this scan tells the contributor instead, so that a body ``check`` accepts renders as
written, and in time linear in its size.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_BRACKET_DEPTH = 8  # [ inside [ inside [ ... in link text; ( inside ( in a link address; the renderer keeps to it too


MAX_BLOCK_BYTES = 16 * 1024  # between two blank lines
MAX_NESTING = 8  # block quotes and lists, inside each other
MAX_DELIMITER_RUN = 12  # '*' or '_' in a row, outside a line of only those (a rule)
LIST_INDENT = 4

_BLANK = re.compile(r"[ \t]*\n")
_MARKER = re.compile(r">|[-*+]|[0-9]{1,9}[.)]")
_MARKERS = re.compile(r"([ \t]*)((?:(?:>|(?:[-*+]|[0-9]{1,9}[.)])(?=[ \t]))[ \t]*)+)")
_DELIMITER_RUN = re.compile(rf"\*{{{MAX_DELIMITER_RUN + 1},}}|_{{{MAX_DELIMITER_RUN + 1},}}")
_RULE_LINE = re.compile(r"[ \t]*(?:[-*_][ \t]*)+")
_BRACKET = re.compile(r"\\.|[\[\]]")


@dataclass(frozen=True)
class BodyProblem:
    """Where in the body (1-based line and column, counted from the body's first line) and what."""

    line: int
    col: int
    message: str
    hint: str


def scan_body(body: str) -> list[BodyProblem]:
    """The problems in ``body``, at most one of each kind (the first), in the order of the rules."""
    found: list[BodyProblem] = []
    for possible, rule in ((_may_have_big_block, _big_block), (_may_be_deep, _deep_nesting),
                           (_may_have_long_run, _long_run), (_may_nest_brackets, _deep_brackets)):
        if not possible(body):  # the usual case: a quick look at the whole body shows the rule cannot find anything
            continue
        problem = next(rule(body), None)
        if problem is not None:
            found.append(problem)
    return found


# Each ``_may_...`` test is true whenever its rule would find a problem (and, in an ordinary body, seldom otherwise).

def _may_have_big_block(body: str) -> bool:
    return len(body) > MAX_BLOCK_BYTES // 4 and len(body.encode("utf-8")) > MAX_BLOCK_BYTES


# A line nested ``depth`` deep starts with at least ``depth`` of these characters: each level of indent
# takes at least one (a tab), and each marker at least one.
_DEEP_LINE = re.compile(rf"^[ \t>*+\-0-9.)]{{{MAX_NESTING + 1}}}", re.MULTILINE)


def _may_be_deep(body: str) -> bool:
    return _DEEP_LINE.search(body) is not None


_RUNS = ("*" * (MAX_DELIMITER_RUN + 1), "_" * (MAX_DELIMITER_RUN + 1))


def _may_have_long_run(body: str) -> bool:
    return any(run in body for run in _RUNS)  # faster than searching with _DELIMITER_RUN, and true exactly when it finds one


def _may_nest_brackets(body: str) -> bool:
    """Whether brackets nest too deep counting through the whole body: at least as deep as in any one block,
    as a block starts from nothing where the body may have brackets still open."""
    if body.count("[") <= MAX_BRACKET_DEPTH:
        return False
    depth = 0
    for match in _BRACKET.finditer(body):
        if match.group() == "[":
            depth += 1
            if depth > MAX_BRACKET_DEPTH:
                return True
        elif match.group() == "]":
            depth = max(0, depth - 1)
    return False


def _lines(body: str) -> Iterator[tuple[int, int, str]]:
    """``(line number, offset, text)`` for each line, without its line break."""
    offset = 0
    for number, line in enumerate(body.split("\n"), start=1):
        yield number, offset, line
        offset += len(line) + 1


def _blocks(body: str) -> Iterator[tuple[int, str]]:
    """``(first line number, text)`` of each run of non-blank lines."""
    start, lines = 0, list[str]()
    for number, _, line in _lines(body):
        if line.strip():
            if not lines:
                start = number
            lines.append(line)
        elif lines:
            yield start, "\n".join(lines)
            lines = []
    if lines:
        yield start, "\n".join(lines)


def _kb(size: int) -> str:
    return f"{-(-size // 1024):,} KB"


def _big_block(body: str) -> Iterator[BodyProblem]:
    for line, text in _blocks(body):
        size = len(text.encode("utf-8"))
        if size > MAX_BLOCK_BYTES:
            yield BodyProblem(line, 1, f"expected ordinary Markdown, with at most {_kb(MAX_BLOCK_BYTES)} between blank lines, "
                                       f"found {_kb(size)} from here without a blank line",
                              "put a blank line between paragraphs, and split long lists and tables in two")


def _deep_nesting(body: str) -> Iterator[BodyProblem]:
    """Block quotes and lists inside each other: by indentation (4 spaces a level) and by markers
    at the start of a line (``> > >``, ``- - -``, ``1. 1.``), counted together."""
    for number, _, line in _lines(body):
        match = _MARKERS.match(line)
        if not match or _RULE_LINE.fullmatch(line):
            continue
        indent = len(match.group(1).expandtabs(LIST_INDENT))
        depth = indent // LIST_INDENT + len(_MARKER.findall(match.group(2)))
        if depth > MAX_NESTING:
            yield BodyProblem(number, 1, f"expected ordinary Markdown, found quotes or lists nested {depth:,} deep (at most {MAX_NESTING})",
                              "nest fewer lists and quotes: remove extra '>', '-' or '1.' markers at the start of the line, or indent less")


def _long_run(body: str) -> Iterator[BodyProblem]:
    for number, _, line in _lines(body):
        if _RULE_LINE.fullmatch(line):
            continue
        for match in _DELIMITER_RUN.finditer(line):
            char = match.group()[0]
            yield BodyProblem(number, match.start() + 1,
                              f"expected ordinary Markdown, found {len(match.group()):,} '{char}' characters in a row",
                              f"use one or two '{char}' for emphasis, or write '\\{char}' for each one meant literally")


def _deep_brackets(body: str) -> Iterator[BodyProblem]:
    """Brackets nested too deep in one block; a ']' with none open does not count."""
    for first, text in _blocks(body):
        depth, opened = 0, 0
        for match in _BRACKET.finditer(text):
            char = match.group()
            if char == "[":
                depth += 1
                opened += 1
                if depth > MAX_BRACKET_DEPTH:
                    line = first + text.count("\n", 0, match.start())
                    col = match.start() - text.rfind("\n", 0, match.start())
                    total = opened + text.count("[", match.end())
                    yield BodyProblem(line, col, f"expected ordinary Markdown, found '[' nested more than {MAX_BRACKET_DEPTH} deep "
                                                 f"({total:,} '[' characters in one paragraph)",
                                      "close each '[' with ']', or write '\\[' for a bracket that opens no link")
                    break
            elif char == "]":
                depth = max(0, depth - 1)
