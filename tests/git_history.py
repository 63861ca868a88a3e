"""Scripted git history for test catalogues: commits with fixed authors, dates and messages.

The same script gives the same commit hashes on every machine: git is run with no user or system
configuration, a fixed identity and the commit time given.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path


def git(repo: Path, *args: str, when: int | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "Catalogue test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Catalogue test", "GIT_COMMITTER_EMAIL": "test@example.org"}
    if when is not None:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"@{when} +0000"
    done = subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)
    return done.stdout.decode("utf-8")


def init_repository(repo: Path) -> None:
    git(repo, "init", "-q", "-b", "main")


def commit(repo: Path, message: str, when: int, files: Mapping[str, str | None]) -> None:
    """Write ``files`` (relative path -> text; ``None`` keeps the file as it is) and commit just them."""
    for rel, text in files.items():
        if text is not None:
            (repo / rel).parent.mkdir(parents=True, exist_ok=True)
            (repo / rel).write_text(text, encoding="utf-8", newline="")
    git(repo, "add", "--", *files)
    git(repo, "commit", "-q", "--no-gpg-sign", "-m", message, when=when)
