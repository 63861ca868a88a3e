"""Loading the whole catalogue: the registry, every project file, and the checks across them."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from site_builder.catalogue.misplaced import misplaced_projects
from site_builder.catalogue.parse_cache import ParseCache, parse_files
from site_builder.catalogue.region_tiles import check_region_tiles
from site_builder.catalogue.registry import ORGANISATIONS_FILE, VOCABULARY_FILES, Registry, load_registry, read_yaml_file
from site_builder.catalogue.rules import check_catalogue, check_project
from site_builder.catalogue.types import PROJECTS_DIR, Catalogue, OtherFiles, title_key
from site_builder.diagnostics.report import Diagnostic, Report
from site_builder.model.project import SLUG_RE, describe
from site_builder.runtime.gc_pause import gc_paused
from site_builder.text.file_access import list_folder, read_content_file
from site_builder.text.source_file import decode_text, split_front_matter
from site_builder.text.text_checks import read_checked_yaml

MAX_SLUG_LENGTH = 80
_FOLDER_AMONG_PROJECTS = "expected only project files here, found a folder"

WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(1, 10)] + [f"lpt{i}" for i in range(1, 10)]
)


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
    """Relative paths of the project files, sorted, and a diagnostic for anything else in the folder.

    Links are not followed (see ``file_access``): a link is listed like a file, and refused when read.
    """
    found: list[str] = []
    problems: list[Diagnostic] = []
    entries, problems = list_folder(root, PROJECTS_DIR)
    for name, is_folder in entries or []:
        rel = f"{PROJECTS_DIR}/{name}"
        if is_folder:
            problems.append(Diagnostic(rel, 1, 1, "error", "", _FOLDER_AMONG_PROJECTS,
                                       f"move its files into {PROJECTS_DIR}/ itself"))
            continue
        reason = slug_problem(name)
        if reason:
            problems.append(Diagnostic(rel, 1, 1, "error", "", reason, _rename_hint(name)))
        else:
            found.append(rel)
    return found, problems


def _unusable_ids(root: Path, registry: Registry) -> dict[str, set[str]]:
    """Ids that the registry files name but whose entries failed to load, by registry attribute.

    A project that uses one is told to fix the registry entry, not that the id is unknown.
    """
    out: dict[str, set[str]] = {}
    for attribute, rel in (("organisations", ORGANISATIONS_FILE), *VOCABULARY_FILES.items()):
        data = read_yaml_file(root, rel).data
        if isinstance(data, dict):
            named = {str(key) for key in data}
        elif isinstance(data, list):
            named = {str(item["id"]) for item in data if isinstance(item, dict) and isinstance(item.get("id"), str)}
        else:
            named = set()
        out[attribute] = named - set(getattr(registry, attribute))
    return out


def other_files(root: Path, rels: list[str]) -> OtherFiles:
    """The titles and aliases of files that are not being checked, read leniently (their own
    problems are not reported here: a full ``catalogue check`` does that)."""
    titles: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for rel in rels:
        raw = read_content_file(root, rel)[0]
        text = decode_text(raw, rel)[0] if raw is not None else None
        split = split_front_matter(text, rel)[0] if text is not None else None
        data = read_checked_yaml(split.front_matter, split.front_matter_line).data if split else None
        if not isinstance(data, dict):
            continue
        if isinstance(data.get("title"), str):
            titles.setdefault(title_key(data["title"]), rel)
        for alias in data.get("aliases") or [] if isinstance(data.get("aliases"), list) else []:
            if isinstance(alias, str):
                aliases.setdefault(alias, rel.rsplit("/", 1)[-1][:-3])
    return OtherFiles(titles, aliases)


def load_catalogue(root: Path, only: list[str] | None = None, today: dt.date | None = None,
                   use_cache: bool = False, jobs: int = 0) -> tuple[Catalogue, Report]:
    """Load and validate everything (or just the ``only`` project files).

    It writes nothing, but for ``use_cache``: each file's parse is then taken from, and kept in, the
    parse cache (``parse_cache``; only read when loading ``only`` some files, so the others' entries
    stay). ``jobs``: processes to parse on (0: all cores), when many files are not in the cache.
    """
    with gc_paused():  # a third of the loading time for 10,000 projects, otherwise
        return _load_catalogue(root, only, today, use_cache, jobs)


def _load_catalogue(root: Path, only: list[str] | None, today: dt.date | None,
                    use_cache: bool, jobs: int) -> tuple[Catalogue, Report]:
    report = Report()
    registry, problems = load_registry(root)
    report.extend(problems)
    report.extend(check_region_tiles(root, registry))
    unusable = _unusable_ids(root, registry) if problems else {}
    all_files, problems = project_files(root)
    if only is None:
        files = all_files
        report.extend(problems)
        report.files_checked = len(files) + sum(1 for d in problems if d.message != _FOLDER_AMONG_PROJECTS)
        misplaced = misplaced_projects(root)
        report.extend(misplaced)
        report.files_checked += len(misplaced)
    else:  # the named files, each once; a badly named one gets the same error as in a full check
        wanted = list(dict.fromkeys(only))
        badly_named = {d.path for d in problems}
        report.extend(d for d in problems if d.path in wanted)
        files = [rel for rel in wanted if rel not in badly_named]
        report.files_checked = len(wanted)
    cache = ParseCache.open(root, unusable) if use_cache else None
    parsed = parse_files(root, files, registry, unusable, cache, jobs)
    if cache is not None and only is None:
        cache.save()  # a file's problems too: they are as much a function of its bytes as its project
    projects = []
    loaded = []  # valid projects and partly valid ones: both take part in the checks across files
    for project, problems in parsed:
        report.extend(problems)
        if project is not None:
            report.extend(check_project(project, registry, today or dt.date.today()))
            loaded.append(project)
            if not (project.unchecked or any(d.severity == "error" for d in problems)):
                projects.append(project)
    known_slugs = {f.rsplit("/", 1)[-1][:-3] for f in all_files}
    others = None if only is None else other_files(root, [f for f in all_files if f not in set(files)])
    report.extend(check_catalogue(loaded, known_slugs, others))
    projects.sort(key=lambda p: p.slug)
    keys = cache.source_keys if cache is not None else {}
    return Catalogue(root, registry, projects, {p.path: keys[p.path] for p in projects if p.path in keys},
                     cache.version if cache is not None else ""), report
