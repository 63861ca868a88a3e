"""Characters that must not reach the site, checked in the text as written and in every decoded value.

Three kinds of text are refused, in any file the loader reads:

- invisible text-direction controls ("Trojan Source": text that displays differently from what is
  stored), control characters (other than a newline, and a tab in a project's description) and
  Unicode noncharacters;
- values made only of invisible characters (zero-width spaces, joiners, soft hyphens, ...), which
  would publish as empty links and headings: they count as empty.

A character written literally is found in the raw text, so its diagnostic points at its exact line
and column; it is then masked before parsing (libyaml refuses most control characters with an
exception, and treats some as line breaks). A character written as an escape in double quotes
(``"\\x01"``, ``"\\u202E"``) exists only once decoded, so every decoded key and value is checked too,
at the position of its value. Either way the diagnostic names the field it is in.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from site_builder.text.strict_yaml import Path, PathPart, Position, SourceMap, YamlProblem, read_strict_yaml

MAX_LISTED = 20  # character problems listed per file; the rest are counted
MASK = "\ufffd"  # what a refused character is replaced with before parsing: one character, never YAML syntax
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
BIDI_CONTROLS = re.compile(f"[{_BIDI}]")
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(f"{chr(plane + 0xFFFE)}{chr(plane + 0xFFFF)}" for plane in range(0, 0x110000, 0x10000))
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# In the text as written a tab is YAML's business (or allowed, in a description); in a field's value it is refused.
_RAW = re.compile(f"[{_CONTROLS}{_BIDI}{_NONCHARACTERS}]")
_IN_VALUE = re.compile(f"[\t{_CONTROLS}{_BIDI}{_NONCHARACTERS}]")
# The same, found faster (a class of 34 separate astral characters is slow to test each character against):
# ASCII text can only hold ASCII controls; other text is searched for a few ranges that take in every
# character beyond the Basic Multilingual Plane, and those that are not noncharacters are passed over.
_ASCII_RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
_ASCII_IN_VALUE = re.compile("[\x00-\x08\t\x0b-\x1f\x7f]")
_BMP_NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff"
_RAW_OR_ASTRAL = re.compile(f"[{_CONTROLS}{_BIDI}{_BMP_NONCHARACTERS}\U00010000-\U0010ffff]")
_IN_VALUE_OR_ASTRAL = re.compile(f"[\t{_CONTROLS}{_BIDI}{_BMP_NONCHARACTERS}\U00010000-\U0010ffff]")
_CONTROL_NAMES = {0x00: "null", 0x07: "bell", 0x08: "backspace", 0x09: "tab", 0x0B: "vertical tab", 0x0C: "form feed",
                  0x1B: "escape", 0x7F: "delete", 0x85: "next line"}
_ESCAPES = {0x00: "\\0", 0x07: "\\a", 0x08: "\\b", 0x09: "\\t", 0x0B: "\\v", 0x0C: "\\f", 0x1B: "\\e", 0x85: "\\N"}
# Shown as nothing, beyond spaces and format characters (category Cf: zero-width space, joiners, soft hyphen, BOM, ...).
_BLANK = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180f\u2800\u3164\uffa0") | frozenset(
    chr(c) for c in (*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)))
_ORDINARY_SPACE = frozenset(" \t\n")
_ASCII_INVISIBLE = "".join(map(chr, range(0x21))) + "\x7f"  # the ASCII characters that _invisible() is true of


@dataclass(frozen=True)
class TextProblem:
    """A refused character or an invisible value, with the field path it is in."""

    path: Path
    position: Position
    message: str
    hint: str


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"


def _name(char: str) -> str:
    return unicodedata.name(char, "").lower() or _CONTROL_NAMES.get(ord(char), "")


def character_problem(char: str, escaped: bool) -> tuple[str, str]:
    """``(message, hint)`` for a refused character; ``escaped``: found in a decoded value, where it may come from an escape."""
    code = _code(char)
    point = ord(char)
    written = _ESCAPES.get(point) or (f"\\x{point:02X}" if point < 0x100 else f"\\u{point:04X}" if point < 0x10000 else f"\\U{point:08X}")
    where = f" (it may be written as the escape {written} in double quotes)" if escaped else ""
    if BIDI_CONTROLS.fullmatch(char):
        return (f"expected ordinary text, found an invisible text-direction control character ({code} {_name(char)})",
                f"delete it{where}: it can make the text display differently from what is stored")
    if char == "\t":
        return f"expected ordinary text, found a tab ({code})", f"replace it with a space{where}"
    if unicodedata.category(char) == "Cc":
        name = _name(char)
        return f"expected ordinary text, found the control character {code}{f' ({name})' if name else ''}", f"delete it{where}"
    return f"expected ordinary text, found {code}, which is not a character (a Unicode noncharacter)", f"delete it{where}"


def _invisible(char: str) -> bool:
    return char.isspace() or char in _BLANK or unicodedata.category(char) in ("Cf", "Cc", "Zs", "Zl", "Zp")


def only_invisible(text: str) -> str | None:
    """``only invisible characters (6 x U+200B zero width space)`` when ``text`` has some and nothing visible."""
    if text.isascii() and text.strip(_ASCII_INVISIBLE):  # the usual case, quickly: something visible
        return None
    if not all(_invisible(char) for char in text):
        return None
    counts = Counter(char for char in text if char not in _ORDINARY_SPACE)
    if not counts:  # empty, or only spaces: the schema's own rules say what is missing
        return None
    listed = ", ".join(f"{n} x {_code(char)}{' ' + _name(char) if _name(char) else ''}" for char, n in counts.items())
    return f"only invisible characters ({listed})"


def _refused(char: str) -> bool:
    """Whether a character found by one of the ``_..._OR_ASTRAL`` patterns is refused (not an ordinary astral one)."""
    return char < "\U00010000" or ord(char) & 0xFFFE == 0xFFFE


def _raw_matches(text: str) -> Iterator[re.Match[str]]:
    """``_RAW.finditer(text)``, faster."""
    if text.isascii():
        return _ASCII_RAW.finditer(text)
    return (match for match in _RAW_OR_ASTRAL.finditer(text) if _refused(match.group()))


def _in_value(text: str) -> list[str]:
    """``_IN_VALUE.findall(text)``, faster."""
    if text.isascii():
        return _ASCII_IN_VALUE.findall(text)
    return [char for char in _IN_VALUE_OR_ASTRAL.findall(text) if _refused(char)]


def raw_characters(text: str, first_line: int = 1) -> list[tuple[Position, str]]:
    """Refused characters written literally in ``text`` (which starts on file line ``first_line``), with their positions.

    A tab is not among them: in YAML it is the reader's business, and a description may hold tabs.
    """
    found: list[tuple[Position, str]] = []
    line, line_start, scanned = first_line, 0, 0
    for match in _raw_matches(text):
        index = match.start()
        breaks = text.count("\n", scanned, index)
        if breaks:
            line += breaks
            line_start = text.rfind("\n", scanned, index) + 1
        scanned = index
        found.append((Position(line, index - line_start + 1), match.group()))
    return found


def _masked(text: str) -> str:
    return _RAW.sub(MASK, text)


class _Fields:
    """The field path at any position: that of the nearest key or value that starts at or before it."""

    def __init__(self, source: SourceMap) -> None:
        starts = sorted({**{pos: path for path, pos in source.values.items()},
                         **{pos: path for path, pos in source.keys.items()}}.items())
        self.positions = [pos for pos, _ in starts]
        self.paths = [path for _, path in starts]

    def at(self, position: Position) -> Path:
        index = bisect.bisect_right(self.positions, position) - 1
        return self.paths[index] if index >= 0 else ()


def value_problems(data: Any, source: SourceMap, path: Path = ()) -> list[TextProblem]:
    """Refused characters (once each per value) and invisible-only values in the decoded ``data``."""
    found: list[TextProblem] = []
    _value_problems(data, source, path, found)
    return found


def _value_problems(data: Any, source: SourceMap, path: Path, found: list[TextProblem]) -> None:
    if isinstance(data, str):
        if data.isascii() and data.strip(_ASCII_INVISIBLE) and not _ASCII_IN_VALUE.search(data):
            return  # the usual case, quickly: nothing refused, and something visible
        refused = dict.fromkeys(_in_value(data))
        for char in refused:
            found.append(TextProblem(path, source.value(path), *character_problem(char, escaped=True)))
        invisible = None if refused else only_invisible(data)
        if invisible:
            found.append(TextProblem(path, source.value(path), f"expected some visible text, found {invisible}",
                                     "delete them and write the text, or remove the field"))
    elif isinstance(data, dict):
        for key, value in data.items():
            if not key.isascii() or _ASCII_IN_VALUE.search(key):
                found.extend(TextProblem((*path, key), source.key((*path, key)), *character_problem(char, escaped=True))
                             for char in dict.fromkeys(_in_value(key)))
            _value_problems(value, source, (*path, key), found)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            _value_problems(item, source, (*path, index), found)


def listed(problems: list[TextProblem]) -> list[TextProblem]:
    """At most ``MAX_LISTED`` problems, then one that counts the rest."""
    if len(problems) <= MAX_LISTED:
        return problems
    rest = problems[MAX_LISTED]
    return [*problems[:MAX_LISTED], TextProblem(rest.path, rest.position, f"{len(problems) - MAX_LISTED:,} more problems "
                                                "with characters from here on are not listed", "fix those listed, then check again")]


@dataclass(frozen=True)
class CheckedYaml:
    """YAML text read strictly, with its characters checked."""

    data: Any
    source: SourceMap
    problems: list[YamlProblem]  # from the reader: the data is not to be used when there are any
    text_problems: list[TextProblem]  # already cut down by ``listed``
    rejected: frozenset[PathPart]  # top-level keys (or list indexes) whose text was refused


def read_checked_yaml(text: str, first_line: int = 1) -> CheckedYaml:
    """Read YAML strictly (see ``read_strict_yaml``), refusing unsafe characters and invisible values."""
    written = raw_characters(text, first_line)
    data, source, problems = read_strict_yaml(_masked(text) if written else text, first_line)
    found: list[TextProblem] = []
    if written:
        fields = _Fields(source)
        found = [TextProblem(fields.at(position), position, *character_problem(char, escaped=False)) for position, char in written]
    if not problems:
        found += value_problems(data, source)
    found.sort(key=lambda p: p.position)
    return CheckedYaml(data, source, problems, listed(found), frozenset(p.path[0] for p in found if p.path))
