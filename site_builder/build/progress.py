"""Build progress: each stage with a count, as a progress bar on a terminal or one plain line per stage.

``catalogue build`` picks one with :func:`progress_for`: nothing under ``--quiet``; plain lines (one per
stage, when it ends, without times, so logs compare) under ``CI=true`` or when the stream is not a
terminal; else a ``rich`` progress bar per stage. Progress goes to standard error, so standard output
keeps only the build's result.
"""

from __future__ import annotations

import os
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichBars


class Progress:
    """Stage events from the pipeline; this base class shows nothing (``--quiet``)."""

    def start(self, stage: str, total: int, unit: str) -> None:
        """``stage`` begins, with ``total`` items of ``unit`` to do."""

    def advance(self, count: int = 1) -> None:
        """``count`` more items of the current stage are done."""

    def finish(self, stage: str, done: int, unit: str, detail: str = "") -> None:
        """``stage`` ended: ``done`` items, and ``detail`` (say, how many came from the cache)."""

    def close(self) -> None:
        """The build is over (successfully or not)."""


def counted(count: int, unit: str) -> str:
    return f"{count:,} {unit}"


class PlainProgress(Progress):
    """One line per stage: ``build: render 1,000 pages (12 rendered, 988 from the cache)``."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def finish(self, stage: str, done: int, unit: str, detail: str = "") -> None:
        self.stream.write(f"build: {stage} {counted(done, unit)}{f' ({detail})' if detail else ''}\n")
        self.stream.flush()


class BarProgress(Progress):
    """A ``rich`` progress bar per stage, left on screen with its count when the stage ends."""

    def __init__(self, stream: TextIO) -> None:
        self.bars = RichBars(TextColumn("{task.description:<9}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[unit]}"),
                             TimeElapsedColumn(), TextColumn("{task.fields[detail]}"), console=Console(file=stream), transient=False)
        self.task: TaskID | None = None
        self.bars.start()

    def start(self, stage: str, total: int, unit: str) -> None:
        self.task = self.bars.add_task(stage, total=max(total, 1), unit=unit, detail="")

    def advance(self, count: int = 1) -> None:
        if self.task is not None:
            self.bars.advance(self.task, count)

    def finish(self, stage: str, done: int, unit: str, detail: str = "") -> None:
        if self.task is not None:
            self.bars.update(self.task, total=max(done, 1), completed=max(done, 1), detail=detail)
        self.task = None

    def close(self) -> None:
        self.bars.stop()


def progress_for(stream: TextIO, quiet: bool) -> Progress:
    """Nothing (``quiet``), plain lines (``CI=true``, or ``stream`` is not a terminal), else progress bars."""
    if quiet:
        return Progress()
    if os.environ.get("CI", "").lower() == "true" or not stream.isatty():
        return PlainProgress(stream)
    return BarProgress(stream)
