"""``catalogue review``: a Markdown report of the entries not reviewed for 18 months, by lead organisation."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any, TextIO

from site_builder.catalogue.load import load_catalogue
from site_builder.catalogue.review import review_report
from site_builder.catalogue.rules import STALE_AFTER_MONTHS
from site_builder.cli.common import EXIT_CONTENT, EXIT_OK, UsageError, catalogue_root


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("review", parents=[common], help="list the entries due for review, by lead organisation",
                                 description="Print a Markdown report of the projects whose last_reviewed is older than "
                                             "--months, grouped by lead organisation (the monthly review issue).")
    parser.add_argument("--months", type=int, default=STALE_AFTER_MONTHS, metavar="N",
                        help=f"entries not reviewed for N months or more (default: {STALE_AFTER_MONTHS})")
    parser.add_argument("--today", default=None, metavar="YYYY-MM-DD", help="judge ages as of this day (default: today)")


def run(args: argparse.Namespace, out: TextIO) -> int:
    root = catalogue_root(args.root)
    if args.months < 1:
        raise UsageError("--months must be 1 or more")
    try:
        today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    except ValueError as exc:
        raise UsageError(f"--today: expected a date as YYYY-MM-DD, found {args.today!r}") from exc
    catalogue, report = load_catalogue(root, today=today)
    if report.errors:
        out.write(report.render("text"))
        return EXIT_CONTENT
    out.write(review_report(catalogue, today, args.months))
    return EXIT_OK
