"""When each project was added and last updated, from git history; the build time, never the clock."""

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


def file_dates(root: Path, folder: str) -> dict[str, FileDates]:
    """First and last commit time of every file under ``folder`` (relative paths), in one git call."""
    # --relative: paths relative to root, so a catalogue in a subfolder of a repository still matches
    log = _git(root, "log", "--relative", "--format=%x00%ct", "--name-only", "--no-renames", "--", folder)
    if not log:
        return {}
    newest: dict[str, int] = {}
    oldest: dict[str, int] = {}
    for chunk in log.split("\0")[1:]:
        head, _, names = chunk.partition("\n")
        when = int(head.strip())
        for name in names.split("\n"):
            if name := name.strip():
                newest.setdefault(name, when)  # git log lists the newest commit first
                oldest[name] = when
    return {name: FileDates(_utc(oldest[name]), _utc(newest[name])) for name in newest}


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
