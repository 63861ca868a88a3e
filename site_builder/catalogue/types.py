"""What a loaded catalogue is made of: shared by the loader and the rules, so neither imports the other."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from site_builder.catalogue.registry import Registry
from site_builder.model.project import ProjectFrontMatter
from site_builder.text.strict_yaml import SourceMap

PROJECTS_DIR = "content/projects"


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
    front_key: str = ""  # a digest of the file's front matter as written: what all but the description is made of

    @property
    def organisations(self) -> list[str]:
        return [self.meta.lead, *self.meta.partners]


@dataclass
class Catalogue:
    """Everything loaded from a catalogue folder, projects sorted by slug."""

    root: Path
    registry: Registry
    projects: list[Project]
    # Project path -> a digest of all its parse depended on: its file's bytes and path, the registry and
    # vocabularies, the code (catalogue/parse_cache.py). Only when loaded with the parse cache.
    source_keys: dict[str, str] = field(default_factory=dict)
    parse_version: str = ""  # the part of those keys that all files share (the registry, vocabularies and code)


@dataclass(frozen=True)
class OtherFiles:
    """Titles (by :func:`title_key`, to path) and aliases (to slug) of project files not being checked."""

    titles: dict[str, str]
    aliases: dict[str, str]


def title_key(title: str) -> str:
    """Titles that differ only in case or spacing count as the same."""
    return " ".join(title.lower().split())
