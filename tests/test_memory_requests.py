"""Several memory resources in one profile (`[site] memory`): each derived, counted and checked as its site says."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sgecompile.pipeline import Result, compile_file
from sgecompile.units import MIB

HYDRA = '[site]\npe = "mthread"\nmemory = { mres = "job", h_data = "slot", h_vmem = "slot" }\n[job]\nwalltime = 60\n'


def test_each_resource_is_derived_as_its_site_counts_it(compiled: Callable[..., Result]) -> None:
    """8 slots, 64 GiB: mres once for the job's memory; h_data and h_vmem per slot, with the processes' own mappings."""
    plan = compiled(HYDRA + '[worker]\ncores = 8\nmemory = "64GiB"\n').plan
    assert plan is not None
    lines = [d.text for d in plan.directives if d.option == "-l"]
    # 64 GiB + 4 processes x (worker and nanny 320 MiB each, 2 threads x 64 MiB) = 68608 MiB, / 8 slots
    assert lines == ["-l h_data=8576M", "-l mres=64G", "-l h_vmem=8576M", "-l h_rt=60"]


def test_one_resource_profiles_are_as_they_were(compiled: Callable[..., Result]) -> None:
    """memory_resource and memory_per alone are the one entry of site.memory."""
    plan = compiled(
        '[site]\nmemory_resource = "h_vmem"\nmemory_per = "job"\n[worker]\ncores = 1\nmemory = "1GB"\n'
    ).plan
    assert plan is not None and plan.profile.site.memory == (("h_vmem", "job"),)
    assert [v.memory_resource for v in plan.memory_views] == ["h_vmem"]


def test_the_table_wins_for_the_resource_both_name(compiled: Callable[..., Result]) -> None:
    """memory_resource = "h_vmem" per slot, and the table says h_vmem per job: per job, first."""
    text = '[site]\npe = "smp"\nmemory_resource = "h_vmem"\nmemory = { h_vmem = "job", mres = "job" }\n'
    plan = compiled(text + '[worker]\ncores = 2\nmemory = "1GB"\n').plan
    assert plan is not None and plan.profile.site.memory == (("h_vmem", "job"), ("mres", "job"))


def test_a_written_request_replaces_its_own_derived_one_and_is_checked(compiled: Callable[..., Result]) -> None:
    """h_data written too small for 64 GiB is an SGE301 at its line; mres and h_vmem are still derived."""
    result = compiled(HYDRA + 'resources = { h_data = "1G" }\n[worker]\ncores = 8\nmemory = "64GiB"\n')
    assert [(d.code, d.location.line) for d in result.diagnostics if d.code.startswith("SGE30")] == [("SGE301", 6)]
    assert result.plan is not None
    assert [d.text for d in result.plan.directives if d.option == "-l"][:3] == [
        "-l h_data=1G",
        "-l mres=64G",
        "-l h_vmem=8576M",
    ]


def test_a_host_entry_on_son_of_grid_engine_is_named_where_it_is(compiled: Callable[..., Result]) -> None:
    """SGE307 points at the table entry that says host."""
    result = compiled('[site]\nmemory = { mres = "host" }\n[worker]\ncores = 1\nmemory = "1GB"\n')
    assert [(d.code, d.location.line, d.location.column) for d in result.diagnostics if d.code == "SGE307"] == [
        ("SGE307", 2, 19)
    ]


@given(
    st.integers(1, 32),
    st.integers(1, 512),
    st.lists(st.sampled_from(["slot", "job", "host"]), min_size=1, max_size=3),
)
def test_every_derived_request_covers_what_its_resource_must_hold(cores: int, gib: int, pers: list[str]) -> None:
    """Per slot x slots, or once: never less than the job needs of that resource, and at most a MiB a slot more."""
    names = ["h_vmem", "mres", "mem"][: len(pers)]
    table = ", ".join(f'{n} = "{p}"' for n, p in zip(names, pers, strict=True))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.toml"
        path.write_text(
            f'[site]\nflavor = "ocs"\npe = "smp"\nmemory = {{ {table} }}\n[worker]\ncores = {cores}\nmemory = "{gib}GiB"\n'
        )
        plan = compile_file(path).plan
    assert plan is not None
    for view, per in zip(plan.memory_views, pers, strict=True):
        found = view.reservation
        assert found is not None and found.derived
        assert found.multiplier == (cores if per == "slot" else 1)
        needs = view.memory_needed(view.memory_resource)
        assert needs <= found.per_job < needs + found.multiplier * MIB
