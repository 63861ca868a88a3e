"""Running tests/node/search_cli.js from Python tests (lunr.js 2.3.9 and assets/js/search.js under Node)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CLI = Path(__file__).with_name("search_cli.js")


def require_node() -> str:
    """The ``node`` executable; skips the test without Node or the npm packages (fails under CI=true)."""
    node = shutil.which("node")
    problem = None
    if node is None:
        problem = "Node.js is not installed"
    elif not (REPO / "node_modules" / "lunr" / "package.json").is_file():
        problem = "node_modules is missing (run 'make install')"
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{problem}: Node tests cannot be skipped under CI=true")
        pytest.skip(problem)
    assert node is not None
    return node


def run_search_cli(mode: str, target: Path | str, payload: dict[str, Any]) -> Any:
    """Run search_cli.js in ``mode`` ("rank", "files", "filter", "lunr" or "text") and return its JSON output."""
    node = require_node()
    proc = subprocess.run([node, str(CLI), mode, str(target)], input=json.dumps(payload), capture_output=True,
                          text=True, cwd=REPO, timeout=120, check=False)
    if proc.returncode != 0:
        pytest.fail(f"search_cli.js {mode} failed:\n{proc.stderr}")
    return json.loads(proc.stdout)


def ranked_refs(site: Path, queries: list[str]) -> dict[str, list[str]]:
    """search.js's ranking of each query over the built ``site``: slugs, best first."""
    out = run_search_cli("rank", site, {"queries": queries})
    return {q: [hit["ref"] for hit in hits] for q, hits in out.items()}
