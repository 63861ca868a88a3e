"""``catalogue import``: a survey export with two header rows, the same rows as xlsx, and the catalogue's own CSV."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from site_builder.catalogue.load import load_catalogue
from tests.helpers import REPO, real_registry_catalogue, run_cli

QUESTION = "Which themes does it cover?"
HEADER = ["Respondent", "What is the name of the collaboration project?", "Summary", "Stage", "Lead organisation",
          "Partner organisations", QUESTION, "", "", "Date last checked", "Description"]
OPTIONS = ["", "Response", "Response", "Response", "Response", "Response", "Joint control rooms", "Shared estates",
           "First response and co-responding", "", ""]
MAPPING = f"""\
columns:
  title: What is the name of the collaboration project?
  summary: Summary
  status: Stage
  lead: Lead organisation
  partners: Partner organisations
  themes: ["{QUESTION} / Joint control rooms", "{QUESTION} / Shared estates", "{QUESTION} / First response and co-responding"]
  last_reviewed: Date last checked
body: Description
values:
  status: {{Live: operational, Trial: pilot}}
"""
SUMMARY = "Two services share a building and work side by side every day."


def survey_rows() -> list[list[str]]:
    """12 answers: 8 valid, then 4 with a different mistake each."""
    rows = []
    for n, place in enumerate(["Ashford", "Dover", "Folkestone", "Maidstone", "Canterbury", "Margate", "Dartford", "Tonbridge"], 1):
        rows.append([str(n), f"{place} shared fire and police station", SUMMARY, "Live" if n % 2 else "Trial",
                     "Kent Fire and Rescue Service", "Kent Police", "", "x", "", "2026-01-15", f"The station in {place} is shared."])
    rows.append(["9", "Kent", SUMMARY, "Live", "Kent Fire and Rescue Service", "Kent Police", "x", "", "", "2026-01-15", "Too short a title."])
    rows.append(["10", "Sevenoaks shared station", SUMMARY, "Live", "Kent Fire", "Kent Police", "x", "", "", "2026-01-15", "Unknown lead."])
    rows.append(["11", "Whitstable shared station", SUMMARY, "Live", "Kent Fire and Rescue Service", "Kent Police", "x", "", "",
                 "December 2025", "A month is not a date."])
    rows.append(["12", "Deal shared station", SUMMARY, "Live", "Kent Fire and Rescue Service", "Kent Police", "", "", "",
                 "2026-01-15", "No theme ticked."])
    return [HEADER, OPTIONS, *rows]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append([cell or None for cell in row])
    book.save(path)
    return path


EXPECTED = [
    'row 11, column "What is the name of the collaboration project?": expected at least 5 characters, found 4 characters; write a little more',
    "row 12, column \"Lead organisation\": expected an organisation in the registry, found 'Kent Fire'; did you mean "
    "'kent-fire-and-rescue-service' (Kent Fire and Rescue Service), 'avon-fire-and-rescue-service' (Avon Fire and Rescue Service), "
    "'bedfordshire-fire-and-rescue-service' (Bedfordshire Fire and Rescue Service)? Give its id",
    "row 13, column \"Date last checked\": expected a date as YYYY-MM-DD, found 'December 2025'; "
    "write 2025-12-01 (a full date: last_reviewed needs the day too)",
    f'row 14, column "{QUESTION} / Joint control rooms": expected an answer, found none; answer this question',
]


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_survey_export_writes_the_valid_rows_and_rejects_the_rest(tmp_path: Path, kind: str) -> None:
    root = real_registry_catalogue(tmp_path / "catalogue")
    (tmp_path / "mapping.yaml").write_text(MAPPING, encoding="utf-8")
    source = (write_csv if kind == "csv" else write_xlsx)(tmp_path / f"survey.{kind}", survey_rows())
    code, out = run_cli("import", str(source), "--root", str(root), "--mapping", str(tmp_path / "mapping.yaml"),
                        "--rejects", str(tmp_path / "rejects.csv"))
    lines = out.splitlines()
    assert code == 1
    assert lines[:4] == EXPECTED
    assert len([line for line in lines if line.startswith("wrote ")]) == 8
    assert lines[-1] == "12 rows read: 8 files written, 4 rows rejected, 0 skipped as duplicates of existing projects"
    rejects = list(csv.reader(io.StringIO((tmp_path / "rejects.csv").read_text(encoding="utf-8-sig"))))
    assert rejects[0] == ["row", "column", "field", "problem", "hint"]
    assert [r[0] for r in rejects[1:]] == ["11", "12", "13", "14"]
    assert run_cli("check", "--root", str(root)) == (0, "8 files checked: 0 errors, 0 warnings\n")
    catalogue, _ = load_catalogue(root)
    assert {p.meta.status for p in catalogue.projects} == {"operational", "pilot"}
    assert all(p.meta.themes == ["shared-estates"] for p in catalogue.projects)


def test_a_second_run_skips_every_row_and_update_rewrites_the_same_bytes(tmp_path: Path) -> None:
    root = real_registry_catalogue(tmp_path / "catalogue")
    (tmp_path / "mapping.yaml").write_text(MAPPING, encoding="utf-8")
    source = write_csv(tmp_path / "survey.csv", survey_rows()[:10])
    args = ("import", str(source), "--root", str(root), "--mapping", str(tmp_path / "mapping.yaml"))
    assert run_cli(*args)[0] == 0
    files = {p: p.read_bytes() for p in (root / "content/projects").iterdir()}
    code, out = run_cli(*args)
    assert (code, out.splitlines()[-1]) == (0, "8 rows read: 0 files written, 0 rows rejected, 8 skipped as duplicates of existing projects")
    assert run_cli(*args, "--update")[1].splitlines()[-1] == (
        "8 rows read: 8 files written, 0 rows rejected, 0 skipped as duplicates of existing projects")
    assert {p: p.read_bytes() for p in (root / "content/projects").iterdir()} == files


def test_print_mapping_guesses_columns_from_the_questions(tmp_path: Path) -> None:
    root = real_registry_catalogue(tmp_path / "catalogue")
    source = write_csv(tmp_path / "survey.csv", survey_rows())
    code, out = run_cli("import", str(source), "--root", str(root), "--print-mapping")
    assert code == 0
    assert '  title: "What is the name of the collaboration project?"' in out.splitlines()


def test_the_catalogues_own_csv_round_trips(tmp_path: Path) -> None:
    """Every project whose list items hold no '; ' (the CSV's list separator) comes back equal on every field."""
    assert run_cli("build", "--root", str(REPO), "--out", str(tmp_path / "site"))[0] == 0
    root = real_registry_catalogue(tmp_path / "catalogue")
    code, out = run_cli("import", str(tmp_path / "site/data/projects.csv"), "--root", str(root))
    assert code == 0, out
    original, _ = load_catalogue(REPO)
    imported = {p.slug: p for p in load_catalogue(root)[0].projects}
    lossless = [p for p in original.projects
                if not any("; " in item for item in [*(p.meta.benefits or []), *(p.meta.lessons or []), *(p.meta.aliases or [])])]
    assert len(lossless) >= 20, "the shipped projects should mostly be representable"
    for project in lossless:
        assert (imported[project.slug].meta, imported[project.slug].body) == (project.meta, project.body), project.slug
    assert out.splitlines()[-1] == (f"{len(original.projects)} rows read: {len(original.projects)} files written, 0 rows rejected, "
                                    "0 skipped as duplicates of existing projects")
