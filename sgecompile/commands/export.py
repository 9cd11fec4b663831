"""``sgecompile export PROFILE --format jobqueue-yaml|kwargs``: for tools that only know dask-jobqueue."""

from __future__ import annotations

import argparse
import sys

from ..convert.exporting import ExportProblem, python_text, to_keywords, yaml_text
from . import UsageError
from ._profile import compiled_or_refuse


def run(args: argparse.Namespace) -> int:
    plan = compiled_or_refuse(args.profile, args.variant, "exporting")
    if plan is None:
        return 1
    try:
        kwargs = to_keywords(plan)
        text = yaml_text(kwargs) if args.format == "jobqueue-yaml" else python_text(kwargs)
    except ExportProblem as problem:
        raise UsageError(f"{args.profile}: {problem}; not exporting") from None
    sys.stdout.write(text)
    return 0
