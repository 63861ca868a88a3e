"""The one canonical writer of project front matter: schema field order, one quoting rule, block lists.

Every door (``from-issue``, ``new``, ``fmt``) writes through :func:`render_front_matter`, so files
look the same whoever wrote them and diffs stay small. Values are written from what the strict
reader reads (every scalar a string), and reading the output back must give the same data:
:func:`project_text` raises :class:`WriterBug` otherwise (a bug in the tool, never in the content).
"""

from __future__ import annotations

import io
from typing import Any, get_args

from pydantic import BaseModel
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, PlainScalarString

from site_builder.model.project import ProjectFrontMatter
from site_builder.text.strict_yaml import read_strict_yaml

_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")


class WriterBug(RuntimeError):
    """The writer produced text that does not read back as the data it was given."""


class _StringResolver(VersionedResolver):
    """Every scalar is a string, as for the strict reader: nothing is typed, so nothing is rewritten."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            return self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


def new_yaml() -> YAML:
    """A round-trip YAML instance with the catalogue's layout (``partners:\\n  - id``, no line wrapping)."""
    yaml = YAML()
    yaml.Resolver = _StringResolver
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100_000
    return yaml


def plain_is_safe(text: str) -> bool:
    """Can ``text`` be written without quotes and read back unchanged (by the strict reader)?"""
    return bool(text) and text == text.strip() and text[0] not in _INDICATORS and text.isprintable() \
        and ": " not in text and " #" not in text and not text.endswith(":")


def scalar(text: str) -> str:
    """``text`` as a plain or double-quoted scalar: quotes only where they are needed."""
    quoted: str = PlainScalarString(text) if plain_is_safe(text) else DoubleQuotedScalarString(text)
    return quoted


def _item_model(model: type[BaseModel] | None, key: str) -> type[BaseModel] | None:
    if model is None or key not in model.model_fields:
        return None
    pending = [model.model_fields[key].annotation]
    while pending:
        annotation = pending.pop()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return annotation
        pending += get_args(annotation)
    return None


def canonical(node: Any, value: Any, model: type[BaseModel] | None = ProjectFrontMatter) -> Any:
    """``node`` (a ruamel tree with comments, or plain data) rewritten in canonical form.

    ``value`` is what the strict reader makes of the same text: it decides every scalar, so nothing
    ruamel would type (``yes``, ``012``, dates) changes meaning. Keys follow ``model``'s field order,
    then any unknown keys in the order written.
    """
    if isinstance(value, dict):
        tree = node if isinstance(node, CommentedMap) else CommentedMap()
        for key in value:
            tree[key] = canonical(tree.get(key) if isinstance(node, CommentedMap) else None, value[key], _item_model(model, key))
        for key in [k for k in tree if k not in value]:
            del tree[key]
        order = [k for k in (model.model_fields if model else ()) if k in tree]
        for key in order + [k for k in value if k not in order]:
            tree.move_to_end(key)
        return tree
    if isinstance(value, list):
        seq = node if isinstance(node, CommentedSeq) and len(node) == len(value) else CommentedSeq([None] * len(value))
        for index, item in enumerate(value):
            seq[index] = canonical(seq[index], item, model)
        seq.fa.set_block_style()
        return seq
    if value is None:
        return PlainScalarString("")  # 'key:' with nothing after it, which the strict reader reads as no value
    return scalar(str(value))


def render_front_matter(tree: Any) -> str:
    """The YAML text of a canonical tree."""
    out = io.StringIO()
    new_yaml().dump(tree, out)
    return out.getvalue()


def project_text(data: dict[str, Any], body: str, node: Any = None) -> str:
    """A whole project file: canonical front matter for ``data`` (strings, lists and dicts), then ``body``.

    ``node`` is a ruamel tree of the same data whose comments should be kept (``fmt``).
    """
    front = render_front_matter(canonical(node, data)) if data else ""
    read_back = read_strict_yaml(front)[0] if front else None
    if (read_back or None) != (data or None):
        raise WriterBug("the canonical writer changed a value; please report this with the file concerned")
    return f"---\n{front}---\n{body}"
