"""How far ``sgecompile run`` is: a live line on a terminal (rich), plain periodic lines otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, TextIO

from rich.console import Console  # imported here, so that a missing rich stops `run` before any job starts
from rich.progress import BarColumn, Progress, TextColumn

from .schedule import Tally

PLAIN_EVERY = 10.0  # seconds between lines in a log file
THREADS_EVERY = 1.0  # seconds between asking the scheduler how many threads are connected


def line(tally: Tally, elapsed: float, threads: int) -> str:
    """``120/600 done, 3 failed, 16 running, 45.2/s, about 10 s left``: one look at the run."""
    running = min(tally.in_flight, threads)
    text = f"{tally.done}/{tally.total} done, {tally.failed} failed, {running} running"
    if tally.finished and elapsed > 0:
        rate = tally.finished / elapsed
        text += f", {rate:.1f}/s, about {_duration((tally.total - tally.finished) / rate)} left"
    return text


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


class Display:
    """Called with the tally after every look; shows it at most every ``PLAIN_EVERY`` s in a log, live on a terminal."""

    def __init__(self, threads: Callable[[], int], stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.threads, self._threads, self._asked = threads, 0, -THREADS_EVERY
        self.begin = self._shown = time.monotonic()
        self.live: Any = None
        if self.stream.isatty():
            columns = (TextColumn("sgecompile run"), BarColumn(), TextColumn("{task.description}"))
            self.live = Progress(*columns, console=Console(file=self.stream))
            self._task = self.live.add_task("starting", total=None)
            self.live.start()

    def __call__(self, tally: Tally) -> None:
        now = time.monotonic()
        if now - self._asked >= THREADS_EVERY:
            self._threads, self._asked = self.threads(), now
        text = line(tally, now - self.begin, self._threads)
        if self.live:
            self.live.update(self._task, description=text, completed=tally.finished, total=tally.total)
        elif now - self._shown >= PLAIN_EVERY:
            self.stream.write(f"sgecompile run: {text}\n")
            self.stream.flush()
            self._shown = now

    def stop(self) -> None:
        """Stop drawing (and give the terminal its cursor back), also when the run ends by Ctrl-C."""
        if self.live:
            self.live.stop()

    def close(self, tally: Tally) -> None:
        """The last figures, once, whatever the output is."""
        self.stop()
        self.stream.write(f"sgecompile run: {line(tally, time.monotonic() - self.begin, 0)}\n")
        self.stream.flush()
