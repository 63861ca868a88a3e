"""``catalogue serve``'s first answer to a saved project file: its own page, from the site kept in memory.

The last good build's site stays in memory (its registry, settings, templates, views and similar
projects). When only project files that the site already has were saved, each is read, parsed and
checked like any project file, its description rendered, and its page rendered with the same
template and the site's similar projects and change list, then put in place of the served page (a
new file renamed over the old one, so the build cache's hard-linked copy is never written into).
The browser reloads at once; the full rebuild runs right after and swaps in the whole site, listings,
data and search included, or shows its errors. A file with any error is not previewed, but its own
errors go to the browser's overlay at once; a new or deleted file, or any other change, is left to the
rebuild alone.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from site_builder.build.load import LoadedSite
from site_builder.catalogue.parse import parse_project_bytes
from site_builder.catalogue.rules import check_project
from site_builder.catalogue.types import PROJECTS_DIR
from site_builder.outputs.markdown import MarkdownRenderer, finish_html
from site_builder.outputs.page import Page
from site_builder.site.data import SiteData
from site_builder.text.file_access import read_content_file
from site_builder.views.project import ProjectView, ViewBuilder


@dataclass
class Preview:
    """The last good build, in memory."""

    root: Path
    loaded: LoadedSite
    site: SiteData

    def __post_init__(self) -> None:
        self.views = ViewBuilder(self.loaded.catalogue, self.loaded.config, self.site.log.file_dates(), self.site.as_of)
        self.slugs = {p.slug for p in self.site.projects}


def project_edits(root: Path, paths: list[Path]) -> list[str] | None:
    """The project files among ``paths`` as ``content/projects/<name>.md``; ``None`` if anything else changed."""
    folder = (root / PROJECTS_DIR).resolve()
    found = []
    for path in paths:
        resolved = path.resolve()
        if resolved.parent != folder or resolved.suffix != ".md":
            return None
        found.append(f"{PROJECTS_DIR}/{resolved.name}")
    return sorted(set(found))


def _checked(state: Preview, rel: str) -> tuple[ProjectView | None, list[str]]:
    """The saved file's view, or ``None`` if it cannot be shown as it is; and its errors, as the rebuild words them."""
    raw, problems = read_content_file(state.root, rel)
    if raw is None or problems:
        return None, [d.text() for d in problems if d.severity == "error"]
    registry = state.loaded.catalogue.registry
    project, diagnostics = parse_project_bytes(raw, rel, registry)
    if project is not None and not project.unchecked:
        diagnostics += check_project(project, registry, dt.date.today())
    errors = [d.text() for d in diagnostics if d.severity == "error"]
    if errors or project is None or project.unchecked or project.slug not in state.slugs:  # a new project: the rebuild's
        return None, errors
    html = finish_html(MarkdownRenderer().convert(project.body))  # as render_bodies does, without its cache and state:
    # this runs in the watcher thread, maybe while a rebuild renders
    return state.views.project(project, html), []


@dataclass(frozen=True)
class Shown:
    """What a save showed at once: the pages previewed, or the saved files' own errors (for the overlay)."""

    pages: list[str]
    errors: list[str]


def show(state: Preview, rels: list[str], out: Path) -> Shown:
    """Render the pages of the saved project files ``rels`` into the served folder ``out``: the pages written,
    none when any file cannot be previewed (the rebuild then answers alone). A file that cannot be because
    of its errors gives them, to show at once in the browser's overlay while the rebuild checks the rest
    (other files, links between projects)."""
    checked = [_checked(state, rel) for rel in rels]
    errors = [text for _, found in checked for text in found]
    views = [view for view, _ in checked]
    if errors or not views or any(view is None for view in views):
        return Shown([], errors)
    env = state.loaded.templates
    template = env.get_template("project.html")
    written = []
    for view in views:
        assert view is not None
        page = Page(f"{view.url}index.html", "project.html",
                    {"project": view, "similar": state.site.similar.get(view.slug, ()),
                     "changes": state.site.log.for_file(view.source_path)})
        html = template.render(page=page, root=page.relative_root, **page.context).encode("utf-8")
        target = out / page.path
        tmp = target.with_name(f".{target.name}.preview-{os.getpid()}")
        tmp.write_bytes(html)
        tmp.replace(target)  # a new file: never written into the (hard-linked) one it replaces
        written.append(page.path)
    return Shown(written, [])
