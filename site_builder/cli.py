"""The ``catalogue`` command: a thin layer over the library. Exit codes: 0 ok, 1 content errors, 2 usage."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from site_builder import __version__
from site_builder.catalogue import PROJECTS_DIR, load_catalogue
from site_builder.insights import pdf

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """A problem with how the command was called (exit code 2)."""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path(), metavar="DIR",
                        help="the catalogue folder (default: the current directory)")
    parser = argparse.ArgumentParser(
        prog="catalogue",
        description="Check and build the Emergency Services Collaboration Catalogue.",
        epilog="Exit codes: 0 ok, 1 content errors (or warnings with --strict), 2 usage errors.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", parents=[common], help="validate the content without writing anything",
                                description="Validate the registry, the vocabularies and every project file, "
                                            "reporting every problem in one run.")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help=f"check only these project files (in {PROJECTS_DIR}/), against the full registry")
    _add_strict(check)
    check.add_argument("--format", choices=["text", "github", "json"], default="text",
                       help="text (default), github (workflow annotations) or json")

    build = commands.add_parser("build", parents=[common], help="validate, then build the site",
                                description="Validate everything, then render the site into a temporary folder "
                                            "and swap it into place. A failed build leaves the old site untouched.")
    build.add_argument("--out", type=Path, default=None, metavar="DIR", help="output folder (default: ROOT/_site)")
    build.add_argument("--base-url", default=None, metavar="URL", help="override base_url from site.yaml")
    build.add_argument("--jobs", type=int, default=0, metavar="N", help="worker processes for rendering (default: all cores)")
    build.add_argument("--no-cache", action="store_true", help="ignore the rendered-Markdown cache in ROOT/.cache")
    build.add_argument("--pdf", action="store_true",
                       help="also render the printable documents (document/) to PDF; needs the 'pdf' extra (WeasyPrint)")
    _add_strict(build)

    serve = commands.add_parser("serve", parents=[common], help="build, serve on this machine and rebuild on changes",
                                description="Build the site, serve it at http://HOST:PORT/ and rebuild when content, "
                                            "templates or assets change. A failed rebuild keeps the last good site.")
    serve.add_argument("--out", type=Path, default=None, metavar="DIR", help="output folder (default: ROOT/_site)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    _add_strict(serve)

    schema = commands.add_parser("schema", parents=[common], help="regenerate the JSON Schema, field table, template and form",
                                 description="Regenerate every file derived from the schema: schema/project.schema.json, "
                                             "schema/project-template.md, the field table in CONTRIBUTING.md and the "
                                             "GitHub issue form.")
    schema.add_argument("--check", action="store_true", help="do not write; exit 1 if any generated file is stale")
    return parser


def _add_strict(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def _catalogue_root(root: Path) -> Path:
    if not (root / "content").is_dir():
        raise UsageError(f"{root} is not a catalogue folder: it has no content/ folder (use --root DIR)")
    return root


def _project_paths(root: Path, paths: Sequence[Path]) -> list[str]:
    """Command-line paths as catalogue-relative project paths.

    A relative path is taken from the current folder, or failing that from ``--root``.
    """
    folder = (root / PROJECTS_DIR).resolve()
    out = []
    for path in paths:
        full = path if path.exists() or path.is_absolute() else root / path
        if full.is_dir():
            raise UsageError(f"{path}: is a folder; name project files, or run 'catalogue check' with no paths to check everything")
        if not full.is_file():
            raise UsageError(f"{path}: no such file")
        full = full.resolve()
        if full.parent != folder:
            raise UsageError(f"{path}: not a project file; name files in {folder}/, "
                             "or run 'catalogue check' with no paths to check everything")
        out.append(f"{PROJECTS_DIR}/{full.name}")
    return out


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    root = _catalogue_root(args.root)
    only = _project_paths(root, args.paths) if args.paths else None
    _, report = load_catalogue(root, only)
    out.write(report.render(args.format, args.strict))
    return EXIT_OK if report.ok(args.strict) else EXIT_CONTENT


def _check_base_url(value: str) -> None:
    from pydantic import TypeAdapter, ValidationError

    from site_builder.models import HttpsUrl

    try:
        TypeAdapter(HttpsUrl).validate_python(value)
    except ValidationError as exc:
        hint = (exc.errors()[0].get("ctx") or {}).get("hint", "")
        raise UsageError(f"--base-url: expected an https:// web address, found {value!r}" + (f"; {hint}" if hint else "")) from exc


def _check_pdf() -> None:
    """Before building anything: WeasyPrint, its libraries and the fonts are there, or a usage error."""
    try:
        pdf.load_weasyprint()
        pdf.font_files()
    except pdf.PdfUnavailable as exc:
        raise UsageError(str(exc)) from exc


def cmd_build(args: argparse.Namespace, out: TextIO) -> int:
    from site_builder.build import BuildOptions, build_site

    root = _catalogue_root(args.root)
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    if args.base_url is not None:
        _check_base_url(args.base_url)
    if args.pdf:
        _check_pdf()
    options = BuildOptions(out=args.out or root / "_site", base_url=args.base_url, jobs=args.jobs,
                           use_cache=not args.no_cache, strict=args.strict, pdf=args.pdf)
    result = build_site(root, options)
    if not result.ok:
        out.write(result.report.render("text", args.strict))
        out.write("build failed: the previous site was left as it was\n")
        return EXIT_CONTENT
    assert result.catalogue is not None
    if result.report.diagnostics:
        out.write(result.report.render("text", args.strict))
    count = len(result.catalogue.projects)
    out.write(f"built {result.pages} pages for {count} project{'' if count == 1 else 's'} into {options.out}\n")
    return EXIT_OK


def cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    from site_builder.field_docs import generated_files
    from site_builder.registry import load_registry

    root = _catalogue_root(args.root)
    registry, problems = load_registry(root)
    if problems:
        for problem in problems:
            out.write(problem.text() + "\n")
        return EXIT_CONTENT
    stale = []
    for rel, text in generated_files(root, registry).items():
        target = root / rel
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(rel)
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    verb = "stale" if args.check else "wrote"
    for rel in stale:
        out.write(f"{verb}: {rel}\n")
    if args.check and stale:
        out.write("run 'catalogue schema' (or 'make schema') and commit the result\n")
        return EXIT_CONTENT
    if not stale:
        out.write("generated files are up to date\n")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    from site_builder.build import BuildOptions
    from site_builder.serve import serve

    root = _catalogue_root(args.root)
    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be between 0 and 65535")
    options = BuildOptions(out=args.out or root / "_site", strict=args.strict)
    try:
        return serve(root, options, args.host, args.port, out)
    except OSError as exc:
        raise UsageError(f"cannot serve on {args.host}:{args.port}: {exc.strerror}") from exc


COMMANDS = {"check": cmd_check, "build": cmd_build, "serve": cmd_serve, "schema": cmd_schema}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line. Returns the exit code; never raises for bad input."""
    out = out or sys.stdout
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage message
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    try:
        return COMMANDS[args.command](args, out)
    except UsageError as exc:
        sys.stderr.write(f"catalogue: error: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("catalogue: interrupted\n")
        return 130
    except Exception as exc:
        sys.stderr.write(f"catalogue: internal error: {type(exc).__name__}: {exc}\n"
                         "This is a bug in the catalogue tools, not in your content. "
                         "Please report it with the command you ran (set CATALOGUE_DEBUG=1 for details).\n")
        if __import__("os").environ.get("CATALOGUE_DEBUG"):
            raise
        return EXIT_INTERNAL


def main_exit() -> None:
    """Console-script entry point."""
    sys.exit(main())
