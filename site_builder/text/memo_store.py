"""Authenticated caches in ``ROOT/.cache/``: the key that signs them, and a store of computed values.

Every cache a build trusts is signed with HMAC-SHA256 under a key kept outside the repository
(``$XDG_CACHE_HOME/catalogue/cache-key``, default ``~/.cache/catalogue/cache-key``, made on first use
with mode 0600). A cache file planted in a pull request, damaged, or made with another key fails the
check and is ignored: the build is then only slower. Nothing is unpickled before its signature checks.

:class:`MemoStore` keeps values computed from inputs (a project's parse, its search terms) under a key
the caller derives from those inputs (their bytes' digest, plus a ``version`` that covers the code).
Each build keeps what it used and what it added, so the file never grows with stale entries.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import importlib.metadata
import os
import pickle
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from site_builder.runtime.parallel import parallel_map
from site_builder.text import file_trust
from site_builder.text.file_access import cache_file

KEY_BYTES = 32
SIGNATURE_CHARS = 64  # an HMAC-SHA256 in hex: the first line of every signed file
STORE_VERSION = b"memo-1"
PACKAGE = Path(__file__).resolve().parent.parent  # site_builder/
# Cache files that earlier versions of the tool wrote and this one no longer reads: removed by the build.
OBSOLETE = ("markdown.json", "csv-rows.pickle", "xlsx.pickle", "manifest.json")
DELTA_SHARE = 0.1  # changed entries (added or dropped), as a share of the store, up to which only a delta is written


def source_version(tag: str, sources: Iterable[str], libraries: Iterable[str] = ()) -> str:
    """A store's ``version``: ``tag``, Python's and Unicode's versions, the ``libraries``' versions and the
    bytes of the package modules ``sources`` (paths under ``site_builder/``) that compute what it keeps."""
    return _source_version(tag, tuple(sources), tuple(libraries))


@functools.cache  # the source does not change while a process runs
def _source_version(tag: str, sources: tuple[str, ...], libraries: tuple[str, ...]) -> str:
    digest = hashlib.sha256(f"{tag}\0{sys.version}\0{unicodedata.unidata_version}\0".encode())
    for name in libraries:
        digest.update(f"{name}={importlib.metadata.version(name)}\0".encode())
    for rel in sources:
        digest.update(rel.encode("utf-8") + b"\0" + hashlib.sha256((PACKAGE / rel).read_bytes()).digest())
    return digest.hexdigest()


def key_path() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "catalogue" / "cache-key"


def cache_key(root: Path) -> bytes | None:
    """The HMAC key, made on first use; ``None`` (no cache) if it cannot be had or would be inside ``root``."""
    path = key_path()
    try:
        if path.resolve().is_relative_to(root.resolve()):
            return None  # a key in the checkout could be committed along with the cache
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(os.urandom(KEY_BYTES))
        if path.is_symlink():
            return None
        key = path.read_bytes()
    except OSError:
        return None
    return key if len(key) == KEY_BYTES else None


def sign(key: bytes, body: bytes | memoryview) -> bytes:
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode("ascii")


def remove_obsolete(root: Path) -> None:
    """Delete the cache files of :data:`OBSOLETE` under ``ROOT/.cache/`` (regular files only: a symlink,
    or anything a symlink leads to, is left alone). Tens of megabytes that nothing reads any more."""
    for name in OBSOLETE:
        path = cache_file(root, f".cache/{name}")
        if path is not None and path.is_file() and not path.is_symlink():
            with contextlib.suppress(OSError):
                path.unlink()


class _SigningWriter:
    """A file's ``write`` that also feeds an HMAC, so a value is pickled straight to disk and signed as it goes."""

    def __init__(self, handle: BinaryIO, mac: hmac.HMAC) -> None:
        self._handle, self._mac = handle, mac

    def write(self, data: bytes) -> int:
        self._mac.update(data)
        return self._handle.write(data)


def dump_signed(key: bytes, path: Path, value: Any) -> bool:
    """Pickle ``value`` to ``path``, atomically (a ``.tmp`` sibling, then a rename): a line with the HMAC of
    the pickle, then the pickle. It goes straight to disk, signed as it is written, never in memory as one
    object (a store of 150 MB would double the build's peak for a moment)."""
    tmp = path.with_suffix(".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.unlink(missing_ok=True)  # a symlink planted there is removed, never written through
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(b"0" * SIGNATURE_CHARS + b"\n")  # the signature's place, written once the pickle is
            mac = hmac.new(key, digestmod=hashlib.sha256)
            pickle.dump(value, _SigningWriter(handle, mac), protocol=pickle.HIGHEST_PROTOCOL)
            handle.seek(0)
            handle.write(mac.hexdigest().encode("ascii"))
        tmp.replace(path)
    except OSError:
        return False
    return True


def load_signed(key: bytes, path: Path) -> Any | None:
    """The value pickled in ``path`` by :func:`dump_signed`, or ``None`` if the file is
    missing, damaged or forged. The whole file is checked against its signature before anything is unpickled
    (unless this process or an earlier one checked this very file already: see :mod:`file_trust`); it is
    read in pieces, from one open file, so neither its bytes nor a copy are held at once."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            head = handle.read(SIGNATURE_CHARS + 1)
            if len(head) != SIGNATURE_CHARS + 1 or head[-1:] != b"\n":
                return None
            info = os.fstat(handle.fileno())
            if not file_trust.is_trusted(key, path, info, head[:-1]):
                mac = hmac.new(key, digestmod=hashlib.sha256)
                while chunk := handle.read(1 << 20):
                    mac.update(chunk)
                if not hmac.compare_digest(head[:-1], mac.hexdigest().encode("ascii")):
                    return None
                file_trust.remember(key, path, info, head[:-1])
            handle.seek(SIGNATURE_CHARS + 1)
            return pickle.load(handle)  # authenticated above: only this tool, with this user's key, wrote it
    except Exception:  # missing, unreadable, or damage that passed the signature (an older Python): a cold cache
        return None


def _load(key: bytes, path: Path | None, version: str) -> dict[str, Any] | None:
    """The entries of a store file of this ``version``, if it is authentic; ``None`` otherwise."""
    found = load_signed(key, path) if path is not None else None
    if isinstance(found, tuple) and len(found) == 3 and found[:2] == (STORE_VERSION, version) and isinstance(found[2], dict):
        return found[2]
    return None


class MemoStore:
    """Values by key, from ``ROOT/.cache/<name>.pickle`` if it is authentic and of this ``version``.

    A build that changes only a few entries writes them, and the keys it dropped, to a small
    ``<name>.delta.pickle`` beside it instead of the whole store again (hundreds of megabytes at
    10,000 projects); the store is written whole, and the delta removed, once the changes pass
    :data:`DELTA_SHARE` of it. Keys name their values (a digest of the inputs, under a version that
    covers the code), so a delta can never give a wrong value, only a missing one.
    """

    def __init__(self, key: bytes, path: Path, version: str, delta: Path | None = None) -> None:
        self._key, self._path, self._version, self._delta_path = key, path, version, delta
        self._base: dict[str, Any] = _load(key, path, version) or {}
        self._old = self._base
        self.new: dict[str, Any] = {}
        self.hits = 0
        self._added = False
        changes = _load(key, delta, version) if self._base else None
        if changes is not None and isinstance(changes.get("added"), dict) and isinstance(changes.get("dropped"), list):
            self._old = {k: v for k, v in self._base.items() if k not in set(changes["dropped"])} | changes["added"]

    @classmethod
    def open(cls, root: Path, name: str, version: str) -> MemoStore | None:
        """The store ``name`` at ``root``; ``None`` where there can be none (no key, a symlinked ``.cache``)."""
        key = cache_key(root)
        path = cache_file(root, f".cache/{name}.pickle")
        return None if key is None or path is None else cls(key, path, version, cache_file(root, f".cache/{name}.delta.pickle"))

    def companion(self, name: str) -> MemoStore | None:
        """The store ``name`` beside this one, under the same version (for values read less often)."""
        return MemoStore.open(self._path.parent.parent, name, self._version)

    def get(self, key: str) -> Any | None:
        """The value kept under ``key`` (and kept again by :meth:`save`), or ``None``."""
        value = self.new.get(key)
        if value is None:
            value = self._old.get(key)
            if value is not None:
                self.hits += 1
                self.new[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        self.new[key] = value
        self._added = True

    def changed(self) -> bool:
        """Whether :meth:`save` would write other entries than the files hold (a value added, or one not used)."""
        return self._added or len(self.new) != len(self._old)

    def save(self) -> bool:
        """Write what this build used and added; entries it did not use are dropped.

        When it used every entry and added none, the files already hold exactly that, and are left alone.
        """
        if not self.changed():
            return True
        added = {k: v for k, v in self.new.items() if self._base.get(k, self) is not v}  # new, or put anew
        dropped = [k for k in self._base if k not in self.new]
        if self._delta_path is not None and self._base and len(added) + len(dropped) <= DELTA_SHARE * len(self._base):
            return dump_signed(self._key, self._delta_path, (STORE_VERSION, self._version, {"added": added, "dropped": dropped}))
        written = dump_signed(self._key, self._path, (STORE_VERSION, self._version, self.new))
        if written and self._delta_path is not None:
            with contextlib.suppress(OSError):
                self._delta_path.unlink(missing_ok=True)  # the store holds it all now
        return written


def kept_or_made(store: MemoStore | None, keys: Sequence[str | None], valid: Callable[[Any], bool],
                 make: Callable[[int], Any], jobs: int = 1) -> list[Any]:
    """For each position, the value ``store`` keeps under its key if ``valid`` says it is one, else ``make(position)``.

    What is made is made on ``jobs`` forked processes (``parallel_map``; ``make`` is a module-level function
    reading what was set before the call) and kept in ``store``. A position whose key is ``None`` is always made.
    """
    found: list[Any] = [store.get(key) if store is not None and key is not None else None for key in keys]
    todo = [number for number, value in enumerate(found) if value is None or not valid(value)]
    for number, value in zip(todo, parallel_map(make, todo, jobs), strict=True):
        found[number] = value
        key = keys[number]
        if store is not None and key is not None:
            store.put(key, value)
    return found
