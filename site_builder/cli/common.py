"""What every command shares: exit codes, usage errors, the catalogue folder and project paths."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from site_builder.catalogue.types import PROJECTS_DIR

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """A problem with how the command was called (exit code 2)."""


def add_strict(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def catalogue_root(root: Path) -> Path:
    if not (root / "content").is_dir():
        raise UsageError(f"{root} is not a catalogue folder: it has no content/ folder (use --root DIR)")
    return root


def project_paths(root: Path, paths: Sequence[Path]) -> list[str]:
    """Command-line paths as catalogue-relative project paths.

    A relative path is taken from the current folder, or failing that from ``--root``.
    """
    folder = (root / PROJECTS_DIR).resolve()
    out = []
    for path in paths:
        full = path if path.is_symlink() or path.exists() or path.is_absolute() else root / path
        if full.is_dir() and not full.is_symlink():
            raise UsageError(f"{path}: is a folder; name project files, or run 'catalogue check' with no paths to check everything")
        if not full.is_symlink() and not full.exists():
            raise UsageError(f"{path}: no such file")
        full = full.parent.resolve() / full.name  # a link is checked (and refused) as itself, not as what it points to
        if full.parent != folder:
            raise UsageError(f"{path}: not a project file; name files in {folder}/, "
                             "or run 'catalogue check' with no paths to check everything")
        out.append(f"{PROJECTS_DIR}/{full.name}")
    return out
