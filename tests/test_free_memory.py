"""return_free_memory (runtime/gc_pause.py): the pages freed objects leave in the C heap go back to the system."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from site_builder.runtime.gc_pause import return_free_memory


def _resident_mib() -> float:
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and calls glibc's malloc_trim")
def test_memory_freed_by_a_stage_is_given_back() -> None:
    garbage = [bytes(2000) + str(n).encode() for n in range(100_000)]  # ~200 MB of heap chunks (below mmap's size)
    keep = [bytes(600) + str(n).encode() for n in range(2_000)]  # above the garbage: the heap cannot simply shrink
    before = _resident_mib()
    del garbage
    freed_only = _resident_mib()
    return_free_memory()
    after = _resident_mib()
    assert freed_only - after > 100, (before, freed_only, after)
    assert keep[-1].endswith(b"1999")
