"""Ctrl-C, SIGTERM and SIGHUP at moments of `up`'s life after its workers connected: its own lines only, no job left."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from sgecompile import sgecommands

from ..conftest import PROFILES
from .conftest import start_up

pytestmark = pytest.mark.sge
STOPPED = "sgecompile: stopped; every job of this cluster was removed\n"
OWN_LINES = ("scheduler: ", "dashboard: ", "2 workers connected; ")
# (lines of stdout read before the signal, seconds waited after them)
MOMENTS = {"address": (1, 0.0), "connected": (3, 0.0), "idle": (3, 3.0)}


def listed(name: str, timeout: float = 30) -> set[str]:
    """The jobs named ``name`` that qstat still lists once ``timeout`` seconds have passed without them going."""
    deadline = time.monotonic() + timeout
    while (left := {j.id for j in sgecommands.queued() if j.name == name}) and time.monotonic() < deadline:
        time.sleep(0.5)
    return left


@pytest.mark.parametrize("moment", MOMENTS)
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP], ids=["SIGINT", "SIGTERM", "SIGHUP"])
def test_up_stops_quietly_and_leaves_no_job(in_tmp: Path, signum: signal.Signals, moment: str) -> None:
    """Exit 0 with `up`'s own lines and its one message: no traceback, nothing from dask, tornado or asyncio."""
    name = f"stop-{signum.name}-{moment}"
    profile = in_tmp / f"{name}.toml"
    profile.write_text(f'extends = "{PROFILES / "testsge.toml"}"\n[job]\nname = "{name}"\n')
    lines, pause = MOMENTS[moment]
    up = start_up(profile, "--timeout", "120")
    try:
        printed = [up.stdout.readline() for _ in range(lines)]
        time.sleep(pause)
        up.send_signal(signum)
        rest, said = up.communicate(timeout=60)
    finally:
        up.kill()
    shown = printed + rest.splitlines(keepends=True)
    assert (up.returncode, said) == (0, STOPPED), said
    assert shown and all(line.startswith(OWN_LINES) for line in shown), shown
    assert not listed(name)
