"""``sgecompile explain PROFILE``: what the profile asks for, and where each value came from."""

from __future__ import annotations

import argparse
import sys

from ..diagnostics import Severity
from ..explain import explain, table
from ..pipeline import compile_file
from ..reporters import text


def run(args: argparse.Namespace) -> int:
    result = compile_file(args.profile, args.variant)
    sys.stderr.write(text.report([d for d in result.diagnostics if d.severity is not Severity.INFO]))
    if not result.ok or result.plan is None:
        sys.stderr.write(f"sgecompile: cannot explain {args.profile} while it has errors\n")
        return 1
    sys.stdout.write(table(explain(result.plan)))
    return 0
