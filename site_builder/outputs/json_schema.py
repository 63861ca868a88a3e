"""The JSON Schema for project front matter, generated from the pydantic model for editors and CI."""

from __future__ import annotations

import json
from typing import Any

from site_builder.catalogue.registry import Registry
from site_builder.model.project import ProjectFrontMatter

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
    return schema


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
