"""The JSON Schema accepts what ``catalogue check`` accepts, as an editor reads the file.

An editor's YAML parser is not the catalogue's strict loader: PyYAML's ``safe_load`` turns
``started: 2020`` into a number and ``last_reviewed: 2026-11-26`` into a date, which a JSON-based
validator then sees as text. These tests read each file that way and validate it with ``jsonschema``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from site_builder.catalogue.load import load_catalogue
from site_builder.catalogue.registry import load_registry
from site_builder.outputs.json_schema import SCHEMA_FILE, project_json_schema
from site_builder.text.source_file import split_front_matter

REPO = Path(__file__).resolve().parent.parent
FIXTURE_SITE = REPO / "tests" / "fixtures" / "site"
INVALID = REPO / "tests" / "fixtures" / "invalid"


def as_an_editor_reads(path: Path) -> Any:
    """The front matter as PyYAML's safe_load reads it, passed through JSON as an editor's validator sees it."""
    split, problems = split_front_matter(path.read_text(encoding="utf-8-sig").replace("\r\n", "\n"), str(path))
    assert split is not None, problems
    data = yaml.safe_load(split.front_matter)
    return json.loads(json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


def validator_for(root: Path) -> jsonschema.Draft202012Validator:
    registry, problems = load_registry(root)
    assert not problems
    return jsonschema.Draft202012Validator(project_json_schema(registry))


def project_paths(root: Path) -> list[Path]:
    return sorted((root / "content" / "projects").glob("*.md"))


@pytest.mark.parametrize("root", [REPO, FIXTURE_SITE], ids=["shipped", "fixture"])
def test_every_project_that_check_accepts_validates_against_the_json_schema(root: Path) -> None:
    catalogue, _ = load_catalogue(root, today=dt.date(2026, 12, 1))
    accepted = {project.path for project in catalogue.projects}
    assert accepted, "the catalogue has projects"
    validator = validator_for(root)
    failures = {
        path.name: [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(as_an_editor_reads(path))]
        for path in project_paths(root) if f"content/projects/{path.name}" in accepted
    }
    assert {name: errors for name, errors in failures.items() if errors} == {}


def test_the_committed_schema_is_the_generated_one() -> None:
    registry, _ = load_registry(REPO)
    committed = json.loads((REPO / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert committed == project_json_schema(registry)


def test_numbers_and_quoted_values_that_check_accepts_are_valid_for_an_editor_too() -> None:
    validator = validator_for(REPO)
    base = as_an_editor_reads(project_paths(REPO)[0])
    for change in ({"started": 2020}, {"started": "2020-06"}, {"ended": 2021}, {"costs_gbp": "250000"},
                   {"costs_gbp": 250000}, {"formal_agreement": "true"}, {"formal_agreement": False},
                   {"title": 1999.5}, {"benefits": [2020]}):
        errors = [e.message for e in validator.iter_errors({**base, **change})]
        assert errors == [], change


@pytest.mark.parametrize(("change", "why"), [
    ({"status": "operatonal"}, "an unknown status"),
    ({"started": 20201}, "a five-digit year"),
    ({"started": "June 2020"}, "a date in words"),
    ({"costs_gbp": "£2m"}, "an amount with a pound sign"),
    ({"costs_gbp": -5}, "a negative amount"),
    ({"formal_agreement": "yes"}, "yes for a boolean"),
    ({"themes": ["not-a-theme"]}, "an unknown theme"),
    ({"colour": "blue"}, "an unknown field"),
])
def test_the_schema_still_rejects_what_check_rejects(change: dict[str, Any], why: str) -> None:
    validator = validator_for(REPO)
    base = as_an_editor_reads(project_paths(REPO)[0])
    assert list(validator.iter_errors({**base, **change})), why
