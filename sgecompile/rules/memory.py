"""SGE1xx memory units, and SGE3xx what SGE reserves against what dask may use."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from .. import directives as dirs
from ..memoryresources import effect, limits
from ..models import is_memory_complex, memory_entries
from ..plan import MEASURED_FAILURE_SHARE, Plan, Reservation, compile_profile
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
    """What ``64GB`` may have meant, in SGE's units: the binary unit, the nearest binary amount, the exact amount."""
    plain = re.fullmatch(r"([1-9][0-9]*)([kmgtKMGT])[bB]", text)
    if not plain:  # zero, or hex or octal digits (SGE102): no decimal reading to offer
        return _SGE_MEMORY
    digits, prefix = plain.groups()
    n, power = int(digits), "kmgt".index(prefix.lower()) + 1
    amount = n * 1000**power
    binary = f"{n}{prefix.upper()}"
    readings = [f"`{binary}` = {describe_bytes(n * 1024**power)}"]
    if amount >= GIB and (near := _nearest_binary(amount))[0] != binary:
        readings.append(f"`{near[0]}` ≈ {describe_bytes(near[1])}")
    readings.append(f"exactly {describe_bytes(amount)}: `{n}{prefix.lower()}`")
    return "Write one of: " + "; ".join(readings) + "."


_NEAR_PERCENT = 2  # a binary amount offered for a decimal one is at most this far from it


def _nearest_binary(amount: int) -> tuple[str, int]:
    """The whole G nearest ``amount`` when it is within ``_NEAR_PERCENT`` (64 GB: `60G`), else the whole M
    nearest (1.5 GB: `1431M`, not `1G`, 28 % less), and its bytes; in integers, as amounts may exceed 2^53."""
    gib = (amount + GIB // 2) // GIB
    if abs(gib * GIB - amount) * 100 <= amount * _NEAR_PERCENT:
        return f"{gib}G", gib * GIB
    mib = (amount + MIB // 2) // MIB  # within 0.05 % of a GiB or more
    return f"{mib}M", mib * MIB


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


_FEW_DIGITS = re.compile(r"[0-9]{1,7}")  # bytes below a mebibyte, as a number with no unit


def memory_without_unit(plan: Plan) -> Iterator[Finding]:
    """A memory request to SGE with no unit, under a mebibyte: `h_vmem=4`.

    Why: SGE reads a number with no unit as bytes, so `h_vmem = 4` is a limit
    of 4 bytes, and the job is killed as soon as it starts (or `mem_free=4`
    asks for nothing at all).
    Use instead: the unit meant: `h_vmem = "4G"`.
    """
    for d in plan.requested:
        if d.option != "-l":
            continue
        name, value = d.resource, d.amount
        if _FEW_DIGITS.fullmatch(value.strip()) and is_memory_complex(plan.profile.site, name) and 0 < int(value) < MIB:
            yield Finding(
                d.origin,
                f"`-l {d.args[0]}` has no unit, so SGE reads it as {describe_bytes(int(value))}",
                f"Write the unit meant: {name}={value.strip()}M or {name}={value.strip()}G.",
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
    """`worker.memory` written like an SGE amount (`64G`, `64g`), where the SGE request is derived from it.

    Why: `worker.memory` is read in dask units, where `G` and `g` are both 10^9
    bytes; SGE reads `64G` as 64 GiB. The same text means two amounts 7 % apart
    in the profile that derives `-l h_vmem=...` from it. (Where the request is
    written out, SGE never sees `worker.memory`: SGE301, SGE302 and SGE304
    compare the two amounts.)
    Use instead: `memory = "64GB"` (64 x 10^9) or `memory = "64GiB"` (64 x 2^30).
    """
    value = ctx.loaded.values["worker"].get("memory")
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT])\s*", value) if isinstance(value, str) else None
    if match and _derived_from_worker_memory(ctx):
        number, unit = match[1], match[2].upper()
        yield Finding(
            ("worker", "memory"),
            f"worker.memory {value!r} is read by dask as {number} {unit}B ({unit} = 10^{3 * ' KMGT'.index(unit)});"
            f" the SGE request derived from it is in SGE's units, where {number}{unit} would be {number} {unit}iB",
            f'Write "{number}{unit}B" or "{number}{unit}iB" to say which you mean.',
        )


def _derived_from_worker_memory(ctx: Context) -> bool:
    """Whether a memory request to SGE is derived from worker.memory (the site names a resource the profile does not request)."""
    if ctx.profile is not None:
        return any(view.derived_memory for view in compile_profile(ctx.profile).memory_views)
    site, written = ctx.loaded.values["site"], ctx.loaded.values["job"].get("resources")
    typed = isinstance(site.get("memory", {}), dict) and isinstance(site.get("memory_resource", ""), str)
    named = [name for name, _ in memory_entries(site)] if typed else []  # else a type error, which SGE005 reports
    return any(isinstance(name, str) and name not in (written if isinstance(written, dict) else {}) for name in named)


def reservation_below_dask_limit(plan: Plan) -> Iterator[Finding]:
    """A memory limit SGE enforces that is smaller than the memory dask gives the workers (`worker.memory`).

    Why: past an address-space limit (`h_vmem`, `s_vmem`, `h_data`) allocations
    fail, so workers die with MemoryError, or SGE kills the job, before dask's
    own limits (spill at 60 %, pause at 80 %) can act; past a resident limit
    (`h_rss`, a site's `mem` or `rmem`) the site kills the job.
    With `worker.task_memory`, the tasks' own programs use that much for each
    thread too.
    Use instead: the per-slot amount in the hint, or leave the resource out and
    let it be derived.
    """
    for view in (*plan.memory_views, *plan.limit_views):  # each memory resource of the site, each other limit
        yield from _below_dask_limit(view)


def _below_dask_limit(plan: Plan) -> Iterator[Finding]:
    found = plan.reservation
    if found and not found.derived and limits(found.resource) and _most_given(plan, found) < _used(plan)[0]:
        yield Finding(
            found.origin,
            f"SGE limits the job to {_reserved(plan, found)}, less than {_used(plan)[1]}: {_past_the_limit(found.resource)}"
            + _assumed(plan),
            _matching(plan, found),
        )


def _most_given(plan: Plan, found: Reservation) -> float:
    """The most SGE may give the job of a limit: per slot, times the most slots the header's -pe lets it have
    (a `-pe smp 16` in job.directives where cores make 8); no bound for an open range (`4-`)."""
    if found.multiplier == 1:
        return found.per_job
    slots = [found.multiplier]
    for d in plan.wanted("-pe"):
        for _, most in dirs.slot_ranges(d.args[1]) or [(None, None)]:
            if most is None:
                return math.inf  # `4-`, or no range SGE reads (SGE404): no certain bound
            slots.append(most)
    return found.per_request * max(slots)


def _used(plan: Plan) -> tuple[int, str]:
    """What the workers may use, dask's memory and the tasks' own programs (``task_memory``), in bytes and in words."""
    worker = plan.profile.worker
    dask = (
        f"worker.memory {worker.memory.text!r} ({describe_bytes(worker.memory.bytes)}) that dask lets the workers use"
    )
    if not worker.task_memory:
        return worker.memory.bytes, dask
    used = worker.memory.bytes + worker.tasks_memory
    tasks = f"task_memory {worker.task_memory.text!r} x {worker.cores} threads for the tasks' own programs"
    return used, f"{describe_bytes(used)}: {dask}, and {tasks}"


def _past_the_limit(resource: str) -> str:
    """What happens to a job that uses more than its limit of ``resource``."""
    if effect(resource) == "address-space":
        return "past it allocations fail, so workers die with MemoryError (or SGE kills the job) before dask can spill or pause"
    return "the site kills the job when it uses more, before dask can spill or pause"


def reservation_below_job_needs(plan: Plan) -> Iterator[Finding]:
    """A memory request that covers less than the job may use, where going past it is not certain to fail.

    Why: an address-space limit (`h_vmem`) equal to `worker.memory` also has to
    hold what each Python process maps beyond its data (about 320 MiB for the
    worker and as much for its nanny, 64 MiB per thread): a worker under an
    `h_vmem` equal to its dask limit failed with MemoryError holding 79 % of it,
    while dask spills at 60 % and pauses at 80 %, so many workloads never get
    there. A request that only places the job (`mem_free`, `m_mem_free`) below
    `worker.memory` lets the workers use more than the host set aside.
    Use instead: the amount in the hint, or leave the resource out and let it be derived.
    """
    for view in plan.memory_views:  # each memory resource of the site
        yield from _below_job_needs(view)


def _below_job_needs(plan: Plan) -> Iterator[Finding]:
    found = plan.reservation
    dask = plan.profile.worker.memory
    if not found or found.derived or found.per_job >= plan.job_needs:
        return
    if effect(found.resource) == "address-space" and found.per_job >= dask.bytes:
        overhead = plan.job_needs - dask.bytes
        message = (
            f"SGE limits the job's address space to {_reserved(plan, found)}: that covers worker.memory {dask.text!r}"
            f" ({describe_bytes(dask.bytes)}) but not the {describe_bytes(overhead)} its Python processes map"
            f" beyond their data ({describe_bytes(plan.job_needs)} in all); measured, a worker under an h_vmem equal"
            f" to its dask limit failed with MemoryError holding {MEASURED_FAILURE_SHARE} % of it (dask pauses at 80 %)"
        )
    elif not limits(found.resource):
        message = (
            f"SGE sets aside {_reserved(plan, found)} for the job, less than worker.memory {dask.text!r}"
            f" ({describe_bytes(dask.bytes)}) that dask lets the workers use: nothing stops them using more than"
            " the host set aside for them"
        )
    else:
        return  # below worker.memory: SGE301
    yield Finding(found.origin, message + _assumed(plan), _matching(plan, found))


def _assumed(plan: Plan) -> str:
    """What was assumed of the memory resource when the site does not name it, for the end of a message."""
    if plan.outside_site:
        return (
            f" (the site's memory resources do not include {plan.memory_resource}: counted per slot, the most SGE"
            " gives a limit; `sgecompile check --live` asks the cluster)"
        )
    if not plan.memory_assumed:
        return ""
    counted = "per slot" if plan.per_slot else "once per job"
    return (
        f" (site.memory_resource is not set: the request of {plan.memory_resource} is taken as the job's memory,"
        f" counted {counted}; `sgecompile check --live` asks the cluster)"
    )


def reservation_far_above_dask_limit(plan: Plan) -> Iterator[Finding]:
    """The SGE memory reservation is more than twice what the job needs under dask's memory limit.

    Why: with `memory_per = "slot"`, SGE multiplies the request by the pe slots:
    `h_vmem=64G` with `-pe threaded 10` reserves 640 GiB. The job waits for a
    host that large, or blocks memory others could use, while dask uses only
    `worker.memory`.
    Use instead: the per-slot amount in the hint, or leave the resource out and
    let it be derived from `worker.memory`.
    """
    for view in plan.memory_views:  # each memory resource of the site
        yield from _far_above_dask_limit(view)


def _far_above_dask_limit(plan: Plan) -> Iterator[Finding]:
    found = plan.reservation
    dask = plan.profile.worker.memory
    if found and not found.derived and found.per_job > 2 * plan.job_needs:
        yield Finding(
            found.origin,
            f"SGE reserves {_reserved(plan, found)}, {found.per_job / dask.bytes:.0f}x worker.memory {dask.text!r} ({describe_bytes(dask.bytes)})"
            + _assumed(plan),
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
    dask = plan.profile.worker.memory
    unit = "per slot " if plan.per_slot else ""
    written_in = ".".join(map(str, found.origin[:2]))  # job.resources or job.directives
    fit = f"worker.memory {dask.text!r}" + plan.also_covered
    amount = f"{found.resource}={format_sge_memory(plan.matching_share)} {unit}"
    if plan.outside_site:
        return f"To fit {fit}, request {amount}(or remove it from {written_in}: the site's memory request is derived)."
    derive = f'set site.memory_resource = "{found.resource}" and ' if plan.memory_assumed else ""
    return f"To fit {fit}, request {amount}(or {derive}remove it from {written_in} and it is derived)."


# Resident memory of a process that has only imported distributed's worker (CPython 3.11, distributed 2026,
# measured here: 47 MiB). A --memory-limit below it is passed before the worker runs a task: the nanny restarts
# it at 95 % of its limit, again and again. The bound is below the measurement, so the finding is certain.
WORKER_START_MEMORY = 32 * MIB


def no_memory_per_process(plan: Plan) -> Iterator[Finding]:
    """`worker.memory` that gives each process less than a dask worker takes to start (32 MiB).

    Why: each process's `--memory-limit` is `worker.memory` / processes, rounded
    down. Importing distributed's worker alone takes 47 MiB, so a smaller
    limit is passed before any task runs and the nanny restarts the worker for
    ever; a limit of 0 dask reads as none at all. A number without a unit is
    bytes to dask (`memory = "16"`).
    Use instead: each process's share of real memory, with its unit, e.g. `memory = "16GB"`.
    """
    worker = plan.profile.worker
    share = worker.memory_per_process
    if share >= WORKER_START_MEMORY:
        return
    each = "0 bytes each, which dask reads as no memory limit" if share == 0 else f"{describe_bytes(share)} each"
    unit = " (a number without a unit is bytes to dask)" if worker.memory.text.strip().isdigit() else ""
    yield Finding(
        ("worker", "memory"),
        f"worker.memory {worker.memory.text!r} over {worker.processes} processes is {each}{unit}; a dask worker"
        " takes more than 32 MiB to start, so no worker would run",
        'Give each process its share of real memory, with its unit, e.g. memory = "16GB".',
    )


def host_consumable_without_host(plan: Plan) -> Iterator[Finding]:
    """`memory_per` or `gpu_per = "host"` on a Grid Engine that has no HOST consumables (Son of Grid Engine,
    `site.flavor = "sge"`).

    Why: SGE 8.1's consumables are YES (per slot) and JOB only (sge_complex(5)); HOST, debited once
    per host, is Univa / Altair's and Open Cluster Scheduler's. The cluster cannot count it that way.
    Use instead: `"job"` (the same amount for a `$pe_slots` job), or the cluster's flavor.
    """
    site = plan.profile.site
    if site.flavor != "sge" or site.gpu_per != "host" and all(per != "host" for _, per in site.memory):
        return
    table = plan.profile.source.values["site"].get("memory") or {}
    counted = [(n, per, ("site", "memory", n) if n in table else ("site", "memory_per")) for n, per in site.memory]
    if site.gpu_resource:
        counted.append((site.gpu_resource, site.gpu_per, ("site", "gpu_per")))
    for name, per, key in counted:
        if per == "host":
            yield Finding(
                key,
                f'{name} counted per "host": Son of Grid Engine has no HOST consumables (only YES, per slot, and JOB)',
                '"job" asks the same amount for a job on one host; or set site.flavor = "uge" or "ocs".',
            )
