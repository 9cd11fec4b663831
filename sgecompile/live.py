"""Live clusters: a dask-jobqueue ``SGECluster`` whose jobs submit exactly the compiled script.

The only module that imports dask, distributed and dask-jobqueue, and only
when a cluster is asked for. Each job's script is ``render(plan)`` with the
real scheduler address and worker name filled in, so what runs is what
``sgecompile render`` printed. Every job submitted is remembered, and
:func:`launch` removes all of them on a normal exit, on an exception, on
Ctrl-C and on SIGTERM.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shlex
import signal
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import sgecommands
from .diagnostics import Severity
from .pipeline import compile_file
from .plan import Plan
from .rendering import job_script, render
from .reporters import text

if TYPE_CHECKING:
    from dask_jobqueue.sge import SGECluster
    from distributed import Client


class ProfileError(Exception):
    """The profile has errors, so nothing was submitted; the message lists them as ``check`` does."""


class LaunchTimeout(TimeoutError):
    """Workers did not connect in time, or cannot any more; the message says what qstat shows for the jobs."""


class Refused(sgecommands.SGEError):
    """qsub refused a job of a cluster: :func:`launch` raises it while waiting, the submitter logs it otherwise."""


def _not_refused(record: logging.LogRecord) -> bool:
    """Drop dask's report of a `Refused`: 25 lines of its event loop's traceback around one line we already give."""
    return not (record.exc_info and isinstance(record.exc_info[1], Refused))


log = logging.getLogger(__name__)
QSUB_TIMEOUT = 60  # seconds a qsub under way may take before the cluster's jobs are removed without it
CLOSE_AFTER_ERROR = 5  # seconds: after an error, dask may wait for ever for a scheduler that cannot answer


def compile_or_raise(profile: str | os.PathLike[str], variant: str | None = None) -> Plan:
    result = compile_file(profile, variant)
    if not result.ok or result.plan is None:
        errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
        raise ProfileError(f"{os.fspath(profile)} has errors; nothing was submitted\n{text.report(errors)}")
    return result.plan


@contextmanager
def _sigint_kept() -> Iterator[None]:
    """Put back the SIGINT handler the block replaces, so Ctrl-C stays a KeyboardInterrupt for our callers."""
    previous = signal.getsignal(signal.SIGINT)
    try:
        yield
    finally:
        replaced = previous is not None and signal.getsignal(signal.SIGINT) is not previous
        if replaced and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, previous)


@cache
def _classes() -> tuple[type, type]:
    """The job and cluster classes, built on first use so that importing sgecompile stays light."""
    with _sigint_kept():  # importing dask_jobqueue makes Ctrl-C call sys.exit() for the rest of the process
        from dask_jobqueue.sge import SGECluster, SGEJob
    logging.getLogger("tornado.application").addFilter(_not_refused)  # where dask logs a failed scale()
    from distributed.core import Status
    from distributed.deploy.spec import ProcessInterface

    class CompiledJob(SGEJob):
        """One SGE job (or array task) running the compiled script, submitted through the cluster's submitter."""

        def __init__(self, *args: Any, plan: Plan, submitter: Submitter, **kwargs: Any) -> None:
            self.plan, self.submitter = plan, submitter  # before super(): SGEJob logs job_script()
            super().__init__(*args, **kwargs)

        def job_script(self) -> str:
            return render(self.plan, scheduler=(self.scheduler,), worker_name=str(self.name))

        async def start(self) -> None:
            try:
                self.job_id = await self.submitter.submit(self)
            except sgecommands.SGEError:
                self.status = Status.failed  # lets the cluster close without waiting for this job
                raise
            await ProcessInterface.start(self)

    class CompiledCluster(SGECluster):
        """An SGECluster of compiled jobs that also removes any job of its own it finds left over."""

        def __init__(self, plan: Plan, array: bool = True, **options: Any) -> None:
            self.compiled, self.submitter = plan, Submitter(plan, array)
            worker = plan.profile.worker
            options.setdefault("name", plan.profile.job.name)  # workers are named NAME-0, NAME-1, ...
            super().__init__(
                job_cls=CompiledJob,  # type: ignore[arg-type]  # dask-jobqueue annotates a class as an instance
                plan=plan,
                submitter=self.submitter,
                cores=worker.cores,
                processes=worker.processes,
                memory=str(worker.memory.bytes),
                interface=worker.interface,
                **options,
            )

        def close(self, *args: Any, **kwargs: Any) -> Any:
            try:
                return super().close(*args, **kwargs)
            finally:
                self.submitter.remove_all()

    return CompiledJob, CompiledCluster


class Submitter:
    """Submits a cluster's jobs and remembers every one, for removal at the end.

    Jobs that dask starts together (one ``scale``) go to SGE as one array job,
    task i running the compiled script with the i-th worker name: one
    ``qsub -t 1-N`` instead of N calls (16 jobs: 0.06 s against 0.5 s, see
    the README). A single job, or ``array=False``, is submitted as the plain
    rendered script.
    """

    def __init__(self, plan: Plan, array: bool) -> None:
        self.plan, self.array = plan, array
        self.jobs: set[str] = set()  # job ids (an array counts once)
        self.failures: list[Refused] = []  # launch() raises them while it waits; logged when nobody waits
        self.watched = False  # whether launch() is waiting for workers, and so will raise a refusal
        self._waiting: list[tuple[Any, asyncio.Future[str]]] = []
        self._submitting = threading.Condition()  # guards the two below, across the event loop's threads
        self._in_flight = 0
        self._closing = False

    async def submit(self, job: Any) -> str:
        """The SGE id of ``job`` once submitted: ``123``, or ``123.4`` for an array task."""
        if not self.array:
            return (await self._qsub(job.job_script()))[0]
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._waiting.append((job, future))
        if len(self._waiting) == 1:  # the other jobs of this scale() start in the same loop turn
            asyncio.get_running_loop().call_soon(lambda: asyncio.ensure_future(self._flush()))
        return await future

    async def _flush(self) -> None:
        batch, self._waiting = self._waiting, []
        batch.sort(key=lambda pair: (len(str(pair[0].name)), str(pair[0].name)))  # task i: the i-th name
        jobs = [job for job, _ in batch]
        try:
            if len(batch) == 1:
                ids = await self._qsub(jobs[0].job_script())
            else:
                ids = await self._qsub(self._array_script(jobs), tasks=len(jobs))
        except sgecommands.SGEError as error:
            for _, future in batch:
                future.set_exception(error)
            return
        for (_, future), job_id in zip(batch, ids, strict=True):
            future.set_result(job_id)

    def _array_script(self, jobs: list[Any]) -> str:
        """The rendered script as an array: ``-t 1-N``, and the worker name chosen by ``$SGE_TASK_ID``."""
        names = " ".join(f"{i}) WORKER_NAME={shlex.quote(str(job.name))} ;;" for i, job in enumerate(jobs, 1))
        choose = f'case "$SGE_TASK_ID" in {names} esac'
        array = self.plan.as_array(len(jobs))
        return job_script(array, array.worker_command((jobs[0].scheduler,), "$WORKER_NAME"), prologue=[choose])

    async def _qsub(self, script: str, tasks: int = 1) -> list[str]:
        try:
            job = await asyncio.to_thread(self._submit, script)
        except sgecommands.SGEError as error:
            if self._closing:
                raise
            failure = Refused(f"{self.plan.profile.source.file}: {error}")
            self.failures.append(failure)
            if not self.watched:
                log.error("%s", failure)
            raise failure from None
        return [job] if tasks == 1 else [f"{job}.{i}" for i in range(1, tasks + 1)]

    def _submit(self, script: str) -> str:
        """qsub the script (in a worker thread) and remember the job at once, whatever becomes of the event loop."""
        with self._submitting:
            if self._closing:
                raise sgecommands.SGEError("not submitted: the cluster is closing")
            self._in_flight += 1
        try:
            with tempfile.NamedTemporaryFile("w", suffix=".sh", prefix="sgecompile-") as file:
                file.write(script)
                file.flush()
                job = sgecommands.submit(file.name)
            self.jobs.add(job)
            return job
        finally:
            with self._submitting:
                self._in_flight -= 1
                self._submitting.notify_all()

    def remove_all(self) -> None:
        """qdel every job of this cluster that qstat still lists, once no qsub is under way; submit no more.

        Ctrl-C can stop dask's event loop while a qsub runs in its thread: the
        job it makes must be waited for and removed too.
        """
        with self._submitting:
            self._closing = True
            self._submitting.wait_for(lambda: self._in_flight == 0, timeout=QSUB_TIMEOUT)
        if self.jobs and sgecommands.available():
            listed = {job.id for job in sgecommands.queued()}
            sgecommands.delete(sorted(self.jobs & listed))


def cluster(profile: str | os.PathLike[str], variant: str | None = None, **options: Any) -> SGECluster:
    """An ``SGECluster`` for a profile, not yet scaled; ``options`` go to ``SGECluster`` (e.g. ``scheduler_options``).

    Scale it as in dask-jobqueue: ``scale(n=WORKERS)``, ``scale(jobs=N)``,
    ``adapt(minimum_jobs=..., maximum_jobs=...)``. Close it to remove its jobs.
    Jobs started together are one array job; ``array=False`` submits each alone.
    """
    plan = compile_or_raise(profile, variant)
    if not sgecommands.available():
        raise sgecommands.SGEError(
            f"`qsub` is not on PATH: no Grid Engine here (on the test SGE: `. {sgecommands.SETTINGS}`)"
        )
    if plan.log_folder:
        _make_log_folder(Path(os.path.expandvars(plan.log_folder)).expanduser(), profile)
    return _classes()[1](plan, **options)


def _make_log_folder(folder: Path, profile: str | os.PathLike[str]) -> None:
    """SGE does not create the -o folder: a job whose folder is missing waits in Eqw."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ProfileError(
            f"{os.fspath(profile)}: job.log_directory {folder} cannot be made ({error.strerror}); nothing was submitted"
        ) from None


@contextmanager
def launch(
    profile: str | os.PathLike[str],
    variant: str | None = None,
    jobs: int | None = None,
    workers: int | None = None,
    adapt: tuple[int, int] | None = None,
    wait: bool = True,
    timeout: float = 300,
    **options: Any,
) -> Iterator[Client]:
    """Start the profile's workers and yield a connected ``distributed.Client``.

    ``jobs`` (default ``worker.jobs``) or ``workers`` sets a fixed size;
    ``adapt=(minimum_jobs, maximum_jobs)`` lets dask scale between the two.
    With ``wait``, blocks until the workers of the fixed size (or of the
    minimum) are connected, or raises :class:`LaunchTimeout` saying what
    qstat shows. Every job is removed on the way out, whatever happened.
    """
    from distributed import Client

    _check_size(jobs, workers, adapt)
    live: Any = cluster(profile, variant, **options)  # a CompiledCluster, a class built at run time
    try:
        with _sigterm_as_interrupt():
            live.submitter.watched = wait  # set before the first qsub, which may fail at once
            expected = _scale(live, jobs, workers, adapt)
            with Client(live) as client:
                if wait and expected:
                    wait_for_workers(client, live, expected, timeout)
                live.submitter.watched = False
                yield client
    except BaseException:
        with _uninterrupted():
            _close_after_error(live)
        raise
    with _uninterrupted():
        live.close()


def _close_after_error(live: Any) -> None:
    """Remove the cluster's jobs, then close it as far as dask can, without hiding the error on its way up.

    Ctrl-C inside one of dask's own waits (``Client()`` starting, say) can
    leave it unable to close: distributed's ``sync`` then fails with an
    UnboundLocalError, and its exit handler would try again for 10 s. The
    jobs go first, so that they are gone whatever closing does.
    """
    from distributed.core import Status

    live.submitter.remove_all()
    try:
        live.close(timeout=CLOSE_AFTER_ERROR)
    except Exception as error:  # the error being raised is the one to report
        log.debug("closing the cluster after an error failed too: %r", error)
        live.status = Status.closed  # nothing more to close: its jobs are gone, its loop cannot answer


def _check_size(jobs: Any, workers: Any, adapt: Any) -> None:
    """Refuse a size dask would fail on deep inside (``jobs=-1``, ``"2"``) or take silently (``adapt=(3, 1)``)."""
    for name, value in (("jobs", jobs), ("workers", workers)):
        if value is not None and not _whole(value):
            raise ValueError(f"{name}= wants a whole number of at least 0, not {value!r}")
    if adapt is not None and not (
        isinstance(adapt, tuple | list) and len(adapt) == 2 and all(map(_whole, adapt)) and adapt[0] <= adapt[1]
    ):
        raise ValueError(f"adapt= wants (minimum_jobs, maximum_jobs) with 0 <= minimum <= maximum, not {adapt!r}")


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _scale(live: Any, jobs: int | None, workers: int | None, adapt: tuple[int, int] | None) -> int:
    """Apply the size asked for; return how many workers to wait for."""
    processes = live.compiled.profile.worker.processes
    if adapt is not None:
        live.adapt(minimum_jobs=adapt[0], maximum_jobs=adapt[1])
        return int(adapt[0] * processes)
    if workers is not None:
        live.scale(n=workers)
        return -(-workers // processes) * processes
    count = live.compiled.profile.worker.jobs if jobs is None else jobs
    live.scale(jobs=count)
    return int(count * processes)


def wait_for_workers(client: Client, live: Any, expected: int, timeout: float) -> None:
    """Block until ``expected`` workers are connected, showing progress on a terminal.

    dask's own wait looks every 0.1 s; once a second this loop also asks
    qstat, to show it, and to stop at once on a refused submission, or when
    every job is in an error state (Eqw) or has already ended: then the
    workers still missing will never come, and waiting out the timeout
    would only hide why.
    """
    deadline = time.monotonic() + timeout
    shown = False
    try:
        while not _connected(client, expected):
            if live.submitter.failures:
                raise live.submitter.failures[0]
            have = len(client.scheduler_info(n_workers=-1)["workers"])
            jobs = _mine(live)
            if sys.stderr.isatty():
                sys.stderr.write(f"\rsgecompile: {have}/{expected} workers connected; {_states(jobs)}\x1b[K")
                shown = True
            if hopeless := _hopeless(live, jobs):
                raise LaunchTimeout(_stuck_message(jobs, have, expected, hopeless))
            if time.monotonic() > deadline:
                raise LaunchTimeout(_stuck_message(jobs, have, expected, f"after {timeout:.0f} s"))
        if shown:
            sys.stderr.write(f"\rsgecompile: {expected}/{expected} workers connected\x1b[K")
    finally:
        if shown:
            sys.stderr.write("\n")


def _connected(client: Client, expected: int) -> bool:
    """Whether ``expected`` workers are running, waiting for them up to a second."""
    try:
        client.wait_for_workers(expected, timeout=1)
    except TimeoutError:
        return False
    return True


def _mine(live: Any) -> list[sgecommands.QueuedJob]:
    """The cluster's jobs as qstat lists them now (one qstat call)."""
    return [job for job in sgecommands.queued() if job.id in live.submitter.jobs]


def _states(jobs: list[sgecommands.QueuedJob]) -> str:
    counts = Counter(job.state for job in jobs)
    return (
        ", ".join(f"{n} job{'s' if n != 1 else ''} {state}" for state, n in sorted(counts.items())) or "no jobs queued"
    )


def _hopeless(live: Any, jobs: list[sgecommands.QueuedJob]) -> str | None:
    """Why the missing workers can no longer come, if so: every job submitted is in error, or gone."""
    if not live.submitter.jobs:
        return None  # nothing submitted yet: dask submits in the background
    if not jobs:
        logs = live.compiled.profile.job.log_directory or "the working directory"
        return f"and every job has ended: the workers exited as they started (their logs are in {logs})"
    if all(job.failed for job in jobs):
        return "and every job is in an error state, where SGE never starts it"
    return None


def _stuck_message(jobs: list[sgecommands.QueuedJob], have: int, expected: int, why: str) -> str:
    lines = [f"{have} of {expected} workers connected {why}; qstat shows: {_states(jobs)}"]
    waiting = {job.id: job.state for job in jobs if job.pending or job.failed}  # an array's tasks share one id
    for job_id, state in waiting.items():
        reasons = "; ".join(sgecommands.reasons(job_id)) or "no reason given (scheduler job info may be off)"
        lines.append(f"  job {job_id} ({state}): {reasons}")
    lines.append("Every job of this launch is being removed.")
    return "\n".join(lines)


@contextmanager
def _uninterrupted() -> Iterator[None]:
    """Ignore Ctrl-C and SIGTERM while the jobs are removed: a second one would stop that halfway (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            if handler is not None:  # None: set outside Python, nothing to put back
                signal.signal(sig, handler)


@contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt while jobs exist, so the cleanup runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
