"""Project files saved outside ``content/projects/``, which would never be published."""

from __future__ import annotations

from pathlib import Path

from site_builder.diagnostics.report import Diagnostic
from site_builder.model.project import slugify
from site_builder.text.file_access import found_file, found_listing, record_read
from site_builder.text.source_file import MAX_FILE_BYTES, decode_text, split_front_matter
from site_builder.text.strict_yaml import read_strict_yaml

PLACES = ("", "content")  # the repository root and content/, where a file saved by mistake usually lands


def _head(path: Path) -> bytes | None:
    try:
        return path.read_bytes()[:MAX_FILE_BYTES]
    except OSError:
        return None


def _markdown_files(folder: Path) -> list[Path]:
    return [entry for entry in sorted(folder.iterdir(), key=lambda p: p.name) if entry.suffix.lower() in (".md", ".markdown")]


def reread_misplaced(root: Path, kind: str, rel: str) -> str | None:
    """What :func:`misplaced_projects` would record for ``rel`` now (see ``file_access.recording_reads``)."""
    path = root / ("" if rel == "." else rel)
    if kind == "head":
        return found_file(_head(path), [])
    if kind == "markdown-names":
        return found_listing([entry.name for entry in _markdown_files(path)] if path.is_dir() else None, [])
    return None


def _is_project(path: Path, rel: str) -> bool:
    raw = _head(path)
    record_read("head", rel, found_file(raw, []))  # a build's input: a project file saved here changes the report
    if raw is None:
        return False
    text = decode_text(raw, path.name)[0]
    split = split_front_matter(text, path.name)[0] if text is not None else None
    data = read_strict_yaml(split.front_matter, split.front_matter_line)[0] if split else None
    return isinstance(data, dict) and "title" in data and "lead" in data


def misplaced_projects(root: Path) -> list[Diagnostic]:
    """An error for each Markdown file with a project's front matter (``title:`` and ``lead:``) in the
    repository root or in ``content/`` itself."""
    found = []
    for place in PLACES:
        folder = root / place
        if not folder.is_dir():
            continue
        markdown = _markdown_files(folder)
        record_read("markdown-names", place or ".", found_listing([entry.name for entry in markdown], []))
        for entry in markdown:
            rel = f"{place}/{entry.name}" if place else entry.name
            if entry.is_file() and _is_project(entry, rel):
                found.append(Diagnostic(rel, 1, 1, "error", "",
                                        "expected project files in content/projects/, found one here, where it is never published",
                                        f"move it to content/projects/{slugify(entry.stem) or 'project'}.md"))
    return found
