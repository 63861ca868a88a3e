"""The organisation registry and the controlled vocabularies that project files refer to."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from site_builder.catalogue.explain import explain_validation_error
from site_builder.diagnostics.report import Diagnostic
from site_builder.model.project import ORG_KINDS, SLUG_RE, Organisation, Region, Term
from site_builder.text.source_file import decode_text
from site_builder.text.strict_yaml import SourceMap, read_strict_yaml

ORGANISATIONS_FILE = "content/organisations.yaml"
VOCABULARY_FILES = {
    "regions": "schema/regions.yaml",
    "themes": "schema/themes.yaml",
    "enablers": "schema/enablers.yaml",
    "barriers": "schema/barriers.yaml",
}
M = TypeVar("M", Term, Region)
V = TypeVar("V", bound=BaseModel)


@dataclass
class Registry:
    """Everything a project file may refer to by id, in file order."""

    organisations: dict[str, Organisation] = field(default_factory=dict)
    regions: dict[str, Region] = field(default_factory=dict)
    themes: dict[str, Term] = field(default_factory=dict)
    enablers: dict[str, Term] = field(default_factory=dict)
    barriers: dict[str, Term] = field(default_factory=dict)

    def services_of(self, org_ids: list[str]) -> list[str]:
        """The kinds of organisation involved, in schema order."""
        kinds = {self.organisations[o].kind for o in org_ids if o in self.organisations}
        return [k for k in ORG_KINDS if k in kinds]

    def regions_of(self, org_ids: list[str]) -> list[str]:
        """The regions covered by the organisations involved, in registry order."""
        covered = {r for o in org_ids if o in self.organisations for r in self.organisations[o].regions}
        return [r for r in self.regions if r in covered]


def read_yaml_file(root: Path, rel: str) -> tuple[Any, SourceMap, list[Diagnostic]]:
    """Read and strictly parse a whole YAML file. Data is ``None`` when it could not be read."""
    try:
        raw = (root / rel).read_bytes()
    except FileNotFoundError:
        return None, SourceMap(), [Diagnostic(rel, 1, 1, "error", "", "file is missing",
                                              f"create {rel}; see the contributor guide")]
    text, problems = decode_text(raw, rel)
    if text is None:
        return None, SourceMap(), problems
    data, source, yaml_problems = read_strict_yaml(text)
    diagnostics = [Diagnostic(rel, p.position.line, p.position.col, "error", p.field, p.message, p.hint)
                   for p in yaml_problems]
    return (None if diagnostics else data), source, diagnostics


def _validate(model: type[V], data: Any, rel: str, source: SourceMap, prefix: tuple[str | int, ...],
              context: dict[str, Any]) -> tuple[V | None, list[Diagnostic]]:
    try:
        return model.model_validate(data, context=context), []
    except ValidationError as exc:
        return None, explain_validation_error(exc, model, rel, source, prefix)


def _load_terms(root: Path, name: str, model: type[M], context: dict[str, Any]) -> tuple[dict[str, M], list[Diagnostic]]:
    rel = VOCABULARY_FILES[name]
    data, source, found = read_yaml_file(root, rel)
    diagnostics: list[Diagnostic] = list(found)
    terms: dict[str, M] = {}
    if data is None:
        return terms, diagnostics
    if not isinstance(data, list):
        pos = source.value(())
        return terms, [*diagnostics, Diagnostic(rel, pos.line, pos.col, "error", "", "expected a list of terms",
                                                "start each term with '- id: …'")]
    for index, item in enumerate(data):
        term, problems = _validate(model, item, rel, source, (index,), context)
        diagnostics.extend(problems)
        if term is not None:
            term_id = term.id
            if term_id in terms:
                pos = source.value((index, "id"))
                diagnostics.append(Diagnostic(rel, pos.line, pos.col, "error", f"[{index}].id",
                                              f"duplicate id '{term_id}'", "give each term its own id"))
            terms[term_id] = term
    return terms, diagnostics


def load_registry(root: Path) -> tuple[Registry, list[Diagnostic]]:
    """Load the vocabularies and the organisation registry, with every problem found."""
    registry = Registry()
    diagnostics: list[Diagnostic] = []
    context = {"registry": registry}
    registry.regions, found = _load_terms(root, "regions", Region, context)
    diagnostics += found
    for name in ("themes", "enablers", "barriers"):
        terms, found = _load_terms(root, name, Term, context)
        setattr(registry, name, terms)
        diagnostics += found

    data, source, found = read_yaml_file(root, ORGANISATIONS_FILE)
    diagnostics += found
    if data is None:
        return registry, diagnostics
    if not isinstance(data, dict):
        pos = source.value(())
        diagnostics.append(Diagnostic(ORGANISATIONS_FILE, pos.line, pos.col, "error", "",
                                      "expected organisation ids, each followed by its fields",
                                      "start each entry with a line 'some-id:'"))
        return registry, diagnostics
    names: dict[str, Any] = {org_id: org_id for org_id in data}  # ids are known before entries validate
    context = {"registry": Registry(organisations=names, regions=registry.regions)}
    for org_id, item in data.items():
        if not SLUG_RE.fullmatch(org_id):
            pos = source.key((org_id,))
            diagnostics.append(Diagnostic(ORGANISATIONS_FILE, pos.line, pos.col, "error", org_id,
                                          "organisation id must be lower-case words joined by hyphens",
                                          f"write '{re.sub(r'[^a-z0-9]+', '-', org_id.lower()).strip('-') or 'kent-police'}'"))
            continue
        org, problems = _validate(Organisation, item, ORGANISATIONS_FILE, source, (org_id,), context)
        diagnostics += problems
        if org is not None:
            registry.organisations[org_id] = org
    return registry, diagnostics
