"""Diagnostics: one located, actionable message per problem, and the report that gathers them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
OutputFormat = Literal["text", "github", "json"]


_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
SHOWN_CHARACTERS = 60  # of a value quoted in a message; the rest is counted, not shown
LISTED_PER_FIELD = 10  # problems listed for one field (a list of 10,000 unknown ids gets 10 and a summary)


def shorten(text: str) -> str:
    """``text``, or for a long one its first characters and its length: ``abc…(200,000 characters)``."""
    if len(text) <= SHOWN_CHARACTERS:
        return text
    return f"{text[:SHOWN_CHARACTERS]}…({len(text):,} characters)"


def quote(text: str) -> str:
    """``text`` quoted for a message (``'kent-police'``), with invisible characters escaped and a long text cut short."""
    if len(text) <= SHOWN_CHARACTERS:
        return repr(text)
    return f"{text[:SHOWN_CHARACTERS]!r}…({len(text):,} characters)"


def _one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped, so each diagnostic stays on one line."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


@dataclass(frozen=True, order=True)
class Diagnostic:
    """A problem in a content file, located by path, line and column (all 1-based)."""

    path: str
    line: int
    col: int
    severity: Severity
    field: str
    message: str
    hint: str = ""

    def body(self) -> str:
        """``field: message; hint``, always on one line."""
        what = f"{self.field}: {self.message}" if self.field else self.message
        tail = f"; {self.hint}" if self.hint else ""
        return _one_line(f"{what}{tail}")

    def text(self) -> str:
        """``path:line:col: severity: field: message; hint`` on one line."""
        return f"{_one_line(self.path)}:{self.line}:{self.col}: {self.severity}: {self.body()}"

    def github(self) -> str:
        """A GitHub Actions workflow command that annotates the file in a pull request."""
        body = self.body().replace("%", "%25")
        path = self.path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")
        return f"::{self.severity} file={path},line={self.line},col={self.col}::{body}"

    def promoted(self) -> Diagnostic:
        """This diagnostic as an error (``--strict``)."""
        return Diagnostic(self.path, self.line, self.col, "error", self.field, self.message, self.hint)


@dataclass
class Report:
    """Every diagnostic from one run, plus the number of files checked."""

    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0

    def add(self, diagnostic: Diagnostic) -> None:
        self.diagnostics.append(diagnostic)

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics.extend(diagnostics)

    @property
    def errors(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for d in self.diagnostics if d.severity == "warning")

    def ok(self, strict: bool = False) -> bool:
        return self.errors == 0 and not (strict and self.warnings)

    def sorted(self, strict: bool = False) -> list[Diagnostic]:
        found = sorted(set(self.diagnostics))
        return [d.promoted() for d in found] if strict else found

    def summary(self, strict: bool = False) -> str:
        found = self.sorted(strict)
        errors = sum(1 for d in found if d.severity == "error")
        warnings = len(found) - errors
        files = "file" if self.files_checked == 1 else "files"
        return (
            f"{self.files_checked} {files} checked: "
            f"{errors} error{'' if errors == 1 else 's'}, {warnings} warning{'' if warnings == 1 else 's'}"
        )

    def render(self, output: OutputFormat = "text", strict: bool = False) -> str:
        """The whole report in the requested format, ending with a newline."""
        found = self.sorted(strict)
        if output == "json":
            payload = {
                "diagnostics": [asdict(d) for d in found],
                "files_checked": self.files_checked,
                "errors": sum(1 for d in found if d.severity == "error"),
                "warnings": sum(1 for d in found if d.severity == "warning"),
            }
            return json.dumps(payload, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        lines = [d.github() if output == "github" else d.text() for d in found]
        lines.append(self.summary(strict))
        return "\n".join(lines) + "\n"
