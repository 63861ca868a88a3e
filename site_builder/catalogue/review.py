"""Entries due for review: the projects whose ``last_reviewed`` is older than the stale limit, by lead organisation.

The monthly review workflow turns this report into one issue, updated in place, so each lead
organisation sees which of its entries to check.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from site_builder.catalogue.rules import STALE_AFTER_MONTHS, months_between
from site_builder.catalogue.types import Catalogue, Project

REVIEW_MARKER = "<!-- catalogue-review -->"


@dataclass(frozen=True)
class Overdue:
    project: Project
    months: int  # since the last review


def overdue_projects(catalogue: Catalogue, today: dt.date, months: int = STALE_AFTER_MONTHS) -> dict[str, list[Overdue]]:
    """Lead organisation name -> its overdue projects (oldest review first, then path), names sorted."""
    found: dict[str, list[Overdue]] = {}
    for project in catalogue.projects:
        age = months_between(project.meta.last_reviewed, today)
        if age >= months:
            org = catalogue.registry.organisations.get(project.meta.lead)
            found.setdefault(org.name if org else project.meta.lead, []).append(Overdue(project, age))
    return {name: sorted(items, key=lambda o: (o.project.meta.last_reviewed, o.project.path))
            for name, items in sorted(found.items(), key=lambda kv: kv[0].casefold())}


def review_report(catalogue: Catalogue, today: dt.date, months: int = STALE_AFTER_MONTHS) -> str:
    """The Markdown body of the review issue (starts with its marker, so the workflow finds it again)."""
    overdue = overdue_projects(catalogue, today, months)
    count = sum(len(items) for items in overdue.values())
    lines = [REVIEW_MARKER, f"# Entries not reviewed for {months} months or more", "",
             f"As of {today.isoformat()}: {count} of {len(catalogue.projects)} entries"
             f"{'' if not count else f', from {len(overdue)} lead organisation' + ('' if len(overdue) == 1 else 's')}."]
    if not count:
        lines += ["", "Every entry has been reviewed recently. Nothing to do."]
    for name, items in overdue.items():
        lines += ["", f"## {name}", ""]
        lines += [f"- [ ] `{o.project.path}`: {o.project.meta.title} (last reviewed {o.project.meta.last_reviewed.isoformat()}, "
                  f"{o.months} months ago)" for o in items]
    lines += ["", "To review an entry, check its facts and sources, then set `last_reviewed` to the day you checked it."]
    return "\n".join(lines) + "\n"
