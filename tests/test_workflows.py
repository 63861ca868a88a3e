"""The GitHub workflows: valid by actionlint, and untrusted text never spliced into a shell line."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
# Text anyone can write: an expression naming it must only ever appear in env:, never in run:.
UNTRUSTED = re.compile(r"\$\{\{[^}]*github\.event\.(issue|pull_request|comment|review|head_commit)\.(body|title|head\.ref|message)")


def _actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if found is None:
        pytest.fail("actionlint is not installed: run 'make install' (it is in the dev extras)")
    return found


def test_every_workflow_passes_actionlint() -> None:
    done = subprocess.run([_actionlint(), *map(str, WORKFLOWS)], cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stdout) == (0, "")


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_untrusted_text_reaches_steps_only_through_the_environment(path: Path) -> None:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            assert not UNTRUSTED.search(step.get("run", "")), f"{path.name}: {step.get('name')}: pass it through env:"


def test_the_untrusted_pattern_catches_a_spliced_issue_body() -> None:
    assert UNTRUSTED.search('echo "${{ github.event.issue.body }}"')
    assert not UNTRUSTED.search('echo "$ISSUE_BODY"')
