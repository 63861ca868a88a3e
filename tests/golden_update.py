"""Build the fixture catalogue (tests/fixtures/site/) and refresh the golden output in tests/golden/.

Run ``make update-golden`` (or ``python -m tests.golden_update``), then review ``git diff tests/golden``.

The fixture is copied into a temporary folder outside any git repository and built with a fixed
``SOURCE_DATE_EPOCH``, so its dates never depend on the clock or this repository's history. The copy
gets a scripted history of its own (:data:`FIXTURE_HISTORY`: fixed dates, authors and messages, one
of them hostile), so the golden pages cover a project's list of changes and /changes/. Fingerprinted asset
names (``assets/site.0123456789.css``) are written as ``assets/site.{hash}.css`` everywhere, so a
change to the stylesheet or scripts does not churn every golden page; the asset files themselves are
not stored, only their names (in ``tests/golden/assets.txt``).
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from site_builder.build.pipeline import BuildOptions, build_site
from tests.git_history import commit, init_repository

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "site"
GOLDEN = REPO / "tests" / "golden"
GOLDEN_SITE = GOLDEN / "site"
GOLDEN_ASSETS = GOLDEN / "assets.txt"
SOURCE_DATE_EPOCH = "1772366400"  # 2026-03-01T12:00:00Z
FINGERPRINT = re.compile(rb"(assets/[A-Za-z0-9_.-]+?)\.[0-9a-f]{10}\.([A-Za-z0-9]+)")
ASSET_FILE = re.compile(r"^assets/[A-Za-z0-9_.-]+\.[0-9a-f]{10}\.[A-Za-z0-9]+$")
TEXT_SUFFIXES = (".html", ".xml", ".json", ".csv", ".txt", ".css", ".js", ".svg")


@contextmanager
def fixture_environment(work: Path) -> Iterator[None]:
    """A fixed build time, and git kept from finding any repository above ``work``."""
    saved = {name: os.environ.get(name) for name in ("SOURCE_DATE_EPOCH", "GIT_CEILING_DIRECTORIES")}
    os.environ["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    os.environ["GIT_CEILING_DIRECTORIES"] = str(work.resolve())
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def copy_fixture(work: Path) -> Path:
    """A copy of the fixture catalogue at ``work/catalogue``."""
    root = work / "catalogue"
    shutil.copytree(FIXTURE, root)
    return root


HISTORY_PROJECT = "content/projects/north-shire-joint-control-room.md"
# (commit time, subject): the project file is added, then edited, then put back as the fixture has it.
# The second subject is hostile: markup, a right-to-left override and a terminal escape.
FIXTURE_HISTORY = (
    (1767225600, "Add the North Shire joint control room"),
    (1769904000, "Fix <b>dates</b> & \u202eevil\u202c \x1b[31mred\x1b[0m"),
    (1771000000, "Review the North Shire joint control room"),
)


def add_fixture_history(root: Path) -> None:
    """Give the copy at ``root`` the scripted history of :data:`FIXTURE_HISTORY`."""
    final = (root / HISTORY_PROJECT).read_text(encoding="utf-8")
    init_repository(root)
    for number, (when, subject) in enumerate(FIXTURE_HISTORY):
        text = final if number == len(FIXTURE_HISTORY) - 1 else final + "\n" * (number + 1)
        commit(root, subject, when, {HISTORY_PROJECT: text})


def build_fixture(work: Path, base_url: str | None = None, jobs: int = 1) -> Path:
    """Build a copy of the fixture catalogue, with its scripted history, under ``work``; returns the output folder."""
    root = copy_fixture(work)
    add_fixture_history(root)
    out = work / "_site"
    with fixture_environment(work):
        result = build_site(root, BuildOptions(out=out, base_url=base_url, jobs=jobs, use_cache=False))
    if not result.ok:
        raise RuntimeError("the fixture catalogue does not build:\n" + result.report.render())
    return out


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, by relative posix path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def unfingerprint(data: bytes) -> bytes:
    return FINGERPRINT.sub(rb"\1.{hash}.\2", data)


def normalise(files: Mapping[str, bytes]) -> tuple[dict[str, bytes], list[str]]:
    """The files to compare (asset fingerprints replaced) and the asset names (fingerprints replaced)."""
    compared: dict[str, bytes] = {}
    assets: list[str] = []
    for path, data in sorted(files.items()):
        if ASSET_FILE.match(path):
            assets.append(unfingerprint(path.encode()).decode())
        else:
            compared[path] = unfingerprint(data) if path.endswith(TEXT_SUFFIXES) else data
    return compared, sorted(assets)


def expected() -> tuple[dict[str, bytes], list[str]]:
    """The stored golden output."""
    files = read_tree(GOLDEN_SITE) if GOLDEN_SITE.is_dir() else {}
    assets = GOLDEN_ASSETS.read_text(encoding="utf-8").split() if GOLDEN_ASSETS.is_file() else []
    return files, assets


def update(out: Path) -> tuple[dict[str, bytes], list[str]]:
    """Replace the golden output with the site built at ``out``."""
    files, assets = normalise(read_tree(out))
    shutil.rmtree(GOLDEN_SITE, ignore_errors=True)
    for path, data in files.items():
        target = GOLDEN_SITE / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    GOLDEN_ASSETS.write_text("".join(f"{name}\n" for name in assets), encoding="utf-8")
    return files, assets


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="golden-") as tmp:
        files, assets = update(build_fixture(Path(tmp)))
    print(f"wrote {len(files)} files to {GOLDEN_SITE.relative_to(REPO)}/ and {len(assets)} asset names to "
          f"{GOLDEN_ASSETS.relative_to(REPO)}; review them with: git diff --stat -- tests/golden && git status tests/golden")
    return 0


if __name__ == "__main__":
    sys.exit(main())
