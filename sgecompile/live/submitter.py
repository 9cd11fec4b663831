"""Submitting a cluster's jobs to SGE and removing them: qsub and qdel bookkeeping, without dask.

Jobs that dask starts together (one ``scale``) go to SGE as one array job,
task i running the compiled script with the i-th worker name: one
``qsub -t 1-N`` instead of N calls (16 jobs: 0.06 s against 0.5 s, see the
README). A single job, or ``array=False``, is submitted as the plain rendered
script.

Under ``worker.max_jobs_at_once`` a job waits here while that many of the
cluster's jobs are in qstat, pending or running, and is submitted as
earlier ones end; a job the cluster stops wanting meanwhile (a scale-down,
closing) is never submitted.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import tempfile
import threading
import time
from collections.abc import Callable
from typing import Protocol

from .. import sgecommands
from ..plan import Plan
from ..rendering import job_script

log = logging.getLogger(__name__)
QSUB_TIMEOUT = 60  # seconds a qsub under way may take before the cluster's jobs are removed without it
HOLD_POLL = 3.0  # seconds between looks at qstat while jobs wait under worker.max_jobs_at_once


class Refused(sgecommands.SGEError):
    """qsub refused a job of a cluster: :func:`launch` raises it while waiting, the submitter logs it otherwise."""


class Job(Protocol):
    """What the submitter needs of a dask job: its worker name, its scheduler and its script; it sets a held job's id."""

    job_id: str | None

    @property
    def name(self) -> object: ...

    @property
    def scheduler(self) -> str: ...

    def job_script(self) -> str: ...

    def refused(self) -> None:
        """qsub refused the held job when its turn came: mark it so (the cluster's keeper replaces it)."""


class Submitter:
    """Submits a cluster's jobs and remembers every one, for removal at the end."""

    def __init__(self, plan: Plan, array: bool, wanted: Callable[[Job], bool] = lambda job: True) -> None:
        self.plan, self.array, self.wanted = plan, array, wanted  # wanted: whether the cluster still wants a held job
        self.limit = plan.profile.worker.max_jobs_at_once
        self.tasks: set[str] = set()  # under a limit: each job or array task submitted that qstat listed last time
        self.held: list[Job] = []  # under a limit: jobs started but not submitted yet, first come first
        self._granted = 0  # jobs let through the limit whose qsub has not returned yet
        self._looked = -HOLD_POLL  # when qstat was last asked, on the monotonic clock
        self._releasing: asyncio.Task[None] | None = None
        self.jobs: set[str] = set()  # job ids (an array counts once)
        self.failures: list[Refused] = []  # launch() raises them while it waits; logged when nobody waits
        self.watched = False  # whether launch() is waiting for workers, and so will raise a refusal
        self._waiting: list[tuple[Job, asyncio.Future[str]]] = []
        self._submitting = threading.Condition()  # guards the two below, across the event loop's threads
        self._in_flight = 0
        self._closing = False

    @property
    def closing(self) -> bool:
        """Whether :meth:`remove_all` has begun: nothing is submitted any more."""
        return self._closing

    async def submit(self, job: Job) -> str:
        """The SGE id of ``job`` once submitted: ``123``, or ``123.4`` for an array task.

        Under a limit, a job beyond it gets ``""`` at once and waits here, so
        that dask's scaling goes on (it waits for every start); its
        ``job_id`` is set when it is submitted.
        """
        if self.limit is None:
            return await self._now(job)
        if self.held or self._granted + await self._in_qstat() >= self.limit:
            self.held.append(job)
            log.info("job %s waits: worker.max_jobs_at_once = %d jobs are pending or running", job.name, self.limit)
            if self._releasing is None or self._releasing.done():
                self._releasing = asyncio.ensure_future(self._release(self.limit))
            return ""
        return await self._counted(job)

    async def _counted(self, job: Job) -> str:
        """Submit a job let through the limit, counted from its qsub on."""
        self._granted += 1
        try:
            job_id = await self._now(job)
            self.tasks.add(job_id)
            return job_id
        finally:
            self._granted -= 1

    async def _release(self, limit: int) -> None:
        """Submit the held jobs, in order, as the cluster's jobs leave qstat; drop those the cluster no longer wants.

        A failed look at qstat (qmaster away past its patience) is logged and
        tried again: held jobs must not wait for ever on one bad answer.
        """
        while self.held and not self._closing:
            try:
                await self._release_some(limit)
            except sgecommands.SGEError as error:
                log.warning("held jobs wait: %s", error)
                await asyncio.sleep(HOLD_POLL)

    async def _release_some(self, limit: int) -> None:
        room = limit - self._granted - await self._in_qstat()
        for job in [job for job in self.held if not self.wanted(job)]:  # after the wait: scaled down meanwhile
            log.info("job %s was held back and is no longer wanted: not submitted", job.name)
            self.held.remove(job)
        if room <= 0 or not self.held:
            await asyncio.sleep(HOLD_POLL)
            return
        batch, self.held = self.held[:room], self.held[room:]
        ids = await asyncio.gather(*map(self._counted, batch), return_exceptions=True)  # refusals: logged by _qsub
        for job, job_id in zip(batch, ids, strict=True):
            if not isinstance(job_id, str):
                job.refused()
            elif not self.wanted(job):  # dropped while its qsub ran: nobody would remove it
                await asyncio.to_thread(sgecommands.delete, [job_id])
                log.info("job %s (%s) was no longer wanted once submitted: removed", job.name, job_id)
            else:
                job.job_id = job_id
                log.info("job %s submitted (%s) as earlier jobs of the cluster ended", job.name, job_id)

    async def _in_qstat(self) -> int:
        """How many jobs (array tasks each) this cluster has in qstat; asks qstat at most once per ``HOLD_POLL``.

        Only ids known before qstat was asked are forgotten when it does not
        list them: a qsub returning meanwhile made a job the answer predates.
        """
        if self.tasks and time.monotonic() - self._looked >= HOLD_POLL:
            known = set(self.tasks)
            self._looked = time.monotonic()
            listed = await asyncio.to_thread(sgecommands.listed_ids)
            self.tasks -= known - listed
        return len(self.tasks)

    async def _now(self, job: Job) -> str:
        """Submit ``job``: alone, or in the array of the jobs submitted in the same turn of the event loop."""
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

    def _array_script(self, jobs: list[Job]) -> str:
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
            forced = sgecommands.delete_for_good(sorted(self.jobs & listed))
            if forced:
                log.warning(
                    "jobs %s stayed in qstat after qdel, their host no longer answering: removed with qdel -f",
                    ", ".join(forced),
                )
