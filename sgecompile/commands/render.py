"""``sgecompile render PROFILE``: print the worker job script, or refuse while errors remain."""

from __future__ import annotations

import argparse
import sys

from ..files import one_of, write_atomic
from ..rendering import TemplateError, render
from . import UsageError
from ._profile import compiled_or_refuse


def run(args: argparse.Namespace) -> int:
    plan = compiled_or_refuse(args.profile, args.variant, "rendering")
    if plan is None:
        return 1
    read = one_of(args.output, (d.path for d in plan.profile.source.documents)) if args.output else None
    if read:
        raise UsageError(f"-o {args.output} is {read}, which the profile is read from; write the script elsewhere")
    try:
        script = render(plan, scheduler=(args.scheduler,) if args.scheduler else None, templates=args.templates)
    except TemplateError as error:  # the user's own templates: theirs to fix, not a bug to report
        raise UsageError(str(error)) from None
    if args.output:
        write_atomic(args.output, script, 0o755)
    else:
        sys.stdout.write(script)
    return 0
