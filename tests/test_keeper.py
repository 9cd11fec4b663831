"""The keeper's reading of qstat and qacct: which jobs ended, why, and whose workers they were."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from sgecompile import sgecommands
from sgecompile.live.keeper import Keeper, belongs, why_ended

QACCT_KILLED = """==============================================================
qname        all.q
jobnumber    4599
taskid       1
failed       100 : assumedly after job
exit_status  137                  (Killed)
"""


def job(number: str, state: str = "r", tasks: str = "") -> sgecommands.QueuedJob:
    return sgecommands.QueuedJob(number, "w", state, tasks)


@pytest.mark.parametrize(
    ("tasks", "ids"),
    [
        ("", ["12"]),
        ("3", ["12.3"]),
        ("1-4:1", ["12.1", "12.2", "12.3", "12.4"]),
        ("1,3,7-9:2", ["12.1", "12.3", "12.7", "12.9"]),
    ],
)
def test_a_qstat_line_names_its_jobs_as_submitters_do(tasks: str, ids: list[str]) -> None:
    """A plain job is its number; an array line's task ranges expand to NUMBER.TASK."""
    assert job("12", tasks=tasks).task_ids == ids


def test_ended_jobs_are_those_qstat_no_longer_lists_or_lists_in_error() -> None:
    """Of a cluster's jobs, the deleted task and the Eqw job ended; a running task and a pending range did not."""
    mine = {"w-0": "5.1", "w-1": "5.2", "w-2": "6", "w-3": "7.3"}
    listed = [job("5", tasks="2"), job("6", "Eqw"), job("7", "qw", "2-4:1")]
    assert Keeper.ended(mine, listed) == {"w-0": "5.1", "w-2": "6"}


@pytest.mark.parametrize(
    ("record", "said"),
    [
        ({"failed": "37  : qmaster enforced h_rt, h_cpu, or h_vmem limit", "exit_status": "137"}, "at a limit"),
        ({"failed": "100 : assumedly after job", "exit_status": "137                  (Killed)"}, "killed (qdel"),
        ({"failed": "0", "exit_status": "0"}, "its workers exited (exit status 0)"),
        ({"failed": "0", "exit_status": "3"}, "it exited with status 3"),
        ({"failed": "1   : assumedly before job", "exit_status": "0"}, "qacct failed 1   : assumedly before job"),
        ({}, "qacct has no record"),
    ],
)
def test_why_a_job_ended_in_words(record: dict[str, str], said: str) -> None:
    """qacct's failed and exit_status become the reason the log line gives."""
    assert said in why_ended(record)


def test_a_worker_belongs_to_its_job_and_not_to_a_longer_name() -> None:
    """NAME and NAME-i are the job's workers; NAME0 and NAME-x are not (job 1 is not job 10)."""
    assert belongs("w-1", "w-1") and belongs("w-1-0", "w-1") and belongs("w-1-12", "w-1")
    assert not belongs("w-10", "w-1") and not belongs("w-1-x", "w-1")


def test_accounting_reads_the_record_of_a_task(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """qacct -j N -t T is asked for an array task, and its fields come back by name; no record is empty."""
    (tmp_path / "qacct").write_text(
        f'#!/bin/sh\n[ "$*" = "-j 4599 -t 1" ] || {{ echo "error: job id $2 not found" >&2; exit 1; }}\n'
        f"cat <<'END'\n{QACCT_KILLED}END\n"
    )
    (tmp_path / "qacct").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    record = sgecommands.accounting("4599.1")
    assert record["failed"] == "100 : assumedly after job" and record["exit_status"].startswith("137")
    assert sgecommands.accounting("4600") == {}


def test_a_job_whose_workers_left_while_qstat_lists_it_is_silent(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers last seen more than SILENT_AFTER ago make their job silent (its host lost); never-seen jobs do not."""
    look = Keeper(cluster=None)  # type: ignore[arg-type]  # _silent reads only what the keeper noted
    look._seen = {"w-0": 0.0, "w-1": 100.0}
    monkeypatch.setattr("time.monotonic", lambda: 100.0 + 1)
    assert look._silent({"w-0": "5.1", "w-1": "5.2", "w-2": "5.3"}) == {"w-0": "5.1"}
    look.stop()


def test_a_name_started_anew_is_a_new_job_but_a_first_id_keeps_what_was_seen(monkeypatch: pytest.MonkeyPatch) -> None:
    """dask may start a lost job's name again: what was seen of the old job goes, and the old job is removed for good."""
    from types import SimpleNamespace

    from distributed.core import Status

    from sgecompile.live import keeper

    removed: list[list[str]] = []
    monkeypatch.setattr(keeper, "_remove", removed.append)
    job = SimpleNamespace(job_id="5.1", status=Status.running)
    cluster = SimpleNamespace(workers={"w-0": job}, worker_spec={"w-0": {}})
    look = Keeper(cluster=cluster)  # type: ignore[arg-type]

    async def looks() -> None:
        look.saw(["w-0"])  # connected before the first look
        assert look._mine() == ({"w-0": "5.1"}, {}) and "w-0" in look._seen
        job.job_id = "6"  # started anew under the same name
        assert look._mine() == ({"w-0": "6"}, {}) and "w-0" not in look._seen and "w-0" not in look._connected
        await asyncio.sleep(0.1)
        del cluster.workers["w-0"]  # dask dropped the job of a lost worker, its name kept in the spec
        assert look._mine() == ({}, {"w-0": "6"})

    asyncio.run(looks())
    assert removed == [["5.1"]]
    look.stop()
