"""The dask classes: an SGE job that submits the compiled script, and the cluster of them."""

from __future__ import annotations

import logging
import os
from typing import Any

from distributed.core import Status
from distributed.deploy.spec import ProcessInterface

from .. import sgecommands
from ..plan import Plan
from ..rendering import render
from .compiled import ProfileError, compile_or_raise, make_log_folder
from .keeper import Keeper
from .signals import kept
from .submitter import Refused, Submitter
from .tls import certificates
from .untyped import untyped

with kept():  # importing dask_jobqueue makes Ctrl-C call sys.exit() for the rest of the process
    from dask_jobqueue.sge import SGECluster, SGEJob


def _not_refused(record: logging.LogRecord) -> bool:
    """Drop dask's report of a `Refused`: 25 lines of its event loop's traceback around one line we already give."""
    return not (record.exc_info and isinstance(record.exc_info[1], Refused))


logging.getLogger("tornado.application").addFilter(_not_refused)  # where dask logs a failed scale()


class CompiledJob(SGEJob):
    """One SGE job (or array task) running the compiled script, submitted through the cluster's submitter."""

    def __init__(self, *args: Any, plan: Plan, submitter: Submitter, **kwargs: Any) -> None:
        self.plan, self.submitter = plan, submitter  # before super(): SGEJob logs job_script()
        untyped(super().__init__)(*args, **kwargs)

    def job_script(self) -> str:
        return render(self.plan, scheduler=(self.scheduler,), worker_name=str(self.name))

    def refused(self) -> None:
        self.status = Status.failed

    async def close(self) -> None:
        if self.job_id:
            await untyped(super().close)()
        else:  # held back under worker.max_jobs_at_once, never submitted: there is nothing to qdel
            await untyped(ProcessInterface.close)(self)

    async def start(self) -> None:
        try:
            self.job_id = await self.submitter.submit(self)
        except sgecommands.SGEError:
            self.status = Status.failed  # lets the cluster close without waiting for this job
            raise
        await untyped(ProcessInterface.start)(self)


class CompiledCluster(SGECluster):
    """An SGECluster of compiled jobs that keeps its size and removes any job of its own left over at the end."""

    def __init__(self, plan: Plan, array: bool = True, **options: Any) -> None:
        self.certificates = certificates(plan)  # under TLS, the plan naming the files its jobs read
        plan = self.certificates.plan
        self.compiled, self.submitter = plan, Submitter(plan, array, wanted=self._wants)
        self.keeper, self._names_used = Keeper(self), set[str]()
        self._names: dict[str, Any] = {}  # each worker's name by its address, from the stream of workers added
        worker = plan.profile.worker
        options.setdefault("name", plan.profile.job.name)  # workers are named NAME-0, NAME-1, ...
        options["scheduler_options"] = _scheduler_options(plan, options.get("scheduler_options"))
        if self.certificates.security is not None:
            options.setdefault("security", self.certificates.security)  # the scheduler's, and a Client(cluster)'s
        try:
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
        except BaseException:
            self.certificates.remove()
            raise

    def _wants(self, job: object) -> bool:
        """Whether a held job is still this cluster's: its name asked for, and no other job started under it."""
        name = getattr(job, "name", None)
        return name in self.worker_spec and self.workers.get(name, job) is job

    async def _start(self) -> None:
        await untyped(super()._start)()
        self.keeper.start()

    async def _close(self) -> None:
        self.keeper.stop()
        await untyped(super()._close)()

    def _update_worker_status(self, op: str, msg: Any) -> None:
        """dask's bookkeeping of the scheduler's stream of workers added and removed, robust to a race of dask's own.

        ``wait_for_workers`` (a Client's too) replaces ``scheduler_info`` with
        a fresh copy from the scheduler; a worker removed just before is then
        gone from it when the stream's "remove" comes, and dask's lookup of its
        name raised KeyError, which ended the watching of the stream for good
        (and came back at ``close()``). Its name, kept from when it was added,
        is put back for dask to look up, so that its job is still let go.
        """
        workers = self.scheduler_info["workers"]
        if op == "add":  # before dask takes the workers out of the message
            added = msg.get("workers", {})
            self._names.update((address, info.get("name")) for address, info in added.items())
            self.keeper.saw(str(info.get("name")) for info in added.values())
        elif op == "remove":
            name = self._names.pop(msg, None)
            if msg not in workers:
                if name is None:  # never seen: nothing of dask's refers to it
                    return
                workers[msg] = {"name": name}
        untyped(super()._update_worker_status)(op, msg)

    @property
    def worker_names(self) -> set[str]:
        """The names of the workers connected now: dask's copy of the scheduler's list, and those the scheduler's
        stream added and has not removed (a fresh copy taken while one registered may miss it until it leaves)."""
        listed = (info.get("name") for info in self.scheduler_info["workers"].values())
        return {str(name) for name in (*listed, *self._names.values())}

    def new_worker_spec(self) -> dict[str, Any]:
        """The next job's spec, under a name never used in this cluster.

        dask reuses a name once its job left the spec; a replacement under the
        old name would share its logs and clash with a worker the scheduler
        has not yet let go.
        """
        spec: dict[str, Any] = untyped(super().new_worker_spec)()
        while (name := str(next(iter(spec)))) in self._names_used:
            self._i += 1
            spec = untyped(super().new_worker_spec)()
        self._names_used.add(name)
        return spec

    def close(self, timeout: float | None = None) -> None:
        try:
            super().close(timeout)
        finally:
            self.submitter.remove_all()
            self.certificates.remove()


def _scheduler_options(plan: Plan, given: dict[str, Any] | None) -> dict[str, Any]:
    """The caller's scheduler options, with site.scheduler_interface where they name no interface or host.

    dask-jobqueue otherwise gives the scheduler the workers' interface, which
    on a login node may not exist or not face the compute hosts.
    """
    chosen = dict(given or {})
    interface = plan.profile.site.scheduler_interface
    if interface and "interface" not in chosen and "host" not in chosen:
        chosen["interface"] = interface
    return chosen


def cluster(profile: str | os.PathLike[str], variant: str | None = None, **options: Any) -> CompiledCluster:
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
    make_log_folder(plan, profile)
    try:
        return CompiledCluster(plan, **options)
    except RuntimeError as error:  # distributed: "Cluster failed to start: <why>", e.g. no such interface
        hint = ""
        if "network interface" in str(error):
            hint = " (site.scheduler_interface, else worker.interface, names the scheduler's interface on this host)"
        raise ProfileError(f"{os.fspath(profile)}: the scheduler did not start here: {error}{hint}") from None
