"""``catalogue import FILE.csv|FILE.xlsx``: survey exports and overview spreadsheets, one project per row.

Each row becomes a draft through a mapping of fields to column headers, then goes through the same
core as every other door. A valid row is written as ``content/projects/<slug>.md``; an invalid one is
rejected with its row number, the column and the fix. Nothing is lost: rows read = files written +
rows rejected + rows skipped as duplicates of existing projects.

Survey tools export two header rows: the questions, and under a multi-choice question one option per
column. Such a column is named ``Question / Option``. Without ``--mapping`` the headers of the
catalogue's own ``data/projects.csv`` are understood.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from rapidfuzz import fuzz, process

from site_builder.catalogue.load import other_files, project_files
from site_builder.catalogue.registry import Registry
from site_builder.catalogue.types import PROJECTS_DIR, title_key
from site_builder.intake.draft import Problem
from site_builder.intake.interactive import draft_from_answers
from site_builder.intake.labels import BY_FIELD, BY_ID, FUNDING_SLOTS, LISTS
from site_builder.intake.submit import submit_draft
from site_builder.model.project import slugify
from site_builder.text.strict_yaml import read_strict_yaml

_SPLIT = re.compile(r"\s*(?:;|\n)\s*")
# The catalogue's own CSV (data/projects.csv): field -> column. Funding and links have their own text forms.
DEFAULT_COLUMNS: dict[str, str | list[str]] = {
    "file_name": "slug", "title": "title", "summary": "summary", "status": "status", "lead": "lead",
    "partners": "partners", "themes": "themes", "started": "started", "ended": "ended", "scope": "scope",
    "formal_agreement": "formal_agreement", "funding": "funding", "costs_gbp": "costs_gbp",
    "savings_gbp_per_year": "savings_gbp_per_year", "benefits": "benefits", "lessons": "lessons",
    "evaluation.kind": "evaluation_kind", "evaluation.url": "evaluation_url", "evaluation.summary": "evaluation_summary",
    "enablers": "enablers", "barriers": "barriers", "contact.role": "contact_role", "contact.email": "contact_email",
    "contact.organisation": "contact_organisation", "links": "links", "last_reviewed": "last_reviewed",
    "aliases": "aliases", "body": "body",
}


class MappingError(ValueError):
    """The mapping file or the spreadsheet's headers cannot be used (exit code 2)."""


@dataclass
class Mapping:
    """Which column (or columns, one per ticked option) fills each field, and answer texts -> ids."""

    columns: dict[str, str | list[str]]
    values: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass
class Reject:
    row: int
    column: str
    field: str
    problem: str
    hint: str


@dataclass
class ImportResult:
    rows: int = 0
    written: list[Path] = field(default_factory=list)
    rejected_rows: list[int] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.rows} rows read: {len(self.written)} files written, {len(self.rejected_rows)} rows rejected, "
                f"{len(self.duplicates)} skipped as duplicates of existing projects")

    def render(self) -> str:
        lines = [f"row {r.row}, column \"{r.column}\": {r.problem}" + (f"; {r.hint}" if r.hint else "") for r in self.rejects]
        lines += [f"wrote {path}" for path in self.written]
        lines += [f"row {row}: skipped, already in the catalogue (use --update to replace it)" for row in self.duplicates]
        return "\n".join([*lines, self.summary()]) + "\n"

    def rejects_csv(self) -> bytes:
        out = io.StringIO(newline="")
        writer = csv.writer(out)
        writer.writerow(["row", "column", "field", "problem", "hint"])
        writer.writerows([r.row, r.column, r.field, r.problem, r.hint] for r in self.rejects)
        return out.getvalue().encode("utf-8-sig")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_rows(path: Path) -> list[list[str]]:
    """Every row of a CSV (UTF-8, with or without a byte-order mark) or of an xlsx file's first sheet, as text."""
    if path.suffix.lower() == ".xlsx":
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            return [[_cell(v) for v in row] for row in book.worksheets[0].iter_rows(values_only=True)]
        finally:
            book.close()
    if path.suffix.lower() != ".csv":
        raise MappingError(f"{path}: expected a .csv or .xlsx file")
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text, newline=""))]


def headers(rows: list[list[str]]) -> tuple[list[str], int]:
    """Column names and the number of header rows (two when the second row names the options of a question)."""
    if not rows:
        raise MappingError("the spreadsheet is empty")
    first = rows[0]
    second = rows[1] if len(rows) > 1 else []
    two = any(index < len(second) and second[index] and not name for index, name in enumerate(first) if index)
    if not two:
        return first, 1
    names, question = [], ""
    for index, name in enumerate(first):
        question = name or question
        option = second[index] if index < len(second) else ""
        names.append(f"{question} / {option}" if option and option not in ("Response", "Open-Ended Response") else question)
    return names, 2


def read_mapping(path: Path | None) -> Mapping:
    """The mapping file (YAML with 'columns', 'body' and 'values'), or the catalogue's own CSV headers."""
    if path is None:
        return Mapping(dict(DEFAULT_COLUMNS))
    data, _, problems = read_strict_yaml(path.read_text(encoding="utf-8"))
    if problems or not isinstance(data, dict) or not isinstance(data.get("columns"), dict):
        raise MappingError(f"{path}: expected YAML with 'columns:' mapping fields to column headers"
                           + (f" ({problems[0].message} on line {problems[0].position.line})" if problems else ""))
    columns: dict[str, str | list[str]] = dict(data["columns"])
    if isinstance(data.get("body"), str):
        columns["body"] = data["body"]
    unknown = [name for name in columns if name not in BY_FIELD and name not in ("funding", "file_name")
               and not re.fullmatch(r"funding\[[0-9]\]\.(source|amount_gbp|year)", name)]
    if unknown:
        raise MappingError(f"{path}: unknown fields {', '.join(unknown)}; use field paths such as title, partners, contact.email")
    return Mapping(columns, {k: dict(v) for k, v in (data.get("values") or {}).items() if isinstance(v, dict)})


def guess_mapping(names: list[str]) -> str:
    """A starting mapping file: each field's question matched to the closest header."""
    lines = ["# Check every line: guessed from the spreadsheet's headers by 'catalogue import --print-mapping'.", "columns:"]
    for question in BY_ID.values():
        if question.id in ("missing_organisations",) or question.id.startswith("funding_"):
            continue
        match = process.extractOne(question.label, names, scorer=fuzz.token_set_ratio) if names else None
        header = match[0] if match and match[1] >= 60 else ""
        lines.append(f"  {question.field}: {_quote(header)}" + ("" if header else "  # no close header: name the column"))
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _answers(row: dict[str, str], mapping: Mapping) -> tuple[dict[str, Any], dict[str, str]]:
    """{question id: answer} for one row, and {field path: column} for naming where a problem is."""
    answers: dict[str, Any] = {}
    where: dict[str, str] = {}
    for field_path, column in mapping.columns.items():
        values = mapping.values.get(field_path, {})
        if isinstance(column, list):  # one column per option: each filled cell adds that option
            chosen = [name.rsplit(" / ", 1)[-1] for name in column if row.get(name, "").strip()]
            answer: Any = [values.get(c, c) for c in chosen]
            where[field_path] = column[0] if column else ""
        else:
            text = row.get(column, "")
            where[field_path] = column
            if field_path == "funding":
                for slot, item in enumerate(t for t in _SPLIT.split(text) if t):
                    if slot < FUNDING_SLOTS and (m := re.fullmatch(r"(.+?):\s*£?([0-9,]+)(?:\s*\(([0-9]{4})\))?", item)):
                        answers |= {f"funding_{slot + 1}_source": m[1], f"funding_{slot + 1}_amount_gbp": m[2].replace(",", ""),
                                    f"funding_{slot + 1}_year": m[3]}
                continue
            question = BY_FIELD.get(field_path)
            is_list = question is not None and (question.id in LISTS)
            answer = [values.get(t, t) for t in _SPLIT.split(text) if t] if is_list else values.get(text, text)
            if field_path == "links":
                answer = [re.sub(r"\s*<(https?://[^>]+)>$", r" \1", item) for item in answer]
        question = BY_FIELD.get(field_path) or BY_ID.get(field_path)
        if question is not None and answer not in ("", []):
            answers[question.id] = answer
    return answers, where


def import_rows(root: Path, registry: Registry, path: Path, mapping: Mapping, update: bool = False,
                today: dt.date | None = None) -> ImportResult:
    """Import every data row; write valid ones, reject the rest, skip existing projects unless ``update``."""
    rows = read_rows(path)
    names, header_rows = headers(rows)
    missing = [c for col in mapping.columns.values() for c in (col if isinstance(col, list) else [col]) if c not in names]
    if missing:
        raise MappingError(f"no column named {', '.join(repr(c) for c in missing)}; the headers are {', '.join(names)}")
    result = ImportResult()
    existing = project_files(root)[0]
    titles = other_files(root, existing).titles
    for number, cells in enumerate(rows[header_rows:], start=header_rows + 1):
        if not any(cells):
            continue
        result.rows += 1
        row = dict(zip(names, [*cells, *[""] * (len(names) - len(cells))], strict=False))
        answers, where = _answers(row, mapping)
        slug = str(answers.get("file_name") or slugify(str(answers.get("title", ""))))
        rel, same_title = f"{PROJECTS_DIR}/{slug}.md", titles.get(title_key(str(answers.get("title", ""))))
        if (rel in existing and not update) or (same_title is not None and same_title != rel):
            result.duplicates.append(number)
            continue
        draft = draft_from_answers(answers, registry)
        outcome = submit_draft(root, registry, draft, None, "column", today, overwrite=update)
        errors = [p for p in outcome.problems if p.severity == "error"]
        if outcome.written is not None:
            result.written.append(outcome.written)
            continue
        result.rejected_rows.append(number)
        result.rejects += [_reject(number, p, where) for p in errors]
    return result


def _reject(row: int, problem: Problem, where: dict[str, str]) -> Reject:
    field_path = problem.question.field if problem.question else ""
    column = where.get(field_path) or where.get(re.sub(r"\[[0-9]+\]\..*$", "", field_path)) or ""
    return Reject(row, column, field_path, problem.message, problem.hint)


def run_import(root: Path, registry: Registry, file: Path, mapping_file: Path | None, update: bool,
               rejects: Path | None, print_mapping: bool) -> tuple[str, bool]:
    """``catalogue import``: what to print, and whether every row was imported (or skipped)."""
    if print_mapping:
        return guess_mapping(headers(read_rows(file))[0]), True
    result = import_rows(root, registry, file, read_mapping(mapping_file), update)
    if rejects is not None:
        rejects.write_bytes(result.rejects_csv())
    return result.render(), not result.rejected_rows
