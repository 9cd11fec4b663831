"""Ctrl-C and SIGTERM during a launch, without SGE: one handler, dask quiet after it, ignored while jobs go."""

from __future__ import annotations

import logging
import os
import signal
import threading

import pytest

from sgecompile.live import signals


def test_the_first_signal_interrupts_and_quiets_dask_until_the_block_ends(caplog: pytest.LogCaptureFixture) -> None:
    """What dask logs after the user asked to stop (a traceback from distributed's sync) is not shown."""
    dask_log, own_log = logging.getLogger("distributed.utils"), logging.getLogger("sgecompile.live")
    with caplog.at_level(logging.INFO), signals.interruptible():
        with pytest.raises(KeyboardInterrupt, match="SIGINT"):
            os.kill(os.getpid(), signal.SIGINT)
            signal.sigtimedwait([], 0)  # a no-op that lets the handler run by here
        dask_log.error("a traceback from distributed")
        own_log.error("ours")
        assert [r.getMessage() for r in caplog.records] == ["ours"]
    with caplog.at_level(logging.INFO):
        dask_log.error("shown after the block")
    assert [r.getMessage() for r in caplog.records] == ["ours", "shown after the block"]


def test_signals_are_ignored_while_the_jobs_are_removed() -> None:
    """A second Ctrl-C or SIGTERM would stop the removal halfway; the handlers are back after it."""
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    with signals.ignored():
        os.kill(os.getpid(), signal.SIGTERM)
        os.kill(os.getpid(), signal.SIGINT)
        signal.sigtimedwait([], 0)
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_outside_the_main_thread_the_handlers_stay_as_they_are() -> None:
    """Python sets and runs handlers in the main thread only: a launch from another thread must not fail."""
    seen: list[object] = []

    def launch_like() -> None:
        with signals.interruptible():
            seen.append(signal.getsignal(signal.SIGTERM))

    thread = threading.Thread(target=launch_like)
    thread.start()
    thread.join()
    assert seen == [signal.getsignal(signal.SIGTERM)]


def test_a_hangup_interrupts_like_ctrl_c() -> None:
    """The terminal going away (SIGHUP) stops a launch as Ctrl-C does, so its jobs are removed, not left queued."""
    before = signal.getsignal(signal.SIGHUP)
    with signals.interruptible(), pytest.raises(KeyboardInterrupt, match="SIGHUP"):
        os.kill(os.getpid(), signal.SIGHUP)
        signal.sigtimedwait([], 0)
    assert signal.getsignal(signal.SIGHUP) == before
