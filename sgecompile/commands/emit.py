"""``sgecompile emit PROFILE --out DIR``: standalone job scripts, a dask cluster or a task array."""

from __future__ import annotations

import argparse
import os
import shlex
from pathlib import Path

from ..emit import (
    TaskListError,
    cluster_files,
    not_ours,
    read_commands,
    task_files,
    temporary_certificates,
    utf8,
    write,
    written_by_emit,
)
from ..tasks import forget
from . import UsageError
from ._arrays import array_limit
from ._profile import compiled_or_refuse


def run(args: argparse.Namespace) -> int:
    if args.concurrent and not args.tasks:
        raise UsageError("--concurrent limits how many tasks run at once: it goes with --tasks")
    if args.tasks and args.jobs:
        raise UsageError("--jobs is the number of worker jobs of a cluster; with --tasks, each command is one task")
    plan = compiled_or_refuse(args.profile, args.variant, "emitting")
    if plan is None:
        return 1
    out = _folder(args.out, args.profile)
    if args.tasks:
        try:
            commands = read_commands(Path(args.tasks))
        except TaskListError as error:
            raise UsageError(str(error)) from None
        concurrent = args.concurrent or plan.profile.worker.max_jobs_at_once
        files = task_files(plan, out, commands, concurrent, array_limit(len(commands)))
    elif temporary_certificates(plan):
        raise UsageError(
            f"{args.profile}: emit cannot make temporary TLS certificates (they live only as long as launch or up);"
            " give worker.tls_ca_file, tls_cert and tls_key"
        )
    else:
        files = cluster_files(plan, out, args.jobs or plan.profile.worker.jobs)
    if foreign := not_ours(out, files):
        raise UsageError(
            f"--out {out} already holds {', '.join(foreign)}, which emit did not write;"
            " name another folder, or move them away"
        )
    if args.tasks and "tasks.sh" in written_by_emit(out):
        forget(out)  # the statuses of emit's earlier list, which `tasks` would count for the new one
    write(out, files)
    submit = os.path.join(args.out, "submit.sh")  # as given: `./submit.sh` stays a command the shell runs
    print(f"wrote {', '.join(f.name for f in files)} in {out}; submit with {shlex.quote(submit)}")
    return 0


def _folder(given: str, profile: str) -> Path:
    """The --out folder, when the scripts can name it (they hold its path, and the profile's) and it is no file."""
    out = Path(given)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {out} is a file; name a folder to write the scripts into")
    if "\n" in given or "\r" in given:  # in a script, it would start a line
        raise UsageError(f"--out {given!r} has a line break; name a folder without one")
    for what, name in (("--out", str(out.resolve())), ("the profile", profile)):
        if not utf8(name):
            raise UsageError(f"{what} {ascii(name)} is not UTF-8 text, and the scripts must name it: rename it")
    return out
