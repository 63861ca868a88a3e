"""The schema is the single source of truth: every derived view must match it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from site_builder.catalogue.registry import Registry, load_registry
from site_builder.intake.issue_form import issue_form
from site_builder.intake.labels import question_for
from site_builder.model.project import ProjectFrontMatter
from site_builder.outputs.field_docs import (
    GUIDE_FILE,
    TABLE_END,
    TABLE_START,
    field_rows,
    field_table,
    generated_files,
    project_template,
)
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
    root = make_catalogue(tmp_path, {"kent-joint-control-room": VALID_PROJECT.replace("operational", "operatonal")})
    code, out = run_cli("check", "--root", str(root))
    assert code == 1
    first_line = out.splitlines()[0]
    assert first_line in (REPO / GUIDE_FILE).read_text(encoding="utf-8").splitlines()


# --- CONTRIBUTING.md's field-table markers ----------------------------------------------------------

START, END = TABLE_START, TABLE_END
REFUSED_CHECK = "fix the errors above, then run 'catalogue schema' (or 'make schema') and commit the result"
REFUSED_WRITE = "wrote nothing: fix the errors above, then run 'catalogue schema' again"


def schema_root(tmp_path: Path, guide: str | bytes) -> Path:
    """A catalogue whose generated files are current, with ``guide`` as its CONTRIBUTING.md."""
    for rel in ("schema/regions.yaml", "schema/themes.yaml", "schema/enablers.yaml", "schema/barriers.yaml",
                "content/organisations.yaml"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes((REPO / rel).read_bytes())
    assert run_cli("schema", "--root", str(tmp_path))[0] == 0
    (tmp_path / GUIDE_FILE).write_bytes(guide.encode() if isinstance(guide, str) else guide)
    return tmp_path


BAD_GUIDES: list[tuple[str, str | bytes, str]] = [
    ("no markers", "# Contributing\n\n| field |\n|---|\n",
     f"CONTRIBUTING.md:1:1: error: expected the two marker lines around the field table, found neither; add the line {START} "
     f"before the table and the line {END} after it, then run 'catalogue schema'"),
    ("only the start", f"# Contributing\n\n{START}\n| field |\n",
     f"CONTRIBUTING.md:3:1: error: expected a field-table end marker line, found none; add the line {END} after the field "
     "table, then run 'catalogue schema'"),
    ("only the end", f"# Contributing\n\n| field |\n{END}\n",
     f"CONTRIBUTING.md:4:1: error: expected a field-table start marker line, found none; add the line {START} before the "
     "field table, then run 'catalogue schema'"),
    ("the wrong order", f"# Contributing\n\n{END}\n| field |\n{START}\n",
     "CONTRIBUTING.md:3:1: error: expected the field-table end marker after the start marker on line 5, found it before; "
     "swap the two marker lines, so that the start marker comes first"),
    ("a second start", f"{START}\n| field |\n{END}\n\n{START}\n",
     "CONTRIBUTING.md:5:1: error: expected one field-table start marker, found another (the first is on line 1); "
     "remove one of them: 'catalogue schema' writes the table between one start and one end marker"),
    ("an edited start", f"# Contributing\n  <!-- field-table:start -->\n| field |\n{END}\n",
     "CONTRIBUTING.md:2:3: error: expected the field-table start marker exactly, found '<!-- field-table:start -->'; "
     f"replace the line with {START}"),
    ("Latin-1", f"# Contributing caf\xe9\n{START}\n{END}\n".encode("latin-1"),
     "CONTRIBUTING.md:1:19: error: expected UTF-8 text, found the byte 0xE9, which is not UTF-8; save the file with the "
     "encoding 'UTF-8' (not 'ANSI', 'Western' or 'Latin-1'), then check accented letters and curly quotes"),
]


@pytest.mark.parametrize(("guide", "message"), [(g, m) for _, g, m in BAD_GUIDES], ids=[name for name, _, _ in BAD_GUIDES])
def test_schema_check_reports_a_guide_whose_markers_are_unusable(tmp_path: Path, guide: str | bytes, message: str) -> None:
    root = schema_root(tmp_path, guide)
    assert run_cli("schema", "--check", "--root", str(root)) == (1, f"{message}\n{REFUSED_CHECK}\n")


@pytest.mark.parametrize(("guide", "message"), [(g, m) for _, g, m in BAD_GUIDES], ids=[name for name, _, _ in BAD_GUIDES])
def test_schema_refuses_to_write_anything_when_the_guide_markers_are_unusable(tmp_path: Path, guide: str | bytes, message: str) -> None:
    root = schema_root(tmp_path, guide)
    (root / "schema/project.schema.json").write_text("{}\n", encoding="utf-8")
    assert run_cli("schema", "--root", str(root)) == (1, f"{message}\n{REFUSED_WRITE}\n")
    assert (root / GUIDE_FILE).read_bytes() == (guide.encode() if isinstance(guide, str) else guide)
    assert (root / "schema/project.schema.json").read_text(encoding="utf-8") == "{}\n"


def test_schema_check_lists_stale_files_beside_a_guide_problem(tmp_path: Path) -> None:
    root = schema_root(tmp_path, "# Contributing\n")
    (root / "schema/project.schema.json").write_text("{}\n", encoding="utf-8")
    code, out = run_cli("schema", "--check", "--root", str(root))
    assert code == 1
    assert out.splitlines()[1:] == ["stale: schema/project.schema.json", REFUSED_CHECK]


def test_schema_rewrites_only_the_table_between_the_markers(tmp_path: Path, registry: Registry) -> None:
    before, after = "# Contributing\n\nSome words.\n\n", "\n\nMore words; a `field-table:end` mentioned in passing.\n"
    root = schema_root(tmp_path, f"{before}{START}\n| old | table |\n{END}{after}")
    assert run_cli("schema", "--root", str(root)) == (0, "wrote: CONTRIBUTING.md\n")
    assert (root / GUIDE_FILE).read_text(encoding="utf-8") == f"{before}{START}\n{field_table(registry)}{END}{after}"
    assert run_cli("schema", "--check", "--root", str(root)) == (0, "generated files are up to date\n")
