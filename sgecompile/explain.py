"""What a compiled profile means, as rows a person can check against their intent.

Each row is one quantity the compiler worked out (processes, threads, memory
shares, slots, reservations, walltime) with the value and where it came from:
the file, line and column that set it, the default, or the arithmetic that
derived it from other rows. The table, ``--format json`` and ``--diagram``
all show these rows, so the three never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from . import directives as dirs
from .diagnostics import Location
from .plan import Plan
from .retirement import seconds
from .tomlpos import Path as KeyPath
from .units import describe_bytes, exact_sge_memory, format_dask_memory, format_hms, parse_sge_time


@attrs.frozen
class Source:
    """Where a row's value came from: a located key (``at``), or how it was worked out (``at`` None)."""

    text: str
    at: Location | None = None


@attrs.frozen
class Row:
    """One quantity: its text for people, its typed ``amount`` for programs, and its source.

    ``amount`` is bytes, seconds or a count (``unit`` says which), or a name
    (``unit`` None); None where the profile asks for nothing.
    """

    name: str  # the key of `explain --format json`
    what: str
    value: str
    source: Source
    amount: int | str | None
    unit: str | None = None


NOTHING = "nothing asked"  # the source of a row whose value is null


def origin(plan: Plan, key: KeyPath, unset: str = "default") -> Source:
    """Where a value was set: ``file:line:col`` (and the variant), or ``unset``."""
    found = plan.profile.source.origins.get(key)
    if found is None:
        return Source(unset)
    layer = f" ({found.layer})" if found.layer.startswith("variant") else ""
    return Source(f"{found.location}{layer}", found.location)


def _queues(plan: Plan) -> Row:
    """The queues the header asks for (`job.queue` and any `-q` of job.directives): the job may run in any of them."""
    asked = plan.wanted("-q")
    names = ",".join(d.args[0] for d in asked) or None
    where = origin(plan, asked[0].origin[:2]) if asked else origin(plan, ("job", "queue"))
    return Row("queue", "queue", names or "the cluster's default", where, names)


def _dask(amount: int) -> str:
    return f"{format_dask_memory(amount)} = {amount:,} bytes"


def _sge(amount: int, text: str | None = None) -> str:
    """An SGE amount as written (or in SGE's units where they hold it exactly), its bytes and their decimal reading.

    Never a rounded amount beside exact bytes: ``9537M`` is not 10,000,000,000 bytes.
    """
    written = text or exact_sge_memory(amount)
    return f"{written} = {amount_text(amount)}" if written else amount_text(amount)


def amount_text(amount: int) -> str:
    """Bytes as people read them: ``833,333,333 bytes (833.3 MB)``; the drawing writes them so too."""
    decimal = describe_bytes(amount)
    return f"{amount:,} bytes" + ("" if decimal.endswith(" bytes") else f" ({decimal})")


def explain(plan: Plan, jobs: int | None = None) -> list[Row]:
    """The rows of one plan; ``jobs`` is the number asked on the command line (``--jobs``), else ``worker.jobs``."""
    profile = plan.profile
    worker, job = profile.worker, profile.job
    jobs_source = Source("--jobs") if jobs else origin(plan, ("worker", "jobs"))
    jobs = jobs or worker.jobs
    rows = [
        Row("job_name", "job name", job.name, origin(plan, ("job", "name")), job.name),
        _queues(plan),
        Row("jobs", "jobs", str(jobs), jobs_source, jobs, "jobs"),
        Row(
            "processes_per_job",
            "processes per job",
            str(worker.processes),
            origin(plan, ("worker", "processes"), "derived from cores, as dask-jobqueue does"),
            worker.processes,
            "processes",
        ),
        _count("workers", "workers in all", jobs * worker.processes, "jobs x processes", "workers"),
        _threads_row(plan),
        _count(
            "threads_per_process", "threads per process", worker.threads_per_process, "cores / processes", "threads"
        ),
        _bytes("memory_per_job", "memory per job (dask)", worker.memory.bytes, origin(plan, ("worker", "memory"))),
        _bytes(
            "memory_per_process",
            "memory per process",
            worker.memory_per_process,
            Source("memory / processes, rounded down"),
        ),
        Row(
            "task_cores",
            "cores per task",
            str(worker.task_cores),
            origin(plan, ("worker", "task_cores")),
            worker.task_cores,
            "cores",
        ),
    ]
    rows += _task_memory_rows(plan)
    rows += _pe_rows(plan)
    rows += _reservation_rows(plan)
    rows.append(_more_memory_row(plan))
    rows.append(_gpu_row(plan))
    rows.append(_walltime_row(plan))
    rows.append(_lifetime_row(plan))
    return rows


def _count(name: str, what: str, amount: int, how: str, unit: str) -> Row:
    return Row(name, what, str(amount), Source(how), amount, unit)


def _bytes(name: str, what: str, amount: int, source: Source) -> Row:
    return Row(name, what, _dask(amount), source, amount, "bytes")


def _threads_row(plan: Plan) -> Row:
    """The threads the job's workers run: ``worker.cores``, or fewer where the processes do not divide it (SGE401)."""
    worker = plan.profile.worker
    threads = worker.processes * worker.threads_per_process
    how = (
        origin(plan, ("worker", "cores"))
        if threads == worker.cores
        else Source(f"processes x threads per process, of {worker.cores} cores")
    )
    return Row("threads_per_job", "threads per job", str(threads), how, threads, "threads")


def _task_memory_rows(plan: Plan) -> list[Row]:
    """What the tasks' own programs need, when ``worker.task_memory`` says: per task, and for every thread at once.

    Without it the rows are there, null, so that every profile's JSON has the same keys.
    """
    worker = plan.profile.worker
    if not worker.task_memory:
        unset = origin(plan, ("worker", "task_memory"), NOTHING)
        return [
            Row("task_memory", "memory per task", "none given", unset, None, "bytes"),
            Row("tasks_memory_per_job", "task memory per job", "none given", unset, None, "bytes"),
            Row("worker_resources", "dask resources per process", "none", unset, None),
        ]
    return [
        _bytes("task_memory", "memory per task", worker.task_memory.bytes, origin(plan, ("worker", "task_memory"))),
        _bytes("tasks_memory_per_job", "task memory per job", worker.tasks_memory, Source("task_memory x cores")),
        Row(
            "worker_resources",
            "dask resources per process",
            worker.resources_text,
            Source("task_cores and task_memory x threads per process"),
            worker.resources_text,
        ),
    ]


def _pe_rows(plan: Plan) -> list[Row]:
    """The -pe as the header has it: from site.pe or job.directives, or none (both rows null then).

    The slots are ``cores x task_cores``: a -pe in job.directives that asks
    other counts is an error (SGE403), and nothing is explained then.
    """
    pe = next(iter(plan.wanted("-pe")), None)
    if pe is None:
        return [
            Row("pe", "parallel environment", "none", origin(plan, ("site", "pe"), NOTHING), None),
            Row("pe_slots", "pe slots", "no -pe: SGE reserves 1 slot", Source(NOTHING), None, "slots"),
        ]
    how = Source("cores x task_cores") if pe.origin == ("site", "pe") else origin(plan, pe.origin)
    slots = f"{pe.args[1]} ({pe.text})"
    return [
        Row("pe", "parallel environment", pe.args[0], origin(plan, pe.origin), pe.args[0]),
        Row("pe_slots", "pe slots", slots, how, plan.profile.slots, "slots"),
    ]


def _gpu_row(plan: Plan) -> Row:
    """The GPUs SGE reserves for the job: the request, counted as the site counts it; null when none is asked."""
    found = plan.gpu_reservation
    if found is None:
        return Row(
            "gpus_per_job", "GPUs per job", "none asked", origin(plan, ("worker", "gpus"), NOTHING), None, "GPUs"
        )
    counted = f"per slot x {found.multiplier} slots" if found.multiplier > 1 else "once per job"
    how = Source("derived from worker.gpus") if found.derived else origin(plan, found.origin)
    value = f"{found.per_job} ({found.resource}={found.text} {counted})"
    return Row("gpus_per_job", "GPUs per job", value, how, found.per_job, "GPUs")


def _walltime_row(plan: Plan) -> Row:
    """The h_rt the header asks for (from job.walltime or job.directives; none when job.skip drops -l)."""
    asked = plan.resource("h_rt")
    if asked is None:
        skipped = plan.profile.job.walltime is not None  # job.skip drops every -l: SGE204 says so too
        source = origin(plan, ("job", "skip")) if skipped else Source("default")
        return Row("walltime", "walltime", "none asked: the queue's h_rt applies", source, None, "seconds")
    seconds = parse_sge_time(asked.amount).seconds  # typing has checked it
    return Row(
        "walltime", "walltime", f"{seconds} s = {format_hms(seconds)}", origin(plan, asked.origin), seconds, "seconds"
    )


def _lifetime_row(plan: Plan) -> Row:
    """Each worker's dask lifetime, how it came about, and when the workers leave; null without one."""
    found = plan.retirement
    if found is None or found.lifetime is None:
        return Row(
            "worker_lifetime", "worker lifetime", f"none: {_no_lifetime(plan)}", Source(NOTHING), None, "seconds"
        )
    window = f"{seconds(found.earliest)}-{seconds(found.latest)} s"
    value = f"{seconds(found.lifetime)} s +/- {seconds(found.stagger)} s (they leave at {window})"
    how = origin(plan, ("worker", "extra_args")) if found.given else Source(found.arithmetic)
    return Row("worker_lifetime", "worker lifetime", value, how, round(found.lifetime), "seconds")


def _no_lifetime(plan: Plan) -> str:
    """Why the workers get no lifetime."""
    found = plan.retirement
    if plan.resource("h_rt") is None:
        return "no walltime"
    if found is None:
        return "worker.command is not distributed's worker (SGE607)"
    return "extra_args gives no --lifetime (SGE205)" if found.given else "none fits the walltime (SGE205)"


def _reservation_rows(plan: Plan) -> list[Row]:
    """The memory request, per slot and per job; each row is there, null where nothing is asked."""
    found = plan.reservation
    name = found.resource if found else plan.profile.site.memory_resource or "memory"
    named = (
        ("site", "memory_resource")
        if ("site", "memory_resource") in plan.profile.source.origins
        else ("site", "memory")
    )
    resource_from = origin(plan, named, NOTHING)
    if found is None:
        skipped = bool(plan.profile.site.memory_resource)  # set, yet not asked: job.skip drops every -l
        text, source = (
            (f"{name}: job.skip removes every -l", origin(plan, ("job", "skip")))
            if skipped
            else ("none", resource_from)
        )
        return [
            Row("memory_resource", "SGE memory resource", text, source, None),
            Row("sge_memory_per_slot", f"SGE {name} per slot", "none asked", source, None, "bytes"),
            Row("sge_memory_per_job", f"SGE {name} per job", "none asked", source, None, "bytes"),
        ]
    resource = Row("memory_resource", "SGE memory resource", name, resource_from, found.resource)
    per_slot, per_job = f"SGE {name} per slot", f"SGE {name} per job"
    derived = "derived from worker.memory" + plan.also_covered
    how = Source(derived) if found.derived else origin(plan, found.origin)
    if not plan.per_slot:
        why = _not_per_slot(plan)
        return [
            resource,
            Row("sge_memory_per_slot", per_slot, f"not counted per slot: {why}", Source(NOTHING), None, "bytes"),
            Row("sge_memory_per_job", per_job, _sge(found.per_job, found.text), how, found.per_job, "bytes"),
        ]
    return [
        resource,
        Row("sge_memory_per_slot", per_slot, _sge(found.per_request, found.text), how, found.per_request, "bytes"),
        Row(
            "sge_memory_per_job",
            per_job,
            _sge(found.per_job),
            Source(f"per slot x {found.multiplier} slots"),
            found.per_job,
            "bytes",
        ),
    ]


def _not_per_slot(plan: Plan) -> str:
    """Why SGE does not multiply the memory request by the slots (:attr:`Plan.per_slot`)."""
    per = plan.profile.site.memory_per
    if per != "slot":
        return f'memory_per = "{per}"'
    if not plan.multiplies(per):
        return "no -pe"
    return f"{plan.memory_resource} is a host's load value, counted once"


def _more_memory_row(plan: Plan) -> Row:
    """The site's other memory resources (``site.memory``), each as SGE reserves it; null when it has none."""
    parts = []
    for view in plan.memory_views[1:]:
        found = view.reservation
        if found is None:
            continue
        counted_as = f"per slot x {found.multiplier} = {_sge(found.per_job)}" if found.multiplier > 1 else "per job"
        parts.append(f"{found.resource}={found.text} {counted_as}")
    text = "; ".join(parts)
    source = origin(plan, ("site", "memory"), NOTHING)
    return Row("more_memory_requests", "more SGE memory requests", text or "none", source, text or None)


def counted(plan: Plan) -> dict[str, int]:
    """Each memory resource SGE reserves for the job, with the slots it multiplies the request by (1: once)."""
    return {v.reservation.resource: v.reservation.multiplier for v in plan.memory_views if v.reservation}


def requests(plan: Plan) -> list[dirs.Directive]:
    """The header's ``-l`` requests, hard and soft, in the order ``render`` writes them."""
    return [d for d in plan.directives if d.option == "-l"]


def table(rows: Sequence[Row]) -> str:
    """Rows as aligned text columns."""
    every = [("what", "value", "from"), *((r.what, r.value, r.source.text) for r in rows)]
    widths = [max(len(r[i]) for r in every) for i in (0, 1)]
    lines = [f"{what:<{widths[0]}}  {value:<{widths[1]}}  {source}".rstrip() for what, value, source in every]
    return "\n".join(lines) + "\n"


def as_json(rows: Sequence[Row]) -> dict[str, dict[str, object]]:
    """The rows as ``explain --format json`` prints them: by name, typed, with their file, line and column."""
    return {
        r.name: {
            "what": r.what,
            "value": r.amount,
            "unit": r.unit,
            "text": r.value,
            "from": r.source.text,
            "file": r.source.at.file if r.source.at else None,
            "line": r.source.at.line if r.source.at else None,
            "column": r.source.at.column if r.source.at else None,
        }
        for r in rows
    }
