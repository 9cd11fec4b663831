"""The one table of words: qsub's options per flavor, the keys that write them, dask-jobqueue's names."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sgecompile import schema, vocabulary
from sgecompile.clusterfacts import flavor_of
from sgecompile.pipeline import Result, compile_file
from sgecompile.plan import Plan
from sgecompile.units import MIB

W = '[worker]\ncores = 4\nmemory = "8GB"\n[job]\nwalltime = 3600\n'


def _finding(result: Result, code: str) -> str | None:
    return next((f"{d.message} | {d.hint}" for d in result.diagnostics if d.code == code), None)


@pytest.mark.parametrize(
    ("flavor", "directive", "named"),
    [
        ("sge", "-jc short", 'Univa / Altair Grid Engine 8.x+ (flavor = "uge")'),
        ("sge", "-umask 022", 'Univa / Altair Grid Engine 8.x+ (flavor = "uge")'),
        ("uge", "-scope master", 'Open Cluster Scheduler / Gridware Cluster Scheduler 9.x (flavor = "ocs")'),
        ("ocs", "-jc short", 'Univa / Altair Grid Engine 8.x+ (flavor = "uge")'),
        ("sge", "-par 4", '(flavor = "uge") and Open Cluster Scheduler'),
    ],
)
def test_another_flavors_option_names_site_flavor(
    compiled: Callable[..., Result], flavor: str, directive: str, named: str
) -> None:
    """SGE514 says which flavors have the option and what site.flavor says, never "did you mean"."""
    found = _finding(compiled(f'[site]\nflavor = "{flavor}"\n{W}directives = ["{directive}"]\n'), "SGE514")
    assert found is not None and named in found and f'site.flavor = "{flavor}"' in found
    assert "Did you mean" not in found and "SGE505" not in str(found)


@pytest.mark.parametrize(
    ("flavor", "directive"),
    [("uge", "-jc short"), ("uge", "-mbind cores"), ("ocs", "-btype slot"), ("ocs", "-binding linear:4")],
)
def test_an_option_of_the_sites_own_flavor_passes(compiled: Callable[..., Result], flavor: str, directive: str) -> None:
    """The same options on the flavor that has them: no finding about them, and they render."""
    result = compiled(f'[site]\nflavor = "{flavor}"\n{W}directives = ["{directive}"]\n')
    assert result.ok and _finding(result, "SGE514") is None
    assert any(d.text == directive for d in result.plan.directives) if result.plan else False


def test_suggestions_come_from_the_sites_flavor(compiled: Callable[..., Result]) -> None:
    """A typo is matched against the options of the profile's flavor only."""
    uge = _finding(compiled(f'[site]\nflavor = "uge"\n{W}directives = ["-jcc x"]\n'), "SGE505")
    sge = _finding(compiled(f'{W}directives = ["-jcc x"]\n'), "SGE505")
    assert uge is not None and "`-jc`" in uge
    assert sge is not None and "`-jc`" not in sge


@pytest.mark.parametrize(
    ("line", "flavor"),
    [
        ("SGE 8.1.9", "sge"),
        ("UGE 8.6.6", "uge"),
        ("OCS 9.1.4", "ocs"),
        ("GCS 9.0.0", "ocs"),
        ("usage: qstat", None),
        ("", None),
    ],
)
def test_flavor_from_qstat_help(line: str, flavor: str | None) -> None:
    """The first line of `qstat -help` names the flavor (an unknown one names none)."""
    assert flavor_of(line) == flavor


def test_every_key_the_table_names_is_a_profile_key() -> None:
    """Keywords, options and worker flags all point at keys the schema has."""
    keys = {f"{section}.{k.name}" for section, table in schema.SECTIONS.items() for k in table}
    named = (
        set(vocabulary.KEYWORDS.values()) | set(vocabulary.OPTION_KEYS.values()) | set(vocabulary.WORKER_FLAGS.values())
    )
    assert named <= keys, named - keys


def test_the_compiler_writes_each_key_as_the_table_says(compiled: Callable[..., Result]) -> None:
    """Every directive a structured key writes is the option the table gives that key (and -l h_rt the walltime)."""
    text = (
        '[site]\npe = "smp"\n[job]\nname = "n"\nqueue = "q"\nproject = "p"\nwalltime = 60\nexport_env = true\n'
        'log_directory = "logs"\njoin_output = false\nresources = { mem_free = "1G" }\n[worker]\ncores = 2\nmemory = "1GB"\n'
    )
    plan = compiled(text).plan
    assert plan is not None
    for d in plan.directives:
        resource = d.args[0].partition("=")[0] if d.option == "-l" else None
        assert vocabulary.key_of(d.option, resource) == ".".join(map(str, d.origin[:2])), d


def test_old_keywords_point_at_their_new_names() -> None:
    """dask-jobqueue's renamed keywords: the old name and the new one mean the same key."""
    for old, new in vocabulary.RENAMED_KEYWORDS.items():
        assert vocabulary.KEYWORDS[old] == vocabulary.KEYWORDS[new]
    assert vocabulary.RENAMED_KEYWORDS["env_extra"] == "job_script_prologue"


def _plan(tmp: Path, flavor: str, per: str, cores: int, gib: int) -> Plan:
    path = tmp / f"{per}.toml"
    path.write_text(
        f'[site]\nflavor = "{flavor}"\npe = "smp"\nmemory_resource = "h_vmem"\nmemory_per = "{per}"\n'
        f'[worker]\ncores = {cores}\nmemory = "{gib}GiB"\n'
    )
    result = compile_file(path)
    assert result.plan is not None and result.plan.reservation is not None, result.diagnostics
    return result.plan


@given(st.integers(1, 64), st.integers(1, 4096), st.sampled_from(["uge", "ocs"]))
def test_a_host_consumable_asks_the_jobs_whole_memory(cores: int, gib: int, flavor: str) -> None:
    """memory_per = "host" asks once what the job needs (SGE debits it once on the job's one host), never per slot."""
    with tempfile.TemporaryDirectory() as folder:
        host, slot = (_plan(Path(folder), flavor, per, cores, gib) for per in ("host", "slot"))
    asked = host.reservation
    assert asked is not None and asked.multiplier == 1
    assert host.job_needs <= asked.per_job < host.job_needs + MIB  # rounded up to a whole mebibyte, no more
    per_slot = slot.reservation
    assert per_slot is not None and per_slot.multiplier == cores
    assert slot.job_needs <= per_slot.per_job < slot.job_needs + cores * MIB
