"""Caches of the data exports (``.cache/records.pickle``, ``.cache/xlsx-rows.pickle``): their stores and versions.

A value is kept under a digest of everything it is made from, and the store's ``version`` covers the
code that makes it (these modules' source) and the libraries whose output it is (openpyxl, lxml, zlib),
so a hit always gives the bytes a fresh computation would. The stores are ``MemoStore``s: signed with the
user's key, so a planted or damaged file is ignored, and a build keeps only the entries it used.
"""

from __future__ import annotations

import zlib
from pathlib import Path

from site_builder.text.memo_store import PACKAGE, MemoStore, source_version

# The sources every export is computed by: the records, the JSON writer, the XML-illegal character filter.
_SOURCES = ("outputs/data.py", "outputs/markdown.py", "outputs/export_cache.py", "runtime/jsonio.py")


def code_version(*sources: Path, libraries: tuple[str, ...] = ()) -> str:
    """A digest of the export code, ``sources``, the Python and zlib versions and the ``libraries``' versions."""
    extra = [Path(path).resolve().relative_to(PACKAGE).as_posix() for path in sources]
    return source_version(f"exports;zlib={zlib.ZLIB_RUNTIME_VERSION}", (*_SOURCES, *extra), libraries)


def open_store(root: Path | None, name: str, version: str) -> MemoStore | None:
    """The store ``name`` of the catalogue at ``root``; ``None`` (compute everything) when ``root`` is ``None``."""
    return None if root is None else MemoStore.open(root, name, version)
