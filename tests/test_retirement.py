"""Workers retire before the walltime: `--lifetime` and `--lifetime-stagger` from `worker.lifetime_margin`."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sgecompile.convert.exporting import to_keywords
from sgecompile.explain import as_json, explain
from sgecompile.pipeline import Result
from sgecompile.retirement import dask_seconds, derived

W = '[worker]\ncores = 2\nmemory = "4GB"\n'


def _argv(result: Result) -> list[str]:
    assert result.plan is not None, result.diagnostics
    return result.plan.worker_command(["tcp://s:8786"], "w")


def _codes(result: Result) -> list[str]:
    return [d.code for d in result.diagnostics]


def test_an_hour_gives_55_minutes_give_or_take_150_seconds(compiled: Callable[..., Result]) -> None:
    """A walltime of 1 hour and the default margin of 5 minutes: --lifetime 3300s --lifetime-stagger 150s."""
    argv = _argv(compiled(f'{W}[job]\nwalltime = "1:00:00"\n'))
    i = argv.index("--lifetime")
    assert argv[i : i + 4] == ["--lifetime", "3300s", "--lifetime-stagger", "150s"]


def test_the_margin_is_a_profile_key(compiled: Callable[..., Result]) -> None:
    """lifetime_margin = "10m" on 2 hours: leave at 6600 s +/- 300 s."""
    argv = _argv(compiled(f'{W}lifetime_margin = "10m"\n[job]\nwalltime = "2h"\n'))
    assert argv[argv.index("--lifetime") + 1 :][:3] == ["6600s", "--lifetime-stagger", "300s"]


def test_no_walltime_no_lifetime(compiled: Callable[..., Result]) -> None:
    """Without a walltime, the queue's h_rt is not known: no flags."""
    assert "--lifetime" not in _argv(compiled(W))


def test_an_h_rt_of_job_resources_counts_as_the_walltime(compiled: Callable[..., Result]) -> None:
    """h_rt written in job.resources is the walltime the lifetime is worked out from."""
    argv = _argv(compiled(f'{W}[job]\nresources = {{ h_rt = "3600" }}\n'))
    assert argv[argv.index("--lifetime") + 1] == "3300s"


@pytest.mark.parametrize(
    ("walltime", "flags", "warned"),
    [(451, True, True), (450, False, True), (900, True, True), (901, True, False)],
)
def test_short_walltimes_warn_and_the_shortest_get_no_flags(
    compiled: Callable[..., Result], walltime: int, flags: bool, warned: bool
) -> None:
    """SGE205 at W <= 3 M; no flags at W <= 1.5 M (margin 300 s), where SGE kills the workers at h_rt."""
    result = compiled(f"{W}[job]\nwalltime = {walltime}\n")
    assert ("--lifetime" in _argv(result)) == flags
    assert ("SGE205" in _codes(result)) == warned


def test_the_users_own_lifetime_is_kept_and_nothing_added(compiled: Callable[..., Result]) -> None:
    """dask-jobqueue's suggestion in extra_args: rendered once, as given, and no SGE205 or SGE408."""
    result = compiled(f'{W}extra_args = ["--lifetime", "55m", "--lifetime-stagger", "4m"]\n[job]\nwalltime = 3600\n')
    argv = _argv(result)
    assert argv.count("--lifetime") == 1 and argv[argv.index("--lifetime") + 1] == "55m"
    assert not {"SGE205", "SGE408"} & set(_codes(result))


def test_a_users_lifetime_reaching_h_rt_is_warned_with_the_numbers(compiled: Callable[..., Result]) -> None:
    """--lifetime=58m with --lifetime-stagger 3m on 1 hour: the last leave at 3660 s, after h_rt."""
    result = compiled(f'{W}extra_args = ["--lifetime=58m", "--lifetime-stagger", "3m"]\n[job]\nwalltime = 3600\n')
    found = next(d for d in result.diagnostics if d.code == "SGE205")
    assert "3660 s" in found.message and "3600 s" in found.message and found.location.line == 4


def test_a_stagger_without_lifetime_is_warned(compiled: Callable[..., Result]) -> None:
    """A --lifetime-stagger alone gives no lifetime, and the margin gives none either: SGE kills them at h_rt."""
    result = compiled(f'{W}extra_args = ["--lifetime-stagger", "3m"]\n[job]\nwalltime = 3600\n')
    assert "--lifetime" not in _argv(result)
    assert [d.message for d in result.diagnostics if d.code == "SGE205"][0].startswith("worker.extra_args gives no")


@pytest.mark.parametrize("text", ["55m", "3300", "3300s", "1 hour", "4 minutes", "1.5h", "300ms", "2 Days", "m"])
def test_durations_are_read_as_distributed_reads_them(text: str) -> None:
    """The user's --lifetime in seconds, as dask.utils.parse_timedelta reads it (which the worker uses)."""
    from dask.utils import parse_timedelta

    assert dask_seconds(text) == pytest.approx(parse_timedelta(text))


@pytest.mark.parametrize("text", ["", "soon", "5 fortnights"])
def test_what_distributed_cannot_read_is_no_duration(text: str) -> None:
    """A --lifetime dask refuses is no duration here either."""
    assert dask_seconds(text) is None


def test_explain_shows_the_arithmetic(compiled: Callable[..., Result]) -> None:
    """The worker_lifetime row: the lifetime in seconds, the window, and how it was worked out."""
    result = compiled(f"{W}[job]\nwalltime = 3600\n")
    assert result.plan is not None
    row = as_json(explain(result.plan))["worker_lifetime"]
    assert row["value"] == 3300 and row["unit"] == "seconds"
    assert row["text"] == "3300 s +/- 150 s (they leave at 3150-3450 s)"
    assert row["from"] == "walltime - lifetime_margin (300 s), +/- margin / 2"


def test_export_gives_dask_jobqueue_the_flags(compiled: Callable[..., Result]) -> None:
    """dask-jobqueue has no keyword for a lifetime: the flags go out first in worker_extra_args."""
    result = compiled(f'{W}extra_args = ["--no-dashboard"]\n[job]\nwalltime = 3600\n')
    assert result.plan is not None
    assert to_keywords(result.plan)["worker_extra_args"] == [
        "--lifetime",
        "3300s",
        "--lifetime-stagger",
        "150s",
        "--no-dashboard",
    ]


def test_the_window_ends_half_a_margin_before_h_rt() -> None:
    """Every derived lifetime leaves the last worker margin / 2 before h_rt and the first W - 1.5 M after start."""
    for walltime, margin in ((3600, 300), (100, 20), (7201, 601)):
        found = derived(walltime, margin)
        assert found.latest == walltime - margin + margin // 2
        assert found.earliest == walltime - margin - margin // 2


def test_a_margin_that_is_no_time_is_sge202_at_the_margin(compiled: Callable[..., Result]) -> None:
    """lifetime_margin = "5 mins" is refused at its value, named as the margin, with the forms it takes."""
    result = compiled(f'{W}lifetime_margin = "5 mins"\n[job]\nwalltime = 3600\n')
    (found,) = [d for d in result.diagnostics if d.code == "SGE202"]
    assert found.message == "worker.lifetime_margin: '5 mins' is not a walltime" and found.location.line == 4
    assert found.hint is not None and '"12h"' in found.hint and "job.walltime" not in found.hint


def test_a_duration_too_long_for_a_float_is_none() -> None:
    """400 nines of weeks is infinity as a float: no duration (it ended check with an OverflowError)."""
    assert dask_seconds("9" * 400 + "w") is None
