"""Reading a content file's bytes: size, encoding and line-ending checks, and front-matter splitting."""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_builder.diagnostics import Diagnostic

MAX_FILE_BYTES = 256 * 1024
BOM = "\ufeff"
# Characters that reorder text invisibly ("Trojan Source"): a title could read differently to a reviewer.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class SplitFile:
    """A project file split into front matter and body, each with the file line it starts on."""

    front_matter: str
    front_matter_line: int
    body: str
    body_line: int


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def decode_text(raw: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Decode UTF-8 (with or without a BOM), normalise CRLF to LF, and refuse what is unsafe.

    Returns the text, or ``None`` with the reasons it could not be read.
    """

    def error(line: int, col: int, message: str, hint: str) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic(path, line, col, "error", "", message, hint)]

    if len(raw) > MAX_FILE_BYTES:
        return error(1, 1, f"file is {len(raw) // 1024} KB; the limit is {MAX_FILE_BYTES // 1024} KB",
                     "shorten the description and link to longer documents instead")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return error(1, 1, "file is encoded as UTF-16, expected UTF-8",
                     "save the file with the encoding 'UTF-8'")
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        return error(1, 1, "file is empty",
                     "start with a front matter block: a line '---', the fields, then another '---'")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, col = _line_col(raw[:nul].decode("utf-8", "replace"), nul)
        return error(line, col, "file contains a NUL byte; expected text",
                     "this looks like a binary file; save the project as plain UTF-8 text")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw[: exc.start].decode("utf-8", "replace"), exc.start)
        return error(line, col, f"file is not valid UTF-8 (byte 0x{raw[exc.start]:02X})",
                     "save the file with the encoding 'UTF-8'")
    if text.startswith(BOM):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    problems = [
        Diagnostic(path, *_line_col(text, m.start()), "error", "",
                   f"invisible bidirectional control character U+{ord(m.group()):04X}",
                   "delete it: it can make text read differently from how it is stored")
        for m in BIDI_CONTROLS.finditer(text)
    ]
    return (None, problems) if problems else (text, [])


def split_front_matter(text: str, path: str) -> tuple[SplitFile | None, list[Diagnostic]]:
    """Split ``---`` fenced YAML front matter from the Markdown body."""
    first = text.split("\n", 1)[0]
    if not FENCE.match(first):
        return None, [Diagnostic(path, 1, 1, "error", "", f"missing front matter: expected '---' on line 1, found {first[:40]!r}",
                                 "start the file with a line '---', then the fields, then another '---'")]
    closing = FENCE.search(text, len(first) + 1)
    if closing is None:
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        return None, [Diagnostic(path, lines, 1, "error", "", "front matter is not closed: expected a line '---' after the fields",
                                 "add a line '---' after the last field, before the description")]
    front = text[len(first) + 1 : closing.start()]
    body_start = closing.end() + 1
    body_line = text.count("\n", 0, min(body_start, len(text))) + 1
    return SplitFile(front, 2, text[body_start:], body_line), []
