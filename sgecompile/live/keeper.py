"""Keeping a cluster's size: a job that ends is replaced, until jobs keep failing at start.

dask-jobqueue leaves a lost job's place empty (dask/dask-jobqueue#122): dask
lets the worker go after ``lost-worker-timeout`` and nothing asks SGE for a
new job, so a qdel, a walltime or a lost host shrinks the cluster for good.
The keeper looks at qstat every :data:`INTERVAL` seconds. A job of the cluster
that qstat no longer lists (it ended: qdel, h_rt, a worker that exited) or
lists in error (Eqw, which never starts) leaves the cluster's spec, and a job
with a new name takes its place through the same submission path as any
scale-up. A replacement is therefore asked for at most one interval after
qstat stops listing the old job. What SGE recorded of the old job (qacct) is
logged with it.

Jobs that end before any of their workers connected are failed starts; after
:data:`CRASH_LIMIT` of them in a row the keeper stops replacing and keeps the
reason in :attr:`Keeper.stopped`, which ``up`` reports. While ``launch``
waits for its first workers the keeper replaces nothing: the wait says why
workers do not come (qstat's reasons for an Eqw job, say) and stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, TypeVar

from distributed.core import Status

from .. import sgecommands
from .untyped import untyped

if TYPE_CHECKING:
    from .jobs import CompiledCluster

T = TypeVar("T")
log = logging.getLogger("sgecompile.keeper")
INTERVAL = 2.0  # seconds between two looks at qstat
CRASH_LIMIT = 3  # failed starts in a row after which replacing stops
# seconds a job that had workers may have none connected while qstat still lists it: then its host is taken for
# lost (qmaster keeps such a job in r until it gives the host up, 5 minutes by default); a nanny restarts a worker,
# and a retiring job leaves qstat, well within it
SILENT_AFTER = 30.0
# qmaster writes accounting records in batches, every reporting_params flush_time (15 s by default, sge_conf(5))
ACCOUNTING_WAIT = 20.0


def why_ended(record: Mapping[str, str]) -> str:
    """What qacct's record says of how a job ended, in words."""
    if not record:
        return "qacct has no record of it (removed before it ran, or its host no longer answers)"
    failed = record.get("failed", "0").split(None, 1)[0]
    status = record.get("exit_status", "").split(None, 1)[0]
    if failed == "37":
        return "SGE killed it at a limit (h_rt, h_cpu or h_vmem): qacct failed 37"
    if failed == "0":
        return "its workers exited (exit status 0)" if status == "0" else f"it exited with status {status}"
    if status == "137":
        return f"it was killed (qdel, or a signal 9): qacct failed {failed}, exit status 137"
    return f"qacct failed {record.get('failed')}, exit status {status or '?'}"


def belongs(worker: str, job: str) -> bool:
    """Whether a dask worker name is one of the job's: the job's own name, or ``NAME-i`` for its i-th process."""
    return worker == job or (worker.startswith(job + "-") and worker[len(job) + 1 :].isdigit())


class Keeper:
    """Replaces the cluster's ended jobs; runs as one task on the cluster's event loop."""

    def __init__(self, cluster: CompiledCluster) -> None:
        self.cluster = cluster
        self.stopped: str | None = None  # why replacing stopped, once it has
        self.replaced = 0  # jobs that ended and were replaced
        self.retired = 0  # jobs replaced ahead of their retirement
        self._failed_starts = 0
        self._connected: set[str] = set()  # job names one of whose workers has connected
        self._ids: dict[str, str] = {}  # job name -> SGE id, for the names in the spec
        self._seen: dict[str, float] = {}  # job name -> when one of its workers was last seen connected
        self._running_since: dict[str, float] = {}  # job name -> when a look first saw it running
        self._task: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Future[object]] = set()  # reports and removals under way
        # Its own threads for qstat, qacct and qdel: the event loop's default pool also resolves the
        # addresses dask connects to, and a qacct or forced qdel can take seconds
        self._threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="sgecompile-keeper")

    def start(self) -> None:
        self._task = asyncio.ensure_future(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
        for pending in list(self._pending):
            pending.cancel()
        self._threads.shutdown(wait=False, cancel_futures=True)

    def _later(self, work: Awaitable[object]) -> None:
        """Run ``work`` beside the looks (a report, a removal), kept until done and cancelled by :meth:`stop`."""
        task = asyncio.ensure_future(work)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _in_thread(self, function: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._threads, function, *args)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(INTERVAL)
            try:
                await self.look()
            except sgecommands.SGEError as error:  # qmaster away for longer than its patience: look again later
                log.warning("could not look at the cluster's jobs: %s", error)
            except Exception:  # a look that fails must not end the looking, nor pass unsaid
                log.exception("looking at the cluster's jobs failed; looking again in %s s", INTERVAL)

    async def look(self) -> None:
        """One look: note connected workers and submitted ids, then replace what ended."""
        cluster = self.cluster
        if cluster.status != Status.running or cluster.submitter.closing or cluster.submitter.watched:
            return  # while launch waits for the workers, it says why they do not come, and stops
        async with cluster._lock:  # dask edits the spec and its jobs under it (scale, _correct_state)
            mine, gone = self._mine()  # first: it forgets what was seen of a name started anew
            self._note_connected()
        if not (mine or gone):
            return
        listed = await self._in_thread(sgecommands.queued) if mine else []
        ended = self.ended(mine, listed) | gone | self._silent(mine)
        for job in listed:
            for job_id in set(job.task_ids) & set(ended.values()) if job.failed else ():
                said = "; ".join(await self._in_thread(sgecommands.reasons, job.id)) or "no reason given"
                log.warning("job %s is in an error state (%s), where SGE never starts it: %s", job_id, job.state, said)
        retiring = self._retiring({name: job_id for name, job_id in mine.items() if name not in ended}, listed)
        if (ended or retiring) and cluster.status == Status.running and not cluster.submitter.closing:
            await self.replace(ended, retiring)

    def _retiring(self, mine: Mapping[str, str], listed: Collection[sgecommands.QueuedJob]) -> dict[str, str]:
        """The running jobs whose first worker may now leave before the walltime (``--lifetime``), with their ids.

        They are replaced now, not when they end, so that the replacement
        waits in the queue and starts while they hand over their work: the
        cluster never drops to none. Running time counts from the first look
        that saw the job in ``r``, at most one interval late, so the
        replacement comes no later than the first worker may leave.
        """
        retirement = self.cluster.compiled.retirement
        if retirement is None or retirement.lifetime is None:
            return {}
        now = time.monotonic()
        running = {task for job in listed if job.state == "r" for task in job.task_ids}
        for name, job_id in mine.items():
            if job_id in running:
                self._running_since.setdefault(name, now)
        return {
            name: job_id
            for name, job_id in mine.items()
            if now - self._running_since.get(name, now) >= retirement.earliest
        }

    def _mine(self) -> tuple[dict[str, str], dict[str, str]]:
        """The spec's submitted jobs (name -> SGE id), and those already gone by dask's own account (name -> id).

        Gone: qsub refused them (id ""), or dask dropped the job of a lost
        worker after ``lost-worker-timeout`` (with a plain qdel, which a lost
        host's job outlives) and kept its name in the spec, where nothing
        would start it again. The ids are remembered for that. A name dask
        started anew has a new job: the old id is removed for good.
        """
        cluster = self.cluster
        for name, job in cluster.workers.items():
            if job.job_id and self._ids.get(name) != job.job_id:
                if name in self._ids:  # dask started the name anew: a new job, the old one to remove
                    self._forget(name)
                    self._later(self._in_thread(_remove, [self._ids[name]]))
                self._ids[name] = job.job_id
        self._ids = {name: job_id for name, job_id in self._ids.items() if name in cluster.worker_spec}
        self._seen = {name: when for name, when in self._seen.items() if name in cluster.worker_spec}
        self._running_since = {name: t for name, t in self._running_since.items() if name in cluster.worker_spec}
        refused = {
            name: ""
            for name, job in cluster.workers.items()
            if name in cluster.worker_spec and job.status == Status.failed
        }
        dropped = {name: job_id for name, job_id in self._ids.items() if name not in cluster.workers}
        return {name: job_id for name, job_id in self._ids.items() if name not in dropped}, refused | dropped

    def _forget(self, name: str) -> None:
        """What was seen of the job that had this name before."""
        self._connected.discard(name)
        self._seen.pop(name, None)
        self._running_since.pop(name, None)

    def _note_connected(self) -> None:
        """Mark the jobs with a worker on the scheduler now as seen now."""
        self.saw(self.cluster.worker_names)

    def saw(self, workers: Iterable[str]) -> None:
        """Workers by name connected (the cluster calls this as the scheduler tells it, and each look does).

        Told at once, not only at the next look: a host lost within a look of
        its workers connecting would otherwise leave jobs never seen, which
        cannot fall silent.
        """
        names, now = set(workers), time.monotonic()
        for job in self.cluster.worker_spec:
            if any(belongs(worker, str(job)) for worker in names):
                self._connected.add(str(job))
                self._seen[str(job)] = now

    def _silent(self, mine: Mapping[str, str]) -> dict[str, str]:
        """The jobs whose workers connected once and have all been gone for :data:`SILENT_AFTER` seconds."""
        now = time.monotonic()
        return {name: job_id for name, job_id in mine.items() if now - self._seen.get(name, now) > SILENT_AFTER}

    @staticmethod
    def ended(mine: Mapping[str, str], listed: Collection[sgecommands.QueuedJob]) -> dict[str, str]:
        """Of ``mine`` (name -> SGE id), those qstat no longer lists or lists in error (Eqw), with their ids."""
        listed_by_id = {task: job for job in listed for task in job.task_ids}
        return {
            name: job_id for name, job_id in mine.items() if job_id not in listed_by_id or listed_by_id[job_id].failed
        }

    async def replace(self, ended: dict[str, str], retiring: Mapping[str, str]) -> None:
        """Take the ended and retiring jobs out of the spec, put new ones in unless starts keep failing, start them.

        A retiring job leaves the spec and the cluster's jobs without a qdel:
        its workers go by themselves, and the submitter removes whatever is
        left at the end.
        """
        cluster = self.cluster
        async with cluster._lock:
            for name, job_id in retiring.items() if self.stopped is None else ():
                if cluster.worker_spec.pop(name, None) is None:
                    continue
                if (old := cluster.workers.pop(name, None)) is not None:
                    old.status = Status.closed  # its workers leave by themselves; remove_all takes what is left
                new = cluster.new_worker_spec()
                cluster.worker_spec.update(new)
                self.retired += 1
                log.warning(
                    "job %s (%s) retires before its walltime; replaced ahead by %s", job_id, name, next(iter(new))
                )
            refusals = 0
            for name, job_id in ended.items():
                now = cluster.workers.get(name)
                if name not in cluster.worker_spec or (now is not None and now.job_id not in (job_id, None, "")):
                    continue  # scaled down, or started anew by dask, while qstat was asked
                del cluster.worker_spec[name]
                if (job := cluster.workers.pop(name, None)) is not None:
                    job.status = Status.closed  # gone from qstat, or in Eqw and removed below
                if job_id:
                    self._count_start(name)
                else:
                    refusals += 1  # a refused array fails every job of it: one failed start
                successor = None
                if self.stopped is None:
                    new = cluster.new_worker_spec()
                    cluster.worker_spec.update(new)
                    successor = str(next(iter(new)))
                    self.replaced += 1
                self._later(self._report(name, job_id, successor))
            if refusals:
                self._failed_start()
        gone = sorted(filter(None, ended.values()))  # an Eqw, silent or dropped job may stay listed until removed
        if gone:
            self._later(self._in_thread(_remove, gone))
        with contextlib.suppress(sgecommands.SGEError):  # a refused qsub: logged, and the next look counts it
            # shielded: cancelling the keeper at close must not stop dask halfway through starting jobs
            await asyncio.shield(untyped(cluster._correct_state)())

    def _count_start(self, name: str) -> None:
        """An ended job: a failed start unless one of its workers connected."""
        if name in self._connected:
            self._failed_starts = 0
        else:
            self._failed_start()

    def _failed_start(self) -> None:
        """One more failed start in a row: at CRASH_LIMIT, replacing stops, with the reason."""
        self._failed_starts += 1
        if self._failed_starts >= CRASH_LIMIT and self.stopped is None:
            logs = self.cluster.compiled.profile.job.log_directory or "the working directory"
            self.stopped = (
                f"{self._failed_starts} jobs in a row ended or were refused before any of their workers connected:"
                f" no more replacements (the workers' logs are in {logs})"
            )
            log.error("%s", self.stopped)

    async def _report(self, name: str, job_id: str, successor: str | None) -> None:
        """Say at once that the job ended and what replaces it, then why it ended once qacct has the record."""
        then = f"replaced by {successor}" if successor else "not replaced"
        if not job_id:
            log.warning("the job of %s was not submitted (qsub refused it); %s", name, then)
            return
        log.warning("job %s (%s) ended; %s", job_id, name, then)
        deadline = asyncio.get_running_loop().time() + ACCOUNTING_WAIT
        while not (record := await self._in_thread(sgecommands.accounting, job_id)):
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(INTERVAL)
        log.warning("job %s (%s) ended because %s", job_id, name, why_ended(record))


def _remove(jobs: list[str]) -> None:
    """qdel jobs that ended in SGE's eyes or ours, forcing those a lost host keeps (in a thread: it may wait 20 s)."""
    try:
        sgecommands.delete_for_good(jobs)
    except sgecommands.SGEError as error:
        log.warning("could not remove jobs %s: %s", ", ".join(jobs), error)
