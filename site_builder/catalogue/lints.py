"""Mistakes that YAML accepts, or explains badly, found by reading what a person typed.

``repair_text`` names look-alike characters (an en dash as a list marker, a non-breaking space after
a colon) and replaces them, so the rest of the file is still checked. ``value_lints`` and
``body_lints`` catch values and descriptions that would otherwise be published wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from site_builder.diagnostics.report import Diagnostic
from site_builder.model.project import ProjectFrontMatter, describe
from site_builder.text.source_file import FENCE
from site_builder.text.strict_yaml import Path, SourceMap, format_path

# The first words of the template's description, shared with the template generator (field_docs).
TEMPLATE_BODY = ("Describe the project here in plain English, in a few paragraphs: the problem, what each\n"
                 "service does, what changed, and what others could learn from it.")
_PLACEHOLDER_START = TEMPLATE_BODY.split(",", maxsplit=1)[0]
# The template's worked examples use this domain (which no one owns), so an example left in place is caught.
EXAMPLE_HOST = "example.police.uk"
EXAMPLE_DOMAIN = re.compile(r"(?i)(^|[@.])example\.police\.uk$")

_MARKERS = {"–": "an en dash", "—": "an em dash", "•": "a bullet", "·": "a middle dot", "‒": "a figure dash",
            "−": "a minus sign", "▪": "a square bullet", "◦": "a white bullet"}
_SPACES = {"\u00a0": "a non-breaking space", "\u202f": "a narrow non-breaking space", "\u2007": "a figure space",
           "\u2009": "a thin space", "\u3000": "an ideographic space"}
_SPACE_AFTER = re.compile(rf"(?:^\s*-|:)([{''.join(_SPACES)}])")
_CURLY = re.compile("[“‘„‚«]")
_DEEPER_ITEM = re.compile(r"^( *)- .*\n\1 +- ", re.MULTILINE)  # a list item, then one indented further
_SUSPECT = re.compile(f"[{''.join(_MARKERS)}{''.join(_SPACES)}]")
_TOKEN = re.compile(r"[a-z0-9][a-z0-9._:/-]*")
_CURLY_OPEN, _CURLY_CLOSE = "“‘„‚«", "”’“‘»"

# Words that make a mailbox or a role a role, not a person.
ROLE_WORDS = frozenset("""
admin administration advisor adviser analyst assistant board business centre change chief co-ordinator comms
communications community contact control coordinator corporate county deputy desk director division emergency
engagement enquiries enquiry estates executive fire fleet foi general governance group head help hq hub info
information inspector joint lead leader liaison mailbox manager media office officer operations ops partnership
partnerships planning police policy press prevention programme project projects resilience response room safety
secretariat service services station strategy superintendent support team training transformation unit watch
ambulance collaboration commander commissioner coordination department dept duty force hr it manager officers
""".split())
_HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame"})
_NAME_WORD = re.compile(r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*")


def _line_of(lines: list[str], first_line: int, line: int) -> str:
    index = line - first_line
    return lines[index] if 0 <= index < len(lines) else ""


def repair_text(text: str, first_line: int, rel: str) -> tuple[str, list[Diagnostic]]:
    """``text`` with look-alike list markers and spaces replaced, and an error naming each one."""
    if not _SUSPECT.search(text):
        return text, []
    lines = text.split("\n")
    found: list[Diagnostic] = []
    previous = ""
    for index, original in enumerate(lines):
        number, line = first_line + index, original
        stripped = line.lstrip(" ")
        char = stripped[:1]
        if char in _MARKERS and stripped[1:2] in ("", " ", *_SPACES) and (previous.endswith(":") or previous.lstrip()[:1] in ("-", *_MARKERS)):
            col = len(line) - len(stripped) + 1
            found.append(Diagnostic(rel, number, col, "error", "", f"line {number} starts with '{char}' ({_MARKERS[char]})",
                                    "start list items with '- '"))
            line = line[: col - 1] + "-" + line[col:]
        for match in _SPACE_AFTER.finditer(line):
            space = match.group(1)
            found.append(Diagnostic(rel, number, match.start(1) + 1, "error", "",
                                    f"line {number} has {_SPACES[space]} (U+{ord(space):04X}) after '{match.group()[-2]}'",
                                    "type an ordinary space instead"))
        line = _SPACE_AFTER.sub(lambda m: m.group()[:-1] + " ", line)
        lines[index] = line
        if line.strip() and not line.lstrip().startswith("#"):
            previous = line.rstrip()
    return "\n".join(lines), found


def _strings(data: Any, path: Path = ()) -> Iterator[tuple[Path, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, (*path, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, (*path, index))
    elif isinstance(data, str):
        yield path, data


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _looks_personal_email(email: str) -> bool:
    local = email.split("@", 1)[0].lower()
    parts = re.split(r"[._-]", local)
    return (2 <= len(parts) <= 3 and all(p.isalpha() for p in parts) and len(parts[-1]) >= 2
            and not any(p in ROLE_WORDS for p in parts))


def _looks_like_a_name(role: str) -> bool:
    for segment in re.split(r"[,;()/]|\s[-–]\s", role):
        words = segment.split()
        if words and words[0].lower().rstrip(".") in _HONORIFICS:
            return True
        if 2 <= len(words) <= 3 and all(_NAME_WORD.fullmatch(w) for w in words) and not any(w.lower() in ROLE_WORDS for w in words):
            return True
    return False


def value_lints(data: dict[str, Any], source: SourceMap, text: str, first_line: int,
                rel: str) -> tuple[list[Diagnostic], set[str]]:
    """Problems in values that the schema accepts or explains badly, and the fields they explain
    (whose schema errors would only repeat them)."""
    found: list[Diagnostic] = []
    explained: set[str] = set()
    # Most files have none of these, and then no value needs looking at one by one (10,000 files load in a few seconds).
    if not (" #" in text or _CURLY.search(text) or EXAMPLE_HOST in text.lower() or _DEEPER_ITEM.search(text) or "contact" in data):
        return found, explained
    lines = text.split("\n")

    def add(path: Path, line: int, col: int, severity: str, message: str, hint: str) -> None:
        found.append(Diagnostic(rel, line, col, "error" if severity == "error" else "warning", format_path(path), message, hint))

    for path, value in _strings(data):
        pos = source.value(path)
        line = _line_of(lines, first_line, pos.line)
        written = line[pos.col - 1:]
        key = f"{path[-1]}: " if isinstance(path[-1], str) else "- "
        plain = written[:1] not in ("'", '"', "|", ">")
        # An id, date or number followed by ' # ...' is a deliberate comment; text cut at ' #' is a mistake.
        if plain and " #" in written and written[: written.index(" #")].rstrip() == value and not _TOKEN.fullmatch(value):
            whole = written.rstrip()
            add(path, pos.line, pos.col + written.index(" #") + 1, "warning",
                f"the text from ' #' on was left out, as YAML reads ' #' as the start of a comment, so the value is {describe(value)}",
                f"if it is part of the value, put the whole value in quotes: {key}{_quoted(whole)}")
        if len(value) >= 2 and value[0] in _CURLY_OPEN and value[-1] in _CURLY_CLOSE:
            explained.add(format_path(path))
            add(path, pos.line, pos.col, "error", f"expected a value in straight quotes or none, found {describe(value)} in curly quotes",
                f"write {key}{_quoted(value[1:-1])} with straight quotes, or leave the quotes out")
        if isinstance(path[-1], int) and " - " in value:
            following = _line_of(lines, first_line, pos.line + 1)
            dash = pos.col - 2
            if following.lstrip().startswith("- ") and len(following) - len(following.lstrip()) + 1 > dash:
                explained.add(format_path(path))
                add(path, pos.line + 1, len(following) - len(following.lstrip()) + 1, "error",
                    f"expected one item per line, found {describe(value)}, as line {pos.line + 1} is indented further than the item above it",
                    f"start every '- ' in the list at column {dash}, directly under the one above")
        if path == ("contact", "email") and _looks_personal_email(value):
            add(path, pos.line, pos.col, "error", f"expected a role or team mailbox, found {describe(value)}, which looks like a personal address",
                "give a team mailbox such as collaboration@your-service.gov.uk: the catalogue publishes role mailboxes only")
        if path == ("contact", "role") and _looks_like_a_name(value):
            add(path, pos.line, pos.col, "error", f"expected a job role or team, found {describe(value)}, which looks like a person's name",
                "write the role, for example 'Collaboration programme manager': the catalogue publishes roles, not names")
        if path[-1] in ("email", "url") and EXAMPLE_DOMAIN.search(re.sub(r"^https://([^/:]+).*$", r"\1", value)):
            add(path, pos.line, pos.col, "error", f"expected the project's own address, found the example {describe(value)}",
                "replace it with a real address, or delete the line")
    return found, explained


def body_lints(body: str, body_line: int, rel: str) -> list[Diagnostic]:
    """A second project pasted into the description, and the template's placeholder text left in."""
    found: list[Diagnostic] = []
    lines = body.split("\n")
    fields = set(ProjectFrontMatter.model_fields)
    for index, line in enumerate(lines):
        if FENCE.fullmatch(line):
            keys = [m.group(1) for later in lines[index + 1: index + 8] if (m := re.match(r"([a-z_]+):(\s|$)", later))]
            named = [k for k in dict.fromkeys(keys) if k in fields]
            if len(named) >= 2:
                found.append(Diagnostic(
                    rel, body_line + index, 1, "error", "body",
                    f"expected the description of one project, found a line '---' followed by project fields ({', '.join(named[:3])})",
                    "put each project in its own file in content/projects/: everything below the second '---' is published as text"))
        if _PLACEHOLDER_START in line:
            found.append(Diagnostic(rel, body_line + index, line.index(_PLACEHOLDER_START) + 1, "error", "body",
                                    "expected a description of the project, found the template's placeholder text",
                                    "replace it with a few paragraphs about the project"))
    return found
