"""Settings read from the environment, checked like any other input.

A value the tool cannot use is a usage error (exit code 2), raised as :class:`EnvironmentProblem`
and printed by the command line as ``catalogue: error: NAME: expected ..., found ...; hint``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
# 9999-12-31T23:59:59Z: the last second a datetime (and an ISO 8601 date with four-digit years) can hold.
LATEST_EPOCH = 253_402_300_799
_ASCII_DIGITS = re.compile(r"[0-9]+")  # not str.isdigit() or \d: those accept '²' and other scripts' digits
_EPOCH_HINT = "unset it, or set it to the time of the last commit: git log -1 --format=%ct"


class EnvironmentProblem(Exception):
    """An environment variable with a value the tool cannot use (a usage error, exit code 2)."""

    def __init__(self, variable: str, message: str, hint: str) -> None:
        super().__init__(f"{variable}: {message}; {hint}")
        self.variable = variable
        self.message = message
        self.hint = hint


def shown(value: str) -> str:
    """``value`` quoted as an error message shows it: escaped, and shortened when long."""
    return repr(value if len(value) <= 60 else value[:57] + "...")


def epoch_seconds(text: str) -> int | None:
    """``text`` as seconds since 1970-01-01 if it is ASCII digits for a time in the years 1970-9999, else ``None``."""
    if not _ASCII_DIGITS.fullmatch(text):
        return None
    digits = text.lstrip("0") or "0"  # int() refuses strings of more than 4,300 digits
    if len(digits) > len(str(LATEST_EPOCH)) or int(digits) > LATEST_EPOCH:
        return None
    return int(digits)


def source_date_epoch(environ: Mapping[str, str] = os.environ) -> int | None:
    """``SOURCE_DATE_EPOCH`` as seconds since 1970-01-01; ``None`` when it is unset or empty.

    See https://reproducible-builds.org/specs/source-date-epoch/: a malformed value stops the build
    rather than being ignored, since the build would silently stop being reproducible.
    """
    value = environ.get(SOURCE_DATE_EPOCH, "")
    if value == "":
        return None
    seconds = epoch_seconds(value)
    if seconds is not None:
        return seconds
    if not _ASCII_DIGITS.fullmatch(value):
        raise EnvironmentProblem(SOURCE_DATE_EPOCH, "expected a whole number of seconds since 1970-01-01 "
                                 f"(ASCII digits, like 1735689600), found {shown(value)}", _EPOCH_HINT)
    hint = _EPOCH_HINT
    milliseconds = epoch_seconds(value[:-3]) if len(value.lstrip("0")) == 13 else None
    if milliseconds is not None:
        hint = f"if that is in milliseconds, divide it by 1000: {milliseconds}"
    raise EnvironmentProblem(SOURCE_DATE_EPOCH, f"expected a time no later than the end of the year 9999 "
                             f"(at most {LATEST_EPOCH} seconds), found {shown(value)}", hint)
