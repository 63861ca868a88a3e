"""Reading a content file's bytes: size, encoding and line-ending checks, and front-matter splitting."""

from __future__ import annotations

import re
from dataclasses import dataclass

from site_builder.diagnostics.report import Diagnostic

MAX_FILE_BYTES = 256 * 1024
BOM = "\ufeff"
FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)


@dataclass(frozen=True)
class SplitFile:
    """A project file split into front matter and body, each with the file line it starts on."""

    front_matter: str
    front_matter_line: int
    body: str
    body_line: int


def size_limit(size: int, limit: int) -> str:
    """``at most 256 KB, found 300 KB``, in bytes when KB would read the same."""
    if round(size / 1024) > limit // 1024:
        return f"at most {limit // 1024} KB, found {size / 1024:,.0f} KB"
    return f"at most {limit // 1024} KB ({limit:,} bytes), found {size:,} bytes"


def too_large(path: str, size: int, limit: int = MAX_FILE_BYTES) -> Diagnostic:
    """The diagnostic for a file of ``size`` bytes, over ``limit``."""
    return Diagnostic(path, 1, 1, "error", "", f"expected a file of {size_limit(size, limit)}",
                      "shorten the description and link to longer documents instead")


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _byte_line_col(raw: bytes, offset: int) -> tuple[int, int]:
    """The line and column (in characters, as an editor counts them) of byte ``offset``."""
    before = raw[:offset].decode("utf-8", "replace").removeprefix(BOM)
    before = before.replace("\r\n", "\n").replace("\r", "\n")
    return _line_col(before, len(before))


def decode_text(raw: bytes, path: str) -> tuple[str | None, list[Diagnostic]]:
    """Decode UTF-8 (with or without a BOM) and normalise CRLF to LF.

    Returns the text, or ``None`` with the reasons it could not be read. The characters in the text
    are checked once its fields are known (``site_builder.text.text_checks``), so that each problem is
    reported with the field it is in.
    """

    def error(line: int, col: int, message: str, hint: str) -> tuple[None, list[Diagnostic]]:
        return None, [Diagnostic(path, line, col, "error", "", message, hint)]

    if len(raw) > MAX_FILE_BYTES:
        return None, [too_large(path, len(raw))]
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return error(1, 1, "expected UTF-8 text, found a file encoded as UTF-32",
                     "save the file with the encoding 'UTF-8'")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return error(1, 1, "expected UTF-8 text, found a file encoded as UTF-16",
                     "save the file with the encoding 'UTF-8'")
    if not raw.strip(b" \t\r\n\xef\xbb\xbf"):
        return error(1, 1, "expected front matter and a description, found an empty file",
                     "start with a line '---', then the fields, then another '---', then the description")
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, col = _byte_line_col(raw, nul)
        return error(line, col, "expected text, found a NUL byte (a zero byte, as in binary files or UTF-16 text)",
                     "save the project as plain text with the encoding 'UTF-8'")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _byte_line_col(raw, exc.start)
        return error(line, col, f"expected UTF-8 text, found the byte 0x{raw[exc.start]:02X}, which is not UTF-8",
                     "save the file with the encoding 'UTF-8' (not 'ANSI', 'Western' or 'Latin-1'), "
                     "then check accented letters and curly quotes")
    if text.startswith(BOM):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def split_front_matter(text: str, path: str) -> tuple[SplitFile | None, list[Diagnostic]]:
    """Split ``---`` fenced YAML front matter from the Markdown body."""
    first = text.split("\n", 1)[0]
    if not FENCE.match(first):
        found = f"{first[:40]!r}" if first.strip() else "an empty line"
        return None, [Diagnostic(path, 1, 1, "error", "", f"missing front matter: expected '---' on line 1, found {found}",
                                 "start the file with a line '---', then the fields, then another '---'")]
    closing = FENCE.search(text, len(first) + 1)
    if closing is None:
        lines = text.count("\n") + (0 if text.endswith("\n") else 1)
        return None, [Diagnostic(path, lines, 1, "error", "",
                                 "front matter is not closed: expected a line '---' after the fields, found the end of the file",
                                 "add a line '---' after the last field, before the description")]
    front = text[len(first) + 1 : closing.start()]
    body_start = closing.end() + 1
    body_line = text.count("\n", 0, min(body_start, len(text))) + 1
    return SplitFile(front, 2, text[body_start:], body_line), []
