"""Pausing Python's cyclic garbage collector around work that makes millions of acyclic objects.

Loading, viewing and indexing a large catalogue create many small objects and no reference
cycles; the collector would rescan all of them again and again (seconds at 10,000 projects).
Reference counting still frees everything as usual.
"""

from __future__ import annotations

import ctypes
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def return_free_memory() -> None:
    """Give the pages that freed objects leave inside the C heap back to the system (glibc's ``malloc_trim``).

    Python frees the many small objects of a finished stage, but the C allocator keeps the pages they
    were on, so the process stays as large as it ever was and the next stage's objects come on top.
    Elsewhere than glibc this does nothing.
    """
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)
