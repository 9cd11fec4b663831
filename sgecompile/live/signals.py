"""Ctrl-C, SIGTERM and SIGHUP while a cluster lives: one handler for all, for the whole of a launch.

SIGHUP is the terminal going away (an ssh session dropped, a window closed):
left to Python's default, it ended the process at once, and jobs still
waiting in the queue stayed there, to hold slots when they started.

Python runs a signal handler in the main thread, between two steps of
whatever that thread is doing. When that is one of distributed's blocking
calls (its ``sync``), the KeyboardInterrupt makes dask's event loop cancel
what the call started, which may not have started yet: distributed then logs
a traceback (``NameError: cannot access free variable 'future'``), and the
tear-down that follows, of a cluster stopped halfway, adds complaints of its
own. Whether any of that appears depends only on the moment of the signal,
and none of it is news to someone who asked to stop. So the first signal
silences dask's loggers until the launch is over, then raises
KeyboardInterrupt wherever the main thread is; while the jobs are removed,
signals are ignored (a second one would stop the removal halfway).
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
DASK_LOGGERS = {"distributed", "dask", "dask_jobqueue", "tornado", "asyncio", "bokeh"}  # first name parts

Handler = Callable[[int, FrameType | None], object] | int | None  # None: leave the handlers as they are


@contextmanager
def _handling(handler: Handler) -> Iterator[None]:
    """Set ``handler`` for every one of :data:`SIGNALS` in the block, then put back the ones before.

    Only the main thread may set handlers (Python runs them there alone), so
    elsewhere the block runs with the process's handlers as they are.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in SIGNALS}
    if handler is not None:
        for sig in SIGNALS:
            signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, before in previous.items():
            if before is not None and signal.getsignal(sig) is not before:  # None: set outside Python
                signal.signal(sig, before)


def kept() -> AbstractContextManager[None]:
    """Put back the handlers the block replaces: importing dask_jobqueue makes Ctrl-C call sys.exit()."""
    return _handling(None)


def ignored() -> AbstractContextManager[None]:
    """Ignore the signals in the block, at the OS level, so that the qdel it runs ignores them too."""
    return _handling(signal.SIG_IGN)


class _Stop:
    """The handler: quiets dask, then interrupts the main thread; puts dask's loggers back at the end."""

    def __init__(self) -> None:
        self.quieted: list[logging.Logger] = []

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        for name, logger in list(logging.root.manager.loggerDict.items()):
            if isinstance(logger, logging.Logger) and name.split(".")[0] in DASK_LOGGERS and not logger.disabled:
                logger.disabled = True
                self.quieted.append(logger)
        raise KeyboardInterrupt(signal.Signals(signum).name)

    def restore(self) -> None:
        for logger in self.quieted:
            logger.disabled = False


@contextmanager
def interruptible() -> Iterator[None]:
    """In the block, Ctrl-C, SIGTERM and SIGHUP raise KeyboardInterrupt with dask quiet from then on (see the module)."""
    stop = _Stop()
    try:
        with _handling(stop):
            yield
    finally:
        stop.restore()


def until_interrupted(stopped: Callable[[], str | None] = lambda: None) -> str:
    """Block until Ctrl-C, SIGTERM or SIGHUP, or until ``stopped()`` gives a reason, which is returned; look once a second.

    A signal the kernel hands to another thread (dask's event loop, say) runs
    its Python handler only once the main thread wakes, and a main thread
    blocked without a timeout never does: ``up`` ignored such a Ctrl-C.
    """
    while (reason := stopped()) is None:
        time.sleep(1)
    return reason
