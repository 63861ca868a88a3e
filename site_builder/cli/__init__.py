"""The ``catalogue`` command: a thin layer over the library. Exit codes: 0 ok, 1 content errors, 2 usage, 3 a bug."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from site_builder import __version__
from site_builder.build.pipeline import check_site
from site_builder.catalogue.environment import EnvironmentProblem
from site_builder.catalogue.load import load_catalogue, project_files
from site_builder.catalogue.registry import load_registry
from site_builder.catalogue.types import PROJECTS_DIR
from site_builder.cli.crash import debug_wanted, report_internal_error
from site_builder.diagnostics.markdown import render_markdown
from site_builder.intake.formatter import format_files, render_format_result
from site_builder.intake.interactive import MissingAnswers, add_new_arguments, run_new
from site_builder.intake.spreadsheet import MappingError, run_import
from site_builder.intake.submit import submit_issue

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(Exception):
    """A problem with how the command was called (exit code 2)."""


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path(), metavar="DIR",
                        help="the catalogue folder (default: the current directory)")
    debug_help = "on an internal error (exit 3), also print the traceback; CATALOGUE_DEBUG=1 does the same"
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=debug_help)  # after the command too
    parser = argparse.ArgumentParser(
        prog="catalogue",
        description="Check and build the Emergency Services Collaboration Catalogue.",
        epilog="Exit codes: 0 ok, 1 content errors (or warnings with --strict), 2 usage errors (a bad option, or a bad "
               "SOURCE_DATE_EPOCH), 3 a bug in the tool: please report it with the command and what it prints with --debug.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--debug", action="store_true", help=debug_help)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", parents=[common], help="validate the content without writing anything",
                                description="Validate the registry, the vocabularies and every project file, "
                                            "reporting every problem in one run.")
    check.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                       help=f"check only these project files (in {PROJECTS_DIR}/), against the full registry")
    _add_strict(check)
    check.add_argument("--format", choices=["text", "github", "json", "markdown"], default="text",
                       help="text (default), github (workflow annotations), json or markdown (a pull-request comment)")
    _intake_parsers(commands, common)

    build = commands.add_parser("build", parents=[common], help="validate, then build the site",
                                description="Validate everything, then render the site into a temporary folder "
                                            "and swap it into place. A failed build leaves the old site untouched.")
    build.add_argument("--out", type=Path, default=None, metavar="DIR", help="output folder (default: ROOT/_site)")
    build.add_argument("--base-url", default=None, metavar="URL", help="override base_url from site.yaml")
    build.add_argument("--jobs", type=int, default=0, metavar="N", help="worker processes for rendering (default: all cores)")
    build.add_argument("--no-cache", action="store_true", help="ignore the rendered-Markdown cache in ROOT/.cache")
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


def _intake_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    """The contributor-intake commands (site_builder.intake)."""
    fmt = commands.add_parser("fmt", parents=[common], help="rewrite project files in the canonical layout",
                              description="Put fields in schema order with one quoting and list style, keeping comments.")
    fmt.add_argument("paths", nargs="*", type=Path, metavar="PATH", help=f"format only these files (in {PROJECTS_DIR}/)")
    fmt.add_argument("--check", action="store_true", help="do not write; exit 1 if any file would change")
    issue = commands.add_parser("from-issue", parents=[common], help="turn a submitted 'Add a project' issue into a project file",
                                description="Read the Markdown body GitHub writes for the issue form and write the project "
                                            "file, or list every problem by question (exit 1).")
    issue.add_argument("body", type=Path, metavar="BODY.md", help="the issue body, as GitHub renders the form")
    issue.add_argument("--out", type=Path, default=None, metavar="DIR", help=f"folder to write into (default: ROOT/{PROJECTS_DIR})")
    issue.add_argument("--comment", type=Path, default=None, metavar="FILE", help="also write the Markdown comment for the issue here")
    new = commands.add_parser("new", parents=[common], help="answer questions in the terminal to write a new project file",
                              description="Ask each question in plain words and write a valid project file. Every question "
                                          "has a flag; with --yes nothing is asked and missing required answers are an error.")
    add_new_arguments(new)
    spreadsheet = commands.add_parser("import", parents=[common], help="turn each row of a survey export or spreadsheet into a project file",
                                      description="Read a .csv or .xlsx file (two header rows from survey tools are understood), "
                                                  "write a project file for each valid row and list every problem by row and column.")
    spreadsheet.add_argument("file", type=Path, metavar="FILE", help="a .csv or .xlsx file")
    spreadsheet.add_argument("--mapping", type=Path, default=None, metavar="MAPPING.yaml",
                             help="which column fills each field (default: the headers of the catalogue's own data/projects.csv)")
    spreadsheet.add_argument("--update", action="store_true", help="replace existing project files instead of skipping their rows")
    spreadsheet.add_argument("--rejects", type=Path, default=None, metavar="REJECTS.csv", help="write the problems of rejected rows here")
    spreadsheet.add_argument("--print-mapping", action="store_true", help="print a starting mapping guessed from the headers, and stop")


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
        full = path if path.is_symlink() or path.exists() or path.is_absolute() else root / path
        if full.is_dir() and not full.is_symlink():
            raise UsageError(f"{path}: is a folder; name project files, or run 'catalogue check' with no paths to check everything")
        if not full.is_symlink() and not full.exists():
            raise UsageError(f"{path}: no such file")
        full = full.parent.resolve() / full.name  # a link is checked (and refused) as itself, not as what it points to
        if full.parent != folder:
            raise UsageError(f"{path}: not a project file; name files in {folder}/, "
                             "or run 'catalogue check' with no paths to check everything")
        out.append(f"{PROJECTS_DIR}/{full.name}")
    return out


def cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    root = _catalogue_root(args.root)
    only = _project_paths(root, args.paths) if args.paths else None
    report = check_site(root, only, args.strict)
    out.write(render_markdown(report, args.strict) if args.format == "markdown" else report.render(args.format, args.strict))
    return EXIT_OK if report.ok(args.strict) else EXIT_CONTENT


def _check_base_url(value: str) -> None:
    """Refuse a ``--base-url`` that ``site.yaml`` could not hold, as a usage error (not blamed on site.yaml)."""
    from pydantic import TypeAdapter, ValidationError

    from site_builder.model.project import SiteUrl

    try:
        TypeAdapter(SiteUrl).validate_python(value)
    except ValidationError as exc:
        error = exc.errors()[0]
        hint = (error.get("ctx") or {}).get("hint", "")
        raise UsageError(f"--base-url: {error['msg']}" + (f"; {hint}" if hint else "")) from exc


def cmd_build(args: argparse.Namespace, out: TextIO) -> int:
    from site_builder.build.pipeline import BuildOptions, build_site

    root = _catalogue_root(args.root)
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    if args.base_url is not None:
        _check_base_url(args.base_url)
    options = BuildOptions(out=args.out or root / "_site", base_url=args.base_url, jobs=args.jobs,
                           use_cache=not args.no_cache, strict=args.strict)
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
    from site_builder.catalogue.registry import load_registry
    from site_builder.outputs.field_docs import generated_files

    root = _catalogue_root(args.root)
    registry, problems = load_registry(root)
    if problems:
        for problem in problems:
            out.write(problem.text() + "\n")
        return EXIT_CONTENT
    files, problems = generated_files(root, registry)  # problems: CONTRIBUTING.md cannot be read or has lost its markers
    for problem in problems:
        out.write(problem.text() + "\n")
    stale = []
    for rel, text in files.items():
        target = root / rel
        if target.is_file() and target.read_text(encoding="utf-8", errors="replace") == text:
            continue
        stale.append(rel)
    if problems and not args.check:  # write all or nothing, as a build does
        out.write("wrote nothing: fix the errors above, then run 'catalogue schema' again\n")
        return EXIT_CONTENT
    for rel in stale:
        if not args.check:
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(files[rel], encoding="utf-8")
        out.write(f"{'stale' if args.check else 'wrote'}: {rel}\n")
    if args.check and (stale or problems):
        fix = "fix the errors above, then run" if problems else "run"
        out.write(f"{fix} 'catalogue schema' (or 'make schema') and commit the result\n")
        return EXIT_CONTENT
    if not stale:
        out.write("generated files are up to date\n")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    from site_builder.build.pipeline import BuildOptions
    from site_builder.serve.loop import serve

    root = _catalogue_root(args.root)
    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be between 0 and 65535")
    options = BuildOptions(out=args.out or root / "_site", strict=args.strict)
    try:
        return serve(root, options, args.host, args.port, out)
    except OSError as exc:
        raise UsageError(f"cannot serve on {args.host}:{args.port}: {exc.strerror}") from exc


COMMANDS = {"check": cmd_check, "build": cmd_build, "serve": cmd_serve, "schema": cmd_schema}


def cmd_fmt(args: argparse.Namespace, out: TextIO) -> int:
    root = _catalogue_root(args.root)
    result = format_files(root, _project_paths(root, args.paths) if args.paths else project_files(root)[0], write=not args.check)
    out.write(render_format_result(result, args.check))
    return EXIT_CONTENT if result.problems or (args.check and result.changed) else EXIT_OK


def cmd_from_issue(args: argparse.Namespace, out: TextIO) -> int:
    root = _catalogue_root(args.root)
    if not args.body.is_file():
        raise UsageError(f"{args.body}: no such file")
    outcome = submit_issue(root, args.body.read_bytes(), args.out)
    out.write(outcome.render())
    if args.comment:
        args.comment.write_text(outcome.markdown(), encoding="utf-8")
    return EXIT_OK if outcome.written else EXIT_CONTENT


def cmd_new(args: argparse.Namespace, out: TextIO) -> int:
    root = _catalogue_root(args.root)
    try:
        outcome = run_new(root, args, sys.stdin.isatty() and not args.yes)
    except MissingAnswers as exc:
        raise UsageError(str(exc)) from exc
    out.write(outcome.render())
    return EXIT_OK if outcome.written else EXIT_CONTENT


def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    root = _catalogue_root(args.root)
    if not args.file.is_file():
        raise UsageError(f"{args.file}: no such file")
    registry, problems = load_registry(root)
    if problems:
        out.write("".join(p.text() + "\n" for p in problems))
        return EXIT_CONTENT
    try:
        text, ok = run_import(root, registry, args.file, args.mapping, args.update, args.rejects, args.print_mapping)
    except MappingError as exc:
        raise UsageError(str(exc)) from exc
    out.write(text)
    return EXIT_OK if ok else EXIT_CONTENT


COMMANDS |= {"fmt": cmd_fmt, "from-issue": cmd_from_issue, "new": cmd_new, "import": cmd_import}


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line. Returns the exit code; never raises for bad input."""
    out = out or sys.stdout
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage message
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    try:
        return COMMANDS[args.command](args, out)
    except (UsageError, EnvironmentProblem) as exc:
        sys.stderr.write(f"catalogue: error: {exc}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("catalogue: interrupted\n")
        return 130
    except Exception as exc:
        report_internal_error(exc, argv, debug_wanted(args.debug), sys.stderr)
        return EXIT_INTERNAL


def main_exit() -> None:
    """Console-script entry point."""
    sys.exit(main())
