"""The schema is the single source of truth: every derived view must match it."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_builder.catalogue.registry import Registry, load_registry
from site_builder.model.project import ProjectFrontMatter
from site_builder.outputs.field_docs import GUIDE_FILE, field_rows, generated_files, issue_form, project_template
from tests.helpers import VALID_PROJECT, make_catalogue, run_cli

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


def test_issue_form_offers_every_field(registry: Registry) -> None:
    form = issue_form(registry)
    for name in ProjectFrontMatter.model_fields:
        assert f'"id": "{name}"' in form, name


def test_generated_files_are_deterministic(registry: Registry) -> None:
    assert generated_files(REPO, registry) == generated_files(REPO, registry)


def test_the_guide_shows_a_real_diagnostic(tmp_path: Path) -> None:
    """The example error in the contributor guide is exactly what the tool prints."""
    root = make_catalogue(tmp_path, {"kent-joint-control-room": VALID_PROJECT.replace("operational", "operatonal")})
    code, out = run_cli("check", "--root", str(root))
    assert code == 1
    first_line = out.splitlines()[0]
    assert first_line in (REPO / GUIDE_FILE).read_text(encoding="utf-8").splitlines()
