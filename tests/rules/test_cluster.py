"""The live rules (SGE8xx) on made-up cluster facts: each fires on its trap and not on the fix.

The same rules against the real test SGE are in tests/live/test_check_live.py.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from sgecompile import rules
from sgecompile.clusterfacts import Complex, Facts, Host, Pe, Queue
from sgecompile.livecheck import as_cluster_counts
from sgecompile.pipeline import Result

FACTS = Facts(
    queues={"all.q": Queue("all.q", ("node1",), 16, ("threaded",), 48 * 3600)},
    pes={"threaded": Pe("threaded", 999, True), "mpi": Pe("mpi", 999, False)},
    complexes={
        "h_vmem": Complex("h_vmem", "h_vmem", "MEMORY", True, "YES"),
        "mem_free": Complex("mem_free", "mf", "MEMORY", True, "NO"),
        "h_rt": Complex("h_rt", "h_rt", "TIME", True, "NO"),
        "arch": Complex("arch", "a", "RESTRING", False, "NO"),
    },
    hosts={"node1": Host("node1", 64 * 2**30, {"h_vmem": "64G"})},
    max_array_tasks=75000,
    max_running_tasks=2000,
)
SITE = '[site]\npe = "threaded"\nmemory_resource = "h_vmem"\n'
GOOD = SITE + '[job]\nqueue = "all.q"\nwalltime = "1:00:00"\n[worker]\ncores = 4\nmemory = "8GiB"\n'

CASES = {
    "SGE801": (GOOD.replace('"all.q"', '"long.q"'), 5),
    "SGE802": (GOOD.replace('"threaded"', '"smp"'), 2),
    "SGE803": (GOOD + '[job.resources]\nmem_req = "1G"\n', 11),
    "SGE804": (GOOD.replace("[job]", 'memory_per = "job"\n[job]'), 4),
    "SGE805": (GOOD.replace("cores = 4", "cores = 32"), 8),
    "SGE806": (GOOD.replace('"1:00:00"', '"72:00:00"'), 6),
    "SGE808": (GOOD + "jobs = 75001\n", 10),
    "SGE809": (GOOD + "jobs = 2001\n", 10),
}


def live_findings(result: Result, verification: str | None = None) -> dict[str, int | None]:
    assert result.plan is not None, result.diagnostics
    plan = as_cluster_counts(result.plan, FACTS)
    context = rules.Context(result.loaded, (), plan.profile, plan, FACTS, verification)
    return {d.code: d.location.line for d in rules.run("cluster", context)}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fires_on_its_trap(code: str, compiled: Callable[..., Result]) -> None:
    text, line = CASES[code]
    assert live_findings(compiled(text)).get(code, "absent") == line


def test_a_fitting_profile_has_no_live_findings(compiled: Callable[..., Result]) -> None:
    assert live_findings(compiled(GOOD)) == {}


def test_qsub_verification_is_quoted(compiled: Callable[..., Result]) -> None:
    assert "SGE807" in live_findings(compiled(GOOD), 'unknown resource "foo"')


def test_memory_larger_than_every_host(compiled: Callable[..., Result]) -> None:
    found = live_findings(compiled(GOOD.replace('"8GiB"', '"100GiB"')))
    assert found.get("SGE805") == 9


def test_not_requestable_and_shortcuts(compiled: Callable[..., Result]) -> None:
    assert "SGE803" in live_findings(compiled(GOOD + '[job.resources]\narch = "lx-amd64"\n'))
    assert "SGE803" not in live_findings(compiled(GOOD + '[job.resources]\nmf = "1G"\n'))


def test_a_non_consumable_memory_resource_is_named(compiled: Callable[..., Result]) -> None:
    found = live_findings(compiled(GOOD.replace('"h_vmem"', '"mem_free"')))
    assert found.get("SGE804") == 3


@pytest.mark.parametrize(
    ("jobs", "codes"), [(2000, set()), (2001, {"SGE809"}), (75000, {"SGE809"}), (75001, {"SGE808"})]
)
def test_array_limits_fire_one_at_a_time(jobs: int, codes: set[str], compiled: Callable[..., Result]) -> None:
    found = set(live_findings(compiled(GOOD + f"jobs = {jobs}\n")))
    assert found & {"SGE808", "SGE809"} == codes


def test_no_array_limit_means_none(compiled: Callable[..., Result]) -> None:
    """max_aj_tasks 0 and max_aj_instances 0 are no limits (sge_conf(5))."""
    unlimited = attrs.evolve(FACTS, max_array_tasks=None, max_running_tasks=None)
    result = compiled(GOOD + "jobs = 100000\n")
    assert result.plan is not None
    context = rules.Context(result.loaded, (), result.plan.profile, result.plan, unlimited, None)
    assert rules.run("cluster", context) == []


@pytest.mark.parametrize(("default", "found"), [("0", True), ("1G", True), ("4G", False), ("NONE", False)])
def test_sge810_the_default_address_space_of_a_job_that_asks_none(
    default: str, found: bool, compiled: Callable[..., Result]
) -> None:
    """1 GiB of h_vmem is less than a 1 GiB worker and its nanny map; 4 GiB is enough; NONE is no limit."""
    facts = attrs.evolve(
        FACTS, complexes={**FACTS.complexes, "h_vmem": Complex("h_vmem", "h_vmem", "MEMORY", True, "JOB", default)}
    )
    result = compiled('[job]\nqueue = "all.q"\nwalltime = 60\n[worker]\ncores = 1\nmemory = "1GiB"\n')
    assert result.plan is not None
    context = rules.Context(result.loaded, (), result.plan.profile, result.plan, facts, None)
    assert ("SGE810" in {d.code for d in rules.run("cluster", context)}) is found


def test_a_derived_request_is_counted_as_the_script_asks_it(compiled: Callable[..., Result]) -> None:
    """memory_per = "job" on a per-slot consumable: the script's per-job amount is reserved per slot, 8 times here."""
    text = GOOD.replace("[job]", 'memory_per = "job"\n[job]').replace("cores = 4", "cores = 8")
    result = compiled(text)
    assert result.plan is not None and result.plan.derived_memory is not None
    plan = as_cluster_counts(result.plan, FACTS)
    assert plan.reservation is not None and plan.reservation.text == result.plan.derived_memory
    assert plan.reservation.per_job == 8 * result.plan.reservation.per_job
    assert "SGE805" in live_findings(result)  # 8 x ~11 GiB: more than the 64 GiB host
