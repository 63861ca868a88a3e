"""What changed: every commit that touched a project file, from one ``git log`` call for the catalogue.

Commit subjects are untrusted text (anyone can open a pull request): control characters, bidirectional
formatting characters and characters XML forbids are removed, long subjects are shortened, and the
templates autoescape what is left. Without git (a tarball), there is no history and the pages say so
or leave the section out.

The same log gives each file's first and last commit time (:meth:`CatalogueLog.file_dates`), so the
"added" and "updated" dates, the feed and the change lists always agree.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.catalogue.history import FileDates

PROJECT_CHANGES = 10  # newest changes shown on a project page
SITE_CHANGES = 50  # newest changes shown on /changes/
SUBJECT_LIMIT = 200
# C0 and C1 controls, DEL, bidirectional embeddings, overrides, isolates and marks, and characters XML forbids.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufffe\uffff\ud800-\udfff]")
# Records start with NUL (git refuses commit messages that hold one); fields are separated by a unit
# separator, with the subject last, so a subject holding one still parses.
_RECORD, _FIELD = "\0", "\x1f"


@dataclass(frozen=True)
class Change:
    """One commit that touched one project file."""

    when: dt.datetime
    commit: str  # the full hash
    subject: str  # cleaned: safe to show as text
    path: str  # the project file, relative to the catalogue root

    @property
    def short(self) -> str:
        return self.commit[:10]


def clean_subject(text: str) -> str:
    """A commit subject as safe plain text: no control or bidi characters, at most :data:`SUBJECT_LIMIT` long."""
    cleaned = " ".join(_UNSAFE.sub(" ", text).split())
    if len(cleaned) > SUBJECT_LIMIT:
        cleaned = cleaned[:SUBJECT_LIMIT - 1].rstrip() + "…"
    return cleaned or "(no description)"


@dataclass(frozen=True)
class CatalogueLog:
    """Every change to the project files, newest first (ties by path); empty without git."""

    changes: tuple[Change, ...] = ()
    by_path: Mapping[str, tuple[Change, ...]] = field(default_factory=dict)

    @classmethod
    def of(cls, changes: list[Change]) -> CatalogueLog:
        ordered = tuple(sorted(changes, key=lambda c: (-c.when.timestamp(), c.path, c.commit)))
        by_path: dict[str, list[Change]] = {}
        for change in ordered:
            by_path.setdefault(change.path, []).append(change)
        return cls(ordered, {path: tuple(found) for path, found in by_path.items()})

    @property
    def available(self) -> bool:
        return bool(self.changes)

    def for_file(self, path: str, limit: int = PROJECT_CHANGES) -> tuple[Change, ...]:
        return self.by_path.get(path, ())[:limit]

    def latest(self, paths: frozenset[str] | set[str], limit: int = SITE_CHANGES) -> tuple[Change, ...]:
        """The newest ``limit`` changes to any of ``paths`` (the files that are still projects)."""
        found: list[Change] = []
        for change in self.changes:
            if change.path in paths:
                found.append(change)
                if len(found) == limit:
                    break
        return tuple(found)

    def file_dates(self) -> dict[str, FileDates]:
        """First and last commit time of every file, as :func:`site_builder.history.file_dates` gives."""
        return {path: FileDates(found[-1].when, found[0].when) for path, found in self.by_path.items()}


def parse_log(text: str) -> list[Change]:
    """Parse ``git log --format=%x00%ct%x1f%H%x1f%s --name-only`` output."""
    changes: list[Change] = []
    for record in text.split(_RECORD)[1:]:
        head, _, names = record.partition("\n")
        parts = head.split(_FIELD, 2)
        if len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        when = dt.datetime.fromtimestamp(int(parts[0].strip()), dt.UTC)
        commit, subject = parts[1].strip(), clean_subject(parts[2])
        for name in names.split("\n"):
            if name := name.strip():
                changes.append(Change(when, commit, subject, name))
    return changes


def catalogue_log(root: Path, folder: str) -> CatalogueLog:
    """Every commit that touched a file under ``folder``, in one git call; empty without git."""
    # --relative: paths relative to root, so a catalogue in a subfolder of a repository still matches.
    # -c core.quotepath=false: names with non-ASCII letters are listed as written, not quoted.
    args = ["git", "-C", str(root), "-c", "core.quotepath=false", "log", "--relative", "--no-renames",
            "--format=%x00%ct%x1f%H%x1f%s", "--name-only", "--", folder]
    try:
        done = subprocess.run(args, capture_output=True, check=False, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return CatalogueLog()
    if done.returncode != 0:
        return CatalogueLog()
    return CatalogueLog.of(parse_log(done.stdout.decode("utf-8", "replace")))
