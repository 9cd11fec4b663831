"""SGE8xx: the compiled job against what the live cluster says (``sgecompile check --live``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..compiler import Plan
from ..diagnostics import Severity
from ..units import UnitError, describe_bytes, format_hms, format_sge_memory, parse_sge_memory
from . import Context, Finding, rule

if TYPE_CHECKING:
    from ..facts import Facts, Host

CONSUMABLE_MEANS = {"YES": "slot", "JOB": "job"}


def _live(ctx: Context) -> tuple[Plan, Facts]:
    assert ctx.plan is not None and ctx.facts is not None
    return ctx.plan, ctx.facts


def _hosts(plan: Plan, facts: Facts) -> list[Host]:
    """The hosts the job could run on: its queue's, or every execution host."""
    queue = facts.queues.get(plan.profile.job.queue or "")
    names = queue.hosts if queue else tuple(facts.hosts)
    return [facts.hosts[n] for n in names if n in facts.hosts]


@rule("SGE801", Severity.ERROR, "cluster")
def unknown_queue(ctx: Context) -> Iterator[Finding]:
    """`job.queue` names a queue the cluster does not have.

    Why: qsub refuses the job ("job requests unknown queue").
    Example: `queue = "256G-batch"` on a cluster whose queues are `all.q` and `long.q`.
    Use instead: a queue from `qconf -sql` (the hint lists them).
    """
    plan, facts = _live(ctx)
    queue = plan.profile.job.queue
    if queue and queue not in facts.queues:
        yield Finding(
            ("job", "queue"), f"the cluster has no queue {queue!r}", f"Queues here: {', '.join(sorted(facts.queues))}."
        )


@rule("SGE802", Severity.ERROR, "cluster")
def unknown_pe(ctx: Context) -> Iterator[Finding]:
    """`site.pe` names a parallel environment the cluster (or the job's queue) does not offer.

    Why: qsub refuses an unknown pe; a pe missing from the queue's `pe_list` leaves the job pending forever.
    Example: `pe = "smp"` on a cluster whose pe is `threaded`.
    Use instead: a pe from `qconf -spl` that the queue lists in its `pe_list`.
    """
    plan, facts = _live(ctx)
    pe, queue = plan.profile.site.pe, facts.queues.get(plan.profile.job.queue or "")
    if pe and pe not in facts.pes:
        yield Finding(
            ("site", "pe"),
            f"the cluster has no parallel environment {pe!r}",
            f"Parallel environments here: {', '.join(sorted(facts.pes)) or 'none'}.",
        )
    elif pe and queue and pe not in queue.pes:
        yield Finding(
            ("site", "pe"),
            f"queue {queue.name!r} does not offer parallel environment {pe!r}",
            f"Its pe_list: {', '.join(queue.pes) or 'none'}.",
        )


@rule("SGE803", Severity.ERROR, "cluster")
def unknown_resource(ctx: Context) -> Iterator[Finding]:
    """A `-l` resource the cluster does not know, or does not let jobs request.

    Why: qsub refuses the job ("unknown resource").
    Example: `resources = { mem_req = "8G" }` where the complex is called `mem_free`.
    Use instead: a requestable complex from `qconf -sc`.
    """
    plan, facts = _live(ctx)
    shortcuts = {c.shortcut: c.name for c in facts.complexes.values()}
    for d in plan.directives:
        if d.option != "-l":
            continue
        name = d.args[0].split("=", 1)[0]
        known = facts.complexes.get(shortcuts.get(name, name))
        if known is None:
            yield Finding(
                d.origin, f"the cluster has no resource {name!r}", "See `qconf -sc` for the resources jobs may request."
            )
        elif not known.requestable:
            yield Finding(
                d.origin,
                f"resource {name!r} is not requestable on this cluster",
                "Leave it out; the administrator sets it.",
            )


@rule("SGE804", Severity.WARNING, "cluster")
def memory_per_disagrees(ctx: Context) -> Iterator[Finding]:
    """`site.memory_per` disagrees with how the cluster counts the memory resource.

    Why: a consumable `YES` is reserved per slot (SGE multiplies it by the pe slots), `JOB` once per job.
    The live check uses the cluster's rule for every memory finding, and says so here.
    Example: `memory_per = "job"` while `qconf -sc` shows h_vmem consumable YES.
    Use instead: the value the hint gives.
    """
    plan, facts = _live(ctx)
    resource = plan.profile.site.memory_resource
    complex_ = facts.complexes.get(resource or "")
    if complex_ is None:
        return
    written = ctx.loaded.values["site"].get("memory_per", "slot")
    actual = CONSUMABLE_MEANS.get(complex_.consumable)
    if actual is None:
        yield Finding(
            ("site", "memory_resource"),
            f"{resource} is not consumable here: SGE reserves no memory with it, it only picks hosts",
            "Use the consumable your site reserves memory with (`qconf -sc`, column consumable).",
        )
    elif actual != written:
        yield Finding(
            ("site", "memory_per"),
            f"{resource} is consumable {complex_.consumable} here, so SGE counts it per {actual}, not per {written}; this check counted it per {actual}",
            f'memory_per = "{actual}"',
        )


@rule("SGE805", Severity.ERROR, "cluster")
def larger_than_any_host(ctx: Context) -> Iterator[Finding]:
    """A job that no host of its queue can hold: more pe slots, or more memory, than any host has.

    Why: SGE accepts the job (unless `-w e`) and it waits in `qw` forever.
    Example: `cores = 64` on hosts with 32 slots; `h_vmem = "64G"` x 10 slots on 256 GiB hosts.
    Use instead: fewer cores or less memory per job, and more jobs.
    """
    plan, facts = _live(ctx)
    hosts = _hosts(plan, facts)
    queue = facts.queues.get(plan.profile.job.queue or "")
    pe = facts.pes.get(plan.profile.site.pe or "")
    if pe and queue and pe.per_host and plan.profile.slots > queue.slots:
        yield Finding(
            ("worker", "cores"),
            f"{plan.profile.slots} pe slots, but queue {queue.name!r} offers at most {queue.slots} on a host (allocation_rule $pe_slots)",
            f"Ask for at most {queue.slots} slots per job (cores x task_cores).",
        )
    found = plan.reservation
    if found is None or not hosts:
        return
    capacities = [_memory_capacity(h, found.resource) for h in hosts]
    largest = max((c for c in capacities if c is not None), default=None)
    if largest is not None and found.per_job > largest:
        at = ("worker", "memory") if found.derived else ("job", "resources", found.resource)
        yield Finding(
            at,
            f"the job reserves {format_sge_memory(found.per_job)} of {found.resource} ({describe_bytes(found.per_job)}), more than any host offers ({format_sge_memory(largest)})",
            "Ask for less memory per job, and more jobs.",
        )


def _memory_capacity(host: Host, resource: str) -> int | None:
    """What a host offers of a memory resource: its complex_values, else its physical memory."""
    if resource in host.capacities:
        try:
            return parse_sge_memory(host.capacities[resource]).bytes
        except UnitError:
            return None
    return host.memory


@rule("SGE806", Severity.ERROR, "cluster")
def walltime_beyond_queue(ctx: Context) -> Iterator[Finding]:
    """A walltime longer than the queue's `h_rt` limit.

    Why: SGE never schedules a job that asks for more than the queue allows; it waits in `qw`.
    Example: `walltime = "99:99:99"` (100:40:39) on a queue with `h_rt 48:00:00`.
    Use instead: at most the queue's limit (the hint gives it), or a queue with a longer one.
    """
    plan, facts = _live(ctx)
    queue = facts.queues.get(plan.profile.job.queue or "")
    wall = plan.profile.job.walltime
    if queue and queue.h_rt is not None and wall and wall.seconds > queue.h_rt:
        yield Finding(
            ("job", "walltime"),
            f"walltime {format_hms(wall.seconds)} is longer than queue {queue.name!r} allows (h_rt {format_hms(queue.h_rt)})",
            f'walltime = "{format_hms(queue.h_rt)}"',
        )


@rule("SGE807", Severity.ERROR, "cluster")
def qsub_verification_refused(ctx: Context) -> Iterator[Finding]:
    """`qsub -w v` (verify, submit nothing) refused the rendered script.

    Why: this is SGE's own judgement of the exact script; its message is quoted.
    Example: a resource request no queue instance can satisfy.
    Use instead: what SGE's message asks for; `sgecompile explain` shows what the profile requests.
    """
    if ctx.verification:
        yield Finding(
            (),
            f"qsub -w v refuses the script: {ctx.verification}",
            "Run `sgecompile render PROFILE | qsub -w v` to see it yourself.",
        )
