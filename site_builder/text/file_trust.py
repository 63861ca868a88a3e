"""Trusting a signed cache file again by its stat, without reading all of it to check its signature.

Checking the HMAC of every store a build opens read 270 MB and took a fifth of a second after an edit
at 10,000 projects, for files that had not changed since the last build checked them. Once a file's
signature has been checked in full, :func:`remember` records, in a small signed index beside it
(``signed-files.pickle``), the file's device, inode, size, modification and change times and its
signature line. A later load whose open file has all of them (:func:`is_trusted`) skips the check.

This is the build cache's own rule for its objects (``build/output_cache.py``): a file this tool wrote
or checked, with the stat it had, is the same file. A file planted in a pull request, copied in, or
rewritten in place has another inode or change time (which no program can set back), and is checked
in full. Change times move in ticks of the kernel's clock, so a file is trusted only if it was
recorded at least :data:`SETTLED_NS` after it last changed: a change in the same tick as the record
cannot go unseen. The index is signed like the files, and one that fails its check is ignored.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import pickle
import time
from pathlib import Path

INDEX = "signed-files.pickle"
SETTLED_NS = 2_000_000_000
MAX_INDEX_BYTES = 1 << 20

Entry = tuple[int, int, int, int, int, bytes, int]  # device, inode, size, mtime_ns, ctime_ns, signature, when recorded


def _stat_key(info: os.stat_result) -> tuple[int, int, int, int, int]:
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).hexdigest().encode("ascii")


def _read_index(key: bytes, folder: Path) -> dict[str, Entry]:
    try:
        fd = os.open(folder / INDEX, os.O_RDONLY | os.O_NOFOLLOW)
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(MAX_INDEX_BYTES + 1)
        signature, _, body = raw.partition(b"\n")
        if len(raw) > MAX_INDEX_BYTES or not hmac.compare_digest(signature, _mac(key, body)):
            return {}
        found = pickle.loads(body)  # authenticated above
    except Exception:  # missing, unreadable or damaged: nothing is trusted
        return {}
    return found if isinstance(found, dict) else {}


def is_trusted(key: bytes, path: Path, info: os.stat_result, signature: bytes) -> bool:
    """Whether the open file ``path`` (``info``: its ``fstat``; ``signature``: its first line) is one whose
    signature was checked in full, as it is now."""
    entry = _read_index(key, path.parent).get(path.name)
    return (entry is not None and len(entry) == 7 and entry[:5] == _stat_key(info) and entry[5] == signature
            and entry[4] + SETTLED_NS <= entry[6])


def remember(key: bytes, path: Path, info: os.stat_result, signature: bytes) -> None:
    """Record the open file ``path``, whose signature was just checked in full (a lost update is only a slower load)."""
    folder = path.parent
    index = _read_index(key, folder)
    entry: Entry = (*_stat_key(info), signature, time.time_ns())
    old = index.get(path.name)
    if old is not None and old[:6] == entry[:6] and old[4] + SETTLED_NS <= old[6]:
        return  # recorded, and settled, already
    names = set(os.listdir(folder))  # noqa: PTH208  # names only: entries of files gone are dropped
    index = {name: found for name, found in index.items() if name in names}
    index[path.name] = entry
    body = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
    tmp = folder / (INDEX + ".tmp")
    with contextlib.suppress(OSError):
        tmp.unlink(missing_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(_mac(key, body) + b"\n" + body)
        tmp.replace(folder / INDEX)
