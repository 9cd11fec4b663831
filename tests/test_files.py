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
        if Path(dst).parent == out:  # not jinja2's template cache, which is written the same way
            calls.append(dst)
        if len(calls) > 2:
            raise OSError(5, "Input/output error")
        real(src, dst)

    out = tmp_path / "out"
    monkeypatch.setattr(os, "replace", replace_twice_then_fail)
    code, _, err = cli("emit", str(PROFILES / "testsge.toml"), "--out", str(out))
    assert code == 2 and "sgecompile: Input/output error" in err and "internal error" not in err
    assert sorted(p.name for p in out.iterdir()) == ["scheduler.sh", "workers.sh"]
    assert (out / "workers.sh").read_text().endswith("--death-timeout 30\n")


@pytest.mark.parametrize(
    ("target", "error"),
    [("missing/x.sh", FileNotFoundError), ("a-file/x.sh", NotADirectoryError), ("a-folder", IsADirectoryError)],
)
def test_errors_name_the_path_asked_for_not_the_temporary_file(
    target: str, error: type[OSError], tmp_path: Path
) -> None:
    """`render -o` into a missing folder, below a file or onto a folder says so about that path."""
    (tmp_path / "a-file").write_text("")
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(error) as raised:
        files.write_atomic(tmp_path / target, "text")
    assert raised.value.filename == str(tmp_path / target)
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_emit_into_a_file_is_a_usage_error(cli, tmp_path: Path) -> None:
    (tmp_path / "out").write_text("keep me")
    code, _, err = cli("emit", PROFILES / "perun.toml", "--out", tmp_path / "out")
    assert code == 2 and "--out" in err and "is a file" in err
    assert (tmp_path / "out").read_text() == "keep me"
