"""``catalogue schema``: regenerate (or with --check, compare) every file derived from the schema."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from site_builder.catalogue.registry import load_registry
from site_builder.cli.common import EXIT_CONTENT, EXIT_OK, catalogue_root
from site_builder.outputs.field_docs import update_generated_files


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    schema = commands.add_parser("schema", parents=[common], help="regenerate the JSON Schema, field table, template and form",
                                 description="Regenerate every file derived from the schema: schema/project.schema.json, "
                                             "schema/project-template.md, the field table in CONTRIBUTING.md and the "
                                             "GitHub issue form.")
    schema.add_argument("--check", action="store_true", help="do not write; exit 1 if any generated file is stale")


def run(args: argparse.Namespace, out: TextIO) -> int:
    root = catalogue_root(args.root)
    registry, problems = load_registry(root)
    if problems:
        out.write("".join(problem.text() + "\n" for problem in problems))
        return EXIT_CONTENT
    update = update_generated_files(root, registry, write=not args.check)
    out.write("".join(problem.text() + "\n" for problem in update.problems))
    if update.problems and not args.check:
        out.write("wrote nothing: fix the errors above, then run 'catalogue schema' again\n")
        return EXIT_CONTENT
    out.write("".join(f"{'stale' if args.check else 'wrote'}: {rel}\n" for rel in update.stale))
    if args.check and (update.stale or update.problems):
        fix = "fix the errors above, then run" if update.problems else "run"
        out.write(f"{fix} 'catalogue schema' (or 'make schema') and commit the result\n")
        return EXIT_CONTENT
    if not update.stale:
        out.write("generated files are up to date\n")
    return EXIT_OK
