"""Turning pydantic validation errors into located diagnostics a contributor can act on."""

from __future__ import annotations

from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from site_builder.diagnostics.report import LISTED_PER_FIELD, Diagnostic, quote
from site_builder.model.project import describe, did_you_mean, slugify
from site_builder.text.strict_yaml import Path, PathPart, SourceMap, format_path


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


def _field_at(model: type[BaseModel], loc: Path) -> Any:
    """The pydantic field that ``loc`` names, or ``None``."""
    holder = _model_at(model, loc[:-1]) if loc and isinstance(loc[-1], str) else None
    return holder.model_fields.get(str(loc[-1])) if holder else None


def _described(model: type[BaseModel], loc: Path, fallback: str) -> str:
    """A hint from the field's own description in the schema."""
    field = _field_at(model, loc)
    description = (field.description or "").rstrip(".") if field is not None else ""
    return f"see the field's description: {description}" if description else fallback


# Patterns in the schema, in words.
_PATTERNS = {
    r"^[A-Z0-9]{3,9}$": "3 to 9 capital letters or digits, such as E23000032 or RYD",
    r"^E12[0-9]{6}$": "E12 followed by 6 digits, such as E12000008",
    r"^[A-Za-z0-9._/-]+$": "letters, digits, '.', '_', '/' or '-' with no spaces",
    r"^[a-z]{2}(-[A-Z]{2})?$": "a language code such as en-GB",
}


# Keys that would hold a person's name: the catalogue publishes roles and team mailboxes only.
_PERSONAL = frozenset({"name", "full_name", "fullname", "person", "first_name", "last_name", "surname", "contact_name", "phone", "telephone"})


# Words contributors use for a status or kind, and the value the schema has for it.
_SYNONYMS = {
    "live": "operational", "active": "operational", "running": "operational", "ongoing": "operational",
    "business-as-usual": "operational", "trial": "pilot", "piloting": "pilot", "planned": "proposed",
    "planning": "proposed", "idea": "proposed", "development": "in-development", "building": "in-development",
    "finished": "completed", "complete": "completed", "done": "completed", "ended": "completed", "closed": "completed",
    "stopped": "discontinued", "cancelled": "discontinued", "canceled": "discontinued", "abandoned": "discontinued",
    "external": "independent", "independently": "independent", "in-house": "internal", "no": "none",
    "county": "local", "force": "local", "nationwide": "national",
}


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
        under = f" under '{format_path(loc[:-1])}'" if len(loc) > 1 else ""
        return "required field is missing", f"add a line '{loc[-1]}: …'{under}"
    if kind == "extra_forbidden":
        holder = _model_at(model, loc[:-1])
        allowed = list(holder.model_fields) if holder else []
        key = str(loc[-1])
        if not key.strip():
            return "expected a field name before ':', found nothing", "write the field name, for example 'title: …'"
        if key.lower() in _PERSONAL and holder is not None and "role" in allowed:
            return (f"unknown field {quote(key)}", "the catalogue does not publish personal names or numbers: "
                    "give a job role in 'role:' and a team mailbox in 'email:'")
        return f"unknown field {quote(key)}", did_you_mean(key, allowed) or (
            f"allowed fields here: {', '.join(allowed)}" if allowed else "remove it")
    if kind == "literal_error":
        options = [o.strip().strip("'") for o in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")]
        listed = ", ".join(options[:-1]) + f" or {options[-1]}" if len(options) > 1 else options[0]
        synonym = _SYNONYMS.get(slugify(found)) if isinstance(found, str) else None
        return (f"expected {listed}, found {describe(found)}",
                (f"did you mean '{synonym}'?" if synonym in options else "") or did_you_mean(found, options)
                or "use one of the values listed")
    if kind == "string_type":
        return f"expected text, found {describe(found)}", "write the text on the same line after the colon"
    if kind in ("string_too_short", "string_too_long"):
        limit = int(ctx.get("min_length", ctx.get("max_length", 0)))
        word = "at least" if kind == "string_too_short" else "at most"
        return (f"expected {word} {_plural(limit, 'character')}, found {_plural(len(str(found)), 'character')}",
                "write a little more" if kind == "string_too_short" else f"shorten it to {_plural(limit, 'character')} or fewer")
    if kind == "too_short":
        return (f"expected at least {_plural(int(ctx['min_length']), 'item')}, found {int(ctx.get('actual_length', 0))}",
                "add an item on its own line starting with '- '")
    if kind == "too_long":
        return f"expected at most {_plural(int(ctx['max_length']), 'item')}", "remove some items"
    if kind == "list_type":
        return f"expected a list, found {describe(found)}", "write each item on its own line starting with '- '"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        holder = _model_at(model, loc)
        names = f" ({', '.join(holder.model_fields)})" if holder else ""
        return (f"expected a set of fields{names}, found {describe(found)}",
                "write each field on its own line, indented under this one, as 'name: value'")
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = f"at least {ctx.get('ge')}" if kind == "greater_than_equal" else f"at most {ctx.get('le')}"
        return f"expected a value of {bound}, found {describe(found)}", "check the number"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return (f"expected {_PATTERNS.get(pattern, 'a value matching ' + pattern)}, found {describe(found)}",
                _described(model, loc, "check the value"))
    return (f"{error['msg'][0].lower()}{error['msg'][1:]}, found {describe(found)}",
            _described(model, loc, "see the contributor guide for what this field needs"))


def _more(errors: list[Any]) -> str:
    """``9,990 more unknown organisations``, or ``... more problems`` when they differ."""
    kinds = {error["type"] for error in errors}
    kind = kinds.pop() if len(kinds) == 1 else ""
    what = f"unknown {kind.removeprefix('unknown_')}" if kind.startswith("unknown_") else "problems"
    return f"{len(errors):,} more {what}"


def explain_validation_error(exc: ValidationError, model: type[BaseModel], path: str,
                             source: SourceMap, prefix: Path = (), ignore: frozenset[PathPart] = frozenset()) -> list[Diagnostic]:
    """One diagnostic per error, located through the source map.

    ``prefix`` is where the validated value sits in the file, e.g. ``("kent-police",)``. Errors in the
    fields named in ``ignore`` (already reported) and errors of the kind ``unloaded`` (an id that refers
    to a registry file that could not be read: that file's problems are the cause) are left out. At
    most ``LISTED_PER_FIELD`` errors are listed per field, then one line counts the rest.
    """
    out = []
    by_field: dict[PathPart, list[Any]] = {}
    for error in exc.errors(include_url=False):
        if error["type"] == "unloaded" or (error["loc"] and error["loc"][0] in ignore):
            continue
        by_field.setdefault(error["loc"][0] if error["loc"] else "", []).append(error)
    for errors in by_field.values():
        shown = len(errors) if len(errors) <= LISTED_PER_FIELD + 1 else LISTED_PER_FIELD
        for index, error in enumerate(errors[: shown + 1]):
            loc: Path = (*prefix, *error["loc"])
            if error["type"] == "extra_forbidden":
                where = source.key(loc)
            elif error["type"] == "missing":
                where = source.value(loc[:-1])
            else:
                where = source.value(loc)
            if index == shown:
                out.append(Diagnostic(path, where.line, where.col, "error", format_path(loc[: len(prefix) + 1]),
                                      f"{_more(errors[index:])} from {format_path(loc)} on are not listed",
                                      "fix those listed, then check again"))
                break
            message, hint = explain_error(error, model)
            out.append(Diagnostic(path, where.line, where.col, "error", format_path(loc), message, hint))
    return out
