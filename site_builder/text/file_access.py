"""Opening content files: only ordinary files stored under the catalogue folder, and only so much of them.

Every file the loader reads (project files, the registry, the vocabularies, ``site.yaml``) goes
through :func:`read_content_file`, and the project folder is listed through :func:`list_folder`:

- Symbolic links are never followed, wherever they point (even to another file in the catalogue):
  each part of the path is opened relative to its folder with ``O_NOFOLLOW``, so a link cannot
  publish ``/etc/passwd`` or ``.git/config``, and one file cannot appear twice under two names.
  A link is reported with where it points (a path in the catalogue, or just "outside the
  catalogue"), never with anything read from its target.
- Only regular files are read: the open descriptor is checked with ``fstat``, so a folder, a named
  pipe (opened without blocking), a device or a socket is refused before a byte is read.
- At most ``limit + 1`` bytes are read, whatever the file's size claims to be.

Only ``root`` itself may be a link: whoever runs the command chose it.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from site_builder.diagnostics.report import Diagnostic, quote
from site_builder.text.source_file import MAX_FILE_BYTES, too_large

_FOLDER_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
_CHUNK = 64 * 1024
_KINDS = {
    stat.S_IFDIR: "a folder", stat.S_IFREG: "a file", stat.S_IFIFO: "a named pipe (FIFO)", stat.S_IFCHR: "a device",
    stat.S_IFBLK: "a device", stat.S_IFSOCK: "a socket", stat.S_IFLNK: "a symbolic link",
}


class Refused(Exception):
    """A path that cannot be read, with the diagnostic that says why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.text())
        self.diagnostic = diagnostic


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "something other than a file")


def _link_target(root: Path, rel: str) -> str:
    """Where the link at ``rel`` leads, in words: its path when that is inside the catalogue."""
    real_root = os.path.realpath(root)
    target = os.path.realpath(os.path.join(real_root, rel))  # noqa: PTH118 - realpath of a str path, never read
    if os.path.commonpath([real_root, target]) != real_root:
        return "something outside the catalogue"
    try:
        os.path.realpath(target, strict=True)
    except OSError:  # missing, or a loop of links
        return "nothing (the link is broken)"
    return quote(os.path.relpath(target, real_root))


def _refusal(root: Path, rel: str, folder: bool, exc: OSError | None, mode: int | None) -> Refused:
    """Why ``rel`` could not be opened as a folder (``folder``) or a file: ``exc`` or its ``mode`` says."""
    wanted = "a folder" if folder else "a file"
    if isinstance(exc, FileNotFoundError):
        what = "folder" if folder else "file"
        hint = f"create {rel}/" if folder else f"create {rel}; see the contributor guide"
        return Refused(Diagnostic(rel, 1, 1, "error", "", f"{what} is missing", hint))
    if mode is not None and stat.S_ISLNK(mode):
        return Refused(Diagnostic(rel, 1, 1, "error", "", f"expected {wanted}, found a symbolic link to {_link_target(root, rel)}",
                                  f"replace the link with the {'folder' if folder else 'file'} itself: links are not followed"))
    if mode is not None:
        if folder:
            hint = f"make {rel} a folder"
        elif stat.S_ISDIR(mode):
            hint = f"remove the folder and create {rel} as a file"
        else:
            hint = "replace it with an ordinary file: only files stored in the repository are read"
        return Refused(Diagnostic(rel, 1, 1, "error", "", f"expected {wanted}, found {_kind(mode)}", hint))
    reason = os.strerror(exc.errno).lower() if exc is not None and exc.errno else "unknown error"
    hint = "check its permissions" if exc is not None and exc.errno in (errno.EACCES, errno.EPERM) else "check the path"
    return Refused(Diagnostic(rel, 1, 1, "error", "", f"cannot read {wanted}: {reason}", hint))


def _open(root: Path, rel: str, folder: bool, within: tuple[int, int] | None = None) -> int:
    """A descriptor for ``rel`` under ``root``, opened part by part without following any link.

    Each part is looked at (``lstat``) before it is opened, so that a device is never even opened,
    and the open descriptor is checked again (``fstat``) in case the part changed in between.
    ``within``: a descriptor for the folder made of the first ``n`` parts of ``rel``, opened so by
    this function, and ``n``: the walk goes on from there (and leaves that descriptor open).
    """
    parts = rel.split("/")
    if within is None:
        fd, first = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC), 0
    else:
        fd, first = os.dup(within[0]), within[1]
    try:
        for index, name in enumerate(parts[first:], start=first):
            as_folder = folder or index < len(parts) - 1
            where = "/".join(parts[: index + 1])
            wanted = stat.S_IFDIR if as_folder else stat.S_IFREG
            try:
                mode = os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode
                if stat.S_IFMT(mode) == wanted:
                    opened = os.open(name, _FOLDER_FLAGS if as_folder else _FILE_FLAGS, dir_fd=fd)
            except OSError as exc:
                raise _refusal(root, where, as_folder, exc, None) from None
            if stat.S_IFMT(mode) != wanted:
                raise _refusal(root, where, as_folder, None, mode)
            os.close(fd)
            fd = opened
            mode = os.fstat(fd).st_mode
            if stat.S_IFMT(mode) != wanted:
                raise _refusal(root, where, as_folder, None, mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_at_most(fd: int, limit: int) -> bytes:
    """Up to ``limit + 1`` bytes from ``fd``: enough to tell that a file is too large, never more."""
    chunks: list[bytes] = []
    left = limit + 1
    while left > 0:
        chunk = os.read(fd, min(left, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# What the load path read, while :func:`recording_reads` is on: (kind, rel) -> a digest of what was found.
Reads = dict[tuple[str, str], str]
_recording: list[tuple[int, Reads]] = []


@contextmanager
def recording_reads() -> Iterator[Reads]:
    """Record every content file read and folder listed by this thread meanwhile (a build's inputs).

    Only this thread's reads: serve's watcher thread may read a newer version of a file during a build.
    """
    entry: tuple[int, Reads] = (threading.get_ident(), {})
    _recording.append(entry)
    try:
        yield entry[1]
    finally:
        _recording.remove(entry)


def record_read(kind: str, rel: str, found: str) -> None:
    """Note what was found at ``rel`` (see :func:`found_file`, :func:`found_listing`)."""
    thread = threading.get_ident()
    for owner, reads in _recording:
        if owner == thread:
            reads[kind, rel] = found


def found_file(raw: bytes | None, problems: list[Diagnostic]) -> str:
    """What a read found, as recorded: the digest of the bytes, or why there were none."""
    return hashlib.sha256(raw).hexdigest() if raw is not None else "!" + "\n".join(d.text() for d in problems)


def found_listing(names: list[str] | None, problems: list[Diagnostic]) -> str:
    """What a listing found, as recorded: the names, or why there were none."""
    return "\0".join(names) if names is not None else "!" + "\n".join(d.text() for d in problems)


def reread(root: Path, kind: str, rel: str) -> str | None:
    """What reading ``rel`` finds now, as :func:`read_content_file` or :func:`list_folder` would record it."""
    if kind == "file":
        return found_file(*_read_content_file(root, rel, MAX_FILE_BYTES))
    if kind == "folder":
        return _listing(*_list_folder(root, rel))
    return None


def _listing(found: list[tuple[str, bool]] | None, problems: list[Diagnostic]) -> str:
    return found_listing(None if found is None else [f"{name}/{int(folder)}" for name, folder in found], problems)


def read_content_file(root: Path, rel: str, limit: int = MAX_FILE_BYTES) -> tuple[bytes | None, list[Diagnostic]]:
    """The bytes of the file at ``rel`` (a ``/``-separated path under ``root``), or ``None`` with the reason."""
    raw, problems = _read_file(root, rel, limit, None)
    _record_file(rel, raw, problems, limit)
    return raw, problems


def _record_file(rel: str, raw: bytes | None, problems: list[Diagnostic], limit: int) -> None:
    if _recording:
        record_read("file", rel, found_file(raw, problems) if limit == MAX_FILE_BYTES else f"!limit {limit}")


def _read_content_file(root: Path, rel: str, limit: int) -> tuple[bytes | None, list[Diagnostic]]:
    return _read_file(root, rel, limit, None)


def read_content_files(root: Path, folder: str, rels: list[str],
                       limit: int = MAX_FILE_BYTES) -> list[tuple[bytes | None, list[Diagnostic]]]:
    """:func:`read_content_file` for each of ``rels``, files in ``folder``, which is opened once for all of them."""
    found = _read_content_files(root, folder, rels, limit)
    for rel, (raw, problems) in zip(rels, found, strict=True):
        _record_file(rel, raw, problems, limit)
    return found


def _read_content_files(root: Path, folder: str, rels: list[str], limit: int) -> list[tuple[bytes | None, list[Diagnostic]]]:
    try:
        fd = _open(root, folder, folder=True)
    except Refused:  # each file is refused for the reason it gives, as it would be on its own
        return [_read_file(root, rel, limit, None) for rel in rels]
    depth = len(folder.split("/"))
    try:
        return [_read_file(root, rel, limit, (fd, depth) if rel.startswith(f"{folder}/") else None) for rel in rels]
    finally:
        os.close(fd)


def _read_file(root: Path, rel: str, limit: int, within: tuple[int, int] | None) -> tuple[bytes | None, list[Diagnostic]]:
    try:
        fd = _open(root, rel, folder=False, within=within)
    except Refused as refused:
        return None, [refused.diagnostic]
    try:
        raw = read_at_most(fd, limit)
        size = os.fstat(fd).st_size
    except OSError as exc:
        return None, [Diagnostic(rel, 1, 1, "error", "", f"cannot read the file: {os.strerror(exc.errno or 0).lower()}",
                                 "check the file")]
    finally:
        os.close(fd)
    if len(raw) > limit:
        return None, [too_large(rel, max(size, len(raw)), limit)]
    return raw, []


def list_folder(root: Path, rel: str) -> tuple[list[tuple[str, bool]] | None, list[Diagnostic]]:
    """The entries of the folder ``rel`` as (name, is a folder) pairs sorted by name, links not followed."""
    found, problems = _list_folder(root, rel)
    if _recording:
        record_read("folder", rel, _listing(found, problems))
    return found, problems


def _list_folder(root: Path, rel: str) -> tuple[list[tuple[str, bool]] | None, list[Diagnostic]]:
    try:
        fd = _open(root, rel, folder=True)
    except Refused as refused:
        return None, [refused.diagnostic]
    try:
        with os.scandir(fd) as entries:
            found = sorted((entry.name, entry.is_dir(follow_symlinks=False)) for entry in entries)
    except OSError as exc:
        return None, [Diagnostic(rel, 1, 1, "error", "", f"cannot read the folder: {os.strerror(exc.errno or 0).lower()}",
                                 "check its permissions")]
    finally:
        os.close(fd)
    return found, []


def cache_file(root: Path, rel: str) -> Path | None:
    """``ROOT/rel``, or ``None`` if any part of it (or its ``.tmp`` sibling) is a symlink, which is never followed.

    A cache is only a speed-up, so one that could lead the build outside the checkout is not used.
    """
    path = root / rel
    parts = [root.joinpath(*Path(rel).parts[:n]) for n in range(1, len(Path(rel).parts) + 1)]
    if any(part.is_symlink() for part in [*parts, path.with_suffix(".tmp")]):
        return None
    return path
