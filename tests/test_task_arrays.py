"""Task lists longer than one array job may be: split into ranges that keep each task's number."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sgecompile.clusterfacts import max_array_tasks
from sgecompile.emit import task_ranges, task_submissions
from sgecompile.sgecommands import SGEError
from tests.conftest import PROFILES


@given(st.integers(1, 10_000), st.one_of(st.none(), st.integers(1, 3_000)))
def test_ranges_cover_every_task_once_within_the_limit(count: int, limit: int | None) -> None:
    """Consecutive ranges from 1 to count, none larger than the limit, as few as the limit allows."""
    ranges = task_ranges(count, limit)
    assert [t for first, last in ranges for t in range(first, last + 1)] == list(range(1, count + 1))
    assert all(last - first + 1 <= (limit or count) for first, last in ranges)
    assert len(ranges) == -(-count // (limit or count))


def test_a_list_that_fits_is_one_plain_submission() -> None:
    """Within the limit, tasks.sh goes as it is: its own `#$ -t 1-N`."""
    assert [(s.options, s.after_previous) for s in task_submissions(10, 75000, 4)] == [((), False)]


@pytest.mark.parametrize(("concurrent", "chained"), [(None, False), (2, True)])
def test_ranges_wait_for_each_other_only_under_concurrent(concurrent: int | None, chained: bool) -> None:
    """-tc bounds one array: with --concurrent, each range waits for the one before; without, they run together."""
    found = task_submissions(7, 3, concurrent)
    assert [s.options for s in found] == [("-t", "1-3"), ("-t", "4-6"), ("-t", "7-7")]
    assert [s.after_previous for s in found] == [False, chained, chained]


def test_the_limit_is_max_aj_tasks_and_zero_is_none() -> None:
    """qconf -sconf's max_aj_tasks; 0 means no limit (sge_conf(5))."""
    assert max_array_tasks(lambda argv: "max_aj_instances 2000\nmax_aj_tasks 100\n") == 100
    assert max_array_tasks(lambda argv: "max_aj_tasks 0\n") is None


def _commands(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "commands.json"
    path.write_text(json.dumps([["echo", str(i)] for i in range(count)]))
    return path


def test_emit_submits_one_array_per_range(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """7 commands where an array holds 3: submit.sh runs tasks.sh three times, with -t 1-3, 4-6 and 7-7."""
    monkeypatch.setattr("sgecompile.commands._arrays.max_array_tasks", lambda: 3)
    out = tmp_path / "run"
    args = ("emit", PROFILES / "testsge.toml", "--tasks", _commands(tmp_path, 7), "--out", out, "--concurrent", "2")
    assert cli(*args)[0] == 0
    submit = (out / "submit.sh").read_text()
    assert "id=$(qsub -terse -t 1-3 tasks.sh)" in submit
    assert 'id=$(qsub -terse -hold_jid "$id" -t 4-6 tasks.sh)' in submit
    assert 'id=$(qsub -terse -hold_jid "$id" -t 7-7 tasks.sh)' in submit
    assert "7 commands as 3 SGE array jobs" in (out / "README.md").read_text()


def test_an_unknown_limit_refuses_only_what_the_default_would(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No qconf: a list within SGE's default limit is one array; a longer one is refused with the numbers."""

    def unreachable() -> int:
        raise SGEError("`qconf` is not on PATH")

    monkeypatch.setattr("sgecompile.commands._arrays.max_array_tasks", unreachable)
    monkeypatch.setattr("sgecompile.commands._arrays.SGE_MAX_ARRAY_TASKS", 5)
    assert cli("emit", PROFILES / "testsge.toml", "--tasks", _commands(tmp_path, 5), "--out", tmp_path / "a")[0] == 0
    code, _, err = cli("emit", PROFILES / "testsge.toml", "--tasks", _commands(tmp_path, 6), "--out", tmp_path / "b")
    assert code == 2 and "6 tasks are more than one array job may have with SGE's default max_aj_tasks (5)" in err
    assert "`qconf` is not on PATH" in err and not (tmp_path / "b").exists()
