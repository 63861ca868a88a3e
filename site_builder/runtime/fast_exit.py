"""Ending a command-line process without tearing the interpreter down.

A build of 10,000 projects leaves about a million objects behind. Freeing them one by one at exit, and
the garbage collector's last passes over them, took about a third of a second that the user waited for
and nothing needed. The console script (and ``python -m site_builder``) instead flushes its output and
ends the process with ``os._exit``, and what the command hands to :func:`keep_until_exit` is not freed
first. By then every file is written and closed, and every worker process has ended.

Only a process that called :func:`enable` does this: ``main()`` called from Python (as the tests do)
keeps nothing, leaves the garbage collector on, and returns as usual.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from typing import NoReturn

_kept: list[object] = []
_enabled = False


def enable() -> None:
    """This process ends by :func:`exit_now`: what :func:`keep_until_exit` is given may be kept until then."""
    global _enabled  # noqa: PLW0603  # one switch for the process, set by its entry point
    _enabled = True


def collector_off() -> None:
    """Stop the garbage collector for the rest of the process, if it ends by :func:`exit_now`.

    Call it before a build: the build pauses the collector itself (``gc_pause``), and would otherwise
    start it again as it returns, when its first pass scans every object the build made (a fifth of a
    second at 10,000 projects).
    """
    if _enabled:
        gc.disable()


def keep_until_exit(value: object) -> None:
    """Keep ``value`` until :func:`exit_now`, if :func:`enable` was called (so that it is never freed)."""
    if _enabled:
        _kept.append(value)


def exit_now(code: int) -> NoReturn:
    """Flush standard output and error, and end the process with ``code`` at once."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more can be said on it
            stream.flush()
    os._exit(code)
