"""Where the build may write: the guard on ``--out``, the marker of a folder the build made, the cache path.

The build replaces its output folder wholesale, so it must never be pointed at anything it did not make.
:func:`check_out` refuses the catalogue folder and its ancestors, the source folders, anything git tracks,
a symlink, a file and any non-empty folder without the marker; only a folder holding :data:`MARKER`
(written first into every staging folder) or an empty folder is ever replaced.
"""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = "_site"
MARKER = ".catalogue-build"
# Fixed text: the same in every build, so it never makes two builds differ.
MARKER_TEXT = b"This folder was made by 'catalogue build', which replaces all of it on the next build.\n"
SOURCE_FOLDERS = ("content", "schema", "templates")
TOOL_FOLDERS = ("templates", "assets", "site_builder", "tests")  # the builder's own, in its repository


class UnsafeOutput(Exception):
    """The output folder is one the build must not replace (a usage error: exit 2)."""


def is_marked(folder: Path) -> bool:
    """Whether ``folder`` (a real folder, not a symlink) holds the marker of a folder the build made."""
    marker = folder / MARKER
    if folder.is_symlink() or marker.is_symlink() or not marker.is_file():
        return False
    try:
        return marker.read_bytes() == MARKER_TEXT
    except OSError:
        return False


def is_empty_folder(folder: Path) -> bool:
    try:
        return folder.is_dir() and not folder.is_symlink() and next(folder.iterdir(), None) is None
    except OSError:
        return False


def absolute(path: Path) -> Path:
    """``path`` made absolute with every folder above it resolved, but its last part left as it is.

    So a symlink at ``path`` itself is still seen as a symlink, while ``a/../b`` and symlinked parents
    are resolved.
    """
    full = Path.cwd() / path
    if full.name in ("", ".", ".."):
        return full.resolve()
    return full.parent.resolve() / full.name


def shown(path: Path) -> str:
    """A path for messages: relative to the current folder when inside it, else absolute."""
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)


def _git_tracked(root: Path, target: Path) -> list[str]:
    """Files git tracks at or under ``target``, when ``root`` is in a git checkout that holds ``target``."""
    try:
        top = subprocess.run(["git", "-C", str(root), "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, check=False, timeout=60)
        if top.returncode != 0:
            return []
        toplevel = Path(top.stdout.strip()).resolve()
        if not target.is_relative_to(toplevel) or target == toplevel:
            return []  # outside the checkout (the checkout itself is an ancestor of root: refused anyway)
        listed = subprocess.run(["git", "-C", str(toplevel), "ls-files", "-z", "--", target.relative_to(toplevel).as_posix()],
                                capture_output=True, text=True, check=False, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return []
    return [name for name in listed.stdout.split("\0") if name] if listed.returncode == 0 else []


def _protected(root: Path) -> list[tuple[Path, str]]:
    folders = [(root / name, f"{name}/, the catalogue's source") for name in SOURCE_FOLDERS]
    folders += [(REPO / name, f"{name}/ of the catalogue tools") for name in TOOL_FOLDERS]
    return [(folder.resolve(), what) for folder, what in folders]


def refusal(out: Path, root: Path) -> str | None:
    """Why the build must not replace ``out`` (already made absolute), or ``None`` when it may."""
    choose = f"choose a new folder such as {DEFAULT_OUT}"
    if out.is_symlink():
        return f"is a symlink (to {out.readlink()}); the build never replaces a symlink or what it points at; " \
               "remove the link, or choose another --out"
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                return f"{shown(parent)} is a file, not a folder; {choose}"
            break
    real, root = out.resolve(), root.resolve()
    if real == root:
        return f"is the catalogue folder itself; {choose}"
    for place, what in ((root, "the catalogue"), (Path.cwd().resolve(), "the current folder"), (REPO, "the catalogue tools")):
        if place.is_relative_to(real):
            return f"{shown(real)} holds {what}; {choose}"
    for folder, what in _protected(root):
        if real.is_relative_to(folder):
            return f"is {what}; {choose}" if real == folder else f"is inside {what}; {choose}"
    tracked = _git_tracked(root, real)
    if tracked:
        more = f" and {len(tracked) - 1} more" if len(tracked) > 1 else ""
        return f"git tracks {tracked[0]}{more} there; the build only replaces a folder it made itself; {choose}"
    if out.exists() and not out.is_dir():
        return f"is an existing file, not a folder; {choose}"
    if out.is_dir() and not is_marked(out) and not is_empty_folder(out):
        return f"the folder exists and was not made by catalogue build (it has no {MARKER} file); " \
               "delete it yourself, or choose another --out"
    return None


def guard(out: Path, root: Path) -> Path:
    """``out`` made absolute (see :func:`absolute`); raises :class:`UnsafeOutput` if the build must not replace it."""
    full = absolute(out)
    reason = refusal(full, root)
    if reason:
        raise UnsafeOutput(f"--out {shown(full)}: {reason}")
    return full


def check_out(value: str | None, root: Path) -> Path:
    """The output folder to use for ``--out value`` (``None``: ROOT/_site); raises :class:`UnsafeOutput`."""
    if value is not None and not value.strip():
        raise UnsafeOutput(f"--out {shlex.quote(value)}: expected a folder, found an empty value; "
                           f"is a variable unset? Name a folder such as {DEFAULT_OUT}, or leave out --out for ROOT/{DEFAULT_OUT}")
    given = Path(value) if value is not None else root / DEFAULT_OUT
    out = absolute(given)
    reason = refusal(out, root)
    if reason:
        raise UnsafeOutput(f"--out {shlex.quote(value if value is not None else str(given))}: {reason}")
    return out
