"""Turning pydantic validation errors into located diagnostics a contributor can act on."""

from __future__ import annotations

from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from site_builder.diagnostics import Diagnostic
from site_builder.models import describe, did_you_mean
from site_builder.strict_yaml import Path, SourceMap, format_path


def _model_at(model: type[BaseModel], path: Path) -> type[BaseModel] | None:
    """The model class that holds the last part of ``path`` (for naming its allowed fields)."""
    current: Any = model
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """``list[Funding] | None`` -> ``Funding``."""
    while True:
        args = [a for a in get_args(annotation) if a is not type(None)]
        if get_origin(annotation) is None or not args:
            return annotation
        annotation = args[0]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def explain_error(error: Any, model: type[BaseModel]) -> tuple[str, str]:
    """``(message, hint)`` for one pydantic error."""
    kind: str = error["type"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    found = error.get("input")
    loc: Path = tuple(error["loc"])
    if "hint" in ctx:  # our own validators already wrote the message
        return error["msg"], str(ctx["hint"])
    if kind == "missing":
        return "required field is missing", f"add a line '{loc[-1]}: …'"
    if kind == "extra_forbidden":
        holder = _model_at(model, loc[:-1])
        allowed = list(holder.model_fields) if holder else []
        return f"unknown field '{loc[-1]}'", did_you_mean(str(loc[-1]), allowed) or (
            f"allowed fields here: {', '.join(allowed)}" if allowed else "remove it")
    if kind == "literal_error":
        options = [o.strip().strip("'") for o in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        return (f"expected one of {', '.join(options)}; found {describe(found)}",
                did_you_mean(found, options) or "use one of the values listed")
    if kind == "string_type":
        return f"expected text, found {describe(found)}", "write the text on the same line after the colon"
    if kind in ("string_too_short", "string_too_long"):
        limit = int(ctx.get("min_length", ctx.get("max_length", 0)))
        word = "at least" if kind == "string_too_short" else "at most"
        return (f"expected {word} {_plural(limit, 'character')}, found {_plural(len(str(found)), 'character')}",
                "write a little more" if kind == "string_too_short" else "shorten it")
    if kind == "too_short":
        return (f"expected at least {_plural(int(ctx['min_length']), 'item')}, found {int(ctx.get('actual_length', 0))}",
                "add an item on its own line starting with '- '")
    if kind == "too_long":
        return f"expected at most {_plural(int(ctx['max_length']), 'item')}", "remove some items"
    if kind == "list_type":
        return f"expected a list, found {describe(found)}", "write each item on its own line starting with '- '"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return (f"expected a set of fields, found {describe(found)}",
                "indent each sub-field under this key, for example '  role: …'")
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = f"at least {ctx.get('ge')}" if kind == "greater_than_equal" else f"at most {ctx.get('le')}"
        return f"expected a value of {bound}, found {describe(found)}", "check the number"
    return f"{error['msg'][0].lower()}{error['msg'][1:]}, found {describe(found)}", ""


def explain_validation_error(exc: ValidationError, model: type[BaseModel], path: str,
                             source: SourceMap, prefix: Path = ()) -> list[Diagnostic]:
    """One diagnostic per error, located through the source map.

    ``prefix`` is where the validated value sits in the file, e.g. ``("kent-police",)``.
    """
    out = []
    for error in exc.errors(include_url=False):
        message, hint = explain_error(error, model)
        loc: Path = (*prefix, *error["loc"])
        if error["type"] == "extra_forbidden":
            where = source.key(loc)
        elif error["type"] == "missing":
            where = source.value(loc[:-1])
        else:
            where = source.value(loc)
        out.append(Diagnostic(path, where.line, where.col, "error", format_path(loc), message, hint))
    return out
