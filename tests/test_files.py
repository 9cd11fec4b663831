"""Every file sgecompile writes is written whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sgecompile import files

from .conftest import PROFILES


def test_a_failure_half_way_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "job.sh"
    target.write_text("old script\n")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        files.write_atomic(target, "#!/bin/bash\n" * 10000)
    assert target.read_text() == "old script\n"
    assert [p.name for p in tmp_path.iterdir()] == ["job.sh"]


def test_emit_writes_every_file_atomically(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while emitting leaves no half-written script behind (only whole files, or none)."""
    calls = []
    real = os.replace

    def replace_twice_then_fail(src: str, dst: str) -> None:
        calls.append(dst)
        if len(calls) > 2:
            raise OSError(5, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace_twice_then_fail)
    out = tmp_path / "out"
    code, _, err = cli("emit", str(PROFILES / "testsge.toml"), "--out", str(out))
    assert code == 2 and "sgecompile: Input/output error" in err and "internal error" not in err
    assert sorted(p.name for p in out.iterdir()) == ["scheduler.sh", "workers.sh"]
    assert (out / "workers.sh").read_text().endswith("--death-timeout 30\n")
