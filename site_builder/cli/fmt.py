"""``catalogue fmt``: rewrite project files in the canonical layout, keeping comments."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from site_builder.catalogue.load import project_files
from site_builder.catalogue.types import PROJECTS_DIR
from site_builder.cli.common import EXIT_CONTENT, EXIT_OK, catalogue_root, project_paths


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    fmt = commands.add_parser("fmt", parents=[common], help="rewrite project files in the canonical layout",
                              description="Put fields in schema order with one quoting and list style, keeping comments.")
    fmt.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=f"format only these files (in {PROJECTS_DIR}/)")
    fmt.add_argument("--check", action="store_true", help="do not write; exit 1 if any file would change")


def run(args: argparse.Namespace, out: TextIO) -> int:
    root = catalogue_root(args.root)
    from site_builder.intake.formatter import format_files, render_format_result  # noqa: PLC0415  # ruamel.yaml: imported by this command only

    result = format_files(root, project_paths(root, args.paths) if args.paths else project_files(root)[0], write=not args.check)
    out.write(render_format_result(result, args.check))
    return EXIT_CONTENT if result.problems or (args.check and result.changed) else EXIT_OK
