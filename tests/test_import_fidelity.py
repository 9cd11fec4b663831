"""Import keeps what dask-jobqueue's job did, and check does not refuse a job that runs (issue 17's review)."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import pytest

from sgecompile import directives as dirs
from sgecompile.convert.importing import NO_CHANGE, from_keywords
from sgecompile.diagnostics import Severity
from sgecompile.pipeline import compile_file
from sgecompile.rendering import render

from .test_convert_roundtrip import _in_seconds, imported

BASE: dict[str, Any] = {"cores": 1, "memory": "1GB"}


def errors(kwargs: dict[str, Any], folder: Path) -> set[str]:
    """The error codes check gives the imported profile."""
    return {d.code for d in imported(kwargs, folder).diagnostics if d.severity is Severity.ERROR}


@pytest.mark.parametrize(
    ("extra", "walltime"),
    [
        ({"job_extra_directives": ["-l h_rt=7200"]}, "7200"),  # qstat -j on the test cell: h_rt=7200
        ({"resource_spec": "h_vmem=1G,h_rt=3600"}, "00:30:00"),  # qstat -j on the test cell: h_rt=1800
        ({"walltime": "01:00:00", "job_extra_directives": ["-l h_rt=60,h_vmem=2G"]}, "60"),
    ],
)
def test_the_walltime_sge_keeps_is_imported(extra: dict[str, Any], walltime: str, tmp_path: Path) -> None:
    """Of several h_rt in dask-jobqueue's header, the last one is job.walltime, and check refuses nothing."""
    result = from_keywords({**BASE, **extra})
    assert result.tables["job"]["walltime"] == walltime
    assert "h_rt" not in result.tables["job"].get("resources", {})
    assert not any("h_rt" in d for d in result.tables["job"].get("directives", []))
    assert not any("written" in n for n in result.notes)  # no default walltime written, then replaced
    assert errors({**BASE, **extra}, tmp_path) == set()


def test_walltime_null_in_yaml_asks_for_none_and_none_in_a_call_for_the_default() -> None:
    """`walltime: null` makes dask-jobqueue write no h_rt; walltime=None in a call reads its default, 00:30:00."""
    assert "walltime" not in from_keywords({**BASE, "walltime": None}, yaml=True).tables.get("job", {})
    assert from_keywords({**BASE, "walltime": None}).tables["job"]["walltime"] == "00:30:00"


def test_a_skipped_walltime_line_writes_no_walltime_and_no_contradiction() -> None:
    """header_skip of `-l h_rt` gives no walltime, and no note that one was written."""
    result = from_keywords({**BASE, "header_skip": ["-l h_rt"]})
    assert "walltime" not in result.tables.get("job", {})
    assert not any("00:30:00 written" in n or "walltime = " in n for n in result.notes)


def test_a_shell_option_becomes_the_profile_shell(tmp_path: Path) -> None:
    """`-S /bin/sh` in job_extra_directives is site.shell, noted, with no SGE502."""
    kwargs = {**BASE, "job_extra_directives": ["-S /bin/sh"]}
    result = from_keywords(kwargs)
    assert result.tables["site"]["shell"] == "/bin/sh" and "directives" not in result.tables["job"]
    assert any("-S /bin/sh" in n for n in result.notes)
    assert errors(kwargs, tmp_path) == set()


@pytest.mark.parametrize(
    ("extra", "given"),
    [
        (["--nworkers", "2"], "--nworkers 1 (dask's default)"),
        (["--nthreads", "4"], "--nthreads 1"),
        (["--memory-limit=2GB"], "--memory-limit 1000000000"),
    ],
)
def test_a_worker_flag_given_again_is_a_warning_with_both_values(extra: list[str], given: str, tmp_path: Path) -> None:
    """dask worker runs with the last value: SGE408 warns, naming the command's value and the one used."""
    found = [d for d in imported({**BASE, "worker_extra_args": extra}, tmp_path).diagnostics if d.code == "SGE408"]
    assert [d.severity for d in found] == [Severity.WARNING]
    assert given in found[0].message and f"{extra[0].split('=')[0]} {extra[-1].split('=')[-1]}" in found[0].message


def test_an_interface_flag_after_the_interface_keyword_is_kept_and_warned(tmp_path: Path) -> None:
    """interface="eth0" with extra --interface ib0: the worker ran on ib0; kept as given, a warning, no error."""
    kwargs = {**BASE, "interface": "eth0", "extra": ["--interface", "ib0"]}
    result = imported(kwargs, tmp_path)
    assert result.plan is not None and "--interface ib0" in render(result.plan).splitlines()[-1].replace("'", "")
    assert {d.code: d.severity for d in result.diagnostics}.get("SGE408") is Severity.WARNING


def test_mem_free_is_counted_once_per_job(tmp_path: Path) -> None:
    """mem_free is a host's load value: import counts it per job, and check finds no 16G reservation."""
    kwargs = {
        **BASE,
        "cores": 2,
        "memory": "8GB",
        "resource_spec": "mem_free=8G",
        "job_extra_directives": ["-pe smp 2"],
    }
    result = from_keywords(kwargs)
    assert result.tables["site"]["memory_per"] == "job"
    assert not any("per slot" in n for n in result.notes)
    assert "SGE302" not in {d.code for d in imported(kwargs, tmp_path).diagnostics}


def test_an_inferred_load_value_is_not_multiplied_by_the_slots(tmp_path: Path) -> None:
    """With no site.memory_resource, a mem_free request in a pe job counts once (plan.per_slot)."""
    path = tmp_path / "p.toml"
    path.write_text(
        '[site]\npe = "smp"\n[job]\nresources = { mem_free = "8G" }\n[worker]\ncores = 2\nmemory = "8GB"\n',
        encoding="utf-8",
    )
    plan = compile_file(path).plan
    assert plan is not None and plan.memory_assumed and not plan.per_slot


def test_python_with_an_option_keeps_its_option() -> None:
    """python="/opt/conda/bin/python -u" is the start of the worker command, -u kept, with a note."""
    result = from_keywords({**BASE, "python": "/opt/conda/bin/python -u"})
    assert result.tables["worker"]["command"] == ["/opt/conda/bin/python", "-u", "-m", "distributed.cli.dask_worker"]
    assert any("is 2 words" in n and "imported as command" in n for n in result.notes)


def test_python_sys_executable_is_read_as_the_default(tmp_path: Path) -> None:
    """python=sys.executable imports (python left unset, noted) where it stopped the whole import."""
    from sgecompile.convert.reading import keywords_in_python

    path = tmp_path / "c.py"
    path.write_text("import sys\nSGECluster(cores=1, memory='1GB', python=sys.executable)\n", encoding="utf-8")
    result = from_keywords(keywords_in_python(path))
    assert "python" not in result.tables["worker"]
    assert any("sys.executable: dask-jobqueue's own default" in n for n in result.notes)


@pytest.mark.parametrize(
    ("n_workers", "processes", "jobs", "noted"), [(4, 2, 2, False), (3, 2, 2, True), (0, 1, None, False)]
)
def test_n_workers_is_jobs_of_processes_workers(n_workers: int, processes: int, jobs: int | None, noted: bool) -> None:
    """n_workers counts workers: dask-jobqueue starts ceil(n / processes) jobs, noted when that is more workers."""
    result = from_keywords({**BASE, "n_workers": n_workers, "processes": processes})
    assert result.tables["worker"].get("jobs") == jobs
    assert any("n_workers" in n for n in result.notes) == noted


def test_dask_jobqueue_defaults_make_no_note() -> None:
    """silence_logs, config_name and asynchronous at dask-jobqueue's values say nothing; NO_CHANGE is its defaults."""
    sge = pytest.importorskip("dask_jobqueue.sge")
    import dask

    defaults = inspect.signature(sge.JobQueueCluster.__init__).parameters
    assert {k: defaults[k].default for k in ("silence_logs", "asynchronous")} == {
        k: NO_CHANGE[k] for k in ("silence_logs", "asynchronous")
    }
    assert NO_CHANGE["config_name"] == sge.SGEJob.config_name
    assert NO_CHANGE["worker_command"] == dask.config.get("jobqueue.sge.worker-command")
    result = from_keywords({**BASE, "walltime": "1:00:00", **{k: v for k, v in NO_CHANGE.items()}})
    assert [n.partition(": the workers")[0] for n in result.notes] == ['walltime = "1:00:00"']  # now retire


def test_a_space_in_resource_spec_is_noted_as_refused_by_qsub() -> None:
    """qsub refuses dask-jobqueue's `-l h_vmem=2G, mem_free=1G` (tried on the test cell): the note says so."""
    result = from_keywords({**BASE, "resource_spec": "h_vmem=2G, mem_free=1G"})
    assert any("qsub refuses" in n and "never ran" in n for n in result.notes)


def test_a_prologue_directive_is_a_warning(tmp_path: Path) -> None:
    """SGE603: qsub accepts a #$ line in the prologue, so check warns that it is unchecked rather than refusing."""
    path = tmp_path / "p.toml"
    path.write_text('[job]\nprologue = ["#$ -l h_vmem=2G"]\n[worker]\ncores = 1\nmemory = "1GB"\n', encoding="utf-8")
    found = {d.code: d.severity for d in compile_file(path).diagnostics}
    assert found.get("SGE603") is Severity.WARNING


def test_no_walltime_does_not_claim_what_dask_jobqueue_would_ask(tmp_path: Path) -> None:
    """SGE204 says the queue's limit applies, not that dask-jobqueue would have asked for 00:30:00 (a skip may remove it)."""
    found = [d for d in imported({**BASE, "header_skip": ["-l h_rt"]}, tmp_path).diagnostics if d.code == "SGE204"]
    assert found and "00:30:00" not in found[0].message


def test_n_workers_imports_as_worker_jobs_that_render(tmp_path: Path) -> None:
    """n_workers=6 with processes=2 is worker.jobs = 3, a profile check accepts (it was job.jobs, refused)."""
    kwargs = {**BASE, "cores": 4, "processes": 2, "n_workers": 6}
    assert from_keywords(kwargs).tables["worker"]["jobs"] == 3
    assert errors(kwargs, tmp_path) == set()


def test_what_dask_jobqueue_reads_from_keywords_only_is_left_out_of_a_yaml_import() -> None:
    """nanny, security and n-workers in jobqueue.yaml never reached the job: left out, each with a note."""
    result = from_keywords({**BASE, "nanny": False, "security": True, "n-workers": 4}, yaml=True)
    assert not {"nanny", "security", "jobs"} & set(result.tables.get("worker", {}))
    for name in ("nanny", "security", "n_workers"):
        assert any(f"takes {name} as a keyword argument only" in n for n in result.notes), name


def sge_kept(script: str) -> dict[tuple[str, ...], Any]:
    """What SGE makes of a script's `#$` lines, read in order (qstat -j on the test cell): the last -N, -P, -j,
    -o, -e and amount of each -l resource; every -q (a second adds a queue). No -j is -j n; -S and an -e while
    -j y joins output are left out, as the README's differences allow; h_rt in seconds."""
    found: dict[tuple[str, ...], Any] = {}
    for line in script.splitlines():
        for d in dirs.parse(line.removeprefix("#$ "), ()) if line.startswith("#$ ") else []:
            if d.option == "-l":
                found["-l", d.resource, d.scope] = _in_seconds(d.args)
            elif dirs.OPTIONS[d.option].accumulates:
                found.setdefault((d.option, d.scope), set()).add(d.args)
            elif d.option in ("-cwd", "-wd"):  # one working directory: -cwd is the submit directory's
                found["-wd",] = d.args or ("(the submit directory)",)
            elif d.option not in ("-S", *dirs.SCOPE_SWITCHES):
                found[(d.option,)] = d.args
    found["-j",] = dirs.yes_or_no(found.get(("-j",), ("n",))[0])  # no -j is -j n
    if found["-j",]:
        found.pop(("-e",), None)
    return found


@pytest.mark.parametrize(
    "extra",
    [
        {"job_extra_directives": ["-j n"]},
        {"job_extra_directives": ["-j n", "-j y"], "log_directory": "logs"},
        {"job_extra_directives": ["-N myjob"]},
        {"job_name": "first", "job_extra_directives": ["-N second"], "job_directives_skip": ["-N"]},
        {"project": "a", "job_extra_directives": ["-P b"]},
        {"queue": "all.q", "resource_spec": "h_vmem=2G", "job_extra_directives": ["-q long.q", "-l h_vmem=4G"]},
        {"job_extra_directives": ["-l h_rt=24:00:00 -l h_vmem=3G"]},
        {"walltime": "01:00:00", "job_extra_directives": ["-m ea -l h_rt=600,mem_free=1G"]},
        {"job_extra_directives": ["-l h_vmem=1G", "-m ea -l h_vmem=3G"]},
        {"job_extra_directives": ["-wd /scratch"]},  # qstat -j on the test cell: the last of -cwd and -wd
    ],
)
def test_an_extra_directive_that_asks_again_imports_as_what_sge_kept(extra: dict[str, Any], tmp_path: Path) -> None:
    """dask-jobqueue's extra directives come after its own lines and SGE keeps the last -N, -P, -j and amount
    of each resource: the imported profile asks SGE for what the job ran with, and check refuses nothing."""
    from .test_convert_roundtrip import ours, theirs

    kwargs = {**BASE, **extra}
    result = imported(kwargs, tmp_path)
    assert {d.code for d in result.diagnostics if d.severity is Severity.ERROR} == set()
    assert sge_kept(ours(result)) == sge_kept(theirs(kwargs))


def test_a_shebang_with_arguments_keeps_its_program_and_says_what_went(tmp_path: Path) -> None:
    """`#!/bin/bash -l` is site.shell = /bin/bash (one word, also -S): render accepts it, and the note names -l."""
    kwargs = {**BASE, "shebang": "#!/bin/bash -l"}
    result = from_keywords(kwargs, yaml=True)
    assert result.tables["site"]["shell"] == "/bin/bash"
    assert any("without -l" in n and "shell_start_mode" in n for n in result.notes)
    assert errors(kwargs, tmp_path) == set()


@pytest.mark.parametrize(("key", "said"), [("name", 'skip = ["-N"]'), ("death-timeout", "waits for a scheduler")])
def test_a_yaml_null_that_writes_nothing_is_noted(key: str, said: str) -> None:
    """`name: null` (no -N) and `death-timeout: null` (no flag) differ from a profile's defaults: each noted."""
    assert any(n.startswith(f"{key} = null") and said in n for n in from_keywords({**BASE, key: None}, yaml=True).notes)
    assert not any("null" in n for n in from_keywords({**BASE, key.replace("-", "_"): None}).notes)  # a call's default


@pytest.mark.parametrize(("given", "seconds"), [("90", 90), ("2m", 120), ("1 hour", 3600)])
def test_a_death_timeout_in_words_is_seconds(given: str, seconds: int, tmp_path: Path) -> None:
    """dask reads death_timeout as a duration: the profile holds its seconds, which check accepts."""
    kwargs = {**BASE, "death_timeout": given}
    assert from_keywords(kwargs).tables["worker"]["death_timeout"] == seconds
    assert errors(kwargs, tmp_path) == set()


def test_a_skip_given_as_text_removes_what_its_characters_remove(tmp_path: Path) -> None:
    """dask-jobqueue makes set('-j y') of it: every line of its own holding '-' goes, which the profile follows."""
    from .test_convert_roundtrip import ours, theirs

    kwargs = {**BASE, "walltime": "01:00:00", "job_directives_skip": "-j y"}
    result = imported(kwargs, tmp_path)
    assert any("is a text, not a list" in n for n in from_keywords(kwargs).notes)
    assert not [line for line in theirs(kwargs).splitlines() if line.startswith("#$")]
    assert sge_kept(ours(result)) == sge_kept(theirs(kwargs))


@pytest.mark.parametrize("margin", [300, 400])
def test_exported_lifetime_flags_import_back_as_the_margin(margin: int, tmp_path: Path) -> None:
    """export writes the derived --lifetime and --lifetime-stagger; importing them gives the margin back, not
    flags that would retire the workers at the old walltime once it changes."""
    from sgecompile.convert.exporting import to_keywords

    path = tmp_path / "p.toml"
    path.write_text(f'[job]\nwalltime = "4:00:00"\n[worker]\ncores = 1\nmemory = "1GB"\nlifetime_margin = {margin}\n')
    plan = compile_file(path).plan
    assert plan is not None
    back = from_keywords(to_keywords(plan))
    assert "extra_args" not in back.tables["worker"]
    assert back.tables["worker"].get("lifetime_margin", 300) == margin
    assert any("imported as that margin" in n for n in back.notes)
