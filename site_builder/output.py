"""Writing the built site atomically: into a temporary folder, then swapped into place."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path


def write_site(files: Mapping[str, bytes], out: Path) -> None:
    """Write ``files`` (relative posix path -> bytes) as the whole of ``out``.

    Nothing is visible at ``out`` until every file is written; on failure the old ``out`` is untouched.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.new-{os.getpid()}"
    previous = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        made: set[Path] = set()
        for rel in sorted(files):
            target = staging / rel
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            target.write_bytes(files[rel])
        if out.exists():
            out.rename(previous)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if previous.exists() and not out.exists():
            previous.rename(out)
        raise
    shutil.rmtree(previous, ignore_errors=True)
