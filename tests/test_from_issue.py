"""The issue form and ``catalogue from-issue``: a round trip through the form for every shipped project,
and bad answers reported by question."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from site_builder.catalogue.load import load_catalogue
from site_builder.catalogue.registry import Registry, load_registry
from site_builder.intake.issue_form import read_issue_body
from site_builder.intake.labels import AGREEMENT_LABELS, EVALUATION_LABELS, SCOPE_LABELS
from site_builder.intake.submit import MARKER, submit_issue
from site_builder.model.project import STATUS_LABELS, ProjectFrontMatter
from tests.helpers import real_registry_catalogue, run_cli

REPO = Path(__file__).resolve().parent.parent
FORM_FILE = REPO / ".github" / "ISSUE_TEMPLATE" / "add-project.yml"
FORM: dict[str, Any] = json.loads(FORM_FILE.read_text(encoding="utf-8").split("\n", 1)[1])
ELEMENTS = {item["id"]: item for item in FORM["body"] if "id" in item}
SHIPPED = sorted(p.stem for p in (REPO / "content" / "projects").glob("*.md"))


@pytest.fixture(scope="module")
def registry() -> Registry:
    loaded, problems = load_registry(REPO)
    assert problems == []
    return loaded


def render_body(answers: dict[str, Any]) -> str:
    """The Markdown GitHub writes for a submitted form: every question's label, then its answer."""
    out = []
    for item in FORM["body"]:
        if item["type"] == "markdown":
            continue
        answer = answers.get(item["id"])
        options = item["attributes"].get("options", [])
        if item["type"] == "checkboxes":
            chosen = set(answer or [])
            text = "\n".join(f"- [{'X' if o['label'] in chosen else ' '}] {o['label']}" for o in options)
        elif item["type"] == "dropdown" and answer:
            for label in answer if isinstance(answer, list) else [answer]:
                assert label in options, f"{item['id']}: the form does not offer {label!r}"
            # GitHub lists the options chosen in a multiple dropdown in the form's order, not the order clicked.
            text = ", ".join(o for o in options if o in answer) if isinstance(answer, list) else answer
        else:
            text = answer or "_No response_"
        out.append(f"### {item['attributes']['label']}\n\n{text}")
    return "\n\n".join(out) + "\n"


def answers_for(slug: str, registry: Registry) -> dict[str, Any]:
    """A shipped project's values, answered the way a person would fill in the form."""
    catalogue, _ = load_catalogue(REPO, [f"content/projects/{slug}.md"])
    meta = catalogue.projects[0].meta
    name = {org_id: org.name for org_id, org in registry.organisations.items()}
    answers: dict[str, Any] = {
        "title": meta.title, "file_name": slug, "summary": meta.summary, "status": STATUS_LABELS[meta.status],
        "lead": name[meta.lead], "partners": [name[p] for p in meta.partners],
        "themes": [registry.themes[t].label for t in meta.themes], "started": meta.started, "ended": meta.ended,
        "scope": SCOPE_LABELS[meta.scope] if meta.scope else None,
        "formal_agreement": AGREEMENT_LABELS[str(meta.formal_agreement).lower()] if meta.formal_agreement is not None else None,
        "costs_gbp": str(meta.costs_gbp) if meta.costs_gbp is not None else None,
        "savings_gbp_per_year": str(meta.savings_gbp_per_year) if meta.savings_gbp_per_year is not None else None,
        "benefits": "\n".join(meta.benefits or []), "lessons": "\n".join(meta.lessons or []),
        "enablers": [registry.enablers[t].label for t in meta.enablers or []],
        "barriers": [registry.barriers[t].label for t in meta.barriers or []],
        "links": "\n".join(f"{link.title} {link.url}" for link in meta.links or []),
        "aliases": "\n".join(meta.aliases or []), "last_reviewed": meta.last_reviewed.isoformat(),
        "body": catalogue.projects[0].body,
    }
    for slot, funding in enumerate(meta.funding or [], start=1):
        answers |= {f"funding_{slot}_source": funding.source, f"funding_{slot}_amount_gbp": str(funding.amount_gbp),
                    f"funding_{slot}_year": str(funding.year) if funding.year else None}
    if meta.evaluation:
        answers |= {"evaluation_kind": EVALUATION_LABELS[meta.evaluation.kind], "evaluation_url": meta.evaluation.url,
                    "evaluation_summary": meta.evaluation.summary}
    if meta.contact:
        answers |= {"contact_role": meta.contact.role, "contact_email": meta.contact.email,
                    "contact_organisation": name[meta.contact.organisation] if meta.contact.organisation else None}
    return answers


def in_form_order(meta: ProjectFrontMatter, registry: Registry) -> ProjectFrontMatter:
    """``meta`` with its partners and ticked vocabularies in the order the form lists them (the registry's):
    a form cannot record the order in which boxes were ticked."""
    def ordered(values: list[str] | None, known: dict[str, Any]) -> list[str] | None:
        return None if values is None else [v for v in known if v in values]

    return meta.model_copy(update={
        "partners": ordered(meta.partners, registry.organisations), "themes": ordered(meta.themes, registry.themes),
        "enablers": ordered(meta.enablers, registry.enablers), "barriers": ordered(meta.barriers, registry.barriers)})


@pytest.mark.parametrize("slug", SHIPPED)
def test_a_shipped_project_survives_a_round_trip_through_the_form(tmp_path: Path, registry: Registry, slug: str) -> None:
    root = real_registry_catalogue(tmp_path)
    body = tmp_path / "issue.md"
    body.write_text(render_body(answers_for(slug, registry)), encoding="utf-8")
    code, out = run_cli("from-issue", str(body), "--root", str(root))
    assert (code, out) == (0, f"wrote {root}/content/projects/{slug}.md\n")
    assert run_cli("check", "--root", str(root))[0] == 0
    original, _ = load_catalogue(REPO, [f"content/projects/{slug}.md"])
    copied, report = load_catalogue(root)
    assert report.errors == 0
    assert (copied.projects[0].meta, copied.projects[0].body) == (in_form_order(original.projects[0].meta, registry),
                                                                  original.projects[0].body)
    # The file is written canonically: formatting it changes nothing.
    assert run_cli("fmt", "--check", "--root", str(root))[0] == 0


def test_bad_answers_are_reported_by_question_and_nothing_is_written(tmp_path: Path, registry: Registry) -> None:
    root = real_registry_catalogue(tmp_path)
    answers = answers_for("kent-fire-control-at-police-headquarters", registry) | {
        "title": "Kent", "status": None, "funding_1_source": "Home Office", "funding_1_amount_gbp": "£250k",
        "contact_role": "Jane Smith", "contact_email": "jane.smith@kent.police.uk", "last_reviewed": "December 2025",
        "missing_organisations": "Surrey County Council"}
    body = tmp_path / "issue.md"
    body.write_text(render_body(answers), encoding="utf-8")
    code, out = run_cli("from-issue", str(body), "--root", str(root))
    assert code == 1
    assert out.splitlines() == [
        'question "What is the project called?": expected at least 5 characters, found 4 characters; write a little more',
        'question "What stage has the project reached?": expected an answer, found none; answer this question',
        'question "Is an organisation missing from the lists above?": unknown organisation \'Surrey County Council\'; '
        "a maintainer needs to add it to content/organisations.yaml in the same pull request, and check its kind and regions: "
        "surrey-county-council: {name: Surrey County Council, kind: local-authority, regions: [south-east]}",
        'question "Funding source 1: how much, in whole pounds?": expected a whole number of pounds, found \'£250k\'; write digits only: 250000',
        'question "Which role or team can people contact about it?": expected a job role or team, found \'Jane Smith\', which looks '
        "like a person's name; write the role, for example 'Collaboration programme manager': the catalogue publishes roles, not names",
        'question "What is that team\'s mailbox?": expected a role or team mailbox, found \'jane.smith@kent.police.uk\', which looks '
        "like a personal address; give a team mailbox such as collaboration@your-service.gov.uk: the catalogue publishes role mailboxes only",
        'question "On what date did you check these details?": expected a date as YYYY-MM-DD, found \'December 2025\'; '
        "write 2025-12-01 (a full date: last_reviewed needs the day too)",
        "7 problems to fix: no file was written",
    ]
    assert list((root / "content" / "projects").iterdir()) == []


def test_the_issue_comment_has_the_marker_and_the_problems_in_plain_words(tmp_path: Path, registry: Registry) -> None:
    root = real_registry_catalogue(tmp_path)
    answers = answers_for("kent-fire-control-at-police-headquarters", registry) | {"title": "Kent"}
    outcome = submit_issue(root, render_body(answers).encode())
    comment = outcome.markdown()
    assert comment.startswith(MARKER + "\n")
    assert '- question "What is the project called?": expected at least 5 characters' in comment
    assert outcome.written is None


def test_an_existing_file_name_is_refused(tmp_path: Path, registry: Registry) -> None:
    root = real_registry_catalogue(tmp_path)
    body = tmp_path / "issue.md"
    body.write_text(render_body(answers_for("emergency-services-network", registry)), encoding="utf-8")
    assert run_cli("from-issue", str(body), "--root", str(root))[0] == 0
    code, out = run_cli("from-issue", str(body), "--root", str(root))
    assert code == 1
    assert out.splitlines()[0] == ('question "File name (optional)": expected a new file name, found \'emergency-services-network\', '
                                   "which is already a project; give this project its own file name, or edit the existing file instead")


def test_a_heading_inside_the_description_stays_part_of_it(tmp_path: Path, registry: Registry) -> None:
    root = real_registry_catalogue(tmp_path)
    answers = answers_for("emergency-services-network", registry) | {"body": "Intro.\n\n### What is the project called?\n\nMore."}
    body = tmp_path / "issue.md"
    body.write_text(render_body(answers), encoding="utf-8")
    assert run_cli("from-issue", str(body), "--root", str(root))[0] == 0
    written = (root / "content/projects/emergency-services-network.md").read_text(encoding="utf-8")
    assert written.endswith("---\nIntro.\n\n### What is the project called?\n\nMore.\n")


def test_the_form_follows_githubs_form_rules(registry: Registry) -> None:
    """The rules GitHub enforces on issue forms (see 'Common validation errors when creating issue forms')."""
    ids = [item["id"] for item in FORM["body"] if "id" in item]
    labels = [item["attributes"]["label"] for item in FORM["body"] if item["type"] != "markdown"]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"[A-Za-z0-9_-]+", i) for i in ids)
    assert len(labels) == len(set(labels)) and all(label.strip() for label in labels)
    for item in FORM["body"]:
        options = item["attributes"].get("options", [])
        names = [o["label"] if isinstance(o, dict) else o for o in options]
        assert len(names) == len(set(names)), item["id"]
        assert all(isinstance(n, str) and n.strip() and n.lower() != "none" for n in names), item["id"]
    assert len(ELEMENTS["partners"]["attributes"]["options"]) == len(registry.organisations)
    assert ELEMENTS["partners"]["attributes"]["multiple"] is True
    assert not any(item["type"] == "textarea" and "render" in item["attributes"] for item in FORM["body"])


def test_blank_and_none_answers_leave_optional_fields_out(registry: Registry) -> None:
    answers = answers_for("emergency-services-network", registry) | {"scope": None, "started": None}
    text = render_body(answers).replace("### How far does it reach?\n\n_No response_", "### How far does it reach?\n\nNone")
    draft = read_issue_body(text, registry)
    assert "scope" not in draft.values and "started" not in draft.values
    assert draft.values["title"] == answers["title"]
