"""Nothing to do: a rebuild whose every input is as it was last time, into a site nobody has touched since.

After each successful build with the cache on, the build stamp records, for its output folder:

- a digest of its environment: the tool fingerprint (source, templates, libraries), the front-end
  assets, the options that change the output or the report (``--base-url``, ``--strict``, ``--pdf``),
  ``SOURCE_DATE_EPOCH``, the git commit (dates and change lists come from git), and today's date
  (the review reminders in the report depend on it);
- every content file the load path read and every folder it listed, each with a digest of what it found
  (recorded by :func:`~site_builder.text.file_access.recording_reads`, so a file the loader starts to
  read is covered without a list here to keep up to date);
- every file of the published site with its size, modification time and inode (from the build cache's
  objects, which the site's files are hard links to, rather than a walk of 35,000 files: see
  ``StagedSite.published_files``);
- the build's report and counts, to print them again.

The next build compares all of that first: the files are read again (content, not times, decides), and
the site is walked. Only if everything matches is the build skipped, its report printed as before.
Otherwise, or with ``--no-cache``, the build runs in full. The stamp lives in an authenticated store
(:mod:`site_builder.text.memo_store`), so a stamp planted in a pull request is never believed.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from site_builder.catalogue.history import git_head
from site_builder.catalogue.misplaced import reread_misplaced
from site_builder.catalogue.types import PROJECTS_DIR
from site_builder.diagnostics.report import Report
from site_builder.outputs.assets import MissingAssets, load_assets
from site_builder.text.file_access import Reads, reread
from site_builder.text.memo_store import MemoStore

STORE = "build-stamp"
STAMP_VERSION = "1"
Stat = tuple[int, int, int]  # size, mtime_ns, inode


@dataclass(frozen=True)
class Stamp:
    environment: str
    reads: Reads
    site: dict[str, Stat]
    report: Report
    pages: int
    files: int
    projects: int


def environment_digest(root: Path, fingerprint: str, options: tuple[str, ...], today: str) -> str | None:
    """What every output depends on besides the content files; ``None`` without the front-end assets."""
    try:
        assets = load_assets()
    except MissingAssets:
        return None
    digest = hashlib.sha256(f"{STAMP_VERSION}\0{fingerprint}\0{today}\0".encode())
    for part in options:
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    digest.update(f"{os.environ.get('SOURCE_DATE_EPOCH')!r}\0{git_head(root)!r}\0".encode())
    for url in sorted(assets.files):
        digest.update(url.encode() + b"\0" + hashlib.sha256(assets.files[url]).digest())
    return digest.hexdigest()


def site_files(out: Path) -> dict[str, Stat] | None:
    """Every file under ``out`` with its stat; ``None`` if there is anything but folders and regular files."""
    found: dict[str, Stat] = {}
    pending = [""]
    while pending:
        rel = pending.pop()
        try:
            entries = list(os.scandir(out / rel if rel else out))
        except OSError:
            return None
        for entry in entries:
            path = f"{rel}/{entry.name}" if rel else entry.name
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode):
                pending.append(path)
            elif stat.S_ISREG(info.st_mode):
                found[path] = (info.st_size, info.st_mtime_ns, info.st_ino)
            else:
                return None
    return found


def _reads_unchanged(root: Path, reads: Reads) -> bool:
    listing = reads.get(("folder", PROJECTS_DIR))
    if listing is None:
        return False
    for (kind, rel), digest in reads.items():
        found = reread_misplaced(root, kind, rel) if kind in ("head", "markdown-names") else reread(root, kind, rel)
        if found != digest:
            return False
    return True


class BuildStamps:
    """The stamps of one catalogue's builds, by output folder."""

    def __init__(self, store: MemoStore, out: Path, environment: str) -> None:
        self._store, self._key, self.environment = store, str(out.resolve()), environment

    @classmethod
    def open(cls, root: Path, out: Path, fingerprint: str, options: tuple[str, ...], today: str) -> BuildStamps | None:
        environment = environment_digest(root, fingerprint, options, today)
        store = MemoStore.open(root, STORE, STAMP_VERSION)
        return None if store is None or environment is None else cls(store, out, environment)

    def unchanged(self, root: Path, out: Path) -> Stamp | None:
        """The last build's stamp, if every input and every file of its site is as it was; else ``None``."""
        stamp = self._store.get(self._key)
        if not isinstance(stamp, Stamp) or stamp.environment != self.environment:
            return None
        # The inputs first: after an edit, the changed file is usually found before the whole site is walked.
        if not _reads_unchanged(root, stamp.reads) or site_files(out) != stamp.site:
            return None
        self._store.save()
        return stamp

    def record(self, out: Path, reads: Reads, report: Report, pages: int, files: int, projects: int,
               site: dict[str, Stat] | None = None) -> None:
        """Stamp the build just published in ``out`` (whose inputs were ``reads``); ``site``: its files, as
        :func:`site_files` finds them, if the build knows them (``StagedSite.published_files``), else the site is walked."""
        if not all(("file", f"{PROJECTS_DIR}/{name}") in reads for name in _listed(reads)):
            return  # a project file was read outside this process: its content is not known here, so no stamp
        site = site if site is not None else site_files(out)
        if site is not None:
            self._store.put(self._key, Stamp(self.environment, dict(reads), site, report, pages, files, projects))
            self._store.save()


def _listed(reads: Reads) -> list[str]:
    """The project file names the project folder listing held (as recorded: ``name/is-a-folder``)."""
    listing = reads.get(("folder", PROJECTS_DIR), "")
    return [] if listing.startswith("!") else [entry[:-2] for entry in listing.split("\0") if entry.endswith("/0")]
