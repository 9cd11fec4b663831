"""SGE8xx: the compiled job against what the live cluster says (``sgecompile check --live``)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from .. import vocabulary
from ..memoryresources import ADDRESS_SPACE, HOST_LOAD, limits
from ..models import MemoryPer, memory_entries
from ..plan import Plan
from ..units import UnitError, describe_bytes, format_hms, format_sge_memory, parse_sge_memory, parse_sge_time
from . import Finding, Live
from .gpus import count

if TYPE_CHECKING:
    from ..clusterfacts import Facts, Host, Queue
    from ..directives import Directive

CONSUMABLE_MEANS: dict[str, MemoryPer] = {"YES": "slot", "JOB": "job", "HOST": "host"}  # qconf -sc, consumable


# The rules below read the header the job really has (structured keys and job.directives alike).


def _queues(plan: Plan) -> list[tuple[str, Directive]]:
    """Queue names the job asks for with -q (``a.q,b.q@host`` gives a.q and b.q); wildcards left out."""
    found = []
    for d in plan.wanted("-q"):
        for item in d.args[0].split(","):
            name = item.split("@")[0].strip()
            if name and not any(c in name for c in "*?["):
                found.append((name, d))
    return found


def _pe(plan: Plan) -> tuple[str, int, Directive] | None:
    """The parallel environment and the most slots the job may get."""
    for d in plan.wanted("-pe"):
        numbers = [int(n) for n in re.findall(r"[0-9]+", d.args[1])]
        return d.args[0], max(numbers, default=1), d
    return None


def _candidates(plan: Plan, facts: Facts) -> list[Queue]:
    """The queues the job could run in: those it asks for, or all."""
    asked = [facts.queues[name] for name, _ in _queues(plan) if name in facts.queues]
    return asked or list(facts.queues.values())


def unknown_queue(live: Live) -> Iterator[Finding]:
    """A queue (`job.queue` or `-q` in `job.directives`) the cluster does not have.

    Why: qsub refuses the job ("job requests unknown queue").
    Use instead: a queue from `qconf -sql` (the hint lists them).
    """
    plan, facts = live.plan, live.facts
    for name, d in _queues(plan):
        if name not in facts.queues:
            yield Finding(
                d.origin, f"the cluster has no queue {name!r}", f"Queues here: {', '.join(sorted(facts.queues))}."
            )


def unknown_pe(live: Live) -> Iterator[Finding]:
    """A parallel environment the cluster (or the job's queue) does not offer.

    Why: qsub refuses an unknown pe; a pe missing from every queue's `pe_list` leaves the job pending forever.
    Use instead: a pe from `qconf -spl` that the queue lists in its `pe_list`.
    """
    plan, facts = live.plan, live.facts
    found = _pe(plan)
    if found is None:
        return
    name, _, d = found
    queues = _candidates(plan, facts)
    if name not in facts.pes:
        yield Finding(
            d.origin,
            f"the cluster has no parallel environment {name!r}",
            f"Parallel environments here: {', '.join(sorted(facts.pes)) or 'none'}.",
        )
    elif queues and not any(name in q.pes for q in queues):
        offered = sorted({p for q in queues for p in q.pes})
        yield Finding(
            d.origin,
            f"no queue the job may use offers parallel environment {name!r}",
            f"They offer: {', '.join(offered) or 'none'}.",
        )


def unknown_resource(live: Live) -> Iterator[Finding]:
    """A `-l` resource the cluster does not know, or does not let jobs request.

    Why: qsub refuses the job ("unknown resource").
    Use instead: a requestable complex from `qconf -sc`.
    """
    plan, facts = live.plan, live.facts
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


def memory_per_disagrees(live: Live) -> Iterator[Finding]:
    """`site.memory_per` (or an entry of `site.memory`) disagrees with how the cluster counts that memory resource.

    Why: a consumable `YES` is reserved per slot (SGE multiplies it by the pe slots), `JOB` once per job;
    one that is no consumable reserves nothing (a limit such as `h_vmem` still limits the job).
    The live check uses the cluster's rule for every memory finding, and says so here.
    Use instead: the value the hint gives.
    """
    site = live.loaded.values["site"]
    table = site.get("memory") or {}
    inferred = live.plan.memory_resource  # from the job's own requests, where the site names none
    entries = memory_entries(site) or (((inferred, site.get("memory_per", "slot")),) if inferred else ())
    for resource, written in entries:
        complex_ = live.facts.complexes.get(resource)
        if complex_ is None:
            continue
        actual = CONSUMABLE_MEANS.get(complex_.consumable)
        if actual is None:
            does = "it still limits each job" if limits(resource) else "it only picks hosts"
            yield Finding(
                ("site", "memory", resource) if resource in table else ("site", "memory_resource"),
                f"{resource} is not consumable here: SGE reserves no memory with it, so jobs on a host may together"
                f" ask more than it has; {does}",
                "Use the consumable your site reserves memory with (`qconf -sc`, column consumable).",
            )
        elif actual != written:
            yield Finding(
                ("site", "memory", resource) if resource in table else ("site", "memory_per"),
                f"{resource} is consumable {complex_.consumable} here, so SGE counts it per {actual}, not per {written}; this check counted it per {actual}",
                f'{resource} = "{actual}"' if resource in table else f'memory_per = "{actual}"',
            )


def gpu_per_disagrees(live: Live) -> Iterator[Finding]:
    """`site.gpu_per` disagrees with how the cluster counts `site.gpu_resource`, or that resource reserves nothing.

    Why: a consumable `YES` is multiplied by the pe slots (`gpu=1` with 8 slots
    asks for 8 GPUs), `JOB` and `HOST` are counted once; one that is not
    consumable only picks hosts, and two jobs may share a GPU.
    Use instead: the value the hint gives, or the consumable your site reserves GPUs with.
    """
    plan, site = live.plan, live.plan.profile.site
    complex_ = live.facts.complexes.get(site.gpu_resource) if site.gpu_resource else None
    found = plan.gpu_reservation
    if complex_ is None or found is None:
        return
    actual = CONSUMABLE_MEANS.get(complex_.consumable)
    if actual is None:
        yield Finding(
            ("site", "gpu_resource"),
            f"{found.resource} is not consumable here: SGE reserves no GPU with it, it only picks hosts",
            "Use the consumable your site reserves GPUs with (`qconf -sc`, column consumable).",
        )
    elif actual != site.gpu_per:
        slots = plan.profile.slots if plan.multiplies(actual) else 1
        yield Finding(
            ("site", "gpu_per") if ("site", "gpu_per") in live.loaded.origins else ("site", "gpu_resource"),
            f"{found.resource} is consumable {complex_.consumable} here, so SGE counts it per {actual}:"
            f" {found.resource}={found.text} is {count(found.per_request * slots)}, not {found.per_job}",
            f'gpu_per = "{actual}"',
        )


def larger_than_any_host(live: Live) -> Iterator[Finding]:
    """A job that no host of its queues can hold: more pe slots, memory or GPUs, or slots and memory together,
    than any host has.

    Why: SGE accepts the job (unless `-w e`) and it waits in `qw` forever.
    GPUs count as the cluster's complex counts them (`gpu=1` per slot on 8
    slots is 8), against the host's `complex_values`.
    Use instead: fewer cores, less memory or fewer GPUs per job, and more jobs.
    """
    plan, facts = live.plan, live.facts
    pe = _pe(plan)
    slots = pe[1] if pe else 1
    known = facts.pes.get(pe[0]) if pe else None
    one_host = known is None or known.per_host  # $pe_slots: every slot of the job on one host
    offers = _offers(plan, facts)
    if not offers:
        return
    asks = list(_memory_asks(plan, facts, slots))
    if one_host and slots > max(o.slots for o in offers):
        most = max(offers, key=lambda o: o.slots)
        where = ("worker", "cores") if pe and pe[2].origin == ("site", "pe") else (pe[2].origin if pe else ())
        yield Finding(
            where,
            f"{slots} pe slots, but no host offers more than {most.slots} ({most.host}; allocation_rule $pe_slots)",
            f"Ask for at most {most.slots} slots per job (cores x task_cores).",
        )
        return
    if one_host:
        yield from _more_gpus_than_any_host(live, offers, slots)
    for d, name, amount in asks:
        capacities = [(o.memory[name], o.host) for o in offers if o.memory.get(name) is not None]
        largest, host = max(capacities, key=lambda c: c[0] or 0, default=(None, ""))
        if largest is not None and amount > largest:
            yield Finding(
                d.origin,
                f"the job asks {format_sge_memory(amount)} of {name} ({describe_bytes(amount)}), more than any host offers (the most: {format_sge_memory(largest)} = {describe_bytes(largest)} on {host})",
                "Ask for less memory per job, and more jobs.",
            )
            return
    if asks and not any(_holds(o, slots if one_host else 1, asks) for o in offers):
        d, name, amount = asks[0]
        sizes = ", ".join(f"{o.host} {o.slots} slots and {format_sge_memory(o.memory.get(name) or 0)}" for o in offers)
        yield Finding(
            d.origin,
            f"no host holds {slots} slots and {format_sge_memory(amount)} of {name} together ({sizes})",
            "Ask for fewer slots or less memory per job, and more jobs.",
        )


def _more_gpus_than_any_host(live: Live, offers: list[_Offer], slots: int) -> Iterator[Finding]:
    """The GPUs of one host's job, counted as the cluster's complex counts them, against each host's GPUs."""
    found, name = live.plan.gpu_reservation, live.plan.profile.site.gpu_resource
    complex_ = live.facts.complexes.get(name) if name else None
    if found is None or complex_ is None or name is None:
        return
    count = found.per_request * (slots if complex_.consumable == "YES" else 1)
    hosts = [(live.facts.hosts[o.host].capacities.get(name, ""), o.host) for o in offers]
    capacities = [(int(amount), host) for amount, host in hosts if amount.isdigit()]
    most, host = max(capacities, default=(None, ""))
    if most is not None and count > most:
        yield Finding(
            found.origin,
            f"the job asks {name}={found.text}, {count} GPUs as this cluster counts it, more than any host offers"
            f" (the most: {most} on {host})",
            "Ask for fewer GPUs per job (worker.gpus), or fewer slots where they count per slot, and more jobs.",
        )


@attrs.frozen
class _Offer:
    """What one host offers a job in one of its queues: slots, and each memory resource it has a capacity for."""

    host: str
    slots: int
    memory: dict[str, int | None]


def _offers(plan: Plan, facts: Facts) -> list[_Offer]:
    """Every host of the job's queues, with the slots the queue gives it (capped by the host's own `slots`)."""
    found = []
    for queue in _candidates(plan, facts):
        for name in queue.hosts:
            host = facts.hosts.get(name)
            if host is None:
                continue
            slots = queue.slots_on.get(name, queue.slots)
            cap = host.capacities.get("slots", "")
            memory = {c.name: _memory_capacity(host, c.name) for c in facts.complexes.values() if c.type == "MEMORY"}
            found.append(_Offer(name, min(slots, int(cap)) if cap.isdigit() else slots, memory))
    return found


def _memory_asks(plan: Plan, facts: Facts, slots: int) -> Iterator[tuple[Directive, str, int]]:
    """Each memory request of the job, as the total a host must hold (per slot requests times the slots)."""
    for d in plan.wanted("-l"):
        name, value = d.resource, d.amount
        complex_ = facts.complexes.get(name)
        if complex_ is None or complex_.type != "MEMORY":
            continue
        try:
            yield d, name, parse_sge_memory(value).bytes * (slots if complex_.consumable == "YES" else 1)
        except UnitError:
            continue


def _holds(offer: _Offer, slots: int, asks: list[tuple[Directive, str, int]]) -> bool:
    return offer.slots >= slots and all((offer.memory.get(name) or amount) >= amount for _, name, amount in asks)


def _memory_capacity(host: Host, resource: str) -> int | None:
    """What a host offers of a memory resource: its complex_values, else (for a load value) its memory."""
    if resource in host.capacities:
        try:
            return parse_sge_memory(host.capacities[resource]).bytes
        except UnitError:
            return None
    return host.memory if resource in HOST_LOAD else None


def walltime_beyond_queue(live: Live) -> Iterator[Finding]:
    """A walltime longer than every queue the job may use allows (`h_rt`).

    Why: SGE never schedules a job that asks for more than the queue allows; it waits in `qw`.
    Use instead: at most the queue's limit (the hint gives it), or a queue with a longer one.
    """
    plan, facts = live.plan, live.facts
    d = plan.resource("h_rt")
    queues = _candidates(plan, facts)
    if d is None or not queues or any(q.h_rt is None for q in queues):
        return
    try:
        seconds = parse_sge_time(d.amount).seconds
    except UnitError:
        return
    longest = max(q.h_rt or 0 for q in queues)
    if seconds > longest:
        yield Finding(
            d.origin,
            f"walltime {format_hms(seconds)} is longer than any queue the job may use allows (h_rt {format_hms(longest)})",
            f'walltime = "{format_hms(longest)}"',
        )


def qsub_verification_refused(live: Live) -> Iterator[Finding]:
    """`qsub -w v` (verify, submit nothing) refused the rendered script.

    Why: this is SGE's own judgement of the exact script; its message is quoted.
    Example: a resource request no queue instance can satisfy.
    Use instead: what SGE's message asks for; `sgecompile explain` shows what the profile requests.
    """
    if live.verification:
        yield Finding(
            (),
            f"qsub -w v refuses the script: {live.verification}",
            "Run `sgecompile render PROFILE | qsub -w v` to see it yourself.",
        )


def more_jobs_than_an_array_may_have(live: Live) -> Iterator[Finding]:
    """More `worker.jobs` than the cluster lets one array job have (`max_aj_tasks`).

    Why: launch, up and emit submit the jobs as one array job (`qsub -t 1-N`),
    and qsub refuses an array with more tasks than the limit, so no worker starts.
    Use instead: fewer, larger jobs: more `cores` and `processes` in each.
    """
    plan, facts = live.plan, live.facts
    jobs = plan.profile.worker.jobs
    if facts.max_array_tasks is not None and jobs > facts.max_array_tasks:
        yield Finding(
            ("worker", "jobs"),
            f"{jobs} jobs are one array job of {jobs} tasks, and this cluster refuses arrays of more than {facts.max_array_tasks} (max_aj_tasks)",
            f"Use at most jobs = {facts.max_array_tasks}, each with more cores and processes.",
        )


def more_jobs_than_run_at_once(live: Live) -> Iterator[Finding]:
    """More `worker.jobs` than the cluster runs of one array job at once (`max_aj_instances`).

    Why: the jobs are one array job, and SGE holds back the tasks above the
    limit until others end, so `launch` waits for workers that cannot start
    while the first ones run, and times out.
    Use instead: fewer, larger jobs: more `cores` and `processes` in each.
    """
    plan, facts = live.plan, live.facts
    jobs = plan.profile.worker.jobs
    limit = facts.max_running_tasks
    if limit is not None and jobs > limit and (facts.max_array_tasks is None or jobs <= facts.max_array_tasks):
        yield Finding(
            ("worker", "jobs"),
            f"{jobs} jobs are one array job, of which this cluster runs at most {limit} at once (max_aj_instances): the other {jobs - limit} wait",
            f"Use at most jobs = {limit}, each with more cores and processes.",
        )


def more_jobs_than_the_cluster_accepts(live: Live) -> Iterator[Finding]:
    """More worker jobs at once than the cluster accepts unfinished jobs (`max_u_jobs` per user, `max_jobs` in all).

    Why: qsub refuses a job beyond either limit (`qconf -sconf`, 0 for none;
    the user's other jobs count too), and launch submits jobs one by one when
    it scales up or a job ends. `worker.max_jobs_at_once` bounds how many are
    pending or running at once. Left to SGE808 and SGE809 when the array itself does not fit.
    Use instead: `worker.max_jobs_at_once` at most the limit (launch holds the other jobs back), or fewer, larger jobs.
    """
    plan, facts = live.plan, live.facts
    worker = plan.profile.worker
    at_once = min(worker.jobs, worker.max_jobs_at_once or worker.jobs)
    limits = [(n, name) for n, name in ((facts.max_user_jobs, "max_u_jobs"), (facts.max_jobs, "max_jobs")) if n]
    over = [(n, name) for n, name in limits if at_once > n]
    if not over or _array_does_not_fit(worker.jobs, facts):
        return
    limit, name = min(over)
    yield Finding(
        ("worker", "max_jobs_at_once") if worker.max_jobs_at_once else ("worker", "jobs"),
        f"{at_once} jobs at once, and this cluster accepts at most {limit} unfinished jobs"
        f" ({name}, qconf -sconf): qsub refuses the jobs beyond it",
        f"Set worker.max_jobs_at_once = {limit} (or fewer, larger jobs).",
    )


def _array_does_not_fit(jobs: int, facts: Facts) -> bool:
    """Whether SGE808 or SGE809 speaks for the array: more tasks than it may have, or than run at once."""
    return any(limit is not None and jobs > limit for limit in (facts.max_array_tasks, facts.max_running_tasks))


def default_address_space_too_small(live: Live) -> Iterator[Finding]:
    """The job asks no `h_vmem` (or another address-space limit), and the cluster's default for it is less than the job maps.

    Why: SGE gives a job that does not ask for a consumable the default of
    `qconf -sc`, and for an address-space limit that is a limit all the same:
    on the test SGE, whose default is 0, every such job's processes got
    `ulimit -v` 10 MB and the workers died as Python started.
    Use instead: `site.memory_resource = "h_vmem"`, so that the request is derived.
    """
    plan, facts = live.plan, live.facts
    asked = {d.resource for d in plan.wanted("-l")}
    for name in sorted(ADDRESS_SPACE - asked):
        complex_ = facts.complexes.get(name)
        per = CONSUMABLE_MEANS.get(complex_.consumable) if complex_ else None
        if complex_ is None or per is None:
            continue
        try:
            default = parse_sge_memory(complex_.default).bytes * (plan.profile.slots if per == "slot" else 1)
        except UnitError:
            continue  # NONE, INFINITY: no limit
        if default < plan.memory_needed(name):
            yield Finding(
                ("site", "memory_resource"),
                f"the job asks no {name}, so SGE gives it the default {complex_.default} (`qconf -sc`), {describe_bytes(default)} in all: less than its workers map",
                f'Set site.memory_resource = "{name}": the request is then derived from worker.memory.',
            )


def flavor_disagrees(live: Live) -> Iterator[Finding]:
    """`site.flavor` names another Grid Engine than the cluster runs (the first line of `qstat -help`).

    Why: the flavor decides which qsub options the checks let through and which
    memory consumables exist; on another flavor, `check` passes options qsub refuses.
    Use instead: the flavor the hint gives.
    """
    said, actual = live.plan.profile.site.flavor, live.facts.flavor
    if actual is not None and actual != said:
        yield Finding(
            ("site", "flavor"),
            f"the cluster runs {live.facts.version!r} (qstat -help), a {vocabulary.FLAVOR_NAMES[actual]},"
            f' not what site.flavor = "{said}" says',
            f'[site] flavor = "{actual}"',
        )


def pe_spreads_over_hosts(live: Live) -> Iterator[Finding]:
    """A parallel environment whose allocation rule may spread the job's slots over several hosts (`$round_robin`, `$fill_up`).

    Why: a dask worker job runs its processes on the host SGE starts the job on;
    slots granted on other hosts are reserved there and stay idle, while the
    master host runs more threads than it was given.
    Use instead: a pe with `allocation_rule $pe_slots` (`qconf -sp NAME`), which keeps every slot on one host.
    """
    pe = _pe(live.plan)
    known = live.facts.pes.get(pe[0]) if pe else None
    if pe and known is not None and not known.per_host and pe[1] > 1:
        where = ("site", "pe") if pe[2].origin == ("site", "pe") else pe[2].origin
        yield Finding(
            where,
            f"pe {pe[0]!r} may spread the job's {pe[1]} slots over several hosts (its allocation_rule is not"
            " $pe_slots): the worker runs on one of them, and the slots on the others are reserved and idle",
            "Use a pe whose allocation_rule is $pe_slots (`qconf -sp NAME` shows it).",
        )


def project_refused(live: Live) -> Iterator[Finding]:
    """No project where the cluster requires one (`enforce_project`), or a project the cluster does not have.

    Why: qsub refuses the job ("no project assigned to job", or "the requested project ... does not exist"),
    and launch, up and emit submit nothing.
    Use instead: `job.project`, one of the cluster's projects (`qconf -sprjl`; the hint lists them).
    """
    facts = live.facts
    projects = f"Projects here: {', '.join(facts.projects) or 'none'}."
    asked = live.plan.wanted("-P")
    if not asked and facts.enforce_project:
        only = f'project = "{facts.projects[0]}"' if len(facts.projects) == 1 else projects
        yield Finding(
            ("job", "project"),
            "this cluster requires every job to name a project (enforce_project in `qconf -sconf`), and this one names none",
            only,
        )
    for d in asked:
        if d.args[0] not in facts.projects:
            yield Finding(d.origin, f"the cluster has no project {d.args[0]!r}", projects)
