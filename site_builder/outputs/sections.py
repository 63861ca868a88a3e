"""What many pages show of a project, rendered once: its document section (kept between builds) and its listing item.

The whole document and the theme documents (compendium.py) show every project as the same section
(``templates/document_project.html``); only the page's root differs. So each section is rendered
once, with :data:`ROOT` standing in for the root, and each document page puts its root in as it joins
them. After one edit only that project's section is rendered again: the section of every other
project comes from ``ROOT/.cache/sections.pickle`` (an authenticated store, text/memo_store.py), by
a key that the build derives from everything the section shows (build/incremental.py).

A project's listing item (``templates/project_item.html``) appears in about nine listings; it is
rendered once per process and heading level in the same way (:class:`ListItems`), not kept.

``ROOT`` holds NUL characters, which no content can hold (the loader refuses control characters and
the Markdown renderer strips them), so replacing it never touches what a contributor wrote.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from site_builder.outputs.compendium import anchor, document_body
from site_builder.runtime.parallel import parallel_map
from site_builder.text.memo_store import MemoStore, source_version
from site_builder.views.project import ProjectView

DOCUMENT_TEMPLATE = "document.html"  # the pages that show the sections
TEMPLATE = "document_project.html"
ITEM_TEMPLATE = "project_item.html"
ROOT = "\x00root\x00"
CACHE_NAME = "sections"
_state: dict[str, Any] = {}


def _render(env: jinja2.Environment, project: ProjectView) -> str:
    return str(env.get_template(TEMPLATE).module.section(project, ROOT, anchor, document_body))  # type: ignore[attr-defined]


def _render_one(index: int) -> str | None:
    try:
        return _render(_state["env"], _state["projects"][index])
    except Exception:  # a template error: left to the document's own render, which reports it at its line
        return None


class DocumentSections:
    """The ``project_section(project, root)`` template global: a project's section for a page at ``root``."""

    def __init__(self, env: jinja2.Environment) -> None:
        self._env = env
        self._html: dict[str, str] = {}  # slug -> the section with ROOT for the root

    def __call__(self, project: ProjectView, root: str) -> Markup:
        html = self._html.get(project.slug)
        if html is None:  # not prepared (check's trial render): rendered now
            html = self._html[project.slug] = _render(self._env, project)
        return Markup(html.replace(ROOT, root))

    def release(self) -> None:
        """Forget the prepared sections (tens of megabytes) once the documents are rendered."""
        self._html.clear()

    def prepare(self, projects: Sequence[ProjectView], keys: Sequence[str] | None, root: Path | None, jobs: int = 0) -> int:
        """Render every project's section before the documents are (on all cores), taking those whose
        ``keys`` the store at ``root`` knows from it; returns how many were rendered."""
        store = MemoStore.open(root, CACHE_NAME, source_version("sections-1", ("outputs/sections.py",))) if root and keys else None
        todo = []
        for number, project in enumerate(projects):
            found = store.get(keys[number]) if store is not None and keys is not None else None
            if isinstance(found, str):
                self._html[project.slug] = found
            else:
                todo.append(number)
        _state["env"], _state["projects"] = self._env, projects
        try:
            rendered = parallel_map(_render_one, todo, jobs)
        finally:
            _state.clear()
        for number, html in zip(todo, rendered, strict=True):
            if html is None:
                continue
            self._html[projects[number].slug] = html
            if store is not None and keys is not None:
                store.put(keys[number], html)
        if store is not None:
            store.save()
        return len(todo)


class ListItems:
    """The ``project_item(project, root, heading)`` template global: a project's item in a listing."""

    def __init__(self, env: jinja2.Environment) -> None:
        self._env = env
        self._html: dict[tuple[int, str], tuple[ProjectView, str]] = {}  # by the view's identity (kept alive here)

    def __call__(self, project: ProjectView, root: str, heading: str) -> Markup:
        found = self._html.get((id(project), heading))
        if found is None:
            item = self._env.get_template(ITEM_TEMPLATE).module.item  # type: ignore[attr-defined]
            found = self._html[(id(project), heading)] = (project, str(item(project, ROOT, heading)))
        return Markup(found[1].replace(ROOT, root))
