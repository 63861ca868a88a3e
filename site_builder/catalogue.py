"""Loading the whole catalogue: the registry, every project file, and the checks across them."""

from __future__ import annotations

import datetime as dt
import gc
import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from site_builder.diagnostics import Diagnostic, Report
from site_builder.explain import explain_validation_error
from site_builder.models import SLUG_RE, ProjectFrontMatter
from site_builder.registry import Registry, load_registry
from site_builder.source_file import decode_text, split_front_matter
from site_builder.strict_yaml import SourceMap, read_strict_yaml

PROJECTS_DIR = "content/projects"
MAX_SLUG_LENGTH = 80
MAX_BODY_BYTES = 100 * 1024
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)]
)


@dataclass(frozen=True)
class Project:
    """A validated project: its front matter, its Markdown body and where each field came from."""

    slug: str
    path: str
    meta: ProjectFrontMatter
    body: str
    body_line: int
    source: SourceMap
    services: tuple[str, ...]
    regions: tuple[str, ...]

    @property
    def organisations(self) -> list[str]:
        return [self.meta.lead, *self.meta.partners]


@dataclass
class Catalogue:
    """Everything loaded from a catalogue folder, projects sorted by slug."""

    root: Path
    registry: Registry
    projects: list[Project]


def slug_problem(name: str) -> str | None:
    """Why ``name`` cannot be a project file name, or ``None`` when it can."""
    if not name.endswith(".md"):
        return "project files must end in '.md'"
    stem = name[:-3]
    if len(stem) > MAX_SLUG_LENGTH:
        return f"file name is {len(stem)} characters before '.md'; the limit is {MAX_SLUG_LENGTH}"
    if not SLUG_RE.fullmatch(stem):
        return "file name must be lower-case words joined by hyphens, then '.md'"
    if stem in WINDOWS_RESERVED:
        return f"'{stem}' is a reserved file name on Windows"
    return None


def suggested_name(name: str) -> str:
    """A valid file name close to ``name``."""
    stem = re.sub(r"\.(md|markdown|txt|yaml|yml)$", "", name, flags=re.IGNORECASE)
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:MAX_SLUG_LENGTH].strip("-") or "project"
    if slug in WINDOWS_RESERVED:
        slug += "-project"
    return f"{slug}.md"


def project_files(root: Path) -> tuple[list[str], list[Diagnostic]]:
    """Relative paths of the project files, sorted, and a diagnostic for anything else in the folder."""
    folder = root / PROJECTS_DIR
    found: list[str] = []
    problems: list[Diagnostic] = []
    if not folder.is_dir():
        return [], [Diagnostic(PROJECTS_DIR, 1, 1, "error", "", "folder is missing", f"create {PROJECTS_DIR}/")]
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        rel = f"{PROJECTS_DIR}/{entry.name}"
        if entry.is_dir():
            problems.append(Diagnostic(rel, 1, 1, "error", "", "unexpected folder among the project files",
                                       f"move its files into {PROJECTS_DIR}/ itself"))
            continue
        reason = slug_problem(entry.name)
        if reason:
            problems.append(Diagnostic(rel, 1, 1, "error", "", reason, f"rename it to '{suggested_name(entry.name)}'"))
        else:
            found.append(rel)
    return found, problems


def load_project(root: Path, rel: str, registry: Registry) -> tuple[Project | None, list[Diagnostic]]:
    """Read, parse and validate one project file."""
    try:
        raw = (root / rel).read_bytes()
    except OSError as exc:
        return None, [Diagnostic(rel, 1, 1, "error", "", f"cannot read the file: {exc.strerror}", "check the path")]
    text, problems = decode_text(raw, rel)
    if text is None:
        return None, problems
    split, problems = split_front_matter(text, rel)
    if split is None:
        return None, problems
    data, source, yaml_problems = read_strict_yaml(split.front_matter, split.front_matter_line)
    diagnostics = [Diagnostic(rel, p.position.line, p.position.col, "error", p.field, p.message, p.hint)
                   for p in yaml_problems]
    body_problem = _body_problem(split.body)
    if body_problem:
        diagnostics.append(Diagnostic(rel, split.body_line, 1, "error", "body", *body_problem))
    if yaml_problems:
        return None, diagnostics
    if data is None:
        data = {}
    if not isinstance(data, dict):
        pos = source.value(())
        return None, [*diagnostics, Diagnostic(rel, pos.line, pos.col, "error", "", "front matter must be fields written as 'name: value'",
                                               "see the template in the contributor guide")]
    try:
        meta = ProjectFrontMatter.model_validate(data, context={"registry": registry})
    except ValidationError as exc:
        return None, diagnostics + explain_validation_error(exc, ProjectFrontMatter, rel, source)
    if diagnostics:
        return None, diagnostics
    orgs = [meta.lead, *meta.partners]
    project = Project(rel.rsplit("/", 1)[-1][:-3], rel, meta, split.body, split.body_line, source,
                      tuple(registry.services_of(orgs)), tuple(registry.regions_of(orgs)))
    return project, []


def _body_problem(body: str) -> tuple[str, str] | None:
    if not body.strip():
        return ("description is empty; expected a few paragraphs of Markdown after the front matter",
                "describe the project below the closing '---' line")
    size = len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        return (f"description is {size // 1024} KB; the limit is {MAX_BODY_BYTES // 1024} KB",
                "shorten it and link to longer documents instead")
    return None


def load_catalogue(root: Path, only: list[str] | None = None, today: dt.date | None = None) -> tuple[Catalogue, Report]:
    """Load and validate everything (or just the ``only`` project files) without writing anything."""
    # Loading makes millions of small objects and no reference cycles: the cyclic garbage collector
    # would only rescan them again and again (a third of the time for 10,000 projects).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load_catalogue(root, only, today)
    finally:
        if collecting:
            gc.enable()


def _load_catalogue(root: Path, only: list[str] | None, today: dt.date | None) -> tuple[Catalogue, Report]:
    from site_builder.checks import check_catalogue, check_project

    report = Report()
    registry, problems = load_registry(root)
    report.extend(problems)
    all_files, problems = project_files(root)
    if only is None:
        files = all_files
        report.extend(problems)
    else:
        files = only
    projects = []
    for rel in files:
        project, problems = load_project(root, rel, registry)
        report.extend(problems)
        if project is not None:
            report.extend(check_project(project, registry, today or dt.date.today()))
            projects.append(project)
    report.files_checked = len(files)
    known_slugs = {f.rsplit("/", 1)[-1][:-3] for f in all_files}
    report.extend(check_catalogue(projects, known_slugs))
    projects.sort(key=lambda p: p.slug)
    return Catalogue(root, registry, projects), report
