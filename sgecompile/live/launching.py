"""``launch``: a cluster scaled, waited for and handed over as a client; every job removed at the end."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from distributed import Client
from distributed.core import Status

from .jobs import CompiledCluster, cluster
from .signals import ignored, interruptible
from .untyped import untyped
from .waiting import wait_for_workers

log = logging.getLogger(__name__)
CLOSE_AFTER_ERROR = 5  # seconds: after an error, dask may wait for ever for a scheduler that cannot answer


@contextmanager
def launch(
    profile: str | os.PathLike[str],
    variant: str | None = None,
    jobs: int | None = None,
    workers: int | None = None,
    adapt: tuple[int, int] | None = None,
    wait: bool = True,
    timeout: float = 300,
    **options: Any,
) -> Iterator[Client]:
    """Start the profile's workers and yield a connected ``distributed.Client``.

    ``jobs`` (default ``worker.jobs``) or ``workers`` sets a fixed size;
    ``adapt=(minimum_jobs, maximum_jobs)`` lets dask scale between the two.
    With ``wait``, blocks until the workers of the fixed size (or of the
    minimum) are connected, or raises :class:`LaunchTimeout` saying what
    qstat shows. Every job is removed on the way out, whatever happened; the
    client and the cluster are closed there too, with Ctrl-C, SIGTERM and SIGHUP
    ignored, so that a second one cannot stop that halfway.
    """
    _check_size(jobs, workers, adapt)
    with interruptible():
        live = cluster(profile, variant, **options)
        client: Client | None = None
        try:
            live.submitter.watched = wait  # set before the first qsub, which may fail at once
            expected = _at_once(live, _scale(live, jobs, workers, adapt))
            client = untyped(Client)(live)
            if wait and expected:
                wait_for_workers(client, live, expected, timeout)
            live.submitter.watched = False
            yield client
        except BaseException:
            with ignored():
                _close_after_error(live, client)
            raise
        with ignored():
            untyped(client.close)()
            live.close()


def _close_after_error(live: CompiledCluster, client: Client | None) -> None:
    """Remove the cluster's jobs, then close it as far as dask can, without hiding the error on its way up.

    An interrupt inside one of dask's own waits (``Client()`` starting, say)
    can leave it unable to close: distributed's ``sync`` then fails, and its
    exit handler would try again for 10 s. The jobs go first, so that they are
    gone whatever closing does.
    """
    live.submitter.remove_all()
    try:
        if client is not None:
            untyped(client.close)(timeout=CLOSE_AFTER_ERROR)
        live.close(timeout=CLOSE_AFTER_ERROR)
    except Exception as error:  # the error being raised is the one to report
        log.debug("closing the cluster after an error failed too: %r", error)
        live.status = Status.closed  # nothing more to close: its jobs are gone, its loop cannot answer


def _check_size(jobs: object, workers: object, adapt: object) -> None:
    """Refuse a size dask would fail on deep inside (``jobs=-1``, ``"2"``) or take silently (``adapt=(3, 1)``)."""
    for name, value in (("jobs", jobs), ("workers", workers)):
        if value is not None and not _whole(value):
            raise ValueError(f"{name}= wants a whole number of at least 0, not {value!r}")
    if adapt is not None and not (
        isinstance(adapt, tuple | list) and len(adapt) == 2 and all(map(_whole, adapt)) and adapt[0] <= adapt[1]
    ):
        raise ValueError(f"adapt= wants (minimum_jobs, maximum_jobs) with 0 <= minimum <= maximum, not {adapt!r}")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _scale(live: CompiledCluster, jobs: int | None, workers: int | None, adapt: tuple[int, int] | None) -> int:
    """Apply the size asked for; return how many workers to wait for."""
    processes = live.compiled.profile.worker.processes
    if adapt is not None:
        live.adapt(minimum_jobs=adapt[0], maximum_jobs=adapt[1])
        return adapt[0] * processes
    if workers is not None:
        untyped(live.scale)(n=workers)
        return -(-workers // processes) * processes
    count = live.compiled.profile.worker.jobs if jobs is None else jobs
    untyped(live.scale)(jobs=count)
    return count * processes


def _at_once(live: CompiledCluster, workers: int) -> int:
    """The workers to wait for: no more than ``worker.max_jobs_at_once`` jobs hold; the rest wait for them to end."""
    limit = live.submitter.limit
    return workers if limit is None else min(workers, limit * live.compiled.profile.worker.processes)
