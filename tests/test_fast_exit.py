"""The console script ends at once when its command is done (site_builder/runtime/fast_exit.py), with all it printed
and the command's exit code; ``main()`` called from Python keeps nothing and leaves the garbage collector on."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from site_builder.runtime import fast_exit
from tests.helpers import make_catalogue, run_cli

# Buffered output, as a console script usually has it (PYTHONUNBUFFERED would write every line at once).
BUFFERED = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "site_builder", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, check=False, env=BUFFERED)


def test_the_console_script_prints_everything_and_exits_with_the_command_s_code(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "cat")
    built = cli("build", "--root", str(root), "--no-cache", cwd=tmp_path)
    assert built.returncode == 0
    assert built.stderr.startswith("build: load 1 project files\n") and "build: render 61 pages\n" in built.stderr
    assert built.stdout == "built 61 pages for 1 project into cat/_site\n"
    assert (root / "_site" / "index.html").is_file()
    (root / "content/projects/kent-joint-control-room.md").write_text("---\ntitle: [\n---\n", encoding="utf-8")
    failed = cli("build", "--root", str(root), "--no-cache", cwd=tmp_path)
    assert failed.returncode == 1
    assert failed.stdout.startswith("content/projects/kent-joint-control-room.md:3:1: error: syntax error")
    assert failed.stdout.endswith("build failed: the previous site was left as it was\n")


def test_exit_now_flushes_what_was_buffered() -> None:
    code = ("import sys; from site_builder.runtime import fast_exit; "
            "sys.stdout.write('x' * 1000); sys.stderr.write('done'); fast_exit.exit_now(7)")
    ended = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False, env=BUFFERED)
    assert (ended.returncode, len(ended.stdout), ended.stderr) == (7, 1000, "done")


def test_main_called_from_python_keeps_nothing_and_leaves_the_collector_on(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "cat")
    assert run_cli("build", "--root", str(root), "--no-cache")[0] == 0
    assert fast_exit._kept == []
    assert gc.isenabled()
