"""``sgecompile emit PROFILE --out DIR``: standalone job scripts, a dask cluster or a task array."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..emit import TaskListError, cluster_files, not_ours, read_commands, task_files, write
from ..tasks import forget
from . import UsageError
from .compiled import compiled_or_refuse


def run(args: argparse.Namespace) -> int:
    plan = compiled_or_refuse(args.profile, args.variant, "emitting")
    if plan is None:
        return 1
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; name a folder to write the scripts into")
    if "\n" in args.out or "\r" in args.out:  # the folder is written into the scripts, where it would start a line
        raise UsageError(f"--out {args.out!r} has a line break; name a folder without one")
    if args.tasks:
        try:
            commands = read_commands(Path(args.tasks))
        except TaskListError as error:
            raise UsageError(str(error)) from None
        files = task_files(plan, out, commands, args.concurrent)
    else:
        files = cluster_files(plan, out, args.jobs or plan.profile.worker.jobs)
    if foreign := not_ours(out, files):
        raise UsageError(
            f"--out {out} already holds {', '.join(foreign)}, which emit did not write;"
            " name another folder, or move them away"
        )
    if args.tasks:
        forget(out)  # else `tasks` would count the old list's statuses for the new one
    write(out, files)
    print(f"wrote {', '.join(f.name for f in files)} in {out}; submit with {out / 'submit.sh'}")
    return 0
