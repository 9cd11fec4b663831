"""worker.max_jobs_at_once: the submitter's hold-back (qsub and qstat faked, no dask cluster), emit's -tc, qstat's task lines."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import attrs
import pytest

from sgecompile import sgecommands
from sgecompile.live import CompiledCluster
from sgecompile.live import submitter as submitting
from sgecompile.pipeline import Result
from sgecompile.plan import Plan

LIMITED = '[job]\nwalltime = 60\n[worker]\ncores = 1\nmemory = "1GB"\nmax_jobs_at_once = 1\n'


@attrs.define
class FakeJob:
    """What the submitter reads of a dask job, and the id it sets on a held one."""

    name: str
    scheduler: str = "tcp://127.0.0.1:1"
    job_id: str | None = None
    was_refused: bool = False

    def job_script(self) -> str:
        return f"#!/bin/bash\necho {self.name}\n"

    def refused(self) -> None:
        self.was_refused = True


class FakeSGE:
    """qsub numbers jobs 1, 2, ...; qstat lists the jobs submitted and not yet ended by the test."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.submitted: list[str] = []
        self.ended: set[str] = set()
        monkeypatch.setattr(sgecommands, "submit", self.submit)
        monkeypatch.setattr(sgecommands, "queued", self.queued)
        monkeypatch.setattr(submitting, "HOLD_POLL", 0.01)

    def submit(self, script: str, options: object = (), cwd: object = None) -> str:
        self.submitted.append(str(len(self.submitted) + 1))
        return self.submitted[-1]

    def queued(self) -> list[sgecommands.QueuedJob]:
        return [sgecommands.QueuedJob(i, "w", "r") for i in self.submitted if i not in self.ended]


def _plan(compiled: Callable[..., Result], text: str = LIMITED) -> Plan:
    plan = compiled(text).plan
    assert plan is not None
    return plan


def test_a_job_beyond_the_limit_is_submitted_only_after_an_earlier_one_ends(
    compiled: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Limit 1, two jobs started together: both starts return, the second is submitted once the first leaves qstat."""
    sge = FakeSGE(monkeypatch)
    sub = submitting.Submitter(_plan(compiled), array=True)
    second = FakeJob("w-1")

    async def scenario() -> list[str]:
        started = await asyncio.wait_for(asyncio.gather(sub.submit(FakeJob("w-0")), sub.submit(second)), 1)
        await asyncio.sleep(0.2)
        assert sge.submitted == ["1"] and second.job_id is None  # held back, however long it waits
        sge.ended.add("1")
        await asyncio.sleep(0.2)
        return started

    assert asyncio.run(scenario()) == ["1", ""] and sge.submitted == ["1", "2"] and second.job_id == "2"


def test_a_held_job_the_cluster_stops_wanting_is_never_submitted(
    compiled: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scale-down while a job waits: it leaves the queue of held jobs, and qsub is not called for it."""
    sge = FakeSGE(monkeypatch)
    wanted = {"w-0", "w-1"}
    sub = submitting.Submitter(_plan(compiled), array=True, wanted=lambda job: str(job.name) in wanted)

    async def scenario() -> None:
        await asyncio.gather(sub.submit(FakeJob("w-0")), sub.submit(FakeJob("w-1")))
        wanted.discard("w-1")
        await asyncio.sleep(0.1)
        sge.ended.add("1")
        await asyncio.sleep(0.1)

    asyncio.run(scenario())
    assert sge.submitted == ["1"] and sub.held == []


def test_a_held_job_qsub_refuses_is_marked_refused(
    compiled: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """When its turn comes and qsub says no, the held job is marked refused (the keeper replaces it), not left as if running."""
    sge = FakeSGE(monkeypatch)
    sub = submitting.Submitter(_plan(compiled), array=False)
    second = FakeJob("w-1")

    def refuse(script: str, options: object = (), cwd: object = None) -> str:
        raise sgecommands.SGEError("qsub: Unable to run job")

    async def scenario() -> None:
        await asyncio.gather(sub.submit(FakeJob("w-0")), sub.submit(second))
        monkeypatch.setattr(sgecommands, "submit", refuse)
        sge.ended.add("1")
        await asyncio.sleep(0.2)

    asyncio.run(scenario())
    assert second.was_refused and second.job_id is None and sub.held == []


def test_a_failed_look_at_qstat_does_not_stop_the_held_jobs(
    compiled: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """qstat failing once while jobs wait: logged, tried again, and the held job is still submitted when room comes."""
    sge = FakeSGE(monkeypatch)
    sub = submitting.Submitter(_plan(compiled), array=False)
    second = FakeJob("w-1")
    answers = iter([sgecommands.SGEError("qstat: qmaster away")])

    def flaky() -> list[sgecommands.QueuedJob]:
        error = next(answers, None)
        if error is not None:
            raise error
        return sge.queued()

    async def scenario() -> None:
        await asyncio.gather(sub.submit(FakeJob("w-0")), sub.submit(second))
        monkeypatch.setattr(sgecommands, "queued", flaky)
        sge.ended.add("1")
        await asyncio.sleep(0.3)

    asyncio.run(scenario())
    assert second.job_id == "2"


def test_closing_submits_no_held_job(compiled: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    """remove_all() while a job waits for room: it is never submitted, even once room appears."""
    sge = FakeSGE(monkeypatch)
    monkeypatch.setattr(sgecommands, "delete_for_good", lambda ids: [])
    sub = submitting.Submitter(_plan(compiled), array=False)

    async def scenario() -> None:
        await sub.submit(FakeJob("w-0"))
        assert await sub.submit(FakeJob("w-1")) == ""
        await asyncio.to_thread(sub.remove_all)
        sge.ended.add("1")
        await asyncio.sleep(0.1)

    asyncio.run(scenario())
    assert sge.submitted == ["1"]


def test_array_tasks_count_one_each(compiled: Callable[..., Result], monkeypatch: pytest.MonkeyPatch) -> None:
    """Limit 2 with one array of two running tasks in qstat: a third job waits until a task ends."""
    sge = FakeSGE(monkeypatch)
    sub = submitting.Submitter(_plan(compiled, LIMITED.replace("= 1\n", "= 2\n")), array=True)
    running = [sgecommands.QueuedJob("7", "w", "r", "1"), sgecommands.QueuedJob("7", "w", "r", "2")]
    monkeypatch.setattr(sgecommands, "queued", lambda: running)
    sub.tasks |= {"7.1", "7.2"}
    third = FakeJob("w-2")

    async def scenario() -> None:
        assert await sub.submit(third) == ""
        await asyncio.sleep(0.1)
        assert not sge.submitted
        running.pop()
        await asyncio.sleep(0.1)

    asyncio.run(scenario())
    assert third.job_id == "1"


def test_without_a_limit_nothing_waits_or_asks_qstat(
    compiled: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """No max_jobs_at_once: every job is submitted at once (one array), and qstat is never asked."""
    sge = FakeSGE(monkeypatch)
    monkeypatch.setattr(sgecommands, "queued", lambda: pytest.fail("qstat asked"))
    sub = submitting.Submitter(_plan(compiled, LIMITED.replace("max_jobs_at_once = 1\n", "")), array=True)

    async def scenario() -> list[str]:
        return await asyncio.gather(*(sub.submit(FakeJob(f"w-{i}")) for i in range(3)))

    assert asyncio.run(scenario()) == ["1.1", "1.2", "1.3"] and sge.submitted == ["1"]


@pytest.mark.parametrize(
    ("tasks", "ids"),
    [("", ["5"]), ("3", ["5.3"]), ("1-4:1", ["5.1", "5.2", "5.3", "5.4"]), ("1-5:2,8", ["5.1", "5.3", "5.5", "5.8"])],
)
def test_qstat_task_lines_name_each_task(tasks: str, ids: list[str]) -> None:
    """A pending range, a running task and a plain job, as qstat -xml's <tasks> gives them."""
    assert sgecommands.QueuedJob("5", "w", "qw", tasks).task_ids == ids


def test_emit_gives_the_worker_array_and_the_task_array_tc(
    cli: Callable[..., tuple[int, str, str]], write: Callable[..., Path], tmp_path: Path
) -> None:
    """emit's workers.sh and emit --tasks's tasks.sh get -tc N; --concurrent still wins for tasks."""
    profile = write(LIMITED.replace("= 1\n", "= 3\n"))
    assert cli("emit", str(profile), "--out", str(tmp_path / "c"), "--jobs", "5")[0] == 0
    assert "#$ -tc 3\n" in (tmp_path / "c" / "workers.sh").read_text()
    assert "-tc" not in (tmp_path / "c" / "scheduler.sh").read_text()
    (tmp_path / "t.txt").write_text("echo 1\necho 2\necho 3\necho 4\n")
    assert cli("emit", str(profile), "--out", str(tmp_path / "t"), "--tasks", str(tmp_path / "t.txt"))[0] == 0
    assert "#$ -tc 3\n" in (tmp_path / "t" / "tasks.sh").read_text()
    assert (
        cli(
            "emit", str(profile), "--out", str(tmp_path / "u"), "--tasks", str(tmp_path / "t.txt"), "--concurrent", "2"
        )[0]
        == 0
    )
    assert "#$ -tc 2\n" in (tmp_path / "u" / "tasks.sh").read_text()


def test_a_held_job_is_wanted_while_its_name_is_asked_for_and_no_other_job_took_it() -> None:
    """A scale-down drops its name; a scale-up again starts another job under it: the held one is then unwanted."""
    held, other = FakeJob("w-0"), FakeJob("w-0")
    cluster = SimpleNamespace(worker_spec={"w-0": {}}, workers={})
    assert CompiledCluster._wants(cluster, held)
    cluster.workers["w-0"] = held
    assert CompiledCluster._wants(cluster, held)
    cluster.workers["w-0"] = other
    assert not CompiledCluster._wants(cluster, held)
    cluster.workers.clear()
    cluster.worker_spec.clear()
    assert not CompiledCluster._wants(cluster, held)
