"""A network interface that is not there is a clear error within the timeout, for the scheduler and for the workers."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from sgecompile import live, sgecommands

from ..conftest import PROFILES
from .conftest import wait_until_gone

pytestmark = pytest.mark.sge


def profile_with(folder: Path, name: str, lines: str) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(f'extends = "{PROFILES / "testsge.toml"}"\n[job]\nname = "{name}"\n{lines}')
    return path


def test_a_scheduler_interface_this_host_lacks_is_one_line(in_tmp: Path) -> None:
    """`up` says the scheduler could not start there, names the key and the host's interfaces, exits 1, submits nothing."""
    profile = profile_with(in_tmp, "bad-scheduler-if", '[site]\nscheduler_interface = "nosuch0"\n')
    done = subprocess.run(
        [sys.executable, "-m", "sgecompile", "up", str(profile), "--jobs", "1", "--timeout", "60"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    (line,) = done.stderr.splitlines()
    assert "the scheduler did not start here" in line and "'nosuch0' is not a valid network interface" in line
    assert "site.scheduler_interface" in line
    assert not [j for j in sgecommands.queued() if j.name == "bad-scheduler-if"]


def test_a_worker_interface_the_hosts_lack_stops_the_wait(in_tmp: Path) -> None:
    """Workers that cannot listen exit at once: launch says so long before its timeout, and removes the jobs."""
    profile = profile_with(
        in_tmp, "bad-worker-if", '[site]\nscheduler_interface = "lo"\n[worker]\ninterface = "nosuch0"\n'
    )
    started = time.monotonic()
    with pytest.raises(live.LaunchTimeout, match="exited as they started"), live.launch(profile, jobs=1, timeout=120):
        pass
    assert time.monotonic() - started < 60
    assert not wait_until_gone({j.id for j in sgecommands.queued() if j.name == "bad-worker-if"})
