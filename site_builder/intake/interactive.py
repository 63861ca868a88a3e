"""``catalogue new``: the questionnaire in a terminal (questionary), or entirely from flags.

Every question has a flag named after its id (``--title``, ``--funding-1-source``), so
``catalogue new --title ... --lead ... --yes`` works without a terminal. Choices accept an id or a
label; organisations are found by fuzzy name, and the terminal offers the matches to pick from.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from site_builder.catalogue.registry import Registry, load_registry
from site_builder.intake.draft import Draft, Problem
from site_builder.intake.find_org import exact_organisation, find_organisations
from site_builder.intake.issue_form import options
from site_builder.intake.labels import BY_ID, FUNDING_SLOTS, LISTS, QUESTIONS, Question
from site_builder.intake.submit import Outcome, submit_draft

REQUIRED = ("title", "summary", "status", "lead", "partners", "themes", "last_reviewed", "body")
Ask = Callable[[Question, list[str]], Any]  # (question, suggestions) -> answer: text, or a list for list questions


class MissingAnswers(Exception):
    """Required answers were not given and there is no terminal to ask them in (exit code 2)."""


def _choice(question: Question, answer: str, registry: Registry) -> tuple[str, list[str]]:
    """An answer to a choice question as an id, or the answer unchanged with suggestions."""
    if question.id in ("lead", "partners", "contact_organisation"):
        found = exact_organisation(answer, registry)
        return (found, []) if found else (answer, find_organisations(answer, registry))
    choices = options(question, registry)
    lookup = {label.casefold(): value for label, value in choices.items()} | {v.casefold(): v for v in choices.values()}
    return lookup.get(answer.strip().casefold(), answer), []


def draft_from_answers(answers: dict[str, Any], registry: Registry) -> Draft:
    """A draft from {question id: answer} (text, or a list of texts), with a problem for each unknown organisation."""
    draft = Draft()
    for question in QUESTIONS:
        answer = answers.get(question.id)
        if answer in (None, "", []):
            continue
        if question.id == "file_name":
            draft.file_name = str(answer)
        elif question.id == "body":
            draft.body = str(answer)
        elif question.id == "missing_organisations":
            draft.missing = list(answer)
        elif question.kind in ("dropdown", "checkboxes"):
            values = []
            for item in answer if isinstance(answer, list) else [answer]:
                parts = [p.strip() for p in item.split(",")] if question.kind == "checkboxes" else [item]
                for part in parts:
                    value, suggestions = _choice(question, part, registry)
                    values.append(value)
                    if suggestions:
                        draft.explained.add(question.field if question.id not in LISTS else f"{question.field}[{len(values) - 1}]")
                        named = ", ".join(f"'{s}' ({registry.organisations[s].name})" for s in suggestions[:3])
                        draft.problems.append(Problem(question, "error", f"expected an organisation in the registry, found '{part}'",
                                                      f"did you mean {named}? Give its id"))
            draft.put(question, values if question.id in LISTS else values[0])
        elif question.id == "links":
            draft.put(question, [_link(item) for item in answer])
        else:
            draft.put(question, answer)
    draft.add_missing_organisations()
    draft.tidy_funding(FUNDING_SLOTS)
    return draft


def _link(text: str) -> dict[str, str]:
    title, _, url = text.rpartition(" ")
    return {"title": title.strip(), "url": url} if url.startswith("http") else {"title": text}


def terminal_asker(registry: Registry) -> Ask:  # pragma: no cover - needs a terminal (tried by hand under tmux)
    """Ask each question with questionary: choices for vocabularies, a pick list for organisation matches."""
    import questionary  # noqa: PLC0415  # here, not at the top: a sixth of a second to import, which every command would pay

    names = {org_id: f"{org.name} ({org_id})" for org_id, org in registry.organisations.items()}

    def ask(question: Question, suggestions: list[str]) -> Any:
        text = question.label + (f" ({question.help})" if question.help else "")
        if suggestions:
            choices = [questionary.Choice(names.get(s, s), value=s) for s in suggestions]
            return questionary.select(text, choices=[*choices, questionary.Choice("None of these", value="")]).ask() or None
        labels = list(options(question, registry))
        if question.kind == "checkboxes":
            return questionary.checkbox(text, choices=labels).ask()
        if question.kind == "dropdown" and question.id not in ("lead", "partners", "contact_organisation"):
            picked = questionary.select(text, choices=["(skip)", *labels]).ask()
            return None if picked == "(skip)" else picked
        if question.id in LISTS:
            answer = questionary.text(text + " One per line; press Esc then Enter to finish.", multiline=True).ask() or ""
            return [line.strip() for line in answer.split("\n") if line.strip()]
        return questionary.text(text, multiline=question.kind == "textarea").ask()

    return ask


def run_new(root: Path, args: argparse.Namespace, interactive: bool, ask: Ask | None = None) -> Outcome:
    """Ask (or read from flags) every answer, then check and write the file through the shared core."""
    registry, problems = load_registry(root)
    if problems:
        return Outcome(None, "", [Problem(None, "error", f"the registry has errors ({problems[0].text()})",
                                          "fix content/organisations.yaml and the vocabularies first")])
    answers: dict[str, Any] = {q.id: getattr(args, q.id, None) for q in QUESTIONS}
    if not interactive:
        missing = [BY_ID[i].flag for i in REQUIRED if not answers.get(i) and not (i == "lead" and answers.get("missing_organisations"))]
        if missing:
            raise MissingAnswers(f"missing required answers: {', '.join(missing)} (run in a terminal to be asked, or give these flags)")
        return submit_draft(root, registry, draft_from_answers(answers, registry), args.out, "flag")
    asker = ask or terminal_asker(registry)
    for question in QUESTIONS:
        if answers.get(question.id) in (None, "", []) and (question.id in REQUIRED or not question.id.startswith("funding_")):
            answers[question.id] = _ask_one(question, asker, registry)
    for _ in range(5):  # ask again only what was wrong, until the file is valid
        outcome = submit_draft(root, registry, draft_from_answers(answers, registry), args.out, "question")
        wrong = list(dict.fromkeys(p.question for p in outcome.problems if p.severity == "error" and p.question))
        if outcome.written is not None or not wrong:
            return outcome
        for problem in outcome.problems:
            print(problem.text())
        for question in wrong:
            answers[question.id] = _ask_one(question, asker, registry)
    return outcome


def _ask_one(question: Question, ask: Ask, registry: Registry) -> Any:
    answer = ask(question, [])
    if question.id not in ("lead", "partners", "contact_organisation") or not answer:
        return answer
    picked = []
    for name in answer if isinstance(answer, list) else [answer]:
        found = exact_organisation(name, registry)
        suggestions = find_organisations(name, registry)
        choice = found or (ask(question, suggestions) if suggestions else name)
        picked.append(choice or name)
    return picked if isinstance(answer, list) else picked[0]
