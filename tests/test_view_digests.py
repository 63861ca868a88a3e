"""Page keys from remembered view digests (build/incremental.py, ``KeyMaker.recall``): a view's digests are read
back by its input key (views/project.py, ``ViewBuilder.input_key``) instead of walking it. The keys must be the
keys a walk gives, and an input key must change whenever anything the view is made of changes."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from site_builder.build.incremental import VIEW_DIGESTS, KeyMaker
from site_builder.build.load import LoadedSite, load_site
from site_builder.catalogue.history import FileDates
from site_builder.outputs.pages import plan_pages
from site_builder.outputs.render import render_bodies
from site_builder.site.data import SiteData
from site_builder.views.project import ProjectView, ViewBuilder
from tests.golden_update import fixture_environment
from tests.helpers import synthetic_catalogue

PROJECTS = 24
AS_OF = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)


@dataclass
class Built:
    loaded: LoadedSite
    views: tuple[ProjectView, ...]
    keys: tuple[str | None, ...]
    walked: dict[str, bytes]  # each view's full digest, by slug, from a walk

    def key(self, slug: str) -> str | None:
        return dict(zip((v.slug for v in self.views), self.keys, strict=True))[slug]


def views_of(root: Path, history: dict[str, FileDates] | None = None, as_of: dt.datetime = AS_OF) -> Built:
    with fixture_environment(root.parent):
        loaded, report = load_site(root, use_cache=True, jobs=1)
    assert loaded is not None, report.render()
    projects = loaded.catalogue.projects
    bodies, _ = render_bodies([p.body for p in projects], None, 1)
    builder = ViewBuilder(loaded.catalogue, loaded.config, history or {}, as_of)
    views = tuple(builder.project(p, html) for p, html in zip(projects, bodies, strict=True))
    keys = tuple(builder.input_key(p, html) for p, html in zip(projects, bodies, strict=True))
    maker = KeyMaker(loaded.templates, "fingerprint")
    return Built(loaded, views, keys, {v.slug: maker.full.digest(v) for v in views})


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work = tmp_path_factory.mktemp("views")
    yield synthetic_catalogue(work / "source", PROJECTS, work)


def first_project(root: Path) -> Path:
    return min((root / "content/projects").glob("*.md"))


def rewrite(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def retitle(root: Path) -> None:
    rewrite(first_project(root), "title: ", "title: Renamed ")


def redescribe(root: Path) -> None:
    rewrite(first_project(root), "\n## ", "\n## Edited ")


def rename_an_organisation(root: Path) -> None:
    lead = re.search(r"^lead: (\S+)", first_project(root).read_text(encoding="utf-8"), re.MULTILINE)
    assert lead is not None
    registry = root / "content/organisations.yaml"
    text = registry.read_text(encoding="utf-8")
    entry = text.index(f"\n{lead.group(1)}:\n")
    name = text.index("name: ", entry)
    registry.write_text(text[:name] + "name: Renamed " + text[name + len("name: "):], encoding="utf-8")


def move_the_repository(root: Path) -> None:
    rewrite(root / "site.yaml", "repository_url: https://github.com/", "repository_url: https://github.com/moved-")


# A change to one file changes only its view's key; one to the registry or the settings changes every key.
MUTATIONS: dict[str, tuple[Callable[[Path], None], bool]] = {
    "title": (retitle, True), "description": (redescribe, True),
    "organisation's name": (rename_an_organisation, False), "site settings": (move_the_repository, False),
}


def assert_keys_follow_the_views(before: Built, after: Built, precise: bool = True) -> None:
    """Every view whose walked digest changed has a new input key; when ``precise``, only those."""
    changed = {slug for slug, digest in after.walked.items() if before.walked.get(slug) != digest}
    assert changed, "the change must show in some view, or the test proves nothing"
    for view in after.views:
        same_key = before.key(view.slug) == after.key(view.slug)
        if view.slug in changed:
            assert not same_key, view.slug
        elif precise:
            assert same_key, view.slug


def test_equal_inputs_give_equal_keys_and_every_view_has_one(source: Path, tmp_path: Path) -> None:
    root = shutil.copytree(source, tmp_path / "cat")
    first, second = views_of(root), views_of(root)
    assert None not in first.keys and len(set(first.keys)) == PROJECTS
    assert first.keys == second.keys


@pytest.mark.parametrize("name", MUTATIONS)
def test_a_change_to_what_a_view_shows_changes_its_input_key(source: Path, tmp_path: Path, name: str) -> None:
    root = shutil.copytree(source, tmp_path / "cat")
    before = views_of(root)
    change, precise = MUTATIONS[name]
    change(root)
    assert_keys_follow_the_views(before, views_of(root), precise)


def test_the_dates_and_staleness_are_part_of_the_key(source: Path, tmp_path: Path) -> None:
    root = shutil.copytree(source, tmp_path / "cat")
    before = views_of(root)
    path = before.views[0].source_path
    moment = dt.datetime(2025, 1, 2, tzinfo=dt.UTC)
    assert_keys_follow_the_views(before, views_of(root, {path: FileDates(moment, moment)}))
    assert_keys_follow_the_views(before, views_of(root, as_of=AS_OF + dt.timedelta(days=3 * 365)))  # those it makes stale


def test_without_the_parse_cache_there_are_no_keys(source: Path, tmp_path: Path) -> None:
    root = shutil.copytree(source, tmp_path / "cat")
    with fixture_environment(root.parent):
        loaded, _ = load_site(root, use_cache=False, jobs=1)
    assert loaded is not None and loaded.catalogue.source_keys == {}
    builder = ViewBuilder(loaded.catalogue, loaded.config, {}, AS_OF)
    assert builder.input_key(loaded.catalogue.projects[0], "") is None


def page_keys(built: Built, recall: bool) -> tuple[list[str | None], int]:
    """Every page's key, and how many views were walked rather than recalled."""
    site = SiteData(built.loaded.catalogue, built.loaded.config, AS_OF, built.views)
    maker = KeyMaker(built.loaded.templates, "fingerprint")
    if recall:
        maker.recall(built.loaded.root, built.views, built.keys)
    keys = [maker.page(page) for page in plan_pages(site)]
    walked = maker.views_to_walk if recall else len(built.views)
    if recall:
        maker.remember()
    return keys, walked


def test_recalled_digests_give_the_keys_a_walk_gives_and_an_edit_walks_one_view(source: Path, tmp_path: Path) -> None:
    root = shutil.copytree(source, tmp_path / "cat")
    built = views_of(root)
    walked_keys, _ = page_keys(built, recall=False)
    first, walked = page_keys(built, recall=True)  # nothing remembered yet: every view is walked
    assert (root / f".cache/{VIEW_DIGESTS}.pickle").is_file()
    assert walked == PROJECTS and first == walked_keys
    again, walked = page_keys(views_of(root), recall=True)
    assert walked == 0 and again == walked_keys
    redescribe(root)
    edited = views_of(root)
    keys, walked = page_keys(edited, recall=True)
    assert walked == 1
    assert keys == page_keys(edited, recall=False)[0] != walked_keys
