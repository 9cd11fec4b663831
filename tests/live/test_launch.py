"""launch() on the real SGE: the user notes' workflow, exactly the rendered script, and no job left behind."""

from __future__ import annotations

import contextlib
import os
import pty
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import dask
import pytest

from sgecompile import live, sgecommands
from sgecompile.rendering import render

from ..conftest import PROFILES
from .conftest import start_up, wait_until_gone

pytestmark = pytest.mark.sge
PROFILE = PROFILES / "testsge.toml"
FAST = {"scheduler_options": {"dashboard_address": ":0"}}


def profile_in(folder: Path, name: str, job: str = "", worker: str = "") -> Path:
    """The test site's profile under another job name (so a test can find its own jobs), plus lines."""
    path = folder / f"{name}.toml"
    path.write_text(f'extends = "{PROFILE}"\n[job]\nname = "{name}"\n{job}\n[worker]\n{worker}\n')
    return path


def test_workflow_of_the_user_notes(in_tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """map/gather, delayed(subprocess.run) of a program found through PATH (-V), compute, scale, close."""
    tools = in_tmp / "bin"
    tools.mkdir()
    (tools / "shout").write_text('#!/bin/sh\necho "$1" | tr a-z A-Z\n')
    (tools / "shout").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")

    with live.launch(PROFILE, jobs=2, timeout=120, **FAST) as client:
        assert len(client.scheduler_info(n_workers=-1)["workers"]) == 2
        assert client.gather(client.map(lambda x: x * x, range(50))) == [x * x for x in range(50)]

        def shout(word: str) -> str:
            return subprocess.run(["shout", word], capture_output=True, text=True, check=True).stdout.strip()

        runs = [dask.delayed(shout)(w) for w in ["aln1", "aln2", "aln3"]]
        futures = client.compute(runs)
        assert client.gather(futures) == ["ALN1", "ALN2", "ALN3"]

        client.cluster.scale(jobs=3)
        client.wait_for_workers(3, timeout=120)
        jobs = set(client.cluster.submitter.jobs)
        assert len(jobs) == 2  # the first two as one array job, the third alone
    assert not wait_until_gone(jobs)


def test_jobs_started_together_are_one_array_and_scale_down_removes_tasks(in_tmp: Path) -> None:
    with live.launch(PROFILE, jobs=3, timeout=120, **FAST) as client:
        (array,) = client.cluster.submitter.jobs
        scripts = set(client.run(lambda: Path(os.environ["JOB_SCRIPT"]).read_text()).values())
        assert len(scripts) == 1  # one script, the worker name chosen by $SGE_TASK_ID
        rendered = render(client.cluster.compiled, (client.scheduler_info()["address"],), "$WORKER_NAME")
        extra = set(scripts.pop().splitlines()) - set(rendered.splitlines())
        assert extra == {
            "#$ -t 1-3",
            'case "$SGE_TASK_ID" in 1) WORKER_NAME=sgecompile-test-0 ;; 2) WORKER_NAME=sgecompile-test-1 ;; 3) WORKER_NAME=sgecompile-test-2 ;; esac',
        }

        client.cluster.scale(jobs=1)
        deadline = time.monotonic() + 60
        while len(client.scheduler_info(n_workers=-1)["workers"]) > 1 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(client.scheduler_info(n_workers=-1)["workers"]) == 1
        assert wait_until_gone_tasks(array, keep=1)
    assert not wait_until_gone({array})


def wait_until_gone_tasks(job: str, keep: int, timeout: float = 30) -> bool:
    """Whether qstat comes to list exactly ``keep`` running tasks of an array job."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sum(1 for j in sgecommands.queued() if j.id == job and j.state == "r") == keep:
            return True
        time.sleep(0.5)
    return False


def test_the_job_runs_the_rendered_script(in_tmp: Path, cli) -> None:
    """What SGE ran ($JOB_SCRIPT) is `sgecompile render`'s output with the address and worker name filled in."""
    code, printed, _ = cli("render", PROFILE)
    assert code == 0
    with live.launch(PROFILE, jobs=1, timeout=120, **FAST) as client:
        ran = client.run(lambda: Path(os.environ["JOB_SCRIPT"]).read_text())
        ((worker, script),) = ran.items()
        name = client.scheduler_info(n_workers=-1)["workers"][worker]["name"]
        address = client.scheduler_info()["address"]
        assert script == render(client.cluster.compiled, scheduler=(address,), worker_name=name)
        expected = printed.replace("tcp://SCHEDULER-ADDRESS:8786", address).replace('"$JOB_NAME-$JOB_ID"', name)
        assert script == expected


def test_an_exception_inside_the_block_removes_every_job(in_tmp: Path) -> None:
    with pytest.raises(ZeroDivisionError), live.launch(PROFILE, jobs=2, timeout=120, array=False, **FAST) as client:
        jobs = set(client.cluster.submitter.jobs)
        raise ZeroDivisionError
    assert len(jobs) == 2 and not wait_until_gone(jobs)


@pytest.mark.parametrize("again", [False, True])
def test_sigterm_to_up_removes_its_jobs(in_tmp: Path, again: bool) -> None:
    """Also when a second SIGTERM comes while it removes them (an impatient `kill`, or a batch system's)."""
    profile = profile_in(in_tmp, "up-sigterm")
    up = start_up(profile, "--scheduler-file", "s.json")
    try:
        lines = [up.stdout.readline() for _ in range(4)]
        assert lines[-1].startswith("2 workers connected"), lines
        jobs = {j.id for j in sgecommands.queued() if j.name == "up-sigterm"}
        assert jobs
        up.terminate()
        if again:
            time.sleep(0.05)
            up.terminate()
        assert up.wait(timeout=60) == 0
    finally:
        up.kill()
    assert not wait_until_gone(jobs)


PROGRESS = """
import sys, sgecompile
with sgecompile.launch(sys.argv[1], jobs=1, timeout=120, scheduler_options={"dashboard_address": ":0"}) as client:
    print(" ".join(client.cluster.submitter.jobs), flush=True)
"""


def test_launch_shows_progress_on_a_terminal(in_tmp: Path) -> None:
    """On a terminal: one line, redrawn, with the workers connected and qstat's view, ending at 1/1."""
    profile = profile_in(in_tmp, "progress", job='prologue = ["sleep 3"]')  # slower than dask's first second
    main, terminal = pty.openpty()
    launcher = subprocess.Popen(
        [sys.executable, "-c", PROGRESS, str(profile)], stdout=subprocess.PIPE, stderr=terminal, text=True
    )
    os.close(terminal)
    shown = b""
    with contextlib.suppress(OSError):  # EIO once the launcher has closed the terminal
        while chunk := os.read(main, 4096):
            shown += chunk
    os.close(main)
    jobs = set(launcher.communicate(timeout=60)[0].split())
    assert launcher.returncode == 0, shown
    assert re.search(rb"\rsgecompile: 0/1 workers connected; 1 job (qw|t|r)\x1b\[K", shown), shown
    assert b"\rsgecompile: 1/1 workers connected\x1b[K\r\n" in shown, shown
    assert not wait_until_gone(jobs)


def test_timeout_says_what_qstat_shows(in_tmp: Path) -> None:
    """A job no host can hold waits in qw; launch gives up with SGE's reason and removes it."""
    profile = profile_in(in_tmp, "too-big", worker='memory = "100GiB"')
    started = time.monotonic()
    with pytest.raises(live.LaunchTimeout) as raised, live.launch(profile, jobs=1, timeout=10, **FAST):
        pass
    message = str(raised.value)
    assert "0 of 1 workers connected after 10 s" in message
    assert "qw" in message and "h_vmem" in message, message
    assert time.monotonic() - started < 60
    assert not wait_until_gone({j.id for j in sgecommands.queued() if j.name == "too-big"})


@pytest.mark.parametrize(
    ("name", "job", "why"),
    [
        ("dies", 'prologue = ["exit 1"]', "every job has ended: the workers exited as they started"),
        ("no-shell", '[site]\nshell = "/bin/no-such-shell"', "every job is in an error state"),
    ],
)
def test_launch_stops_waiting_when_the_workers_cannot_come(in_tmp: Path, name: str, job: str, why: str) -> None:
    """Workers that exit at once, or a job in Eqw: no use waiting out the 300 s; say why at once."""
    profile = profile_in(in_tmp, name, job=job)
    started = time.monotonic()
    with pytest.raises(live.LaunchTimeout, match=why), live.launch(profile, jobs=2, **FAST):
        pass
    assert time.monotonic() - started < 60
    assert not wait_until_gone({j.id for j in sgecommands.queued() if j.name == name})


def test_launch_makes_the_log_folder_sge_expands_job_name_in(in_tmp: Path) -> None:
    """SGE does not create the -o folder: without it the job would wait in Eqw."""
    profile = profile_in(in_tmp, "named-logs", job=f'log_directory = "{in_tmp}/logs/$JOB_NAME"')
    with live.launch(profile, jobs=1, timeout=120, **FAST) as client:
        (job,) = client.cluster.submitter.jobs
        assert (in_tmp / "logs" / "named-logs" / f"named-logs.o{job}").is_file()
    assert not wait_until_gone({job})


def test_a_refused_submission_raises_sges_message(in_tmp: Path) -> None:
    profile = profile_in(in_tmp, "no-queue", job='queue = "nosuch.q"')
    with pytest.raises(sgecommands.SGEError) as raised, live.launch(profile, jobs=1, timeout=30, **FAST):
        pass
    assert "no-queue.toml" in str(raised.value) and 'unknown queue "nosuch.q"' in str(raised.value)


def test_up_says_a_refused_submission_in_one_line(in_tmp: Path) -> None:
    """Not also dask's 25-line traceback of its event loop around it."""
    profile = profile_in(in_tmp, "no-queue-up", job='queue = "nosuch.q"')
    done = subprocess.run(
        [sys.executable, "-m", "sgecompile", "up", str(profile), "--timeout", "30"], capture_output=True, text=True
    )
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and 'unknown queue "nosuch.q"' in done.stderr, done.stderr


def test_a_refusal_nobody_waits_for_is_logged_once_without_a_traceback(
    in_tmp: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """cluster() scaled by hand: no launch() raises the refusal, so the submitter logs it."""
    profile = profile_in(in_tmp, "no-queue-scaled", job='queue = "nosuch.q"')
    with live.cluster(profile, **FAST) as cluster:
        cluster.scale(jobs=1)
        deadline = time.monotonic() + 30
        while not cluster.submitter.failures and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # dask logs the failed scale() right after the submitter
    failed = [r for r in caplog.records if r.levelname == "ERROR"]
    assert [(r.name, r.exc_info) for r in failed] == [("sgecompile.live.submitter", None)], caplog.text
    assert 'unknown queue "nosuch.q"' in failed[0].getMessage()


def test_a_log_folder_that_cannot_be_made_submits_nothing(in_tmp: Path) -> None:
    profile = profile_in(in_tmp, "no-logs", job='log_directory = "/proc/nope"')
    with pytest.raises(live.ProfileError, match=r"job.log_directory /proc/nope cannot be made \(No such file"):
        live.cluster(profile)


def test_a_profile_with_errors_submits_nothing(in_tmp: Path) -> None:
    profile = profile_in(in_tmp, "broken", job='walltime = "00:30"')
    with pytest.raises(live.ProfileError, match="SGE201"):
        live.cluster(profile)


def test_adaptive_launch_waits_for_the_minimum_and_scales_up(in_tmp: Path) -> None:
    """adapt=(1, 3) as in dask-jobqueue: the minimum is ready at once, work brings more jobs."""
    with live.launch(PROFILE, adapt=(1, 3), timeout=120, **FAST) as client:
        assert len(client.scheduler_info(n_workers=-1)["workers"]) >= 1
        futures = client.map(lambda x: time.sleep(1) or x, range(30))
        deadline = time.monotonic() + 60
        while len(client.cluster.submitter.jobs) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(client.cluster.submitter.jobs) >= 2
        assert sum(client.gather(futures)) == sum(range(30))
        jobs = set(client.cluster.submitter.jobs)
    assert not wait_until_gone(jobs)


def test_removing_the_jobs_waits_for_a_qsub_under_way_and_then_submits_no_more(
    in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C can stop dask's event loop while its thread runs a qsub: that job must be removed too."""
    plan = live.compile_or_raise(profile_in(in_tmp, "in-flight"))
    submitter = live.Submitter(plan, array=False)
    real = sgecommands.submit

    def slow(*args: object, **kwargs: object) -> str:
        time.sleep(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sgecommands, "submit", slow)
    script = render(plan, scheduler=("tcp://127.0.0.1:1",), worker_name="in-flight-0")
    under_way = threading.Thread(target=submitter._submit, args=(script,))
    under_way.start()
    time.sleep(0.2)
    submitter.remove_all()
    under_way.join()
    assert len(submitter.jobs) == 1 and not wait_until_gone(set(submitter.jobs))
    with pytest.raises(sgecommands.SGEError, match="the cluster is closing"):
        submitter._submit(script)


def test_a_worker_can_hold_what_dask_allows_under_the_derived_h_vmem(in_tmp: Path) -> None:
    """h_vmem limits address space: at h_vmem = the dask limit, holding 85 % of it failed with MemoryError."""
    profile = profile_in(in_tmp, "vmem-room")
    with live.launch(profile, jobs=1, timeout=120, **FAST) as client:
        limit = live.compile_or_raise(profile).profile.worker.memory_per_process

        def hold(size: int) -> int:
            return len(bytearray(size))

        assert client.submit(hold, int(limit * 0.85), pure=False).result(timeout=120) == int(limit * 0.85)
