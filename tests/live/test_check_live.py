"""`check --live` asks the real SGE (read-only) and `qsub -w v`; the findings are check's records."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from sgecompile import clusterfacts, sgecommands
from sgecompile.pipeline import compile_file
from sgecompile.rendering import render

from ..conftest import PROFILES

pytestmark = pytest.mark.sge


def findings(cli, path: Path) -> tuple[int, dict[str, dict]]:
    code, out, _ = cli("check", "--live", "--format", "json", str(path))
    return code, {d["code"]: d for d in json.loads(out)}


def site_profile(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "p.toml"
    path.write_text(f'extends = "{PROFILES / "testsge.toml"}"\n{text}')
    return path


def test_the_test_sites_own_profile_passes(cli, sge_cluster) -> None:
    code, out, _ = cli("check", "--live", str(PROFILES / "testsge.toml"))
    assert (code, out) == (0, "1 profile checked: no findings\n")


def test_unknown_queue(cli, sge_cluster, tmp_path: Path) -> None:
    code, found = findings(cli, site_profile(tmp_path, '[job]\nqueue = "256G-batch"\n'))
    assert code == 1
    assert found["SGE801"]["line"] == 3 and "all.q" in found["SGE801"]["hint"]
    assert 'unknown queue "256G-batch"' in found["SGE807"]["message"]


def test_unknown_pe(cli, sge_cluster, tmp_path: Path) -> None:
    code, found = findings(cli, site_profile(tmp_path, '[site]\npe = "smp"\n'))
    assert code == 1 and found["SGE802"]["line"] == 3
    assert "threaded" in found["SGE802"]["hint"]
    assert '"smp" does not exist' in found["SGE807"]["message"]


def test_job_larger_than_the_host(cli, sge_cluster, tmp_path: Path) -> None:
    code, found = findings(cli, site_profile(tmp_path, '[worker]\ncores = 4\nmemory = "100GiB"\n'))
    assert code == 1
    assert "more than any host offers" in found["SGE805"]["message"]
    assert "SGE807" in found  # and SGE itself agrees


def test_slots_beyond_the_queue(cli, sge_cluster, tmp_path: Path) -> None:
    code, found = findings(cli, site_profile(tmp_path, "[worker]\ncores = 1\ntask_cores = 40\n"))
    assert code == 1 and "no host offers more than 16" in found["SGE805"]["message"]


def test_walltime_beyond_the_queue(cli, sge_cluster, tmp_path: Path) -> None:
    code, found = findings(cli, site_profile(tmp_path, '[job]\nwalltime = "99:99:99"\n'))
    assert code == 1
    assert found["SGE806"]["hint"] == 'walltime = "48:00:00"'


def test_memory_per_job_is_overridden_by_the_consumable(cli, sge_cluster, tmp_path: Path) -> None:
    """h_vmem is consumable YES here: per slot, whatever the profile says, and the check says so."""
    text = '[site]\nmemory_per = "job"\n[job]\nresources = { h_vmem = "4G" }\n[worker]\ncores = 4\nmemory = "2GiB"\n'
    code, found = findings(cli, site_profile(tmp_path, text))
    assert found["SGE804"]["hint"] == 'memory_per = "slot"'
    assert "x 4 slots = 16G" in found["SGE302"]["message"]  # counted per slot after all


def test_unknown_resource(cli, sge_cluster, tmp_path: Path) -> None:
    code, found = findings(cli, site_profile(tmp_path, '[job]\nresources = { mem_req = "2G" }\n'))
    assert code == 1 and found["SGE803"]["line"] == 3


def test_facts_of_the_test_site(sge_cluster) -> None:
    read = clusterfacts.read()
    assert read.queues["all.q"].h_rt == 48 * 3600 and "threaded" in read.queues["all.q"].pes
    assert read.pes["threaded"].per_host and read.complexes["h_vmem"].consumable == "YES"
    assert (read.max_array_tasks, read.max_running_tasks) == (75000, 2000)  # gridengine's defaults


def test_more_jobs_than_one_array_may_have(cli, sge_cluster, tmp_path: Path) -> None:
    """SGE808 says what qsub itself would answer to the array launch and emit submit."""
    code, found = findings(cli, site_profile(tmp_path, "[worker]\njobs = 75001\n"))
    assert code == 1 and "refuses arrays of more than 75000 (max_aj_tasks)" in found["SGE808"]["message"]
    asked = subprocess.run(["qsub", "-terse", "-h", "-b", "y", "-t", "1-75001", "true"], capture_output=True, text=True)
    if asked.returncode == 0:  # never leave a job behind, even when the test fails
        sgecommands.delete([sgecommands.job_id(asked.stdout)])
    assert asked.returncode != 0 and "75000" in asked.stderr


def test_more_jobs_than_run_at_once(cli, sge_cluster, tmp_path: Path) -> None:
    code, found = findings(cli, site_profile(tmp_path, "[worker]\njobs = 2001\n"))
    assert code == 0 and "runs at most 2000 at once (max_aj_instances)" in found["SGE809"]["message"]


def test_without_sge_commands_a_clear_error(cli, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code, _, err = cli("check", "--live", str(PROFILES / "testsge.toml"))
    assert code == 2
    assert "--live cannot ask the cluster" in err and "not on PATH" in err


@pytest.mark.parametrize(
    ("resources", "refused"),
    [
        ('{ hostname = "nohost" }', True),  # qsub itself cannot resolve it
        ('{ arch = "lx-arm64" }', True),  # a static load value: verification sees it, the job would wait for ever
        ('{ mf = "1G" }', False),  # mem_free by its shortcut: a changing load value, left to the scheduler
        ('{ mem_free = "1G" }', False),
    ],
)
def test_only_changing_load_values_are_kept_from_qsub_verification(
    cli, sge_cluster, tmp_path: Path, resources: str, refused: bool
) -> None:
    code, found = findings(cli, site_profile(tmp_path, f"[job]\nresources = {resources}\n"))
    assert ("SGE807" in found, code) == (refused, 1 if refused else 0)


def test_qsub_judges_the_script_render_writes(cli, sge_cluster, tmp_path: Path) -> None:
    """memory_per = "job" where h_vmem is per slot: SGE reserves 16G x 2, which no host has, and says so."""
    text = '[site]\nmemory_per = "job"\n[worker]\ncores = 2\nmemory = "16GiB"\n'
    code, found = findings(cli, site_profile(tmp_path, text))
    assert code == 1 and "SGE804" in found and "SGE807" in found


def test_soft_requests_reach_sge_soft_and_a_lone_switch_changes_nothing(sge_cluster, tmp_path: Path) -> None:
    """What qmaster holds for the rendered script: SGE reads each #$ line on its own, starting hard."""
    text = '[job]\ndirectives = ["-soft -l mem_free=1G", "-soft", "-l arch=lx-amd64"]\n'
    result = compile_file(site_profile(tmp_path, text))
    assert result.plan is not None
    script = tmp_path / "job.sh"
    script.write_text(render(result.plan))
    job = sgecommands.submit(str(script), ["-h"])  # held: nothing runs
    try:
        held = sgecommands.run(["qstat", "-j", job])
    finally:
        sgecommands.delete([job])
    lists = dict(line.split(":", 1) for line in held.splitlines() if "resource_list" in line)
    assert lists["soft resource_list"].strip() == "mem_free=1G"
    assert "arch=lx-amd64" in lists["hard resource_list"]


def test_no_address_space_request_on_a_cluster_whose_default_is_0(cli, sge_cluster, tmp_path: Path) -> None:
    """The test SGE's h_vmem default is 0: such a job's workers die as Python starts (ulimit -v 10 MB)."""
    profile = tmp_path / "nomem.toml"
    profile.write_text('[job]\nqueue = "all.q"\nwalltime = 60\n[worker]\ncores = 1\nmemory = "1GB"\n')
    code, found = findings(cli, profile)
    assert code == 1 and "the job asks no h_vmem, so SGE gives it the default 0" in found["SGE810"]["message"]
