"""A typed profile → the job it asks for: qsub directives and the worker command.

This is where the arithmetic the compiler does for the user lives: threads and
memory per process, pe slots, and the memory request derived from
``worker.memory``. The result, a :class:`Plan`, is what both ``render`` and
``launch`` use, so what is launched is what was rendered.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from . import directives as dirs
from . import vocabulary
from .cached import cached_property
from .memoryresources import ADDRESS_SPACE, HOST_LOAD, limits, worker_memory_request
from .models import MemoryPer, Profile
from .retirement import Retirement, retirement
from .tomlpos import Path as KeyPath
from .units import MIB, format_sge_memory, parse_sge_memory, parse_sge_time

SCHEDULER_PLACEHOLDER = "tcp://SCHEDULER-ADDRESS:8786"
TLS_FOLDER_PREFIX = "sgecompile-tls-"  # the folder of a launch's temporary certificates in site.shared_directory
TLS_FLAGS = ("--tls-ca-file", "--tls-cert", "--tls-key")  # dask worker's and dask scheduler's, for tls_files
TLS_PLACEHOLDER = "XXXXXXXX"  # its last characters, which launch chooses (mkdtemp's 8 random ones)
WORKER_NAME_DEFAULT = "$JOB_NAME-$JOB_ID"

# Limits on the address space of each process (memoryresources.ADDRESS_SPACE: ulimit -v), not on the
# memory it uses, count every mapping of the Python running dask. Measured here (ps VSZ, distributed
# 2024+ on CPython 3.11): an idle nanny or worker maps 277 MB with no data; each thread that allocates
# adds a 64 MiB malloc arena (8 threads: +516 MB). Under h_vmem equal to its dask limit, a worker on the
# test SGE failed with MemoryError holding 79 % of that limit, before dask's own 80 % pause.
MEASURED_FAILURE_SHARE = 79  # percent of its dask limit a worker held when it failed under an equal h_vmem
PROCESS_ADDRESS_SPACE = 320 * MIB
THREAD_ARENA = 64 * MIB


@attrs.frozen
class Reservation:
    """The memory SGE sets aside for the job through ``site.memory_resource``."""

    resource: str
    text: str  # the amount as written in the -l request, e.g. "64G"
    per_request: int  # bytes
    multiplier: int  # pe slots when SGE multiplies the request per slot, else 1
    derived: bool  # computed from worker.memory rather than written by the profile
    origin: KeyPath  # the key that asked for it: worker.memory, a job.resources key or a job.directives entry

    @property
    def per_job(self) -> int:
        return self.per_request * self.multiplier


@attrs.frozen(slots=False)
class Plan:
    """The compiled job: every directive asked for (in order), and how to start the workers.

    What is derived from it is worked out once per plan: the rules read it many times (with no slots, a value
    worked out is read straight from the plan's dict, not through the ``__getattr__`` slotted classes need).
    """

    profile: Profile
    asked: tuple[dirs.Directive, ...]  # every directive the profile asks for, in order, before `skip`
    rendered: tuple[tuple[str, str], ...] = ()  # each derived request as the script asks it, when re-read another way

    @cached_property
    def requested(self) -> tuple[dirs.Directive, ...]:
        """What is left after ``job.skip``, duplicates still in."""
        return tuple(dirs.skipped(self.asked, self.profile.job.skip))

    @cached_property
    def directives(self) -> tuple[dirs.Directive, ...]:
        """What the header holds: each request once."""
        return tuple(dirs.effective(self.requested))

    @cached_property
    def duplicates(self) -> tuple[tuple[dirs.Directive, dirs.Directive], ...]:
        """The requests asked for again, each with the first of its kind: the header keeps only the first."""
        return tuple(dirs.duplicates(self.requested))

    @property
    def per_slot(self) -> bool:
        """Whether SGE multiplies the memory request by the pe slots: counted per slot, and the header has a -pe.

        The -pe may come from ``site.pe`` or from ``job.directives`` alike. A
        memory resource inferred from the requests that is a host's load value
        (``mem_free``) counts once: it is no consumable, whatever memory_per says.
        """
        load_value = self.memory_assumed and self.memory_resource in HOST_LOAD
        return self.multiplies(self.profile.site.memory_per) and not load_value

    def multiplies(self, per: MemoryPer) -> bool:
        """Whether SGE multiplies a consumable request counted ``per`` by the pe slots: ``slot``, with a -pe."""
        site, job = self.profile.site, self.profile.job
        has_pe = bool(site.pe) or any(d.option == "-pe" for d in job.directives)
        return per == "slot" and has_pe and "-pe" not in job.skip

    @property
    def memory_views(self) -> tuple[Plan, ...]:
        """This plan once per memory resource of the site, each as if it were the only one (this plan first).

        Every request is derived, written and checked as a one-resource profile's
        would be: ``mres`` per job and ``h_data`` per slot each get their own amount.
        """
        return (self, *self._other_memory_views)

    @cached_property
    def _other_memory_views(self) -> tuple[Plan, ...]:
        """The views of the site's other memory resources; kept without this plan, which a reference
        cycle would leave to the garbage collector (with its profile and all its values)."""
        site = self.profile.site
        return tuple(
            Plan(
                attrs.evolve(self.profile, site=attrs.evolve(site, memory_resource=name, memory_per=per)),
                self.asked,
                self.rendered,
            )
            for name, per in site.memory[1:]
        )

    @cached_property
    def limit_views(self) -> tuple[Plan, ...]:
        """This plan once for each memory limit the header asks for that is no memory resource of the site
        (an ``h_vmem`` where the site reserves ``mem_free``), counted per slot: with a -pe, SGE multiplies a
        limit by the slots unless the cluster makes it a JOB consumable, so this is the most the job is given."""
        site, resource = self.profile.site, self.memory_resource
        asked = [d.resource for d in self._hard.get("-l", ()) if d.resource != resource and limits(d.resource)]
        known = dict(site.memory) if asked else {}
        return tuple(
            Plan(
                attrs.evolve(self.profile, site=attrs.evolve(site, memory_resource=name, memory_per="slot")),
                self.asked,
                self.rendered,
            )
            for name in asked
            if name not in known
        )

    @property
    def outside_site(self) -> bool:
        """Whether this is one of :attr:`limit_views`: a limit the site does not name, from which nothing is derived."""
        site = self.profile.site
        return bool(site.memory_resource) and site.memory_resource not in dict(site.memory)

    @cached_property
    def memory_resource(self) -> str | None:
        """``site.memory_resource``; unset, the memory resource the job requests itself (see :attr:`memory_assumed`)."""
        site = self.profile.site
        if site.memory_resource:
            return site.memory_resource
        hard = [d.args[0] for d in self.profile.job.directives if d.option == "-l" and d.scope == "hard"]
        names = [r.name for r in self.profile.job.resources] + [dirs.resource_name(arg) for arg in hard]
        return worker_memory_request(names)

    @property
    def memory_assumed(self) -> bool:
        """Whether :attr:`memory_resource` was inferred from the requests, as import infers it, for want of a site's."""
        return self.memory_resource is not None and not self.profile.site.memory_resource

    @property
    def job_needs(self) -> int:
        """Bytes of the memory resource the job needs, so that dask's limits act before SGE's."""
        return self.memory_needed(self.memory_resource)

    @property
    def counts_processes(self) -> bool:
        """Whether the memory resource counts the processes' own address space too (``h_vmem``)."""
        return self.memory_resource in ADDRESS_SPACE

    @property
    def also_covered(self) -> str:
        """What the job's memory covers besides ``worker.memory``, as ``explain`` and the hints name it."""
        more = [", task_memory per thread"] if self.profile.worker.task_memory else []
        more += [" and its processes"] if self.counts_processes else []
        return "".join(more)

    def memory_needed(self, resource: str | None) -> int:
        """Bytes of ``resource`` the job needs: ``worker.memory``, what the tasks' own programs need at
        once (``task_memory`` per thread: subprocesses are outside dask's accounting), and for an
        address-space limit (``h_vmem``) also what each process maps beyond its data: the worker, its
        nanny, and a malloc arena per thread (see ``MEASURED_FAILURE_SHARE``).
        """
        worker = self.profile.worker
        needed = worker.memory.bytes + worker.tasks_memory
        if resource not in ADDRESS_SPACE:
            return needed
        pythons = 2 if worker.nanny else 1
        per_process = pythons * PROCESS_ADDRESS_SPACE + worker.threads_per_process * THREAD_ARENA
        return needed + worker.processes * per_process

    @property
    def matching_share(self) -> int:
        """Bytes to request for the memory resource so the job gets what it needs (per slot where SGE multiplies)."""
        return share(self.job_needs, self.profile.slots, self.per_slot)

    @cached_property
    def written_memory(self) -> tuple[str, KeyPath] | None:
        """The amount of the memory resource the profile asks for itself, and where.

        Either in ``job.resources`` or as a hard ``-l`` in ``job.directives``:
        both replace the request derived from ``worker.memory``.
        """
        return self.written_request(self.memory_resource)

    def written_request(self, resource: str | None) -> tuple[str, KeyPath] | None:
        """The amount of ``resource`` the profile asks for itself in job.resources or a hard ``-l``, and where."""
        job = self.profile.job
        written: list[tuple[str, KeyPath]] = [
            (r.value, ("job", "resources", r.name)) for r in job.resources if r.name == resource
        ]
        written += [
            (d.amount, d.origin)
            for d in job.directives
            if d.option == "-l" and d.scope == "hard" and d.resource == resource
        ]
        return written[0] if written else None

    @cached_property
    def reservation(self) -> Reservation | None:
        """What SGE reserves for the memory resource: as written (typing has checked it), else derived."""
        resource = self.memory_resource
        if not resource or "-l" in self.profile.job.skip:  # skipping -l leaves every request out
            return None
        written = self.written_memory
        derived = dict(self.rendered).get(resource) or format_sge_memory(self.matching_share)
        text, origin = written or (derived, ("worker", "memory"))
        multiplier = self.profile.slots if self.per_slot else 1
        return Reservation(resource, text, parse_sge_memory(text).bytes, multiplier, written is None, origin)

    @cached_property
    def gpu_reservation(self) -> Reservation | None:
        """The GPUs SGE reserves through ``site.gpu_resource``: as written in the requests, else derived from
        ``worker.gpus`` (per slot where SGE multiplies, rounded up); None without a whole number to count."""
        site, worker = self.profile.site, self.profile.worker
        if not site.gpu_resource or "-l" in self.profile.job.skip:
            return None
        written = self.written_request(site.gpu_resource)
        if written is None and worker.gpus is None:
            return None
        multiplied = self.multiplies(site.gpu_per)
        derived = (str(share(worker.gpus or 0, self.profile.slots, multiplied)), ("worker", "gpus"))
        text, origin = written or derived
        if not text.isdigit():  # a boolean `gpu` (Hoffman2's `-l gpu,V100`) or a value SGE reads: nothing to count
            return None
        multiplier = self.profile.slots if multiplied else 1
        return Reservation(site.gpu_resource, text, int(text), multiplier, written is None, origin)

    @property
    def derived_memory(self) -> str | None:
        """The SGE amount derived from ``worker.memory`` for the memory resource, unless the profile writes one."""
        found = self.reservation
        return found.text if found and found.derived else None

    @property
    def log_folder(self) -> str | None:
        """The ``-o`` folder to make before submitting, since SGE does not: ``$JOB_NAME`` filled in.

        ``$HOME`` and ``$USER`` are left for the submitting side to expand;
        SGE703 refuses the variables that cannot be known before the job runs.
        """
        folder = self.profile.job.log_directory
        return folder.replace("$JOB_NAME", self.profile.job.name) if folder else None

    def wanted(self, option: str) -> list[dirs.Directive]:
        """The hard requests of one option in the header: what SGE must satisfy to run the job."""
        return list(self._hard.get(option, ()))

    def resource(self, name: str) -> dirs.Directive | None:
        """The hard ``-l NAME=...`` request in the header, if any."""
        return self._resources.get(name)

    @cached_property
    def _resources(self) -> dict[str, dirs.Directive]:
        """The header's hard ``-l`` requests by resource (the header has each once)."""
        return {d.resource: d for d in self._hard.get("-l", ())}

    @cached_property
    def _hard(self) -> dict[str, list[dirs.Directive]]:
        """The header's hard requests by option, in order: the rules look up a few options, and h_rt, many times."""
        found: dict[str, list[dirs.Directive]] = {}
        for d in self.directives:
            if d.scope == "hard":
                found.setdefault(d.option, []).append(d)
        return found

    @cached_property
    def retirement(self) -> Retirement | None:
        """When the workers leave before the header's ``h_rt`` (None without one, or for another program than
        distributed's worker that is not given a lifetime): see :mod:`sgecompile.retirement`."""
        asked = self.resource("h_rt")
        worker = self.profile.worker
        walltime = parse_sge_time(asked.amount).seconds if asked else None  # typing has checked it
        return retirement(walltime, worker.lifetime_margin.seconds, worker.extra_args, worker.runs_dask_worker)

    def as_array(self, tasks: int, concurrent: int | None = None) -> Plan:
        """The same job as an array of ``tasks`` tasks (``-t 1-N``), at most ``concurrent`` at once (``-tc``)."""
        extra = [dirs.Directive("-t", (f"1-{tasks}",), ("array",))]
        if concurrent:
            extra.append(dirs.Directive("-tc", (str(concurrent),), ("array",)))
        return Plan(self.profile, self.asked + tuple(extra))

    def worker_command(self, scheduler: Sequence[str], name: str, extra: bool = True) -> list[str]:
        """The ``dask worker`` argv, with the scheduler given as ``[address]`` or ``["--scheduler-file", path]``;
        without ``extra``, without ``worker.extra_args`` (what sgecompile gives of its own, for SGE408)."""
        w = self.profile.worker
        argv = [*w.start, *scheduler, "--name", name]
        argv += ["--nthreads", str(w.threads_per_process), "--memory-limit", str(w.memory_per_process)]
        if w.runs_dask_worker and w.processes > 1:
            argv += ["--nworkers", str(w.processes)]
        if w.runs_dask_worker:
            argv += ["--nanny" if w.nanny else "--no-nanny"]
        argv += ["--death-timeout", str(w.death_timeout)]
        if w.local_directory:
            argv += ["--local-directory", w.local_directory]
        argv += self.retirement.flags if self.retirement else []
        argv += w.resource_args
        argv += list(w.extra_args) if extra else []
        if w.interface:
            argv += ["--interface", w.interface]
        for flag, path in zip(TLS_FLAGS, self.tls_files or (), strict=False):
            argv += [flag, path]
        return argv

    @property
    def tls_files(self) -> tuple[str, str, str] | None:
        """The certificate authority, certificate and key files every side uses, when the profile asks for TLS.

        The files given, or the temporary ones ``launch`` writes into
        ``site.shared_directory``, in a folder of its own whose last
        ``TLS_PLACEHOLDER`` characters it chooses (``mkdtemp``); None without
        TLS, or with a setup SGE901 refuses.
        """
        worker, shared = self.profile.worker, self.profile.site.shared_directory
        ca, cert, key = worker.tls_ca_file, worker.tls_cert, worker.tls_key
        if not worker.security:
            return None
        if ca and cert and key:
            return ca, cert, key
        if ca or cert or key or not shared:
            return None
        folder = f"{shared.rstrip('/')}/{TLS_FOLDER_PREFIX}{TLS_PLACEHOLDER}"
        return f"{folder}/ca.pem", f"{folder}/cert.pem", f"{folder}/key.pem"

    @property
    def scheduler_placeholder(self) -> str:
        """What ``render`` writes for the scheduler's address: ``tls://`` under TLS, ``tcp://`` otherwise."""
        return (
            SCHEDULER_PLACEHOLDER.replace("tcp://", "tls://") if self.profile.worker.security else SCHEDULER_PLACEHOLDER
        )


def share(total: int, slots: int, per_slot: bool) -> int:
    """What to request of a consumable so the job gets ``total``: per slot (rounded up) where SGE multiplies."""
    return -(-total // slots) if per_slot else total


def compile_profile(profile: Profile) -> Plan:
    """Order every directive the profile asks for: structured keys first, then ``job.directives``."""
    job, site = profile.job, profile.site
    wanted: list[dirs.Directive] = []

    def add(key: str, *args: str, origin: KeyPath | None = None, option: str | None = None) -> None:
        """The directive the one table says ``key`` writes (``option``, of those it writes)."""
        chosen = option or vocabulary.options_of(key)[0]
        wanted.append(dirs.Directive(chosen, args, origin or tuple(key.split("."))))

    add("job.name", job.name)
    if job.queue:
        add("job.queue", job.queue)
    if job.project:
        add("job.project", job.project)
    for r in job.resources:
        add("job.resources", f"{r.name}={r.value}", origin=("job", "resources", r.name))
    unasked = Plan(profile, ())
    for view in unasked.memory_views:
        if view.derived_memory:
            add("job.resources", f"{view.memory_resource}={view.derived_memory}", origin=("worker", "memory"))
    gpus = unasked.gpu_reservation
    if gpus and gpus.derived:
        add("job.resources", f"{gpus.resource}={gpus.text}", origin=gpus.origin)
    if job.walltime:
        add("job.walltime", f"h_rt={job.walltime.seconds}")
    if job.log_directory:
        for option in vocabulary.options_of("job.log_directory"):
            if not (option == "-e" and job.join_output):  # joined output has no error file
                add("job.log_directory", job.log_directory.rstrip("/") + "/", option=option)
    if job.cwd:
        add("job.cwd")
    if job.join_output:
        add("job.join_output", "y")
    if site.pe:
        add("site.pe", site.pe, str(profile.slots))
    if job.export_env:
        add("job.export_env")
    add("site.shell", site.shell)
    wanted.extend(job.directives)
    return Plan(profile, tuple(wanted))
