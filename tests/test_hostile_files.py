"""Hostile files on disk: links, devices, named pipes and folders where the loader expects a file.

Every case is built in ``tmp_path``; links point at files made there too (or at /dev/zero), never at
a real checkout. The cases that could hang or exhaust memory run ``catalogue`` in a child process
with a 30-second limit, and measure that child's own peak memory.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from site_builder.text.file_access import read_at_most, read_content_file, read_content_files
from tests.golden_update import read_tree
from tests.helpers import VALID_PROJECT, make_catalogue, run_cli

MARKER = "zq7-secret-marker"
LINK_OUT = "found a symbolic link to something outside the catalogue; replace the link with the file itself: links are not followed"
PIPE = "found a named pipe (FIFO); replace it with an ordinary file: only files stored in the repository are read"
TIME_LIMIT = 30.0  # seconds: a regression fails instead of hanging
MEMORY_LIMIT = 300 * 1024 * 1024  # bytes of peak resident memory for one 'catalogue' process


# --- symbolic links -----------------------------------------------------------------------------------

def _secret(rel: str, root: Path) -> str:
    """What a link at ``rel`` leads to: a valid file of the same kind, with the marker where the site would publish it."""
    if rel.startswith("content/projects/"):
        return VALID_PROJECT.replace("Kent joint control room", f"Secret {MARKER} room").replace(
            "The fire control room", f"The {MARKER} body")
    original = (root / rel).read_text(encoding="utf-8")
    named = {"content/organisations.yaml": ("name: Kent Police\n", f"name: Kent {MARKER}\n"),
             "schema/themes.yaml": ("label: Joint control rooms\n", f"label: Joint {MARKER}\n"),
             "site.yaml": ("title: Emergency Services Collaboration Catalogue\n", f"title: {MARKER} catalogue\n")}[rel]
    assert named[0] in original
    return f"# {MARKER} comment line\n" + original.replace(*named)


def _leaks(secret: str, *outputs: str | Path) -> list[str]:
    """Lines of ``secret`` (and the marker) found in any output text or any file under an output folder."""
    texts = []
    for output in outputs:
        if isinstance(output, Path):
            texts += [data.decode("utf-8", "replace") for data in read_tree(output).values()] if output.exists() else []
        else:
            texts.append(output)
    pieces = {MARKER, *(line.strip() for line in secret.splitlines() if len(line.strip()) >= 8)}
    return sorted(piece for piece in pieces if any(piece in text for text in texts))


@pytest.mark.parametrize("rel", ["content/projects/p.md", "content/organisations.yaml", "schema/themes.yaml", "site.yaml"])
def test_a_link_out_of_the_catalogue_is_refused_and_nothing_it_leads_to_is_shown(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], rel: str) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    secret = _secret(rel, root)
    target = tmp_path / "outside" / "secret.txt"
    target.parent.mkdir()
    target.write_text(secret, encoding="utf-8")
    (root / rel).unlink(missing_ok=True)
    (root / rel).symlink_to(target)
    refused = f"{rel}:1:1: error: expected a file, {LINK_OUT}"

    site = tmp_path / "site"
    build_code, build_out = run_cli("build", "--root", str(root), "--out", str(site), "--jobs", "1")
    check_code, check_out = run_cli("check", "--root", str(root))
    err = capsys.readouterr().err
    assert build_code == 1 and refused in build_out.splitlines(), build_out
    if rel != "site.yaml":  # 'check' does not read site.yaml
        assert check_code == 1 and refused in check_out.splitlines(), check_out
    assert err == ""
    assert not site.exists()
    assert _leaks(secret, build_out, check_out, err, site) == []


def test_the_marker_is_published_when_the_same_file_is_not_a_link(tmp_path: Path) -> None:
    """The control for the test above: its secret would reach the site if the link were followed."""
    root = make_catalogue(tmp_path / "catalogue", {"p": _secret("content/projects/p.md", tmp_path)})
    code, out = run_cli("build", "--root", str(root), "--out", str(tmp_path / "site"), "--jobs", "1")
    assert code == 0, out
    assert MARKER in _leaks(VALID_PROJECT, tmp_path / "site")


def test_a_named_link_is_refused_as_itself_not_checked_as_its_target(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    target = tmp_path / "secret.md"
    target.write_text(f"root:x:0:0:{MARKER}:/root:/bin/bash\n", encoding="utf-8")
    (root / "content/projects/p.md").symlink_to(target)
    code, out = run_cli("check", "--root", str(root), "content/projects/p.md")
    assert (code, out) == (1, f"content/projects/p.md:1:1: error: expected a file, {LINK_OUT}\n1 file checked: 1 error, 0 warnings\n")


@pytest.mark.parametrize(("target", "found"), [
    ("kent-joint-control-room.md", "a symbolic link to 'content/projects/kent-joint-control-room.md'"),
    ("../../site.yaml", "a symbolic link to 'site.yaml'"),
    ("missing.md", "a symbolic link to nothing (the link is broken)"),
    ("loop.md", "a symbolic link to nothing (the link is broken)"),
])
def test_a_link_inside_the_catalogue_is_refused_too(tmp_path: Path, target: str, found: str) -> None:
    """Links are never followed: a link to another file would publish it twice, or publish a file such as .git/config."""
    root = make_catalogue(tmp_path)
    (root / "content/projects/loop.md").symlink_to("loop.md")
    (root / "content/projects/copy.md").unlink(missing_ok=True)
    (root / "content/projects/copy.md").symlink_to(target)
    code, out = run_cli("check", "--root", str(root))
    assert code == 1
    assert out.splitlines()[0] == (f"content/projects/copy.md:1:1: error: expected a file, found {found}; "
                                   "replace the link with the file itself: links are not followed")


@pytest.mark.parametrize("rel", ["content/projects", "schema"])
def test_a_linked_folder_is_refused(tmp_path: Path, rel: str) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    moved = tmp_path / "elsewhere"
    (root / rel).rename(moved)
    (root / rel).symlink_to(moved, target_is_directory=True)
    code, out = run_cli("check", "--root", str(root))
    assert code == 1
    assert out.splitlines()[0] == (f"{rel}:1:1: error: expected a folder, found a symbolic link to something outside the "
                                   "catalogue; replace the link with the folder itself: links are not followed")
    assert len(out.splitlines()) == 2  # one line for the four vocabularies in a linked schema/, then the summary


# --- devices and named pipes: neither hangs nor grows ------------------------------------------------

def run_bounded(tmp_path: Path, *args: str) -> tuple[int, str, str, int]:
    """Run ``catalogue ARGS`` in a child process: exit code, stdout, stderr and the child's own peak memory in bytes."""
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    actions = [(os.POSIX_SPAWN_OPEN, 1, str(out), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
               (os.POSIX_SPAWN_OPEN, 2, str(err), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)]
    pid = os.posix_spawn(sys.executable, [sys.executable, "-m", "site_builder", *args], os.environ, file_actions=actions)
    deadline = time.monotonic() + TIME_LIMIT
    watched = 0  # the child's own high-water mark, from /proc while it runs (Linux)
    while True:
        watched = max(watched, _high_water(pid))
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, 9)
            os.wait4(pid, 0)
            pytest.fail(f"catalogue {' '.join(args)} did not finish within {TIME_LIMIT:.0f} s")
        time.sleep(0.02)
    # ru_maxrss is the fallback only: on Linux a child started with vfork (posix_spawn) also counts this
    # process's own high-water mark from before its exec, so a large test process would fail the check.
    peak = watched or usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # bytes on macOS, KiB on Linux
    return os.waitstatus_to_exitcode(status), out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8"), peak


def _high_water(pid: int) -> int:
    """The process's peak resident memory in bytes so far (VmHWM), or 0 where /proc does not say."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text(encoding="ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _special(path: Path, kind: str) -> None:
    path.unlink(missing_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")


@pytest.mark.parametrize(("rel", "kind", "args"), [
    ("content/projects/zero.md", "/dev/zero", ["check"]),
    ("content/projects/zero.md", "/dev/zero", ["check", "content/projects/zero.md"]),
    ("content/organisations.yaml", "/dev/zero", ["check"]),
    ("schema/regions.yaml", "/dev/zero", ["check"]),
    ("content/projects/pipe.md", "fifo", ["check"]),
    ("content/projects/pipe.md", "fifo", ["check", "content/projects/kent-joint-control-room.md"]),  # read as one of the others
    ("content/organisations.yaml", "fifo", ["check"]),
    ("schema/themes.yaml", "fifo", ["check"]),
    ("site.yaml", "fifo", ["build", "--jobs", "1"]),
])
def test_a_device_or_a_named_pipe_neither_hangs_nor_exhausts_memory(tmp_path: Path, rel: str, kind: str, args: list[str]) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    _special(root / rel, kind)
    command, *rest = args
    code, out, err, peak = run_bounded(tmp_path, command, "--root", str(root), *rest)
    assert err == ""
    assert peak < MEMORY_LIMIT, f"peak memory {peak / 1e6:.0f} MB"
    found = PIPE if kind == "fifo" else LINK_OUT
    if rest and rest[0] == "content/projects/kent-joint-control-room.md":  # the pipe is not checked, just not read
        assert (code, out) == (0, "1 file checked: 0 errors, 0 warnings\n")
    else:
        assert code == 1
        assert f"{rel}:1:1: error: expected a file, {found}" in out.splitlines(), out


def test_reading_stops_after_the_cap_whatever_the_size_claims() -> None:
    fd = os.open("/dev/zero", os.O_RDONLY)
    try:
        assert os.fstat(fd).st_size == 0
        assert read_at_most(fd, 300_000) == bytes(300_001)
    finally:
        os.close(fd)


def test_a_project_file_over_the_size_limit_is_refused_by_its_size(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path, {"big": VALID_PROJECT + "word " * 200_000})
    code, out = run_cli("check", "--root", str(root))
    assert (code, out) == (1, "content/projects/big.md:1:1: error: expected a file of at most 256 KB, found 977 KB; "
                              "shorten the description and link to longer documents instead\n1 file checked: 1 error, 0 warnings\n")


def test_reading_a_folder_s_files_together_refuses_each_as_reading_it_alone_does(tmp_path: Path) -> None:
    """``read_content_files`` opens the folder once: every file still gets the answer it gets on its own."""
    root = make_catalogue(tmp_path / "catalogue", {"ok": VALID_PROJECT, "big": VALID_PROJECT + "word " * 60_000})
    projects = root / "content" / "projects"
    (projects / "inside-link.md").symlink_to(projects / "ok.md")
    (projects / "outside-link.md").symlink_to(tmp_path / "elsewhere.md")
    (tmp_path / "elsewhere.md").write_text(VALID_PROJECT, encoding="utf-8")
    (projects / "broken-link.md").symlink_to(tmp_path / "missing.md")
    (projects / "folder.md").mkdir()
    os.mkfifo(projects / "pipe.md")
    names = ["ok", "big", "inside-link", "outside-link", "broken-link", "folder", "pipe", "missing"]
    rels = [f"content/projects/{name}.md" for name in names] + ["content/organisations.yaml", "site.yaml/x"]
    alone = [read_content_file(root, rel) for rel in rels]
    assert alone[0][0] == VALID_PROJECT.encode() and all(raw is None for raw, _ in alone[1:-2])  # every kind is there
    assert read_content_files(root, "content/projects", rels) == alone
    (root / "content" / "real-projects").mkdir()
    projects.rename(root / "content" / "real-projects" / "projects")
    projects.symlink_to(root / "content" / "real-projects" / "projects")  # the folder itself a link: refused for each file
    linked = read_content_files(root, "content/projects", rels)
    assert linked == [read_content_file(root, rel) for rel in rels]
    assert "found a symbolic link" in linked[0][1][0].message


# --- folders where files belong --------------------------------------------------------------------------

@pytest.mark.parametrize("rel", ["content/organisations.yaml", "schema/themes.yaml", "site.yaml"])
def test_a_folder_where_a_file_belongs_is_located_and_exits_1(tmp_path: Path, rel: str) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    (root / rel).unlink()
    (root / rel / "inside.yaml").parent.mkdir()
    (root / rel / "inside.yaml").write_text("a: b\n", encoding="utf-8")
    code, out = run_cli("build", "--root", str(root), "--out", str(tmp_path / "site"), "--jobs", "1")
    assert (code, out) == (1, f"{rel}:1:1: error: expected a file, found a folder; remove the folder and create {rel} as a file\n"
                              "1 file checked: 1 error, 0 warnings\nbuild failed: the previous site was left as it was\n")


def test_a_file_where_a_folder_belongs(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path)
    for path in (root / "schema").iterdir():
        path.unlink()
    (root / "schema").rmdir()
    (root / "schema").write_text("themes: []\n", encoding="utf-8")
    assert run_cli("check", "--root", str(root)) == (
        1, "schema:1:1: error: expected a folder, found a file; make schema a folder\n1 file checked: 1 error, 0 warnings\n")
