"""Standalone scripts on the real SGE: a cluster through a scheduler file, and a task array with resubmission."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from distributed import Client

from ..conftest import PROFILES
from ..test_emit import DUMP_ARGV, HOSTILE
from .conftest import wait_until_gone

pytestmark = pytest.mark.sge


def job_ids(folder: Path) -> set[str]:
    return set((folder / "job-ids").read_text().split())


def test_emitted_cluster_runs_without_sgecompile(cli, in_tmp: Path) -> None:
    """Also while another program holds dask's default port 8786 (another user's scheduler, say)."""
    out = in_tmp / "cluster"
    assert cli("emit", str(PROFILES / "testsge.toml"), "--out", str(out), "--jobs", "2")[0] == 0
    taken = socket.create_server(("", 8786), reuse_port=False)
    submitted = subprocess.run([str(out / "submit.sh")], capture_output=True, text=True, check=True)
    assert submitted.stdout.count(": job ") == 2
    try:
        listed = (out / "job-ids").read_text()
        again = subprocess.run([str(out / "submit.sh")], capture_output=True, text=True)
        assert again.returncode == 1 and "of an earlier submit is still queued or running" in again.stderr
        assert (out / "job-ids").read_text() == listed  # so cancel.sh still reaches them
        with Client(scheduler_file=str(out / "scheduler.json"), timeout=120) as client:
            client.wait_for_workers(2, timeout=120)
            assert client.gather(client.map(lambda x: x + 1, range(20))) == list(range(1, 21))
    finally:
        taken.close()
        subprocess.run([str(out / "cancel.sh")], check=True, capture_output=True)
    assert not wait_until_gone(job_ids(out))
    assert not (out / "scheduler.json").exists()  # a client reading it would wait for a scheduler that is gone


def test_workers_stop_waiting_when_the_scheduler_job_fails(cli, in_tmp: Path) -> None:
    """They would otherwise hold their slots until the walltime, waiting for a scheduler file that never comes."""
    profile = in_tmp / "broken.toml"
    profile.write_text(f'extends = "{PROFILES / "testsge.toml"}"\n[worker]\npython = "/bin/false"\n')
    out = in_tmp / "broken"
    assert cli("emit", str(profile), "--out", str(out), "--jobs", "2")[0] == 0
    subprocess.run([str(out / "submit.sh")], capture_output=True, text=True, check=True)
    assert not wait_until_gone(job_ids(out), timeout=60)
    logs = "".join(p.read_text() for p in (out / "sge-logs").glob("sgecompile-test.o*"))
    assert logs.count("the scheduler job ended without writing") == 2, logs


def test_task_array_failures_are_named_and_only_they_rerun(cli, in_tmp: Path) -> None:
    """20 commands, 3 failing until a flag file exists: the summary names them, resubmission runs only them."""
    failing = {3, 7, 15}
    script = 'echo run >> "ran-$1"; test "$2" = ok || test -e flag'
    commands = [["sh", "-c", script, "sh", str(i), "fail" if i in failing else "ok"] for i in range(1, 21)]
    commands[19] = [sys.executable, "-c", DUMP_ARGV, *HOSTILE]  # task 20: hostile words, exactly
    (in_tmp / "tasks.json").write_text(json.dumps(commands))
    out = in_tmp / "tasks"
    assert (
        cli("emit", str(PROFILES / "testsge.toml"), "--out", str(out), "--tasks", "tasks.json", "--concurrent", "8")[0]
        == 0
    )

    subprocess.run([str(out / "submit.sh")], check=True, capture_output=True)
    assert not wait_until_gone(job_ids(out), timeout=180)
    code, summary, _ = cli("tasks", str(out))
    assert code == 1 and "20 tasks: 17 succeeded, 3 failed, 0 unfinished" in summary
    assert [line.split(":")[0].strip() for line in summary.splitlines()[1:]] == ["task 3", "task 7", "task 15"]
    assert json.loads((out / "argv-20.json").read_text()) == HOSTILE and not list(out.glob("pwned*"))

    (out / "flag").touch()
    code, said, _ = cli("tasks", "tasks", "--resubmit")  # relative, as the README writes it
    assert code == 0 and "resubmitted tasks 3, 7, 15" in said
    assert len(job_ids(out)) == 2  # one array job for the three, so that its -tc 8 bounds them all
    assert not wait_until_gone(job_ids(out), timeout=180)
    assert cli("tasks", str(out))[1].startswith("20 tasks: 20 succeeded")
    runs = {i: len((out / f"ran-{i}").read_text().splitlines()) for i in range(1, 20)}
    assert runs == {i: 2 if i in failing else 1 for i in range(1, 20)}


def test_exit_codes_sge_reads_as_orders_end_the_task_all_the_same(cli, in_tmp: Path) -> None:
    """SGE re-runs a job that exits 99 and holds one that exits 100 (Eqw): the task records the code and ends."""
    (in_tmp / "cmds.txt").write_text("sh -c 'exit 99'\nsh -c 'exit 100'\ntrue\n")
    out = in_tmp / "codes"
    assert cli("emit", str(PROFILES / "testsge.toml"), "--out", str(out), "--tasks", "cmds.txt")[0] == 0
    code, _, err = cli("tasks", str(out), "--resubmit")
    assert (
        code == 2 and "nothing of" in err
    )  # never submitted: resubmit would skip submit.sh's folders, and the job would wait in Eqw
    assert "nothing was submitted yet: run" in cli("tasks", str(out))[1]
    subprocess.run([str(out / "submit.sh")], check=True, capture_output=True)
    assert not wait_until_gone(job_ids(out), timeout=60)
    code, said, _ = cli("tasks", str(out))
    assert code == 1 and "3 tasks: 1 succeeded, 2 failed, 0 unfinished" in said
    assert "task 1: exit 99" in said and "task 2: exit 100" in said
