"""forked.map_in_order: the results of a plain loop, in order, whether the children succeed or fail."""

from __future__ import annotations

import os

import pytest

from sgecompile import forked


def _square_and_pid(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_the_results_come_in_the_order_of_the_items_from_several_processes() -> None:
    """Round-robin shares come back interleaved as the items were, and more than one process did the work."""
    found = forked.map_in_order(_square_and_pid, list(range(23)), 3)
    assert [square for square, _ in found] == [x * x for x in range(23)]
    assert len({pid for _, pid in found}) == 3


def test_a_failing_child_leaves_its_share_to_the_parent() -> None:
    """A child that raises: the parent works out its items itself, and the result is complete."""
    parent = os.getpid()

    def only_in_the_parent(x: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("a child failed")
        return x + 1

    assert forked.map_in_order(only_in_the_parent, list(range(10)), 2) == list(range(1, 11))


def test_an_error_everywhere_reaches_the_caller() -> None:
    """A function that always raises raises in the parent too, as a plain loop would, and leaves no child behind."""

    def broken(x: int) -> int:
        raise ValueError(f"bad {x}")

    with pytest.raises(ValueError, match="bad 0"):
        forked.map_in_order(broken, list(range(6)), 2)
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


@pytest.mark.parametrize(
    ("count", "load", "expected"),
    [(10, 0.0, 1), (2 * forked.MIN_SHARE, 0.0, 2), (10 * forked.MIN_SHARE, 0.3, 4), (10 * forked.MIN_SHARE, 5.9, 4),
     (10 * forked.MIN_SHARE, 6.0, 3), (10 * forked.MIN_SHARE, 7.5, 2), (10 * forked.MIN_SHARE, 8.0, 1),
     (10 * forked.MIN_SHARE, 20.0, 1)],
)  # fmt: skip
def test_workers_for_forks_only_for_full_shares_and_cpus_the_load_leaves(
    count: int, load: float, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fewer items than two full shares stay in one process; more get every CPU until the load reaches CPUs + 2."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.setattr(os, "getloadavg", lambda: (load, 0.0, 0.0))
    assert forked.workers_for(count) == expected


def test_an_unknown_load_counts_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the system gives no load average, every CPU is used."""

    def unknown() -> tuple[float, float, float]:
        raise OSError("no load average")

    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    monkeypatch.setattr(os, "getloadavg", unknown)
    assert forked.workers_for(10 * forked.MIN_SHARE) == 2


def test_a_child_that_cannot_start_leaves_its_share_to_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    """fork failing (no process to spare) is no error: the parent does every share, in order."""

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert forked.map_in_order(_square_and_pid, list(range(7)), 3) == [(x * x, os.getpid()) for x in range(7)]
