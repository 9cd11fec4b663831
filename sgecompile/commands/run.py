"""``sgecompile run PROFILE COMMANDS``: each command on the profile's dask workers, then the jobs removed."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..emit import TaskListError
from . import UsageError
from ._profile import compiled_or_refuse
from .up import adapt_range

if TYPE_CHECKING:
    from ..plan import Plan
    from ..runner.schedule import Tally
    from ..runner.state import State
    from ..runner.todo import Todo

SHOWN_FAILURES = 20  # on the terminal; summary.txt lists them all
WINDOW_PER_THREAD = 4  # tasks submitted ahead for each thread the cluster can have: enough to keep it busy
DASHBOARD = {"dashboard_address": ":0"}  # any free port: two runs at once must not fight over 8787


def run(args: argparse.Namespace) -> int:
    from .. import live, sgecommands  # dask, only for the commands that start a cluster
    from ..runner import progress  # noqa: F401  # rich, before any job starts
    from ..runner.schedule import forgetful
    from ..runner.state import State

    adapt = adapt_range(args.adapt) if args.adapt else None
    plan = compiled_or_refuse(args.profile, args.variant, "running")
    if plan is None:
        return 1
    todo = _todo(args.commands)
    state = State(args.out) if args.out else None
    if state:
        todo.skip(state.succeeded)
    if not todo:
        print(f"sgecompile run: all {todo.total} commands succeeded in an earlier run (see {args.out})")
        return 0
    try:
        with (
            forgetful(),
            live.launch(
                args.profile,
                args.variant,
                jobs=args.jobs,
                adapt=adapt,
                timeout=args.timeout,
                scheduler_options=DASHBOARD,
            ) as client,
        ):
            tally = _run_on(client, plan, todo, state, args, adapt)
    except KeyboardInterrupt:
        print("sgecompile run: interrupted; every job was removed", file=sys.stderr)
        if state:
            print(f"sgecompile run: run it again with --out {args.out} to run what did not succeed", file=sys.stderr)
        return 130
    except (live.ProfileError, live.LaunchTimeout, sgecommands.SGEError) as error:
        sys.stderr.write(f"sgecompile: {error}\n")
        return 1
    except TaskListError as error:  # the list, read again as it runs, was broken since
        raise UsageError(str(error)) from None
    finally:
        if state:
            state.close()
    _report(todo.total, todo.earlier, tally, state)
    return 1 if tally.failures else 0


def _todo(path: str) -> Todo:
    """The commands of the list, each line once, to run in the working directory (a usage error if unreadable).

    The list is read twice (to count it, then as it runs), so a pipe or
    ``<(...)``, which gives its lines once, is refused before any job starts.
    """
    from ..runner.todo import Todo

    if os.path.exists(path) and not os.path.isfile(path) and not os.path.isdir(path):
        raise UsageError(
            f"{path} is not a file (a pipe?): run reads the list twice, to count it and as it runs;"
            " save it to a file first"
        )
    try:
        return Todo(Path(path), os.getcwd())
    except TaskListError as error:
        raise UsageError(str(error)) from None


def _run_on(client: Any, plan: Plan, todo: Todo, state: State | None, args: argparse.Namespace, adapt: Any) -> Tally:
    """Every command of ``todo`` on the cluster, a window of them at a time, with the progress shown."""
    from ..runner.progress import Display
    from ..runner.schedule import run_all

    worker = plan.profile.worker
    most_jobs = adapt[1] if adapt else args.jobs or worker.jobs
    display = Display(lambda: _threads(client))
    try:
        tally = run_all(
            client,
            todo,
            state,
            window=max(WINDOW_PER_THREAD * worker.cores * most_jobs, 16),
            retries=args.retries,
            resources=worker.task_resources,
            shown=display,
        )
    finally:
        display.stop()
    display.close(tally)
    return tally


def _report(total: int, earlier: int, tally: Tally, state: State | None) -> None:
    """The summary on stdout (the first failures) and, under --out, in summary.txt (all of them)."""
    from ..runner.state import summary

    text = summary(total, earlier, tally.done, tally.failures, state)
    if state:
        state.write_summary(text)
    more = len(tally.failures) - SHOWN_FAILURES
    print("\n".join(text.splitlines()[: SHOWN_FAILURES + 1]))
    if more > 0:
        print(f"  ... and {more} more" + (f" in {state.folder / 'summary.txt'}" if state else ""))


def _threads(client: Any) -> int:
    """Threads of the workers connected now: how many commands can be running."""
    workers = client.scheduler_info(n_workers=-1)["workers"]
    return sum(int(w["nthreads"]) for w in workers.values())
