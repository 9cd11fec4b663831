"""``sgecompile explain PROFILE``: what the profile asks for, and where each value came from."""

from __future__ import annotations

import argparse
import sys

from ..explain import explain, table
from ._profile import compiled_or_refuse


def run(args: argparse.Namespace) -> int:
    plan = compiled_or_refuse(args.profile, args.variant, "explaining")
    if plan is None:
        return 1
    sys.stdout.write(table(explain(plan)))
    return 0
