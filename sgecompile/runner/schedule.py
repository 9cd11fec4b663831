"""Feeding the commands to a dask cluster a window at a time, as capacity frees.

A graph of 100,000 tasks would cost the client (which also hosts the
scheduler) memory for every task at once; here at most ``window`` are
submitted, and one more goes each time one finishes. A task whose worker is
lost is re-run by dask elsewhere and comes back once; ``retries`` counts only
commands that ended with a non-zero exit status.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

import attrs

from .execute import execute
from .state import Command, Outcome, State

POLL = 0.02  # seconds between looks at finished tasks when none is ready


@attrs.define
class Tally:
    """How far the run is: what the progress display shows and the summary counts."""

    total: int
    done: int = 0
    failed: int = 0
    in_flight: int = 0
    failures: list[Outcome] = attrs.Factory(list)  # only these: 100,000 successes need no memory

    @property
    def finished(self) -> int:
        return self.done + self.failed


def by_value() -> None:
    """Ship ``execute`` to the workers as code, so that their Python need not have sgecompile installed."""
    import cloudpickle

    from . import execute as module

    cloudpickle.register_pickle_by_value(module)


def run_all(
    client: Any,
    commands: list[Command],
    state: State | None,
    *,
    window: int,
    retries: int = 0,
    resources: dict[str, int] | None = None,
    shown: Callable[[Tally], None] = lambda tally: None,
) -> Tally:
    """Run every command (each once: see ``state.unique``) on the client's cluster; record each outcome as it comes.

    ``resources`` (the profile's ``task_cores`` and ``task_memory``) go with
    each task, so that dask starts one only where the worker's ``--resources``
    still hold it. ``shown`` is called with the tally after each look.
    """
    from distributed import as_completed

    from ..live.untyped import untyped

    by_value()
    tally = Tally(len(commands))
    todo: deque[tuple[Command, int]] = deque((c, 1) for c in commands)
    flying: dict[Any, tuple[Command, int]] = {}
    finished = untyped(as_completed)()
    while todo or flying:
        while todo and len(flying) < window:
            command, attempt = todo.popleft()
            logs = state.logs(command) if state else None
            future = client.submit(
                execute,
                list(command.argv),
                command.cwd,
                logs,
                key=f"sgecompile-run-{command.id}-{attempt}",
                resources=resources or None,
            )
            flying[future] = (command, attempt)
            untyped(finished.add)(future)
        tally.in_flight = len(flying)
        batch = untyped(finished.next_batch)(block=False) if untyped(finished.has_ready)() else []
        for future in batch:
            command, attempt = flying.pop(future)
            outcome = _outcome(future, command, attempt)
            if not outcome.succeeded and outcome.exit is not None and attempt <= retries:
                todo.appendleft((command, attempt + 1))
                continue
            _count(tally, outcome)
            if state:
                state.record(outcome)
        tally.in_flight = len(flying)
        shown(tally)
        if not batch:
            time.sleep(POLL)
    return tally


def _outcome(future: Any, command: Command, attempt: int) -> Outcome:
    """What a finished task says: the command's exit status, or why dask gave up on it (KilledWorker...)."""
    if future.status != "finished":
        error = future.exception()
        return Outcome(command, None, attempt, error=f"{type(error).__name__}: {error}")
    code, seconds, host = future.result()
    return Outcome(command, code, attempt, seconds, host)


def _count(tally: Tally, outcome: Outcome) -> None:
    if outcome.succeeded:
        tally.done += 1
    else:
        tally.failed += 1
        tally.failures.append(outcome)
