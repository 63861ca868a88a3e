"""``catalogue from-issue``: a submitted questionnaire (GitHub issue form) to a project file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from site_builder.catalogue.types import PROJECTS_DIR
from site_builder.cli.common import EXIT_CONTENT, EXIT_OK, UsageError, catalogue_root


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    issue = commands.add_parser("from-issue", parents=[common], help="turn a submitted 'Add a project' issue into a project file",
                                description="Read the Markdown body GitHub writes for the issue form and write the project "
                                            "file, or list every problem by question (exit 1).")
    issue.add_argument("body", type=Path, metavar="BODY.md", help="the issue body, as GitHub renders the form")
    issue.add_argument("--out", type=Path, default=None, metavar="DIR", help=f"folder to write into (default: ROOT/{PROJECTS_DIR})")
    issue.add_argument("--comment", type=Path, default=None, metavar="FILE", help="also write the Markdown comment for the issue here")


def run(args: argparse.Namespace, out: TextIO) -> int:
    root = catalogue_root(args.root)
    if not args.body.is_file():
        raise UsageError(f"{args.body}: no such file")
    from site_builder.intake.submit import submit_issue  # noqa: PLC0415  # ruamel.yaml: imported by this command only

    outcome = submit_issue(root, args.body.read_bytes(), args.out)
    out.write(outcome.render())
    if args.comment:
        args.comment.write_text(outcome.markdown(), encoding="utf-8")
    return EXIT_OK if outcome.written else EXIT_CONTENT
