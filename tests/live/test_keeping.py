"""A cluster keeps its size on the real SGE: an ended job is replaced without a call, and a crash loop stops."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from sgecompile import live, sgecommands
from sgecompile.live import keeper

from .conftest import start_up, wait_until_gone
from .test_launch import FAST, profile_in

pytestmark = pytest.mark.sge
BOUND = 30  # seconds from a qdel to the replacement's workers connected, on the idle test cell


def _workers(client: object) -> int:
    return len(client.scheduler_info(n_workers=-1)["workers"])  # type: ignore[attr-defined]


def test_a_deleted_task_is_replaced_without_a_call(in_tmp: Path, caplog: pytest.LogCaptureFixture) -> None:
    """launch(jobs=2) of 2 workers each: after a qdel of one task, 4 workers again within the bound, and why it ended."""
    profile = profile_in(in_tmp, "keep", worker="cores = 2\nprocesses = 2\nmemory = '1GiB'")
    with (
        caplog.at_level(logging.WARNING, "sgecompile.keeper"),
        live.launch(profile, jobs=2, timeout=120, **FAST) as client,
    ):
        assert _workers(client) == 4
        (array,) = client.cluster.submitter.jobs
        sgecommands.delete([f"{array}.1"])
        deleted = time.monotonic()
        while _workers(client) > 2 and time.monotonic() < deleted + BOUND:
            time.sleep(0.2)
        client.wait_for_workers(4, timeout=BOUND)
        back = time.monotonic() - deleted
        assert client.cluster.keeper.replaced == 1
        assert len(client.cluster.submitter.jobs) == 2  # the array, and the replacement
        assert sorted(client.cluster.worker_spec) == ["keep-1", "keep-2"]  # a new name, never the lost one's
        jobs = set(client.cluster.submitter.jobs)
        deadline = time.monotonic() + keeper.ACCOUNTING_WAIT + 5
        while "ended because" not in caplog.text and time.monotonic() < deadline:  # logged once qacct has the record
            time.sleep(0.5)
    assert not wait_until_gone(jobs)
    print(f"4 workers again {back:.1f} s after the qdel")
    assert f"job {array}.1 (keep-0) ended because it was killed (qdel, or a signal 9)" in caplog.text
    assert "replaced by keep-2" in caplog.text


def test_a_crash_loop_stops_with_the_reason(in_tmp: Path) -> None:
    """Once replacements exit at start, up stops after CRASH_LIMIT of them, says why and leaves no job."""
    broken = in_tmp / "broken"
    profile = profile_in(in_tmp, "crashloop", job=f"prologue = ['test -e {broken} && exit 3']")
    up = start_up(profile, "--timeout", "120")
    assert up.stdout is not None
    while "workers connected" not in (line := up.stdout.readline()):
        assert line, up.communicate()[1]
    broken.touch()
    (first,) = {job.id for job in sgecommands.queued() if job.name == "crashloop"}
    sgecommands.delete([first])
    try:
        _, err = up.communicate(timeout=120)
    finally:
        up.kill()
    assert up.returncode == 1, err
    lines = [line for line in err.splitlines() if line]
    assert all(line.startswith("sgecompile: ") for line in lines), err
    assert (
        sum("replaced by crashloop-" in line for line in lines) <= 2 + keeper.CRASH_LIMIT
    )  # the qdel'd two, then crashes
    assert "ended; not replaced" in err
    assert f"{keeper.CRASH_LIMIT} jobs in a row ended or were refused before any of their workers connected" in err
    assert lines[-1].endswith("every job of this cluster was removed")
    assert not wait_until_gone({job.id for job in sgecommands.queued() if job.name == "crashloop"})
