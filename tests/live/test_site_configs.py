"""The configurations sites use, switched on the real SGE: what sgecompile says and does where it depends on them.

One class per configuration (``start-sge --config NAME``, listed in
tests/sge/configs.sh): its tests run together in it, and the cell is back in its
default configuration after the module, after a failure too. While it is
switched, /tmp/sge-config-busy tells other sessions on the cell to wait (and, with
this process's id first, a plain start-sge to leave it switched while the process lives).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sgecompile import live, sgecommands
from sgecompile.pipeline import compile_file

from ..conftest import PROFILES
from .conftest import START, wait_until_gone

pytestmark = pytest.mark.sge
BUSY = Path("/tmp/sge-config-busy")
MIB = 2**20
FAST = {"scheduler_options": {"dashboard_address": ":0"}}

# Profiles of a 2-core, 1 GiB worker, one per memory set-up (the test site's, extended).
TESTSGE = f'extends = "{PROFILES / "testsge.toml"}"\n'
WORKER = '[worker]\ncores = 2\nprocesses = 1\nmemory = "1GiB"\n'
PER_SLOT = TESTSGE + WORKER  # h_vmem per slot
PER_JOB = TESTSGE + '[site]\nmemory_per = "job"\n' + WORKER
STANDALONE = '[job]\nname = "site-config"\nqueue = "all.q"\nwalltime = "0:30:00"\nexport_env = true\nlog_directory = "sge-logs"\n'
NO_REQUEST = '[site]\npe = "threaded"\n' + STANDALONE + WORKER  # asks no memory at all
PER_CORE = '[site]\npe = "threaded"\nmemory = { mem = "slot" }\n' + STANDALONE + WORKER  # UCL's mem, per core
PROJECT = '[job]\nproject = "sgetest"\n'
SPREAD = TESTSGE + '[site]\npe = "spread"\n' + PROJECT + WORKER  # the strict site's $round_robin pe


def switch(name: str) -> None:
    """The cell in configuration ``name``, the busy file saying so while it is not the default."""
    if name != "default":
        BUSY.write_text(
            f"{os.getpid()} tests/live/test_site_configs.py: {name} since {time.strftime('%H:%M:%S')} UTC\n"
        )
    done = subprocess.run([str(START), "--config", name], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def restored(sge_cluster: None) -> Iterator[None]:
    """The default configuration back after the module, whatever happened; then the busy file goes."""
    try:
        yield
    finally:
        try:
            switch("default")
        finally:
            BUSY.unlink(missing_ok=True)


@pytest.fixture(scope="class", autouse=True)
def cell(request: pytest.FixtureRequest, restored: None) -> None:
    """The configuration the test's class names (CONFIG), switched to once for the class."""
    switch(request.cls.CONFIG)


def profile(folder: Path, text: str, name: str = "p") -> Path:
    """The profile text written to a file in ``folder``."""
    path = folder / f"{name}.toml"
    path.write_text(text)
    return path


def verdict(cli: Callable[..., tuple[int, str, str]], folder: Path, text: str) -> tuple[list[str], dict[str, str]]:
    """The memory requests (h_rt left out) `render` writes for a profile, and check --live's findings: code -> message + hint."""
    path = profile(folder, text)
    code, out, _ = cli("render", str(path))
    assert code == 0
    requests = [line.split()[2] for line in out.splitlines() if line.startswith("#$ -l ") and "h_rt=" not in line]
    _, out, _ = cli("check", "--live", "--format", "json", str(path))
    return requests, {d["code"]: f"{d['message']} / {d['hint']}" for d in json.loads(out)}


def launched(folder: Path, text: str) -> tuple[int, int | None, str]:
    """A worker launch() starts: the address space SGE lets it map, what sgecompile counts of the memory request, its slots."""
    path = profile(folder, text)
    plan = compile_file(path).plan
    assert plan is not None
    with live.launch(path, jobs=1, timeout=120, **FAST) as client:
        jobs = set(client.cluster.submitter.jobs)
        ((given, slots),) = client.run(
            lambda: (resource.getrlimit(resource.RLIMIT_AS)[0], os.environ["NSLOTS"])
        ).values()
    assert not wait_until_gone(jobs)
    counted = plan.memory_views[0].reservation
    return given, counted.per_job if counted else None, slots


def has(found: dict[str, str], expected: dict[str, str]) -> bool:
    """Whether the findings are exactly the expected codes, each saying the expected words."""
    return set(found) == set(expected) and all(words in found[code] for code, words in expected.items())


class TestSlotDefault:
    """h_vmem per slot with a non-zero default (2G), the common site set-up: a job that asks for no memory gets 2G a slot."""

    CONFIG = "slot-default"

    def test_a_job_asking_no_memory_passes(self, cli, tmp_path: Path) -> None:
        """No SGE810 here (on the default cell, whose default is 0, there is): 2 x 2G covers the worker."""
        assert verdict(cli, tmp_path, NO_REQUEST) == ([], {})

    def test_its_worker_runs_under_the_default_of_each_slot(self, in_tmp: Path) -> None:
        """SGE gives the job the default for each of its 2 slots, as SGE810 counts it."""
        given, _, slots = launched(in_tmp, NO_REQUEST)
        assert (given, slots) == (2 * 2048 * MIB, "2")


class TestPerJob:
    """h_vmem consumable per JOB: reserved once, and the limit is the request as it is, not times the slots."""

    CONFIG = "per-job"

    def test_memory_per_job_asks_the_total_and_passes(self, cli, tmp_path: Path) -> None:
        """memory_per = "job": one request of the worker's whole 1792M, which check --live accepts."""
        assert verdict(cli, tmp_path, PER_JOB) == (["h_vmem=1792M"], {})

    def test_memory_per_slot_is_told_to_count_per_job(self, cli, tmp_path: Path) -> None:
        """memory_per = "slot" where h_vmem is consumable JOB: SGE804 gives the value to write."""
        requests, found = verdict(cli, tmp_path, PER_SLOT)
        assert requests == ["h_vmem=896M"] and has(found, {"SGE804": 'memory_per = "job"'})

    def test_its_worker_runs_under_the_total(self, in_tmp: Path) -> None:
        """The limit SGE sets is the job's total, 1792M: what memory_per = "job" counts."""
        given, counted, _ = launched(in_tmp, PER_JOB)
        assert given == counted == 1792 * MIB


class TestLimitOnly:
    """h_vmem not consumable: nothing reserved, but still each job's limit, times its slots."""

    CONFIG = "limit-only"

    def test_check_says_nothing_is_reserved(self, cli, tmp_path: Path) -> None:
        """SGE804: h_vmem reserves nothing here, though it still limits the job."""
        requests, found = verdict(cli, tmp_path, PER_SLOT)
        assert requests == ["h_vmem=896M"] and has(
            found,
            {
                "SGE804": "h_vmem is not consumable here: SGE reserves no memory with it, so jobs on a host may together ask more than it has; it still limits each job"
            },
        )

    def test_its_worker_runs_under_the_request_times_the_slots(self, in_tmp: Path) -> None:
        """A limit that is no consumable is still multiplied by the slots (sge_queue_conf(5)), as memory_per = "slot" counts."""
        given, counted, _ = launched(in_tmp, PER_SLOT)
        assert given == counted == 2 * 896 * MIB


class TestPerCore:
    """UCL's set-up: mem per core is the memory request, h_vmem not requestable at all."""

    CONFIG = "per-core"

    def test_mem_per_slot_is_asked_and_passes(self, cli, tmp_path: Path) -> None:
        """site.memory = { mem = "slot" }: mem asked per core, the only memory request, and check --live accepts it."""
        assert verdict(cli, tmp_path, PER_CORE) == (["mem=512M"], {})

    def test_h_vmem_is_refused_before_qsub(self, cli, tmp_path: Path) -> None:
        """A profile asking h_vmem is refused by check --live (SGE803), and qsub -w v agrees (SGE807)."""
        requests, found = verdict(cli, tmp_path, PER_SLOT)
        expected = {"SGE803": "'h_vmem' is not requestable", "SGE804": "not consumable", "SGE807": "non requestable"}
        assert requests == ["h_vmem=896M"] and has(found, expected)

    def test_and_qsub_refuses_it_with_the_same_reason(self, in_tmp: Path) -> None:
        """launch() of that profile: qsub refuses it, and its reason is the error raised."""
        refused = pytest.raises(sgecommands.SGEError, match='resource "h_vmem" configured as non requestable')
        with refused, live.launch(profile(in_tmp, PER_SLOT), jobs=1, timeout=30, **FAST):
            pass

    def test_its_worker_runs_with_no_address_space_limit(self, in_tmp: Path) -> None:
        """mem limits no address space: the worker maps what it needs."""
        given, _, slots = launched(in_tmp, PER_CORE)
        assert (given, slots) == (resource.RLIM_INFINITY, "2")


class TestStrict:
    """A strict site: a project required, all.q h_rt 2 hours, arrays of at most 4 tasks and 2 running, a $round_robin pe."""

    CONFIG = "strict"

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            pytest.param(
                TESTSGE,
                {
                    "SGE813": 'name a project (enforce_project in `qconf -sconf`), and this one names none / project = "sgetest"',
                    "SGE807": "no project assigned to job",
                },
                id="no-project",
            ),
            pytest.param(
                TESTSGE + '[job]\nproject = "sgtest"\n',
                {
                    "SGE813": "no project 'sgtest' / Projects here: sgetest.",
                    "SGE807": 'project "sgtest" does not exist',
                },
                id="unknown-project",
            ),
            pytest.param(TESTSGE + PROJECT, {}, id="project"),
            pytest.param(TESTSGE + PROJECT + 'walltime = "3:00:00"\n', {"SGE806": 'walltime = "2:00:00"'}, id="h_rt"),
            pytest.param(SPREAD, {"SGE812": "'spread' may spread"}, id="round-robin"),
            pytest.param(
                TESTSGE + PROJECT + "[worker]\njobs = 5\n", {"SGE808": "more than 4 (max_aj_tasks)"}, id="5-jobs"
            ),
            pytest.param(TESTSGE + PROJECT + "[worker]\njobs = 3\n", {"SGE809": "at most 2 at once"}, id="3-jobs"),
        ],
    )
    def test_check_live(self, cli, tmp_path: Path, text: str, expected: dict[str, str]) -> None:
        """Exactly the findings the strict site's settings call for, each saying its numbers or names."""
        _, found = verdict(cli, tmp_path, text)
        if "SGE806" in expected:
            found.pop("SGE807", None)  # qsub -w v agrees, in its own words
        assert has(found, expected), found

    def test_a_worker_in_the_round_robin_pe_runs(self, in_tmp: Path) -> None:
        """SGE812 is a warning: on one host the job gets its 2 slots, under the limit counted."""
        given, counted, slots = launched(in_tmp, SPREAD)
        assert (given, slots) == (counted, "2")

    def test_emitted_tasks_split_at_max_aj_tasks_and_all_run(self, cli, in_tmp: Path) -> None:
        """9 tasks where an array may have 4: arrays of 4, 4 and 1, run at most 2 at a time, every task once."""
        commands = [["sh", "-c", f'echo run >> "ran-{i}"'] for i in range(1, 10)]
        (in_tmp / "tasks.json").write_text(json.dumps(commands))
        out = in_tmp / "split"
        assert cli("emit", profile(in_tmp, TESTSGE + PROJECT), "--out", out, "--tasks", "tasks.json")[0] == 0
        said = subprocess.run([str(out / "submit.sh")], check=True, capture_output=True, text=True).stdout
        assert said.count(": job ") == 3 and "tasks.sh -t 9-9: job" in said
        assert not wait_until_gone(set((out / "job-ids").read_text().split()), timeout=120)
        assert cli("tasks", out)[1].startswith("9 tasks: 9 succeeded")
        assert all((out / f"ran-{i}").read_text() == "run\n" for i in range(1, 10))
