"""``catalogue serve``: build, serve on this machine, rebuild on change, keep the last good build."""

from __future__ import annotations

import argparse
from typing import Any, TextIO

from site_builder.build.pipeline import BuildOptions
from site_builder.build.safe_paths import check_out
from site_builder.cli.build import OUT_HELP
from site_builder.cli.common import UsageError, add_strict, catalogue_root


def add_parser(commands: Any, common: argparse.ArgumentParser) -> None:
    parser = commands.add_parser("serve", parents=[common], help="build, serve on this machine and rebuild on changes",
                                 description="Build the site, serve it at http://HOST:PORT/ and rebuild when content, "
                                             "templates or assets change. A saved project file's page is shown at once (from the "
                                             "site kept in memory), or its errors in the browser's overlay; the rebuild "
                                             "follows. A failed rebuild keeps the last good site.")
    parser.add_argument("--out", default=None, metavar="DIR", help=OUT_HELP)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    add_strict(parser)


def run(args: argparse.Namespace, out: TextIO) -> int:
    root = catalogue_root(args.root)
    if not 0 <= args.port <= 65535:
        raise UsageError("--port must be between 0 and 65535")
    options = BuildOptions(out=check_out(args.out, root), strict=args.strict)
    from site_builder.serve.loop import serve  # noqa: PLC0415  # watchfiles and the server: imported by this command only

    try:
        return serve(root, options, args.host, args.port, out)
    except OSError as exc:
        raise UsageError(f"cannot serve on {args.host}:{args.port}: {exc.strerror}") from exc
