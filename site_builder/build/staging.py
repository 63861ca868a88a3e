"""Writing the built site atomically: into a staging folder beside the output, then swapped into place.

Nothing is visible at the output path until every file is written; if anything fails, the staging
folder is removed and the previous site is left exactly as it was.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

# File creation dominates writing a large site; a few threads overlap the system calls.
WRITER_THREADS = 4


class StagedSite:
    """A staging folder for one build. Use as a context manager; call :meth:`publish` to swap it in."""

    def __init__(self, out: Path) -> None:
        self.out = out.resolve()
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.path = self.out.parent / f".{self.out.name}.new-{os.getpid()}"
        self._previous = self.out.parent / f".{self.out.name}.old-{os.getpid()}"
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir()
        self.published = False

    def __enter__(self) -> StagedSite:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if not self.published:
            shutil.rmtree(self.path, ignore_errors=True)

    def write_all(self, files: Mapping[str, bytes]) -> None:
        """Write ``files`` (relative posix path -> bytes) into the staging folder."""
        for folder in sorted({(self.path / rel).parent for rel in files}):
            folder.mkdir(parents=True, exist_ok=True)
        with ThreadPoolExecutor(WRITER_THREADS) as pool:
            for _ in pool.map(lambda rel: (self.path / rel).write_bytes(files[rel]), sorted(files), chunksize=64):
                pass

    def publish(self) -> None:
        """Swap the staging folder in as the output and remove the previous site."""
        if self.out.exists():
            self.out.rename(self._previous)
        try:
            self.path.rename(self.out)
        except BaseException:
            if self._previous.exists() and not self.out.exists():
                self._previous.rename(self.out)
            raise
        self.published = True
        shutil.rmtree(self._previous, ignore_errors=True)
