"""``check --live``: a compiled profile against what the running cluster says.

The facts come from :mod:`sgecompile.facts` (read once per run); the
findings are the same records as ``check``'s. Where the cluster counts the
memory resource differently from ``site.memory_per``, the cluster wins and
the memory findings are made again with its rule (SGE804 says so). Last,
``qsub -w v`` judges the exact script without submitting it.
"""

from __future__ import annotations

import re
import tempfile

import attrs

from . import rules, sge
from .compiler import Plan, compile_profile
from .diagnostics import Diagnostic, sort_key
from .facts import Facts
from .pipeline import Result
from .rendering import render
from .rules.cluster import CONSUMABLE_MEANS

MEMORY_CODES = ("SGE301", "SGE302")


def as_cluster_counts(plan: Plan, facts: Facts) -> Plan:
    """The plan with ``memory_per`` as the cluster's consumable setting says, if it says."""
    site = plan.profile.site
    complex_ = facts.complexes.get(site.memory_resource or "")
    actual = CONSUMABLE_MEANS.get(complex_.consumable) if complex_ else None
    if actual is None or actual == site.memory_per:
        return plan
    return compile_profile(attrs.evolve(plan.profile, site=attrs.evolve(site, memory_per=actual)))


def qsub_verify(script: str, facts: Facts) -> str | None:
    """What ``qsub -w v`` objects to in a script's text, or None when it accepts it.

    Verification ignores load values (qsub(1)): a request of a complex that
    only hosts' load reports provide (``mem_free`` on most sites) makes it
    refuse any job. Such requests are left out of what it is shown; SGE
    matches them against the live load when it schedules.
    """
    shown = "".join(line for line in script.splitlines(keepends=True) if not _load_value_request(line, facts))
    with tempfile.NamedTemporaryFile("w", suffix=".sh") as file:
        file.write(shown)
        file.flush()
        try:
            sge.run(["qsub", "-w", "v", file.name])
        except sge.SGEError as error:
            return " / ".join(p for p in error.said if p not in ("Exiting.", "verification: no suitable queues"))
    return None


def _load_value_request(line: str, facts: Facts) -> bool:
    match = re.match(r"#\$\s+-l\s+([A-Za-z_][A-Za-z0-9_]*)=", line)
    if not match:
        return False
    complex_ = facts.complexes.get(match[1])
    offered = any(match[1] in host.capacities for host in facts.hosts.values())
    return complex_ is not None and complex_.consumable == "NO" and not offered and complex_.name != "h_rt"


def verify(plan: Plan, facts: Facts) -> str | None:
    """What ``qsub -w v`` objects to in the rendered script, or None when it accepts it."""
    return qsub_verify(render(plan), facts)


def check_live(result: Result, facts: Facts) -> list[Diagnostic]:
    """``result``'s findings with the cluster's facts applied (only for a profile that compiled)."""
    if result.plan is None or not result.ok:
        return list(result.diagnostics)
    plan = as_cluster_counts(result.plan, facts)
    found = list(result.diagnostics)
    context = rules.Context(result.loaded, (), plan.profile, plan, facts)
    if plan is not result.plan:
        found = [d for d in found if d.code not in MEMORY_CODES]
        found += [d for d in rules.run("plan", context) if d.code in MEMORY_CODES]
    found += rules.run("cluster", attrs.evolve(context, verification=verify(plan, facts)))
    return sorted(set(found), key=sort_key)
