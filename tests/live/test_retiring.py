"""Workers retire before the walltime on the real SGE: a computation longer than h_rt completes, no job killed at it."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import pytest

from sgecompile import live

from .conftest import wait_until_gone
from .test_launch import FAST, profile_in

pytestmark = pytest.mark.sge


def second(x: int) -> int:
    time.sleep(1)
    return x


def test_a_computation_longer_than_the_walltime_completes(in_tmp: Path) -> None:
    """80 s of 1 s tasks on 4 workers whose jobs have h_rt 75 s: every result, replacements, no qacct failed 37.

    The margin of 24 s has the workers leave between 39 and 63 s of their own start (a few seconds after the
    job's), 12 s before h_rt at the latest; the replacements are asked for at 39 s.
    """
    profile = profile_in(in_tmp, "retire", job='walltime = "0:01:15"', worker='lifetime_margin = "24s"')
    with live.launch(profile, jobs=4, timeout=120, **FAST) as client:
        (first,) = client.cluster.submitter.jobs
        assert client.gather(client.map(second, range(4 * 80))) == list(range(4 * 80))
        assert client.cluster.keeper.retired >= 4  # each of the first four, replaced ahead
        jobs = set(client.cluster.submitter.jobs)
    assert not wait_until_gone(jobs)
    accounted = subprocess.run(["qacct", "-j", first], capture_output=True, text=True).stdout
    assert re.findall(r"^failed\s+(\d+)", accounted, flags=re.M) == ["0"] * 4  # all four left by themselves
    for job in jobs:
        assert not re.search(
            r"^failed\s+37", subprocess.run(["qacct", "-j", job], capture_output=True, text=True).stdout, flags=re.M
        )
