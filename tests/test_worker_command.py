"""`worker.command`: another program or a wrapper starts the workers; quoted, checked, imported and exported."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path

import pytest

from sgecompile.convert.exporting import ExportProblem, to_keywords
from sgecompile.convert.importing import from_keywords, toml_text
from sgecompile.explain import as_json, explain
from sgecompile.pipeline import Result, compile_file
from sgecompile.rendering import render

from .test_convert_roundtrip import ours, same_job, theirs

W = '[site]\npe = "threaded"\n[job]\nwalltime = 3600\n[worker]\ncores = 4\nprocesses = 2\nmemory = "8GB"\n'
WRAPPER = '["singularity", "exec", "my image.sif", "python", "-m", "distributed.cli.dask_worker"]'


def _line(result: Result) -> list[str]:
    """The words bash makes of the worker's line of the rendered script."""
    assert result.plan is not None, result.diagnostics
    return shlex.split(render(result.plan).rstrip().splitlines()[-1])


def _codes(result: Result) -> set[str]:
    return {d.code for d in result.diagnostics}


def test_a_module_runs_under_worker_python_without_dask_workers_own_flags(compiled: Callable[..., Result]) -> None:
    """["-m", MODULE] is `python -m MODULE`; like dask-jobqueue, no --nworkers or --nanny, and no --lifetime."""
    result = compiled(f'{W}python = "/opt/py/bin/python"\ncommand = ["-m", "dask_cuda.cli.dask_cuda_worker"]\n')
    words = _line(result)
    assert words[:4] == ["/opt/py/bin/python", "-m", "dask_cuda.cli.dask_cuda_worker", "tcp://SCHEDULER-ADDRESS:8786"]
    assert not {"--nworkers", "--nanny", "--lifetime"} & set(words)
    assert {"--nthreads", "--memory-limit", "--death-timeout"} <= set(words)


def test_a_wrapper_is_quoted_word_by_word_and_keeps_dask_workers_flags(compiled: Callable[..., Result]) -> None:
    """A wrapper around distributed's worker: "my image.sif" stays one word, and --nworkers, --nanny, --lifetime stay."""
    result = compiled(f"{W}command = {WRAPPER}\n")
    words = _line(result)
    assert words[:6] == ["singularity", "exec", "my image.sif", "python", "-m", "distributed.cli.dask_worker"]
    assert {"--nworkers", "--nanny", "--lifetime"} <= set(words)
    assert _codes(result) == set()


@pytest.mark.parametrize("start", ['["dask-worker"]', '["/opt/bin/dask", "worker"]'])
def test_distributeds_scripts_are_its_worker_too(compiled: Callable[..., Result], start: str) -> None:
    """`dask-worker` and `dask worker` are distributed's worker: they get --nanny and --lifetime."""
    assert {"--nanny", "--lifetime"} <= set(_line(compiled(f"{W}command = {start}\n")))


@pytest.mark.parametrize(
    ("command", "column", "why"),
    [
        ('["-m"]', 11, "gives -m but no module"),
        ('["-m", " "]', 11, "gives -m but no module"),
        ('["if", "x"]', 12, "'if': bash reads it as its own keyword"),
        ('["", "dask-worker"]', 12, "'': it is empty"),
        ('["OMP_NUM_THREADS=1"]', 12, "it is the last word"),
        ('["time", "%1"]', 20, "bash reads a leading % as a job"),
        ('["-x"]', 12, "'-x': it is an option, and bash finds no program of that name"),
        ('["OMP_NUM_THREADS=1", "-u", "dask-worker"]', 33, "'-u': it is an option"),
    ],
)
def test_a_command_that_cannot_start_is_sge606_at_its_word(
    compiled: Callable[..., Result], command: str, column: int, why: str
) -> None:
    """An error with the line and column of the word: no worker would ever start."""
    result = compiled(f"{W}command = {command}\n")
    found = [d for d in result.diagnostics if d.code == "SGE606"]
    assert len(found) == 1 and why in found[0].message and not result.ok
    assert (found[0].location.line, found[0].location.column) == (9, column)


def test_an_option_first_gets_a_command_with_a_program_before_it(compiled: Callable[..., Result]) -> None:
    """Only `-m` runs after worker.python; `-u` first is looked up as a program, and the hint puts one before it."""
    result = compiled(f'{W}command = ["-u", "-m", "distributed.cli.dask_worker"]\n')
    (found,) = [d for d in result.diagnostics if d.code == "SGE606"]
    assert found.hint and 'command = ["python3", "-u", "-m", "distributed.cli.dask_worker"]' in found.hint


@pytest.mark.parametrize("command", ['["time", "-p", "dask-worker"]', '["time", "-p", "--", "dask-worker"]'])
def test_the_options_of_bashs_time_are_no_program_wanted(compiled: Callable[..., Result], command: str) -> None:
    """`time -p --` are the keyword's own options: the program is the word after them, and there is one."""
    assert "SGE606" not in _codes(compiled(f"{W}command = {command}\n"))


def test_another_program_with_what_only_dask_worker_gets_is_sge607(compiled: Callable[..., Result]) -> None:
    """processes = 2, nanny = false and a walltime, for dask-cuda-worker: each named in the warning."""
    result = compiled(f'{W}nanny = false\ncommand = ["dask-cuda-worker"]\n')
    (found,) = [d.message for d in result.diagnostics if d.code == "SGE607"]
    assert "processes = 2 (no --nworkers)" in found and "nanny = false" in found and "h_rt" in found
    assert result.plan is not None
    assert as_json(explain(result.plan))["worker_lifetime"]["text"] == (
        "none: worker.command is not distributed's worker (SGE607)"
    )


def test_a_lifetime_of_its_own_is_kept_for_another_program(compiled: Callable[..., Result]) -> None:
    """--lifetime in extra_args is the way to retire another program: given, and no SGE607 about the walltime."""
    result = compiled(
        '[job]\nwalltime = 3600\n[worker]\ncores = 1\nmemory = "8GB"\ncommand = ["dask-cuda-worker"]\n'
        'extra_args = ["--lifetime", "55m"]\n'
    )
    assert "SGE607" not in _codes(result) and "55m" in _line(result)


def test_a_command_option_the_profile_sets_is_sge408(compiled: Callable[..., Result]) -> None:
    """--nthreads in worker.command comes before sgecompile's, which dask uses: warned at its word."""
    result = compiled(f'{W}command = ["-m", "distributed.cli.dask_worker", "--nthreads=8"]\n')
    (found,) = [d for d in result.diagnostics if d.code == "SGE408"]
    assert "worker.command gives --nthreads 8, before the worker command's --nthreads 2" in found.message
    assert found.location.column == 49


@pytest.mark.parametrize(
    "command",
    [
        '["-m", "dask_cuda.cli.dask_cuda_worker"]',
        WRAPPER,
        '["singularity", "exec", "img.sif", "python", "-m", "dask_cuda.cli.dask_cuda_worker"]',
    ],
)
def test_exported_dask_jobqueue_starts_the_same_worker(
    compiled: Callable[..., Result], command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """dask-jobqueue's job_script of the exported keywords runs the same worker, and importing them back renders the same."""
    monkeypatch.chdir(tmp_path)
    result = compiled(f'{W}python = "/opt/py/bin/python"\ncommand = {command}\n')
    assert result.plan is not None
    exported = to_keywords(result.plan)
    same_job(ours(result), theirs(exported))  # the same start of the worker, the same options
    again = tmp_path / "again.toml"
    again.write_text(toml_text(from_keywords(exported), "export"), encoding="utf-8")
    second = compile_file(again)
    assert second.plan is not None and render(second.plan) == render(result.plan)


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ('["dask-cuda-worker"]', "this command has no -m"),
        ('["-m", "distributed.cli.dask_worker", "--no-dashboard"]', "the two workers would differ"),
    ],
)
def test_what_dask_jobqueue_cannot_start_is_said_on_export(
    compiled: Callable[..., Result], command: str, said: str
) -> None:
    """dask-jobqueue writes `PYTHON -m MODULE`, and --nanny for its default module alone: other commands are refused."""
    result = compiled(f"{W}command = {command}\n")
    assert result.plan is not None
    with pytest.raises(ExportProblem, match=said):
        to_keywords(result.plan)


def test_import_keeps_worker_command_and_a_python_of_several_words() -> None:
    """worker_command is command = ["-m", MODULE]; python of several words makes the whole start the command."""
    module = from_keywords({"cores": 1, "memory": "1GB", "worker_command": "dask_cuda.cli.dask_cuda_worker"})
    assert module.tables["worker"]["command"] == ["-m", "dask_cuda.cli.dask_cuda_worker"]
    wrapped = from_keywords({"cores": 1, "memory": "1GB", "python": "singularity exec 'a b.sif' python"})
    assert wrapped.tables["worker"]["command"] == [
        "singularity",
        "exec",
        "a b.sif",
        "python",
        "-m",
        "distributed.cli.dask_worker",
    ]
    assert "python" not in wrapped.tables["worker"]
    assert any("imported as command = " in n for n in wrapped.notes)


def test_import_of_another_program_says_nothing_of_retiring() -> None:
    """No lifetime is given to dask-cuda-worker, so import does not say the workers now retire."""
    imported = from_keywords(
        {"cores": 1, "memory": "1GB", "walltime": "01:00:00", "worker_command": "dask_cuda.cli.dask_cuda_worker"}
    )
    assert not any("retire" in n for n in imported.notes)
