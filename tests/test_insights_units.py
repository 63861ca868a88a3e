"""The insights' building blocks: SVG charts, medians, service combinations, similar projects."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.catalogue.config import load_site_config
from site_builder.catalogue.load import load_catalogue
from site_builder.insights import similar
from site_builder.insights.similar import SHOWN, similar_projects
from site_builder.insights.stats import combination, median
from site_builder.insights.svg import Bar, bar_chart
from site_builder.runtime import parallel
from site_builder.text.memo_store import MemoStore
from site_builder.text.words import term_counts
from site_builder.views.project import ProjectView, Ref, ViewBuilder
from tests.helpers import VALID_PROJECT, count_pools, make_catalogue

SVG = "{http://www.w3.org/2000/svg}"


def test_a_bar_chart_is_a_labelled_image_with_its_numbers_as_text() -> None:
    svg = bar_chart("chart-x", "Projects by theme", "How many <projects> & themes.",
                    [Bar("Shared estates", 12, "12"), Bar("Joint control rooms", 3, "3"), Bar("Drones", 0, "0")])
    root = ET.fromstring(str(svg))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "chart-x-title chart-x-desc"
    assert root.find(f"{SVG}title").get("id") == "chart-x-title"  # type: ignore[union-attr]
    assert root.find(f"{SVG}desc").text == "How many <projects> & themes."  # type: ignore[union-attr]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["Shared estates", "12", "Joint control rooms", "3", "Drones", "0"]
    widths = [float(r.get("width", "0")) for r in root.iter(f"{SVG}rect")]
    assert len(widths) == 2 and widths[1] == widths[0] / 4  # to scale; a zero has no bar
    assert widths[0] + 6 + 2 * 9 <= int(root.get("viewBox", "").split()[2])  # the longest bar leaves room for its value
    assert not list(root.iter(f"{SVG}a")) and "<a" not in str(svg)
    assert str(svg) == str(bar_chart("chart-x", "Projects by theme", "How many <projects> & themes.",
                                     [Bar("Shared estates", 12, "12"), Bar("Joint control rooms", 3, "3"), Bar("Drones", 0, "0")]))


def test_a_stacked_chart_has_a_legend_and_its_parts_add_up_to_the_bar() -> None:
    svg = bar_chart("chart-s", "Started", "By status", [Bar("2019", 3, "3", (1, 0, 2)), Bar("2020", 6, "6", (0, 6, 0))],
                    ["Pilot", "Operational", "Completed"])
    root = ET.fromstring(str(svg))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[:3] == ["Pilot", "Operational", "Completed"]
    rects = [(float(r.get("x", "0")), float(r.get("width", "0"))) for r in root.iter(f"{SVG}rect")][3:]
    full = rects[2][1]
    assert rects == [(0, round(full / 6, 1)), (round(full / 6, 1), round(full / 3, 1)), (0, full)]


def test_an_empty_chart_says_so() -> None:
    assert "Nothing recorded yet." in str(bar_chart("c", "t", "d", []))


@pytest.mark.parametrize(("values", "expected"), [([5], 5), ([1, 2], 2), ([1, 4], 3), ([3, 1, 2], 2), ([1, 2, 3, 10], 3)])
def test_median_in_whole_pounds(values: list[int], expected: int) -> None:
    assert median(values) == expected


@pytest.mark.parametrize(("services", "expected"), [
    (["police", "fire"], "police-fire"), (["fire", "ambulance", "health"], "fire-ambulance"),
    (["police", "ambulance"], "police-ambulance"), (["police", "fire", "ambulance"], "all-three"),
    (["police", "pcc"], "one-service"), (["pcc", "local-authority"], "no-blue-light"),
])
def test_each_project_is_in_exactly_one_combination(services: list[str], expected: str) -> None:
    assert combination(services) == expected


def _project(title: str, lead: str, partners: list[str], theme: str, words: str) -> str:
    return (VALID_PROJECT.replace("title: Kent joint control room", f"title: {title}")
            .replace("lead: kent-fire-and-rescue-service", f"lead: {lead}")
            .replace("partners:\n  - kent-police", "partners:\n" + "".join(f"  - {p}\n" for p in partners).rstrip("\n"))
            .replace("  - control-rooms", f"  - {theme}")
            .replace("The fire control room sits beside the police control room.", words))


def _views(tmp_path: Path, projects: dict[str, str | bytes]) -> list[ProjectView]:
    root = make_catalogue(tmp_path / "cat", projects)
    catalogue, report = load_catalogue(root, today=dt.date(2026, 6, 1))
    config, _ = load_site_config(root, None)
    assert config is not None and not report.diagnostics, report.render()
    builder = ViewBuilder(catalogue, config, {}, dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
    return [builder.project(p, f"<p>{p.body}</p>") for p in catalogue.projects]


FIRE = "kent-fire-and-rescue-service"


def test_similar_projects_share_something_and_say_what(tmp_path: Path) -> None:
    views = _views(tmp_path, {
        "a-control-room": _project("Kent control room one", FIRE, ["kent-police"], "control-rooms", "Dispatchers share one floor."),
        "b-control-room": _project("Kent control room two", FIRE, ["kent-police"], "control-rooms", "Dispatchers share one floor."),
        "c-station": _project("Merseyside shared station", "merseyside-police", ["kent-county-council"], "shared-estates",
                              "Officers moved into a library building near the harbour."),
    })
    found = similar_projects(views)
    assert [s.project.slug for s in found["a-control-room"]] == ["b-control-room"]
    first = found["a-control-room"][0]
    assert first.reasons == ("also joint control rooms", "same partners: Kent Fire and Rescue Service, Kent Police",
                             "similar description")
    assert found["c-station"] == ()  # nothing in common with either


def test_similar_projects_are_ranked_by_score_then_slug_and_capped(tmp_path: Path) -> None:
    same = {f"p{n}-kent": _project(f"Kent control room {n}", FIRE, ["kent-police"], "control-rooms", "Shared floor.")
            for n in (7, 3, 5, 1, 2, 6, 4)}
    closer = _project("Kent control room 0", FIRE, ["kent-police", "kent-pcc"], "control-rooms", "Shared floor.")
    views = _views(tmp_path, {**same, "p0-kent": closer})
    found = similar_projects(views)
    assert len(found["p1-kent"]) == SHOWN
    slugs = [s.project.slug for s in found["p1-kent"]]
    scores = [s.score for s in found["p1-kent"]]
    assert scores == sorted(scores, reverse=True)
    equal = [s.project.slug for s in found["p1-kent"] if s.score == scores[-1]]
    assert equal == sorted(equal)  # ties by slug
    assert "p1-kent" not in slugs
    assert similar_projects(views) == found  # deterministic


def test_candidates_come_from_capped_posting_lists_not_from_every_pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """O(n * k): with every posting list cut to 4 projects, 30 identical projects each meet at most the same 5."""
    same: dict[str, str | bytes] = {f"p{n:02d}-kent": _project(f"Kent control room {n:02d}", FIRE, ["kent-police"], "control-rooms", "Shared floor.")
            for n in range(30)}
    views = _views(tmp_path, same)
    monkeypatch.setattr(similar, "MAX_POSTINGS", 4)
    found = similar_projects(views)
    met = {s.project.slug for found_for in found.values() for s in found_for}
    assert met <= {f"p{n:02d}-kent" for n in range(5)}  # the strongest postings: fewest terms, then the earliest slugs
    assert all(1 <= len(f) <= 4 for f in found.values())
    monkeypatch.setattr(similar, "MAX_POSTINGS", 100)
    assert all(len(f) == SHOWN for f in similar_projects(views).values())  # uncapped, everyone has five


def test_similar_projects_from_the_cache_are_the_ones_computed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    same = {f"p{n}-kent": _project(f"Kent control room {n}", FIRE, ["kent-police"], "control-rooms", "Shared floor.")
            for n in (3, 1, 2)}
    views = _views(tmp_path, {**same, "p0-kent": _project("Kent control room 0", FIRE, ["kent-police", "kent-pcc"],
                                                             "control-rooms", "Shared floor.")})
    fresh = similar_projects(views)
    store = similar.similar_store(tmp_path)
    assert store is not None
    assert similar_projects(views, store) == fresh
    store.save()
    monkeypatch.setattr(similar, "_scores", lambda *args: pytest.fail("scored again"))
    monkeypatch.setattr(similar, "term_counts", lambda text: pytest.fail("counted again"))
    monkeypatch.setattr(similar, "_features", lambda *args: pytest.fail("features made again"))
    assert similar_projects(views, similar.similar_store(tmp_path)) == fresh  # nothing computed, the same lists
    monkeypatch.undo()
    # Another theme for one project changes no text, but the scores: the key covers the themes.
    other = views[0].__class__(**{**views[0].__dict__, "themes": (Ref("estates", "Estates", "themes/estates/"),)})
    rethemed = [other, *views[1:]]
    assert similar_projects(rethemed) != fresh
    assert similar_projects(rethemed, similar.similar_store(tmp_path)) == similar_projects(rethemed)
    changed = [views[0].__class__(**{**views[0].__dict__, "summary": "A different summary about drones."}), *views[1:]]
    counted: list[str] = []
    def counting(text: str) -> tuple[dict[str, int], int]:
        counted.append(text)
        return term_counts(text)

    monkeypatch.setattr(similar, "term_counts", counting)
    expected = similar_projects(changed)
    counted.clear()
    assert similar_projects(changed, similar.similar_store(tmp_path)) == expected
    assert len(counted) == 1 and "drones" in counted[0]  # only the changed project is counted again


def _kept_long_openings(tmp_path: Path) -> tuple[list[ProjectView], dict[str, tuple[similar.Similar, ...]]]:
    """Four projects whose descriptions share their first BODY_WORDS words; their similar projects, computed
    and kept in the store at ``tmp_path``."""
    opening = " ".join(f"word{n}" for n in range(similar.BODY_WORDS))
    projects: dict[str, str | bytes] = {f"p{n}-kent": _project(f"Kent control room {n}", FIRE, ["kent-police"], "control-rooms",
                                                                f"{opening} tail{n}.") for n in range(4)}
    views = _views(tmp_path, projects)
    store = similar.similar_store(tmp_path)
    assert store is not None
    fresh = similar_projects(views, store)
    store.save()
    return views, fresh


def test_an_edit_past_the_words_compared_weighs_and_scores_nothing_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The vectors are kept by a digest of every project's counts: a description changed after its first
    BODY_WORDS words counts that project again, but weighs and scores nothing."""
    views, fresh = _kept_long_openings(tmp_path)
    edited = [views[0].__class__(**{**views[0].__dict__, "body_html": views[0].body_html + "<p>A later sentence.</p>"}), *views[1:]]
    def summary(found: dict[str, tuple[similar.Similar, ...]]) -> dict[str, list[tuple[str, tuple[str, ...], float]]]:
        return {slug: [(s.project.slug, s.reasons, s.score) for s in shown] for slug, shown in found.items()}

    expected = summary(similar_projects(edited, None))
    assert expected == summary(fresh)
    monkeypatch.setattr(similar, "_weigh", lambda *args: pytest.fail("weighed again"))
    monkeypatch.setattr(similar, "_scores", lambda *args: pytest.fail("scored again"))
    monkeypatch.setattr(similar, "_reasons", lambda *args: pytest.fail("reasons worked out again"))
    assert summary(similar_projects(edited, similar.similar_store(tmp_path))) == expected


def test_similar_projects_on_two_processes_are_the_ones_computed_on_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    projects: dict[str, str | bytes] = {
        f"p{n:02d}-kent": _project(f"Kent {('control room', 'shared station', 'drone unit')[n % 3]} {n}", FIRE,
                                   ["kent-police"] if n % 2 else ["kent-pcc"], "control-rooms" if n % 4 else "shared-estates",
                                   f"Shared floor {n % 5} with {n % 7} crews.") for n in range(24)}
    views = _views(tmp_path, projects)
    serial = similar_projects(views, jobs=1)
    monkeypatch.setattr(similar, "SCORE_ROWS", 5)  # 5 chunks of rows,
    monkeypatch.setattr(similar, "SCORE_CHUNKS_PER_WORKER", 1)
    monkeypatch.setattr(parallel, "MIN_ITEMS_PER_WORKER", 4)  # and 24 counts, spread over two workers
    pools = count_pools(monkeypatch)
    assert similar_projects(views, jobs=2) == serial
    assert pools == [2, 2, 2]  # the counts, the weights and the scores were each spread over two forked workers


def test_the_counts_are_read_only_when_the_vectors_are_weighed_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The term counts live in a store of their own: an edit that changes no counts never opens it."""
    views, _ = _kept_long_openings(tmp_path)
    assert (tmp_path / ".cache" / f"{similar.COUNTS_STORE}.pickle").is_file()
    opened: list[str] = []
    real = MemoStore.companion

    def watched(self: MemoStore, name: str) -> MemoStore | None:
        opened.append(name)
        return real(self, name)

    monkeypatch.setattr(MemoStore, "companion", watched)
    later = [views[0].__class__(**{**views[0].__dict__, "body_html": views[0].body_html + "<p>A later sentence.</p>"}), *views[1:]]
    assert similar_projects(later, similar.similar_store(tmp_path)) == similar_projects(later, None)
    assert opened == []
    retitled = [views[0].__class__(**{**views[0].__dict__, "title": "Drone unit"}), *views[1:]]
    assert similar_projects(retitled, similar.similar_store(tmp_path)) == similar_projects(retitled, None)
    assert opened == [similar.COUNTS_STORE]
