"""``catalogue serve``'s first answer to a saved project file: its own page, from the site kept in memory.

The last good build's site stays in memory (its registry, settings, templates, views and similar
projects). When only project files that the site already has were saved, each is read, parsed and
checked like any project file, its description rendered, and its page rendered with the same
template and the site's similar projects and change list, then put in place of the served page (a
new file renamed over the old one, so the build cache's hard-linked copy is never written into).
The browser reloads at once; the full rebuild runs right after and swaps in the whole site, listings,
data and search included, or shows its errors. A file with any error, a new or deleted file, or any
other change is not previewed: the rebuild alone answers it.
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


def _view(state: Preview, rel: str) -> ProjectView | None:
    """The saved file's view, or ``None`` if it cannot be shown as it is (an error, or a new project)."""
    raw, problems = read_content_file(state.root, rel)
    if raw is None or problems:
        return None
    registry = state.loaded.catalogue.registry
    project, diagnostics = parse_project_bytes(raw, rel, registry)
    if project is None or project.unchecked or project.slug not in state.slugs:
        return None
    diagnostics += check_project(project, registry, dt.date.today())
    if any(d.severity == "error" for d in diagnostics):
        return None
    html = finish_html(MarkdownRenderer().convert(project.body))  # as render_bodies does, without its cache and state:
    # this runs in the watcher thread, maybe while a rebuild renders
    return state.views.project(project, html)


def preview(state: Preview, rels: list[str], out: Path) -> list[str]:
    """Render the pages of the saved project files ``rels`` into the served folder ``out``.

    Returns the pages written; empty when any file cannot be previewed (the rebuild then answers alone).
    """
    views = [_view(state, rel) for rel in rels]
    if not views or any(view is None for view in views):
        return []
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
    return written
