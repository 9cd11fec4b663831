"""``sgecompile explain PROFILE``: what the profile asks for, and where each value came from.

As a table, as JSON (``--format json``), or drawn (``--diagram``).
"""

from __future__ import annotations

import argparse
import codecs
import json
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TextIO

from ..explain import as_json, counted, explain, requests, table
from . import UsageError
from ._profile import result_or_refuse


def run(args: argparse.Namespace) -> int:
    if args.ascii and not args.diagram:
        raise UsageError("--ascii is for --diagram")
    result = result_or_refuse(args.profile, args.variant, "explaining", reported=args.diagram)
    if result is None or result.plan is None:
        return 1
    rows = explain(result.plan, args.jobs)
    if args.diagram:
        from ..diagram import draw, notes

        found = notes(result.diagnostics, result.loaded)
        unicode = not args.ascii and unicode_lines(sys.stdout, start_environment())
        sys.stdout.write("\n".join(draw(rows, requests(result.plan), counted(result.plan), found, unicode)) + "\n")
    elif args.format == "json":
        sys.stdout.write(json.dumps(as_json(rows), indent=2) + "\n")
    else:
        sys.stdout.write(table(rows))
    return 0


def unicode_lines(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Whether box lines can be drawn in Unicode: a terminal whose locale and stream both hold them.

    A log file gets ASCII, and so does a terminal in the C or POSIX locale,
    although Python's UTF-8 mode writes UTF-8 to it.
    """
    from ..diagram import UNICODE_TEXT

    return stream.isatty() and all(_holds(UNICODE_TEXT, e) for e in (stream.encoding, locale_codeset(environ)))


def _holds(text: str, encoding: str | None) -> bool:
    try:
        text.encode(codecs.lookup(encoding or "ascii").name)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def locale_codeset(environ: Mapping[str, str]) -> str:
    """The character set of the locale a terminal's programs use: ``LC_ALL``, else ``LC_CTYPE``, else ``LANG``.

    ``C``, ``POSIX`` and a locale that names no character set are ASCII, as the C library reads them.
    """
    name = next((environ[v] for v in ("LC_ALL", "LC_CTYPE", "LANG") if environ.get(v)), "C")
    return name.partition(".")[2].partition("@")[0] or "ascii"


def start_environment() -> Mapping[str, str]:
    """The environment the terminal started this process with.

    Python rewrites ``LC_CTYPE`` to ``C.UTF-8`` in ``os.environ`` when it starts
    in the C locale (PEP 538), which would hide that locale; Linux keeps the
    original in ``/proc/self/environ``.
    """
    try:
        raw = Path("/proc/self/environ").read_bytes()
    except OSError:
        return os.environ
    pairs = (entry.partition(b"=") for entry in raw.split(b"\0") if b"=" in entry)
    return {os.fsdecode(name): os.fsdecode(value) for name, _, value in pairs}
