"""Pausing Python's cyclic garbage collector around work that makes millions of acyclic objects.

Loading, viewing and indexing a large catalogue create many small objects and no reference
cycles; the collector would rescan all of them again and again (seconds at 10,000 projects).
Reference counting still frees everything as usual.
"""

from __future__ import annotations

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
