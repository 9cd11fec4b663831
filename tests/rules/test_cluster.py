"""The live rules (SGE8xx) on the example cluster's facts, beyond their examples (tests/rules/test_catalogue.py).

The same rules against the real test SGE are in tests/live/test_check_live.py.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from sgecompile import livecheck
from sgecompile.clusterfacts import Complex, read
from sgecompile.livecheck import as_cluster_counts
from sgecompile.pipeline import Result

from .conftest import FACTS, live_diagnostics, live_findings

SITE = '[site]\npe = "threaded"\nmemory_resource = "h_vmem"\n'
GOOD = SITE + '[job]\nqueue = "all.q"\nwalltime = "1:00:00"\n[worker]\ncores = 4\nmemory = "8GiB"\n'


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
    """max_aj_tasks, max_aj_instances, max_u_jobs and max_jobs 0 are no limits (sge_conf(5))."""
    unlimited = attrs.evolve(FACTS, max_array_tasks=None, max_running_tasks=None, max_user_jobs=None, max_jobs=None)
    assert live_findings(compiled(GOOD + "jobs = 100000\n"), facts=unlimited) == {}


@pytest.mark.parametrize(("default", "found"), [("0", True), ("1G", True), ("4G", False), ("NONE", False)])
def test_sge810_the_default_address_space_of_a_job_that_asks_none(
    default: str, found: bool, compiled: Callable[..., Result]
) -> None:
    """1 GiB of h_vmem is less than a 1 GiB worker and its nanny map; 4 GiB is enough; NONE is no limit."""
    facts = attrs.evolve(
        FACTS, complexes={**FACTS.complexes, "h_vmem": Complex("h_vmem", "h_vmem", "MEMORY", True, "JOB", default)}
    )
    result = compiled('[job]\nqueue = "all.q"\nwalltime = 60\n[worker]\ncores = 1\nmemory = "1GiB"\n')
    assert ("SGE810" in live_findings(result, facts=facts)) is found


def test_a_derived_request_is_counted_as_the_script_asks_it(compiled: Callable[..., Result]) -> None:
    """memory_per = "job" on a per-slot consumable: the script's per-job amount is reserved per slot, 8 times here."""
    text = GOOD.replace("[job]", 'memory_per = "job"\n[job]').replace("cores = 4", "cores = 8")
    result = compiled(text)
    assert result.plan is not None and result.plan.derived_memory is not None
    plan = as_cluster_counts(result.plan, FACTS)
    assert plan.reservation is not None and plan.reservation.text == result.plan.derived_memory
    assert plan.reservation.per_job == 8 * result.plan.reservation.per_job
    assert "SGE805" in live_findings(result)  # 8 x ~11 GiB: more than the 64 GiB host


def test_check_live_counts_the_memory_findings_again_the_clusters_way(
    compiled: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """h_vmem=12G per job fits 8 GiB of workers; the cluster reserves it per slot (48 GiB), so live says SGE302."""
    monkeypatch.setattr(livecheck, "verify", lambda plan, facts: None)  # qsub -w v: tests/live
    text = GOOD.replace("[job]", 'memory_per = "job"\n[job]\nresources = { h_vmem = "12G" }')
    result = compiled(text)
    assert "SGE302" not in {d.code for d in result.diagnostics}
    (found,) = [d for d in livecheck.check_live(result, FACTS) if d.code == "SGE302"]
    assert "h_vmem=12G per slot x 4 slots" in found.message


@pytest.mark.parametrize(
    ("worker", "user", "total", "message"),
    [
        (
            "jobs = 1500\n",
            1000,
            5000,
            "1500 jobs at once, and this cluster accepts at most 1000 unfinished jobs (max_u_jobs",
        ),
        ("jobs = 1500\n", 3000, 1200, "at most 1200 unfinished jobs (max_jobs"),
        ("jobs = 1500\nmax_jobs_at_once = 1100\n", 1000, None, "1100 jobs at once"),
        ("jobs = 1500\nmax_jobs_at_once = 1000\n", 1000, 5000, None),
        ("jobs = 1500\n", None, None, None),
        ("jobs = 2500\n", 1000, None, None),  # SGE809 speaks for it: the array runs at most 2000 at once
    ],
)
def test_sge813_the_tightest_job_limit_against_the_jobs_at_once(
    worker: str, user: int | None, total: int | None, message: str | None, compiled: Callable[..., Result]
) -> None:
    """max_u_jobs or max_jobs, whichever the jobs at once exceed and is smaller; max_jobs_at_once within it passes."""
    facts = attrs.evolve(FACTS, max_user_jobs=user, max_jobs=total)
    found = [d for d in live_diagnostics(compiled(GOOD + worker), facts=facts) if d.code == "SGE813"]
    assert len(found) == (message is not None) and all(message and message in d.message for d in found)


def test_the_job_limits_are_read_from_qconf_sconf() -> None:
    """max_u_jobs and max_jobs of the recorded `qconf -sconf`, and 0 as no limit (sge_conf(5))."""
    assert (FACTS.max_user_jobs, FACTS.max_jobs) == (1000, 5000)
    unlimited = read(lambda argv: "max_u_jobs 0\nmax_jobs 0\n" if argv[1:] == ["-sconf"] else "")
    assert (unlimited.max_user_jobs, unlimited.max_jobs) == (None, None)
