"""A function over many items in forked processes, the results in the order of the items.

``check`` of a repository spends most of its time on files that do not
depend on one another; forked children start with every module and parsed
file the parent has, and hand their results back pickled through a pipe.
A child that fails leaves its share to the parent, which then meets the
same error itself and reports it as it always would.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Out = TypeVar("Out")

MIN_SHARE = 100  # items per process below which a fork (some milliseconds) costs more than it saves


def workers_for(count: int) -> int:
    """How many processes are worth it for ``count`` items: one per CPU this process may use, each with a full share."""
    if not hasattr(os, "fork"):
        return 1
    return max(1, min(len(os.sched_getaffinity(0)), count // MIN_SHARE))


def map_in_order(function: Callable[[Item], Out], items: Sequence[Item], workers: int) -> list[Out]:
    """``[function(x) for x in items]``, shared round-robin among ``workers`` processes (this one included)."""
    if workers < 2:
        return [function(x) for x in items]
    shares = [items[i::workers] for i in range(workers)]
    children = [_fork(function, share) for share in shares[1:]]
    try:
        results = [[function(x) for x in shares[0]]]
        results += [_collect(child, function, share) for child, share in zip(children, shares[1:], strict=True)]
    finally:
        for pid, read in children:  # after an error here: a child blocked on the pipe ends when it closes
            _close(read)
            _reap(pid)
    out: list[Out] = []
    for i in range(len(items)):
        out.append(results[i % workers][i // workers])
    return out


def _fork(function: Callable[[Item], Out], share: Sequence[Item]) -> tuple[int, int]:
    """Start a child that writes ``[function(x) for x in share]``, pickled, to a pipe; its pid and the pipe's end."""
    import pickle

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns, and never runs the parent's exit handlers or flushes its output
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as pipe:
                pickle.dump([function(x) for x in share], pipe, pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    return pid, read


def _collect(child: tuple[int, int], function: Callable[[Item], Out], share: Sequence[Item]) -> list[Out]:
    """The child's results; if it failed, the parent works out its share (and meets its error) itself."""
    import pickle

    pid, read = child
    with os.fdopen(os.dup(read), "rb") as pipe:
        data = pipe.read()
    if _reap(pid) == 0:
        results: list[Out] = pickle.loads(data)
        return results
    return [function(x) for x in share]


def _reap(pid: int) -> int | None:
    """Wait for a child once; its exit code (None if it was already waited for)."""
    try:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except ChildProcessError:
        return None


def _close(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        return
