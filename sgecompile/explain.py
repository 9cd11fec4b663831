"""What a compiled profile means, as rows a person can check against their intent.

Each row is one quantity the compiler worked out (processes, threads, memory
shares, slots, reservations, walltime) with the value and where it came from:
the file, line and column that set it, the default, or the arithmetic that
derived it from other rows.
"""

from __future__ import annotations

import attrs

from .plan import Plan
from .tomlpos import Path as KeyPath
from .units import describe_bytes, format_dask_memory, format_hms, format_sge_memory, parse_sge_time


@attrs.frozen
class Row:
    what: str
    value: str
    source: str


def origin(plan: Plan, key: KeyPath, unset: str = "default") -> str:
    """Where a value was set: ``file:line:col`` (and the variant), or ``unset``."""
    found = plan.profile.source.origins.get(key)
    if found is None:
        return unset
    layer = f" ({found.layer})" if found.layer.startswith("variant") else ""
    return f"{found.location}{layer}"


def _dask(amount: int) -> str:
    return f"{format_dask_memory(amount)} = {amount:,} bytes"


def _sge(amount: int, text: str | None = None) -> str:
    """SGE's binary units, with the decimal reading people confuse them with."""
    return f"{text or format_sge_memory(amount)} = {amount:,} bytes ({describe_bytes(amount)})"


def explain(plan: Plan) -> list[Row]:
    profile = plan.profile
    worker, job = profile.worker, profile.job
    rows = [
        Row("queue", job.queue or "the cluster's default", origin(plan, ("job", "queue"))),
        Row("jobs", str(worker.jobs), origin(plan, ("worker", "jobs"))),
        Row(
            "processes per job",
            str(worker.processes),
            origin(plan, ("worker", "processes"), "derived from cores, as dask-jobqueue does"),
        ),
        Row("workers in all", str(worker.jobs * worker.processes), "jobs x processes"),
        Row("threads per job", str(worker.cores), origin(plan, ("worker", "cores"))),
        Row("threads per process", str(worker.threads_per_process), "cores / processes"),
        Row("memory per job (dask)", _dask(worker.memory.bytes), origin(plan, ("worker", "memory"))),
        Row("memory per process", _dask(worker.memory_per_process), "memory / processes, rounded down"),
        Row("cores per task", str(worker.task_cores), origin(plan, ("worker", "task_cores"))),
    ]
    pe = next(iter(plan.wanted("-pe")), None)  # as the header has it: from site.pe or job.directives, or none
    if pe:
        derived = pe.origin == ("site", "pe")
        rows.append(Row("parallel environment", pe.args[0], origin(plan, pe.origin)))
        rows.append(
            Row("pe slots", f"{pe.args[1]} ({pe.text})", "cores x task_cores" if derived else origin(plan, pe.origin))
        )
    rows += _reservation_rows(plan)
    rows.append(_walltime_row(plan))
    return rows


def _walltime_row(plan: Plan) -> Row:
    """The h_rt the header asks for (from job.walltime or job.directives; none when job.skip drops -l)."""
    asked = plan.resource("h_rt")
    if asked is None:
        skipped = plan.profile.job.walltime is not None  # job.skip drops every -l: SGE204 says so too
        return Row(
            "walltime", "none asked: the queue's h_rt applies", origin(plan, ("job", "skip")) if skipped else "default"
        )
    seconds = parse_sge_time(asked.args[0].partition("=")[2]).seconds  # typing has checked it
    return Row("walltime", f"{seconds} s = {format_hms(seconds)}", origin(plan, asked.origin))


def _reservation_rows(plan: Plan) -> list[Row]:
    found = plan.reservation
    if found is None:
        return []
    derived = "derived from worker.memory" + (" and its processes" if plan.counts_processes else "")
    how = derived if found.derived else origin(plan, found.origin)
    if found.multiplier == 1:
        return [Row(f"SGE {found.resource} per job", _sge(found.per_job, found.text), how)]
    return [
        Row(f"SGE {found.resource} per slot", _sge(found.per_request, found.text), how),
        Row(f"SGE {found.resource} per job", _sge(found.per_job), f"per slot x {found.multiplier} slots"),
    ]


def table(rows: list[Row]) -> str:
    """Rows as aligned text columns."""
    header = Row("what", "value", "from")
    every = [header, *rows]
    widths = [max(len(getattr(r, field)) for r in every) for field in ("what", "value")]
    lines = [f"{r.what:<{widths[0]}}  {r.value:<{widths[1]}}  {r.source}".rstrip() for r in every]
    return "\n".join(lines) + "\n"
