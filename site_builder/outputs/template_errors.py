"""Template problems as diagnostics at the template's own file and line, never as an internal error."""

from __future__ import annotations

import traceback
from collections.abc import Sequence
from pathlib import Path

import jinja2

from site_builder.diagnostics.report import Diagnostic
from site_builder.outputs.page import Page
from site_builder.runtime.paths import TEMPLATES_DIR

TEMPLATES_REL = "templates"


def template_diagnostic(exc: Exception, fallback: str = "") -> Diagnostic:
    """A template error as a diagnostic at the template's own file and line.

    Jinja rewrites tracebacks so that template frames carry the template's file name and line; the
    innermost such frame is where the problem is. ``fallback`` names the template when no frame does.
    """
    where, line = f"{TEMPLATES_REL}/{fallback}" if fallback else TEMPLATES_REL, 1
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.lineno:
        where, line = f"{TEMPLATES_REL}/{exc.name or fallback}", exc.lineno
    else:
        for frame in traceback.extract_tb(exc.__traceback__):
            path = Path(frame.filename)
            if path.suffix == ".html" and path.is_relative_to(TEMPLATES_DIR):
                where, line = f"{TEMPLATES_REL}/{path.relative_to(TEMPLATES_DIR).as_posix()}", frame.lineno or 1
    message = getattr(exc, "message", None) or str(exc)
    return Diagnostic(where, line, 1, "error", "", f"template: {message}",
                      "fix the template; 'catalogue check' shows every template error without building")


def compile_templates(env: jinja2.Environment) -> list[Diagnostic]:
    """Compile every template once (the compiled code is cached in ``env``); a diagnostic for each that fails."""
    problems = []
    for name in sorted(env.list_templates(extensions=["html"])):
        try:
            env.get_template(name)
        except jinja2.TemplateError as exc:
            problems.append(template_diagnostic(exc, name))
    return problems


def trial_render(env: jinja2.Environment, pages: Sequence[Page]) -> list[Diagnostic]:
    """Render the first page of each template in memory (``check``): a template error found here
    would stop ``build``. Returns one diagnostic per template that fails."""
    first: dict[str, Page] = {}
    for page in pages:
        first.setdefault(page.template, page)
    problems = []
    for name, page in sorted(first.items()):
        try:
            env.get_template(name).render(page=page, root=page.relative_root, **page.context)
        except Exception as exc:  # a template's runtime error: undefined names, bad filters, type errors
            problems.append(template_diagnostic(exc, name))
    return problems
