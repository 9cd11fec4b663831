"""A cell of a submit host and two exec hosts in network namespaces: workers on other hosts, hosts of different sizes.

``tests/sge/start-sge --hosts 2`` adds node1 (4 slots, h_vmem 6G) and node2
(4 slots, h_vmem 12G) on the bridge sgebr0 (the submit host is 10.250.0.1
there) and stops the submit host running jobs; the module puts the
single-host cell back when it ends.
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from distributed import Client

from sgecompile import live, sgecommands

from ..conftest import PROFILES
from .conftest import START, unavailable, wait_until_gone

pytestmark = pytest.mark.sge
BRIDGE = "sgebr0"  # the submit host's side of the test network: the scheduler of launch() listens there
ON_BRIDGE = {"scheduler_options": {"interface": BRIDGE, "dashboard_address": ":0"}}


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
    """The test site's profile for the nodes: workers on their `eth0`, ``memory`` each, under its own job name."""
    path = folder / f"{name}.toml"
    path.write_text(
        f'extends = "{PROFILES / "testsge.toml"}"\n[job]\nname = "{name}"\n'
        f'[worker]\nmemory = "{memory}"\ninterface = "eth0"\n'
    )
    return path


def hosts_of(client: Client) -> dict[str, str]:
    """Each worker's host name, by worker address."""
    return client.run(socket.gethostname)  # type: ignore[no-any-return]


def test_workers_on_two_hosts_reach_the_scheduler_on_the_submit_host(nodes: None, in_tmp: Path) -> None:
    """3 GiB workers (h_vmem ~3.7G a slot): node1 holds one, node2 three, so 4 jobs use both hosts."""
    profile = node_profile(in_tmp, "two-hosts", "3GiB")
    with live.launch(profile, jobs=4, timeout=180, **ON_BRIDGE) as client:
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
    with live.launch(profile, jobs=1, timeout=180, **ON_BRIDGE) as client:
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
