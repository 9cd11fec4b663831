"""``sgecompile render PROFILE``: print the worker job script, or refuse while errors remain."""

from __future__ import annotations

import argparse
import sys

from ..compiler import SCHEDULER_PLACEHOLDER
from ..diagnostics import Severity
from ..files import write_atomic
from ..pipeline import compile_file
from ..render import render
from ..reporters import text


def run(args: argparse.Namespace) -> int:
    result = compile_file(args.profile, args.variant)
    shown = [d for d in result.diagnostics if d.severity is not Severity.INFO]
    sys.stderr.write(text.report(shown))
    if not result.ok or result.plan is None:
        errors = sum(1 for d in shown if d.severity is Severity.ERROR)
        sys.stderr.write(
            f"sgecompile: not rendering {args.profile}: {errors} error{'s' if errors != 1 else ''} (run `sgecompile check {args.profile}` for details)\n"
        )
        return 1
    script = render(result.plan, scheduler=(args.scheduler or SCHEDULER_PLACEHOLDER,), templates=args.templates)
    if args.output:
        write_atomic(args.output, script, 0o755)
    else:
        sys.stdout.write(script)
    return 0
