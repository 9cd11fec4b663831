"""A worker with a short walltime leaves on its own, gracefully, before SGE's h_rt would kill it."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from sgecompile import live

from .conftest import wait_until_gone
from .test_launch import FAST, profile_in

pytestmark = pytest.mark.sge


def accounted(job: str, timeout: float = 60) -> str:
    """What ``qacct -j JOB`` says once the job's record is written (shortly after it ends)."""
    deadline = time.monotonic() + timeout
    while True:
        done = subprocess.run(["qacct", "-j", job], capture_output=True, text=True)
        if done.returncode == 0 and "failed" in done.stdout or time.monotonic() > deadline:
            return done.stdout
        time.sleep(1)


def _named(client: object, name: str) -> bool:
    """Whether a worker of that name is connected."""
    workers = client.scheduler_info(n_workers=-1)["workers"].values()  # type: ignore[attr-defined]
    return any(info["name"] == name for info in workers)


def test_a_worker_retires_before_h_rt(in_tmp: Path) -> None:
    """walltime 60 s, margin 24 s: the script says --lifetime 36s --lifetime-stagger 12s, the worker leaves
    between 24 and 48 s after it started, the job ends by itself, and qacct shows no `failed 37` (h_rt)."""
    profile = profile_in(in_tmp, "retire", job="walltime = 60", worker="lifetime_margin = 24")
    with live.launch(profile, jobs=1, timeout=120, **FAST) as client:
        (job,) = client.cluster.submitter.jobs
        (script,) = set(client.run(lambda: Path(os.environ["JOB_SCRIPT"]).read_text()).values())
        assert "--lifetime 36s --lifetime-stagger 12s" in script
        started = time.monotonic()
        assert client.submit(lambda: 42).result() == 42
        deadline = started + 58
        while _named(client, "retire-0") and time.monotonic() < deadline:  # its replacement comes meanwhile
            time.sleep(0.5)
        assert not _named(client, "retire-0"), "the worker was still there near h_rt"
        assert not wait_until_gone({job}, timeout=30)
    record = accounted(job)
    failed = re.search(r"^failed\s+(\d+)", record, flags=re.M)
    wallclock = re.search(r"^ru_wallclock\s+(\d+)", record, flags=re.M)
    assert failed and failed.group(1) == "0", record
    assert wallclock and int(wallclock.group(1)) < 60, record
