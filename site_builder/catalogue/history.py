"""The build time, never the clock; and the dates type that catalogue/changes.py fills from git history."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

from site_builder.catalogue.environment import epoch_seconds, source_date_epoch


@dataclass(frozen=True)
class FileDates:
    added: dt.datetime
    updated: dt.datetime


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def _utc(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def build_time(root: Path) -> dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` if set, else the time of the last commit; ``None`` without either.

    Raises :class:`~site_builder.environment.EnvironmentProblem` when ``SOURCE_DATE_EPOCH`` is set to
    something other than ASCII digits for a time in the years 1970-9999.
    """
    epoch = source_date_epoch()
    if epoch is not None:
        return _utc(epoch)
    head = _git(root, "log", "-1", "--format=%ct")
    seconds = epoch_seconds(head.strip()) if head else None
    return None if seconds is None else _utc(seconds)


def git_head(root: Path) -> str | None:
    """The commit checked out at ``root``, or ``None`` outside git (file dates and change lists come from it)."""
    head = _git(root, "rev-parse", "HEAD")
    return head.strip() if head else None
