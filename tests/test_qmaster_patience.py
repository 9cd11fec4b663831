"""A patient SGE command waits for a qmaster that does not answer (restarting), for a bounded time, and says so."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sgecompile import sgecommands

AWAY = 'error: unable to send message to qmaster using port 6444 on host "vm": got send error'


def fake_qstat(folder: Path, failures: int) -> None:
    """A `qstat` on PATH that fails as an unreachable qmaster does ``failures`` times, then answers."""
    count = folder / "calls"
    script = folder / "qstat"
    script.write_text(
        f"#!/bin/sh\nn=$(cat {count} 2>/dev/null || echo 0); echo $((n + 1)) > {count}\n"
        f"if [ \"$n\" -lt {failures} ]; then echo '{AWAY}' >&2; exit 1; fi\necho answered\n"
    )
    script.chmod(0o755)


@pytest.fixture
def on_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    return tmp_path


def test_a_patient_command_waits_for_qmaster_and_says_so(on_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """Three failures, then an answer: the answer is returned, and the wait is logged once, with its end."""
    fake_qstat(on_path, failures=3)
    with caplog.at_level(logging.WARNING, logger="sgecompile.sgecommands"):
        assert sgecommands.run(["qstat"], patient=True) == "answered\n"
    assert [r.getMessage() for r in caplog.records] == [
        "`qstat`: qmaster does not answer; trying again for up to 120 s",
        "`qstat`: qmaster answers again",
    ]
    assert (on_path / "calls").read_text().strip() == "4"


def test_an_impatient_command_fails_at_once(on_path: Path) -> None:
    """check --live and the rest say at once that qmaster does not answer."""
    fake_qstat(on_path, failures=1)
    with pytest.raises(sgecommands.SGEError, match="unable to send message to qmaster"):
        sgecommands.run(["qstat"])


def test_patience_has_a_bound(on_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A qmaster that never comes back: the error, once the bound has passed."""
    fake_qstat(on_path, failures=10**6)
    clock = iter(range(0, 10**6, 30))
    monkeypatch.setattr("time.monotonic", lambda: float(next(clock)))
    with pytest.raises(sgecommands.SGEError, match="qmaster"):
        sgecommands.run(["qstat"], patient=True)
    assert int((on_path / "calls").read_text()) <= 6  # 120 s of patience at 30 s a try


def fake_lost_host(folder: Path, task: str = "") -> None:
    """A qstat that lists job 7 (dr; or its array ``task``) until a `qdel -f`, and a qdel that records its arguments."""
    forced = folder / "forced"
    (folder / "qstat").write_text(
        f"#!/bin/sh\necho '<job_info><queue_info>'\n"
        f"[ -e {forced} ] || echo '<job_list><JB_job_number>7</JB_job_number><JB_name>w</JB_name>"
        f"<state>dr</state><tasks>{task}</tasks></job_list>'\necho '</queue_info></job_info>'\n"
    )
    (folder / "qdel").write_text(
        f'#!/bin/sh\necho "$@" >> {folder / "qdel-calls"}\n[ "$1" = -f ] && touch {forced}\nexit 0\n'
    )
    for name in ("qstat", "qdel"):
        (folder / name).chmod(0o755)


def test_jobs_a_lost_host_keeps_are_forced_out_after_the_wait(on_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """qdel, then qstat still lists the job after the patience: `qdel -f`, and the forced ids are returned."""
    fake_lost_host(on_path)
    clock = iter(range(0, 10**6, 5))
    monkeypatch.setattr("time.monotonic", lambda: float(next(clock)))
    assert sgecommands.delete_for_good(["7"], patience=20) == ["7"]
    assert (on_path / "qdel-calls").read_text().splitlines() == ["7", "-f 7"]


def test_an_array_task_a_lost_host_keeps_is_forced_out(on_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An array task (7.2) still listed after the patience is forced out too, by its task id."""
    fake_lost_host(on_path, task="2")
    clock = iter(range(0, 10**6, 5))
    monkeypatch.setattr("time.monotonic", lambda: float(next(clock)))
    assert sgecommands.delete_for_good(["7.2"], patience=20) == ["7.2"]
    assert (on_path / "qdel-calls").read_text().splitlines() == ["7.2", "-f 7.2"]


def test_jobs_that_leave_are_not_forced(on_path: Path) -> None:
    """A job qstat no longer lists after qdel is not forced."""
    fake_lost_host(on_path)
    (on_path / "forced").touch()  # qstat lists nothing
    assert sgecommands.delete_for_good(["7"]) == []
    assert (on_path / "qdel-calls").read_text().splitlines() == ["7"]
