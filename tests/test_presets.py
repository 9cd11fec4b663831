"""The shipped base profiles of real clusters: `extends = "@sites/NAME"`, `sgecompile sites`, and each
preset against the example job script its site documents (docs/flavors-and-sites.md)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from sgecompile import presets
from sgecompile.diagnostics import Severity
from sgecompile.pipeline import Result, compile_file
from sgecompile.units import GIB, parse_sge_memory

Cli = Callable[..., tuple[int, str, str]]
NAMES = presets.names()


def _compiled(write: Callable[..., Path], name: str, rest: str) -> Result:
    """A profile that extends the preset ``name`` and adds ``rest``."""
    return compile_file(write(f'extends = "@sites/{name}"\n{rest}'))


def _lines(result: Result) -> set[str]:
    assert result.ok and result.plan is not None, result.diagnostics
    return {d.text for d in result.plan.directives}


def test_at_least_six_clusters_ship() -> None:
    """Issue 18 asks for six real clusters at least."""
    assert len(NAMES) >= 6 and {"myriad", "hoffman2", "hydra", "dundee", "eddie", "wynton"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_a_4_core_8GB_worker_renders_on_every_preset(name: str, write: Callable[..., Path], cli: Cli) -> None:
    """A 4-core 8GB worker for an hour (within every site's limit, with the options it requires) checks with no
    error or warning and renders."""
    required = 'directives = ["-A my_project"]\n' if name == "young" else ""  # site.required_options
    profile = write(
        f'extends = "@sites/{name}"\n[job]\nwalltime = "1:00:00"\n{required}[worker]\ncores = 4\nmemory = "8GB"\n'
    )
    result = compile_file(profile)
    assert [d for d in result.diagnostics if d.severity is not Severity.INFO] == []
    code, out, err = cli("render", profile)
    assert code == 0 and "#$ -pe " in out and "#$ -l h_rt=3600" in out, err


@pytest.mark.parametrize("name", NAMES)
def test_every_preset_names_its_cluster_and_a_source_for_each_fact(name: str) -> None:
    """The header `sites` reads, the date the sources were read, and a comment on every key it sets."""
    preset = next(p for p in presets.presets() if p.name == name)
    text = preset.path.read_text(encoding="utf-8")
    assert preset.cluster and preset.summary and re.search(r"^# sources \(read \d{4}-\d\d-\d\d\)", text, re.M)
    settings = [line for line in text.splitlines() if line and not line.startswith(("#", "["))]
    assert settings and all(" # " in line for line in settings), settings


@pytest.mark.parametrize(
    ("name", "rest", "example"),
    [
        (  # UCL's multi-threaded example: `-l h_rt=0:10:0 -l mem=1G -l tmpfs=15G -pe smp 16`
            "myriad",
            'walltime = "0:10:0"\nresources = { tmpfs = "15G" }\n[worker]\ncores = 16\nmemory = "16GiB"',
            {"-l h_rt=600", "-l mem=1G", "-l tmpfs=15G", "-pe smp 16"},
        ),
        (  # Wynton's example: `-cwd -pe smp 4 -l mem_free=2G -l scratch=50G -l h_rt=00:20:00`
            "wynton",
            'walltime = "00:20:00"\nresources = { scratch = "50G" }\n[worker]\ncores = 4\nmemory = "8GiB"',
            {"-cwd", "-pe smp 4", "-l mem_free=2G", "-l scratch=50G", "-l h_rt=1200"},
        ),
    ],
)
def test_a_memory_request_per_core_matches_the_documented_job_exactly(
    write: Callable[..., Path], name: str, rest: str, example: set[str]
) -> None:
    """The site's example, per core: `mem` and `mem_free` are no address-space limits, so the request is
    worker.memory over the cores, with no room added for Python's mappings."""
    assert _lines(_compiled(write, name, f"[job]\n{rest}\n")) >= example


def test_young_asks_for_the_free_project_and_takes_your_account(write: Callable[..., Path]) -> None:
    """Young's `-P Free` with the `-A MyProject` every job must add itself."""
    rest = '[job]\ndirectives = ["-A MyProject"]\n[worker]\ncores = 4\nmemory = "8GB"\n'
    assert _lines(_compiled(write, "young", rest)) >= {"-P Free", "-A MyProject", "-pe smp 4"}


def test_dundee_matches_the_documented_job_and_a_longer_class_replaces_short(write: Callable[..., Path]) -> None:
    """UoD's example: `-pe smp 16 -jc short -cwd`; a profile's own job class replaces the preset's."""
    rest = '[worker]\ncores = 16\nmemory = "8GB"\n'
    assert _lines(_compiled(write, "dundee", rest)) >= {"-pe smp 16", "-jc short", "-cwd"}
    longer = _lines(_compiled(write, "dundee", f'[job]\ndirectives = ["-jc long"]\n{rest}'))
    assert "-jc long" in longer and "-jc short" not in longer


@pytest.mark.parametrize(
    ("name", "rest", "example", "resource", "per_slot_in_example"),
    [
        # Hoffman2: `-l h_rt=8:00:00,h_data=4g -pe shared 16` ("4g*16 = 64g").
        ("hoffman2", 'walltime = "8:00:00"', {"-pe shared 16", "-l h_rt=28800"}, "h_data", 4 * GIB),
        # Eddie (SECONDARY): `-l h_rt=01:00:00 -l h_vmem=8G -pe sharedmem 16`.
        ("eddie", 'walltime = "1:00:00"', {"-pe sharedmem 16", "-l h_rt=3600"}, "h_vmem", 8 * GIB),
    ],
)
def test_an_address_space_limit_per_core_fits_the_documented_job(
    write: Callable[..., Path], name: str, rest: str, example: set[str], resource: str, per_slot_in_example: int
) -> None:
    """A 16-core 60 GiB worker gets the example's pe and walltime, and a per-core limit that holds the dask
    memory and Python's own mappings (address space) yet stays within the example's per-core amount."""
    result = _compiled(write, name, f'[job]\n{rest}\n[worker]\ncores = 16\nmemory = "60GiB"\n')
    assert _lines(result) >= example and result.plan is not None
    (asked,) = [d.args[0] for d in result.plan.directives if d.args and d.args[0].startswith(f"{resource}=")]
    per_slot = parse_sge_memory(asked.partition("=")[2]).bytes
    assert result.plan.job_needs > 60 * GIB  # the mappings are counted
    assert result.plan.job_needs <= 16 * per_slot <= 16 * per_slot_in_example


def test_hydra_matches_the_documented_job(write: Callable[..., Path]) -> None:
    """A user's Hydra script: `-pe mthread 8 -q sThC.q -l mres=64G,h_data=8G,h_vmem=8G`. A 60 GiB worker
    reserves mres=60G once for the job, and h_data and h_vmem per slot that hold it with Python's
    mappings (address space) yet fit the script's 8G each."""
    result = _compiled(write, "hydra", '[job]\nqueue = "sThC.q"\n[worker]\ncores = 8\nmemory = "60GiB"\n')
    assert _lines(result) >= {"-pe mthread 8", "-q sThC.q", "-l mres=60G"} and result.plan is not None
    reserved = {view.memory_resource: view for view in result.plan.memory_views}
    assert sorted(reserved) == ["h_data", "h_vmem", "mres"]
    assert reserved["mres"].reservation is not None and reserved["mres"].reservation.multiplier == 1
    for name in ("h_data", "h_vmem"):
        view = reserved[name]
        assert view.reservation is not None and view.reservation.multiplier == 8
        assert 60 * GIB < view.job_needs <= view.reservation.per_job <= 8 * 8 * GIB


def test_sites_lists_every_preset_in_aligned_columns(cli: Cli) -> None:
    """One row per preset with its cluster and summary, the columns starting at the same place on every row."""
    code, out, _ = cli("sites")
    rows = out.split("\n\n")[0].splitlines()
    assert code == 0 and [r.split()[0] for r in rows] == ["name", *NAMES]
    for preset in presets.presets():
        (row,) = [r for r in rows if r.startswith(preset.name + " ")]
        assert row.index(preset.cluster) == rows[0].index("cluster")
        assert row.index(preset.summary) == rows[0].index("summary")
    assert '`extends = "@sites/NAME"`' in out


@pytest.mark.parametrize(
    ("name", "guess"), [("myriadd", '"@sites/myriad"'), ("zzz", None), ("../loader", None), ("", None)]
)
def test_an_unknown_preset_is_sge003_at_extends_with_the_names(
    write: Callable[..., Path], name: str, guess: str | None
) -> None:
    """A misspelt name gets "did you mean"; every name is listed; nothing outside the folder is read."""
    (found,) = compile_file(write(f'extends = "@sites/{name}"\n[worker]\ncores = 1\nmemory = "1GB"\n')).diagnostics
    assert (found.code, found.location.line, found.location.column) == ("SGE003", 1, 11)
    hint = found.hint or ""
    assert f"named {name!r}" in found.message and all(n in hint for n in NAMES)
    assert ("Did you mean" in hint, f"Did you mean {guess}?" in hint) == (guess is not None, guess is not None)


def test_config_says_which_preset_file_set_a_value(cli: Cli, write: Callable[..., Path]) -> None:
    """`config` names the preset file and line, as a base, and the profile's own values as the profile's."""
    code, out, _ = cli("config", write('extends = "@sites/hoffman2"\n[worker]\ncores = 2\nmemory = "4GB"\n'))
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert code == 0 and re.search(r"sgecompile/sites/hoffman2\.toml:\d+:\d+ \(base\)$", rows["site.pe"])
    assert rows["worker.cores"].endswith("(profile)")


def test_a_folder_of_profiles_on_presets_checks_clean(cli: Cli, write: Callable[..., Path], tmp_path: Path) -> None:
    """`check` of a folder reads each `@sites/` base (and a broken one) without taking presets for the folder's files."""
    write('extends = "@sites/eddie"\n[worker]\ncores = 2\nmemory = "4GB"\n', "a.toml")
    assert cli("check", tmp_path)[0] == 0
    write('extends = "@sites/nope"\n[worker]\ncores = 2\nmemory = "4GB"\n', "b.toml")
    code, out, _ = cli("check", tmp_path)
    assert code == 1 and out.count("SGE003") == 1


def test_young_refuses_a_job_without_a_project_account(write: Callable[..., Path]) -> None:
    """UCL Young's policy rejects a job without -A ("Rejected by policyjsv"): an error, at the job's directives."""
    profile = write('extends = "@sites/young"\n[job]\nwalltime = "1:00:00"\n[worker]\ncores = 4\nmemory = "8GB"\n')
    found = [d for d in compile_file(profile).diagnostics if d.code == "SGE515"]
    assert [(d.severity, d.location.file) for d in found] == [(Severity.ERROR, str(profile))]
