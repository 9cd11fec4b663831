"""`pip install sgecompile` with no extras serves every offline command; `up` and `run` name the extra they need."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROFILES

CALL = 'from dask_jobqueue import SGECluster\ncluster = SGECluster(cores=2, memory="4GB", walltime="01:00:00")\n'
YAML = "jobqueue:\n  sge:\n    cores: 2\n    memory: 4GB\n    resource-spec: mem_free=4G\n"


def _commands(tmp: Path) -> list[tuple[list[str], int]]:
    """Every offline command, with the exit code it documents for these inputs."""
    (tmp / "call.py").write_text(CALL)
    (tmp / "jobqueue.yaml").write_text(YAML)
    (tmp / "commands.txt").write_text("echo one\necho 'two words'\n")
    perun, testsge = str(PROFILES / "perun.toml"), str(PROFILES / "testsge.toml")
    return [
        (["render", perun], 0),
        (["check", str(PROFILES)], 0),
        (["explain", perun], 0),
        (["config", perun], 0),
        (["schema"], 0),
        (["emit", testsge, "--out", "cluster", "--jobs", "2"], 0),
        (["emit", testsge, "--tasks", "commands.txt", "--out", "run1"], 0),
        (["tasks", "run1"], 1),
        (["import", "call.py", "-o", "from-call.toml"], 0),
        (["import", "jobqueue.yaml", "-o", "from-yaml.toml"], 0),
        (["export", "from-call.toml", "--format", "kwargs"], 0),
        (["export", "from-yaml.toml", "--format", "jobqueue-yaml"], 0),
        (["up", testsge], 2),
        (["run", testsge, "commands.txt"], 2),
    ]


def test_plain_install_has_no_dask(plain_install: Path) -> None:
    """The environment the next test uses really is the plain install: dask is not there."""
    found = subprocess.run([plain_install / "bin" / "python", "-c", "import dask"], capture_output=True)
    assert found.returncode == 1


@pytest.mark.parametrize("index", range(14))
def test_every_offline_command_runs_on_a_plain_install(plain_install: Path, tmp_path: Path, index: int) -> None:
    """Each command ends with its documented exit code, never an internal error or a traceback."""
    commands = _commands(tmp_path)
    for args, _ in commands[:index]:  # the inputs a command reads are what earlier ones wrote
        subprocess.run([plain_install / "bin" / "sgecompile", *args], cwd=tmp_path, capture_output=True)
    args, expected = commands[index]
    done = subprocess.run([plain_install / "bin" / "sgecompile", *args], cwd=tmp_path, capture_output=True, text=True)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, (args, done.stderr)
    assert done.returncode == expected, (args, done.stdout, done.stderr)
    if args[0] in ("up", "run"):
        assert "`pip install 'sgecompile[live]'` adds it" in done.stderr and len(done.stderr.splitlines()) == 1
