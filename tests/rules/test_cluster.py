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
from sgecompile.sgecommands import SGEError

from .conftest import FACTS, example_answers, live_diagnostics, live_findings

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
    ("consumable", "resource", "does"),
    [("NO", "h_vmem", "it still limits each job"), ("YES", "mem_free", "it only picks hosts")],
)
def test_a_non_consumable_limit_is_said_to_limit_still(
    compiled: Callable[..., Result], consumable: str, resource: str, does: str
) -> None:
    """h_vmem that is no consumable still limits the job (unlike a load value such as mem_free, which only picks hosts)."""
    vmem = attrs.evolve(FACTS.complexes["h_vmem"], consumable=consumable)
    facts = attrs.evolve(FACTS, complexes={**FACTS.complexes, "h_vmem": vmem})
    found = live_diagnostics(compiled(GOOD.replace('"h_vmem"', f'"{resource}"')), facts=facts)
    (finding,) = [d for d in found if d.code == "SGE804"]
    assert finding.message.startswith(f"{resource} is not consumable here") and finding.message.endswith(does)


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


ENFORCED = attrs.evolve(FACTS, enforce_project=True)


def test_a_job_without_a_project_where_one_is_required(compiled: Callable[..., Result]) -> None:
    """enforce_project: SGE813 on the [job] table, its hint listing the projects to choose from."""
    found = live_diagnostics(compiled(GOOD), facts=ENFORCED)
    (finding,) = [d for d in found if d.code == "SGE813"]
    assert finding.location.line == 4 and finding.hint == "Projects here: genomics, imaging."
    assert "requires every job to name a project (enforce_project" in finding.message


def test_the_one_project_is_the_hint(compiled: Callable[..., Result]) -> None:
    one = attrs.evolve(ENFORCED, projects=("genomics",))
    (finding,) = [d for d in live_diagnostics(compiled(GOOD), facts=one) if d.code == "SGE813"]
    assert finding.hint == 'project = "genomics"'


def test_a_known_project_where_one_is_required_passes(compiled: Callable[..., Result]) -> None:
    """The project given by job.project is one the cluster has: nothing to say."""
    with_project = GOOD.replace('walltime = "1:00:00"\n', 'walltime = "1:00:00"\nproject = "imaging"\n')
    assert live_findings(compiled(with_project), facts=ENFORCED) == {}


def test_a_project_in_the_directives_is_checked_too(compiled: Callable[..., Result]) -> None:
    """-P written in job.directives is the same request: an unknown project there is SGE813 on its line."""
    text = GOOD.replace('walltime = "1:00:00"\n', 'walltime = "1:00:00"\ndirectives = ["-P imagin"]\n')
    assert live_findings(compiled(text)).get("SGE813") == 7


def test_no_project_list_is_no_projects() -> None:
    """qconf -sprjl fails with "no project list defined" where there is none: that is no projects, not an error."""

    def ask(argv: list[str]) -> str:
        if argv == ["qconf", "-sprjl"]:
            raise SGEError("`qconf -sprjl` failed: no project list defined", ["no project list defined"])
        return example_answers()[" ".join(argv)]

    assert read(ask).projects == ()


@pytest.mark.parametrize(
    ("consumable", "said"),
    [
        ("NO", "gpu is not consumable here: SGE reserves no GPU with it, it only picks hosts"),
        ("HOST", "gpu is consumable HOST here, so SGE counts it per host: gpu=1 is 1 GPU, not 4"),
        ("JOB", "gpu is consumable JOB here, so SGE counts it per job: gpu=1 is 1 GPU, not 4"),
        ("YES", None),
    ],
)
def test_the_gpu_complex_decides_how_gpus_count(
    compiled: Callable[..., Result], consumable: str, said: str | None
) -> None:
    """SGE814 reads the gpu complex's consumable column: not consumable, or counted otherwise than site.gpu_per."""
    facts = attrs.evolve(FACTS, complexes={**FACTS.complexes, "gpu": Complex("gpu", "gpu", "INT", True, consumable)})
    result = compiled(
        '[site]\npe = "threaded"\nmemory_resource = "h_vmem"\ngpu_resource = "gpu"\n[job]\nqueue = "all.q"\n'
        'walltime = 3600\n[worker]\ncores = 4\nmemory = "4GiB"\ngpus = 4\n'
    )
    found = [d.message for d in live_diagnostics(result, facts=facts) if d.code == "SGE814"]
    assert found == ([said] if said else [])


@pytest.mark.parametrize(
    ("gpus", "cores", "asked"), [(2, 2, None), (4, 2, "gpu=2, 4 GPUs"), (2, 4, "gpu=1, 4 GPUs"), (2, 1, None)]
)
def test_more_gpus_than_any_host_is_sge805(
    compiled: Callable[..., Result], gpus: int, cores: int, asked: str | None
) -> None:
    """The example host has gpu=2 (consumable YES): a request that the slots multiply past 2 is more than it offers."""
    result = compiled(
        f'{SITE}gpu_resource = "gpu"\n[job]\nqueue = "all.q"\nwalltime = 3600\n'
        f'[worker]\ncores = {cores}\nmemory = "4GiB"\ngpus = {gpus}\n'
    )
    messages = [d.message for d in live_diagnostics(result) if d.code == "SGE805"]
    said = f"the job asks {asked} as this cluster counts it, more than any host offers (the most: 2 on node1)"
    assert messages == ([said] if asked else [])


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
    found = [d for d in live_diagnostics(compiled(GOOD + worker), facts=facts) if d.code == "SGE815"]
    assert len(found) == (message is not None) and all(message and message in d.message for d in found)


def test_the_job_limits_are_read_from_qconf_sconf() -> None:
    """max_u_jobs and max_jobs of the recorded `qconf -sconf`, and 0 as no limit (sge_conf(5))."""
    assert (FACTS.max_user_jobs, FACTS.max_jobs) == (1000, 5000)
    unlimited = read(lambda argv: "max_u_jobs 0\nmax_jobs 0\n" if argv[1:] == ["-sconf"] else "")
    assert (unlimited.max_user_jobs, unlimited.max_jobs) == (None, None)
