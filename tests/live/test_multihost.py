"""A cell of a submit host and two exec hosts in network namespaces: workers on other hosts, hosts of different sizes.

``tests/sge/start-sge --hosts 2`` adds node1 (4 slots, h_vmem 6G) and node2
(4 slots, h_vmem 12G) on the bridge sgebr0 (the submit host is 10.250.0.1
there) and stops the submit host running jobs; the module puts the
single-host cell back when it ends.
"""

from __future__ import annotations

import json
import logging
import re
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client

from sgecompile import live, sgecommands
from sgecompile.live import keeper

from ..conftest import PROFILES
from .conftest import START, start_up, unavailable, wait_until_gone

pytestmark = pytest.mark.sge
FAST = {"scheduler_options": {"dashboard_address": ":0"}}


@pytest.fixture(scope="module")
def nodes(sge_cluster: None) -> Iterator[None]:
    done = subprocess.run([str(START), "--hosts", "2"], capture_output=True, text=True)
    if done.returncode == 77:
        unavailable(done.stderr.strip())
    try:
        assert done.returncode == 0, done.stderr
        yield
    finally:
        back = subprocess.run([str(START)], capture_output=True, text=True)
        assert back.returncode == 0, back.stderr


def node_profile(folder: Path, name: str, memory: str) -> Path:
    """The test site's profile for the nodes, under its own job name: ``memory`` a worker.

    The workers listen on the nodes' `eth0`; the scheduler launch() starts on
    the submit host listens on its side of the test network, the bridge sgebr0.
    """
    path = folder / f"{name}.toml"
    path.write_text(
        f'extends = "{PROFILES / "testsge.toml"}"\n[site]\nscheduler_interface = "sgebr0"\n[job]\nname = "{name}"\n'
        f'[worker]\nmemory = "{memory}"\ninterface = "eth0"\n'
    )
    return path


def kill_node(name: str) -> None:
    """A node's execd and every process under it (its jobs' workers) killed at once: the host is lost.

    The node's execd is the one whose UTS namespace has the node's hostname; the rest is found
    down the process tree, so that nothing of the submit host can be caught.
    """
    execds = subprocess.run(["pgrep", "-x", "sge_execd"], capture_output=True, text=True).stdout.split()
    hostname = {pid: _hostname_of(pid) for pid in execds}
    (execd,) = [int(pid) for pid, host in hostname.items() if host == name]
    children: dict[int, list[int]] = {}
    for line in subprocess.run(
        ["ps", "-eo", "pid=,ppid="], capture_output=True, text=True, check=True
    ).stdout.splitlines():
        pid, ppid = map(int, line.split())
        children.setdefault(ppid, []).append(pid)
    doomed, todo = [], [execd]
    while todo:
        pid = todo.pop()
        doomed.append(pid)
        todo += children.get(pid, [])
    subprocess.run(["kill", "-9", *map(str, doomed)], check=False)


def _hostname_of(pid: str) -> str:
    done = subprocess.run(["nsenter", "-t", pid, "-u", "hostname"], capture_output=True, text=True)
    return done.stdout.strip()


def stop_qmaster() -> None:
    """Shut sge_qmaster down as an admin does (`qconf -km`), and wait until it is gone."""
    subprocess.run(["qconf", "-km"], check=True, capture_output=True)
    deadline = time.monotonic() + 30
    while subprocess.run(["pgrep", "-x", "sge_qmaster"], capture_output=True).returncode == 0:
        assert time.monotonic() < deadline, "sge_qmaster did not stop"
        time.sleep(0.2)


def start_qmaster() -> None:
    """Start it again, as tests/sge/start-sge does."""
    subprocess.run(["/etc/init.d/gridengine-master", "start"], check=True, capture_output=True)


def slow(x: int) -> int:
    time.sleep(0.5)
    return x * 2


def hosts_of(client: Client) -> dict[str, str]:
    """Each worker's host name, by worker address."""
    return client.run(socket.gethostname)  # type: ignore[no-any-return]


def test_workers_on_two_hosts_reach_the_scheduler_on_the_submit_host(nodes: None, in_tmp: Path) -> None:
    """3 GiB workers (h_vmem ~3.7G a slot): node1 holds one, node2 three, so 4 jobs use both hosts."""
    profile = node_profile(in_tmp, "two-hosts", "3GiB")
    with live.launch(profile, jobs=4, timeout=180, **FAST) as client:
        hosts = hosts_of(client)
        assert sorted(hosts.values()) == ["node1", "node2", "node2", "node2"]
        assert all(re.match(r"tcp://10\.250\.0\.1[12]:", address) for address in hosts)  # the nodes' own addresses
        assert client.gather(client.map(lambda x: x * 2, range(40))) == [x * 2 for x in range(40)]
        jobs = set(client.cluster.submitter.jobs)
    assert not wait_until_gone(jobs)


def test_a_job_only_the_larger_host_holds_passes_check_and_runs_there(cli, nodes: None, in_tmp: Path) -> None:
    """8 GiB workers need ~8.7G of h_vmem: more than node1's 6G, within node2's 12G."""
    profile = node_profile(in_tmp, "only-node2", "8GiB")
    code, out, _ = cli("check", "--live", "--format", "json", profile)
    assert (code, [d["code"] for d in json.loads(out)]) == (0, [])
    with live.launch(profile, jobs=1, timeout=180, **FAST) as client:
        assert list(hosts_of(client).values()) == ["node2"]
        jobs = set(client.cluster.submitter.jobs)
    assert not wait_until_gone(jobs)


def test_a_job_no_host_holds_is_refused_naming_the_largest(cli, nodes: None, in_tmp: Path) -> None:
    """16 GiB workers: more than any host has; check names node2 and its 12G, before any qsub."""
    profile = node_profile(in_tmp, "no-host", "16GiB")
    code, out, _ = cli("check", "--live", "--format", "json", profile)
    found = {d["code"]: d["message"] for d in json.loads(out)}
    assert code == 1 and "(the most: 12G = 12.9 GB on node2)" in found["SGE805"]
    assert not [j for j in sgecommands.queued() if j.name == "no-host"]


def test_up_runs_its_scheduler_on_the_submit_host_for_workers_on_the_nodes(nodes: None, in_tmp: Path) -> None:
    """`sgecompile up` listens on the bridge, the two workers connect from the nodes, and Ctrl-C removes their jobs."""
    profile = node_profile(in_tmp, "up-nodes", "512MiB")
    up = start_up(profile, "--timeout", "180")
    try:
        printed = [up.stdout.readline() for _ in range(3)]  # scheduler, dashboard, workers connected
        up.send_signal(signal.SIGINT)
        up.communicate(timeout=60)
    finally:
        up.kill()
    assert printed[0].startswith("scheduler: tcp://10.250.0.1:"), printed
    assert printed[2].startswith("2 workers connected"), printed
    assert up.returncode == 0
    assert not wait_until_gone({j.id for j in sgecommands.queued() if j.name == "up-nodes"})


def test_an_emitted_cluster_runs_on_the_nodes(cli, nodes: None, in_tmp: Path) -> None:
    """Scheduler and workers are jobs on the nodes; a client on the submit host reads scheduler.json and connects."""
    profile = node_profile(in_tmp, "emitted", "512MiB")
    out = in_tmp / "cluster"
    assert cli("emit", profile, "--out", out, "--jobs", "2")[0] == 0
    subprocess.run([str(out / "submit.sh")], check=True, capture_output=True)
    try:
        with Client(scheduler_file=str(out / "scheduler.json"), timeout=120) as client:
            client.wait_for_workers(2, timeout=120)
            assert set(hosts_of(client).values()) <= {"node1", "node2"}
            assert re.match(r"tcp://10\.250\.0\.1[12]:", client.scheduler_info()["address"])  # a job on a node
            assert client.gather(client.map(lambda x: x + 1, range(10))) == list(range(1, 11))
    finally:
        subprocess.run([str(out / "cancel.sh")], check=True, capture_output=True)
    assert not wait_until_gone(set((out / "job-ids").read_text().split()))


@pytest.mark.parametrize("size", ["jobs", "adapt"])
def test_a_host_lost_mid_computation(nodes: None, in_tmp: Path, caplog: pytest.LogCaptureFixture, size: str) -> None:
    """node1 dies with a worker on it: the computation finishes on node2, and the lost job is replaced there, once.

    3 GiB workers (h_vmem 3776M) fit once on node1 and three times on node2,
    and the cell fills node1 first: two jobs use both hosts, and node2 has
    room for the replacement once qmaster has given node1 up. With a fixed
    size the keeper replaces the silent job; under adapt, dask may start the
    lost job's name anew first, and the loss must not be replaced twice.
    """
    profile = node_profile(in_tmp, "host-loss", "3GiB")
    chosen = {"jobs": 2} if size == "jobs" else {"adapt": (2, 2)}
    try:
        with (
            caplog.at_level(logging.WARNING, logger="sgecompile"),
            live.launch(profile, timeout=180, **chosen, **FAST) as client,  # type: ignore[arg-type]
        ):
            assert sorted(hosts_of(client).values()) == ["node1", "node2"]
            (lost,) = [
                info["name"] for info in client.scheduler_info()["workers"].values() if info["host"] == "10.250.0.11"
            ]
            futures = client.map(slow, range(40))
            time.sleep(1)
            kill_node("node1")
            assert client.gather(futures) == [x * 2 for x in range(40)]
            client.wait_for_workers(2, timeout=keeper.SILENT_AFTER + 120)
            time.sleep(keeper.SILENT_AFTER + 5)  # no second replacement of the same loss
            assert sorted(hosts_of(client).values()) == ["node2", "node2"]
            if size == "jobs":
                assert client.cluster.keeper.replaced == 1
                assert f"({lost}) ended; replaced by host-loss-2" in caplog.text
            jobs = set(client.cluster.submitter.jobs)
            assert len(jobs) == 2  # the first two as one array, and one replacement, whoever started it
        assert not wait_until_gone(jobs, timeout=30)
    finally:
        back = subprocess.run([str(START), "--hosts", "2"], capture_output=True, text=True)  # node1 comes back
        assert back.returncode == 0, back.stderr


def test_a_qmaster_restart_mid_computation(nodes: None, in_tmp: Path, caplog: pytest.LogCaptureFixture) -> None:
    """sge_qmaster restarted while tasks run: they finish, scaling up works once it is back, nothing is left."""
    profile = node_profile(in_tmp, "restart", "512MiB")
    with (
        caplog.at_level(logging.WARNING, logger="sgecompile.sgecommands"),
        live.launch(profile, jobs=2, timeout=180, **FAST) as client,
    ):
        futures = client.map(slow, range(20))
        stop_qmaster()
        # the workers speak to the scheduler, not to qmaster
        assert client.gather(futures) == [x * 2 for x in range(20)]
        restart = threading.Timer(3, start_qmaster)
        restart.start()
        client.cluster.scale(jobs=3)  # its qsub waits for qmaster
        client.wait_for_workers(3, timeout=180)
        restart.join()
        jobs = set(client.cluster.submitter.jobs)
    assert not wait_until_gone(jobs)
    assert "qmaster does not answer" in caplog.text and "qmaster answers again" in caplog.text
