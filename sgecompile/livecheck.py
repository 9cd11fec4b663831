"""``check --live``: a compiled profile against what the running cluster says.

The facts come from :mod:`sgecompile.clusterfacts` (read once per run); the
findings are the same records as ``check``'s. Where the cluster counts the
memory resource differently from ``site.memory_per``, the cluster wins and
the memory findings are made again with its rule (SGE804 says so). Last,
``qsub -w v`` judges the exact script without submitting it.
"""

from __future__ import annotations

import re
import tempfile

import attrs

from . import rules, sgecommands
from .clusterfacts import Facts
from .diagnostics import Diagnostic, sort_key
from .models import MemoryPer
from .pipeline import Result
from .plan import Plan
from .rendering import render
from .rules.catalogue import CLUSTER, PLAN
from .rules.cluster import CONSUMABLE_MEANS

RECOUNTED = tuple(r for r in PLAN if r.counts_memory)  # made again when the cluster counts memory otherwise


def as_cluster_counts(plan: Plan, facts: Facts) -> Plan:
    """The plan with each memory resource counted as the cluster's consumable setting says, where it says.

    The script stays as ``render`` wrote it, its derived requests included;
    only how SGE counts each request changes.
    """
    site = plan.profile.site
    inferred = plan.memory_resource  # from the job's own requests, where the site names none
    asked = site.memory or (((inferred, site.memory_per),) if inferred else ())
    counted = tuple((name, cluster_counts(facts, name) or per) for name, per in asked)
    if counted == asked:
        return plan
    rendered = tuple(
        (v.memory_resource, v.derived_memory) for v in plan.memory_views if v.memory_resource and v.derived_memory
    )
    memory = counted if site.memory else site.memory
    profile = attrs.evolve(plan.profile, site=attrs.evolve(site, memory=memory, memory_per=counted[0][1]))
    return attrs.evolve(plan, profile=profile, rendered=rendered)


def cluster_counts(facts: Facts, resource: str) -> MemoryPer | None:
    """How the cluster counts a memory resource: per "slot", "job" or "host"; None when it is no consumable it knows."""
    complex_ = facts.complexes.get(resource)
    return CONSUMABLE_MEANS.get(complex_.consumable) if complex_ else None


def qsub_verify(script: str, facts: Facts) -> str | None:
    """What ``qsub -w v`` objects to in a script's text, or None when it accepts it.

    Verification ignores the load values that change (qsub(1)): with a
    ``mem_free`` request it refuses any job, though the cluster has it. Such a
    request is left out of what it is shown; SGE matches it against the live
    load when it schedules. Static values (``arch``, ``num_proc``) and
    everything else stay for qsub to judge.
    """
    return _verify_once("".join(line for line in script.splitlines(keepends=True) if not _unverifiable(line, facts)))


def _unverifiable(line: str, facts: Facts) -> bool:
    """Whether a ``#$ -l`` line asks for a load value that verification cannot see.

    Which load values those are depends on the cluster, so qsub is asked, with
    the request alone: it calls them "unknown resource".
    """
    match = re.match(r"#\$\s+-l\s+(([A-Za-z_][A-Za-z0-9_]*)=\S*)", line)
    if match is None:
        return False
    complex_ = next((c for c in facts.complexes.values() if match[2] in (c.name, c.shortcut)), None)
    offered = any(match[2] in host.capacities for host in facts.hosts.values())
    if complex_ is None or complex_.consumable != "NO" or offered or complex_.name == "h_rt":
        return False
    return "unknown resource" in (_verify_once(f"#!/bin/sh\n#$ -l {match[1]}\ntrue\n") or "")


def _verify_once(script: str) -> str | None:
    with tempfile.NamedTemporaryFile("w", suffix=".sh") as file:
        file.write(script)
        file.flush()
        try:
            sgecommands.run(["qsub", "-w", "v", file.name])
        except sgecommands.SGEError as error:
            return " / ".join(p for p in error.said if p not in ("Exiting.", "verification: no suitable queues"))
    return None


def verify(plan: Plan, facts: Facts) -> str | None:
    """What ``qsub -w v`` objects to in the rendered script, or None when it accepts it."""
    return qsub_verify(render(plan), facts)


def check_live(result: Result, facts: Facts) -> list[Diagnostic]:
    """``result``'s findings with the cluster's facts applied (only for a profile that compiled)."""
    if result.plan is None or not result.ok:
        return list(result.diagnostics)
    plan = as_cluster_counts(result.plan, facts)
    found = list(result.diagnostics)
    where = result.loaded.where
    if plan is not result.plan:
        recounted = {r.code for r in RECOUNTED}
        found = [d for d in found if d.code not in recounted] + rules.run(RECOUNTED, plan, where)
    verification = verify(result.plan, facts)  # the script as render writes it: what launch and emit submit
    found += rules.run(CLUSTER, rules.Live(result.loaded, plan, facts, verification), where)
    return sorted(set(found), key=sort_key)
