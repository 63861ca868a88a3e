"""``catalogue build``: validate, render into a staging folder, publish in one step."""

from __future__ import annotations

import argparse
import sys
from typing import Any, TextIO

from pydantic import TypeAdapter, ValidationError

from site_builder.build import pdf
from site_builder.build.pipeline import BuildOptions, build_site
from site_builder.build.progress import progress_for
from site_builder.build.safe_paths import check_out, shown
from site_builder.cli.common import EXIT_CONTENT, EXIT_OK, UsageError, add_strict, catalogue_root
from site_builder.model.project import SiteUrl
from site_builder.runtime import fast_exit

OUT_HELP = "output folder (default: ROOT/_site): a new or empty folder, or one an earlier build made"
OUT_RULES = ("The build replaces --out as a whole, so it refuses any folder it did not make itself (marked by "
             "its .catalogue-build file): the catalogue folder or a folder above it, content/, schema/, templates/, "
             "anything git tracks, a symlink, a file, an empty value, or a non-empty folder without the marker.")


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    build = commands.add_parser("build", parents=[common], help="validate, then build the site",
                                description="Validate everything, then render the site into a temporary folder "
                                            "and swap it into place. A failed build leaves the old site untouched.",
                                epilog=OUT_RULES)
    build.add_argument("--out", default=None, metavar="DIR", help=OUT_HELP)
    build.add_argument("--base-url", default=None, metavar="URL", help="override base_url from site.yaml")
    build.add_argument("--jobs", type=int, default=0, metavar="N", help="worker processes for parsing and rendering (default: all cores)")
    build.add_argument("--no-cache", action="store_true", help="neither use nor update the build cache in ROOT/.cache")
    build.add_argument("--quiet", action="store_true", help="print nothing but errors (no progress, no warnings, no summary)")
    build.add_argument("--pdf", action="store_true",
                       help="also render the printable documents (document/) to PDF; needs the 'pdf' extra (WeasyPrint)")
    add_strict(build)


def check_base_url(value: str) -> None:
    """Refuse a ``--base-url`` that ``site.yaml`` could not hold, as a usage error (not blamed on site.yaml)."""
    try:
        TypeAdapter(SiteUrl).validate_python(value)
    except ValidationError as exc:
        error = exc.errors()[0]
        hint = (error.get("ctx") or {}).get("hint", "")
        raise UsageError(f"--base-url: {error['msg']}" + (f"; {hint}" if hint else "")) from exc


def check_pdf() -> None:
    """Before building anything: WeasyPrint, its libraries and the fonts are there, or a usage error."""
    try:
        pdf.load_weasyprint()
        pdf.font_files()
    except pdf.PdfUnavailable as exc:
        raise UsageError(str(exc)) from exc


def run(args: argparse.Namespace, out: TextIO) -> int:
    root = catalogue_root(args.root)
    if args.jobs < 0:
        raise UsageError("--jobs must be 0 (all cores) or more")
    if args.base_url is not None:
        check_base_url(args.base_url)
    if args.pdf:
        check_pdf()
    options = BuildOptions(out=check_out(args.out, root), base_url=args.base_url, jobs=args.jobs,
                           use_cache=not args.no_cache, strict=args.strict, pdf=args.pdf,
                           progress=progress_for(sys.stderr, args.quiet))
    fast_exit.collector_off()  # the console script ends after the build: no collector pass over what it made
    result = build_site(root, options)
    fast_exit.keep_until_exit(result)  # nor freeing it
    if not result.ok:
        if args.quiet:
            out.writelines(d.text() + "\n" for d in result.report.sorted(args.strict) if d.severity == "error")
        else:
            out.write(result.report.render("text", args.strict))
        out.write("build failed: the previous site was left as it was\n")
        return EXIT_CONTENT
    if args.quiet:
        return EXIT_OK
    if result.report.diagnostics:
        out.write(result.report.render("text", args.strict))
    count = result.projects
    if result.up_to_date:
        out.write(f"nothing changed since the last build: {shown(options.out)} is up to date "
                  f"({result.pages} pages for {count} project{'' if count == 1 else 's'})\n")
        return EXIT_OK
    out.write(f"built {result.pages} pages for {count} project{'' if count == 1 else 's'} into {shown(options.out)}\n")
    return EXIT_OK
