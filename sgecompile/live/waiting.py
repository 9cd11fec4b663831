"""Waiting for a launch's workers, with progress on a terminal and qstat's view when they do not come."""

from __future__ import annotations

import sys
import time
from collections import Counter

from distributed import Client

from .. import sgecommands
from .jobs import CompiledCluster


class LaunchTimeout(TimeoutError):
    """Workers did not connect in time, or cannot any more; the message says what qstat shows for the jobs."""


def wait_for_workers(client: Client, live: CompiledCluster, expected: int, timeout: float) -> None:
    """Block until ``expected`` workers are connected, showing progress on a terminal.

    dask's own wait looks every 0.1 s; once a second this loop also asks
    qstat, to show it, and to stop at once on a refused submission, or when
    every job is in an error state (Eqw) or has already ended: then the
    workers still missing will never come, and waiting out the timeout
    would only hide why.
    """
    deadline = time.monotonic() + timeout
    shown = False
    try:
        while not _connected(client, expected):
            if live.submitter.failures:
                raise live.submitter.failures[0]
            if live.keeper.stopped:
                raise LaunchTimeout(
                    f"{connected_workers(client)} of {expected} workers connected; {live.keeper.stopped}"
                )
            have = connected_workers(client)
            submitted, jobs = _mine(live)
            if sys.stderr.isatty():
                sys.stderr.write(f"\rsgecompile: {have}/{expected} workers connected; {_states(jobs)}\x1b[K")
                shown = True
            if hopeless := _hopeless(live, submitted, jobs):
                raise LaunchTimeout(_stuck_message(jobs, have, expected, hopeless))
            if time.monotonic() > deadline:
                raise LaunchTimeout(_stuck_message(jobs, have, expected, f"after {timeout:.0f} s"))
        if shown:
            sys.stderr.write(f"\rsgecompile: {expected}/{expected} workers connected\x1b[K")
    finally:
        if shown:
            sys.stderr.write("\n")


def connected_workers(client: Client) -> int:
    return len(client.scheduler_info(n_workers=-1)["workers"])


def _connected(client: Client, expected: int) -> bool:
    """Whether ``expected`` workers are running, waiting for them up to a second."""
    try:
        client.wait_for_workers(expected, timeout=1)
    except TimeoutError:
        return False
    return True


def _mine(live: CompiledCluster) -> tuple[set[str], list[sgecommands.QueuedJob]]:
    """The cluster's submitted jobs, and those of them qstat lists now (one qstat call).

    What was submitted is read first: a job whose qsub returns while qstat
    runs is missing from qstat's answer, and read after, it would look ended.
    """
    submitted = set(live.submitter.jobs)
    return submitted, [job for job in sgecommands.queued() if job.id in submitted]


def _states(jobs: list[sgecommands.QueuedJob]) -> str:
    counts = Counter(job.state for job in jobs)
    return (
        ", ".join(f"{n} job{'s' if n != 1 else ''} {state}" for state, n in sorted(counts.items())) or "no jobs queued"
    )


def _hopeless(live: CompiledCluster, submitted: set[str], jobs: list[sgecommands.QueuedJob]) -> str | None:
    """Why the missing workers can no longer come, if so: every job ``submitted`` is in error, or gone."""
    if not submitted:
        return None  # nothing submitted yet: dask submits in the background
    if not jobs:
        logs = live.compiled.profile.job.log_directory or "the working directory"
        return f"and every job has ended: the workers exited as they started (their logs are in {logs})"
    if all(job.failed for job in jobs):
        return "and every job is in an error state, where SGE never starts it"
    return None


def _stuck_message(jobs: list[sgecommands.QueuedJob], have: int, expected: int, why: str) -> str:
    lines = [f"{have} of {expected} workers connected {why}; qstat shows: {_states(jobs)}"]
    waiting = {job.id: job.state for job in jobs if job.pending or job.failed}  # an array's tasks share one id
    for job_id, state in waiting.items():
        reasons = "; ".join(sgecommands.reasons(job_id)) or "no reason given (scheduler job info may be off)"
        lines.append(f"  job {job_id} ({state}): {reasons}")
    lines.append("Every job of this launch is being removed.")
    return "\n".join(lines)
