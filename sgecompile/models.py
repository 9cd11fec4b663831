"""Typed, frozen profile models, and the one function that builds them from merged tables.

``Profile.build`` types every value on the way in (memory as exact bytes with
its unit system, walltime as seconds, directives as parsed records). A value
that cannot be typed is recorded as a :class:`Failure` for the rules to
explain; the model is only built when every value could be typed.
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

from . import directives as dirs
from . import schema
from .loader import Loaded
from .memoryresources import MEMORY_VALUED, worker_memory_request
from .tomlpos import Path as KeyPath
from .units import (
    Memory,
    UnitError,
    Walltime,
    has_octal_trap,
    parse_dask_memory,
    parse_sge_memory,
    parse_sge_time,
    parse_walltime,
)
from .vocabulary import Flavor


def runs_dask_worker(words: list[str]) -> bool:
    """Whether a worker's start is distributed's own worker, the one that takes ``--nworkers``, ``--nanny`` and
    ``--lifetime``: its module, its ``dask-worker`` script or ``dask worker`` (dask-jobqueue looks at the
    module alone, as it has no other way to start one)."""
    program = words[-2:] if len(words) > 1 else ["", *words]
    return (
        any(pair == ("-m", DASK_WORKER_MODULE) for pair in zip(words, words[1:], strict=False))
        or os.path.basename(program[1]) == "dask-worker"
        or (os.path.basename(program[0]) == "dask" and program[1] == "worker")
    )


def is_memory_complex(site: Site, name: str) -> bool:
    """Whether ``name``'s values are SGE memory amounts: a resource sites are known to use, or one of the site's own."""
    return name in MEMORY_VALUED or name in dict(site.memory)


DASK_WORKER_MODULE = "distributed.cli.dask_worker"  # what `python -m` runs to start distributed's worker
MemoryPer = Literal["slot", "job", "host"]  # how SGE counts a consumable request (memory, GPUs): YES, JOB or HOST


@attrs.frozen
class Failure:
    """A value that could not be typed: where it is, what kind it should be, and why not."""

    key: KeyPath
    kind: schema.Kind | Literal["directive", "sge-memory"]  # what the value should have been
    error: UnitError | dirs.DirectiveError


@attrs.frozen
class Site:
    """The cluster's facts. ``memory_resource`` and ``memory_per`` are its first memory resource; ``memory`` all of them."""

    flavor: Flavor
    pe: str | None
    memory_resource: str | None
    memory_per: MemoryPer
    memory: tuple[tuple[str, MemoryPer], ...]  # the first one first
    gpu_resource: str | None
    gpu_per: MemoryPer  # how SGE counts the GPU request: consumable YES, JOB or HOST, as for memory
    scheduler_interface: str | None
    shared_directory: str | None
    shell: str
    required_options: tuple[str, ...]
    max_walltime: Walltime | None
    default_walltime: Walltime | None


@attrs.frozen
class Resource:
    """One ``-l name=value`` request; ``memory`` is set when the value is an SGE memory amount."""

    name: str
    value: str
    memory: Memory | None = None


@attrs.frozen
class Job:
    name: str
    queue: str | None
    project: str | None
    walltime: Walltime | None
    resources: tuple[Resource, ...]
    export_env: bool
    cwd: bool
    join_output: bool
    log_directory: str | None
    directives: tuple[dirs.Directive, ...]
    skip: tuple[str, ...]
    prologue: tuple[str, ...]


@attrs.frozen
class Worker:
    jobs: int
    max_jobs_at_once: int | None
    cores: int
    processes: int
    memory: Memory
    task_cores: int
    task_memory: Memory | None
    gpus: int | None
    python: str
    command: tuple[str, ...]
    death_timeout: int
    lifetime_margin: Walltime
    interface: str | None
    security: bool
    tls_ca_file: str | None
    tls_cert: str | None
    tls_key: str | None
    local_directory: str | None
    nanny: bool
    extra_args: tuple[str, ...]

    @property
    def start(self) -> list[str]:
        """The words that start the workers, before the scheduler's address: ``python -m
        distributed.cli.dask_worker``, or ``worker.command`` (after ``python`` when it starts with ``-m``)."""
        if not self.command:
            return [self.python, "-m", DASK_WORKER_MODULE]
        return [self.python, *self.command] if self.command[0] == "-m" else list(self.command)

    @property
    def runs_dask_worker(self) -> bool:
        """Whether the command is distributed's own worker (see :func:`runs_dask_worker`)."""
        return not self.command or runs_dask_worker(self.start)

    @property
    def threads_per_process(self) -> int:
        return self.cores // self.processes

    @property
    def memory_per_process(self) -> int:
        """Each process's share in bytes, rounded down so the shares never exceed the total."""
        return self.memory.bytes // self.processes

    @property
    def tasks_memory(self) -> int:
        """Bytes the tasks' own programs need at once: ``task_memory`` for each thread (0 when unset)."""
        return self.task_memory.bytes * self.cores if self.task_memory else 0

    @property
    def resources(self) -> dict[str, int]:
        """dask worker resources of each process, which tasks of ``sgecompile run`` ask for: one thread's
        ``task_cores`` and ``task_memory`` per thread. Empty without ``task_memory``, so that profiles
        written before it render as they did (the threads alone bound the tasks by cores).
        """
        if not self.task_memory:
            return {}
        threads = self.threads_per_process
        return {"cores": self.task_cores * threads, "memory": self.task_memory.bytes * threads}

    @property
    def task_resources(self) -> dict[str, int]:
        """What each task of ``sgecompile run`` takes of its worker's ``resources`` while it runs."""
        return {"cores": self.task_cores, "memory": self.task_memory.bytes} if self.task_memory else {}

    @property
    def resources_text(self) -> str:
        """The resources as ``dask worker --resources`` takes them: ``cores=10,memory=4000000000``."""
        return ",".join(f"{name}={amount}" for name, amount in self.resources.items())

    @property
    def resource_args(self) -> list[str]:
        """The worker command's ``--resources`` words, or none."""
        return ["--resources", self.resources_text] if self.resources else []


@attrs.frozen
class Profile:
    site: Site
    job: Job
    worker: Worker
    source: Loaded

    @property
    def slots(self) -> int:
        """pe slots: one per thread, times the cores each task's own program uses."""
        return self.worker.cores * self.worker.task_cores

    @classmethod
    def build(cls, loaded: Loaded) -> tuple[Profile | None, tuple[Failure, ...]]:
        """Type the merged tables; on any failure, no model (the failures say why)."""
        typer = _Typer(loaded.values)
        site = typer.site()
        job = typer.job(site)
        worker = typer.worker()
        if typer.failures or typer.untyped:
            return None, tuple(typer.failures)
        return cls(site, job, worker, loaded), ()


def memory_entries(site: Mapping[str, Any]) -> tuple[tuple[str, MemoryPer], ...]:
    """A site's memory resources as (resource, slot | job | host): ``memory_resource`` first, then ``memory``.

    Without ``memory_resource``, the first is the table's resource that holds
    the worker's memory best (an address-space limit before a resident one
    before a reservation), so that the one-resource checks look at it. For the
    same resource, the table wins.
    """
    table: dict[str, MemoryPer] = dict(site.get("memory") or {})  # typing has held each to its choices
    named = site.get("memory_resource")
    if named:
        table = {named: table.get(named, site.get("memory_per") or "slot"), **table}
    elif table:
        first = worker_memory_request(list(table)) or next(iter(table))
        table = {first: table[first], **table}
    return tuple(table.items())


def _site(values: dict[str, Any]) -> Site:
    """The site, with ``memory_resource`` and ``memory_per`` its first memory resource and ``memory`` all."""
    memory = memory_entries(values)
    del values["memory"]
    if memory:
        values["memory_resource"], values["memory_per"] = memory[0]
    return Site(**values, memory=memory)


def divisors(n: int) -> list[int]:
    """Every divisor of ``n`` (at least 1), ascending, found in sqrt(n) steps."""
    small = [d for d in range(1, math.isqrt(n) + 1) if n % d == 0]
    return small + [n // d for d in reversed(small) if d * d != n]


def default_processes(cores: int) -> int:
    """dask-jobqueue's split of cores into processes: all of them up to 4, else the smallest factor >= sqrt."""
    if cores <= 4:
        return cores
    return next(d for d in divisors(cores) if d * d >= cores)


def derived_worker_values(worker: dict[str, Any]) -> dict[str, tuple[Any, str]]:
    """The unset worker keys whose values the others decide, each with how: what ``Worker`` holds and ``config`` shows."""
    derived: dict[str, tuple[Any, str]] = {}
    if worker.get("python") is None:
        derived["python"] = (sys.executable, "the Python running sgecompile")
    cores = worker.get("cores")
    if worker.get("processes") is None and cores is not None and schema.accepts(schema.key("worker", "cores"), cores):
        derived["processes"] = (default_processes(cores), "derived from worker.cores, as dask-jobqueue does")
    return derived


# What a section is before the profile sets anything (lists as the tuples the models hold), and its required keys.
_DEFAULTS = {
    section: {k.name: tuple(k.default) if isinstance(k.default, list) else k.default for k in keys}
    for section, keys in schema.SECTIONS.items()
}
_REQUIRED = {section: frozenset(k.name for k in keys if k.required) for section, keys in schema.SECTIONS.items()}


class _Typer:
    """Reads merged values with defaults, recording failures instead of raising."""

    def __init__(self, values: dict[str, dict[str, Any]]) -> None:
        self.values = values
        self.failures: list[Failure] = []
        self.untyped = False  # a value of the wrong TOML type or missing: structure rules report it

    def section(self, section: str) -> dict[str, Any]:
        """Every key of one section: what the profile sets where its key accepts it, else the default.

        The defaults are not checked again (the schema's tests hold each to its key).
        Only the keys set are looked at: a profile sets a handful of some fifty.
        """
        table = self.values[section]
        got = dict(_DEFAULTS[section])
        keys = schema.BY_NAME[section]
        for name, value in table.items():
            k = keys.get(name)
            if k is None:  # an unknown key: SGE001 reports it
                continue
            if schema.accepts(k, value):
                got[name] = tuple(value) if isinstance(value, list) else value
            else:
                self.untyped = True
        self.untyped |= not _REQUIRED[section] <= table.keys()
        return got

    def typed(self, got: dict[str, Any], section: str, name: str, parse: Callable[[Any], Any]) -> Any:
        raw = got[name]
        if raw is None:
            return None
        try:
            return parse(raw)
        except (UnitError, dirs.DirectiveError) as error:
            self.failures.append(Failure((section, name), schema.key(section, name).kind, error))
            return None

    def site(self) -> Site:
        get = self.section("site")
        for name in ("max_walltime", "default_walltime"):
            get[name] = self.typed(get, "site", name, parse_walltime)
        return _site(get)

    def job(self, site: Site) -> Job:
        get = self.section("job")
        get["walltime"] = self.typed(get, "job", "walltime", parse_walltime)
        get["resources"] = self.resources(get["resources"] or {}, site)
        get["directives"] = self.directives(get["directives"] or (), site)
        return Job(**get)

    def resources(self, table: dict[str, Any], site: Site) -> tuple[Resource, ...]:
        return tuple(
            Resource(name, str(value), self.request(name, str(value), ("job", "resources", name), site))
            for name, value in table.items()
        )

    def directives(self, texts: tuple[str, ...], site: Site) -> tuple[dirs.Directive, ...]:
        out: list[dirs.Directive] = []
        for i, text in enumerate(texts):
            try:
                parsed = dirs.parse(text, ("job", "directives", i))
            except dirs.DirectiveError as error:
                self.failures.append(Failure(("job", "directives", i), "directive", error))
                continue
            for d in parsed:
                if d.option == "-l":
                    name, value = d.resource, d.amount
                    self.request(name, value, d.origin, site)
            out.extend(parsed)
        return tuple(out)

    def request(self, name: str, value: str, key: KeyPath, site: Site) -> Memory | None:
        """One ``-l`` request, from ``job.resources`` or ``job.directives`` alike: ``h_rt`` as SGE reads
        a time, a memory complex as SGE reads memory (its amount is returned); a leading zero, which SGE
        reads as octal, counts as a failure too."""
        try:
            if name == "h_rt":
                parse_sge_time(value)
            elif is_memory_complex(site, name):
                if has_octal_trap(value):
                    raise UnitError("octal", value, f"SGE reads {value!r} as octal")
                return parse_sge_memory(value)
        except UnitError as error:
            self.failures.append(Failure(key, "walltime" if name == "h_rt" else "sge-memory", error))
        return None

    def worker(self) -> Worker:
        get = self.section("worker")
        get["memory"] = self.typed(get, "worker", "memory", parse_dask_memory)
        get["task_memory"] = self.typed(get, "worker", "task_memory", parse_dask_memory)
        get["lifetime_margin"] = self.typed(get, "worker", "lifetime_margin", parse_walltime)
        get.update({name: value for name, (value, _) in derived_worker_values(get).items()})
        return Worker(**get)
