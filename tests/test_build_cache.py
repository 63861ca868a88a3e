"""The build cache (site_builder/build/output_cache.py): same bytes with or without it, only changed pages rendered,
unchanged files hard-linked, and a cache that is damaged, forged, tampered with or a symlink is not trusted."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from site_builder.build import incremental, pipeline
from site_builder.build.incremental import BODY_TEMPLATES
from site_builder.build.output_cache import HEADS, MANIFEST, OBJECTS
from site_builder.build.pipeline import BuildOptions, BuildResult, build_site
from site_builder.build.safe_paths import MARKER
from site_builder.build.staging import wait_for_trash
from site_builder.outputs.render import TEMPLATES
from site_builder.search import index as index_module
from tests.golden_update import fixture_environment, read_tree
from tests.helpers import synthetic_catalogue

PROJECTS = 250  # enough pages for two render workers
EDITED = "content/projects/synthetic-project-00011.md"


@dataclass
class Corpus:
    work: Path
    source: Path  # the catalogue, never built in place
    reference: dict[str, bytes]  # its site built with --no-cache, one job
    edited_reference: dict[str, bytes]  # the same after editing one project

    def copy(self, where: Path, edited: bool = False) -> Path:
        shutil.copytree(self.source, where)
        if edited:
            edit(where)
        return where


def edit(root: Path) -> None:
    path = root / EDITED
    path.write_text(path.read_text(encoding="utf-8").replace("## ", "## Edited: ", 1), encoding="utf-8")


def build(root: Path, out: Path | None = None, jobs: int = 1, use_cache: bool = True) -> BuildResult:
    with fixture_environment(root.parent):
        result = build_site(root, BuildOptions(out=out or root / "_site", jobs=jobs, use_cache=use_cache))
    wait_for_trash()
    assert result.ok, result.report.render()
    return result


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Corpus]:
    work = tmp_path_factory.mktemp("cache")
    source = synthetic_catalogue(work / "source", PROJECTS, work)
    scratch = work / "reference"
    build(shutil.copytree(source, scratch), work / "reference-site", use_cache=False)
    reference = read_tree(work / "reference-site")
    edit(scratch)
    build(scratch, work / "edited-site", use_cache=False)
    yield Corpus(work, source, reference, read_tree(work / "edited-site"))


def test_cold_and_warm_builds_are_byte_identical_to_no_cache_and_warm_renders_nothing(corpus: Corpus, tmp_path: Path) -> None:
    root = corpus.copy(tmp_path / "cat")
    cold = build(root, jobs=2)
    assert cold.pages_rendered == cold.pages
    assert read_tree(root / "_site") == corpus.reference  # --jobs 2 with a cache equals --jobs 1 without
    assert cold.sections_rendered == PROJECTS
    shutil.rmtree(root / "_site")  # a restored cache, no previous site (CI)
    (root / ".cache/sections.pickle").unlink()  # and without the sections: no document is rendered, so none are
    warm = build(root, jobs=1)
    assert warm.pages_rendered == 0
    assert warm.bodies_rendered == 0
    assert warm.sections_rendered == 0
    assert read_tree(root / "_site") == corpus.reference


def test_after_editing_one_project_only_its_pages_are_rendered_and_the_site_equals_a_no_cache_build(
        corpus: Corpus, tmp_path: Path) -> None:
    root = corpus.copy(tmp_path / "cat")
    first = build(root)
    before = {rel: (root / "_site" / rel).stat().st_ino for rel in corpus.reference}
    edit(root)
    second = build(root)
    # Pages whose context holds the edited project (its listings, pages listing it as similar) are rendered
    # again, even where it shows only its title; the other pages are not.
    assert 0 < second.pages_rendered < first.pages // 2
    assert (first.sections_rendered, second.sections_rendered) == (PROJECTS, 1)  # the document's other sections are kept
    site = read_tree(root / "_site")
    assert site == corpus.edited_reference
    unchanged = [rel for rel in site if corpus.reference.get(rel) == site[rel] and rel != MARKER]  # the marker is made anew
    changed = [rel for rel in site if corpus.reference.get(rel) != site[rel]]
    assert f"projects/{Path(EDITED).stem}/index.html" in changed and "document/index.html" in changed
    # Unchanged files are the same inode as in the previous site: linked, never rewritten; changed ones are new files.
    assert [rel for rel in unchanged if (root / "_site" / rel).stat().st_ino != before[rel]] == []
    assert not any((root / "_site" / rel).stat().st_ino == before.get(rel) for rel in changed)


def test_a_damaged_or_forged_manifest_is_ignored(corpus: Corpus, tmp_path: Path) -> None:
    root = corpus.copy(tmp_path / "cat")
    build(root)
    manifest = root / MANIFEST
    signature, body = manifest.read_bytes().split(b"\n", 1)
    manifest.write_bytes(b"0" * len(signature) + b"\n" + body)  # what a manifest committed by someone else looks like
    forged = build(root, tmp_path / "forged")
    assert forged.pages_rendered == forged.pages
    assert read_tree(tmp_path / "forged") == corpus.reference
    manifest.write_bytes(b"\x00garbage")
    damaged = build(root, tmp_path / "damaged")
    assert damaged.pages_rendered == damaged.pages
    assert read_tree(tmp_path / "damaged") == corpus.reference


def test_a_replaced_object_is_not_used(corpus: Corpus, tmp_path: Path) -> None:
    root = corpus.copy(tmp_path / "cat")
    build(root)
    home = root / "_site" / "index.html"
    obj = next(p for p in (root / OBJECTS).iterdir() if p.stat().st_ino == home.stat().st_ino)
    planted = obj.with_name("planted")
    planted.write_bytes(b"<script>alert(1)</script>")
    planted.replace(obj)  # same name, other file: its size, time and inode are not the recorded ones
    result = build(root, tmp_path / "again")
    assert result.pages_rendered >= 1
    assert read_tree(tmp_path / "again") == corpus.reference


def test_a_cache_folder_that_is_a_symlink_is_never_followed(corpus: Corpus, tmp_path: Path) -> None:
    root = corpus.copy(tmp_path / "cat")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (root / ".cache").symlink_to(elsewhere)
    first, second = build(root), build(root, tmp_path / "second")
    assert (first.pages_rendered, second.pages_rendered) == (first.pages, second.pages)
    assert list(elsewhere.iterdir()) == []
    assert read_tree(tmp_path / "second") == corpus.reference


def test_no_cache_neither_reads_nor_writes_the_cache(corpus: Corpus, tmp_path: Path) -> None:
    root = corpus.copy(tmp_path / "cat")
    build(root)
    before = sorted(p.name for p in (root / OBJECTS).iterdir())
    result = build(root, tmp_path / "nocache", use_cache=False)
    assert result.pages_rendered == result.pages
    assert sorted(p.name for p in (root / OBJECTS).iterdir()) == before
    assert read_tree(tmp_path / "nocache") == corpus.reference


def test_a_key_inside_the_catalogue_means_no_page_cache(corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = corpus.copy(tmp_path / "cat")
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "keys"))  # a key there could be committed with the cache
    build(root)
    again = build(root, tmp_path / "again")
    assert again.pages_rendered == again.pages
    assert not (root / "keys").exists()


def test_only_the_templates_that_show_descriptions_name_body_html() -> None:
    """Other pages' keys leave the description out (build/incremental.py): safe only while no other template reads it."""
    texts = {path.name: path.read_text(encoding="utf-8") for path in TEMPLATES.glob("*.html")}
    naming = {name for name, text in texts.items() if "body_html" in text}
    assert naming and naming <= set(BODY_TEMPLATES)
    for name in naming:
        shown = BODY_TEMPLATES[name]
        if shown is not None:  # only through the context values whose digests keep the description
            assert re.findall(r"([\w.]+)\.body_html", texts[name]) == [f"{value}" for value in sorted(shown)], name


def test_an_edit_to_a_description_renders_only_the_pages_that_show_it(corpus: Corpus, tmp_path: Path) -> None:
    root = corpus.copy(tmp_path / "cat")
    build(root)
    path = root / EDITED
    path.write_text(path.read_text(encoding="utf-8") + "\nA last paragraph, added later.\n", encoding="utf-8")
    second = build(root)
    reference = corpus.copy(tmp_path / "reference")
    shutil.copy2(path, reference / EDITED)
    expected = read_tree(build(reference, use_cache=False).catalogue.root / "_site")  # type: ignore[union-attr]
    site = read_tree(root / "_site")
    assert site == expected  # the narrower keys never leave a stale page
    changed_pages = sorted(rel for rel in site if rel.endswith(".html") and corpus.reference.get(rel) != site[rel])
    assert f"projects/{Path(EDITED).stem}/index.html" in changed_pages
    assert all(rel.startswith(("projects/synthetic", "document/")) for rel in changed_pages), changed_pages
    assert second.pages_rendered == len(changed_pages)


def test_after_an_edit_the_index_is_built_beside_the_render_and_on_a_cold_build_after_it(
        corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = corpus.copy(tmp_path / "cat")
    where = tmp_path / "index-pids"
    real = index_module.search_files

    def recorded(*args: Any, **kwargs: Any) -> dict[str, bytes]:
        with where.open("a", encoding="ascii") as handle:  # a file: the index's own process cannot tell us otherwise
            handle.write(f"{os.getpid()}\n")
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "search_files", recorded)
    build(root, jobs=2)  # cold: no view is known, so the index is built here, after the render workers are done
    edit(root)
    build(root, jobs=2)  # one view of 250 changed: beside, in a forked process
    cold, edited = where.read_text(encoding="ascii").split()
    assert cold == str(os.getpid()) != edited
    assert read_tree(root / "_site") == corpus.edited_reference


def test_the_heads_of_linked_pages_come_from_the_cache_not_from_their_files(
        corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = corpus.copy(tmp_path / "cat")
    build(root)  # cold: every page rendered, and its <head> (what the sitemap reads) recorded by its hash
    edit(root)

    def unread(path: str) -> bytes:
        raise AssertionError(f"read the head of {path} from its file")

    with monkeypatch.context() as patched:
        patched.setattr(incremental, "_head_of", unread)
        build(root)
    assert read_tree(root / "_site") == corpus.edited_reference  # the sitemap too: it leaves out the redirects
    (root / f".cache/{HEADS}.pickle").unlink()
    (root / f".cache/{HEADS}.delta.pickle").unlink(missing_ok=True)
    shutil.rmtree(root / "_site")
    build(root)  # without the heads, they are read from the linked files
    assert read_tree(root / "_site") == corpus.edited_reference
    assert (root / f".cache/{HEADS}.pickle").is_file()
