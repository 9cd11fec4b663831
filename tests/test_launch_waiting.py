"""What launch concludes from qstat while it waits for the workers (no cluster: qstat's answers are given)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from sgecompile import sgecommands
from sgecompile.live import waiting


def cluster_with(*jobs: str) -> Any:
    return SimpleNamespace(
        submitter=SimpleNamespace(jobs=set(jobs)),
        compiled=SimpleNamespace(profile=SimpleNamespace(job=SimpleNamespace(log_directory="logs"))),
    )


def test_a_job_whose_qsub_returns_while_qstat_runs_is_not_taken_for_ended(monkeypatch: pytest.MonkeyPatch) -> None:
    """dask submits in the background: qstat answered before the job was in SGE, the id came in meanwhile."""
    live = cluster_with()

    def qstat_during_qsub() -> list[sgecommands.QueuedJob]:
        live.submitter.jobs.add("7")  # qsub returns while qstat runs; qstat's answer is from before
        return []

    monkeypatch.setattr(sgecommands, "queued", qstat_during_qsub)
    submitted, jobs = waiting._mine(live)
    assert (submitted, jobs, waiting._hopeless(live, submitted, jobs)) == (set(), [], None)


def test_jobs_gone_from_qstat_or_all_in_error_are_hopeless(monkeypatch: pytest.MonkeyPatch) -> None:
    live = cluster_with("7", "8")
    listed = [sgecommands.QueuedJob("7", "w-0", "Eqw"), sgecommands.QueuedJob("9", "other", "r")]
    monkeypatch.setattr(sgecommands, "queued", lambda: listed)
    submitted, jobs = waiting._mine(live)
    assert jobs == listed[:1]
    assert waiting._hopeless(live, submitted, jobs) == "and every job is in an error state, where SGE never starts it"
    assert "every job has ended" in str(waiting._hopeless(live, submitted, []))
    assert "logs are in logs" in str(waiting._hopeless(live, submitted, []))
    running = [sgecommands.QueuedJob("8", "w-1", "r")]
    assert waiting._hopeless(live, submitted, running) is None
