"""A function over many items in forked processes, the results in the order of the items.

``check`` of a repository spends most of its time on files that do not
depend on one another; forked children start with every module the parent
has imported, and hand their results back pickled through a pipe. A child
that cannot start or fails leaves its share to the parent, which then meets
the same error itself and reports it as it always would.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TypeVar

Item = TypeVar("Item")
Out = TypeVar("Out")

MIN_SHARE = 100  # items per process below which a fork (some milliseconds) costs more than it saves

Child = tuple[int, int] | None  # a child's pid and the end of its pipe; None when it could not start


def workers_for(count: int) -> int:
    """How many processes are worth it for ``count`` items: each with a full share, one per CPU the load leaves.

    Every CPU while the load average of the last minute is under the number of
    CPUs plus 2: it counts ``check``'s own processes too (checks run one after
    another keep it near 2 on 2 CPUs), so only above that do other programs
    keep every CPU busy; one fewer for each whole unit more. On an overloaded
    machine (a shared login node, a CI runner running other jobs) more
    processes only queue for the same CPUs: measured with a load of 7 on 2 CPUs, a check of 1000 profiles took a third longer
    in two processes than in one; with a load of 3, a quarter less.
    """
    if not hasattr(os, "fork"):
        return 1
    cpus = len(os.sched_getaffinity(0))
    return max(1, min(cpus, count // MIN_SHARE, 2 * cpus + 1 - int(_load())))


def _load() -> float:
    """The load average of the last minute; 0 where the system does not say."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return 0.0


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
        for child in children:  # after an error here: a child blocked on its pipe ends when the pipe closes
            _end(child)
    return [results[i % workers][i // workers] for i in range(len(items))]


def _fork(function: Callable[[Item], Out], share: Sequence[Item]) -> Child:
    """Start a child that writes ``[function(x) for x in share]``, pickled, to a pipe."""
    import pickle

    read, write = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process to spare: the parent does this share too
        os.close(read)
        os.close(write)
        return None
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


def _collect(child: Child, function: Callable[[Item], Out], share: Sequence[Item]) -> list[Out]:
    """The child's results; if it could not start or failed, the parent works out its share itself."""
    import pickle

    if child is not None:
        pid, read = child
        with os.fdopen(os.dup(read), "rb") as pipe:
            data = pipe.read()
        if _reap(pid) == 0:
            results: list[Out] = pickle.loads(data)
            return results
    return [function(x) for x in share]


def _end(child: Child) -> None:
    """Close the parent's end of the child's pipe and wait for the child, once."""
    if child is None:
        return
    pid, read = child
    os.close(read)
    _reap(pid)


def _reap(pid: int) -> int | None:
    """Wait for a child once; its exit code (None if it was already waited for)."""
    try:
        return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
    except ChildProcessError:
        return None
