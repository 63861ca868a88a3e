"""Golden output: the fixture catalogue builds to exactly the files in tests/golden/.

On a difference the failure shows a unified diff of the first differing file. If the change is
intended, run ``make update-golden`` and review the diff before committing it.
"""

from __future__ import annotations

import difflib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.catalogue.changes import catalogue_log
from site_builder.catalogue.types import PROJECTS_DIR
from tests.golden_update import (
    ASSET_FILE,
    REPO,
    build_fixture,
    copy_fixture,
    expected,
    fixture_environment,
    normalise,
    read_tree,
)

UPDATE = "run `make update-golden` and review the diff"
DIFF_LINES = 120


def first_difference(actual: dict[str, bytes], golden: dict[str, bytes]) -> str:
    for path in sorted(actual):
        if actual[path] != golden[path]:
            old = golden[path].decode("utf-8", "replace").splitlines(keepends=True)
            new = actual[path].decode("utf-8", "replace").splitlines(keepends=True)
            diff = list(difflib.unified_diff(old, new, f"tests/golden/site/{path}", f"built/{path}"))
            shown = "".join(diff[:DIFF_LINES]) + (f"\n... {len(diff) - DIFF_LINES} more diff lines" if len(diff) > DIFF_LINES else "")
            return f"{path} differs from the golden copy:\n{shown or '(only line endings or bytes differ)'}"
    return ""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return read_tree(build_fixture(tmp_path_factory.mktemp("golden")))


def test_the_fixture_builds_to_the_golden_output(built: dict[str, bytes]) -> None:
    actual, assets = normalise(built)
    golden, golden_assets = expected()
    assert golden, f"tests/golden/ is empty: {UPDATE}"
    missing, extra = sorted(set(golden) - set(actual)), sorted(set(actual) - set(golden))
    assert not (missing or extra), f"files differ: missing {missing}, unexpected {extra}; {UPDATE}"
    difference = first_difference(actual, golden)
    assert not difference, f"{difference}\n{UPDATE}"
    assert assets == golden_assets, f"asset names differ: {assets} != {golden_assets}; {UPDATE}"


def test_assets_are_fingerprinted_and_referenced_by_their_fingerprinted_names(built: dict[str, bytes]) -> None:
    assets = [path for path in built if path.startswith("assets/")]
    assert assets and all(ASSET_FILE.match(path) for path in assets)
    pages = b"".join(data for path, data in built.items() if path.endswith(".html"))
    css = [path for path in assets if path.endswith(".css")]
    assert css and all(path.encode() in pages for path in css)


def test_the_golden_output_covers_what_the_fixture_promises(built: dict[str, bytes]) -> None:
    """The fixture keeps covering an alias, a completed project, a stale review and a hostile project."""
    for path in ("index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", "data/projects.json", "data/projects.csv",
                 "projects/north-shire-joint-control-room/index.html", "projects/north-shire-fire-control/index.html",
                 "projects/south-shire-co-responding-trial/index.html", "projects/coastal-shared-station/index.html",
                 "projects/hostile-input-test-entry/index.html", "data/projects/hostile-input-test-entry.json",
                 "insights/index.html", "network/index.html", "enablers/index.html", "insights/combinations/police-fire/index.html"):
        assert path in built
    assert b"Similar projects" in built["projects/north-shire-joint-control-room/index.html"]
    assert b"app-region-map__link" in built["regions/index.html"] and b"app-region-map__link" in built["index.html"]
    data = json.loads(built["data/projects.json"])
    assert data["generated"] == "2026-03-01T12:00:00Z"
    assert any(p["status"] == "completed" for p in data["projects"])
    assert any(p["stale"] for p in data["projects"])
    assert "projects/north-shire-fire-control/" not in built["sitemap.xml"].decode("utf-8")  # an alias redirect


# --- the fixture never depends on git history ---------------------------------------------------

@pytest.fixture
def inside_repo() -> Iterator[Path]:
    """An untracked folder inside the main repository's working tree (in the git-ignored .cache/)."""
    parent = REPO / ".cache"
    parent.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="test-history-", dir=parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_file_dates_outside_any_repository_are_empty(tmp_path: Path) -> None:
    root = copy_fixture(tmp_path)
    with fixture_environment(tmp_path):
        assert catalogue_log(root, PROJECTS_DIR).file_dates() == {}


def test_file_dates_of_an_untracked_folder_inside_the_repository_are_empty(inside_repo: Path) -> None:
    if subprocess.run(["git", "-C", str(REPO), "rev-parse", "--git-dir"], capture_output=True, check=False).returncode:
        pytest.skip("not running from a git checkout")
    root = copy_fixture(inside_repo)
    assert catalogue_log(root, PROJECTS_DIR).file_dates() == {}

