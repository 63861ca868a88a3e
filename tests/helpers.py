"""Fixture builders: write a tiny catalogue from a dict of files (after mkdocs' tests/base.py)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import textwrap
from pathlib import Path
from typing import Any

from site_builder.build import load as site_loader
from site_builder.catalogue.load import load_catalogue
from site_builder.cli import main

REGIONS = """\
- id: north-west
  label: North West
  code: E12000002
- id: south-east
  label: South East
  code: E12000008
- id: south-west
  label: South West
  code: E12000009
"""

THEMES = """\
- id: control-rooms
  label: Joint control rooms
  description: Police, fire or ambulance control staff working side by side.
- id: shared-estates
  label: Shared estates
  description: Sharing headquarters, stations and other buildings.
"""

ENABLERS = """\
- id: leadership-commitment
  label: Senior leadership commitment
  description: Chief officers backed the work from the start.
"""

BARRIERS = """\
- id: incompatible-it
  label: Incompatible IT
  description: Systems that cannot share data with each other.
"""

ORGANISATIONS = """\
kent-police:
  name: Kent Police
  kind: police
  regions: [south-east]
  code: E23000032
  website: https://www.kent.police.uk
kent-fire-and-rescue-service:
  name: Kent Fire and Rescue Service
  kind: fire
  regions: [south-east]
south-east-coast-ambulance-service:
  name: South East Coast Ambulance Service NHS Foundation Trust
  kind: ambulance
  regions: [south-east]
  code: RYD
kent-pcc:
  name: Kent Police and Crime Commissioner
  kind: pcc
  regions: [south-east]
kent-county-council:
  name: Kent County Council
  kind: local-authority
  regions: [south-east]
merseyside-police:
  name: Merseyside Police
  kind: police
  regions: [north-west]
"""

VALID_PROJECT = """\
---
title: Kent joint control room
summary: Kent Fire and Rescue Service moved its control room into Kent Police headquarters.
status: operational
lead: kent-fire-and-rescue-service
partners:
  - kent-police
themes:
  - control-rooms
started: 2012-04
last_reviewed: 2026-01-15
links:
  - title: Kent Police
    url: https://www.kent.police.uk
---
The fire control room sits beside the police control room.
"""


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write ``files`` (relative path -> text or bytes) under ``root``; text is dedented."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(textwrap.dedent(content), encoding="utf-8", newline="")
    return root


def registry_files() -> dict[str, str | bytes]:
    return {
        "schema/regions.yaml": REGIONS,
        "schema/themes.yaml": THEMES,
        "schema/enablers.yaml": ENABLERS,
        "schema/barriers.yaml": BARRIERS,
        "content/organisations.yaml": ORGANISATIONS,
        "site.yaml": SITE,
    }


SITE = """\
title: Emergency Services Collaboration Catalogue
description: How police, fire and rescue, and ambulance services in England work together.
base_url: https://example.org/catalogue/
repository_url: https://github.com/example/catalogue
edit_branch: main
"""


def make_catalogue(root: Path, projects: dict[str, str | bytes] | None = None,
                   extra: dict[str, str | bytes] | None = None) -> Path:
    """A tiny valid catalogue; ``projects`` maps slugs (or file names) to file contents."""
    files = registry_files()
    chosen = {"kent-joint-control-room": VALID_PROJECT} if projects is None else projects
    for name, content in chosen.items():
        files[f"content/projects/{name if '.' in name else name + '.md'}"] = content
    files.update(extra or {})
    (root / "content" / "projects").mkdir(parents=True, exist_ok=True)
    return write_tree(root, files)


def run_cli(*args: str) -> tuple[int, str]:
    """Run the CLI in-process; returns the exit code and what it printed to stdout."""
    out = io.StringIO()
    code = main(list(args), out=out)
    return code, out.getvalue()


def pin_today(monkeypatch: Any, today: dt.date) -> None:
    """Make ``check`` and ``build`` judge dates (review age, dates in the future) as of ``today``."""
    def pinned(root: Path, only: list[str] | None = None, _today: dt.date | None = None, **options: Any) -> Any:
        return load_catalogue(root, only, today, **options)

    monkeypatch.setattr(site_loader, "load_catalogue", pinned)
REPO = Path(__file__).resolve().parent.parent


def real_registry_catalogue(root: Path) -> Path:
    """The real registry, vocabularies and site settings, and no projects."""
    for rel in ("schema", "content/organisations.yaml", "site.yaml"):
        source, target = REPO / rel, root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy(source, target)
    (root / "content" / "projects").mkdir()
    return root


def forget_last_build(root: Path) -> None:
    """Drop the build stamp, so that the next build runs in full even with nothing changed (build/stamp.py)."""
    (root / ".cache" / "build-stamp.pickle").unlink(missing_ok=True)


def count_pools(monkeypatch: Any) -> list[int]:
    """The worker counts of the process pools ``parallel_map`` starts from now on (patched to record them)."""
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415  # only the tests that count pools need it

    from site_builder.runtime import parallel  # noqa: PLC0415

    pools: list[int] = []

    def counted(workers: int, **kwargs: Any) -> ProcessPoolExecutor:
        pools.append(workers)
        return ProcessPoolExecutor(workers, **kwargs)

    monkeypatch.setattr(parallel, "ProcessPoolExecutor", counted)
    return pools


def synthetic_catalogue(root: Path, count: int, work: Path) -> Path:
    """``count`` synthetic projects at ``root`` (devtools/synthetic.py) with the tiny registry, kept in ``work``."""
    from site_builder.catalogue.registry import load_registry  # noqa: PLC0415  # only the tests with a corpus need these
    from site_builder.devtools.synthetic import generate_catalogue  # noqa: PLC0415

    registry_root = make_catalogue(work / "registry", {})
    registry, problems = load_registry(registry_root)
    assert not problems, problems
    generate_catalogue(root, count, registry, source=registry_root)
    return root
