"""Loading the whole catalogue: the registry, every project file, and the checks across them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from site_builder.body_scan import scan_body
from site_builder.diagnostics import Diagnostic, Report
from site_builder.explain import explain_validation_error
from site_builder.gc_pause import gc_paused
from site_builder.models import SLUG_RE, ProjectFrontMatter, describe
from site_builder.registry import ORGANISATIONS_FILE, VOCABULARY_FILES, Registry, load_registry, read_yaml_file
from site_builder.source_file import decode_text, size_limit, split_front_matter
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
    # Fields that failed validation, so that placeholders stand in for them: such a project is never
    # published, but the rules that do not involve these fields are still checked (every error in one run).
    unchecked: frozenset[str] = frozenset()

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
    shown = describe(name)
    if not name.endswith(".md"):
        return f"expected a project file ending in '.md', found {shown}"
    stem = name[:-3]
    if len(stem) > MAX_SLUG_LENGTH:
        return f"expected a file name of at most {MAX_SLUG_LENGTH} characters before '.md', found {len(stem)}"
    if not SLUG_RE.fullmatch(stem):
        return f"expected a file name of lower-case words joined by hyphens, then '.md', found {shown}"
    if stem in WINDOWS_RESERVED:
        return f"expected a file name that works on every computer, found {shown}, a reserved name on Windows"
    return None


def suggested_name(name: str) -> str:
    """A valid file name close to ``name``."""
    stem = re.sub(r"\.(md|markdown|txt|yaml|yml)$", "", name, flags=re.IGNORECASE)
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")  # café -> cafe
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:MAX_SLUG_LENGTH].strip("-") or "project"
    if slug in WINDOWS_RESERVED:
        slug += "-project"
    return f"{slug}.md"


def _rename_hint(name: str) -> str:
    if name.startswith(".") or name.endswith(("~", ".swp", ".tmp", ".bak")) or name.lower() in ("thumbs.db", "desktop.ini"):
        return "delete it: it looks like a hidden, backup or system file, not a project"
    return f"rename it to '{suggested_name(name)}'"


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
            problems.append(Diagnostic(rel, 1, 1, "error", "", "expected only project files here, found a folder",
                                       f"move its files into {PROJECTS_DIR}/ itself"))
            continue
        reason = slug_problem(entry.name)
        if reason:
            problems.append(Diagnostic(rel, 1, 1, "error", "", reason, _rename_hint(entry.name)))
        else:
            found.append(rel)
    return found, problems


def _unusable_ids(root: Path, registry: Registry) -> dict[str, set[str]]:
    """Ids that the registry files name but whose entries failed to load, by registry attribute.

    A project that uses one is told to fix the registry entry, not that the id is unknown.
    """
    out: dict[str, set[str]] = {}
    for attribute, rel in (("organisations", ORGANISATIONS_FILE), *VOCABULARY_FILES.items()):
        data, _, _ = read_yaml_file(root, rel)
        if isinstance(data, dict):
            named = {str(key) for key in data}
        elif isinstance(data, list):
            named = {str(item["id"]) for item in data if isinstance(item, dict) and isinstance(item.get("id"), str)}
        else:
            named = set()
        out[attribute] = named - set(getattr(registry, attribute))
    return out


def load_project(root: Path, rel: str, registry: Registry,
                 unusable: dict[str, set[str]] | None = None) -> tuple[Project | None, list[Diagnostic]]:
    """Read, parse and validate one project file. ``unusable``: see ``_unusable_ids``."""
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
    body_bad = body_problem is not None
    if body_problem:
        diagnostics.append(Diagnostic(rel, split.body_line, 1, "error", "body", *body_problem))
    else:
        scanned = scan_body(split.body)
        diagnostics += [Diagnostic(rel, split.body_line + p.line - 1, p.col, "error", "body", p.message, p.hint) for p in scanned]
        body_bad = bool(scanned)
    if yaml_problems:
        return None, diagnostics
    if data is None:
        data = {}
    if not isinstance(data, dict):
        pos = source.value(())
        found = "a list" if isinstance(data, list) else f"the text {describe(data)}"
        return None, [*diagnostics, Diagnostic(rel, pos.line, pos.col, "error", "",
                                               f"expected fields written as 'name: value', found {found}",
                                               "start from the project template in the contributor guide")]
    context = {"registry": registry, "unusable": unusable or {}}
    unchecked: frozenset[str] = frozenset()
    try:
        meta = ProjectFrontMatter.model_validate(data, context=context)
    except ValidationError as exc:
        diagnostics += explain_validation_error(exc, ProjectFrontMatter, rel, source)
        unchecked = frozenset(str(error["loc"][0]) for error in exc.errors() if error["loc"])
        salvaged = _with_placeholders(data, unchecked, registry, context)
        if salvaged is None:
            return None, diagnostics
        meta = salvaged
    orgs = [meta.lead, *meta.partners]
    project = Project(rel.rsplit("/", 1)[-1][:-3], rel, meta, split.body, split.body_line, source,
                      tuple(registry.services_of(orgs)), tuple(registry.regions_of(orgs)),
                      unchecked | ({"body"} if body_bad else frozenset()))
    return project, diagnostics


def _with_placeholders(data: dict[str, Any], failed: frozenset[str], registry: Registry,
                       context: dict[str, Any]) -> ProjectFrontMatter | None:
    """The front matter with each failed field dropped, or replaced by a valid stand-in if required."""
    if not (registry.organisations and registry.themes):
        return None
    some_org = next(iter(registry.organisations))
    stand_ins = {"title": "Placeholder title", "summary": "Placeholder summary for the remaining checks.",
                 "status": "proposed", "lead": some_org, "partners": [some_org], "themes": [next(iter(registry.themes))],
                 "last_reviewed": "2000-01-01"}
    kept = {key: value for key, value in data.items() if key not in failed and key in ProjectFrontMatter.model_fields}
    for key in failed & stand_ins.keys():
        kept[key] = stand_ins[key]
    try:
        return ProjectFrontMatter.model_validate(kept, context=context)
    except ValidationError:
        return None


def _body_problem(body: str) -> tuple[str, str] | None:
    if not body.strip():
        return ("expected a description of the project after the front matter, found nothing",
                "write a few paragraphs of Markdown below the closing '---' line")
    size = len(body.encode("utf-8"))
    if size > MAX_BODY_BYTES:
        return (f"expected a description of {size_limit(size, MAX_BODY_BYTES)}",
                "shorten it and link to longer documents instead")
    return None


@dataclass(frozen=True)
class OtherFiles:
    """Titles (by :func:`title_key`, to path) and aliases (to slug) of project files not being checked."""

    titles: dict[str, str]
    aliases: dict[str, str]


def title_key(title: str) -> str:
    """Titles that differ only in case or spacing count as the same."""
    return " ".join(title.lower().split())


def other_files(root: Path, rels: list[str]) -> OtherFiles:
    """The titles and aliases of files that are not being checked, read leniently (their own
    problems are not reported here: a full ``catalogue check`` does that)."""
    titles: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for rel in rels:
        try:
            text, _ = decode_text((root / rel).read_bytes(), rel)
        except OSError:
            continue
        split = split_front_matter(text, rel)[0] if text is not None else None
        data = read_strict_yaml(split.front_matter, split.front_matter_line)[0] if split else None
        if not isinstance(data, dict):
            continue
        if isinstance(data.get("title"), str):
            titles.setdefault(title_key(data["title"]), rel)
        for alias in data.get("aliases") or [] if isinstance(data.get("aliases"), list) else []:
            if isinstance(alias, str):
                aliases.setdefault(alias, rel.rsplit("/", 1)[-1][:-3])
    return OtherFiles(titles, aliases)


def load_catalogue(root: Path, only: list[str] | None = None, today: dt.date | None = None) -> tuple[Catalogue, Report]:
    """Load and validate everything (or just the ``only`` project files) without writing anything."""
    with gc_paused():  # a third of the loading time for 10,000 projects, otherwise
        return _load_catalogue(root, only, today)


def _load_catalogue(root: Path, only: list[str] | None, today: dt.date | None) -> tuple[Catalogue, Report]:
    from site_builder.checks import check_catalogue, check_project

    report = Report()
    registry, problems = load_registry(root)
    report.extend(problems)
    unusable = _unusable_ids(root, registry) if problems else {}
    all_files, problems = project_files(root)
    if only is None:
        files = all_files
        report.extend(problems)
        report.files_checked = len(files) + sum(1 for d in problems if not (root / d.path).is_dir())
    else:  # the named files, each once; a badly named one gets the same error as in a full check
        wanted = list(dict.fromkeys(only))
        badly_named = {d.path for d in problems}
        report.extend(d for d in problems if d.path in wanted)
        files = [rel for rel in wanted if rel not in badly_named]
        report.files_checked = len(wanted)
    projects = []
    loaded = []  # valid projects and partly valid ones: both take part in the checks across files
    for rel in files:
        project, problems = load_project(root, rel, registry, unusable)
        report.extend(problems)
        if project is not None:
            report.extend(check_project(project, registry, today or dt.date.today()))
            loaded.append(project)
            if not (project.unchecked or problems):
                projects.append(project)
    known_slugs = {f.rsplit("/", 1)[-1][:-3] for f in all_files}
    others = None if only is None else other_files(root, [f for f in all_files if f not in set(files)])
    report.extend(check_catalogue(loaded, known_slugs, others))
    projects.sort(key=lambda p: p.slug)
    return Catalogue(root, registry, projects), report
