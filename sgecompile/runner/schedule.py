"""Feeding the commands to a dask cluster a window at a time, as capacity frees, short ones several to a task.

A graph of 100,000 tasks would cost the client (which also hosts the
scheduler) memory for every task at once; here at most ``window`` tasks are
submitted, and more go as they finish, the commands taken from an iterator as
they are needed. dask spends a few milliseconds on each task; so once the
commands are seen to be short, a task carries as many as run in about
``TASK_SECONDS`` (``Pace``). A task whose worker is lost is re-run by dask
elsewhere and comes back once; ``retries`` counts only commands that ended
with a non-zero exit status.
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sized
from contextlib import contextmanager
from typing import Any, Protocol

import attrs

from .execute import execute_some
from .state import Command, Outcome, State

POLL = 0.02  # seconds between looks at finished tasks when none is ready
TASK_SECONDS = 0.25  # a task of short commands runs about this long: dask's hand-over stays a small part of it
MOST_PER_TASK = 64  # and carries at most this many (a crash of its worker re-runs them all)
BUDGET = 2 * TASK_SECONDS  # a task stops starting commands after this long and hands the rest back
RECENT_MESSAGES = 10  # dask's default keeps 1000 per connection, each with the commands it carried


class Listed(Sized, Iterable[Command], Protocol):
    """The commands to run: how many, and each once (a list, or a ``todo.Todo`` read as it goes)."""


@attrs.define
class Tally:
    """How far the run is: what the progress display shows and the summary counts."""

    total: int
    done: int = 0
    failed: int = 0
    in_flight: int = 0  # tasks, each running one command at a time
    failures: list[Outcome] = attrs.Factory(list)  # only these: 100,000 successes need no memory

    @property
    def finished(self) -> int:
        return self.done + self.failed


@attrs.define
class Pace:
    """How many commands to put in one task: enough for ``TASK_SECONDS``, by their recent average time."""

    seconds: float | None = None  # moving average of a command's time; None until the first comes back

    def measured(self, times: list[float]) -> None:
        recent = sum(times) / len(times)
        self.seconds = recent if self.seconds is None else 0.7 * self.seconds + 0.3 * recent

    def size(self, unsent: int, window: int) -> int:
        """One until a time is known; never so many that the last tasks leave threads idle (unsent / window)."""
        if self.seconds is None:
            return 1
        wanted = round(TASK_SECONDS / max(self.seconds, TASK_SECONDS / MOST_PER_TASK))
        return max(1, min(wanted, unsent // window))


Attempt = tuple[Command, int]  # a command and which attempt at it this is (1 for the first)


@contextmanager
def forgetful() -> Iterator[None]:
    """dask's logs of recent messages (for debugging dask) kept short while a cluster starts and runs.

    The scheduler keeps the last messages it sent each worker, and the client
    those it sent the scheduler: 1000 of each by default, each holding the
    commands of a task, which made the client grow with the list.
    """
    import dask

    with dask.config.set({"distributed.admin.low-level-log-length": RECENT_MESSAGES}):
        yield


def by_value() -> None:
    """Ship ``execute`` to the workers as code, so that their Python need not have sgecompile installed."""
    import cloudpickle

    from . import execute as module

    cloudpickle.register_pickle_by_value(module)


@attrs.define
class _Queue:
    """The commands not yet submitted: those handed back or to retry first, then the list's, taken as needed."""

    fresh: Iterator[Command]
    again: deque[Attempt] = attrs.Factory(deque)
    alone: deque[Attempt] = attrs.Factory(deque)  # of a task dask gave up on: each in a task of its own now

    def take(self, size: int) -> list[Attempt]:
        if self.alone:
            return [self.alone.popleft()]
        batch = [self.again.popleft() for _ in range(min(size, len(self.again)))]
        batch += ((command, 1) for command in itertools.islice(self.fresh, size - len(batch)))
        return batch


def run_all(
    client: Any,
    commands: Listed,
    state: State | None,
    *,
    window: int,
    retries: int = 0,
    resources: dict[str, int] | None = None,
    shown: Callable[[Tally], None] = lambda tally: None,
) -> Tally:
    """Run every command on the client's cluster, at most ``window`` tasks at a time; record each outcome as it comes.

    ``resources`` (the profile's ``task_cores`` and ``task_memory``) go with
    each task, so that dask starts one only where the worker's ``--resources``
    still hold it. ``shown`` is called with the tally after each look.
    """
    from distributed import as_completed

    from ..live.untyped import untyped

    by_value()
    tally, pace, queue = Tally(len(commands)), Pace(), _Queue(iter(commands))
    flying: dict[Any, list[Attempt]] = {}
    sent, serial = 0, itertools.count()
    finished = untyped(as_completed)(with_results=True, raise_errors=False)
    while True:
        while len(flying) < window and (batch := queue.take(pace.size(tally.total - tally.finished - sent, window))):
            future = _submit(client, batch, state, resources, next(serial))
            flying[future] = batch
            sent += len(batch)
            untyped(finished.add)(future)
        if not flying:
            return tally
        tally.in_flight = len(flying)
        ready = untyped(finished.next_batch)(block=False) if untyped(finished.has_ready)() else []
        for future, result in ready:
            batch = flying.pop(future)
            sent -= len(batch)
            for outcome in _outcomes(result, batch, queue, pace):
                _settle(outcome, tally, queue, state, retries)
        tally.in_flight = len(flying)
        shown(tally)
        if not ready:
            time.sleep(POLL)


def _submit(
    client: Any, batch: list[Attempt], state: State | None, resources: dict[str, int] | None, serial: int
) -> Any:
    """One task that runs the batch's commands in turn, named after its first (dask wants each key once)."""
    return client.submit(
        execute_some,
        [(list(command.argv), command.cwd, state.logs(command) if state else None) for command, _ in batch],
        BUDGET,
        key=f"sgecompile-run-{serial}-{batch[0][0].id}",
        resources=resources or None,
    )


def _settle(outcome: Outcome, tally: Tally, queue: _Queue, state: State | None, retries: int) -> None:
    """Count and record an outcome, or queue its command first to run again while it has retries left."""
    if not outcome.succeeded and outcome.exit is not None and outcome.attempts <= retries:
        queue.again.appendleft((outcome.command, outcome.attempts + 1))
        return
    if outcome.succeeded:
        tally.done += 1
    else:
        tally.failed += 1
        tally.failures.append(outcome)
    if state:
        state.record(outcome)


def _outcomes(result: Any, batch: list[Attempt], queue: _Queue, pace: Pace) -> list[Outcome]:
    """What a finished task says of its commands; those it did not start go back to the queue.

    The result as dask delivered it decides: the outcomes' list, or for a task
    dask gave up on (KilledWorker...) an error's (type, value, traceback). The
    future's status, read after, may already say otherwise: a worker that died
    holding the result makes it "lost", and the commands that succeeded were
    counted as failed. A task of one command that dask gave up on is that
    command's outcome; the commands of a larger one are each sent again alone,
    so that one command that kills its worker fails by itself.
    """
    if not isinstance(result, list):
        if len(batch) > 1:
            queue.alone.extend(batch)
            return []
        error = result[1] if isinstance(result, tuple) else result
        return [Outcome(batch[0][0], None, batch[0][1], error=f"{type(error).__name__}: {error}")]
    queue.again.extendleft(reversed(batch[len(result) :]))
    pace.measured([seconds for _, seconds, _ in result])
    ran = zip(batch[: len(result)], result, strict=True)
    return [Outcome(command, code, attempt, seconds, host) for (command, attempt), (code, seconds, host) in ran]
