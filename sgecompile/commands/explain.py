"""``sgecompile explain PROFILE``: what the profile asks for, and where each value came from.

As a table, as JSON (``--format json``), or drawn (``--diagram``).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TextIO

from ..explain import as_json, explain, table
from . import UsageError
from ._profile import result_or_refuse


def run(args: argparse.Namespace) -> int:
    if args.ascii and not args.diagram:
        raise UsageError("--ascii is for --diagram")
    result = result_or_refuse(args.profile, args.variant, "explaining")
    if result is None or result.plan is None:
        return 1
    rows = explain(result.plan, args.jobs)
    if args.diagram:
        from ..diagram import draw, notes

        found = notes(result.diagnostics, result.loaded)
        sys.stdout.write("\n".join(draw(rows, found, unicode=not args.ascii and unicode_lines(sys.stdout))) + "\n")
    elif args.format == "json":
        sys.stdout.write(json.dumps(as_json(rows), indent=2) + "\n")
    else:
        sys.stdout.write(table(rows))
    return 0


def unicode_lines(stream: TextIO) -> bool:
    """Whether box lines can be drawn in Unicode: a terminal whose encoding holds them (a log file gets ASCII)."""
    from ..diagram import UNICODE_TEXT

    try:
        UNICODE_TEXT.encode(stream.encoding or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return stream.isatty()
