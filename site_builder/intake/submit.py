"""The core every door shares: draft -> canonical file text -> the same parse and checks as
``catalogue check`` -> problems in the words of the questions, or the file written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from site_builder.catalogue.load import other_files, project_files, slug_problem, suggested_name
from site_builder.catalogue.parse import parse_project_text
from site_builder.catalogue.registry import Registry, load_registry
from site_builder.catalogue.rules import check_catalogue, check_project
from site_builder.catalogue.types import PROJECTS_DIR
from site_builder.diagnostics.report import Diagnostic
from site_builder.intake.draft import Draft, Problem
from site_builder.intake.issue_form import read_issue_body
from site_builder.intake.labels import BY_ID
from site_builder.intake.writer import project_text
from site_builder.model.project import slugify

MARKER = "<!-- catalogue-intake -->"


@dataclass
class Outcome:
    """What a door did: the file it wrote, or every problem, and how to name where each was asked."""

    written: Path | None = None
    rel: str = ""
    problems: list[Problem] = field(default_factory=list)
    where: str = "question"

    def render(self) -> str:
        """Plain text: one line per problem, then what happened."""
        lines = [p.text(self.where) for p in self.problems]
        if self.written is not None:
            lines.append(f"wrote {self.written}")
        else:
            count = sum(1 for p in self.problems if p.severity == "error")
            lines.append(f"{count} problem{'' if count == 1 else 's'} to fix: no file was written")
        return "\n".join(lines) + "\n"

    def markdown(self) -> str:
        """The comment kept on the issue (found again by its hidden marker)."""
        if self.written is not None:
            notes = "".join(f"\n- {_md(p.text(self.where))}" for p in self.problems)
            return f"{MARKER}\nThank you: the answers make a valid project file, `{self.rel}`. A pull request has been opened " \
                   f"for a maintainer to review.{chr(10) + chr(10) + 'Worth a look:' + notes if notes else ''}\n"
        items = "".join(f"\n- {_md(p.text(self.where))}" for p in self.problems)
        return (f"{MARKER}\nThank you. Before this can become a project file, please change these answers "
                f"(choose **Edit** on the issue; this comment updates itself):\n{items}\n")


def _md(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("@", "@\u200b")


def submit_draft(root: Path, registry: Registry, draft: Draft, out: Path | None = None, where: str = "question",
                 today: dt.date | None = None, overwrite: bool = False) -> Outcome:
    """Check ``draft`` exactly as ``catalogue check`` would check its file, and write it if valid."""
    problems = list(draft.problems)
    name_question = BY_ID["file_name"]
    stem = draft.file_name.strip().removesuffix(".md") or slugify(str(draft.values.get("title", "")))
    if draft.file_name and slug_problem(f"{stem}.md"):
        problems.append(Problem(name_question, "error", str(slug_problem(f"{stem}.md")), f"write '{suggested_name(stem)[:-3]}'"))
        stem = suggested_name(stem)[:-3]
    stem = stem or "new-project"
    rel = f"{PROJECTS_DIR}/{stem}.md"
    folder = out or root / PROJECTS_DIR
    if (folder / f"{stem}.md").exists() and not overwrite:
        problems.append(Problem(name_question, "error", f"expected a new file name, found '{stem}', which is already a project",
                                "give this project its own file name, or edit the existing file instead"))
    text = project_text(draft.values, draft.body.strip() + "\n")
    project, diagnostics = parse_project_text(text, rel, registry)
    if project is not None:
        diagnostics += check_project(project, registry, today or dt.date.today())
        existing = [f for f in project_files(root)[0] if f != rel]
        diagnostics += check_catalogue([project], {f.rsplit("/", 1)[-1][:-3] for f in existing}, other_files(root, existing))
    problems += [draft.problem_for(d) for d in sorted(set(diagnostics), key=_order) if d.field not in draft.explained]
    problems.sort(key=draft.order)
    if any(p.severity == "error" for p in problems) or project is None:
        return Outcome(None, rel, problems, where)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stem}.md"
    target.write_text(text, encoding="utf-8", newline="\n")
    return Outcome(target, rel, problems, where)


def _order(d: Diagnostic) -> tuple[int, int, str]:
    return d.line, d.col, d.message


def submit_issue(root: Path, raw: bytes, out: Path | None = None, today: dt.date | None = None) -> Outcome:
    """``catalogue from-issue``: the body of a submitted issue form to a project file."""
    registry, registry_problems = load_registry(root)
    if registry_problems:
        return Outcome(None, "", [Problem(None, "error", f"the registry has errors ({registry_problems[0].text()})",
                                          "fix content/organisations.yaml and the vocabularies first")])
    draft = read_issue_body(raw.decode("utf-8", "replace"), registry)
    return submit_draft(root, registry, draft, out, "question", today)
