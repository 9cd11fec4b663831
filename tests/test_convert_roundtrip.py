"""import and export against dask-jobqueue's own header: skip texts, extra directives, old and new names, shebangs.

Each exported profile must make ``SGEJob(...).job_script()`` ask SGE for what
``render`` asks for, and each imported configuration must render what
dask-jobqueue writes for it. Headers are compared as the requests SGE reads
(``-soft`` and ``-hard`` included), after the README's deliberate differences.
"""

from __future__ import annotations

import re
import shlex
import warnings
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from dask.utils import parse_bytes
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sgecompile import directives as dirs
from sgecompile.convert import exporting
from sgecompile.convert.exporting import ExportProblem, to_keywords
from sgecompile.convert.importing import from_keywords, toml_text
from sgecompile.models import runs_dask_worker
from sgecompile.pipeline import Result, compile_file
from sgecompile.rendering import render
from sgecompile.tomltext import toml_value
from sgecompile.units import parse_sge_time

sge = pytest.importorskip("dask_jobqueue.sge")

SCHEDULER = "tcp://10.1.2.3:8786"
Request = tuple[str, tuple[str, ...], str]


def requests(script: str) -> Counter[Request]:
    """What a script's ``#$`` lines ask of SGE, in SGE's reading: (option, arguments, hard or soft).

    The README's deliberate differences are normalised: one ``-l`` per
    resource (the parser splits them), walltime in seconds, no ``-S``, and no
    ``-e`` while ``-j y`` joins output.
    """
    found: list[dirs.Directive] = []
    for line in script.splitlines():
        if line.startswith("#$ "):
            found += dirs.parse(line.removeprefix("#$ "), ())
    joined = any(d.option == "-j" and d.args == ("y",) for d in found)
    return Counter(
        (d.option, _in_seconds(d.args), d.scope)
        for d in found
        if d.option not in ("-S", *dirs.SCOPE_SWITCHES) and not (joined and d.option == "-e")
    )


def _in_seconds(args: tuple[str, ...]) -> tuple[str, ...]:
    name, _, value = args[0].partition("=") if args else ("", "", "")
    return (f"h_rt={parse_sge_time(value).seconds}",) if name == "h_rt" else args


def theirs(kwargs: dict[str, Any]) -> str:
    """dask-jobqueue's script for ``SGECluster(**kwargs)``, with its default configuration (walltime 00:30:00)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # the old keyword names
        return str(sge.SGEJob(scheduler=SCHEDULER, name="dummy-name", **kwargs).job_script())


def ours(result: Result) -> str:
    assert result.plan is not None, result.diagnostics
    return render(result.plan, scheduler=(SCHEDULER,), worker_name="dummy-name")


VALUED_OPTIONS = (
    "--nthreads",
    "--nworkers",
    "--memory-limit",
    "--name",
    "--death-timeout",
    "--local-directory",
    "--interface",
    "--lifetime",
    "--lifetime-stagger",
)


def worker_call(script: str) -> tuple[dict[str, str], list[str]]:
    """The worker's options (the last of each, as `dask worker` takes them) and its other words, from the script's last line."""
    words = shlex.split(script.rstrip().splitlines()[-1])
    at = next(i for i, word in enumerate(words) if word.startswith("tcp://"))  # the scheduler
    options, others, rest = {"start": " ".join(words[:at])}, [], words[at + 1 :]  # python -m MODULE, or a wrapper
    while rest:
        word = rest.pop(0)
        if word in VALUED_OPTIONS:
            options[word] = rest.pop(0)
        elif word in ("--nanny", "--no-nanny"):
            options["nanny"] = word
        else:
            others.append(word)
    return options, others


def prologue(script: str) -> list[str]:
    """The script's lines that are neither header nor worker command: what runs before the worker."""
    lines = [line for line in script.strip().splitlines()[:-1] if line.strip()]
    return [line for line in lines if not line.startswith("#")]


def same_job(first: str, second: str) -> None:
    """Two scripts ask SGE for the same, start the same worker (memory within dask-jobqueue's rounding), run the same prologue.

    As the README's differences allow: an option asked twice is written once,
    and a log folder given with its "/" gets no second one.
    """
    assert _folders(set(requests(first))) == _folders(set(requests(second)))
    (options, others), (their_options, their_others) = worker_call(first), worker_call(second)
    limit, their_limit = parse_bytes(options.pop("--memory-limit")), parse_bytes(their_options.pop("--memory-limit"))
    assert abs(limit - their_limit) <= 0.01 * their_limit
    _retirement_added(first, options, their_options)
    assert options == their_options and others == their_others
    assert prologue(first) == prologue(second)


def _retirement_added(ours: str, options: dict[str, str], their_options: dict[str, str]) -> None:
    """The README's difference: with a walltime W, sgecompile's workers get `--lifetime (W - 300)s` and
    `--lifetime-stagger 150s` (the default margin) where the configuration gave none, if W is over 450 s
    and the worker is distributed's; checked, then taken out."""
    if "--lifetime" in their_options or "--lifetime-stagger" in their_options:
        return
    walltimes = [int(args[0][5:]) for option, args, _ in requests(ours) if args[:1] and args[0].startswith("h_rt=")]
    dask_worker = runs_dask_worker(options["start"].split())  # another program is given no lifetime
    expected = [f"{walltimes[0] - 300}s", "150s"] if walltimes and walltimes[0] > 450 and dask_worker else []
    assert [options.pop(flag) for flag in ("--lifetime", "--lifetime-stagger") if flag in options] == expected


def _folders(found: set[Any]) -> set[Any]:
    return {(option, tuple(re.sub("/+$", "/", a) for a in args), scope) for option, args, scope in found}


def imported(kwargs: dict[str, Any], folder: Path, name: str = "imported.toml") -> Result:
    path = folder / name
    path.write_text(toml_text(from_keywords(kwargs), "test"), encoding="utf-8")
    return compile_file(path)


def written(tables: dict[str, dict[str, Any]], folder: Path) -> Result:
    path = folder / "profile.toml"
    text = "".join(
        f"[{name}]\n" + "".join(f"{k} = {toml_value(v)}\n" for k, v in table.items()) for name, table in tables.items()
    )
    path.write_text(text, encoding="utf-8")
    return compile_file(path)


# --- export: the same requests as render ------------------------------------------------------------------------


def test_export_keeps_written_directives_and_their_scope(tmp_path: Path) -> None:
    """-q, -P and -o written in job.directives reach dask-jobqueue as written, and a soft request stays soft."""
    directives = ["-q big.q", "-P proj", "-o /tmp/out/", "-soft -l arch=x86 -hard", "-m ea"]
    result = written(
        {"job": {"walltime": 3600, "directives": directives}, "worker": {"cores": 1, "memory": "1GB"}}, tmp_path
    )
    exported = to_keywords(result.plan) if result.plan else {}
    assert exported["job_extra_directives"] == ["-S /bin/bash", *directives]
    assert "resource_spec" not in exported
    assert requests(theirs(exported)) == requests(ours(result))
    assert ("-l", ("arch=x86",), "soft") in requests(theirs(exported))


def test_export_skips_what_render_skips(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """job.skip becomes job_directives_skip texts that remove exactly the lines render leaves out."""
    monkeypatch.chdir(tmp_path)  # dask-jobqueue makes the log directory
    result = written(
        {
            "site": {"pe": "smp"},
            "job": {"walltime": 3600, "log_directory": "logs", "skip": ["-l", "-N", "-j", "-cwd", "-o"]},
            "worker": {"cores": 2, "memory": "2GB"},
        },
        tmp_path,
    )
    exported = to_keywords(result.plan) if result.plan else {}
    assert exported["job_directives_skip"] == ["-N", "-l h_rt", "-cwd", "-j y"]
    assert requests(theirs(exported)) == requests(ours(result)) == Counter({("-pe", ("smp", "2"), "hard"): 1})


def test_export_of_a_profile_without_walltime_skips_dask_jobqueues_default(tmp_path: Path) -> None:
    result = written({"worker": {"cores": 1, "memory": "1GB"}}, tmp_path)
    exported = to_keywords(result.plan) if result.plan else {}
    assert exported["job_directives_skip"] == ["-l h_rt"]
    assert "h_rt" not in theirs(exported)


def test_export_falls_back_to_the_whole_line_when_the_option_is_in_a_line_to_keep(tmp_path: Path) -> None:
    """A queue named after -cwd would lose its line to the skip text "-cwd": the whole line is skipped instead."""
    result = written({"job": {"queue": "x-cwd", "cwd": False}, "worker": {"cores": 1, "memory": "1GB"}}, tmp_path)
    exported = to_keywords(result.plan) if result.plan else {}
    assert "#$ -cwd" in exported["job_directives_skip"]
    assert requests(theirs(exported)) == requests(ours(result))


def test_export_refuses_a_line_no_skip_text_can_remove_alone() -> None:
    """A line to skip that a line to keep holds whole cannot be skipped alone (check refuses the `#` it takes)."""
    lines = {"-N": "#$ -N a#$ -cwd", "-cwd": "#$ -cwd"}
    with pytest.raises(ExportProblem, match="every text that removes it also removes `#\\$ -N a#\\$ -cwd`"):
        exporting._skip_texts(lines, ["-cwd"])


QUEUE = "big.q"
DIRECTIVES = [
    f"-q {QUEUE}",
    "-P proj",
    "-o logs/",
    "-e logs/",
    "-soft -l arch=x86 -hard",
    "-soft -q fast.q",
    "-m ea",
    "-l h_rt=3600",
    "-l scratch=1G,gpu=1",
    "-l h_vmem=1G",
    "-j y",
    "-cwd",
    "-V",
    "-r y",
]
SKIPS = ["-N", "-l", "-j", "-cwd", "-o", "-e", "-q", "-P", "-soft", "-hard", "-V", "-m", "-S", "-pe"]


def _maybe(value: Any) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), st.just(value))


@st.composite
def profiles(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """Profiles whose structured keys and job.directives overlap (same values), with skips of either."""
    site = {"pe": draw(_maybe("smp")), "memory_resource": draw(_maybe("h_vmem"))}
    job = {
        "name": draw(_maybe("sim")),
        "queue": draw(_maybe(QUEUE)),
        "project": draw(_maybe("proj")),
        "walltime": draw(_maybe(3600)),
        "resources": draw(_maybe({"mem_free": "2G"})),
        "log_directory": draw(st.sampled_from([None, "logs", "logs/"])),
        "cwd": draw(st.booleans()),
        "join_output": draw(st.booleans()),
        "export_env": draw(st.booleans()),
        "directives": draw(st.lists(st.sampled_from(DIRECTIVES), unique=True, max_size=4)),
        "skip": draw(st.lists(st.sampled_from(SKIPS), unique=True, max_size=4)),
    }
    return {
        "site": {k: v for k, v in site.items() if v is not None},
        "job": {k: v for k, v in job.items() if v is not None},
        "worker": {"cores": 2, "memory": "2GB"},
    }


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(tables=profiles())
def test_exported_keywords_ask_for_what_render_asks_for(
    tables: dict[str, dict[str, Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the structured keys, job.directives and job.skip: dask-jobqueue's header asks for the same, as often."""
    monkeypatch.chdir(tmp_path)
    result = written(tables, tmp_path)
    assume(result.ok)
    assert result.plan is not None
    assert requests(theirs(to_keywords(result.plan))) == requests(ours(result))


def from_config(text: str) -> str:
    """dask-jobqueue's script when its jobqueue.yaml is ``text`` and SGECluster is given no keyword argument."""
    import dask
    import yaml

    section = yaml.safe_load(text)["jobqueue"]["sge"]
    with dask.config.set({"jobqueue.sge": {**dask.config.get("jobqueue.sge"), **section}}):
        return theirs({})


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much, HealthCheck.too_slow],
)
@given(tables=profiles(), nanny=st.booleans())
def test_an_exported_jobqueue_yaml_makes_dask_jobqueue_write_the_same_job(
    tables: dict[str, dict[str, Any]], nanny: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read from configuration alone, as dask-jobqueue reads it (the job's `name`; no `nanny` key): the same job."""
    monkeypatch.chdir(tmp_path)
    tables["worker"]["nanny"] = nanny
    result = written(tables, tmp_path)
    assume(result.ok)
    assert result.plan is not None
    same_job(ours(result), from_config(exporting.yaml_text(to_keywords(result.plan))))


# --- import: what dask-jobqueue's header holds, no more and no less ---------------------------------------------


def test_a_skip_text_removes_only_the_lines_that_contain_it(tmp_path: Path) -> None:
    """'-l h_rt' removes dask-jobqueue's walltime line only: the memory request stays, the walltime goes."""
    kwargs = {
        "cores": 1,
        "memory": "4GB",
        "walltime": "01:00:00",
        "resource_spec": "h_vmem=4G,mem_free=4G",
        "job_directives_skip": ["-l h_rt"],
    }
    result = from_keywords(kwargs)
    assert result.tables["job"] == {"resources": {"h_vmem": "4G", "mem_free": "4G"}}
    assert "job_directives_skip item '-l h_rt' removes `#$ -l h_rt=01:00:00`: imported without job.walltime" in (
        result.notes
    )
    assert set(requests(ours(imported(kwargs, tmp_path)))) == set(requests(theirs(kwargs)))


@pytest.mark.parametrize(
    ("skip", "job", "note"),
    [
        (["-cwd", "-j y"], {"log_directory": "logs", "cwd": False, "join_output": False}, "join_output = false"),
        (["-N"], {"log_directory": "logs", "skip": ["-N"]}, 'imported as skip = ["-N"]'),
        (["logs"], {}, "imported without job.log_directory"),
        (["-o"], {}, "imported without job.log_directory"),  # -e alone says nothing next to -j y
        (["-o", "-j y"], {"log_directory": "logs", "join_output": False, "skip": ["-o"]}, 'imported as skip = ["-o"]'),
        (["nonsense", "-V"], {"log_directory": "logs"}, "removes none of the lines dask-jobqueue writes itself"),
    ],
)
def test_skip_texts_become_the_keys_that_leave_the_same_lines_out(
    skip: list[str], job: dict[str, Any], note: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    kwargs = {"cores": 1, "memory": "1GB", "log_directory": "logs", "job_extra_directives": ["-V"], "walltime": 60}
    result = from_keywords({**kwargs, "job_directives_skip": skip})
    assert {k: v for k, v in result.tables["job"].items() if k not in ("export_env", "walltime")} == job
    assert any(note in n for n in result.notes), result.notes
    assert set(requests(ours(imported({**kwargs, "job_directives_skip": skip}, tmp_path)))) == set(
        requests(theirs({**kwargs, "job_directives_skip": skip}))
    )


def test_a_skip_that_would_also_remove_an_extra_directive_is_not_imported() -> None:
    """dask-jobqueue never skips job_extra_directives; the profile's skip would: keeping the line is the safe side."""
    kwargs = {"job_extra_directives": ["-N sim"], "header_skip": ["-N"]}
    result = from_keywords(kwargs)
    assert "skip" not in result.tables["job"]
    assert (
        "header_skip item '-N' removes `#$ -N dask-worker`: not imported, and the profile writes it:"
        ' skip = ["-N"] would also remove the -N of job_extra_directives, which dask-jobqueue keeps'
    ) in result.notes


import_keywords = st.fixed_dictionaries(
    {"cores": st.just(2), "memory": st.just("2GB")},
    optional={
        "job_name": st.just("sim"),
        "queue": st.just("big.q"),
        "project": st.just("proj"),
        "walltime": st.sampled_from(["01:00:00", "3600"]),
        "resource_spec": st.sampled_from(["h_vmem=4G,mem_free=4G", "arch=x86"]),
        "log_directory": st.just("logs"),
        "job_extra_directives": st.lists(
            st.sampled_from(["-V", "-m ea", "-pe smp 2", "-soft -l arch=x86 -hard", "-S /bin/bash"]),
            unique=True,
            max_size=3,
        ),
        "job_directives_skip": st.lists(
            st.sampled_from(
                ["-l h_rt", "-l", "-N", "-cwd", "-j y", "-e", "-o", "logs", "h_vmem", "-q", "-P", "nonsense", "#$"]
                + ["dask-worker", "sim", "x86", "-V"]
            ),
            unique=True,
            max_size=3,
        ),
        "shebang": st.sampled_from(["#!/usr/bin/env bash", "#!/bin/bash"]),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kwargs=import_keywords)
def test_imported_configuration_renders_dask_jobqueues_header(
    kwargs: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the skip texts remove, the imported profile asks for what dask-jobqueue's script asks for."""
    monkeypatch.chdir(tmp_path)
    result = imported(kwargs, tmp_path)
    assert result.ok, result.diagnostics
    same_job(ours(result), theirs(kwargs))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kwargs=import_keywords)
def test_import_export_import_gives_the_same_profile(
    kwargs: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The profile imported again from the export is the first one: same script, same findings, same export."""
    monkeypatch.chdir(tmp_path)
    first = imported(kwargs, tmp_path, "first.toml")
    assert first.plan is not None
    exported = to_keywords(first.plan)
    second = imported(exported, tmp_path, "second.toml")
    assert second.plan is not None
    assert render(second.plan) == render(first.plan)
    assert {d.code for d in second.diagnostics} == {d.code for d in first.diagnostics}
    assert to_keywords(second.plan) == exported
    assert requests(theirs(exported)) == Counter(requests(ours(first)))


def test_round_trip_keeps_a_skipped_cwd_and_adds_no_shell_directive(tmp_path: Path) -> None:
    first = imported({"cores": 1, "memory": "1GB", "job_directives_skip": ["-cwd"]}, tmp_path, "first.toml")
    assert first.plan is not None
    again = from_keywords(to_keywords(first.plan))
    assert again.tables["job"]["cwd"] is False and "directives" not in again.tables["job"]


# --- old and new keyword names -------------------------------------------------------------------------------------


RENAMED = [
    ("job-extra", "job-extra-directives", ["-m n"], ["-m ea"], ("job", "directives")),
    ("env-extra", "job-script-prologue", ["module load a"], ["module load b"], ("job", "prologue")),
    ("extra", "worker-extra-args", ["--lifetime=1h"], ["--lifetime=2h"], ("worker", "extra_args")),
    ("header-skip", "job-directives-skip", ["-j y"], ["-cwd"], ("job", "cwd")),
]


@pytest.mark.parametrize(("old", "new", "old_value", "new_value", "key"), RENAMED)
@pytest.mark.parametrize("new_first", [True, False])
def test_the_new_name_wins_wherever_it_is_written(
    old: str, new: str, old_value: list[str], new_value: list[str], key: tuple[str, str], new_first: bool
) -> None:
    """dask-jobqueue reads the old name only while the new one is empty, whichever comes last in the file."""
    pairs = [(new, new_value), (old, old_value)]
    section = dict(pairs if new_first else pairs[::-1])
    result = from_keywords({"cores": 1, "memory": "1GB", **section})
    expected = False if key == ("job", "cwd") else new_value
    assert result.tables[key[0]][key[1]] == expected
    assert f"{old} = {old_value!r}: left out: dask-jobqueue ignores it, as {new} (its new name) is set" in result.notes


def test_an_empty_new_name_gives_way_to_the_old_one(tmp_path: Path) -> None:
    kwargs = {"cores": 1, "memory": "1GB", "job_extra_directives": [], "job_extra": ["-m ea"]}
    result = from_keywords(kwargs)
    assert result.tables["job"]["directives"] == ["-m ea"]
    assert any(n.startswith("job_extra_directives = []: left out: it is empty") for n in result.notes)
    assert set(requests(ours(imported(kwargs, tmp_path)))) == set(requests(theirs(kwargs)))


# --- the job's name, and the shell ---------------------------------------------------------------------------------


def test_name_is_the_clusters_in_python_and_the_jobs_in_yaml(cli, tmp_path: Path) -> None:
    """SGECluster(name=...) names the cluster (-N stays dask-worker); jobqueue.yaml's `name` is the job's -N."""
    script = tmp_path / "a.py"
    script.write_text('cluster = SGECluster(cores=1, memory="1GB", name="foo")\n')
    code, out, err = cli("import", str(script))
    assert code == 0 and "\nname = " not in out
    assert "name= is the name of the cluster, not of its jobs (that is job_name=); left out" in err
    config = tmp_path / "jobqueue.yaml"
    config.write_text("jobqueue:\n  sge:\n    cores: 1\n    memory: 1GB\n    name: foo\n    job-name: bar\n")
    code, out, err = cli("import", str(config))
    assert code == 0 and 'name = "foo"' in out and "dask-jobqueue reads no job-name" in err


@pytest.mark.parametrize(
    ("shebang", "shell", "note"),
    [
        ("#!/usr/bin/env bash", None, None),  # dask-jobqueue's default: bash either way, nothing to say
        ("#!/usr/bin/env zsh", None, "left out: site.shell needs an absolute path"),
        ("#!bash", None, "left out: site.shell needs an absolute path"),
        ("#!/bin/zsh", "/bin/zsh", None),
    ],
)
def test_a_shebang_becomes_an_absolute_shell_or_nothing(
    shebang: str, shell: str | None, note: str | None, tmp_path: Path
) -> None:
    result = from_keywords({"cores": 1, "memory": "1GB", "shebang": shebang})
    assert result.tables.get("site", {}).get("shell") == shell
    assert [note in n for n in result.notes if "shebang" in n] == ([] if note is None else [True])
    found = imported({"cores": 1, "memory": "1GB", "shebang": shebang}, tmp_path).diagnostics
    assert "SGE702" not in {d.code for d in found}


def test_an_unclosed_quote_in_an_extra_directive_is_left_for_check(tmp_path: Path) -> None:
    """Import does not crash on a directive qsub cannot read: check reports it (SGE506)."""
    found = imported({"cores": 1, "memory": "1GB", "job_extra_directives": ["-N 'a"]}, tmp_path).diagnostics
    assert "SGE506" in {d.code for d in found}


# --- what import keeps of dask-jobqueue's behaviour -----------------------------------------------------------------


def test_a_call_without_walltime_keeps_dask_jobqueues_30_minutes(tmp_path: Path) -> None:
    """dask-jobqueue asks for h_rt=00:30:00 when no walltime is given: the imported profile asks for it too, and says so."""
    kwargs = {"cores": 1, "memory": "1GB"}
    result = from_keywords(kwargs)
    assert result.tables["job"] == {"walltime": "00:30:00"}
    assert any(n.startswith('walltime = "00:30:00" written: dask-jobqueue asks for it') for n in result.notes)
    assert requests(ours(imported(kwargs, tmp_path))) == requests(theirs(kwargs))


def test_extra_no_nanny_is_imported_as_nanny_false(tmp_path: Path) -> None:
    """dask worker takes the last flag, so extra=['--no-nanny'] ran the worker without a nanny: nanny = false."""
    kwargs = {"cores": 1, "memory": "1GB", "walltime": 60, "extra": ["--no-nanny", "--death-timeout", "30"]}
    result = from_keywords(kwargs)
    assert result.tables["worker"] == {"cores": 1, "memory": "1GB", "nanny": False, "death_timeout": 30}
    assert any("'--no-nanny' is what the worker ran with" in n for n in result.notes)
    compiled = imported(kwargs, tmp_path)
    assert compiled.ok and "SGE408" not in {d.code for d in compiled.diagnostics}
    assert "--no-nanny --death-timeout 30" in ours(compiled)
    # --interface stays the worker's: worker.interface would name the scheduler's interface too
    assert from_keywords({**kwargs, "extra": ["--interface", "ib0"]}).tables["worker"]["extra_args"] == [
        "--interface",
        "ib0",
    ]


def test_directives_in_the_prologue_move_to_job_directives(tmp_path: Path) -> None:
    """`#$` lines in env_extra (a dask-jobqueue workaround) are options qsub reads: imported as directives, same job."""
    kwargs = {
        "cores": 2,
        "memory": "2GB",
        "walltime": 60,
        "env_extra": ["#$ -pe smp 2", "#$ -o /tmp/", "module load x"],
    }
    result = from_keywords(kwargs)
    assert result.tables["site"] == {"pe": "smp"}
    assert result.tables["job"]["directives"] == ["-o /tmp/"] and result.tables["job"]["prologue"] == ["module load x"]
    assert "prologue line '#$ -pe smp 2' is read by qsub as options; moved to job.directives" in result.notes
    compiled = imported(kwargs, tmp_path)
    assert not {"SGE603", "SGE406"} & {d.code for d in compiled.diagnostics}
    assert requests(ours(compiled)) == requests(theirs(kwargs))


def test_empty_and_default_values_get_no_note() -> None:
    """Values that change nothing (empty lists and tables, dask-jobqueue's worker command and shebang) are not noted."""
    kwargs = {
        "cores": 1,
        "memory": "1GB",
        "walltime": 60,
        "job_script_epilogue": [],
        "scheduler_options": {},
        "worker_command": "distributed.cli.dask_worker",
        "shebang": "#!/usr/bin/env bash",
    }
    retire = from_keywords(kwargs).notes
    assert len(retire) == 1 and "too short for worker.lifetime_margin" in retire[0]  # says nothing of the rest
    assert from_keywords({**kwargs, "job_script_epilogue": ["echo done"]}).notes == (
        "job_script_epilogue = ['echo done']: sgecompile has no place for it; left out",
        *retire,
    )


def test_missing_cores_and_memory_name_the_users_own_dask_configuration() -> None:
    """Where SGECluster would read cores and memory from ~/.config/dask/jobqueue.yaml, the note says so."""
    notes = from_keywords({"walltime": 60}).notes
    assert (
        "memory is not given: dask-jobqueue would have read it from jobqueue.sge.memory in ~/.config/dask/jobqueue.yaml;"
        " set worker.memory to that value"
    ) in notes
    yaml_notes = from_keywords({"walltime": 60}, yaml=True).notes
    assert (
        "cores is not set in this section, and dask-jobqueue starts no job without it; set worker.cores" in yaml_notes
    )
