"""``catalogue check``: the build's load path and a trial render, writing nothing."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, TextIO

from site_builder.build.pipeline import check_site
from site_builder.catalogue.types import PROJECTS_DIR
from site_builder.cli.common import EXIT_CONTENT, EXIT_OK, add_strict, catalogue_root, project_paths
from site_builder.diagnostics.markdown import render_markdown


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    check = commands.add_parser("check", parents=[common], help="validate the content without writing anything",
                                description="Validate site.yaml, the registry, the vocabularies, every project file and "
                                            "every template, reporting every problem in one run: exactly what 'build' "
                                            "would stop on, without writing the site.")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help=f"check only these project files (in {PROJECTS_DIR}/), against the full registry")
    add_strict(check)
    check.add_argument("--format", choices=["text", "github", "json", "markdown"], default="text",
                       help="text (default), github (workflow annotations), json or markdown (a pull-request comment)")


def run(args: argparse.Namespace, out: TextIO) -> int:
    root = catalogue_root(args.root)
    only = project_paths(root, args.paths) if args.paths else None
    report = check_site(root, only, args.strict)
    out.write(render_markdown(report, args.strict) if args.format == "markdown" else report.render(args.format, args.strict))
    return EXIT_OK if report.ok(args.strict) else EXIT_CONTENT
