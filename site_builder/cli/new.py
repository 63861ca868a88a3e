"""``catalogue new``: a questionnaire in the terminal, or flags with --yes, to a new project file."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from site_builder.cli.common import EXIT_CONTENT, EXIT_OK, UsageError, catalogue_root
from site_builder.intake.labels import add_new_arguments


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    new = commands.add_parser("new", parents=[common], help="answer questions in the terminal to write a new project file",
                              description="Ask each question in plain words and write a valid project file. Every question "
                                          "has a flag; with --yes nothing is asked and missing required answers are an error.")
    add_new_arguments(new)


def run(args: argparse.Namespace, out: TextIO) -> int:
    from site_builder.intake.interactive import MissingAnswers, run_new  # noqa: PLC0415  # ruamel.yaml and rapidfuzz: imported by this command only

    root = catalogue_root(args.root)
    try:
        outcome = run_new(root, args, sys.stdin.isatty() and not args.yes)
    except MissingAnswers as exc:
        raise UsageError(str(exc)) from exc
    out.write(outcome.render())
    return EXIT_OK if outcome.written else EXIT_CONTENT
