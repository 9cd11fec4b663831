"""SGE1xx memory units, and SGE3xx what SGE reserves against what dask may use."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..models import memory_complexes
from ..plan import Plan, Reservation
from ..units import (
    GIB,
    MIB,
    UnitError,
    describe_bytes,
    exact_sge_memory,
    format_sge_memory,
    parse_sge_memory,
)
from . import Context, Finding


def decimal_unit_in_sge_memory(ctx: Context) -> Iterator[Finding]:
    """A memory request to SGE written with `kB`, `MB`, `GB` or `TB`.

    Why: SGE has no such units and rejects the job (`attribute "h_vmem" is not a
    memory value`). Its `G` is 1024^3 bytes and `g` is 1000^3, so the fix depends
    on which amount was meant.
    Use instead: `64G` (64 GiB = 68.7 GB) or `64g` (exactly 64 GB).
    """
    for failure in ctx.failed("decimal-suffix", kind="sge-memory"):
        text = failure.error.text.strip()
        yield Finding(
            failure.key, f"SGE has no memory unit in {text!r}: it rejects `kB`, `MB`, `GB` and `TB`", _readings(text)
        )


_SGE_MEMORY = 'SGE memory is a whole number with k, K, m, M, g, G, t or T (upper case: powers of 1024), e.g. "4G".'


def _readings(text: str) -> str:
    """What ``64GB`` may have meant, in SGE's units: the binary unit, the nearest other G, the exact amount."""
    plain = re.fullmatch(r"([1-9][0-9]*)([kmgtKMGT])[bB]", text)
    if not plain:  # zero, or hex or octal digits (SGE102): no decimal reading to offer
        return _SGE_MEMORY
    digits, prefix = plain.groups()
    n, power = int(digits), "kmgt".index(prefix.lower()) + 1
    amount = n * 1000**power
    readings = [f"`{n}{prefix.upper()}` = {describe_bytes(n * 1024**power)}"]
    near = round(amount / GIB)
    if amount >= GIB and (near, power) != (n, 3):
        readings.append(f"`{near}G` ≈ {describe_bytes(near * GIB)}")
    readings.append(f"exactly {describe_bytes(amount)}: `{n}{prefix.lower()}`")
    return "Write one of: " + "; ".join(readings) + "."


def octal_memory(ctx: Context) -> Iterator[Finding]:
    """An SGE memory amount with a leading zero.

    Why: SGE reads numbers that start with 0 as octal, so `010G` is 8 GiB, not 10.
    Use instead: `10G`.
    """
    for failure in ctx.failed("octal", kind="sge-memory"):
        value = failure.error.text
        try:
            amount = parse_sge_memory(value).bytes
        except UnitError:  # digits that are not octal at all, such as 09G
            yield Finding(failure.key, str(failure.error), "Leave out the leading zero.")
            continue
        plain = value.strip().lstrip("0") or "0"
        yield Finding(
            failure.key,
            f"SGE reads {value!r} as octal: {_sge_amount(amount)}",
            f"Write `{plain}` if you meant {plain}.",
        )


def not_sge_memory(ctx: Context) -> Iterator[Finding]:
    """A memory request to SGE that is not a number with one of SGE's units (k K m M g G).

    Why: qsub rejects it at submit time.
    Use instead: `resources = { h_vmem = "4G" }`.
    """
    for failure in ctx.failed("not-a-number", "unknown-unit", "not-positive", kind="sge-memory"):
        yield Finding(
            failure.key,
            str(failure.error),
            _SGE_MEMORY,
        )


def memory_without_unit(plan: Plan) -> Iterator[Finding]:
    """A memory request to SGE with no unit, under a mebibyte: `h_vmem=4`.

    Why: SGE reads a number with no unit as bytes, so `h_vmem = 4` is a limit
    of 4 bytes, and the job is killed as soon as it starts (or `mem_free=4`
    asks for nothing at all).
    Use instead: the unit meant: `h_vmem = "4G"`.
    """
    memory = memory_complexes(plan.profile.site.memory_resource)
    for d in plan.requested:
        if d.option != "-l":
            continue
        name, _, value = d.args[0].partition("=")
        if name.strip() in memory and re.fullmatch(r"[0-9]{1,7}", value.strip()) and 0 < int(value) < MIB:
            yield Finding(
                d.origin,
                f"`-l {d.args[0]}` has no unit, so SGE reads it as {describe_bytes(int(value))}",
                f"Write the unit meant: {name.strip()}={value.strip()}M or {name.strip()}={value.strip()}G.",
            )


def not_dask_memory(ctx: Context) -> Iterator[Finding]:
    """`worker.memory` (or `worker.task_memory`) that is not a number and a dask unit (`64GB`, `2.5GiB`, `4000000000`).

    Why: the workers' memory limit (and the SGE request derived from it) needs an exact amount.
    dask itself reads more (`1_000GB`, `1 000GB`, `5.GB`, a bare `MB`), and
    sgecompile does not: such texts are more often typos than amounts.
    Use instead: `memory = "64GB"` (GB = 10^9 bytes) or `"64GiB"` (2^30).
    """
    for failure in ctx.failed("not-a-number", "unknown-unit", "not-positive", "too-large", kind="memory"):
        yield Finding(
            failure.key,
            f"{'.'.join(map(str, failure.key))}: {failure.error}",
            'Write it in dask units, e.g. "64GB" or "64GiB".',
        )


def sge_style_worker_memory(ctx: Context) -> Iterator[Finding]:
    """`worker.memory` written like an SGE amount (`64G`, `64g`).

    Why: `worker.memory` is read in dask units, where `G` and `g` are both 10^9
    bytes; SGE reads `64G` as 64 GiB. The same text means two amounts 7 % apart.
    Use instead: `memory = "64GB"` (64 x 10^9) or `memory = "64GiB"` (64 x 2^30).
    """
    value = ctx.loaded.values["worker"].get("memory")
    if isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*[kKmMgGtT]\s*", value):
        number, unit = value.strip()[:-1], value.strip()[-1]
        yield Finding(
            ("worker", "memory"),
            f"worker.memory {value!r} is read by dask as {number} {unit.upper()}B ({unit} = 10^{3 * ' kmgt'.index(unit.lower())}); SGE would read {number}{unit.upper()} as {number} {unit.upper()}iB",
            f'Write "{number}{unit.upper()}B" or "{number}{unit.upper()}iB" to say which you mean.',
        )


def reservation_below_dask_limit(plan: Plan) -> Iterator[Finding]:
    """The SGE memory reservation is smaller than what the job needs under dask's memory limit.

    Why: SGE kills the job when it passes its reservation, before dask's own
    limits can spill to disk, pause or restart a worker: tasks die with no
    memory error in dask's logs. An address-space limit (`h_vmem`, `s_vmem`)
    also counts what each Python process maps beyond its data: about 320 MiB
    for the worker and as much for its nanny, and 64 MiB per thread. With
    `worker.task_memory`, the tasks' own programs need that much for each
    thread too.
    Use instead: the per-slot amount in the hint, or leave the resource out and
    let it be derived.
    """
    found = plan.reservation
    if found and not found.derived and found.per_job < plan.job_needs:
        yield Finding(
            found.origin,
            f"SGE reserves {_reserved(plan, found)}, less than {_needs(plan)}: SGE kills the job before dask can spill or pause",
            _matching(plan, found),
        )


def _needs(plan: Plan) -> str:
    worker = plan.profile.worker
    parts = [f"worker.memory {worker.memory.text!r} ({describe_bytes(worker.memory.bytes)})"]
    if worker.task_memory:
        parts.append(
            f"worker.task_memory {worker.task_memory.text!r} x {worker.cores} threads = {describe_bytes(worker.tasks_memory)} for the tasks' programs"
        )
    if plan.counts_processes:
        parts.append("the Python processes' own address space")
    if len(parts) == 1:
        return parts[0]
    return f"the {describe_bytes(plan.job_needs)} the job {'maps' if plan.counts_processes else 'needs'}: {' and '.join(parts)}"


def reservation_far_above_dask_limit(plan: Plan) -> Iterator[Finding]:
    """The SGE memory reservation is more than twice what the job needs under dask's memory limit.

    Why: with `memory_per = "slot"`, SGE multiplies the request by the pe slots:
    `h_vmem=64G` with `-pe threaded 10` reserves 640 GiB. The job waits for a
    host that large, or blocks memory others could use, while dask uses only
    `worker.memory`.
    Use instead: the per-slot amount in the hint, or leave the resource out and
    let it be derived from `worker.memory`.
    """
    found = plan.reservation
    dask = plan.profile.worker.memory
    if found and not found.derived and found.per_job > 2 * plan.job_needs:
        yield Finding(
            found.origin,
            f"SGE reserves {_reserved(plan, found)}, {found.per_job / dask.bytes:.0f}x worker.memory {dask.text!r} ({describe_bytes(dask.bytes)})",
            _matching(plan, found),
        )


def _reserved(plan: Plan, found: Reservation) -> str:
    if found.multiplier > 1:
        return f"{found.resource}={found.text} per slot x {found.multiplier} slots = {_sge_amount(found.per_job)}"
    return f"{found.resource}={found.text} ({describe_bytes(found.per_job)})"


def _sge_amount(amount: int) -> str:
    """``8G (8.6 GB)``; only the bytes where SGE's units would round (8 bytes is no "1M")."""
    exact = exact_sge_memory(amount)
    return f"{exact} ({describe_bytes(amount)})" if exact else describe_bytes(amount)


def _matching(plan: Plan, found: Reservation) -> str:
    site, dask = plan.profile.site, plan.profile.worker.memory
    unit = "per slot " if plan.per_slot else ""
    written_in = ".".join(map(str, found.origin[:2]))  # job.resources or job.directives
    fit = f"worker.memory {dask.text!r}" + plan.also_covered
    return f"To fit {fit}, request {site.memory_resource}={format_sge_memory(plan.matching_share)} {unit}(or remove it from {written_in} and it is derived)."


def no_memory_per_process(plan: Plan) -> Iterator[Finding]:
    """`worker.memory` that gives each process less than one byte.

    Why: each process's `--memory-limit` is `worker.memory` / processes, rounded
    down, and dask reads a limit of 0 as no limit at all.
    Use instead: at least one byte for each process; in practice gigabytes, e.g. `memory = "16GB"`.
    """
    worker = plan.profile.worker
    if worker.memory_per_process == 0:
        yield Finding(
            ("worker", "memory"),
            f"worker.memory {worker.memory.text!r} over {worker.processes} processes is 0 bytes each, which dask reads as no memory limit",
            'Give each process its share of real memory, e.g. memory = "16GB".',
        )
