"""``sgecompile tasks DIR [--resubmit]``: which tasks of an emitted array failed, and running only those again."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..sgecommands import SGEError
from ..tasks import TaskFolderError, report, resubmit, runs, submitted
from ._arrays import array_limit


def _ranges(tasks: list[int]) -> str:
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs(tasks))


def run(args: argparse.Namespace) -> int:
    folder = Path(args.folder)
    try:
        found = report(folder)
        print(f"{found.total} tasks: {found.total - len(found.to_rerun)} succeeded", end="")
        print(f", {len(found.failed)} failed, {len(found.unfinished)} unfinished")
        for task, status in sorted(found.failed.items()):
            print(f"  task {task}: exit {status}")
        if found.unfinished:
            print(f"  unfinished: {_ranges(list(found.unfinished))}")
            if not submitted(folder):
                print(f"  nothing was submitted yet: run {folder / 'submit.sh'}")
        if args.resubmit and found.to_rerun:
            jobs = resubmit(folder, found.to_rerun, array_limit(len(found.to_rerun)))
            print(f"resubmitted tasks {_ranges(found.to_rerun)} as job{'s' if len(jobs) > 1 else ''} {', '.join(jobs)}")
    except (TaskFolderError, SGEError) as error:
        print(f"sgecompile: {error}", file=sys.stderr)
        return 2 if isinstance(error, TaskFolderError) else 1
    return 1 if found.to_rerun and not args.resubmit else 0
