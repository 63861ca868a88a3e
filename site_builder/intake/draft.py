"""A draft project: the field values a door has read, and the question each one came from.

Values are what the strict YAML reader would produce (strings, lists and dicts of strings), so a
draft goes through exactly the same validation as a file. Diagnostics on the written file are then
mapped back to the question that supplied the field, so the person is told where they wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from site_builder.diagnostics.report import Diagnostic
from site_builder.intake.labels import BY_ID, QUESTIONS, Question, question_for

ORDER = {q.id: index for index, q in enumerate(QUESTIONS)}


@dataclass
class Problem:
    """A problem with one answer, in the words of the question."""

    question: Question | None
    severity: str
    message: str
    hint: str = ""

    def text(self, where: str = "question") -> str:
        """``question "What is the project called?": expected ..., found ...; hint`` on one line."""
        asked = f'{where} "{self.question.label}"' if self.question else "the project"
        if where == "flag" and self.question:
            asked = f'{self.question.flag} ("{self.question.label}")'
        warning = "warning: " if self.severity == "warning" else ""
        line = f"{asked}: {warning}{self.message}" + (f"; {self.hint}" if self.hint else "")
        return line.replace("\n", " ")


@dataclass
class Draft:
    """Front-matter values, the description, an optional file name, and where each value came from."""

    values: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, Question] = field(default_factory=dict)
    body: str = ""
    file_name: str = ""
    missing: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    explained: set[str] = field(default_factory=set)  # fields whose problem the door already reported in its own words

    def put(self, question: Question, value: Any) -> None:
        """Store the answer to ``question`` at its field (``funding[0].source`` nests)."""
        if value in (None, "", []):
            return
        parts = question.field.replace("]", "").replace("[", ".").split(".")
        target: Any = self.values
        for part, following in pairwise(parts):
            container: Any = [] if following.isdigit() else {}
            if part.isdigit():
                while len(target) <= int(part):
                    target.append({})
                target = target[int(part)]
            else:
                target = target.setdefault(part, container)
        last = parts[-1]
        target[last] = value
        self.origins[question.field] = question

    def add_missing_organisations(self) -> None:
        """Organisations named in the free-text box: the lead if none was chosen, then partners."""
        box = BY_ID["missing_organisations"]
        for name in self.missing:
            if "lead" not in self.values:
                self.values["lead"] = name
                self.origins["lead"] = box
                continue
            partners = self.values.setdefault("partners", [])
            self.origins[f"partners[{len(partners)}]"] = box
            partners.append(name)

    def tidy_funding(self, slots: int) -> None:
        """Drop funding slots left blank, keeping each answer's question."""
        funding = self.values.get("funding")
        if not isinstance(funding, list):
            return
        kept: list[Any] = []
        for slot, entry in enumerate(funding[:slots]):
            if entry:
                for key in entry:
                    self.origins[f"funding[{len(kept)}].{key}"] = BY_ID[f"funding_{slot + 1}_{key}"]
                self.origins[f"funding[{len(kept)}]"] = BY_ID[f"funding_{slot + 1}_source"]
                kept.append(entry)
        self.values["funding"] = kept

    def question_of(self, field_path: str) -> Question | None:
        """The question that supplied ``field_path`` or its nearest parent."""
        path = field_path
        while path:
            if path in self.origins:
                return self.origins[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return question_for(field_path)

    def problem_for(self, diagnostic: Diagnostic) -> Problem:
        """A diagnostic on the written file, in the words of the question that caused it."""
        question = self.question_of(diagnostic.field) if diagnostic.field else None
        message, hint = diagnostic.message, diagnostic.hint
        if message == "required field is missing":
            message, hint = "expected an answer, found none", "answer this question"
        elif message.startswith("expected at least 1 item, found 0") and question is not None:
            hint = "choose or write at least one"
        elif question is not None and question.id == "missing_organisations" and message.startswith("unknown organisation"):
            hint = re.sub(r" \(and write \S+ here\)$", "", hint).replace(
                "if it is not in the registry yet, add it", "a maintainer needs to add it")
        return Problem(question, diagnostic.severity, message, hint)

    @staticmethod
    def order(problem: Problem) -> int:
        """Problems are listed in the order the questions are asked."""
        return ORDER.get(problem.question.id, len(ORDER)) if problem.question else -1
