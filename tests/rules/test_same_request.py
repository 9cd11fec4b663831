"""SGE501/SGE502: one request written twice is the same when its value is, however written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sgecompile import directives as dirs
from sgecompile.pipeline import Result

W = '[worker]\ncores = 1\nmemory = "1GB"\n'


def _one(text: str) -> dirs.Directive:
    (directive,) = dirs.parse(text, ("job", "directives", 0))
    return directive


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("-l h_vmem=4G", "-l h_vmem=4096M", True),
        ("-l h_vmem=4G", "-l h_vmem=4g", False),  # 1024^3 against 1000^3
        ("-l h_rt=3600", "-l h_rt=1:00:00", True),
        ("-l h_rt=3600", "-l h_rt=0:59:59", False),
        ("-l arch=lx-amd64", "-l arch=lx-amd64", True),
        ("-l arch=lx-amd64", "-l arch=lx-x86", False),
        ("-j y", "-j YES", True),
        ("-j y", "-j n", False),
        ("-q a.q", "-q b.q", False),
    ],
)
def test_same_value_compares_amounts_times_and_yes_no(a: str, b: str, same: bool) -> None:
    assert dirs.same_value(_one(a), _one(b)) is same


@pytest.mark.parametrize("option", dirs.YES_NO)
def test_yes_no_options_refuse_what_qsub_refuses(option: str) -> None:
    """qsub refuses `-j true` and `-r 1` (tried on the test SGE); y, yes, n and no in any case pass."""
    for word in ("y", "Yes", "N", "no"):
        assert _one(f"{option} {word}").args == (word,)
    for word in ("true", "1", "maybe"):
        with pytest.raises(dirs.DirectiveError, match="wants y or n"):
            _one(f"{option} {word}")


def test_the_same_value_written_two_ways_is_a_duplicate_not_a_contradiction(compiled: Callable[..., Result]) -> None:
    result = compiled(W + '[job]\nwalltime = "1h"\ndirectives = ["-l h_rt=1:00:00", "-j yes"]\n')
    found = [(d.code, d.message) for d in result.diagnostics if d.code in ("SGE501", "SGE502")]
    assert found == [
        ("SGE501", "`-l h_rt=1:00:00` asks for the same as `-l h_rt=3600` (from job.walltime); it is rendered once"),
        ("SGE501", "`-j yes` asks for the same as `-j y` (from job.join_output); it is rendered once"),
    ]
    assert result.ok


def test_a_contradicted_walltime_is_fixed_in_job_walltime(compiled: Callable[..., Result]) -> None:
    (found,) = [
        d for d in compiled(W + '[job]\ndirectives = ["-l h_rt=60", "-l h_rt=120"]\n').diagnostics if d.code == "SGE502"
    ]
    assert found.hint == "Keep one value, in job.walltime."


@pytest.mark.parametrize(("word", "joined"), [("y", True), ("YES", True), ("n", False), ("No", False), ("true", None)])
def test_j_is_read_as_qsub_reads_it_by_the_parser_and_by_sge504(
    word: str, joined: bool | None, compiled: Callable[..., Result]
) -> None:
    """`-j` y[es] joins the output (so `-e` is SGE504), n[o] does not, and anything else is SGE506: one reading."""
    found = compiled(W + f'[job]\njoin_output = false\ndirectives = ["-j {word}", "-e logs/"]\n').diagnostics
    codes = {d.code for d in found}
    assert (("SGE504" in codes), ("SGE506" in codes), dirs.yes_or_no(word)) == (joined is True, joined is None, joined)
