"""return_free_memory (runtime/gc_pause.py): the pages freed objects leave in the C heap go back to the system."""

from __future__ import annotations

import subprocess
import sys

import pytest

# In a process of its own: the test process's high-water mark would count in the memory that later tests
# measure of the commands they start (tests/test_hostile_files.py).
SCRIPT = """
from pathlib import Path
from site_builder.runtime.gc_pause import return_free_memory

def resident_mib():
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise SystemExit("no VmRSS")

garbage = [bytes(2000) + str(n).encode() for n in range(100_000)]  # ~200 MB of heap chunks (below mmap's size)
keep = [bytes(600) + str(n).encode() for n in range(2_000)]  # above the garbage: the heap cannot simply shrink
del garbage
freed = resident_mib()
{trim}
after = resident_mib()
print(round(freed - after), keep[-1][-4:].decode())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and calls glibc's malloc_trim")
@pytest.mark.parametrize(("trim", "given_back"), [("return_free_memory()", True), ("pass", False)])
def test_memory_freed_by_a_stage_is_given_back(trim: str, given_back: bool) -> None:
    """With the call, the freed pages leave the process; without it (the control), they stay."""
    found = subprocess.run([sys.executable, "-c", SCRIPT.replace("{trim}", trim)], capture_output=True, text=True, check=True)
    megabytes, last = found.stdout.split()
    assert last == "1999"
    assert (int(megabytes) > 100) is given_back, found.stdout
