"""Caches of the data exports (``.cache/csv-rows.pickle``, ``.cache/xlsx.pickle``): their stores and versions.

A value is kept under a digest of everything it is made from, and the store's ``version`` covers the
code that makes it (these modules' source) and the libraries whose output it is (openpyxl, lxml, zlib),
so a hit always gives the bytes a fresh computation would. The stores are ``MemoStore``s: signed with the
user's key, so a planted or damaged file is ignored, and a build keeps only the entries it used.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import sys
import zlib
from pathlib import Path

from site_builder.text.memo_store import MemoStore

_HERE = Path(__file__).resolve().parent
# The sources every export is computed by: the records, the JSON writer, the XML-illegal character filter.
_SOURCES = (_HERE / "data.py", _HERE / "markdown.py", _HERE / "export_cache.py", _HERE.parent / "runtime" / "jsonio.py")


def code_version(*sources: Path, libraries: tuple[str, ...] = ()) -> str:
    """A digest of the export code, ``sources``, the Python version and the ``libraries``' versions."""
    digest = hashlib.sha256(sys.version.encode("utf-8") + b"\0" + zlib.ZLIB_RUNTIME_VERSION.encode("ascii"))
    for path in (*_SOURCES, *sources):
        digest.update(path.name.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    for name in libraries:
        digest.update(f"{name}={importlib.metadata.version(name)}\0".encode())
    return digest.hexdigest()


def open_store(root: Path | None, name: str, version: str) -> MemoStore | None:
    """The store ``name`` of the catalogue at ``root``; ``None`` (compute everything) when ``root`` is ``None``."""
    return None if root is None else MemoStore.open(root, name, version)
