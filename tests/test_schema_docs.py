"""The schema is the single source of truth: every derived view must match it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.field_docs import GUIDE_FILE, field_rows, generated_files, project_template
from site_builder.intake.issue_form import issue_form
from site_builder.intake.labels import question_for
from site_builder.models import ProjectFrontMatter
from site_builder.registry import Registry, load_registry
from tests.helpers import run_cli

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def registry() -> Registry:
    loaded, problems = load_registry(REPO)
    assert problems == []
    return loaded


def test_generated_files_are_committed_and_current() -> None:
    code, out = run_cli("schema", "--check", "--root", str(REPO))
    assert code == 0, out
    assert out == "generated files are up to date\n"


def test_schema_check_reports_a_stale_file(tmp_path: Path) -> None:
    for rel in ("schema", "content"):
        (tmp_path / rel).mkdir()
    for rel in ("schema/regions.yaml", "schema/themes.yaml", "schema/enablers.yaml", "schema/barriers.yaml",
                "content/organisations.yaml", GUIDE_FILE):
        (tmp_path / rel).write_bytes((REPO / rel).read_bytes())
    code, out = run_cli("schema", "--root", str(tmp_path))
    assert code == 0
    (tmp_path / "schema/project.schema.json").write_text("{}\n", encoding="utf-8")
    code, out = run_cli("schema", "--check", "--root", str(tmp_path))
    assert code == 1
    assert out.splitlines() == ["stale: schema/project.schema.json",
                                "run 'catalogue schema' (or 'make schema') and commit the result"]


def test_every_field_has_a_description() -> None:
    missing = [name for name, info in ProjectFrontMatter.model_fields.items() if not (info.description or "").strip()]
    assert missing == []


def test_every_field_is_in_the_contributor_guide_table(registry: Registry) -> None:
    guide = (REPO / GUIDE_FILE).read_text(encoding="utf-8")
    for row in field_rows(registry):
        assert f"| `{row.name}` |" in guide, f"{row.name} is missing from the field table in {GUIDE_FILE}"


def test_nested_fields_and_vocabularies_are_documented(registry: Registry) -> None:
    rows = {row.name: row for row in field_rows(registry)}
    assert "funding[].amount_gbp" in rows
    assert "evaluation.kind" in rows and rows["evaluation.kind"].allowed == ("none", "internal", "independent")
    assert set(rows["themes"].allowed) == set(registry.themes)
    assert rows["title"].required and not rows["ended"].required


def test_template_names_every_top_level_field_once(registry: Registry) -> None:
    template = project_template(registry)
    for name in ProjectFrontMatter.model_fields:
        assert template.count(f"\n{name}:\n") == 1, name


def test_issue_form_asks_a_question_for_every_field(registry: Registry) -> None:
    form = json.loads(issue_form(registry).split("\n", 1)[1])
    ids = {item.get("id") for item in form["body"]}
    rows = field_rows(registry)
    parents = {row.name.split(".")[0].removesuffix("[]") for row in rows if "." in row.name}  # asked one sub-field at a time
    for row in (row for row in rows if row.name not in parents):
        question = question_for(row.name.replace("[]", "[0]"))
        assert question is not None and question.id in ids, row.name
        assert "_" not in question.label and question.label[0].isupper(), f"{row.name}: ask in plain words, not a field name"


def test_generated_files_are_deterministic(registry: Registry) -> None:
    assert generated_files(REPO, registry) == generated_files(REPO, registry)


def test_the_guide_shows_a_real_diagnostic(tmp_path: Path) -> None:
    """The example error in the contributor guide is exactly what the tool prints."""
    from tests.helpers import VALID_PROJECT, make_catalogue

    root = make_catalogue(tmp_path, {"kent-joint-control-room": VALID_PROJECT.replace("operational", "operatonal")})
    code, out = run_cli("check", "--root", str(root))
    assert code == 1
    first_line = out.splitlines()[0]
    assert first_line in (REPO / GUIDE_FILE).read_text(encoding="utf-8").splitlines()
