"""The ``catalogue`` command: one small module per command over library functions; this maps outcomes to exit codes.

Exit codes: 0 ok, 1 content errors, 2 usage errors (including an --out the build must not replace, a site that
cannot be written, or a bad SOURCE_DATE_EPOCH), 3 a bug in the tool, 130 or 143 when stopped by Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from site_builder import __version__
from site_builder.build.safe_paths import UnsafeOutput
from site_builder.build.staging import OutputError
from site_builder.catalogue.environment import EnvironmentProblem
from site_builder.cli import build, check, fmt, from_issue, new, review, schema, serve, spreadsheet
from site_builder.cli.common import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError
from site_builder.cli.crash import debug_wanted, report_internal_error
from site_builder.runtime import fast_exit
from site_builder.runtime.stopping import Stopped, stop_on_signals

# command name -> module with add_parser(commands, common) and run(args, out) -> exit code; in --help order
COMMANDS = {"check": check, "build": build, "serve": serve, "schema": schema,
            "new": new, "from-issue": from_issue, "import": spreadsheet, "fmt": fmt, "review": review}
Command = Callable[[argparse.Namespace, TextIO], int]


def parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--root", type=Path, default=Path(), metavar="DIR",
                        help="the catalogue folder (default: the current directory)")
    debug_help = "on an internal error (exit 3), also print the traceback; CATALOGUE_DEBUG=1 does the same"
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=debug_help)  # after the command too
    top = argparse.ArgumentParser(
        prog="catalogue",
        description="Check and build the Emergency Services Collaboration Catalogue, and turn questionnaires, "
                    "spreadsheets and terminal answers into project files.",
        epilog="Exit codes: 0 ok, 1 content errors (or warnings with --strict), 2 usage errors (a bad option, an --out "
               "the build refuses, a site that cannot be written, or a bad SOURCE_DATE_EPOCH), 3 a bug in the tool: "
               "please report it with the command and what it prints with --debug; 130 or 143 when stopped by Ctrl-C or SIGTERM.",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    top.add_argument("--debug", action="store_true", help=debug_help)
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in COMMANDS.values():
        module.add_parser(commands, common)
    return top


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Run the command line. Returns the exit code; never raises for bad input."""
    out = out or sys.stdout
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:  # argparse has printed the usage message
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    run: Command = COMMANDS[args.command].run
    try:
        with stop_on_signals():
            return run(args, out)  # the old site is deleted by a detached process: the command never waits for it
    except (UsageError, EnvironmentProblem, UnsafeOutput, OutputError) as exc:
        sys.stderr.write(f"catalogue: error: {exc}\n")
        return EXIT_USAGE
    except Stopped as exc:
        site = ""
        if args.command == "build":
            site = "; the new site had already been published" if exc.published else "; the previous site was left as it was"
        sys.stderr.write(f"catalogue: stopped by {exc.name}{site}\n")
        return exc.exit_code
    except KeyboardInterrupt:  # Ctrl-C outside the main thread's handler
        sys.stderr.write("catalogue: interrupted\n")
        return 130
    except Exception as exc:
        report_internal_error(exc, argv, debug_wanted(args.debug), sys.stderr)
        return EXIT_INTERNAL


def main_exit() -> None:
    """Console-script entry point (and ``python -m site_builder``): ends the process as soon as the command is done."""
    fast_exit.enable()
    fast_exit.exit_now(main())
