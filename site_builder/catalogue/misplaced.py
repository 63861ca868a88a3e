"""Project files saved outside ``content/projects/``, which would never be published."""

from __future__ import annotations

from pathlib import Path

from site_builder.diagnostics.report import Diagnostic
from site_builder.model.project import slugify
from site_builder.text.source_file import MAX_FILE_BYTES, decode_text, split_front_matter
from site_builder.text.strict_yaml import read_strict_yaml

PLACES = ("", "content")  # the repository root and content/, where a file saved by mistake usually lands


def _is_project(path: Path) -> bool:
    try:
        raw = path.read_bytes()[:MAX_FILE_BYTES]
    except OSError:
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
        for entry in sorted(folder.iterdir(), key=lambda p: p.name):
            if entry.suffix.lower() in (".md", ".markdown") and entry.is_file() and _is_project(entry):
                rel = f"{place}/{entry.name}" if place else entry.name
                found.append(Diagnostic(rel, 1, 1, "error", "",
                                        "expected project files in content/projects/, found one here, where it is never published",
                                        f"move it to content/projects/{slugify(entry.stem) or 'project'}.md"))
    return found
