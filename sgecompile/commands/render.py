"""``sgecompile render PROFILE``: print the worker job script, or refuse while errors remain."""

from __future__ import annotations

import argparse
import sys

from ..compiler import SCHEDULER_PLACEHOLDER
from ..files import write_atomic
from ..rendering import render
from .compiled import compiled_or_refuse


def run(args: argparse.Namespace) -> int:
    plan = compiled_or_refuse(args.profile, args.variant, "rendering")
    if plan is None:
        return 1
    script = render(plan, scheduler=(args.scheduler or SCHEDULER_PLACEHOLDER,), templates=args.templates)
    if args.output:
        write_atomic(args.output, script, 0o755)
    else:
        sys.stdout.write(script)
    return 0
