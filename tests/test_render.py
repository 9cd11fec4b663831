"""The rendered script: the Perun example, quoting, templates, and bash's own syntax check."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
import pytest

from sgecompile.diagnostics import Severity
from sgecompile.pipeline import Result, compile_file
from sgecompile.rendering import environment, render
from tests.conftest import PROFILES


def _script(result: Result, **kwargs: object) -> str:
    assert result.plan is not None, result.diagnostics
    return render(result.plan, **kwargs)  # type: ignore[arg-type]


def test_perun_renders_as_the_issue_demands() -> None:
    """One -cwd, h_rt in seconds, -pe threaded 10 and one thread per worker."""
    script = _script(compile_file(PROFILES / "perun.toml"))
    assert script.count("#$ -cwd") == 1
    assert "#$ -l h_rt=362439\n" in script
    assert "#$ -pe threaded 10\n" in script
    assert "--nthreads 1 " in script
    assert "GB" not in "".join(line for line in script.splitlines() if line.startswith("#$"))


def test_memory_request_is_derived_per_slot(compiled: Callable[..., Result]) -> None:
    """64 GB and its processes' own address space (1920 MiB) over 10 slots: whole MiB rounded up, never GB."""
    result = compiled(
        '[site]\npe = "smp"\nmemory_resource = "h_vmem"\n[worker]\ncores = 10\nprocesses = 2\nmemory = "64GB"\n'
    )
    script = _script(result)
    assert "#$ -l h_vmem=6296M\n" in script and "#$ -pe smp 10\n" in script
    assert "--nthreads 5 --memory-limit 32000000000 --nworkers 2" in script


SMP_H_VMEM = '[site]\npe = "smp"\nmemory_resource = "h_vmem"\n[worker]\ncores = 4\nmemory = "16GiB"\n'


@pytest.mark.parametrize("written", ['resources = { h_vmem = "2G" }', 'directives = ["-l h_vmem=2G"]'])
def test_a_written_memory_request_replaces_the_derived_one(written: str, compiled: Callable[..., Result]) -> None:
    """In job.resources or as a hard -l in job.directives alike: one request, checked against worker.memory."""
    result = compiled(SMP_H_VMEM + f"[job]\n{written}\n")
    assert re.findall(r"#\$ -l h_vmem=\S+", _script(result)) == ["#$ -l h_vmem=2G"]
    (too_small,) = [d for d in result.diagnostics if d.severity is not Severity.INFO]
    assert (too_small.code, too_small.location.line) == ("SGE301", 8)
    assert f"or remove it from job.{written.split()[0]} and it is derived" in (too_small.hint or "")


def test_a_pe_in_directives_counts_the_memory_per_slot(compiled: Callable[..., Result]) -> None:
    """-pe written in job.directives multiplies the request like site.pe does: 8 slots x 1G, not x 8G."""
    result = compiled(
        '[site]\nmemory_resource = "h_vmem"\n[job]\ndirectives = ["-pe smp 8"]\n[worker]\ncores = 8\nmemory = "8GiB"\n'
    )
    assert "#$ -l h_vmem=1408M\n" in _script(result)
    skipped = compiled(
        '[site]\npe = "smp"\nmemory_resource = "h_vmem"\n[job]\nskip = ["-pe"]\n[worker]\ncores = 8\nmemory = "8GiB"\n'
    )
    assert "#$ -l h_vmem=11G\n" in _script(skipped)


def test_a_soft_memory_request_leaves_the_derived_one(compiled: Callable[..., Result]) -> None:
    """A soft request is a preference: SGE reserves by the hard one, which is still derived."""
    result = compiled(SMP_H_VMEM + '[job]\ndirectives = ["-soft -l h_vmem=2G"]\n')
    script = _script(result)
    assert "#$ -l h_vmem=4800M\n" in script and "#$ -soft -l h_vmem=2G\n" in script


def test_each_line_says_its_own_scope(compiled: Callable[..., Result]) -> None:
    """SGE reads each #$ line on its own, starting hard: `#$ -soft` then `#$ -l x` asks x hard (tried on the test SGE)."""
    result = compiled(
        SMP_H_VMEM + '[job]\ndirectives = ["-hard -l arch=x", "-soft -l hostname=fast1 -hard -l h_vmem=1G"]\n'
    )
    assert "#$ -l arch=x\n#$ -soft -l hostname=fast1\n#$ -l h_vmem=1G\n" in _script(result)
    assert not [d for d in result.diagnostics if d.code.startswith("SGE50")]


def test_a_scope_switch_alone_on_its_line_changes_nothing(compiled: Callable[..., Result]) -> None:
    """dask-jobqueue users write ["-soft", "-l h_vmem=100G"]: two lines, so SGE asks h_vmem=100G hard."""
    result = compiled(SMP_H_VMEM + '[job]\ndirectives = ["-soft", "-l h_vmem=100G"]\n')
    assert result.plan is not None and result.plan.resource("h_vmem") is not None
    assert result.plan.resource("h_vmem").args == ("h_vmem=100G",)
    assert "#$ -l h_vmem=100G\n" in _script(result) and "#$ -soft" not in _script(result)
    assert "SGE513" in {d.code for d in result.diagnostics}


def test_memory_request_per_job(compiled: Callable[..., Result]) -> None:
    """memory_per = "job" asks the whole amount once."""
    result = compiled(
        '[site]\npe = "smp"\nmemory_resource = "mem_req"\nmemory_per = "job"\n[worker]\ncores = 4\nmemory = "16GiB"\n'
    )
    assert "#$ -l mem_req=16G\n" in _script(result)


def test_skip_removes_by_option_name_not_substring(compiled: Callable[..., Result]) -> None:
    """skip = ["-j"] drops -j y but keeps -N job-name that merely contains "-j"."""
    script = _script(compiled('[job]\nname = "x-j"\nskip = ["-j"]\n[worker]\ncores = 1\nmemory = "1GB"\n'))
    assert "#$ -j" not in script and "#$ -N x-j\n" in script


def test_duplicates_are_rendered_once(compiled: Callable[..., Result]) -> None:
    """-cwd asked by the key and by directives appears once."""
    script = _script(compiled('[job]\ndirectives = ["-cwd", "-m ea", "-m ea"]\n[worker]\ncores = 1\nmemory = "1GB"\n'))
    assert script.count("#$ -cwd") == 1 and script.count("#$ -m ea") == 1


def test_worker_words_keep_env_vars_and_nothing_else(compiled: Callable[..., Result]) -> None:
    """$TMPDIR expands on the compute host; spaces and other shell syntax stay literal."""
    result = compiled(
        '[worker]\ncores = 1\nmemory = "1GB"\nlocal_directory = "$TMPDIR/dask space"\nextra_args = ["--resources", "a=1;b"]\n'
    )
    script = _script(result)
    assert '--local-directory "$TMPDIR/dask space"' in script
    assert '"a=1;b"' in script


def test_worker_words_keep_home_and_defaults_as_the_shell_would(compiled: Callable[..., Result]) -> None:
    """A conda python under ~ and ${TMPDIR:-/tmp} work as in the unquoted command dask-jobqueue writes."""
    result = compiled(
        '[worker]\ncores = 1\nmemory = "1GB"\npython = "~/conda/bin/python"\nlocal_directory = "${TMPDIR:-/tmp}"\n'
    )
    assert [d.code for d in result.diagnostics] == ["SGE204"]  # no walltime, and nothing about the words
    command = _script(result).splitlines()[-1]
    assert command.startswith("~/conda/bin/python -m distributed.cli.dask_worker ")
    assert '--local-directory "${TMPDIR:-/tmp}"' in command


def test_every_shipped_profile_passes_bash_syntax_check() -> None:
    """Each example profile renders to a script `bash -n` accepts."""
    for path in [*PROFILES.glob("*.toml"), PROFILES / "example" / "analysis.toml"]:
        script = _script(compile_file(path))
        subprocess.run(["bash", "-n"], input=script, text=True, check=True)


def test_user_templates_come_first(compiled: Callable[..., Result], tmp_path: Path) -> None:
    """--templates DIR overrides the shipped job.sh.j2."""
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "job.sh.j2").write_text(
        "#!{{ shell }}\n# site banner\n{{ command | map('shell_word') | join(' ') }}\n"
    )
    script = _script(compiled('[worker]\ncores = 1\nmemory = "1GB"\n'), templates=str(tmp_path / "mine"))
    assert script.splitlines()[1] == "# site banner"
    assert shutil.which("bash")


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A template cache of the test's own, seen by environments made afresh."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    environment.cache_clear()
    yield tmp_path / "cache" / "sgecompile" / "templates"
    environment.cache_clear()


def _not_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a template was compiled again")

    environment.cache_clear()
    monkeypatch.setattr(jinja2.Environment, "compile", refuse)


def test_templates_are_compiled_once_and_kept(
    cache: Path, compiled: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next process loads job.sh.j2 compiled instead of compiling it again."""
    result = compiled('[worker]\ncores = 1\nmemory = "1GB"\n')
    first = _script(result)
    assert [p.suffix for p in cache.iterdir()] == [".cache"]
    _not_compiled(monkeypatch)
    assert _script(result) == first


def test_an_edited_template_is_compiled_again(cache: Path, compiled: Callable[..., Result], tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    result = compiled('[worker]\ncores = 1\nmemory = "1GB"\n')
    for banner in ("# first", "# second"):
        (mine / "job.sh.j2").write_text(f"#!{{{{ shell }}}}\n{banner}\n")
        environment.cache_clear()
        assert _script(result, templates=str(mine)).splitlines()[1] == banner


def test_a_cache_that_cannot_be_used_is_no_cache(
    cache: Path, compiled: Callable[..., Result], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A damaged cache file is compiled over; a cache folder that cannot be made is skipped."""
    result = compiled('[worker]\ncores = 1\nmemory = "1GB"\n')
    first = _script(result)
    for kept in cache.iterdir():
        kept.write_bytes(jinja2.bccache.bc_magic + b"\x80 not a pickle")
    environment.cache_clear()
    assert _script(result) == first
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file"))
    environment.cache_clear()
    assert _script(result) == first


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "#!/bin/bash\n{% if %}\n",
            "job.sh.j2:2: template syntax: Expected an expression, got 'end of statement block'",
        ),
        ("#!/bin/bash\n\n{{ undefined_var.attr }}\n", "job.sh.j2:3: template: 'undefined_var' is undefined"),
        ("#!/bin/bash\n{{ 1 / 0 }}\n", "job.sh.j2:2: template: ZeroDivisionError: division by zero"),
        ('{% include "nope.j2" %}\n', "job.sh.j2:1: template: 'nope.j2' not found"),
        (b"#!/bin/bash\n# caf\xe9\n", "job.sh.j2: not UTF-8 text: invalid continuation byte at byte 17"),
        ('{% include "part.j2" %}\n', "part.j2: not UTF-8 text: invalid start byte at byte 0"),
    ],
)
def test_a_broken_user_template_is_a_usage_error_naming_its_line(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path, text: str | bytes, message: str
) -> None:
    """The user's template is theirs to fix: exit 2 with its file and line, not an internal error to report."""
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "job.sh.j2").write_bytes(text if isinstance(text, bytes) else text.encode())
    (mine / "part.j2").write_bytes(b"\xff\n")
    code, out, err = cli("render", PROFILES / "perun.toml", "--templates", mine)
    assert code == 2 and out == ""
    assert f"sgecompile: {mine / message}" in err and "internal error" not in err


@pytest.mark.parametrize("kind", ["dangling link", "folder"])
def test_a_template_name_that_is_no_file_is_a_usage_error(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path, kind: str
) -> None:
    """jinja2 would pass over it to the shipped template, which is not what the user wrote."""
    mine = tmp_path / "mine"
    mine.mkdir()
    if kind == "folder":
        (mine / "job.sh.j2").mkdir()
    else:
        (mine / "job.sh.j2").symlink_to(tmp_path / "gone.j2")
    code, out, err = cli("render", PROFILES / "perun.toml", "--templates", mine)
    assert (code, out) == (2, "") and f"{mine / 'job.sh.j2'}: not a file that can be read" in err


@pytest.mark.parametrize(("name", "problem"), [("missing", "does not exist"), ("a-file", "is not a folder")])
def test_a_templates_folder_that_is_not_one_is_a_usage_error(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path, name: str, problem: str
) -> None:
    """A mistyped --templates must not quietly render the shipped templates instead."""
    (tmp_path / "a-file").write_text("")
    code, out, err = cli("render", PROFILES / "perun.toml", "--templates", tmp_path / name)
    assert code == 2 and out == ""
    assert f"sgecompile: --templates {tmp_path / name} {problem}\n" in err


def test_a_broken_shipped_template_is_still_a_bug(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only the user's own templates are bad input; the same error in ours is for the report it asks for."""
    from sgecompile import rendering

    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / "job.sh.j2").write_text("{% if %}\n")
    monkeypatch.setattr(rendering, "template_dirs", lambda extra=None: [ours])
    environment.cache_clear()
    try:
        with pytest.raises(jinja2.TemplateSyntaxError):
            rendering.fill("job.sh.j2", str(tmp_path / "mine"))
    finally:
        environment.cache_clear()
