"""What ``catalogue`` prints when it fails on a bug of its own (exit code 3) rather than on bad input."""

from __future__ import annotations

import os
import shlex
import traceback
from collections.abc import Sequence
from typing import TextIO

DEBUG_VARIABLE = "CATALOGUE_DEBUG"


def debug_wanted(flag: bool) -> bool:
    """``--debug``, or ``CATALOGUE_DEBUG`` set to anything but empty or ``0``."""
    return flag or os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


def report_internal_error(exc: BaseException, argv: Sequence[str], debug: bool, err: TextIO) -> None:
    """Say that this is a bug in the tool, name the command that was run, and ask for a report.

    The traceback is printed only with ``debug``: it means nothing to most contributors.
    """
    if debug:
        traceback.print_exception(exc, file=err)
    what = " ".join(f"{type(exc).__name__}: {exc}".split())
    command = shlex.join(["catalogue", *argv])
    then = ("and the traceback above" if debug else
            "and what the same command prints with --debug added (the traceback)")
    err.write(f"catalogue: internal error: {what}\n"
              "This is a bug in the catalogue tool, not a problem with your content or settings.\n"
              f"The command was: {command}\n"
              f"Please report it to the catalogue's maintainers with that command {then}.\n")
