"""Several memory resources against a cluster that counts each its own way (SGE804), and SGE105 for any derived one."""

from __future__ import annotations

from collections.abc import Callable

import attrs
import pytest

from sgecompile.clusterfacts import Complex
from sgecompile.pipeline import Result

from .conftest import FACTS, live_diagnostics

# As the test SGE: h_vmem and mem per slot (YES), mres once per job (JOB), mem_free a load value.
COUNTED = attrs.evolve(
    FACTS,
    complexes={
        **FACTS.complexes,
        "mem": Complex("mem", "mem", "MEMORY", True, "YES"),
        "mres": Complex("mres", "mres", "MEMORY", True, "JOB"),
    },
)
SITE = '[site]\npe = "threaded"\nmemory_resource = "h_vmem"\n'
JOB = '[job]\nqueue = "all.q"\nwalltime = 60\n[worker]\ncores = 2\nmemory = "1GiB"\n'


def sge804(result: Result) -> list[tuple[int | None, str]]:
    return [(d.location.line, d.hint or "") for d in live_diagnostics(result, facts=COUNTED) if d.code == "SGE804"]


@pytest.mark.parametrize(
    ("table", "found"),
    [
        ('{ mres = "job" }', []),
        ('{ mres = "job", mem = "slot" }', []),
        ('{ mem = "job" }', [(4, 'mem = "slot"')]),
        ('{ mres = "slot" }', [(4, 'mres = "job"')]),
        ('{ h_vmem = "job", mres = "job" }', [(4, 'h_vmem = "slot"')]),
    ],
)
def test_each_entry_is_held_against_how_the_cluster_counts_it(
    compiled: Callable[..., Result], table: str, found: list[tuple[int, str]]
) -> None:
    """An entry of site.memory that says otherwise than the cluster's consumable column is named at its table."""
    assert sge804(compiled(SITE + f"memory = {table}\n" + JOB)) == found


def test_sge105_for_a_second_derived_resource(compiled: Callable[..., Result]) -> None:
    """h_vmem written, mres derived from worker.memory '4G': SGE105 says SGE would read 4G otherwise."""
    text = (
        SITE + 'memory = { mres = "job" }\n[job]\nresources = { h_vmem = "6G" }\n[worker]\ncores = 1\nmemory = "4G"\n'
    )
    assert "SGE105" in {d.code for d in compiled(text).diagnostics}
