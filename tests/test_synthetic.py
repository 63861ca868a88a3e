"""The benchmark corpus: valid, shaped like the shipped projects, deterministic."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.catalogue.load import load_catalogue
from site_builder.catalogue.registry import Registry, load_registry
from site_builder.catalogue.types import Project
from site_builder.devtools.synthetic import REPO, ROLES, Generated, generate_catalogue
from site_builder.model.project import Contact, Evaluation, Funding, ProjectFrontMatter
from tests.helpers import make_catalogue, run_cli

WORD = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")


@pytest.fixture(scope="module")
def registry() -> Registry:
    found, problems = load_registry(REPO)
    assert not problems
    return found


@pytest.fixture(scope="module")
def shipped() -> list[Project]:
    catalogue, report = load_catalogue(REPO)
    assert catalogue.projects and not report.errors
    return catalogue.projects


@pytest.fixture(scope="module")
def three_hundred(tmp_path_factory: pytest.TempPathFactory, registry: Registry) -> tuple[Generated, list[Project]]:
    root = tmp_path_factory.mktemp("n300")
    generated = generate_catalogue(root, 300, registry)
    catalogue, report = load_catalogue(root, today=generated.today)
    assert report.diagnostics == [], report.render()
    return generated, catalogue.projects


def _filled(value: object) -> bool:
    return value not in (None, [], "")


def _fill_rates(projects: list[Project]) -> dict[str, float]:
    return {name: sum(_filled(getattr(p.meta, name)) for p in projects) / len(projects) for name in ProjectFrontMatter.model_fields}


def test_a_generated_catalogue_of_60_projects_passes_check_strict(tmp_path: Path, registry: Registry) -> None:
    generated = generate_catalogue(tmp_path, 60, registry)
    code, output = run_cli("check", "--strict", "--root", str(tmp_path))
    assert (code, output) == (0, "60 files checked: 0 errors, 0 warnings\n")
    _, report = load_catalogue(tmp_path, today=generated.today)  # as of the date the bench checks it
    assert report.diagnostics == [], report.render()
    assert len(list((tmp_path / "content" / "projects").glob("*.md"))) == 60


def test_fill_rates_follow_the_shipped_projects_within_15_points(shipped: list[Project],
                                                               three_hundred: tuple[Generated, list[Project]]) -> None:
    _, projects = three_hundred
    assert len(projects) == 300
    want, got = _fill_rates(shipped), _fill_rates(projects)
    assert {name for name, rate in want.items() if rate > 0} - {name for name, rate in got.items() if rate > 0} == set()
    off = {name: (round(want[name], 2), round(got[name], 2)) for name in want if abs(want[name] - got[name]) > 0.15}
    assert off == {}


def test_every_field_of_the_schema_is_filled_somewhere(three_hundred: tuple[Generated, list[Project]]) -> None:
    generated, projects = three_hundred
    empty = [name for name in ProjectFrontMatter.model_fields if not any(_filled(getattr(p.meta, name)) for p in projects)]
    assert empty == []
    nested: list[tuple[str, type[Contact | Evaluation | Funding], list[object]]] = [
        ("contact", Contact, [p.meta.contact for p in projects if p.meta.contact]),
        ("evaluation", Evaluation, [p.meta.evaluation for p in projects if p.meta.evaluation]),
        ("funding", Funding, [f for p in projects for f in p.meta.funding or []]),
    ]
    empty = [f"{parent}.{name}" for parent, model, entries in nested for name in model.model_fields
             if not any(_filled(getattr(entry, name)) for entry in entries)]
    assert empty == []
    assert generated.fallbacks == ("contact", "aliases")  # the fields no shipped project fills yet


def test_values_look_like_real_ones(three_hundred: tuple[Generated, list[Project]]) -> None:
    _, projects = three_hundred
    mailboxes = {mailbox for _, mailbox in ROLES}
    emails = [p.meta.contact.email for p in projects if p.meta.contact]
    assert emails and all(e.split("@")[0] in mailboxes and re.fullmatch(r"[a-z]+@[a-z0-9.-]+\.uk", e) for e in emails), emails
    urls = [link.url for p in projects for link in p.meta.links or []]
    assert all(re.fullmatch(r"https://[a-z0-9.-]+\.[a-z]{2,}/[a-z0-9-]+/[a-z0-9-]+", u) for u in urls), urls[:5]
    assert 40 <= sum(map(len, urls)) / len(urls) <= 160
    assert all(20 <= len(p.meta.summary) <= 400 and 5 <= len(p.meta.title) <= 150 for p in projects)
    amounts = [f.amount_gbp for p in projects for f in p.meta.funding or []]
    assert amounts and all(10_000 <= a <= 100_000_000 for a in amounts)
    assert len({p.meta.title.lower() for p in projects}) == 300


def test_bodies_have_400_to_600_words_with_headings_a_list_links_and_bold(
        three_hundred: tuple[Generated, list[Project]]) -> None:
    generated, projects = three_hundred
    counts = [len(WORD.findall(re.sub(r"\]\([^)]*\)", "]", p.body))) for p in projects]
    assert min(counts) >= 400 and max(counts) <= 600, (min(counts), max(counts))
    assert sum(counts) == generated.body_words
    for project in projects:
        body = project.body
        assert len(re.findall(r"^## \S", body, re.MULTILINE)) == 2, project.slug
        assert re.search(r"^- \S", body, re.MULTILINE), project.slug
        assert re.search(r"\[[^\]]+\]\(https://[^)\s]+\)", body), project.slug
        assert re.search(r"\*\*[^*]+\*\*", body), project.slug


def test_two_generations_with_one_seed_are_byte_identical(tmp_path: Path, registry: Registry) -> None:
    files = {}
    for name, seed in (("one", 7), ("two", 7), ("other", 8)):
        generate_catalogue(tmp_path / name, 40, registry, seed=seed)
        files[name] = {p.name: p.read_bytes() for p in sorted((tmp_path / name).rglob("*")) if p.is_file()}
    assert len(files["one"]) == 40 + 7  # the projects, the registry, four vocabularies, site.yaml and the region tiles
    assert files["one"] == files["two"]
    assert files["one"] != files["other"]


def test_the_shape_follows_whatever_the_content_holds(tmp_path: Path) -> None:
    """One shipped project that fills only some fields: those are always filled, the rest are fallbacks."""
    shipped = make_catalogue(tmp_path / "shipped")
    registry, problems = load_registry(shipped)
    assert not problems
    generated = generate_catalogue(tmp_path / "synthetic", 100, registry, source=shipped, shipped=shipped)
    assert generated.fallbacks == ("ended", "scope", "formal_agreement", "funding", "costs_gbp", "savings_gbp_per_year",
                                   "benefits", "lessons", "evaluation", "enablers", "barriers", "contact", "aliases")
    catalogue, report = load_catalogue(tmp_path / "synthetic", today=generated.today)
    assert report.diagnostics == [], report.render()
    rates = _fill_rates(catalogue.projects)
    assert rates["started"] == rates["links"] == 1.0
    assert all(rates[name] <= 0.25 for name in generated.fallbacks if name != "ended")
    assert {p.meta.last_reviewed.isoformat() for p in catalogue.projects} == {"2026-01-15"}
    assert str(generated.today) == "2026-01-15"
    assert {p.meta.lead for p in catalogue.projects} == {"kent-fire-and-rescue-service"}  # the only fire service
