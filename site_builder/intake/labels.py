"""The questions each door asks, in plain words, beside the field each one fills in.

The issue form (:mod:`site_builder.intake.issue_form`), ``catalogue new`` and the messages that map
problems back to a question all use this one list, so a question reads the same everywhere.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Kind = Literal["input", "textarea", "dropdown", "checkboxes"]
FUNDING_SLOTS = 3  # a form cannot repeat a group of questions: three sources cover every shipped project


@dataclass(frozen=True)
class Question:
    """One question: its form id (letters, digits and underscores), the field it fills and its wording."""

    id: str
    field: str
    label: str
    help: str = ""
    kind: Kind = "input"
    multiple: bool = False
    placeholder: str = ""

    @property
    def flag(self) -> str:
        """The ``catalogue new`` option that answers this question."""
        return "--" + self.id.replace("_", "-")


def _funding(slot: int) -> tuple[Question, ...]:
    which = f"Funding source {slot}"
    return (
        Question(f"funding_{slot}_source", f"funding[{slot - 1}].source", f"{which}: who gave the money?",
                 "For example 'Home Office Police Transformation Fund'. Leave blank if there is no funding to record."
                 if slot == 1 else "Only if there is another source of money."),
        Question(f"funding_{slot}_amount_gbp", f"funding[{slot - 1}].amount_gbp", f"{which}: how much, in whole pounds?",
                 "Digits only, for example 250000.", placeholder="250000" if slot == 1 else ""),
        Question(f"funding_{slot}_year", f"funding[{slot - 1}].year", f"{which}: in which year was it awarded?",
                 "Four digits, for example 2019.", placeholder="2019" if slot == 1 else ""),
    )


QUESTIONS: tuple[Question, ...] = (
    Question("title", "title", "What is the project called?", "5 to 150 characters, for example 'Kent joint control room'."),
    Question("file_name", "file_name", "File name (optional)",
             "Lower-case words joined by hyphens, becoming the page address. Leave blank to use the project's name."),
    Question("summary", "summary", "Describe the project in one or two sentences.",
             "Plain text, 20 to 400 characters: shown in listings, search results and feeds.", "textarea"),
    Question("status", "status", "What stage has the project reached?", "", "dropdown"),
    Question("lead", "lead", "Which organisation leads the project?",
             "If it is not in the list, leave this blank and name it in the box for missing organisations below.", "dropdown"),
    Question("partners", "partners", "Which other organisations take part?",
             "Choose every partner. At least one organisation overall must be police, fire or ambulance.", "dropdown", multiple=True),
    Question("missing_organisations", "missing_organisations", "Is an organisation missing from the lists above?",
             "Write its full name, one per line. The first is taken as the lead if you chose no lead above.", "textarea"),
    Question("themes", "themes", "What is the collaboration about?", "Tick at least one.", "checkboxes"),
    Question("started", "started", "When did it start?", "A year, a month or a day: 2019, 2019-04 or 2019-04-01.", placeholder="2019-04"),
    Question("ended", "ended", "When did it end?", "Only for completed or discontinued projects: 2021, 2021-03 or 2021-03-31."),
    Question("scope", "scope", "How far does it reach?", "", "dropdown"),
    Question("formal_agreement", "formal_agreement", "Is there a written collaboration agreement?",
             "Under section 1 of the Policing and Crime Act 2017.", "dropdown"),
    *(q for slot in range(1, FUNDING_SLOTS + 1) for q in _funding(slot)),
    Question("costs_gbp", "costs_gbp", "What did it cost in total, in whole pounds?", "Digits only, for example 1200000."),
    Question("savings_gbp_per_year", "savings_gbp_per_year", "How much does it save each year, in whole pounds?", "Digits only."),
    Question("benefits", "benefits", "What benefits has it brought?", "One benefit per line.", "textarea"),
    Question("lessons", "lessons", "What lessons have you learnt?", "One lesson per line.", "textarea"),
    Question("evaluation_kind", "evaluation.kind", "Has the project been evaluated?", "", "dropdown"),
    Question("evaluation_url", "evaluation.url", "Where is the evaluation published?", "Its https:// address, if it is public."),
    Question("evaluation_summary", "evaluation.summary", "What did the evaluation find?", "A sentence or two.", "textarea"),
    Question("enablers", "enablers", "What helped?", "Tick any that apply.", "checkboxes"),
    Question("barriers", "barriers", "What got in the way?", "Tick any that apply.", "checkboxes"),
    Question("contact_role", "contact.role", "Which role or team can people contact about it?",
             "A job role or team, for example 'Collaboration programme manager'. No personal names."),
    Question("contact_email", "contact.email", "What is that team's mailbox?",
             "A role or team mailbox, not a personal address."),
    Question("contact_organisation", "contact.organisation", "Which organisation is that role in?", "", "dropdown"),
    Question("links", "links", "Where can people read more?",
             "One public source per line: its title, then its https:// address, for example\n"
             "Press release, March 2016 https://www.kent.police.uk/news/joint-control-room", "textarea"),
    Question("aliases", "aliases", "Former file names of this project (rarely needed)",
             "Only when replacing an entry that has been renamed: its old file names without '.md', one per line.", "textarea"),
    Question("last_reviewed", "last_reviewed", "On what date did you check these details?", "As YYYY-MM-DD, for example 2026-03-31."),
    Question("body", "body", "Tell us about the project.",
             "A few paragraphs in plain English: the problem, what each service does, what changed, and what others "
             "could learn from it. You can use Markdown.", "textarea"),
)
BY_ID = {q.id: q for q in QUESTIONS}
BY_FIELD = {q.field: q for q in QUESTIONS}
EVALUATION_LABELS = {"none": "No evaluation yet", "internal": "Evaluated internally", "independent": "Evaluated independently"}
SCOPE_LABELS = {"local": "Local: one area", "regional": "Regional: several neighbouring areas", "national": "National"}
AGREEMENT_LABELS = {"true": "Yes, there is a written agreement", "false": "No written agreement"}


def question_for(field: str) -> Question | None:
    """The question that fills ``field`` (such as ``partners[2]`` or ``funding[0].year``), or ``None``."""
    path = field
    while path:
        if path in BY_FIELD:
            return BY_FIELD[path]
        shorter = re.sub(r"(\[[0-9]+\]|\.[a-z_]+)$", "", path)
        if shorter == path:
            return None
        path = shorter
    return None


# The questions whose answer is a list (one flag per item).
LISTS = frozenset({"partners", "themes", "enablers", "barriers", "benefits", "lessons", "links", "aliases", "missing_organisations"})


def add_new_arguments(parser: argparse.ArgumentParser) -> None:
    """One flag per question, plus --yes and --out."""
    for question in QUESTIONS:
        is_list = question.id in LISTS
        parser.add_argument(question.flag, dest=question.id, action="append" if is_list else "store", metavar="TEXT",
                            help=question.label + (" (repeat the flag for each)" if is_list else ""))
    parser.add_argument("--yes", action="store_true", help="ask nothing: use the flags only (missing required answers are an error)")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR", help="folder to write into (default: ROOT/content/projects)")
