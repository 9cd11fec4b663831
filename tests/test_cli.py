"""The command line: exit codes, stderr/stdout split, refusal to render errors, no tracebacks."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sgecompile.cli import SUBCOMMANDS, parser
from tests.conftest import PROFILES, ROOT

Cli = Callable[..., tuple[int, str, str]]
GOOD = '[job]\nwalltime = "1:00:00"\n[worker]\ncores = 1\nmemory = "1GB"\n'


def test_render_prints_script_and_warnings_to_stderr(cli: Cli) -> None:
    """Perun renders with exit 0; its per-slot memory warning goes to stderr only."""
    code, out, err = cli("render", PROFILES / "perun.toml")
    assert code == 0 and out.startswith("#!/bin/bash\n")
    assert "warning[SGE302]" in err and "h_vmem=166M per slot" in err
    assert "SGE" not in out


def test_render_refuses_while_errors_remain(cli: Cli, write: Callable[..., Path]) -> None:
    """An error means no script, exit 1, and a message that says why."""
    code, out, err = cli(
        "render", write('[worker]\ncores = 1\nmemory = "1GB"\n[job]\nresources = { h_vmem = "64GB" }\n')
    )
    assert code == 1 and out == ""
    assert "error[SGE101]" in err and "not rendering" in err


def test_render_output_file_is_written_whole(cli: Cli, write: Callable[..., Path], tmp_path: Path) -> None:
    """-o FILE writes the script there, executable, and leaves no temporary file."""
    target = tmp_path / "job.sh"
    code, out, _ = cli("render", write(GOOD), "-o", target, "--scheduler", "tcp://10.0.0.1:8786")
    assert code == 0 and out == ""
    assert "tcp://10.0.0.1:8786" in target.read_text() and target.stat().st_mode & 0o111
    assert sorted(p.name for p in tmp_path.iterdir()) == ["job.sh", "profile.toml"]


def test_usage_errors_exit_2_without_traceback(cli: Cli, tmp_path: Path) -> None:
    """Unknown subcommands, missing files and bad options exit 2 with one clear line."""
    assert cli("frobnicate")[0] == 2
    code, _, err = cli("check", tmp_path / "missing.toml")
    assert code == 2 and "no such file" in err and "Traceback" not in err
    code, _, err = cli("render", tmp_path / "missing.toml")
    assert code == 2 and "no such file" in err and "Traceback" not in err


def test_check_of_a_folder_without_profiles_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    """A CI job pointed at the wrong folder must fail, not report "0 profiles checked"."""
    (tmp_path / "notes.txt").write_text("no profile\n")
    code, out, err = cli("check", tmp_path)
    assert (code, out) == (2, "") and f"no profiles (*.toml files) in {tmp_path}" in err


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["emit", "--jobs", "0"], "argument --jobs: wants a whole number of at least 1, not '0'"),
        (["emit", "--jobs=-1"], "argument --jobs: wants a whole number of at least 1, not '-1'"),
        (["emit", "--jobs", "2.5"], "argument --jobs: wants a whole number of at least 1, not '2.5'"),
        (["emit", "--concurrent", "0"], "argument --concurrent: wants a whole number of at least 1, not '0'"),
        (["up", "--jobs", "0"], "argument --jobs: wants a whole number of at least 1, not '0'"),
        (["up", "--timeout", "nan"], "argument --timeout: wants a number of seconds above 0, not 'nan'"),
        (["up", "--timeout=-5"], "argument --timeout: wants a number of seconds above 0, not '-5'"),
        (["render", "--scheduler=--preload=x.py"], "argument --scheduler: wants a scheduler address such as"),
        (
            ["render", "--scheduler="],
            "argument --scheduler: wants a scheduler address such as tcp://10.0.0.1:8786, not ''",
        ),
        (["render", "--scheduler", "tcp://a b:1"], "argument --scheduler: wants a scheduler address such as"),
    ],
)
def test_counts_and_seconds_on_the_command_line_are_checked(
    arguments: list[str], message: str, tmp_path: Path, cli: Cli
) -> None:
    """`-t 1-0`, `-tc 0` or a timeout that never ends are refused before anything is written or submitted."""
    out = tmp_path / "out"
    command, *options = arguments
    where = ["--out", str(out)] if command == "emit" else []
    code, _, err = cli(command, PROFILES / "perun.toml", *where, *options)
    assert code == 2 and message in err and not out.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["emit", "--out="], "argument --out: wants a file or folder name, not ''"),
        (["emit", "--out", "OUT", "--tasks="], "argument --tasks: wants a file or folder name, not ''"),
        (["render", "-o", ""], "argument -o/--output: wants a file or folder name, not ''"),
        (["render", "--templates="], "argument --templates: wants a file or folder name, not ''"),
        (["up", "--scheduler-file="], "argument --scheduler-file: wants a file or folder name, not ''"),
        (["emit", "--out", "OUT", "--concurrent", "2"], "--concurrent limits how many tasks run at once"),
        (["emit", "--out", "OUT", "--tasks", "TASKS", "--jobs", "3"], "--jobs is the number of worker jobs"),
    ],
)
def test_options_that_would_do_something_else_are_refused(
    arguments: list[str], message: str, tmp_path: Path, cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty name would write into the current folder or to stdout; an option emit ignores is a mistake."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "TASKS").write_text("echo a\n")
    command, *options = arguments
    code, out, err = cli(command, PROFILES / "perun.toml", *options)
    assert code == 2 and message in err and out == "" and sorted(os.listdir(tmp_path)) == ["TASKS"]


def test_check_exit_codes_and_strict(cli: Cli, write: Callable[..., Path]) -> None:
    """0 when clean, 0 with warnings, 1 with warnings under --strict, 1 with errors."""
    assert cli("check", write(GOOD, "good.toml"))[0] == 0
    warned = write('[job]\nwalltime = "1:00:00"\n[worker]\ncores = 2\nmemory = "1GB"\n', "warned.toml")
    assert cli("check", warned)[0] == 0
    assert cli("check", "--strict", warned)[0] == 1
    assert cli("check", write("[worker]\ncores = 1\n", "bad.toml"))[0] == 1


def test_check_directory_treats_extended_files_as_bases(cli: Cli) -> None:
    """profiles/ checks clean: the example site.toml is a base, not a profile missing [worker]."""
    code, out, _ = cli("check", PROFILES)
    assert code == 0, out
    assert "SGE006" not in out and "5 profiles checked" in out


def test_check_knows_bases_named_by_site_and_home(
    cli: Cli, write: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`extends = "@site"` and `"~/..."` point where the loader reads them, so those files are bases too."""
    site = write('[site]\npe = "smp"\n', "site.toml")
    write('[job]\nwalltime = "1:00:00"\n', "home.toml")
    monkeypatch.setenv("SGECOMPILE_SITE", str(site))
    monkeypatch.setenv("HOME", str(tmp_path))
    write(f'extends = "@site"\n{GOOD}', "a.toml")
    write('extends = "~/home.toml"\n[worker]\ncores = 1\nmemory = "1GB"\n', "b.toml")
    code, out, _ = cli("check", tmp_path)
    assert (code, "SGE006" in out) == (0, False), out


def test_check_json_is_the_documented_records(cli: Cli) -> None:
    """--format json is one array of objects with exactly the documented keys."""
    code, out, _ = cli("check", PROFILES / "perun.toml", "--format", "json")
    records = json.loads(out)
    assert code == 0 and records
    assert all(set(r) == {"code", "severity", "message", "file", "line", "column", "hint"} for r in records)
    (slot,) = [r for r in records if r["code"] == "SGE302"]
    assert slot["severity"] == "warning" and slot["line"] == 16 and slot["file"].endswith("perun.toml")


def test_check_all_variants_finds_a_variant_only_mistake(cli: Cli, write: Callable[..., Path]) -> None:
    """A mistake that only a variant makes is found with --all-variants."""
    path = write(GOOD + "[variants.odd]\nworker = { cores = 3, processes = 4 }\n")
    assert cli("check", path)[0] == 0
    code, out, _ = cli("check", path, "--all-variants")
    assert code == 1 and "SGE402" in out and "(variant odd)" in out


def test_python_dash_m_works() -> None:
    """`python -m sgecompile` is the same program."""
    proc = subprocess.run(
        [sys.executable, "-m", "sgecompile", "render", str(PROFILES / "minimal.toml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 0 and "#$ -l h_rt=3600" in proc.stdout
    refused = subprocess.run([sys.executable, "-m", "sgecompile", "check", str(PROFILES / "nope.toml")], cwd=ROOT)
    assert refused.returncode == 2  # the exit code survives the way out of the process


def test_a_command_that_ends_at_once_still_writes_all_it_printed(tmp_path: Path) -> None:
    """`check` ends without tearing the interpreter down (os._exit): its buffered output, well beyond a pipe's
    64 KiB, is flushed first and its exit code kept; the same for `render`."""
    for i in range(300):
        (tmp_path / f"p{i}.toml").write_text(GOOD.replace('"1:00:00"', '"1:00"'))  # SGE201, an error
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # block-buffered, as usual
    command = [sys.executable, "-m", "sgecompile"]
    checked = subprocess.run([*command, "check", str(tmp_path), "--format", "json"], capture_output=True, env=env)
    assert checked.returncode == 1 and len(checked.stdout) > 65536
    assert [d["code"] for d in json.loads(checked.stdout)] == ["SGE201"] * 300
    rendered = subprocess.run([*command, "render", str(PROFILES / "perun.toml")], capture_output=True, env=env)
    assert rendered.returncode == 0 and b"dask_worker" in rendered.stdout.splitlines()[-1]  # the last line came


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full, a device that is always full")
def test_a_command_that_ends_at_once_says_when_its_output_cannot_be_written(tmp_path: Path) -> None:
    """A last flush that fails is one line and exit 2, as any failed write; a closed stdout has nothing to flush."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    command = [sys.executable, "-m", "sgecompile"]
    with open("/dev/full", "w") as full:
        proc = subprocess.run([*command, "sites"], stdout=full, stderr=subprocess.PIPE, text=True, env=env)
    assert (proc.returncode, proc.stderr) == (2, "sgecompile: No space left on device\n")
    out = tmp_path / "job.sh"
    closing = ["sh", "-c", 'exec "$@" >&-', "sh"]  # the command runs with its stdout closed
    closed = subprocess.run([*closing, *command, "render", str(PROFILES / "perun.toml"), "-o", str(out)], env=env)
    assert closed.returncode == 0 and out.read_text().startswith("#!")


@pytest.mark.parametrize("name", ["check", "render", "explain", "config", "export"])
def test_a_closed_stdout_is_output_that_cannot_be_written(name: str) -> None:
    """``>&-`` leaves Python no stdout at all: one line and exit 2, as for any output that cannot be written."""
    closing = ["sh", "-c", 'exec "$@" >&-', "sh"]
    proc = subprocess.run(
        [*closing, sys.executable, "-m", "sgecompile", name, str(PROFILES / "perun.toml")],
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == "sgecompile: Bad file descriptor (standard output)"
    assert "internal error" not in proc.stderr


def test_a_closed_stderr_only_hides_the_messages(tmp_path: Path) -> None:
    """``2>&-`` is the wish not to see messages: the script still comes, and a bad profile still fails with 2."""
    closing = ["sh", "-c", 'exec "$@" 2>&-', "sh"]
    command = [*closing, sys.executable, "-m", "sgecompile", "render"]
    rendered = subprocess.run([*command, str(PROFILES / "perun.toml")], capture_output=True, text=True)
    assert rendered.returncode == 0 and rendered.stdout.startswith("#!/bin/bash")
    missing = subprocess.run([*command, str(tmp_path / "none.toml")], capture_output=True, text=True)
    assert (missing.returncode, missing.stdout) == (2, "")


@pytest.mark.parametrize("columns", [None, "50", " 50", "7", "0", "-5", "", "wide"])
def test_help_is_as_wide_as_shutil_would_say_without_importing_it(
    columns: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from sgecompile import cli

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert cli._columns() == shutil.get_terminal_size().columns


def test_render_and_check_do_not_import_dask() -> None:
    """import sgecompile, render, check and explain stay fast: none imports dask, distributed or dask_jobqueue."""
    probe = (
        "import sys\nimport sgecompile\nfrom sgecompile.cli import main\n"
        f"main(['render', {str(PROFILES / 'perun.toml')!r}])\nmain(['check', {str(PROFILES)!r}])\n"
        f"main(['explain', {str(PROFILES / 'perun.toml')!r}])\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed', 'dask_jobqueue')]\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_ctrl_c_stays_a_keyboard_interrupt_after_the_live_classes_load() -> None:
    """dask_jobqueue makes SIGINT call sys.exit() when imported; a program that launched must still see Ctrl-C."""
    probe = (
        "import signal\nbefore = signal.getsignal(signal.SIGINT)\nimport sgecompile.live\n"
        "assert signal.getsignal(signal.SIGINT) is before, signal.getsignal(signal.SIGINT)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_check_does_not_import_jinja2_or_shutil() -> None:
    """Templates are only for scripts: a `check` of a whole repository does not pay for jinja2. Nor for shutil,
    which argparse imports (2-3 ms) to find the width for the formatter it makes for every argument added."""
    probe = (
        f"import sys\nfrom sgecompile.cli import main\nmain(['check', {str(PROFILES)!r}])\n"
        "assert not {'jinja2', 'shutil'} & set(sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_a_check_without_findings_does_not_import_json(tmp_path: Path) -> None:
    """json only quotes values in messages: a `check` that finds nothing does not pay for importing it."""
    (tmp_path / "p.toml").write_text('[job]\nwalltime = "1:00:00"\n[worker]\ncores = 1\nmemory = "1GB"\n')
    probe = (
        f"import sys\nfrom sgecompile.cli import main\nassert main(['check', {str(tmp_path)!r}]) == 0\n"
        "assert 'json' not in sys.modules\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_the_command_pauses_the_collector_only_for_imports() -> None:
    """`import sgecompile.cli` loads neither attrs nor the compiler, so `run()` can pause the garbage
    collector while the subcommand is imported; the subcommand itself runs with it collecting."""
    probe = (
        "import gc, sys\nimport sgecompile.cli\n"
        "heavy = {'attrs', 'jinja2', 'sgecompile.plan'} & set(sys.modules)\nassert not heavy, heavy\n"
        "import sgecompile.commands.schema as schema\n"
        "schema.run = lambda args: print(gc.isenabled(), gc.get_freeze_count() > 10000) or 0\n"
        "sys.argv[1:] = ['schema']\nsgecompile.cli.run()\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "True True\n", "")


def test_the_public_names_are_imported_on_first_use() -> None:
    import sgecompile
    from sgecompile import diagnostics, pipeline, rendering

    assert sgecompile.render is rendering.render  # the function, not the module of the same old name
    assert (sgecompile.compile_file, sgecompile.Severity) == (pipeline.compile_file, diagnostics.Severity)
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        sgecompile.nope  # noqa: B018


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_a_subcommand_alone_parses_as_in_the_whole_parser(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """`main` builds only the parser of the subcommand asked for: its arguments and help are the same."""
    helps = []
    for built in (parser(), parser(name)):
        with pytest.raises(SystemExit):
            built.parse_args([name, "--help"])
        helps.append(capsys.readouterr().out)
    assert helps[0] == helps[1] and "usage: sgecompile " + name in helps[0]


def test_check_reports_extends_cycles(cli: Cli, write: Callable[..., Path], tmp_path: Path) -> None:
    """Files in a circle of `extends` are no one's base: `check` reports the circle, as `render` refuses it."""
    write(f'extends = "self.toml"\n{GOOD}', "self.toml")
    code, out, _ = cli("check", tmp_path / "self.toml")
    assert (code, "SGE003" in out, "circle" in out) == (1, True, True), out
    write('extends = "b.toml"\n', "a.toml")
    write('extends = "a.toml"\n', "b.toml")
    for args in ([tmp_path / "a.toml", tmp_path / "b.toml"], [tmp_path]):
        code, out, _ = cli("check", *args)
        assert (code, "circle" in out) == (1, True), out


def test_check_treats_a_complete_base_as_a_profile_too(cli: Cli, write: Callable[..., Path], tmp_path: Path) -> None:
    """A base that is a whole profile on its own gets every check that `render` would make of it."""
    write('[worker]\ncores = 3\nprocesses = 4\nmemory = "4GB"\n', "a.toml")
    write('extends = "a.toml"\n[worker]\nprocesses = 1\n', "b.toml")
    code, out, _ = cli("check", tmp_path)
    assert (code, "SGE402" in out) == (1, True), out


def test_bad_file_names_are_diagnostics_in_every_command(cli: Cli, write: Callable[..., Path], tmp_path: Path) -> None:
    """A NUL byte in `extends` and a symlink loop, as a base, a profile or in a folder: exit 1, never a crash."""
    (tmp_path / "loop1.toml").symlink_to("loop2.toml")
    (tmp_path / "loop2.toml").symlink_to("loop1.toml")
    nul = write(f'extends = "a\\u0000b"\n{GOOD}', "nul.toml")
    loop = write(f'extends = "loop1.toml"\n{GOOD}', "loop.toml")
    for args in (
        ["render", nul],
        ["render", loop],
        ["render", tmp_path / "loop1.toml"],
        ["check", tmp_path / "loop1.toml"],
        ["check", tmp_path],
    ):
        code, out, err = cli(*args)
        assert (code, "SGE003" in out + err, "internal error" in err) == (1, True, False), (args, out, err)


def _crashing(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    """Make `sgecompile schema` raise ``error``, as a bug or a missing package would."""

    def crash(args: object) -> int:
        raise error

    monkeypatch.setattr("sgecompile.commands.schema.run", crash)


def test_internal_error_keeps_the_whole_traceback_in_a_named_file(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A bug is one line on stderr (exit 3) naming a file that holds the whole traceback, for a report."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.delenv("SGECOMPILE_DEBUG", raising=False)
    _crashing(monkeypatch, ZeroDivisionError("deep down"))
    code, out, err = cli("schema")
    assert code == 3 and "internal error: ZeroDivisionError: deep down" in err and "Traceback" not in err
    (kept,) = tmp_path.glob("sgecompile-crash-*.txt")
    assert str(kept) in err
    assert "Traceback (most recent call last)" in kept.read_text() and "def crash" not in err


def test_internal_error_with_debug_prints_the_traceback(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """SGECOMPILE_DEBUG=1 prints the whole traceback on stderr instead of keeping it in a file."""
    monkeypatch.setenv("SGECOMPILE_DEBUG", "1")
    _crashing(monkeypatch, ZeroDivisionError("deep down"))
    code, out, err = cli("schema")
    assert code == 3 and "Traceback (most recent call last)" in err and "raise error" in err
    assert "internal error: ZeroDivisionError: deep down" in err


def test_missing_live_extra_is_a_one_line_usage_error(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A command that needs dask without it installed says which extra adds it (exit 2), not an internal error."""
    _crashing(monkeypatch, ModuleNotFoundError("No module named 'dask_jobqueue'", name="dask_jobqueue"))
    code, out, err = cli("schema")
    assert code == 2 and err == "sgecompile: dask_jobqueue is not installed; `pip install 'sgecompile[live]'` adds it\n"


def test_other_missing_module_is_a_bug(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A module sgecompile itself should have brought is a bug (exit 3), not a missing extra."""
    monkeypatch.setenv("SGECOMPILE_DEBUG", "1")
    _crashing(monkeypatch, ModuleNotFoundError("No module named 'attrs'", name="attrs"))
    assert cli("schema")[0] == 3


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="reads /proc/self/fd")
@pytest.mark.parametrize("closing", [">&-", "2>&-", ">&- 2>&-", "<&- 2>&-"])
def test_closed_standard_descriptors_get_dev_null(closing: str, tmp_path: Path) -> None:
    """No file opened later can take descriptor 1 or 2 and get what the programs sgecompile starts print."""
    out = tmp_path / "fds"
    probe = (
        "import os\nfrom sgecompile import cli\ncli._stand_in_for_closed_streams()\n"
        f"open({str(out)!r}, 'w').write('|'.join(os.readlink(f'/proc/self/fd/{{fd}}') for fd in (1, 2)))\n"
    )
    subprocess.run(["sh", "-c", f'exec "$@" {closing}', "sh", sys.executable, "-c", probe], check=True)
    fds = out.read_text().split("|")
    for fd, closed in ((1, ">&-" in closing.split()), (2, "2>&-" in closing.split())):
        assert (fds[fd - 1] == os.devnull) == closed, fds


@pytest.mark.parametrize("command", ["up", "run"])
def test_adapt_with_a_maximum_of_no_job_is_refused(cli: Cli, command: str, tmp_path: Path) -> None:
    """--adapt 0:0 would start no job and wait for ever (run did); 0:2 scales down to none and is fine."""
    listed = tmp_path / "c.txt"
    listed.write_text("true\n")
    extra = [str(listed)] if command == "run" else []
    code, _, err = cli(command, str(PROFILES / "testsge.toml"), *extra, "--adapt", "0:0")
    assert code == 2 and "MAX at least 1" in err


def test_run_refuses_a_list_it_cannot_read_twice_before_any_job() -> None:
    """A pipe gives its lines once; run counts the list first and reads it again as it runs: refused, exit 2."""
    script = f'printf "true\\n" | "$0" -m sgecompile run {PROFILES / "testsge.toml"} /dev/stdin --jobs 1'
    proc = subprocess.run(["sh", "-c", script, sys.executable], capture_output=True, text=True)
    assert proc.returncode == 2 and "is not a file (a pipe?)" in proc.stderr
