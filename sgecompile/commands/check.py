"""``sgecompile check PROFILE...``: the linter, for people and for CI."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ..checking import NoProfiles, check_paths, expand
from ..diagnostics import Severity, has_errors
from ..forked import workers_for
from ..reporters import reporter, text
from . import UsageError

if TYPE_CHECKING:
    from ..clusterfacts import Facts  # the live cluster: only with --live


def _facts() -> Facts:
    from ..clusterfacts import read
    from ..sgecommands import SGEError

    try:
        return read()
    except SGEError as error:
        raise UsageError(f"--live cannot ask the cluster: {error}") from None


def run(args: argparse.Namespace) -> int:
    try:
        paths = expand(args.profiles)
    except NoProfiles as error:
        raise UsageError(str(error)) from None
    facts = _facts() if args.live else None
    diagnostics = check_paths(paths, args.variant, args.all_variants, facts, workers_for(len(paths)))
    sys.stdout.write(reporter(args.format)(diagnostics))
    if args.format == "text":
        sys.stdout.write(text.summary(diagnostics, len(paths)) + "\n")
    failing = has_errors(diagnostics) or (args.strict and any(d.severity is Severity.WARNING for d in diagnostics))
    return 1 if failing else 0
