"""The insights kept between builds (insights/model.py): taken back whole after an edit to a description,
made again after any change they could show, and holding the build's own project views."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from site_builder.insights.model import Insights, build_insights, insights_key, insights_store
from site_builder.site import data as site_data_module
from site_builder.site.data import SiteData
from tests.helpers import synthetic_catalogue
from tests.test_data_export import load_site as load_keyed_site

PROJECTS = 30
AS_OF = dt.datetime(2026, 11, 26, tzinfo=dt.UTC)  # the synthetic projects' review date
TILES = """\
- region: north-west
  row: 1
  column: 1
- region: south-east
  row: 2
  column: 2
- region: south-west
  row: 2
  column: 3
"""


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work = tmp_path_factory.mktemp("insights")
    yield synthetic_catalogue(work / "source", PROJECTS, work)


def load(root: Path) -> SiteData:
    """As a build loads it: with the parse cache's keys, and the insights' store."""
    return dataclasses.replace(load_keyed_site(root, AS_OF, use_cache=True), insights_store=insights_store(root))


def key_of(site: SiteData) -> str | None:
    return insights_key(site.catalogue, site.projects, site.config.model_dump_json())


def first_project(root: Path) -> Path:
    return min((root / "content/projects").glob("*.md"))


def never_built(*args: object) -> Insights:
    raise AssertionError("the insights were worked out again")


def test_kept_insights_equal_fresh_ones_and_hold_the_builds_own_views(
        source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = shutil.copytree(source, tmp_path / "cat")
    fresh = load(root).insights
    assert (root / ".cache/insights.pickle").is_file()
    monkeypatch.setattr(site_data_module, "build_insights", never_built)
    site = load(root)
    kept = site.insights
    assert kept == fresh
    views = {id(view) for view in site.projects}
    listed = [view for group in kept.groups.values() for facet in group.facets for view in facet.projects]
    assert listed and all(id(view) in views for view in listed)  # not copies: the page keys know these


def test_an_edit_to_a_description_keeps_the_key_and_one_to_the_front_matter_changes_it(source: Path, tmp_path: Path) -> None:
    root = shutil.copytree(source, tmp_path / "cat")
    before = key_of(load(root))
    assert before is not None and before == key_of(load(root))
    path = first_project(root)
    path.write_text(path.read_text(encoding="utf-8") + "\nA last paragraph, added later.\n", encoding="utf-8")
    assert key_of(load(root)) == before
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Renamed ", 1), encoding="utf-8")
    assert key_of(load(root)) != before


@pytest.mark.parametrize("change", ["region map", "settings", "organisations"])
def test_a_change_to_the_registry_the_map_or_the_settings_changes_the_key(source: Path, tmp_path: Path, change: str) -> None:
    root = shutil.copytree(source, tmp_path / "cat")
    before = key_of(load(root))
    target = {"region map": "schema/region-tiles.yaml", "settings": "site.yaml",
              "organisations": "content/organisations.yaml"}[change]
    path = root / target
    if change == "region map":  # the tiny registry has none: one is added, then moved
        path.write_text(TILES, encoding="utf-8")
        with_map = key_of(load(root))
        assert with_map != before
        before = with_map
        path.write_text(TILES.replace("column: 3", "column: 1"), encoding="utf-8")
    elif change == "settings":  # a value (a comment in site.yaml changes no setting, and no key)
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("repository_url: https://github.com/", "repository_url: https://github.com/moved-"),
                        encoding="utf-8")
    else:  # the registry's bytes are in the parse version: any change to them
        path.write_text(path.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert key_of(load(root)) != before


def test_an_edited_description_takes_the_insights_from_the_store(source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = shutil.copytree(source, tmp_path / "cat")
    assert load(root).insights is not None  # made, and kept
    path = first_project(root)
    path.write_text(path.read_text(encoding="utf-8") + "\nA last paragraph, added later.\n", encoding="utf-8")
    edited = load(root)
    expected = build_insights(edited.catalogue, edited.by_title, edited.organisations, edited.facets)
    monkeypatch.setattr(site_data_module, "build_insights", never_built)
    assert load(root).insights == expected  # the kept insights, holding the edited views


def test_without_the_parse_cache_there_is_no_key(source: Path, tmp_path: Path) -> None:
    root = shutil.copytree(source, tmp_path / "cat")
    site = load_keyed_site(root, AS_OF)  # loaded without the parse cache
    assert key_of(site) is None
