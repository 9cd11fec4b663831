"""Faults on the real SGE: a worker job deleted mid-computation, the launcher killed, SGE unreachable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dask
import pytest

from sgecompile import live, sgecommands

from ..conftest import PROFILES
from .conftest import wait_until_gone

pytestmark = pytest.mark.sge
PROFILE = PROFILES / "testsge.toml"
FAST = {"scheduler_options": {"dashboard_address": ":0"}}


def test_deleting_a_worker_job_mid_computation(in_tmp: Path) -> None:
    """The computation still finishes (tasks re-run elsewhere), and the lost job is replaced without a call."""
    with (
        dask.config.set({"distributed.deploy.lost-worker-timeout": "1s"}),  # default 15 s: how long dask waits
        live.launch(PROFILE, jobs=2, timeout=120, array=False, **FAST) as client,
    ):
        futures = client.map(lambda x: time.sleep(0.2) or x, range(40))
        victim = sorted(client.cluster.submitter.jobs)[0]
        time.sleep(1)
        sgecommands.delete([victim])
        assert sum(client.gather(futures)) == sum(range(40))
        client.wait_for_workers(2, timeout=120)
        assert len(client.cluster.submitter.jobs) == 3
        jobs = set(client.cluster.submitter.jobs)
    assert not wait_until_gone(jobs)


LAUNCHER = """
import sys, time, sgecompile
with sgecompile.launch(sys.argv[1], jobs=1, timeout=120, scheduler_options={"dashboard_address": ":0"}) as client:
    print(" ".join(sorted(client.cluster.submitter.jobs)), flush=True)
    time.sleep(600)
"""


def test_sigkill_of_the_launcher_workers_leave_within_death_timeout(in_tmp: Path) -> None:
    """Nothing can clean up after SIGKILL: the workers notice the scheduler is gone and their jobs end."""
    profile = in_tmp / "k.toml"
    profile.write_text(f'extends = "{PROFILE}"\n[job]\nname = "sigkill"\n[worker]\ndeath_timeout = 10\n')
    launcher = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(profile)], stdout=subprocess.PIPE, text=True)
    jobs = set(launcher.stdout.readline().split())
    assert jobs
    launcher.send_signal(signal.SIGKILL)
    launcher.wait()
    started = time.monotonic()
    assert not wait_until_gone(jobs, timeout=90)
    assert time.monotonic() - started < 90


def test_sge_unreachable_is_a_clear_error(in_tmp: Path, monkeypatch: pytest.MonkeyPatch, cli) -> None:
    monkeypatch.setenv("SGE_CELL", "no-such-cell")
    with pytest.raises(sgecommands.SGEError, match="qsub"), live.launch(PROFILE, jobs=1, timeout=30, **FAST):
        pass
    code, _, err = cli("check", "--live", str(PROFILE))
    assert code == 2 and "--live cannot ask the cluster" in err and "no-such-cell" in err


def test_qsub_missing_is_a_clear_error(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable))
    with pytest.raises(sgecommands.SGEError, match="not on PATH"):
        live.cluster(PROFILE)
