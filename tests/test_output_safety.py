"""The build never deletes or publishes what is not its own: the --out guard, the marker, write errors, the cache.

Every case runs in a temporary git checkout of a tiny catalogue (with a sibling file beside it, so that
``--out ..`` has something to destroy) and hashes every file before and after: a refused build must
change nothing at all, and an accepted one nothing outside its output folder.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from site_builder.build import staging as output
from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.build.safe_paths import MARKER, MARKER_TEXT, UnsafeOutput
from site_builder.build.staging import StagedSite, exchange, strays, wait_for_trash
from site_builder.outputs.render import CACHE_NAME
from site_builder.text.memo_store import cache_key, dump_signed, load_signed
from tests.golden_update import fixture_environment, read_tree
from tests.helpers import VALID_PROJECT, forget_last_build, make_catalogue, run_cli

CACHE_FILE = f".cache/{CACHE_NAME}.pickle"

CHOOSE = "choose a new folder such as _site"
EMPTY = ("expected a folder, found an empty value; is a variable unset? Name a folder such as _site, "
         "or leave out --out for ROOT/_site")
UNMARKED = (f"the folder exists and was not made by catalogue build (it has no {MARKER} file); "
            "delete it yourself, or choose another --out")
WRITE_HINT = "the previous site was left as it was; free some space or make the folder writable, or choose another --out"


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=Test", "-c", "user.email=test@example.org", *args],
                   check=True, capture_output=True)


def snapshot(folder: Path, skip: Path | None = None) -> dict[str, str]:
    """Every file and symlink under ``folder`` (not following links), except under ``skip``: path -> content hash."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if here / d != skip]
        for name in filenames + [d for d in dirnames if (here / d).is_symlink()]:
            path = here / name
            data = str(path.readlink()).encode() if path.is_symlink() else path.read_bytes()
            found[path.relative_to(folder).as_posix()] = hashlib.sha256(data).hexdigest()
    return found


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path/work/catalogue``: a committed git checkout of a tiny catalogue, and the current folder."""
    root = make_catalogue(tmp_path / "work" / "catalogue", extra={
        "templates/extra.html": "<p>a template of this catalogue</p>\n",
        "docs/.catalogue-build": MARKER_TEXT,  # a marked folder, but committed: git's word wins
        "docs/index.html": "<p>committed pages</p>\n",
    })
    (tmp_path / "work" / "beside.txt").write_text("a file beside the checkout\n", encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "catalogue")
    (root / "notes.txt").write_text("an untracked file\n", encoding="utf-8")
    (root / "old-site").mkdir()
    (root / "old-site" / "index.html").write_text("<p>made by hand</p>\n", encoding="utf-8")
    monkeypatch.chdir(root)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    return root


def without_progress(err: str) -> str:
    """Standard error without the progress lines of the stages that ended before the error."""
    return "".join(line for line in err.splitlines(keepends=True) if not line.startswith("build: "))


def build(*args: str) -> tuple[int, str]:
    """``catalogue build``, then until the old site's detached deleter is done (the command does not wait for it)."""
    try:
        return run_cli("build", "--jobs", "1", "--no-cache", *args)
    finally:
        wait_for_trash()


# --- refused: exit 2, one line, nothing anywhere changed -------------------------------------------

REFUSED: list[tuple[str, Callable[[Path], str]]] = [
    (".", lambda root: f"--out .: is the catalogue folder itself; {CHOOSE}"),
    ("", lambda root: f"--out '': {EMPTY}"),
    ("  ", lambda root: f"--out '  ': {EMPTY}"),
    ("..", lambda root: f"--out ..: {root.parent} holds the catalogue; {CHOOSE}"),
    ("../..", lambda root: f"--out ../..: {root.parent.parent} holds the catalogue; {CHOOSE}"),
    ("content", lambda root: f"--out content: is content/, the catalogue's source; {CHOOSE}"),
    ("content/projects", lambda root: f"--out content/projects: is inside content/, the catalogue's source; {CHOOSE}"),
    ("schema", lambda root: f"--out schema: is schema/, the catalogue's source; {CHOOSE}"),
    ("templates", lambda root: f"--out templates: is templates/, the catalogue's source; {CHOOSE}"),
    ("site.yaml", lambda root: f"--out site.yaml: git tracks site.yaml there; the build only replaces a folder it made itself; {CHOOSE}"),
    ("docs", lambda root: f"--out docs: git tracks docs/.catalogue-build and 1 more there; "
                          f"the build only replaces a folder it made itself; {CHOOSE}"),
    ("notes.txt", lambda root: f"--out notes.txt: is an existing file, not a folder; {CHOOSE}"),
    ("notes.txt/site", lambda root: f"--out notes.txt/site: notes.txt is a file, not a folder; {CHOOSE}"),
    ("old-site", lambda root: f"--out old-site: {UNMARKED}"),
]


@pytest.mark.parametrize(("value", "message"), REFUSED, ids=[value or "empty" for value, _ in REFUSED])
def test_an_out_the_build_did_not_make_is_refused_and_nothing_changes(
        checkout: Path, capsys: pytest.CaptureFixture[str], value: str, message: Callable[[Path], str]) -> None:
    work = checkout.parent
    before = snapshot(work)
    code, printed = build("--out", value)
    assert (code, printed) == (2, "")
    assert capsys.readouterr().err == f"catalogue: error: {message(checkout.resolve())}\n"
    assert snapshot(work) == before


def test_a_symlinked_site_is_refused_and_what_it_points_at_survives(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = checkout.parent / "elsewhere"
    target.mkdir()
    (target / "sentinel.txt").write_text("must survive\n", encoding="utf-8")
    (target / MARKER).write_bytes(MARKER_TEXT)  # even a marked folder is not replaced through a link
    (checkout / "_site").symlink_to(target)
    before = snapshot(checkout.parent)
    assert build() == (2, "")
    assert capsys.readouterr().err == (f"catalogue: error: --out _site: is a symlink (to {target}); the build never replaces "
                                       "a symlink or what it points at; remove the link, or choose another --out\n")
    assert snapshot(checkout.parent) == before
    assert (target / "sentinel.txt").read_text(encoding="utf-8") == "must survive\n"


def test_serve_refuses_the_same_outs(checkout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(checkout.parent)
    assert run_cli("serve", "--out", "content", "--port", "0") == (2, "")
    assert run_cli("serve", "--out", "") == (2, "")
    assert capsys.readouterr().err == (f"catalogue: error: --out content: is content/, the catalogue's source; {CHOOSE}\n"
                                       f"catalogue: error: --out '': {EMPTY}\n")
    assert snapshot(checkout.parent) == before


def test_the_library_refuses_too(checkout: Path) -> None:
    """build_site itself guards the folder, for callers that do not go through the command line."""
    before = snapshot(checkout.parent)
    with pytest.raises(UnsafeOutput, match=r"^--out content: is content/, the catalogue's source; "):
        build_site(checkout, BuildOptions(out=checkout / "content", jobs=1))
    assert snapshot(checkout.parent) == before


# --- accepted: only the output folder changes -------------------------------------------------------

def test_a_fresh_site_is_created_with_its_marker(checkout: Path) -> None:
    before = snapshot(checkout.parent)
    code, printed = build()
    assert code == 0, printed
    assert printed.endswith(" pages for 1 project into _site\n")
    site = checkout / "_site"
    assert (site / MARKER).read_bytes() == MARKER_TEXT
    assert (site / "projects/kent-joint-control-room/index.html").is_file()
    assert snapshot(checkout.parent, skip=site) == before
    assert sorted(p.name for p in checkout.iterdir() if p.name.startswith("._site")) == []


def test_a_site_the_build_made_is_replaced_whole(checkout: Path) -> None:
    assert build()[0] == 0
    site = checkout / "_site"
    first = read_tree(site)
    (site / "stale.html").write_text("left over from an older build\n", encoding="utf-8")
    before = snapshot(checkout.parent, skip=site)
    assert build()[0] == 0
    assert read_tree(site) == first  # the stale file went with the old site
    assert snapshot(checkout.parent, skip=site) == before
    assert sorted(p.name for p in checkout.iterdir() if p.name.startswith("._site")) == []


def test_an_empty_folder_is_adopted(checkout: Path) -> None:
    (checkout / "public").mkdir()
    before = snapshot(checkout.parent, skip=checkout / "public")
    code, printed = build("--out", "public")
    assert code == 0, printed
    assert (checkout / "public" / MARKER).read_bytes() == MARKER_TEXT
    assert (checkout / "public" / "index.html").is_file()
    assert snapshot(checkout.parent, skip=checkout / "public") == before
    assert build("--out", "public")[0] == 0  # and, now marked, replaced next time


def test_the_marker_is_the_same_in_every_build(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    with fixture_environment(tmp_path):
        for name in ("one", "two"):
            assert build_site(root, BuildOptions(out=tmp_path / name, jobs=1)).ok
    assert (tmp_path / "one" / MARKER).read_bytes() == (tmp_path / "two" / MARKER).read_bytes() == MARKER_TEXT


# --- publishing and leftovers -----------------------------------------------------------------------

def dead_pid() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def test_the_next_build_removes_marked_leftovers_of_dead_builds_only(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    gone, live = dead_pid(), os.getppid()
    leftovers = {
        f"._site.new-{gone}": True, f"._site.old-{gone}.3": True, f"._site.old-{gone}": True,  # removed
        f"._site.new-{live}": True,  # a build still running
        f"._site.old-{gone}.4": False,  # not marked: not ours
        f".other.new-{gone}": True,  # another output's
    }
    for name, marked in leftovers.items():
        (root / name).mkdir()
        (root / name / "index.html").write_text("partial\n", encoding="utf-8")
        if marked:
            (root / name / MARKER).write_bytes(MARKER_TEXT)
    assert strays(root / "_site") == sorted(root / name for name in list(leftovers)[:3])
    with fixture_environment(tmp_path):
        assert build_site(root, BuildOptions(out=root / "_site", jobs=1)).ok
    wait_for_trash()
    assert sorted(p.name for p in root.iterdir() if ".new-" in p.name or ".old-" in p.name) == sorted(list(leftovers)[3:])


def test_exchange_swaps_two_folders_in_one_step(tmp_path: Path) -> None:
    if output.RENAMEAT2 is None:
        pytest.skip("no renameat2 here: publishing uses two renames")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "which").write_text("a", encoding="utf-8")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "which").write_text("b", encoding="utf-8")
    assert exchange(tmp_path / "a", tmp_path / "b")
    assert [(tmp_path / name / "which").read_text(encoding="utf-8") for name in ("a", "b")] == ["b", "a"]
    with pytest.raises(FileNotFoundError):
        exchange(tmp_path / "a", tmp_path / "missing")


def test_publishing_over_a_site_is_one_exchange(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if output.RENAMEAT2 is None:
        pytest.skip("no renameat2 here: publishing uses two renames")
    calls: list[tuple[str, str]] = []
    real = output.exchange

    def recorded(first: Path, second: Path) -> bool:
        calls.append((first.name, second.name))
        return real(first, second)

    real_rename = Path.rename

    def rename(self: Path, target: str | os.PathLike[str]) -> Path:
        if self == tmp_path / "site":
            pytest.fail("the live site was renamed away: there was a moment without a site")
        return real_rename(self, target)

    monkeypatch.setattr(output, "exchange", recorded)
    monkeypatch.setattr(Path, "rename", rename)
    root = make_catalogue(tmp_path / "catalogue")
    with fixture_environment(tmp_path):
        assert build_site(root, BuildOptions(out=tmp_path / "site", jobs=1)).ok  # nothing there yet: no exchange
        assert calls == []
        forget_last_build(root)
        assert build_site(root, BuildOptions(out=tmp_path / "site", jobs=1)).ok
    wait_for_trash()
    assert calls == [(f".site.new-{os.getpid()}", "site")]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue", "site"]


def test_an_output_swapped_for_a_symlink_during_the_build_is_not_published(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / MARKER).write_bytes(MARKER_TEXT)
    (target / "sentinel.txt").write_text("must survive\n", encoding="utf-8")
    with pytest.raises(UnsafeOutput, match=r"changed during the build"), StagedSite(tmp_path / "site", root) as staged:
        (tmp_path / "site").symlink_to(target)
        staged.publish()
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "sentinel.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue", "elsewhere", "site"]


def test_without_exchange_two_renames_still_publish(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(output, "exchange", lambda first, second: False)
    root = make_catalogue(tmp_path / "catalogue")
    out = tmp_path / "site"
    with fixture_environment(tmp_path):
        assert build_site(root, BuildOptions(out=out, jobs=1)).ok
        first = read_tree(out)
        (root / "content/projects/kent-joint-control-room.md").write_text(
            VALID_PROJECT.replace("beside the police", "next to the police"), encoding="utf-8")
        assert build_site(root, BuildOptions(out=out, jobs=1)).ok
    wait_for_trash()
    second = read_tree(out)
    assert second != first
    assert b"next to the police" in second["projects/kent-joint-control-room/index.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue", "site"]


def test_the_old_site_is_deleted_after_publishing_without_waiting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[Path] = []
    monkeypatch.setattr(output, "discard", started.append)  # hand-off only: nothing deleted yet
    root = make_catalogue(tmp_path / "catalogue")
    out = tmp_path / "site"
    with fixture_environment(tmp_path):
        assert build_site(root, BuildOptions(out=out, jobs=1)).ok
        forget_last_build(root)
        assert build_site(root, BuildOptions(out=out, jobs=1)).ok
    assert len(started) == 1
    assert re.fullmatch(rf"\.site\.old-{os.getpid()}\.[0-9]+", started[0].name), started[0].name
    assert (started[0] / MARKER).is_file() and (started[0] / "index.html").is_file()  # the old site, whole
    assert (out / MARKER).is_file() and (out / "index.html").is_file()
    shutil.rmtree(started[0])


def test_the_command_exits_without_waiting_for_the_old_site_to_be_deleted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    handed: list[Path] = []
    monkeypatch.setattr(output, "discard", handed.append)  # a deleter that never finishes
    root = make_catalogue(tmp_path / "catalogue")
    with fixture_environment(tmp_path):
        assert run_cli("build", "--root", str(root), "--jobs", "1")[0] == 0
        forget_last_build(root)
        assert run_cli("build", "--root", str(root), "--jobs", "1")[0] == 0  # returned with the old site still there
    assert len(handed) == 1 and (handed[0] / "index.html").is_file()
    shutil.rmtree(handed[0])


def test_the_old_site_is_deleted_by_a_process_in_its_own_session(tmp_path: Path) -> None:
    old = tmp_path / ".site.old-1.1"
    (old / "deep" / "er").mkdir(parents=True)
    (old / MARKER).write_bytes(MARKER_TEXT)
    (old / "deep" / "er" / "page.html").write_text("old\n", encoding="utf-8")
    output.discard(old)
    proc, path = output._deleters[-1]  # the one way to see the process it started
    assert path == old
    assert os.getsid(proc.pid) == proc.pid != os.getsid(0)  # Ctrl-C in the terminal does not reach it
    wait_for_trash()
    assert not old.exists() and output._deleters == []


# --- a disk that cannot take the site: a located error, exit 2, the previous site untouched ---------

@pytest.fixture
def built_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_catalogue(tmp_path / "catalogue")
    monkeypatch.chdir(root)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    assert build()[0] == 0
    return root


def assert_untouched(root: Path, before: dict[str, bytes], stats: dict[str, int]) -> None:
    site = root / "_site"
    assert read_tree(site) == before
    assert {path: (site / path).stat().st_mtime_ns for path in before} == stats
    assert sorted(p.name for p in root.iterdir() if p.name.startswith("._site")) == []


def test_a_full_disk_names_the_file_and_leaves_the_previous_site(
        built_once: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    site = built_once / "_site"
    before = read_tree(site)
    stats = {path: (site / path).stat().st_mtime_ns for path in before}
    real = output.write_file

    def full(path: Path, data: bytes) -> None:
        if path.name == "feed.xml":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        real(path, data)

    monkeypatch.setattr(output, "write_file", full)
    assert build() == (2, "")
    expected = f"catalogue: error: cannot write the site to _site/feed.xml: No space left on device; {WRITE_HINT}\n"
    assert without_progress(capsys.readouterr().err) == expected
    assert_untouched(built_once, before, stats)


def test_a_write_error_that_names_no_file_is_located_at_the_output(
        built_once: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """write() itself fails without a file name (as ENOSPC does); the page writer is where it shows first."""
    site = built_once / "_site"
    before = read_tree(site)
    stats = {path: (site / path).stat().st_mtime_ns for path in before}
    real = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if self.suffix == ".html":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    assert build() == (2, "")
    assert without_progress(capsys.readouterr().err) == f"catalogue: error: cannot write the site to _site: No space left on device; {WRITE_HINT}\n"
    assert_untouched(built_once, before, stats)


def test_the_writer_names_the_file_when_write_does_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(self: Path, data: bytes) -> int:
        raise OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))

    monkeypatch.setattr(Path, "write_bytes", full)
    with pytest.raises(OSError, match="Disk quota exceeded") as caught:
        output.write_file(tmp_path / "page.html", b"x")
    assert caught.value.filename == str(tmp_path / "page.html")


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits")
def test_a_read_only_folder_is_a_located_error(built_once: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = built_once / "_site"
    before = read_tree(site)
    stats = {path: (site / path).stat().st_mtime_ns for path in before}
    built_once.chmod(0o555)
    try:
        assert build() == (2, "")
    finally:
        built_once.chmod(0o755)
    assert without_progress(capsys.readouterr().err) == f"catalogue: error: cannot write the site to _site: Permission denied; {WRITE_HINT}\n"
    assert_untouched(built_once, before, stats)


def test_staging_removes_itself_when_the_build_fails(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    with pytest.raises(RuntimeError), StagedSite(tmp_path / "site", root) as staged:
        assert (staged.path / MARKER).read_bytes() == MARKER_TEXT
        raise RuntimeError("a bug")
    assert list(tmp_path.iterdir()) == [tmp_path / "catalogue"]


# --- the Markdown cache is never followed through a symlink -----------------------------------------

@pytest.mark.parametrize("link", [".cache", CACHE_FILE])
def test_a_symlinked_cache_is_neither_read_nor_written(tmp_path: Path, link: str) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    options = BuildOptions(out=tmp_path / "site", jobs=1)
    page = tmp_path / "site/projects/kent-joint-control-room/index.html"
    with fixture_environment(tmp_path):
        assert build_site(root, options).bodies_rendered == 1
        cache, key = root / CACHE_FILE, cache_key(root)
        assert key is not None
        found = load_signed(key, cache)
        assert found is not None
        tag, version, entries = found
        dump_signed(key, cache, (tag, version, dict.fromkeys(entries, "<p>POISONED</p>")))  # as if this tool had
        forget_last_build(root)
        assert build_site(root, options).bodies_rendered == 0
        assert "POISONED" in page.read_text(encoding="utf-8")  # a real cache is used: the test can fail

        forget_last_build(root)
        outside = tmp_path / "outside"
        shutil.move(root / link, outside)
        (root / link).symlink_to(outside)
        before = snapshot(outside) if outside.is_dir() else {"file": hashlib.sha256(outside.read_bytes()).hexdigest()}
        result = build_site(root, options)
        assert result.ok and result.bodies_rendered == 1  # built without the cache
        assert "POISONED" not in page.read_text(encoding="utf-8")
        after = snapshot(outside) if outside.is_dir() else {"file": hashlib.sha256(outside.read_bytes()).hexdigest()}
        assert after == before
        assert (root / link).is_symlink()


def test_a_symlinked_temporary_cache_file_is_not_written_through(tmp_path: Path) -> None:
    root = make_catalogue(tmp_path / "catalogue")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (root / ".cache").mkdir()
    (root / CACHE_FILE).with_suffix(".tmp").symlink_to(victim)
    with fixture_environment(tmp_path):
        assert build_site(root, BuildOptions(out=tmp_path / "site", jobs=1)).ok
    assert victim.read_text(encoding="utf-8") == "precious\n"
