"""A real single-host Son of Grid Engine for the live tests, started when missing.

The session fixture runs ``tests/sge/start-sge`` (installs and starts SGE
when the user is root), loads its settings into the environment, and at the
end asserts that no job is left in qstat. Under ``CI=true`` a live test that
cannot run is a failure, not a skip.

Outside CI other sessions may share the cell (a second worktree, say), so a
job counts as this session's only when it was submitted from under this
session's temporary folder, where every live test works.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sgecompile import sgecommands

from ..conftest import ROOT

START = ROOT / "tests" / "sge" / "start-sge"


def _load_settings() -> None:
    text = Path(sgecommands.SETTINGS).read_text()
    for name, value in re.findall(r"^(\w+)=([^;\s]+);", text, flags=re.M):
        os.environ[name] = value


def unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"the live tests must run in CI, but: {reason}")
    pytest.skip(reason)


def wait_until_gone(jobs: set[str], timeout: float = 60) -> set[str]:
    """Poll qstat until none of ``jobs`` is listed; return those still there after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        left = {j.id for j in sgecommands.queued()} & jobs
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.5)


def start_up(profile: Path, *options: str) -> subprocess.Popen[str]:
    """`sgecompile up PROFILE --jobs 2 OPTIONS...` under way, its output read through pipes."""
    command = [sys.executable, "-m", "sgecompile", "up", str(profile), "--jobs", "2", *options]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _submitted_from(job: str, folder: Path) -> bool:
    """Whether qstat says ``job`` was submitted from under ``folder`` (or no longer says anything of it)."""
    shown = subprocess.run(["qstat", "-j", job], capture_output=True, text=True).stdout
    workdir = re.search(r"^sge_o_workdir:\s+(\S+)", shown, flags=re.M)
    return workdir is None or Path(workdir.group(1)).is_relative_to(folder)


@pytest.fixture(scope="session")
def sge_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    done = subprocess.run([str(START)], capture_output=True, text=True)
    if done.returncode == 77:
        unavailable(done.stderr.strip())
    if done.returncode != 0:
        pytest.fail(f"tests/sge/start-sge failed: {done.stderr.strip()}")
    _load_settings()
    before = {j.id for j in sgecommands.queued()}
    yield
    left = wait_until_gone({j.id for j in sgecommands.queued()} - before)
    if os.environ.get("CI") != "true":
        left = {job for job in left if _submitted_from(job, tmp_path_factory.getbasetemp())}
    if left:
        sgecommands.delete(sorted(left))
        pytest.fail(f"the live tests left jobs in qstat: {sorted(left)}")


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sge_cluster: None) -> Path:
    """Work in a fresh folder: jobs run with -cwd, so their logs land here."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
