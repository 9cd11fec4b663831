"""`sgecompile run` on the real SGE: argv exactly, failures, resuming, Ctrl-C, and a worker job deleted mid-run."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sgecompile import sgecommands
from sgecompile.runner.state import RESULTS, State, outcomes

from ..conftest import PROFILES
from ..test_run import ECHO_ARGV, HOSTILE
from .conftest import wait_until_gone

pytestmark = pytest.mark.sge
SGECOMPILE = [sys.executable, "-m", "sgecompile"]


def profile_in(folder: Path, name: str) -> Path:
    """The test site's profile under a job name of its own, so that the test finds its jobs in qstat."""
    path = folder / f"{name}.toml"
    path.write_text(f'extends = "{PROFILES / "testsge.toml"}"\n[job]\nname = "{name}"\n')
    return path


def jobs_named(name: str) -> set[str]:
    return {job.id for job in sgecommands.queued() if job.name == name}


def recorded(out: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in (out / RESULTS).read_text().splitlines()]


def started_until_recorded(profile: Path, folder: Path, records: int) -> subprocess.Popen[str]:
    """``sgecompile run`` of ``cmds.txt`` with 2 jobs, once it has recorded ``records`` commands in ``out``."""
    run = subprocess.Popen(
        [*SGECOMPILE, "run", str(profile), "cmds.txt", "--jobs", "2", "--out", "out"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 90
    while not ((folder / "out" / RESULTS).exists() and len(recorded(folder / "out")) >= records):
        assert time.monotonic() < deadline and run.poll() is None
        time.sleep(0.2)
    return run


def test_argv_failures_and_resuming(in_tmp: Path) -> None:
    """Hostile argv arrives exactly; a failure is reported with its status; the second run (adaptive) runs only it."""
    profile = profile_in(in_tmp, "run-resume")
    flaky = ["sh", "-c", "test -e seen || { touch seen; exit 4; }"]
    (in_tmp / "cmds.json").write_text(json.dumps([[*ECHO_ARGV, *HOSTILE], flaky, ["true"]]))
    run = [*SGECOMPILE, "run", str(profile), "cmds.json", "--out", "out"]
    first = subprocess.run([*run, "--jobs", "2"], capture_output=True, text=True, timeout=120)
    assert first.returncode == 1, first.stderr
    assert "3 commands: 2 succeeded (0 in an earlier run), 1 failed" in first.stdout
    assert "exit 4: sh -c 'test -e seen || { touch seen; exit 4; }'" in first.stdout
    echo = next(o.command for o in outcomes(in_tmp / "out" / RESULTS) if o.command.argv[0] == sys.executable)
    assert json.loads(Path(State(in_tmp / "out").logs(echo) + ".out").read_text()) == HOSTILE
    second = subprocess.run([*run, "--adapt", "0:2"], capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert "3 commands: 3 succeeded (2 in an earlier run), 0 failed" in second.stdout
    assert len(recorded(in_tmp / "out")) == 4  # the flaky one recorded again, nothing else
    assert (in_tmp / "out" / "summary.txt").read_text().startswith("3 commands: 3 succeeded")
    assert not wait_until_gone(jobs_named("run-resume"))


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_leaves_a_resumable_state_and_no_job(in_tmp: Path, stop: signal.Signals) -> None:
    """Ctrl-C or SIGTERM mid-run: exit 130, every job gone, and what finished is kept as succeeded for the next run."""
    profile = profile_in(in_tmp, f"run-{stop.name}")
    (in_tmp / "cmds.txt").write_text("true 1\ntrue 2\nsleep 300\n")
    run = started_until_recorded(profile, in_tmp, 2)
    jobs = jobs_named(profile.stem)
    assert jobs
    run.send_signal(stop)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 130 and "run it again with --out out" in err
    assert not wait_until_gone(jobs, timeout=30)
    assert sorted(o.command.argv for o in outcomes(in_tmp / "out" / RESULTS) if o.succeeded) == [
        ("true", "1"),
        ("true", "2"),
    ]


@pytest.mark.parametrize(("seconds", "count", "before"), [(2, 8, 1), (0.05, 300, 30)], ids=["alone", "shared"])
def test_a_worker_job_deleted_mid_run_loses_no_command(in_tmp: Path, seconds: float, count: int, before: int) -> None:
    """One of two worker jobs deleted while commands run (one a task, or several): each succeeds, recorded once."""
    profile = profile_in(in_tmp, "run-lost")
    (in_tmp / "cmds.txt").write_text("".join(f"sh -c 'sleep {seconds}' {i}\n" for i in range(count)))
    run = started_until_recorded(profile, in_tmp, before)
    (job,) = jobs_named("run-lost")
    sgecommands.delete([f"{job}.1"])
    out, err = run.communicate(timeout=120)
    assert run.returncode == 0, out + err
    lines = recorded(in_tmp / "out")
    assert len(lines) == count and {line["exit"] for line in lines} == {0}
    assert len({line["id"] for line in lines}) == count
    assert not wait_until_gone({job})
