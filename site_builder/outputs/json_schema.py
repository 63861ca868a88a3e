"""The JSON Schema for project front matter, generated from the pydantic model for editors and CI."""

from __future__ import annotations

import json
from typing import Any

from site_builder.catalogue.registry import Registry
from site_builder.model.project import PARTIAL_DATE_PATTERN, ProjectFrontMatter

SCHEMA_FILE = "schema/project.schema.json"


def project_json_schema(registry: Registry) -> dict[str, Any]:
    """The front-matter schema, with the vocabularies of ``registry`` as enums."""
    schema = ProjectFrontMatter.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://emergency-services-collaboration.example/schema/project.schema.json"
    schema["title"] = "Collaboration project (front matter of content/projects/<slug>.md)"
    properties = schema["properties"]
    for field in ("themes", "enablers", "barriers"):
        terms = sorted(getattr(registry, field))
        if terms:
            _list_items(properties[field])["enum"] = terms
    widened: dict[str, Any] = _as_editors_read(schema)
    return widened


def _as_editors_read(node: Any) -> Any:
    """The schema widened to what an editor's YAML parser makes of values ``catalogue check`` accepts.

    ``catalogue check`` reads every scalar as text, but an editor's parser (YAML 1.1 or 1.2) turns
    ``started: 2020`` into a number and ``title: 1999`` or ``title: yes`` into a number or a boolean,
    and leaves ``costs_gbp: "250000"`` or ``formal_agreement: "true"`` as text. Each alternative added
    here is one that check accepts too; dates (``2026-11-26``) reach a JSON validator as text already.
    """
    if isinstance(node, list):
        return [_as_editors_read(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _as_editors_read(value) for key, value in node.items()}
    kind = node.get("type")
    extra: dict[str, Any] | None = None
    if kind == "string" and node.get("pattern") == PARTIAL_DATE_PATTERN:
        extra = {"type": "integer", "minimum": 1000, "maximum": 9999}
    elif kind == "string" and not {"pattern", "enum", "const", "format"} & node.keys():
        extra = {"type": ["number", "boolean"]}
    elif kind == "integer":
        extra = {"type": "string", "pattern": r"^\s*(0|[1-9][0-9]{0,14})\s*$"}
    elif kind == "boolean":
        extra = {"type": "string", "enum": ["true", "false"]}
    if extra is None:
        return node
    keep = {key: node.pop(key) for key in ("title", "description", "default") if key in node}
    return {**keep, "anyOf": [node, extra]}


def _list_items(prop: dict[str, Any]) -> dict[str, Any]:
    """The ``items`` schema of a (possibly nullable) list property."""
    if "items" in prop:
        items: dict[str, Any] = prop["items"]
        return items
    for option in prop.get("anyOf", []):
        if option.get("type") == "array":
            found: dict[str, Any] = option["items"]
            return found
    raise KeyError("not a list property")


def render_json_schema(registry: Registry) -> str:
    return json.dumps(project_json_schema(registry), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
