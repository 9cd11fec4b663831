"""forked.map_in_order: the results of a plain loop, in order, whether the children succeed or fail."""

from __future__ import annotations

import os
from pathlib import Path

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
    ("count", "others", "expected"),
    [(10, 0, 1), (2 * forked.MIN_SHARE, 0, 2), (10 * forked.MIN_SHARE, 0, 4), (10 * forked.MIN_SHARE, 3, 1),
     (10 * forked.MIN_SHARE, 9, 1), (10 * forked.MIN_SHARE, 1, 3)],
)  # fmt: skip
def test_workers_for_forks_only_for_full_shares_and_idle_cpus(
    count: int, others: int, expected: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fewer items than two full shares stay in one process; more get one process per CPU nothing else is using."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.setattr(forked, "_others_running", lambda: others)
    assert forked.workers_for(count) == expected


@pytest.mark.parametrize(
    ("text", "others"), [("0.52 0.58 0.59 3/467 12345\n", 2), ("0.01 0.02 0.03 1/90 7\n", 0), ("garbled", 0), (None, 0)]
)
def test_others_running_reads_the_kernels_count(
    text: str | None, others: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The running threads but this one, from /proc/loadavg; none where it is missing or unreadable."""
    loadavg = tmp_path / "loadavg"
    if text is not None:
        loadavg.write_text(text)
    monkeypatch.setattr(forked, "LOADAVG", str(loadavg))
    assert forked._others_running() == others


def test_a_child_that_cannot_start_leaves_its_share_to_the_parent(monkeypatch: pytest.MonkeyPatch) -> None:
    """fork failing (no process to spare) is no error: the parent does every share, in order."""

    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", no_fork)
    assert forked.map_in_order(_square_and_pid, list(range(7)), 3) == [(x * x, os.getpid()) for x in range(7)]
