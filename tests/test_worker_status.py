"""The cluster's bookkeeping of workers added and removed survives a fresh copy of scheduler_info (distributed#5407).

``wait_for_workers`` replaces ``cluster.scheduler_info`` with the scheduler's
own; a worker the scheduler removed just before is then missing when the
stream's "remove" for it comes, and dask's ``SpecCluster`` raised KeyError
there, which ended its watching of the stream (seen in CI on the test SGE).
"""

from __future__ import annotations

import asyncio
from typing import Any

import dask

from sgecompile.live.jobs import CompiledCluster


class _Keeper:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def saw(self, names: Any) -> None:
        self.seen += list(names)


class _Job:
    def __init__(self) -> None:
        self.closed = False

    async def close(self) -> None:
        self.closed = True


def _cluster() -> Any:
    """A CompiledCluster's worker bookkeeping alone, without a scheduler or SGE."""
    cluster: Any = CompiledCluster.__new__(CompiledCluster)
    cluster.scheduler_info = {"workers": {}}
    cluster.workers = {"keep-0": _Job()}
    cluster._futures = set()
    cluster.keeper, cluster._names = _Keeper(), {}
    return cluster


def _added(address: str, name: str) -> dict[str, Any]:
    return {"workers": {address: {"name": name}}}


def test_a_worker_removed_after_a_fresh_copy_still_lets_its_job_go() -> None:
    async def scenario() -> Any:
        cluster = _cluster()
        cluster._update_worker_status("add", _added("tcp://h:1", "keep-0"))
        cluster.scheduler_info = {"workers": {}}  # wait_for_workers' copy: the scheduler had let it go
        cluster._update_worker_status("remove", "tcp://h:1")  # raised KeyError in dask's own
        await asyncio.sleep(0.2)  # dask lets the job go after its lost-worker timeout
        return cluster

    with dask.config.set({"distributed.deploy.lost-worker-timeout": "0.1s"}):
        cluster = asyncio.run(scenario())
    assert cluster.keeper.seen == ["keep-0"]
    assert cluster.scheduler_info["workers"] == {}
    assert "keep-0" not in cluster.workers and not cluster._names


def test_a_worker_never_seen_is_nothing_to_remove() -> None:
    async def scenario() -> Any:
        cluster = _cluster()
        cluster._update_worker_status("remove", "tcp://h:2")
        await asyncio.sleep(0.2)
        return cluster

    with dask.config.set({"distributed.deploy.lost-worker-timeout": "0.1s"}):
        cluster = asyncio.run(scenario())
    assert "keep-0" in cluster.workers and cluster.scheduler_info["workers"] == {}


def test_a_worker_removed_as_usual_is_removed_as_dask_does() -> None:
    async def scenario() -> Any:
        cluster = _cluster()
        cluster._update_worker_status("add", _added("tcp://h:3", "keep-0"))
        assert cluster.scheduler_info["workers"] == {"tcp://h:3": {"name": "keep-0"}}
        cluster._update_worker_status("remove", "tcp://h:3")
        await asyncio.sleep(0.2)
        return cluster

    with dask.config.set({"distributed.deploy.lost-worker-timeout": "0.1s"}):
        cluster = asyncio.run(scenario())
    assert "keep-0" not in cluster.workers and not cluster._names


def test_a_worker_a_fresh_copy_missed_is_still_connected_for_the_keeper() -> None:
    """A fresh copy of scheduler_info taken while a worker registered lacks it; the stream still counts it."""
    cluster = _cluster()
    cluster._update_worker_status("add", _added("tcp://h:4", "keep-0"))
    cluster.scheduler_info = {"workers": {"tcp://h:5": {"name": "keep-1"}}}  # the copy: keep-0 missing
    assert cluster.worker_names == {"keep-0", "keep-1"}
