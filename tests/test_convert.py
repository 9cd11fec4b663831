"""import/export of dask-jobqueue configuration: the Perun call, jobqueue.yaml, and stable round trips."""

from __future__ import annotations

import math
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sgecompile.convert.exporting import to_keywords
from sgecompile.convert.importing import from_keywords, toml_text
from sgecompile.convert.reading import keywords_in_python
from sgecompile.pipeline import compile_file
from sgecompile.plan import Plan
from sgecompile.rendering import render
from sgecompile.shellword import shell_word

from .conftest import PROFILES, ROOT

PERUN_CALL = ROOT / "docs" / "examples" / "perun_sgecluster.py"

# cores, memory and walltime: nothing for import to write or say of dask-jobqueue's defaults.
GIVEN = {"cores": 1, "memory": "1GB", "walltime": "01:00:00"}


def others(notes: tuple[str, ...]) -> list[str]:
    """The notes but the one every walltime gets, that the workers now retire before it."""
    return [n for n in notes if not n.startswith('walltime = "01:00:00": the workers now retire')]


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
    assert 'directives = ["-m ea"]' in out and "join_output = false" in out and "skip =" not in out
    assert "header-skip item 'nonsense' removes none of the lines dask-jobqueue writes itself" in err
    assert "scheduler-options" in err


@pytest.mark.parametrize("text", ["jobqueue: 5\n", "jobqueue:\n  - sge\n", "jobqueue: text\n"])
def test_jobqueue_that_is_not_a_table_is_a_usage_error(cli, tmp_path: Path, text: str) -> None:
    config = tmp_path / "jobqueue.yaml"
    config.write_text(text)
    code, _, err = cli("import", str(config))
    assert code == 2 and f"{config}: no `jobqueue: sge:` section" in err


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
            "SGECluster(cores=" + "-" * 3000 + "1)\n",
            "p.py: cannot read it as Python: an expression is nested too deeply",
        ),
        ("SGECluster(cores=" + "-" * 100000 + "1)\n", "p.py: cannot read it as Python: an expression is nested too"),
        ("SGECluster(cores={[1]: 2})\n", "p.py:1:18: cores= cannot be read: unhashable type: 'list'"),
        (
            'c = SGECluster(4, "4GB", walltime="1:00:00")\n',
            "p.py:1:16: positional arguments cannot be imported (SGECluster takes n_workers first, not cores);"
            " write them as keywords: cores=..., memory=...",
        ),
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


@pytest.mark.parametrize("link", [False, True])
def test_import_refuses_to_write_over_the_file_it_reads(cli, tmp_path: Path, link: bool) -> None:
    """`-o` naming the Python file (or a symlink to it) would replace the user's script with the profile."""
    script = tmp_path / "a.py"
    script.write_text('cluster = SGECluster(cores=1, memory="4GB")\nprint("my analysis")\n')
    output = tmp_path / "link.py" if link else script
    if link:
        output.symlink_to(script)
    code, out, err = cli("import", str(script), "-o", str(output))
    assert code == 2 and f"-o {output} is the file being imported ({script})" in err and not out
    assert script.read_text().endswith('print("my analysis")\n')


SCHEDULER = "tcp://10.1.2.3:8786"


def _worker_argv(script: str) -> list[str]:
    """The words bash makes of a job script's last line (the worker command), but for the memory limit's value.

    sgecompile and dask-jobqueue write that limit differently (bytes, GiB), as tests/test_differential.py allows.
    """
    env = {"PATH": os.environ["PATH"], "TMPDIR": "/scratch/job 7"}
    shown = subprocess.run(
        ["bash", "-c", f"set -- {script.splitlines()[-1]}\nprintf '%s\\0' \"$@\""],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    words = shown.stdout.split("\0")[:-1]
    limit = words.index("--memory-limit") + 1
    return words[:limit] + words[limit + 1 :]


def _their_script(kwargs: dict[str, Any]) -> str:
    """dask-jobqueue's own job script for ``kwargs``."""
    sge = pytest.importorskip("dask_jobqueue.sge")
    return str(sge.SGEJob(scheduler=SCHEDULER, name="dummy-name", **kwargs).job_script())


def _our_script(plan: Plan) -> str:
    return render(plan, scheduler=(SCHEDULER,), worker_name="dummy-name")


def test_imported_worker_words_are_the_words_dask_jobqueue_gives_the_worker(tmp_path: Path) -> None:
    """dask-jobqueue writes worker_extra_args unquoted: an item with a space is several words, and import says so."""
    kwargs = {
        "cores": 2,
        "memory": "4GB",
        "python": "/opt/py/bin/python3",
        "local_directory": '"$TMPDIR/my dir"',
        "worker_extra_args": ["--resources GPU=1", "--lifetime=1h", "--preload 'my plugin.py'"],
        "walltime": "01:00:00",
    }
    imported = from_keywords(kwargs)
    assert imported.tables["worker"]["extra_args"] == [
        "--resources",
        "GPU=1",
        "--lifetime=1h",
        "--preload",
        "my plugin.py",
    ]
    assert imported.notes == (
        "worker_extra_args item '--resources GPU=1' is 2 words in the worker command dask-jobqueue writes (unquoted);"
        ' imported as ["--resources", "GPU=1"]',
        "worker_extra_args item \"--preload 'my plugin.py'\" is 2 words in the worker command dask-jobqueue writes"
        ' (unquoted); imported as ["--preload", "my plugin.py"]',
    )
    plan = compile_file(imported_profile(kwargs, tmp_path)).plan
    assert plan is not None
    assert _worker_argv(_our_script(plan)) == _worker_argv(_their_script(kwargs))


@pytest.mark.parametrize(
    ("value", "imported", "note"),
    [
        ("'/tmp/a b'", "/tmp/a b", None),
        ("/tmp/a b", None, "local_directory = '/tmp/a b' is 2 words in the worker command dask-jobqueue writes"),
        (
            "'/tmp/a",
            None,
            "local_directory = \"'/tmp/a\": the job's shell cannot read it (nothing closes the ' at character 1)",
        ),
        ("~/dask", "~/dask", None),  # sgecompile keeps a leading ~/ expanding, as the shell does
        ("${TMPDIR:-/tmp}", "${TMPDIR:-/tmp}", None),
        ("/data/*.fa", "/data/*.fa", "the job's shell would expand or run more of it than $VAR and ~/"),
        ("'$TMPDIR'", "$TMPDIR", "the job's shell would expand or run more of it than $VAR and ~/"),
        ("$TMPDIR", "$TMPDIR", None),
    ],
)
def test_a_one_word_keyword_is_imported_as_the_shell_reads_it(
    value: str, imported: str | None, note: str | None
) -> None:
    """What the worker command's shell makes of local_directory, with a note where sgecompile's word differs."""
    result = from_keywords({"local_directory": value, **GIVEN})
    assert result.tables.get("worker", {}).get("local_directory") == imported
    assert [note in n for n in others(result.notes)] == ([] if note is None else [True])


def test_exported_worker_words_are_quoted_as_render_quotes_them(write: Callable[..., Path], tmp_path: Path) -> None:
    """dask-jobqueue joins the worker command unquoted: export quotes each word, so its job runs the same argv."""
    profile = write(
        """
        [worker]
        cores = 1
        memory = "4GB"
        python = "/opt/my py/bin/python3"
        local_directory = "$TMPDIR/my dir"
        extra_args = ["--resources", "GPU=1 MEM=10e9", "--preload", "a;b $(id) `id` *"]
        """
    )
    plan = compile_file(profile).plan
    assert plan is not None
    exported = to_keywords(plan)
    assert exported["local_directory"] == '"$TMPDIR/my dir"'
    assert _worker_argv(_their_script(exported)) == _worker_argv(_our_script(plan))
    assert "/scratch/job 7/my dir" in _worker_argv(_our_script(plan))
    again = compile_file(imported_profile(exported, tmp_path)).plan
    assert again is not None and render(again) == render(plan)


@given(word=st.text(st.characters(exclude_categories=("Cs",))))
def test_an_exported_word_is_imported_back_unchanged(word: str) -> None:
    """Whatever export quotes (spaces, quotes, backslashes, $VAR, $(...)), import reads the same word back."""
    assert from_keywords({"worker_extra_args": [shell_word(word)]}).tables["worker"]["extra_args"] == [word]


def test_export_refuses_an_interface_the_shell_would_change(cli, write: Callable[..., Path]) -> None:
    """dask-jobqueue gives interface to the scheduler as it is, and to the worker unquoted: no value serves both."""
    profile = write('[worker]\ncores = 1\nmemory = "4GB"\ninterface = "ib0;id"\n')
    code, out, err = cli("export", str(profile), "--format", "kwargs")
    assert code == 2 and not out
    assert "worker.interface = 'ib0;id': dask-jobqueue gives it to the scheduler as it is" in err


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
        return  # check rejected the configuration (e.g. more processes than cores): nothing to export
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
    imported = from_keywords({"job_extra_directives": value, **GIVEN})
    assert imported.tables == {"job": {"walltime": "01:00:00"}, "worker": {"cores": 1, "memory": "1GB"}}
    assert (value is None) == (not others(imported.notes))


def test_constant_fstrings_are_read_and_placeholders_named(cli: Callable[..., Any], tmp_path: Path) -> None:
    """f'2 G' is a literal; an f-string with a placeholder is refused with the placeholder named."""
    script = tmp_path / "a.py"
    script.write_text('SGECluster(cores=1, memory=f"2 G", walltime="1:00:00", resource_spec=f"h_vmem=4G")\n')
    code, out, _ = cli("import", script)
    assert code == 0 and 'memory = "2 G"' in out and '"h_vmem" = "4G"' in out
    script.write_text('n = 2\nSGECluster(cores=1, memory="2GB", job_extra=["-cwd", f"-pe smp {n}"])\n')
    code, _, err = cli("import", script)
    assert code == 2 and f"{script}:2:65: job_extra= is an f-string with a placeholder ({{n}})" in err


def test_an_ellipsis_is_a_placeholder_to_fill_in(cli: Callable[..., Any], tmp_path: Path) -> None:
    """Tutorials write `queue=...`: import says it is a placeholder instead of leaving the queue out."""
    script = tmp_path / "a.py"
    script.write_text('SGECluster(cores=1, memory="1GB", queue=...)\n')
    code, _, err = cli("import", script)
    assert code == 2 and f"{script}:1:41: queue=... is a placeholder to fill in; write the value out" in err
