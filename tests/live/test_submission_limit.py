"""worker.max_jobs_at_once on the test SGE: jobs beyond it wait in the submitter until earlier ones end."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sgecompile import live, sgecommands

from .test_launch import FAST, profile_in

pytestmark = pytest.mark.sge
HELD = 8  # seconds: several looks at qstat (HOLD_POLL), in which a job that could go would have gone


def test_the_second_job_is_submitted_only_after_the_first_ends(in_tmp: Path) -> None:
    """Limit 1, two jobs asked for: launch waits for one worker; the other job is submitted once the first is qdel'd."""
    profile = profile_in(in_tmp, "at-once", worker="max_jobs_at_once = 1")
    with live.launch(profile, jobs=2, timeout=120, **FAST) as client:
        submitter = client.cluster.submitter
        time.sleep(HELD)
        (first,) = submitter.jobs
        assert len(client.scheduler_info(n_workers=-1)["workers"]) == 1
        sgecommands.delete([first])
        deadline = time.monotonic() + 60
        while len(submitter.jobs) < 2 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert len(submitter.jobs) == 2 and first not in {j.id for j in sgecommands.queued()}
        client.wait_for_workers(1, timeout=120)
        assert client.submit(lambda x: x + 1, 1).result(timeout=60) == 2
