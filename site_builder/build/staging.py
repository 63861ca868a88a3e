"""Writing the built site: into a marked staging folder beside the output, then published in one step.

The staging folder ``.NAME.new-PID`` gets the marker file first (see safe_paths.py), then every file;
nothing at the output path changes until all of it is written, and a failed build removes the
staging folder and leaves the previous site exactly as it was.

Publishing is atomic: on Linux, ``renameat2(RENAME_EXCHANGE)`` swaps the staging folder and the live
site in one system call, so the output is a complete, real folder at every instant (a server keeps
answering from it during a rebuild). Where that call is missing (not Linux, glibc before 2.28) or the
file system cannot exchange, two renames are used instead, with a moment where there is no site.

The displaced old site is renamed to ``.NAME.old-PID.N`` and deleted by a detached background process,
so the command does not wait for it, even to exit (tests and the dev server can, with
:func:`wait_for_trash`); stray folders of earlier builds are handed to such a process too. A build killed part-way leaves marked ``.NAME.new-PID`` or
``.NAME.old-PID.N`` folders behind: the next build deletes those whose process is no longer running.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import itertools
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import cast

from site_builder.build.output_cache import OutputCache, Stat
from site_builder.build.safe_paths import MARKER, MARKER_TEXT, UnsafeOutput, guard, is_empty_folder, is_marked, shown
from site_builder.runtime.stopping import Stopped, pause_point, signals_deferred

# File creation dominates writing a large site; a few threads overlap the system calls.
WRITER_THREADS = 4
AT_FDCWD = -100
RENAME_EXCHANGE = 2
# Errors that mean "the disk cannot take the site", whichever file the system call was about.
WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO, errno.EFBIG}


def _renameat2() -> Callable[[int, bytes, int, bytes, int], int] | None:
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or glibc older than 2.28
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return cast(Callable[[int, bytes, int, bytes, int], int], function)


RENAMEAT2 = _renameat2()


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths in one system call. False where the system or file system cannot."""
    if RENAMEAT2 is None:
        return False
    if RENAMEAT2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # an old kernel, or no exchange on this file system
        return False
    raise OSError(code, os.strerror(code), str(second))


class OutputError(Exception):
    """The site could not be written (disk full, read-only folder, ...): a usage error, exit 2."""


def _named(exc: OSError) -> Path | None:
    return Path(os.fsdecode(exc.filename)) if isinstance(exc.filename, str | bytes) else None


def about_output(exc: OSError, out: Path) -> bool:
    """Whether ``exc`` is about writing the site: it names a path beside or in ``out``, or is a disk error."""
    where = _named(exc)
    return exc.errno in WRITE_ERRNOS if where is None else where.is_relative_to(out.parent)


def write_error(exc: OSError, staging: Path, out: Path) -> OutputError:
    """``exc`` as a located error: the file it names (in the staging folder shown as in ``out``), else ``out``."""
    where = _named(exc) or out
    if where.is_relative_to(staging):
        where = out / where.relative_to(staging)
    return OutputError(f"cannot write the site to {shown(where)}: {exc.strerror or exc}; the previous site was left as it was; "
                       "free some space or make the folder writable, or choose another --out")


def write_file(path: Path, data: bytes) -> None:
    """Write one file of the site (the one place the writer threads touch the disk)."""
    try:
        path.write_bytes(data)
    except OSError as exc:
        if exc.filename is None:  # write() and close() errors do not say which file
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


# --- removing old sites ---------------------------------------------------------------------------

# A separate process, in its own session, so that the command can exit while it runs: never waiting
# for 20,000 unlinks. It only ever gets folders this module named and marked (see publish and strays).
_DELETER = "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)"
_deleters: list[tuple[subprocess.Popen[bytes], Path]] = []
_in_flight: set[Path] = set()
_sequence = itertools.count(1)


def discard(path: Path) -> None:
    """Delete the folder ``path`` in a detached background process (see :func:`wait_for_trash`)."""
    _in_flight.add(path)
    try:
        proc = subprocess.Popen([sys.executable, "-I", "-S", "-c", _DELETER, str(path)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:  # cannot start a process: delete it here
        shutil.rmtree(path, ignore_errors=True)
        _in_flight.discard(path)
        return
    _deleters.append((proc, path))


def wait_for_trash() -> None:
    """Wait until every old site handed to :func:`discard` is deleted (tests, and a server between rebuilds)."""
    while _deleters:
        proc, path = _deleters.pop()
        proc.wait()
        _in_flight.discard(path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return pid > 0  # another user's process; 0 and nonsense are not processes
    return pid > 0


def strays(out: Path) -> list[Path]:
    """Marked staging and old folders beside ``out`` left by builds that are no longer running."""
    pattern = re.compile(rf"\.{re.escape(out.name)}\.(?:new|old)-(?P<pid>[0-9]{{1,10}})(?:\.[0-9]+)?")
    found = []
    for entry in sorted(out.parent.iterdir()):
        match = pattern.fullmatch(entry.name)
        if not match or entry in _in_flight or not is_marked(entry):
            continue
        pid = int(match["pid"])
        if pid == os.getpid() or not _alive(pid):  # ours and not in flight: left by a failed clean-up, or by a killed
            found.append(entry)                   # process that had the same id (process ids are reused)
    return found


class StagedSite:
    """A staging folder for one build. Use as a context manager; call :meth:`publish` to swap it in.

    Raises :class:`UnsafeOutput` for an output folder the build must not replace, and turns every
    failure to write into :class:`OutputError`.
    """

    def __init__(self, out: Path, root: Path) -> None:
        self.out = guard(out, root)  # again, right before anything is written
        self.path = self.out.parent / f".{self.out.name}.new-{os.getpid()}"
        self.published = False
        # Each file put here, with the hash of its bytes where the build cache holds it (None: not known).
        self.contents: dict[str, str | None] = {MARKER: None}
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            for stray in strays(self.out):
                discard(stray)
            self.path.mkdir()
        except OSError as exc:
            raise write_error(exc, self.path, self.out) from exc
        try:
            (self.path / MARKER).write_bytes(MARKER_TEXT)
        except OSError as exc:
            shutil.rmtree(self.path, ignore_errors=True)
            raise write_error(exc, self.path, self.out) from exc

    def __enter__(self) -> StagedSite:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if isinstance(exc, Stopped):
            exc.published = self.published
        if os.path.lexists(self.path) and not self.path.is_symlink():  # the unpublished site, or an old one swapped out
            shutil.rmtree(self.path, ignore_errors=True)
        if isinstance(exc, OSError) and about_output(exc, self.out):
            raise write_error(exc, self.path, self.out) from exc

    def write_all(self, files: Mapping[str, bytes], cache: OutputCache | None = None) -> None:
        """Write ``files`` (relative posix path -> bytes) into the staging folder.

        With a ``cache``, a file whose bytes the cache holds is hard-linked from it instead of written
        (here, in one pass: a link is cheaper than handing it to a thread), and each file written is
        recorded in it. Files of the same bytes are written once and linked to each other. Either way
        each path is a new file in the staging folder.
        """
        for folder in sorted({rel.rpartition("/")[0] for rel in files} - {""}):
            (self.path / folder).mkdir(parents=True, exist_ok=True)
        if cache is None:
            self.contents.update(dict.fromkeys(files))
            self._write_in_threads([(rel, files[rel]) for rel in sorted(files)], None)
            return
        first: dict[str, str] = {}  # content hash -> the first path with those bytes
        later: list[tuple[str, str]] = []  # (path, hash) of the other paths with bytes a file is written for
        todo: list[tuple[str, bytes]] = []
        base = str(self.path)
        for count, rel in enumerate(sorted(files)):
            if count == len(files) // 2:
                pause_point("write")
            data = files[rel]
            sha = self.contents[rel] = hashlib.sha256(data).hexdigest()
            if sha in first:
                later.append((rel, sha))
            elif cache.place(sha, f"{base}/{rel}"):  # a string: see output_cache.StrPath
                first[sha] = rel
            else:
                first[sha] = rel
                todo.append((rel, data))
        self._write_in_threads(todo, cache)
        for rel, sha in later:
            if not cache.place(sha, self.path / rel):  # its first file could not be kept (another file system)
                write_file(self.path / rel, files[rel])

    def _write_in_threads(self, todo: list[tuple[str, bytes]], cache: OutputCache | None) -> None:
        def put(item: tuple[str, bytes]) -> None:
            target = self.path / item[0]
            write_file(target, item[1])
            if cache is not None:
                cache.keep(hashlib.sha256(item[1]).hexdigest(), target)

        if len(todo) < WRITER_THREADS:
            for item in todo:
                put(item)
            return
        pool = ThreadPoolExecutor(WRITER_THREADS)
        try:
            with signals_deferred():  # the writer threads start now, and leave the stop signals to the main thread
                for _ in pool.map(put, todo):
                    pass
        finally:
            pool.shutdown(wait=True, cancel_futures=True)  # on an error or a signal, do not write the rest

    def published_files(self, cache: OutputCache | None) -> dict[str, Stat] | None:
        """Every file of the published site with its size, time and inode, as a walk of it finds them
        (``stamp.site_files``), mostly without a system call: a file linked to a build-cache object shares
        its inode, and so its stat. ``None`` if a file is missing.

        A file that does not share its object's inode (written again beside an object with the same bytes,
        say) is recorded with the object's stat: the next build then finds the site changed and builds it
        in full, which is only slower.
        """
        found: dict[str, Stat] = {}
        for rel, sha in self.contents.items():
            known = cache.stat_of(sha) if cache is not None and sha is not None else None
            if known is None:
                try:
                    info = os.lstat(self.out / rel)
                except OSError:
                    return None
                known = (info.st_size, info.st_mtime_ns, info.st_ino)
            found[rel] = known
        return found

    def _trash_name(self) -> Path:
        while True:
            path = self.out.parent / f".{self.out.name}.old-{os.getpid()}.{next(_sequence)}"
            if not os.path.lexists(path):
                return path

    def publish(self) -> None:
        """Swap the staging folder in as the output; the old site is deleted in the background."""
        if self.out.is_symlink() or (self.out.exists() and not is_marked(self.out) and not is_empty_folder(self.out)):
            raise UnsafeOutput(f"--out {shown(self.out)}: changed during the build and is no longer a folder the build made; "
                               "the new site was not published")
        pause_point("publish")
        with signals_deferred():  # a signal now is handled once the site and the flag agree
            if not os.path.lexists(self.out) or is_empty_folder(self.out):
                self.path.rename(self.out)  # onto an empty folder, rename replaces it in one step
                self.published = True
                return
            if exchange(self.path, self.out):
                self.published = True
                pause_point("published")
                old = self._trash_name()
                self.path.rename(old)
            else:  # no atomic exchange here: two renames, with a moment where there is no site
                old = self._trash_name()
                self.out.rename(old)
                pause_point("between-renames")
                try:
                    self.path.rename(self.out)
                except BaseException:
                    old.rename(self.out)
                    raise
                self.published = True
        discard(old)
