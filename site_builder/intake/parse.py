"""Text to a validated project and its diagnostics, with no disk access: every door shares these messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from site_builder.diagnostics import Diagnostic
from site_builder.explain import explain_validation_error
from site_builder.intake.lint import body_lints, repair_text, value_lints
from site_builder.intake.recover import read_with_recovery
from site_builder.models import ProjectFrontMatter, describe
from site_builder.registry import Registry
from site_builder.source_file import decode_text, size_limit, split_front_matter
from site_builder.strict_yaml import SourceMap

MAX_BODY_BYTES = 100 * 1024


@dataclass(frozen=True)
class Project:
    """A validated project: its front matter, its Markdown body and where each field came from."""

    slug: str
    path: str
    meta: ProjectFrontMatter
    body: str
    body_line: int
    source: SourceMap
    services: tuple[str, ...]
    regions: tuple[str, ...]
    # Fields that failed validation, so that placeholders stand in for them: such a project is never
    # published, but the rules that do not involve these fields are still checked (every error in one run).
    unchecked: frozenset[str] = frozenset()

    @property
    def organisations(self) -> list[str]:
        return [self.meta.lead, *self.meta.partners]


def parse_project_bytes(raw: bytes, rel: str, registry: Registry,
                        unusable: dict[str, set[str]] | None = None) -> tuple[Project | None, list[Diagnostic]]:
    """Decode, parse and validate one project file's bytes. ``unusable``: ids whose registry entries failed."""
    text, problems = decode_text(raw, rel)
    if text is None:
        return None, problems
    return parse_project_text(text, rel, registry, unusable)


def parse_project_text(text: str, rel: str, registry: Registry,
                       unusable: dict[str, set[str]] | None = None) -> tuple[Project | None, list[Diagnostic]]:
    """Parse and validate decoded project text (LF line endings)."""
    split, problems = split_front_matter(text, rel)
    if split is None:
        return None, problems
    front, diagnostics = repair_text(split.front_matter, split.front_matter_line, rel)
    data, source, yaml_problems = read_with_recovery(front, split.front_matter_line, rel)
    diagnostics += yaml_problems
    body_problem = _body_problem(split.body)
    if body_problem:
        diagnostics.append(Diagnostic(rel, split.body_line, 1, "error", "body", *body_problem))
    diagnostics += body_lints(split.body, split.body_line, rel)
    if yaml_problems:
        return None, diagnostics
    if data is None:
        data = {}
    if not isinstance(data, dict):
        pos = source.value(())
        found = "a list" if isinstance(data, list) else f"the text {describe(data)}"
        return None, [*diagnostics, Diagnostic(rel, pos.line, pos.col, "error", "",
                                               f"expected fields written as 'name: value', found {found}",
                                               "start from the project template in the contributor guide")]
    lints, replaced_fields = value_lints(data, source, front, split.front_matter_line, rel)
    diagnostics += lints
    context = {"registry": registry, "unusable": unusable or {}, "regions_hint": _regions_hint(data, registry)}
    unchecked: frozenset[str] = frozenset()
    try:
        meta = ProjectFrontMatter.model_validate(data, context=context)
    except ValidationError as exc:
        diagnostics += [d for d in explain_validation_error(exc, ProjectFrontMatter, rel, source) if d.field not in replaced_fields]
        unchecked = frozenset(str(error["loc"][0]) for error in exc.errors() if error["loc"])
        salvaged = _with_placeholders(data, unchecked, registry, context)
        if salvaged is None:
            return None, diagnostics
        meta = salvaged
    orgs = [meta.lead, *meta.partners]
    project = Project(rel.rsplit("/", 1)[-1][:-3], rel, meta, split.body, split.body_line, source,
                      tuple(registry.services_of(orgs)), tuple(registry.regions_of(orgs)),
                      unchecked | ({"body"} if body_problem else frozenset()))
    return project, diagnostics


def _regions_hint(data: dict[str, Any], registry: Registry) -> list[str]:
    """The regions of the known organisations a project names, for a ready-to-paste registry entry."""
    partners = data.get("partners")
    named = [data.get("lead"), *(partners if isinstance(partners, list) else [])]
    return registry.regions_of([o for o in named if isinstance(o, str) and o in registry.organisations])


def _with_placeholders(data: dict[str, Any], failed: frozenset[str], registry: Registry,
                       context: dict[str, Any]) -> ProjectFrontMatter | None:
    """The front matter with each failed field dropped, or replaced by a valid stand-in if required."""
    if not (registry.organisations and registry.themes):
        return None
    some_org = next(iter(registry.organisations))
    stand_ins = {"title": "Placeholder title", "summary": "Placeholder summary for the remaining checks.",
                 "status": "proposed", "lead": some_org, "partners": [some_org], "themes": [next(iter(registry.themes))],
                 "last_reviewed": "2000-01-01"}
    kept = {key: value for key, value in data.items() if key not in failed and key in ProjectFrontMatter.model_fields}
    for key in failed & stand_ins.keys():
        kept[key] = stand_ins[key]
    try:
        return ProjectFrontMatter.model_validate(kept, context=context)
    except ValidationError:
        return None


def _body_problem(body: str) -> tuple[str, str] | None:
    if not body.strip():
        return ("expected a description of the project after the front matter, found nothing",
                "write a few paragraphs of Markdown below the closing '---' line")
    size = len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        return (f"expected a description of {size_limit(size, MAX_BODY_BYTES)}",
                "shorten it and link to longer documents instead")
    return None
