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

from .diagnostics import Location
from .plan import Plan
from .tomlpos import Path as KeyPath
from .units import describe_bytes, format_dask_memory, format_hms, format_sge_memory, parse_sge_time


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


def origin(plan: Plan, key: KeyPath, unset: str = "default") -> Source:
    """Where a value was set: ``file:line:col`` (and the variant), or ``unset``."""
    found = plan.profile.source.origins.get(key)
    if found is None:
        return Source(unset)
    layer = f" ({found.layer})" if found.layer.startswith("variant") else ""
    return Source(f"{found.location}{layer}", found.location)


def _dask(amount: int) -> str:
    return f"{format_dask_memory(amount)} = {amount:,} bytes"


def _sge(amount: int, text: str | None = None) -> str:
    """SGE's binary units, with the decimal reading people confuse them with."""
    return f"{text or format_sge_memory(amount)} = {amount:,} bytes ({describe_bytes(amount)})"


def explain(plan: Plan, jobs: int | None = None) -> list[Row]:
    """The rows of one plan; ``jobs`` is the number asked on the command line (``--jobs``), else ``worker.jobs``."""
    profile = plan.profile
    worker, job = profile.worker, profile.job
    jobs_source = Source("--jobs") if jobs else origin(plan, ("worker", "jobs"))
    jobs = jobs or worker.jobs
    rows = [
        Row("job_name", "job name", job.name, origin(plan, ("job", "name")), job.name),
        Row("queue", "queue", job.queue or "the cluster's default", origin(plan, ("job", "queue")), job.queue),
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
        Row(
            "threads_per_job",
            "threads per job",
            str(worker.cores),
            origin(plan, ("worker", "cores")),
            worker.cores,
            "threads",
        ),
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
    rows.append(_walltime_row(plan))
    return rows


def _count(name: str, what: str, amount: int, how: str, unit: str) -> Row:
    return Row(name, what, str(amount), Source(how), amount, unit)


def _bytes(name: str, what: str, amount: int, source: Source) -> Row:
    return Row(name, what, _dask(amount), source, amount, "bytes")


def _task_memory_rows(plan: Plan) -> list[Row]:
    """What the tasks' own programs need, when ``worker.task_memory`` says: per task, and for every thread at once."""
    worker = plan.profile.worker
    if not worker.task_memory:
        return []
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
    """The -pe as the header has it: from site.pe or job.directives, or none.

    The slots are ``cores x task_cores``: a -pe in job.directives that asks
    other counts is an error (SGE403), and nothing is explained then.
    """
    pe = next(iter(plan.wanted("-pe")), None)
    if pe is None:
        return []
    how = Source("cores x task_cores") if pe.origin == ("site", "pe") else origin(plan, pe.origin)
    slots = f"{pe.args[1]} ({pe.text})"
    return [
        Row("pe", "parallel environment", pe.args[0], origin(plan, pe.origin), pe.args[0]),
        Row("pe_slots", "pe slots", slots, how, plan.profile.slots, "slots"),
    ]


def _walltime_row(plan: Plan) -> Row:
    """The h_rt the header asks for (from job.walltime or job.directives; none when job.skip drops -l)."""
    asked = plan.resource("h_rt")
    if asked is None:
        skipped = plan.profile.job.walltime is not None  # job.skip drops every -l: SGE204 says so too
        source = origin(plan, ("job", "skip")) if skipped else Source("default")
        return Row("walltime", "walltime", "none asked: the queue's h_rt applies", source, None, "seconds")
    seconds = parse_sge_time(asked.args[0].partition("=")[2]).seconds  # typing has checked it
    return Row(
        "walltime", "walltime", f"{seconds} s = {format_hms(seconds)}", origin(plan, asked.origin), seconds, "seconds"
    )


def _reservation_rows(plan: Plan) -> list[Row]:
    found = plan.reservation
    if found is None:
        return []
    derived = "derived from worker.memory" + plan.also_covered
    how = Source(derived) if found.derived else origin(plan, found.origin)
    resource = Row(
        "memory_resource",
        "SGE memory resource",
        found.resource,
        origin(plan, ("site", "memory_resource")),
        found.resource,
    )
    per_job = f"SGE {found.resource} per job"
    if found.multiplier == 1:
        return [
            resource,
            Row("sge_memory_per_job", per_job, _sge(found.per_job, found.text), how, found.per_job, "bytes"),
        ]
    return [
        resource,
        Row(
            "sge_memory_per_slot",
            f"SGE {found.resource} per slot",
            _sge(found.per_request, found.text),
            how,
            found.per_request,
            "bytes",
        ),
        Row(
            "sge_memory_per_job",
            per_job,
            _sge(found.per_job),
            Source(f"per slot x {found.multiplier} slots"),
            found.per_job,
            "bytes",
        ),
    ]


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
