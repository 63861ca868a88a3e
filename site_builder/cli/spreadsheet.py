"""``catalogue import``: each row of a survey export or overview spreadsheet to a project file, or a reject."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from site_builder.catalogue.registry import load_registry
from site_builder.cli.common import EXIT_CONTENT, EXIT_OK, UsageError, catalogue_root


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("import", parents=[common], help="turn each row of a survey export or spreadsheet into a project file",
                                 description="Read a .csv or .xlsx file (two header rows from survey tools are understood), "
                                             "write a project file for each valid row and list every problem by row and column.")
    parser.add_argument("file", type=Path, metavar="FILE", help="a .csv or .xlsx file")
    parser.add_argument("--mapping", type=Path, default=None, metavar="MAPPING.yaml",
                        help="which column fills each field (default: the headers of the catalogue's own data/projects.csv)")
    parser.add_argument("--update", action="store_true", help="replace existing project files instead of skipping their rows")
    parser.add_argument("--rejects", type=Path, default=None, metavar="REJECTS.csv", help="write the problems of rejected rows here")
    parser.add_argument("--print-mapping", action="store_true", help="print a starting mapping guessed from the headers, and stop")


def run(args: argparse.Namespace, out: TextIO) -> int:
    root = catalogue_root(args.root)
    if not args.file.is_file():
        raise UsageError(f"{args.file}: no such file")
    registry, problems = load_registry(root)
    if problems:
        out.write("".join(p.text() + "\n" for p in problems))
        return EXIT_CONTENT
    from site_builder.intake.spreadsheet import MappingError, run_import  # noqa: PLC0415  # openpyxl: imported by this command only

    try:
        text, ok = run_import(root, registry, args.file, args.mapping, args.update, args.rejects, args.print_mapping)
    except MappingError as exc:
        raise UsageError(str(exc)) from exc
    out.write(text)
    return EXIT_OK if ok else EXIT_CONTENT
