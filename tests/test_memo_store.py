"""The authenticated value store under .cache/: what it returns, and what it refuses to trust."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from site_builder.text import memo_store
from site_builder.text.memo_store import MemoStore, cache_key, key_path


def _store(root: Path, version: str = "v1") -> MemoStore:
    store = MemoStore.open(root, "things", version)
    assert store is not None
    return store


def test_saved_values_come_back_in_the_next_store(tmp_path: Path) -> None:
    first = _store(tmp_path)
    assert first.get("a") is None
    first.put("a", {"value": (1, "x")})
    assert first.save()
    second = _store(tmp_path)
    assert second.get("a") == {"value": (1, "x")}
    assert second.hits == 1


def test_entries_not_used_by_a_build_are_dropped(tmp_path: Path) -> None:
    first = _store(tmp_path)
    first.put("old", 1)
    first.put("kept", 2)
    first.save()
    second = _store(tmp_path)
    assert second.get("kept") == 2
    second.save()
    third = _store(tmp_path)
    assert (third.get("old"), third.get("kept")) == (None, 2)


def test_another_version_starts_empty(tmp_path: Path) -> None:
    first = _store(tmp_path, "v1")
    first.put("a", 1)
    first.save()
    assert _store(tmp_path, "v2").get("a") is None


def test_a_planted_or_damaged_file_is_never_unpickled(tmp_path: Path) -> None:
    first = _store(tmp_path)
    first.put("a", 1)
    first.save()
    path = tmp_path / ".cache" / "things.pickle"
    signature, _, body = path.read_bytes().partition(b"\n")
    path.write_bytes(signature + b"\n" + body[:-1] + bytes([body[-1] ^ 1]))  # one bit changed
    assert _store(tmp_path).get("a") is None

    class Boom:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (os.system, ("touch planted",))

    path.write_bytes(b"0" * 64 + b"\n" + pickle.dumps(Boom()))  # what a pull request could commit
    assert _store(tmp_path).get("a") is None
    assert not (tmp_path / "planted").exists() and not Path("planted").exists()


def test_a_symlinked_cache_or_a_key_inside_the_checkout_means_no_store(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    root = tmp_path / "root"
    root.mkdir()
    (root / ".cache").symlink_to(elsewhere)
    assert MemoStore.open(root, "things", "v1") is None
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other"))
    assert cache_key(tmp_path / "other") is None  # the key would be inside the catalogue
    assert key_path().is_relative_to(tmp_path / "other")


def test_a_store_version_follows_the_source_the_libraries_and_the_tag(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.py").write_text("x = 1\n", encoding="utf-8")
    monkeypatch.setattr(memo_store, "PACKAGE", tmp_path)
    memo_store._source_version.cache_clear()
    first = memo_store.source_version("t", ["a.py"])
    assert memo_store.source_version("t", ["a.py"]) == first
    assert memo_store.source_version("other", ["a.py"]) != first
    assert memo_store.source_version("t", ["a.py"], ["pydantic"]) != first
    (tmp_path / "a.py").write_text("x = 2\n", encoding="utf-8")
    memo_store._source_version.cache_clear()  # a new process
    assert memo_store.source_version("t", ["a.py"]) != first
    memo_store._source_version.cache_clear()


def _saved(root: Path, entries: dict[str, int]) -> None:
    store = _store(root)
    for key, value in entries.items():
        store.put(key, value)
    assert store.save()


def test_a_few_changes_are_written_as_a_delta_and_come_back(tmp_path: Path) -> None:
    _saved(tmp_path, {f"k{n}": n for n in range(100)})
    base = tmp_path / ".cache" / "things.pickle"
    delta = tmp_path / ".cache" / "things.delta.pickle"
    before = base.read_bytes()
    store = _store(tmp_path)
    for n in range(1, 100):  # k0 is not used: dropped
        assert store.get(f"k{n}") == n
    store.put("fresh", 1000)
    assert store.save()
    assert base.read_bytes() == before and delta.is_file()  # the store itself is not written again
    again = _store(tmp_path)
    assert again.get("fresh") == 1000 and again.get("k5") == 5 and again.get("k0") is None


def test_many_changes_rewrite_the_store_and_remove_the_delta(tmp_path: Path) -> None:
    _saved(tmp_path, {f"k{n}": n for n in range(100)})
    store = _store(tmp_path)
    for n in range(100):
        store.get(f"k{n}")
    store.put("fresh", 1)
    assert store.save()
    delta = tmp_path / ".cache" / "things.delta.pickle"
    assert delta.is_file()
    store = _store(tmp_path)
    for n in range(50):
        store.get(f"k{n}")
    store.put("other", 2)
    assert store.save()
    assert not delta.exists()
    again = _store(tmp_path)
    assert again.get("k49") == 49 and again.get("k50") is None and again.get("other") == 2 and again.get("fresh") is None


def test_a_forged_delta_is_ignored(tmp_path: Path) -> None:
    _saved(tmp_path, {f"k{n}": n for n in range(100)})
    delta = tmp_path / ".cache" / "things.delta.pickle"
    delta.write_bytes(b"0" * 64 + b"\n" + pickle.dumps((memo_store.STORE_VERSION, "v1", {"added": {"k1": "forged"}, "dropped": ["k2"]})))
    store = _store(tmp_path)
    assert store.get("k1") == 1 and store.get("k2") == 2


def test_a_value_pickled_to_disk_as_it_is_signed_reads_back_and_a_changed_byte_does_not(tmp_path: Path) -> None:
    key = b"k" * memo_store.KEY_BYTES
    path = tmp_path / "value.pickle"
    value = {"text": "x" * 300_000, "numbers": list(range(1000))}
    assert memo_store.dump_signed(key, path, value)
    assert memo_store.load_signed(key, path) == value
    signature, _, body = path.read_bytes().partition(b"\n")  # a line with the HMAC of the pickle, then the pickle
    assert signature == memo_store.sign(key, body) and pickle.loads(body) == value
    raw = bytearray(path.read_bytes())
    raw[-10] ^= 1
    path.write_bytes(bytes(raw))
    assert memo_store.load_signed(key, path) is None
    assert memo_store.load_signed(b"o" * memo_store.KEY_BYTES, tmp_path / "missing.pickle") is None


def test_the_cache_files_of_earlier_versions_are_removed_and_symlinks_left_alone(tmp_path: Path) -> None:
    cache = tmp_path / ".cache"
    cache.mkdir()
    (cache / "markdown.json").write_text("{}", encoding="utf-8")
    (cache / "xlsx.pickle").write_bytes(b"old")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious", encoding="utf-8")
    (cache / "csv-rows.pickle").symlink_to(victim)
    (cache / "things.pickle").write_bytes(b"current")
    memo_store.remove_obsolete(tmp_path)
    assert sorted(p.name for p in cache.iterdir()) == ["csv-rows.pickle", "things.pickle"]
    assert victim.read_text(encoding="utf-8") == "precious"
