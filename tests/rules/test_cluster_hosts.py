"""SGE805 host by host: a cluster of hosts of different sizes, as a real one is."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sgecompile.clusterfacts import Complex, Facts, Host, Pe, Queue, read
from sgecompile.pipeline import Result

from .conftest import live_diagnostics

FACTS = Facts(
    queues={"all.q": Queue("all.q", ("node1", "node2"), 16, ("threaded",), None, {"node2": 4})},
    pes={"threaded": Pe("threaded", 999, True)},
    complexes={"h_vmem": Complex("h_vmem", "h_vmem", "MEMORY", True, "YES")},
    hosts={
        "node1": Host("node1", 64 * 2**30, {"h_vmem": "6G", "slots": "8"}),  # many slots, little memory
        "node2": Host("node2", 64 * 2**30, {"h_vmem": "24G"}),  # 4 slots (its queue entry), much memory
    },
    max_array_tasks=None,
    max_running_tasks=None,
)
SITE = '[site]\npe = "threaded"\nmemory_resource = "h_vmem"\n'


def sge805(compiled: Callable[..., Result], cores: int, h_vmem: str) -> str | None:
    """SGE805's message for a job of ``cores`` slots asking ``h_vmem`` per slot, or None."""
    result = compiled(
        SITE
        + f'[job]\nwalltime = 60\nresources = {{ h_vmem = "{h_vmem}" }}\n[worker]\ncores = {cores}\nmemory = "1GB"\n'
    )
    return next((d.message for d in live_diagnostics(result, facts=FACTS) if d.code == "SGE805"), None)


@pytest.mark.parametrize(("cores", "h_vmem"), [(8, "700M"), (1, "20G"), (4, "5G")])
def test_a_job_one_host_can_hold_passes(compiled: Callable[..., Result], cores: int, h_vmem: str) -> None:
    """8 slots x 700M fits node1; 20G, and 4 slots x 5G, fit node2 alone."""
    assert sge805(compiled, cores, h_vmem) is None


def test_slots_name_the_host_that_has_the_most(compiled: Callable[..., Result]) -> None:
    """node1's own `slots=8` caps the queue's 16, node2's queue entry gives it 4: 9 slots fit nowhere."""
    assert (
        sge805(compiled, 9, "100M") == "9 pe slots, but no host offers more than 8 (node1; allocation_rule $pe_slots)"
    )


def test_memory_names_the_largest_host(compiled: Callable[..., Result]) -> None:
    """25G is more than node2's 24G, the most any host has."""
    message = sge805(compiled, 1, "25G")
    assert message is not None and "more than any host offers (the most: 24G" in message and "on node2" in message


def test_slots_and_memory_that_no_one_host_holds_together(compiled: Callable[..., Result]) -> None:
    """6 slots x 1500M: node1 has the slots but not the 9000M, node2 the memory but not the slots."""
    assert sge805(compiled, 6, "1500M") == (
        "no host holds 6 slots and 9000M of h_vmem together (node1 8 slots and 6G, node2 4 slots and 24G)"
    )


def test_queue_slots_per_host_are_read(compiled: Callable[..., Result]) -> None:
    """`slots 16,[node2=8]` gives node2 8 and every other host 16."""
    answers = {
        ("qconf", "-shgrpl"): "",
        ("qconf", "-sql"): "all.q\n",
        (
            "qconf",
            "-sq",
            "all.q",
        ): "qname all.q\nhostlist node1 node2\nslots 16,[node2=8]\npe_list threaded\nh_rt INFINITY\n",
        ("qconf", "-spl"): "",
        ("qconf", "-sel"): "",
        ("qconf", "-sc"): "",
        ("qconf", "-sconf"): "",
        ("qconf", "-sprjl"): "",
        ("qstat", "-help"): "SGE 8.1.9\nusage: qstat [options]\n",
    }
    queue = read(lambda argv: answers[tuple(argv)]).queues["all.q"]
    assert (queue.slots, queue.slots_on) == (16, {"node2": 8})
