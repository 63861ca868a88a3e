"""Guards for the whole test session."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
GUARDED = ("content", "schema", "templates", "site.yaml", "CONTRIBUTING.md", ".github")


def _snapshot() -> dict[str, str]:
    """Every file under the guarded paths of the checkout, by content hash."""
    found: dict[str, str] = {}
    for name in GUARDED:
        top = REPO / name
        for path in [top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []:
            if path.is_file():
                found[path.relative_to(REPO).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


@pytest.fixture(scope="session", autouse=True)
def the_checkout_is_left_as_it_was() -> Iterator[None]:
    """No test may write into the real catalogue: every test works in a temporary copy."""
    before = _snapshot()
    yield
    after = _snapshot()
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    assert not changed, f"tests changed files of the checkout: {changed}"


@pytest.fixture(scope="session", autouse=True)
def cache_key_outside_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The build cache's HMAC key (site_builder/build/output_cache.py) goes in a temporary folder, not ~/.cache."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
    yield
    patch.undo()
