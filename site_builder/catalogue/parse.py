"""Text to a validated project and its diagnostics, with no disk access: every door shares these messages."""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import ValidationError

from site_builder.catalogue.body_scan import scan_body
from site_builder.catalogue.explain import explain_validation_error
from site_builder.catalogue.lints import body_lints, repair_text, value_lints
from site_builder.catalogue.recover import later_syntax_errors
from site_builder.catalogue.registry import Registry
from site_builder.catalogue.types import Project
from site_builder.diagnostics.report import Diagnostic
from site_builder.model.project import ProjectFrontMatter, describe
from site_builder.text.source_file import decode_text, size_limit, split_front_matter
from site_builder.text.strict_yaml import format_path
from site_builder.text.text_checks import TextProblem, character_problem, listed, only_invisible, raw_characters, read_checked_yaml

MAX_BODY_BYTES = 100 * 1024
Parsed = tuple[Project | None, list[Diagnostic]]  # a project (None if it could not be read at all), and its problems


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
    checked = read_checked_yaml(front, split.front_matter_line)
    data, source = checked.data, checked.source
    yaml_problems = [*checked.problems, *later_syntax_errors(front, split.front_matter_line, checked.problems)]
    diagnostics += [Diagnostic(rel, p.position.line, p.position.col, "error", p.field, p.message, p.hint)
                    for p in yaml_problems]
    diagnostics += [Diagnostic(rel, p.position.line, p.position.col, "error", format_path(p.path), p.message, p.hint)
                    for p in checked.text_problems]
    body_problems = _body_problems(split.body, split.body_line)
    diagnostics += [Diagnostic(rel, line, col, "error", "body", message, hint) for line, col, message, hint in body_problems]
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
    # "skip": an id that refers to a registry file that could not be read is not checked, and not reported
    context = {"registry": registry, "unusable": unusable or {}, "unloaded": "skip", "suggestions": {},
               "regions_hint": _regions_hint(data, registry)}
    rejected = frozenset(str(key) for key in checked.rejected)  # fields with refused text: reported already
    unchecked: frozenset[str] = rejected
    try:
        meta = ProjectFrontMatter.model_validate({k: v for k, v in data.items() if k not in rejected}, context=context)
    except ValidationError as exc:
        diagnostics += [d for d in explain_validation_error(exc, ProjectFrontMatter, rel, source, ignore=rejected)
                        if d.field not in replaced_fields]
        unchecked |= frozenset(str(error["loc"][0]) for error in exc.errors() if error["loc"])
        salvaged = _with_placeholders(data, unchecked, registry, context)
        if salvaged is None:
            return None, diagnostics
        meta = salvaged
    orgs = [meta.lead, *meta.partners]
    project = Project(rel.rsplit("/", 1)[-1][:-3], rel, meta, split.body, split.body_line, source,
                      tuple(registry.services_of(orgs)), tuple(registry.regions_of(orgs)),
                      unchecked | ({"body"} if body_problems else frozenset()),
                      hashlib.sha256(split.front_matter.encode("utf-8", "surrogatepass")).hexdigest())
    return project, diagnostics


def _regions_hint(data: dict[str, Any], registry: Registry) -> list[str]:
    """The regions of the known organisations a project names, for a ready-to-paste registry entry."""
    partners = data.get("partners")
    named = [data.get("lead"), *(partners if isinstance(partners, list) else [])]
    return registry.regions_of([o for o in named if isinstance(o, str) and o in registry.organisations])


def _with_placeholders(data: dict[str, Any], failed: frozenset[str], registry: Registry,
                       context: dict[str, Any]) -> ProjectFrontMatter | None:
    """The front matter with each failed field dropped, or replaced by a valid stand-in if required.

    When the registry or the themes could not be read at all, a made-up id stands in (and is accepted).
    """
    some_org = next(iter(registry.organisations), "placeholder-organisation")
    stand_ins = {"title": "Placeholder title", "summary": "Placeholder summary for the remaining checks.",
                 "status": "proposed", "lead": some_org, "partners": [some_org],
                 "themes": [next(iter(registry.themes), "placeholder-theme")], "last_reviewed": "2000-01-01"}
    kept = {key: value for key, value in data.items() if key not in failed and key in ProjectFrontMatter.model_fields}
    for key in failed & stand_ins.keys():
        kept[key] = stand_ins[key]
    try:
        return ProjectFrontMatter.model_validate(kept, context={**context, "unloaded": "accept"})
    except ValidationError:
        return None


def _body_problems(body: str, first_line: int) -> list[tuple[int, int, str, str]]:
    """What is wrong with the description, as (line, column, message, hint)."""
    write = "write a few paragraphs of Markdown below the closing '---' line"
    if not body.strip():
        return [(first_line, 1, "expected a description of the project after the front matter, found nothing", write)]
    invisible = only_invisible(body)
    if invisible:
        return [(first_line, 1, f"expected a description of the project after the front matter, found {invisible}",
                 f"delete them and {write}")]
    size = len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        return [(first_line, 1, f"expected a description of {size_limit(size, MAX_BODY_BYTES)}",
                 "shorten it and link to longer documents instead")]
    found = listed([TextProblem(("body",), position, *character_problem(char, escaped=False))
                    for position, char in raw_characters(body, first_line)])
    if found:
        return [(p.position.line, p.position.col, p.message, p.hint) for p in found]
    # What the Markdown renderer cannot handle in bounded time: rejected here, located, before any build.
    return [(first_line + p.line - 1, p.col, p.message, p.hint) for p in scan_body(body)]
