"""``sgecompile render PROFILE``: print the worker job script, or refuse while errors remain."""

from __future__ import annotations

import argparse
import os
import sys

from ..compiler import SCHEDULER_PLACEHOLDER
from ..files import write_atomic
from ..rendering import TemplateError, render
from . import UsageError
from .compiled import compiled_or_refuse


def run(args: argparse.Namespace) -> int:
    _check_templates_folder(args.templates)
    plan = compiled_or_refuse(args.profile, args.variant, "rendering")
    if plan is None:
        return 1
    try:
        script = render(plan, scheduler=(args.scheduler or SCHEDULER_PLACEHOLDER,), templates=args.templates)
    except TemplateError as error:  # the user's own template: theirs to fix, not a bug to report
        raise UsageError(str(error)) from None
    if args.output:
        write_atomic(args.output, script, 0o755)
    else:
        sys.stdout.write(script)
    return 0


def _check_templates_folder(folder: str | None) -> None:
    """A mistyped ``--templates`` would otherwise be skipped, rendering the shipped templates without a word."""
    if folder and not os.path.isdir(folder):
        problem = "is not a folder" if os.path.exists(folder) else "does not exist"
        raise UsageError(f"--templates {folder} {problem}")
