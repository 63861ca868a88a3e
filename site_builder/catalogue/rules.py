"""Rules that span fields or files, applied after each project has passed its schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from site_builder.catalogue.registry import Registry
from site_builder.catalogue.types import OtherFiles, Project, title_key
from site_builder.diagnostics.report import Diagnostic, Severity, quote
from site_builder.model.project import BLUE_LIGHT
from site_builder.text.strict_yaml import Path, format_path

STALE_AFTER_MONTHS = 18
FINISHED = ("completed", "discontinued")


def _at(project: Project, path: Path, severity: Severity, message: str, hint: str) -> Diagnostic:
    pos = project.source.value(path)
    return Diagnostic(project.path, pos.line, pos.col, severity, format_path(path), message, hint)


def _date_key(partial: str) -> tuple[int, ...]:
    return tuple(int(p) for p in partial.split("-"))


def _ended_before(started: str, ended: str) -> bool:
    """Compare at the precision both dates share: 'ended: 2011' is not before 'started: 2011-06'."""
    start, end = _date_key(started), _date_key(ended)
    common = min(len(start), len(end))
    return end[:common] < start[:common]


def months_between(earlier: dt.date, later: dt.date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


def _repeats(project: Project, field: str, values: list[str], what: str) -> Iterator[Diagnostic]:
    first: dict[str, int] = {}
    for index, value in enumerate(values):
        if value in first:
            yield _at(project, (field, index), "error", f"expected each {what} once, found {quote(value)} again (first as {field}[{first[value]}])",
                      "remove the repeat")
        else:
            first[value] = index


class _Known:
    """``known("lead", "partners")``: did all these fields pass validation (not placeholders)?"""

    def __init__(self, unchecked: frozenset[str]) -> None:
        self.unchecked = unchecked

    def __call__(self, *fields: str) -> bool:
        return not self.unchecked.intersection(fields)


def check_project(project: Project, registry: Registry, today: dt.date) -> list[Diagnostic]:
    """Rules across the fields of one project. ``today`` is the date reviews are measured against.

    For a project with fields that failed validation (``project.unchecked``), only the rules that
    involve none of those fields are applied, so one run still reports every problem it can.
    """
    meta = project.meta
    known = _Known(project.unchecked)
    found: list[Diagnostic] = []
    if known("partners"):
        found += _repeats(project, "partners", meta.partners, "organisation")
    for field in ("themes", "enablers", "barriers"):
        if known(field):
            found += _repeats(project, field, list(getattr(meta, field) or []), field[:-1])
    for index, partner in enumerate(meta.partners if known("lead", "partners") else ()):
        if partner == meta.lead:
            found.append(_at(project, ("partners", index), "error",
                             f"expected partners other than the lead, found the lead {quote(partner)} again",
                             "remove it from partners: the lead is already involved"))
    involved = list(dict.fromkeys(project.organisations))
    if known("lead", "partners") and not {registry.organisations[o].kind for o in involved} & BLUE_LIGHT:
        named = [f"{o} ({registry.organisations[o].kind})" for o in involved]
        listed = ", ".join(named[:-1]) + f" and {named[-1]}" if len(named) > 1 else named[0]
        found.append(_at(project, ("lead",), "error",
                         f"expected at least one police, fire or ambulance organisation, found only {listed}",
                         "add the police force, fire and rescue service or ambulance trust involved to partners"))
    if known("started", "ended") and meta.started and meta.ended and _ended_before(meta.started, meta.ended):
        found.append(_at(project, ("ended",), "error", f"expected a date no earlier than started ({meta.started}), found '{meta.ended}'",
                         "check both dates"))
    if known("status", "ended") and meta.status in FINISHED and not meta.ended:
        found.append(_at(project, ("status",), "warning", f"expected an 'ended' date as the status is '{meta.status}', found none",
                         "add a line 'ended: YYYY-MM' saying when it finished"))
    if not known("last_reviewed"):
        pass
    elif meta.last_reviewed > today:
        found.append(_at(project, ("last_reviewed",), "error",
                         f"expected a date no later than today ({today}), found '{meta.last_reviewed}'",
                         "give the date you last checked the entry"))
    elif months_between(meta.last_reviewed, today) >= STALE_AFTER_MONTHS:
        found.append(_at(project, ("last_reviewed",), "warning",
                         f"expected a review in the last {STALE_AFTER_MONTHS} months, found {meta.last_reviewed}",
                         "check the entry is still right, then set last_reviewed to today's date"))
    if (known("contact", "lead", "partners") and meta.contact and meta.contact.organisation
            and meta.contact.organisation not in project.organisations):
        found.append(_at(project, ("contact", "organisation"), "error",
                         f"expected the lead or one of the partners, found '{meta.contact.organisation}'",
                         f"use one of {', '.join(dict.fromkeys(project.organisations))}"))
    return found


def check_catalogue(projects: list[Project], known_slugs: set[str],
                    others: OtherFiles | None = None) -> list[Diagnostic]:
    """Rules across files: aliases must not collide, and titles must be distinct.

    ``others`` holds the titles and aliases of files that were not checked (``check PATH``), so the
    named files are still compared with the whole catalogue.
    """
    found: list[Diagnostic] = []
    alias_owner: dict[str, str] = dict(others.aliases) if others else {}
    titles: dict[str, str] = dict(others.titles) if others else {}
    for project in sorted(projects, key=lambda p: p.slug):
        known = _Known(project.unchecked)
        for index, alias in enumerate(project.meta.aliases or [] if known("aliases") else []):
            if alias == project.slug:
                found.append(_at(project, ("aliases", index), "error", f"expected a former name of this file, found its current name '{alias}'",
                                 "remove it: aliases are the names the file had before it was renamed"))
            elif alias in known_slugs:
                found.append(_at(project, ("aliases", index), "error",
                                 f"expected a former name of this file, found '{alias}', the name of another project file",
                                 f"remove it: content/projects/{alias}.md still uses that address"))
            elif alias_owner.get(alias) == project.slug:
                found.append(_at(project, ("aliases", index), "error", f"expected each alias once, found {quote(alias)} again",
                                 "remove the repeat"))
            elif alias in alias_owner:
                found.append(_at(project, ("aliases", index), "error",
                                 f"expected an alias no other project uses, found {quote(alias)}, already an alias of '{alias_owner[alias]}'",
                                 "an old address can redirect to only one project: remove it from one of the two"))
            else:
                alias_owner[alias] = project.slug
        key = title_key(project.meta.title)
        if not known("title"):
            continue
        if key in titles:
            found.append(_at(project, ("title",), "error",
                             f"expected a title no other project uses, found the title of {titles[key]}",
                             "make the title say what is different about this project"))
        else:
            titles[key] = project.path
    return found
