"""A signed cache file checked in full once is trusted again by its stat (site_builder/text/file_trust.py):
never a file that changed since, was put in its place, or was recorded in the same tick as it changed."""

from __future__ import annotations

import hmac
import os
import pickle
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from site_builder.text import file_trust, memo_store

KEY = b"k" * memo_store.KEY_BYTES
VALUE = {"text": "x" * 100_000, "numbers": list(range(100))}


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many full checks of a signature load_signed made (one HMAC each)."""
    made: list[int] = []

    def new(key: bytes, msg: bytes | None = None, digestmod: Any = "") -> hmac.HMAC:
        made.append(1)
        return hmac.new(key, msg, digestmod)

    monkeypatch.setattr(memo_store, "hmac", SimpleNamespace(new=new, compare_digest=hmac.compare_digest))
    return made


def written(tmp_path: Path, checks: list[int]) -> Path:
    path = tmp_path / "store.pickle"
    assert memo_store.dump_signed(KEY, path, VALUE)
    checks.clear()  # the writer's own HMAC
    return path


@pytest.fixture
def checked(tmp_path: Path, checks: list[int], monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store written, then loaded once (checked in full, and recorded), with no settling time."""
    monkeypatch.setattr(file_trust, "SETTLED_NS", 0)
    path = written(tmp_path, checks)
    assert memo_store.load_signed(KEY, path) == VALUE
    return path


def test_a_file_checked_in_full_is_trusted_while_its_stat_holds(tmp_path: Path, checks: list[int], checked: Path) -> None:
    path = checked
    assert memo_store.load_signed(KEY, path) == VALUE
    assert memo_store.load_signed(KEY, path) == VALUE
    assert len(checks) == 1
    assert (tmp_path / file_trust.INDEX).is_file()


def test_a_file_recorded_in_the_tick_it_changed_is_checked_again(tmp_path: Path, checks: list[int]) -> None:
    path = written(tmp_path, checks)  # just written: its change time is now, within SETTLED_NS of any record
    assert memo_store.load_signed(KEY, path) == VALUE
    assert memo_store.load_signed(KEY, path) == VALUE
    assert len(checks) == 2


def test_a_file_rewritten_in_place_is_checked_in_full(checks: list[int], checked: Path) -> None:
    path = checked
    before = path.stat()
    with path.open("r+b") as handle:  # one byte of the pickle, the same size, the modification time put back
        handle.seek(-10, os.SEEK_END)
        byte = handle.read(1)
        handle.seek(-10, os.SEEK_END)
        handle.write(bytes([byte[0] ^ 1]))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_mtime_ns == before.st_mtime_ns and path.stat().st_ino == before.st_ino
    assert memo_store.load_signed(KEY, path) is None
    assert len(checks) == 2


def test_a_file_put_in_its_place_is_checked_in_full(tmp_path: Path, checks: list[int], checked: Path) -> None:
    path = checked
    signature = path.read_bytes().split(b"\n", 1)[0]
    planted = tmp_path / "planted"
    body = pickle.dumps({"text": "y" * 100_000, "numbers": list(range(100))}, protocol=pickle.HIGHEST_PROTOCOL)
    planted.write_bytes(signature + b"\n" + body)  # the recorded signature line, other contents
    planted.replace(path)
    assert memo_store.load_signed(KEY, path) is None
    assert len(checks) == 2


def test_an_index_not_signed_with_the_key_is_ignored(tmp_path: Path, checks: list[int], checked: Path) -> None:
    path = checked
    index = tmp_path / file_trust.INDEX
    signature, _, body = index.read_bytes().partition(b"\n")
    assert signature == hmac.new(KEY, body, "sha256").hexdigest().encode()
    index.write_bytes(b"0" * len(signature) + b"\n" + body)  # what a pull request could commit
    assert memo_store.load_signed(KEY, path) == VALUE
    assert len(checks) == 2
    assert memo_store.load_signed(b"o" * memo_store.KEY_BYTES, path) is None  # another user's key: checked, and refused
