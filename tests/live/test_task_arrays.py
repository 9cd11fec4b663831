"""A task list longer than one array job may be, on the real SGE: every task runs, resubmission follows all arrays."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from ..conftest import PROFILES
from .conftest import wait_until_gone

pytestmark = pytest.mark.sge


def test_split_arrays_run_every_task_and_resubmit_follows_them(
    cli, in_tmp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """7 tasks in arrays of 3 under -tc 2 (3 failing until a flag exists): all run once, then only the 3, in arrays of 2."""
    monkeypatch.setattr("sgecompile.commands._arrays.max_array_tasks", lambda: 3)
    failing = {2, 4, 7}
    script = 'echo run >> "ran-$1"; test "$2" = ok || test -e flag'
    commands = [["sh", "-c", script, "sh", str(i), "fail" if i in failing else "ok"] for i in range(1, 8)]
    (in_tmp / "tasks.json").write_text(json.dumps(commands))
    out = in_tmp / "split"
    assert cli("emit", PROFILES / "testsge.toml", "--out", out, "--tasks", "tasks.json", "--concurrent", "2")[0] == 0

    said = subprocess.run([str(out / "submit.sh")], check=True, capture_output=True, text=True).stdout
    assert said.count(": job ") == 3 and "tasks.sh -t 7-7: job" in said
    ids = set((out / "job-ids").read_text().split())
    assert len(ids) == 3 and not wait_until_gone(ids, timeout=180)
    code, summary, _ = cli("tasks", out)
    assert code == 1 and "7 tasks: 4 succeeded, 3 failed, 0 unfinished" in summary

    (out / "flag").touch()
    monkeypatch.setattr("sgecompile.commands._arrays.max_array_tasks", lambda: 2)  # the 3 again, in arrays of 2
    code, said, _ = cli("tasks", out, "--resubmit")
    assert code == 0 and "resubmitted tasks 2, 4, 7 as jobs " in said
    ids = set((out / "job-ids").read_text().split())
    assert len(ids) == 5
    assert not wait_until_gone(ids, timeout=180)
    assert cli("tasks", out)[1].startswith("7 tasks: 7 succeeded")
    runs = {i: len((out / f"ran-{i}").read_text().splitlines()) for i in range(1, 8)}
    assert runs == {i: 2 if i in failing else 1 for i in range(1, 8)}
