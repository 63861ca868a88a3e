"""The build cache in ``ROOT/.cache/``: every output file by content hash, and which page inputs made which page.

- ``.cache/objects/<sha256>`` holds one file of a built site, named by the sha256 of its bytes. Built
  files are hard-linked between the object store and the staging folder, so an unchanged file is never
  written again, and a page whose inputs are unchanged is never rendered again.
- ``.cache/manifest.pickle`` maps each page's input key (:mod:`fingerprint`) to the hash of its HTML, and
  each object to the size, modification time and inode it had when this tool made it. (A pickle, not
  JSON: at 10,000 projects it holds 50,000 entries, and JSON took a tenth of a second each way.)

The manifest is authenticated (:mod:`site_builder.text.memo_store`): its first line is an HMAC-SHA256 of the rest, with a key kept outside
the repository (``$XDG_CACHE_HOME/catalogue/cache-key``, default ``~/.cache/catalogue/cache-key``,
made on first use with mode 0600). A manifest planted in a pull request, damaged, or made with another
key is ignored, and so is an object whose size, time or inode no longer matches (a file replaced or
rewritten); such a build is only slower. Rendered pages hold sanitised contributor text, so no page
HTML is ever taken from a cache this process cannot authenticate.

Nothing writes into an existing file: the staging folder only gets new files and links, and objects are
only ever added by linking a finished file, or removed. A ``.cache`` that is a symlink is never used.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from site_builder.text.file_access import cache_file
from site_builder.text.memo_store import MemoStore, cache_key, dump_signed, load_signed, source_version

MANIFEST = ".cache/manifest.pickle"
OBJECTS = ".cache/objects"
MANIFEST_VERSION = 2
HEADS = "page-heads"  # ROOT/.cache/page-heads.pickle: each page object's <head>, by its sha256


Stat = tuple[int, int, int]  # size, mtime_ns, inode
# Paths here are strings: a pathlib.Path costs more to make than the system call it is for, 35,000 times a build.
StrPath = str | os.PathLike[str]


def _stat_of(path: StrPath) -> Stat | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino) if stat.S_ISREG(info.st_mode) else None


class OutputCache:
    """One build's view of the cache: what it may reuse, and what it records for the next build."""

    def __init__(self, root: Path, key: bytes, objects: Path, manifest: Path, fingerprint: str) -> None:
        self._key, self.objects, self._manifest, self.fingerprint = key, objects, manifest, fingerprint
        self._prefix = f"{objects}{os.sep}"
        # Reading the <head> of each of 14,000 linked pages from its file took a quarter of a second after an edit.
        self._heads = MemoStore.open(root, HEADS, source_version("page-heads-1", ("outputs/render.py",)))
        self.pages: dict[str, str] = {}  # page input key -> object
        self._known: dict[str, Stat] = {}  # object -> its stat when this tool made or checked it
        self.new_pages: dict[str, str] = {}
        self.new_objects: dict[str, Stat] = {}
        self._load()

    @classmethod
    def open(cls, root: Path, fingerprint: str) -> OutputCache | None:
        """The cache at ``root``, or ``None`` where there can be none (no key, a symlinked ``.cache``)."""
        key = cache_key(root)
        objects, manifest = cache_file(root, OBJECTS), cache_file(root, MANIFEST)
        if key is None or objects is None or manifest is None:
            return None
        try:
            objects.mkdir(parents=True, exist_ok=True)
        except OSError:
            return None
        if objects.is_symlink() or not objects.is_dir():
            return None
        return cls(root, key, objects, manifest, fingerprint)

    def _load(self) -> None:
        found = load_signed(self._key, self._manifest)  # None: missing, damaged, or not made with our key
        if not isinstance(found, dict) or found.get("version") != MANIFEST_VERSION:
            return
        objects, pages = found.get("objects"), found.get("pages")
        if not isinstance(objects, dict) or not isinstance(pages, dict):
            return
        self._known = objects
        if found.get("fingerprint") == self.fingerprint:  # another tool, templates or libraries: no page is reused
            self.pages = {k: v for k, v in pages.items() if v in objects}

    def _valid(self, sha: str) -> bool:
        known = self._known.get(sha)
        return known is not None and _stat_of(self._prefix + sha) == known

    def stat_of(self, sha: str) -> Stat | None:
        """The size, time and inode of the object ``sha`` as this build used or made it (``None``: it did not)."""
        return self.new_objects.get(sha)

    def head(self, sha: str) -> bytes | None:
        """The ``<head>`` of the page object ``sha``, if a build recorded it (:meth:`keep_head`)."""
        found = self._heads.get(sha) if self._heads is not None else None
        return found if isinstance(found, bytes) else None

    def keep_head(self, sha: str, head: bytes) -> None:
        if self._heads is not None:
            self._heads.put(sha, head)

    def link_page(self, page_key: str, target: StrPath) -> str | None:
        """Link the page made from ``page_key`` to ``target``; its object's hash, or ``None`` to render it."""
        sha = self.pages.get(page_key)
        if sha is None or not self._link_object(sha, target):
            return None
        self.new_pages[page_key] = sha
        return sha

    def _link_object(self, sha: str, target: StrPath) -> bool:
        if not self._valid(sha):
            return False
        try:
            os.link(self._prefix + sha, target)
        except OSError:
            return False  # another file system, say: written instead
        self.new_objects[sha] = self._known[sha]
        return True

    def place(self, sha: str, target: StrPath) -> bool:
        """Link the object with hash ``sha`` to ``target`` if the cache has it (in a render worker too)."""
        return self._link_object(sha, target)

    def keep(self, sha: str, built: StrPath, page_key: str | None = None) -> None:
        """Record the freshly written ``built`` file (bytes hashing to ``sha``) as an object, by a hard link."""
        obj = self._prefix + sha
        if sha not in self.new_objects:
            if not self._valid(sha):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(obj)  # noqa: PTH108  # a string path: see StrPath
                try:
                    os.link(built, obj)
                except OSError as exc:
                    if exc.errno != errno.EEXIST:
                        return  # another file system: no cache for this file
            found = _stat_of(obj)
            if found is None:
                return
            self.new_objects[sha] = found
            self._known[sha] = found  # a later file of the same bytes in this build is linked to it too
        if page_key is not None:
            self.new_pages[page_key] = sha

    def save(self) -> None:
        """Write the manifest of this build, and remove the objects it no longer uses."""
        if self._heads is not None:
            self._heads.save()
        manifest = {"version": MANIFEST_VERSION, "fingerprint": self.fingerprint, "pages": self.new_pages,
                    "objects": self.new_objects}
        if not dump_signed(self._key, self._manifest, manifest):
            return
        with contextlib.suppress(OSError):
            names = os.listdir(self.objects)  # noqa: PTH208  # names, not 35,000 Path objects
            self._prune(self._prefix + name for name in names if name not in self.new_objects)

    def _prune(self, paths: Iterable[str]) -> None:
        for path in paths:
            with contextlib.suppress(OSError):
                os.unlink(path)  # noqa: PTH108  # a string path: see StrPath
