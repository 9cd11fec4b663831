"""import/export of dask-jobqueue configuration: the Perun call, jobqueue.yaml, and stable round trips."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
import tomli
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sgecompile.convert import from_keywords, keywords_in_python, to_keywords, toml_text
from sgecompile.pipeline import compile_file
from sgecompile.rendering import render

from .conftest import PROFILES, ROOT

PERUN_CALL = ROOT / "docs" / "examples" / "perun_sgecluster.py"


def imported_profile(kwargs: dict[str, Any], folder: Path, name: str = "p.toml") -> Path:
    path = folder / name
    path.write_text(toml_text(from_keywords(kwargs), "test"), encoding="utf-8")
    return path


def test_perun_call_imports_to_the_shipped_profile(tmp_path: Path) -> None:
    """The user notes' SGECluster(...) renders exactly what profiles/perun.toml renders, -cwd once."""
    kwargs = keywords_in_python(PERUN_CALL)
    assert kwargs["job_extra"] == ["-cwd", "-V", "-pe threaded 10"]
    imported = compile_file(imported_profile(kwargs, tmp_path))
    shipped = compile_file(PROFILES / "perun.toml")
    assert imported.plan and shipped.plan
    assert render(imported.plan) == render(shipped.plan)
    assert {d.code for d in imported.diagnostics} == {d.code for d in shipped.diagnostics} == {"SGE203", "SGE302"}


def test_cli_import_writes_the_profile_and_lists_findings(cli, tmp_path: Path) -> None:
    out = tmp_path / "perun.toml"
    code, _, err = cli("import", str(PERUN_CALL), "-o", str(out))
    assert code == 0 and "warning[SGE302]" in err and "memory_resource = 'h_vmem' is assumed" in err
    assert out.read_text().startswith("# Imported by sgecompile from")


def test_jobqueue_yaml_section(cli, tmp_path: Path) -> None:
    config = tmp_path / "jobqueue.yaml"
    config.write_text(
        "jobqueue:\n  sge:\n    cores: 4\n    memory: 8GiB\n    walltime: '02:00:00'\n"
        "    resource-spec: mem_free=8G\n    job-extra-directives: ['-m ea']\n    header-skip: ['-j y', 'nonsense']\n"
        "    scheduler-options: {port: 0}\n"
    )
    code, out, err = cli("import", str(config))
    assert code == 0
    assert 'directives = ["-m ea"]' in out and 'skip = ["-j"]' in out
    assert "'nonsense' is not a qsub option name" in err and "scheduler-options" in err


def _billion_laughs() -> str:
    """A section whose aliases stand for 9^9 directives, written in 12 short lines."""
    lines = ["jobqueue:", "  sge:", "    cores: 1", "    a0: &a0 [-V, -V, -V, -V, -V, -V, -V, -V, -V]"]
    lines += [f"    a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    return "\n".join([*lines, "    job-extra-directives: *a8", ""])


@pytest.mark.parametrize(
    ("text", "imported"),
    [
        (_billion_laughs(), False),
        ("jobqueue:\n  sge: &s\n    cores: 1\n    itself: *s\n", False),
        ("jobqueue:\n  sge:\n    cores: 1\n    job-extra-directives: &x [-m ea]\n    job-directives-skip: *x\n", True),
    ],
)
def test_yaml_aliases_are_read_within_a_bound(cli, tmp_path: Path, text: str, imported: bool) -> None:
    """A few aliases are YAML as usual; ones that expand past 10000 values, or loop, are refused at once."""
    config = tmp_path / "jobqueue.yaml"
    config.write_text(text)
    code, out, err = cli("import", str(config))
    if imported:
        assert code == 0 and 'directives = ["-m ea"]' in out
    else:
        assert code == 2 and "holds more than 10000 values once its YAML aliases are expanded" in err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = 1\n", "no SGECluster(...) call"),
        ("SGECluster(cores=n)\n", "p.py:1:18: cores= is not a literal"),
        ("def (\n", "cannot read it as Python"),
        (
            "small = SGECluster(cores=1)\nif big:\n    large = SGECluster(cores=8)\n",
            "2 SGECluster(...) calls (lines 1, 3); one profile holds one",
        ),
    ],
)
def test_unreadable_python_is_a_usage_error(cli, tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "p.py"
    path.write_text(text)
    code, _, err = cli("import", str(path))
    assert code == 2 and message in err


def test_export_formats(cli) -> None:
    code, out, _ = cli("export", str(PROFILES / "perun.toml"), "--format", "jobqueue-yaml")
    section = yaml.safe_load(out)["jobqueue"]["sge"]
    assert code == 0 and section["walltime"] == "100:40:39" and section["resource-spec"] == "h_vmem=64G"
    assert "-pe threaded 10" in section["job-extra-directives"]
    code, out, _ = cli("export", str(PROFILES / "perun.toml"), "--format", "kwargs")
    assert code == 0 and "cluster = SGECluster(" in out and "walltime='100:40:39'" in out
    compile(out, "export", "exec")


keywords = st.fixed_dictionaries(
    {"cores": st.sampled_from([1, 2, 4, 8]), "memory": st.sampled_from(["1GB", "4GiB", "512MiB"])},
    optional={
        "processes": st.sampled_from([1, 2]),
        "queue": st.sampled_from(["all.q", "long.q"]),
        "project": st.just("phylo"),
        "walltime": st.sampled_from(["01:00:00", "99:99:99", "3600"]),
        "resource_spec": st.sampled_from(["h_vmem=4G", "mem_free=2G,h_vmem=1G", "arch=lx-amd64"]),
        "job_extra_directives": st.lists(
            st.sampled_from(["-V", "-cwd", "-m ea", "-pe smp 8", "-j y"]), unique=True, max_size=3
        ),
        "job_script_prologue": st.lists(st.sampled_from(["module load x", "export A=1"]), max_size=2),
        "log_directory": st.just("logs"),
        "death_timeout": st.integers(1, 120),
        "nanny": st.booleans(),
        "worker_extra_args": st.lists(st.just("--lifetime=1h"), max_size=1),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kwargs=keywords)
def test_import_export_import_is_stable(kwargs: dict[str, Any], tmp_path: Path) -> None:
    first = compile_file(imported_profile(kwargs, tmp_path, "first.toml"))
    if first.plan is None:
        return  # check rejected the configuration (e.g. processes that do not divide cores): nothing to export
    exported = to_keywords(first.plan)
    second = compile_file(imported_profile(exported, tmp_path, "second.toml"))
    assert second.plan is not None, second.diagnostics
    assert render(second.plan) == render(first.plan)
    assert to_keywords(second.plan) == exported


toml_values = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(allow_nan=False),
        st.text(st.characters(exclude_categories=("Cs",))),
        st.dates(),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
PLAIN_KEYWORDS = {"queue": ("job", "queue"), "project": ("job", "project"), "cores": ("worker", "cores")}


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(value=toml_values, keyword=st.sampled_from(sorted(PLAIN_KEYWORDS)))
def test_imported_values_reach_the_profile_unchanged(value: Any, keyword: str) -> None:
    """Whatever YAML or Python gave (floats, inf, dates, nested tables, any text), the profile holds that value."""
    section, key = PLAIN_KEYWORDS[keyword]
    written = tomli.loads(toml_text(from_keywords({keyword: value}), "test"))
    assert written[section][key] == value


def test_nan_is_imported_as_toml_nan() -> None:
    written = tomli.loads(toml_text(from_keywords({"cores": float("nan")}), "test"))
    assert math.isnan(written["worker"]["cores"])


@pytest.mark.parametrize("value", [None, ["-cwd", None], {"a": None}, b"1GB", {1, 2}, 1j, {1: "a"}])
def test_values_toml_cannot_hold_are_left_out_with_a_note(value: Any) -> None:
    """No null, bytes, sets, complex numbers or non-text keys in TOML: left out with a note (None: dask's default)."""
    imported = from_keywords({"job_extra_directives": value, "cores": 2})
    assert imported.tables == {"worker": {"cores": 2}}
    assert (value is None) == (not imported.notes)
