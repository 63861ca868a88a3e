"""A page of the site: its output path, template and context."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Page:
    """One HTML page: its output path, template and context.

    ``root`` is how the page reaches the site root: relative (``../../``) for ordinary pages, so the
    site works under any path prefix, or absolute (``/catalogue/``) for pages served at any depth (404).
    """

    path: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)
    root: str | None = None

    @property
    def relative_root(self) -> str:
        if self.root is not None:
            return self.root
        return "../" * self.path.count("/")
