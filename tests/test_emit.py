"""`sgecompile emit` without a cluster: the files, their quoting, and task lists read exactly."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sgecompile.emit import TaskListError, each_command, read_commands, task_files
from sgecompile.emit import write as write_file
from sgecompile.pipeline import compile_file
from sgecompile.plan import Plan, compile_profile
from sgecompile.tasks import report, runs

from .conftest import PROFILES

HOSTILE = ["a b", "it's", '"q"', "$HOME", "$(touch pwned)", "; touch pwned2", "line1\nline2", "`id`", "*", "--", ""]
DUMP_ARGV = "import json,os,sys; open('argv-'+os.environ['SGE_TASK_ID']+'.json','w').write(json.dumps(sys.argv[1:]))"


def emit(cli, *args: str) -> int:
    code, _, err = cli("emit", *args)
    assert code == 0, err
    return code


def test_cluster_files_are_valid_bash_and_wire_the_scheduler_file(cli, tmp_path: Path) -> None:
    out = tmp_path / "c"
    emit(cli, str(PROFILES / "testsge.toml"), "--out", str(out), "--jobs", "4")
    assert sorted(p.name for p in out.iterdir()) == [
        ".sgecompile-emitted",
        "README.md",
        "cancel.sh",
        "scheduler.sh",
        "submit.sh",
        "workers.sh",
    ]
    for script in ("scheduler.sh", "workers.sh", "submit.sh", "cancel.sh"):
        subprocess.run(["bash", "-n", str(out / script)], check=True)
        assert os.access(out / script, os.X_OK)
    workers = (out / "workers.sh").read_text()
    assert "#$ -t 1-4\n" in workers and f"--scheduler-file {out}/scheduler.json" in workers
    assert '--name "$JOB_NAME-$JOB_ID-$SGE_TASK_ID"' in workers
    scheduler = (out / "scheduler.sh").read_text()
    assert "#$ -N sgecompile-test-scheduler" in scheduler and "#$ -pe" not in scheduler
    assert "#$ -l h_rt=1800" in scheduler and "#$ -l h_vmem=2432M" in scheduler
    assert f'Client(scheduler_file="{out}/scheduler.json")' in (out / "README.md").read_text()


def test_the_scheduler_job_leaves_out_the_workers_pe_and_memory_wherever_written(cli, write, tmp_path: Path) -> None:
    profile = write(
        '[site]\nmemory_resource = "h_vmem"\nmemory_per = "job"\n[job]\nwalltime = "1:00:00"\n'
        'directives = ["-pe smp 8", "-l h_vmem=64G"]\n[worker]\ncores = 8\nmemory = "60GiB"\n'
    )
    emit(cli, str(profile), "--out", str(tmp_path / "c"))
    scheduler = (tmp_path / "c" / "scheduler.sh").read_text()
    assert "#$ -l h_vmem=2432M\n" in scheduler and "64G" not in scheduler and "-pe" not in scheduler
    assert "#$ -pe smp 8\n#$ -l h_vmem=64G\n" in (tmp_path / "c" / "workers.sh").read_text()


def test_emit_refuses_a_profile_with_errors(cli, write, tmp_path: Path) -> None:
    code, _, err = cli(
        "emit",
        str(write('[worker]\ncores = 1\nmemory = "1GB"\n[job]\nwalltime = "00:30"\n')),
        "--out",
        str(tmp_path / "x"),
    )
    assert code == 1 and "not emitting" in err and not (tmp_path / "x").exists()


def test_task_array_runs_each_argv_exactly(cli, tmp_path: Path) -> None:
    """The tasks script, run by bash as SGE would, passes hostile words through untouched."""
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([[sys.executable, "-c", DUMP_ARGV, *HOSTILE], ["true"]]))
    out = tmp_path / "t"
    emit(cli, str(PROFILES / "testsge.toml"), "--out", str(out), "--tasks", str(tasks), "--concurrent", "5")
    script = (out / "tasks.sh").read_text()
    assert "#$ -t 1-2\n#$ -tc 5\n" in script and "#$ -pe threaded 1\n" in script
    (out / "status").mkdir()
    done = subprocess.run(["bash", str(out / "tasks.sh")], cwd=tmp_path, env={**os.environ, "SGE_TASK_ID": "1"})
    assert done.returncode == 0
    assert json.loads((tmp_path / "argv-1.json").read_text()) == HOSTILE
    assert not list(tmp_path.glob("pwned*"))
    assert (out / "status" / "1.exit").read_text() == "0\n"


def _options_outside_the_header(script: str) -> list[str]:
    """The lines that start with ``#$`` but are not of the header: the block of them after the shebang and a blank."""
    lines = script.split("\n")
    header = 2
    while lines[header].startswith("#$"):
        header += 1
    return [line for line in lines[header:] if line.startswith("#$")]


@pytest.mark.parametrize(
    ("profile_text", "shell", "written"),
    [
        ("", "bash", "$'x\\ny\\n#$ -q evil'"),
        ('[site]\nshell = "/bin/sh"\n', "sh", 'x"$sgecompile_nl"y"$sgecompile_nl"\'#$ -q evil\''),
        ('[job]\nskip = ["-S"]\n', "sh", 'x"$sgecompile_nl"y"$sgecompile_nl"\'#$ -q evil\''),  # the queue's shell
    ],
)
def test_a_line_break_in_a_task_word_starts_no_line(
    cli, write, tmp_path: Path, profile_text: str, shell: str, written: str
) -> None:
    """qsub reads every line that starts with `#$` as options: a word holding one stays on its task's line, exact."""
    profile = write(f'{profile_text}\n[worker]\ncores = 1\nmemory = "1GB"\n')
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([[sys.executable, "-c", DUMP_ARGV, "x\ny\n#$ -q evil"]]))
    out = tmp_path / "t"
    emit(cli, str(profile), "--out", str(out), "--tasks", str(tasks))
    script = (out / "tasks.sh").read_text()
    assert _options_outside_the_header(script) == [] and "#$ -N dask-worker\n" in script
    assert f" {written} ;;" in script or f" {written}; unset sgecompile_nl ;;" in script
    (out / "status").mkdir()
    subprocess.run([shell, str(out / "tasks.sh")], cwd=tmp_path, env={**os.environ, "SGE_TASK_ID": "1"}, check=True)
    assert json.loads((tmp_path / "argv-1.json").read_text()) == ["x\ny\n#$ -q evil"]


@functools.cache
def _plan(shell: str) -> Plan:
    """testsge.toml with its site.shell (the shebang and ``-S``) set to ``shell``."""
    plan = compile_file(PROFILES / "testsge.toml").plan
    assert plan is not None
    return compile_profile(attrs.evolve(plan.profile, site=attrs.evolve(plan.profile.site, shell=shell)))


def _tasks_sh(shell: str, folder: Path, commands: list[list[str]]) -> str:
    """The tasks.sh that emit writes for ``commands`` under ``shell``, as text."""
    return next(f.text for f in task_files(_plan(shell), folder, commands) if f.name == "tasks.sh")


# Any text without NUL, with the pieces that would start a line of options come often: random text seldom has them.
WORDS = st.lists(st.text().filter(lambda text: "\x00" not in text) | st.sampled_from(["\n", "#$ -q x", "\r", "'"]))


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["/bin/bash", "/bin/sh"]),
    st.lists(st.lists(WORDS.map("".join), min_size=1, max_size=4), min_size=1, max_size=3),
)
def test_no_task_word_writes_a_line_of_the_script(shell: str, words_of_tasks: list[list[str]]) -> None:
    """Whatever the words, the `#` lines of tasks.sh are those sgecompile writes, and each task receives its words."""
    commands = [["printf", "%s\\0", *words] for words in words_of_tasks]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        script = _tasks_sh(shell, folder, commands)
        plain = _tasks_sh(shell, folder, [["true"]] * len(commands))
        assert [line for line in script.split("\n") if line.startswith("#")] == [
            line for line in plain.split("\n") if line.startswith("#")
        ]
        assert script.count("\n") == plain.count("\n")
        (folder / "tasks.sh").write_text(script, encoding="utf-8")
        (folder / "status").mkdir()
        for task, words in enumerate(words_of_tasks, 1):
            env = {**os.environ, "SGE_TASK_ID": str(task)}
            done = subprocess.run([shell, str(folder / "tasks.sh")], env=env, capture_output=True, check=True)
            assert done.stdout.decode("utf-8", "surrogateescape").split("\0")[:-1] == words


def emitted_tasks(cli, tmp_path: Path, text: str) -> Path:
    """``text`` as a task list emitted into tmp_path/t, with the status folder submit.sh makes."""
    tasks = tmp_path / "tasks.txt"
    tasks.write_text(text)
    out = tmp_path / "t"
    emit(cli, str(PROFILES / "testsge.toml"), "--out", str(out), "--tasks", str(tasks))
    (out / "status").mkdir(exist_ok=True)
    return out


def test_task_exit_status_is_kept(cli, tmp_path: Path) -> None:
    out = emitted_tasks(cli, tmp_path, "# comment\nsh -c 'exit 3'\n\ntrue\n")
    for task in ("1", "2"):
        subprocess.run(["bash", str(out / "tasks.sh")], cwd=tmp_path, env={**os.environ, "SGE_TASK_ID": task})
    found = report(out)
    assert (found.total, found.failed, found.unfinished) == (2, {1: 3}, ())


@pytest.mark.parametrize(
    ("text", "failed", "unfinished"),
    [
        ("0\n", {}, ()),
        ("3", {1: 3}, ()),
        ("1_0\n", {}, (1,)),
        ("\uff10\n", {}, (1,)),
        ("256\n", {}, (1,)),
        ("", {}, (1,)),
    ],
)
def test_only_a_status_tasks_sh_can_write_counts(
    cli, tmp_path: Path, text: str, failed: dict[int, int], unfinished: tuple[int, ...]
) -> None:
    """`$?` is 0 to 255 on a line; anything else is no status, so the task is run again rather than trusted."""
    out = emitted_tasks(cli, tmp_path, "true\n")
    (out / "status" / "1.exit").write_text(text, encoding="utf-8")
    found = report(out)
    assert (found.failed, found.unfinished) == (failed, unfinished)


@pytest.mark.parametrize("text", ["5", "null", '"abcdef"', '{"a": 1}', "NaN"])
def test_a_task_list_that_is_not_a_list_is_a_usage_error(cli, tmp_path: Path, text: str) -> None:
    out = emitted_tasks(cli, tmp_path, "true\n")
    (out / "tasks.json").write_text(text)
    code, stdout, err = cli("tasks", str(out))
    assert (code, stdout) == (2, "") and "tasks.json is not the list of commands emit writes" in err


def test_emitting_a_new_task_list_forgets_the_old_statuses(cli, tmp_path: Path) -> None:
    """Statuses of the tasks that ran before say nothing of the new list in the same folder."""
    out = emitted_tasks(cli, tmp_path, "true\ntrue\n")
    for task in ("1", "2"):
        (out / "status" / f"{task}.exit").write_text("0\n")
    emitted_tasks(cli, tmp_path, "false\nfalse\n")
    found = report(out)
    assert (found.total, found.failed, found.unfinished) == (2, {}, (1, 2))


def test_emit_never_replaces_a_file_it_did_not_write(cli, tmp_path: Path) -> None:
    out = tmp_path / "c"
    out.mkdir()
    (out / "README.md").write_text("my notes\n")
    (out / "submit.sh").symlink_to(tmp_path / "elsewhere")
    (out / "data.csv").write_text("1,2\n")
    code, _, err = cli("emit", str(PROFILES / "testsge.toml"), "--out", str(out))
    assert code == 2 and "already holds README.md, submit.sh, which emit did not write" in err
    assert sorted(p.name for p in out.iterdir()) == ["README.md", "data.csv", "submit.sh"]
    assert (out / "README.md").read_text() == "my notes\n"


def test_a_record_that_is_not_a_plain_file_is_not_emits(cli, tmp_path: Path) -> None:
    """A symlinked record would have let emit write outside --out and take the user's word for its files."""
    notes = tmp_path / "notes.txt"
    notes.write_text("README.md\n")
    out = tmp_path / "c"
    out.mkdir()
    (out / "README.md").write_text("mine\n")
    (out / ".sgecompile-emitted").symlink_to(notes)
    code, _, err = cli("emit", str(PROFILES / "testsge.toml"), "--out", str(out))
    assert code == 2 and "already holds .sgecompile-emitted, README.md, which emit did not write" in err
    assert notes.read_text() == "README.md\n" and (out / "README.md").read_text() == "mine\n"


def test_emit_keeps_exit_statuses_it_did_not_write(cli, tmp_path: Path) -> None:
    out = tmp_path / "t"
    (out / "status").mkdir(parents=True)
    (out / "status" / "1.exit").write_text("mine\n")
    emitted_tasks(cli, tmp_path, "true\n")
    assert (out / "status" / "1.exit").read_text() == "mine\n"


def test_a_folder_name_that_is_not_utf8_is_a_usage_error(cli, tmp_path: Path) -> None:
    out = os.fsdecode(bytes(tmp_path) + b"/bad\xff")
    code, _, err = cli("emit", str(PROFILES / "testsge.toml"), "--out", out)
    assert code == 2 and "is not UTF-8 text, and the scripts must name it" in err
    assert list(tmp_path.iterdir()) == []


def test_emitting_again_replaces_its_own_files_and_keeps_the_rest(cli, tmp_path: Path) -> None:
    """A cluster emitted into a task folder: both sets of names are emit's, the user's file is kept."""
    out = emitted_tasks(cli, tmp_path, "true\n")
    (out / "notes.txt").write_text("mine\n")
    (out / "README.md").write_text("edited\n")
    emit(cli, str(PROFILES / "testsge.toml"), "--out", str(out), "--jobs", "2")
    assert "Client(scheduler_file=" in (out / "README.md").read_text()
    assert (out / "notes.txt").read_text() == "mine\n" and (out / "tasks.sh").exists()
    assert (out / ".sgecompile-emitted").read_text().split() == [
        "README.md",
        "cancel.sh",
        "scheduler.sh",
        "submit.sh",
        "tasks.json",
        "tasks.sh",
        "workers.sh",
    ]


@pytest.mark.parametrize(
    ("name", "text", "commands"),
    [
        (
            "t.txt",
            "iqtree -s 'aln 1' -nt 10  # first\n\nmafft in.fa\n",
            [["iqtree", "-s", "aln 1", "-nt", "10"], ["mafft", "in.fa"]],
        ),
        ("t.json", '[["echo", "a;b"]]', [["echo", "a;b"]]),
        ("t.toml", 'commands = [["echo", "x\\ny"]]', [["echo", "x\ny"]]),
    ],
)
def test_read_commands(tmp_path: Path, name: str, text: str, commands: list[list[str]]) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert read_commands(path) == commands


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("t.txt", "echo 'unclosed\n", "t.txt:1: No closing quotation"),
        ("t.txt", "# nothing\n", "no commands"),
        ("t.json", '[["echo", 1]]', "command 1 is not a non-empty list of strings"),
        ("t.json", "{", "t.json"),
        ("t.toml", "commands = []", "non-empty list"),
        ("t.txt", "echo a\necho a\x00b\n", "t.txt:2: a NUL byte, which no command's arguments can hold"),
        ("t.json", '[["echo", "a\\u0000b"]]', "command 1: a NUL byte"),
        ("t.json", '[["echo", "a\\udc80"]]', "a lone surrogate"),
    ],
)
def test_bad_task_files_are_usage_errors(cli, tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(TaskListError, match=message):
        read_commands(path)
    code, _, err = cli("emit", str(PROFILES / "testsge.toml"), "--out", str(tmp_path / "o"), "--tasks", str(path))
    assert code == 2 and message.split(":")[-1].strip() in err


def test_runs_of_task_numbers() -> None:
    assert runs([7, 1, 2, 3, 9, 10]) == [(1, 3), (7, 7), (9, 10)]
    assert runs([]) == []


def test_the_submit_command_printed_is_one_the_shell_runs(cli, tmp_path: Path, monkeypatch) -> None:
    """`submit.sh` alone would be looked up on PATH; a name with a space must be quoted."""
    monkeypatch.chdir(tmp_path)
    for out, shown in ((".", "submit with ./submit.sh\n"), ("my dir", "submit with 'my dir/submit.sh'\n")):
        code, stdout, _ = cli("emit", str(PROFILES / "testsge.toml"), "--out", out)
        assert code == 0 and stdout.endswith(shown)


def test_submit_makes_the_log_folder_sge_will_write_to(cli, tmp_path: Path) -> None:
    """$HOME expanded by the submitting shell and $JOB_NAME filled in, as SGE expands them in -o."""
    profile = tmp_path / "p.toml"
    profile.write_text(
        '[job]\nname = "run"\nwalltime = 60\nlog_directory = "$HOME/sge-logs/$JOB_NAME"\n'
        '[worker]\ncores = 1\nmemory = "1GB"\n'
    )
    emit(cli, str(profile), "--out", str(tmp_path / "c"))
    submit = (tmp_path / "c" / "submit.sh").read_text()
    make = next(line for line in submit.splitlines() if "sge-logs" in line)
    subprocess.run(["bash", "-c", make], env={"HOME": str(tmp_path)}, check=True)
    assert (tmp_path / "sge-logs" / "run").is_dir()


@pytest.mark.parametrize(
    ("profile", "logs"),
    [("perun.toml", "this folder"), ("testsge.toml", "`sge-logs/`")],
)
def test_the_emitted_readme_says_where_the_output_goes(cli, tmp_path: Path, profile: str, logs: str) -> None:
    """The -o folder of the header, or the folder the jobs run in (-cwd)."""
    emit(cli, str(PROFILES / profile), "--out", str(tmp_path / "c"))
    assert f"The jobs' output files are in {logs}." in (tmp_path / "c" / "README.md").read_text()


def test_a_list_of_lines_is_read_as_it_goes(tmp_path: Path) -> None:
    """The first command comes out before a broken line further on is read; lines count as str.splitlines counts."""
    path = tmp_path / "t.txt"
    path.write_text("echo a\x0cecho b\necho 'unclosed\n")
    commands = each_command(path)
    assert next(commands) == ["echo", "a"] and next(commands) == ["echo", "b"]
    with pytest.raises(TaskListError, match="t.txt:3: No closing quotation"):
        next(commands)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab #'\"\\\t", max_size=16))
def test_a_line_of_a_task_list_is_split_as_bash_splits_it(line: str) -> None:
    """`#` starts a comment only at the start of a word outside quotes (`aln#1.phy` stays whole), as in bash."""
    from sgecompile.emit import _words

    try:
        ours = _words(Path("t.txt"), 1, line)
    except TaskListError:  # an unclosed quote, or a backslash at the end: bash refuses the line too
        return
    script = f'set -- {line}\nfor word in "$@"; do printf \'%s\\0\' "$word"; done'
    theirs = subprocess.run(["bash", "-c", script], capture_output=True, check=True).stdout.decode()
    assert ours == theirs.split("\0")[:-1]


def test_a_byte_order_mark_and_an_upper_case_suffix_change_nothing(tmp_path: Path) -> None:
    """A BOM is no part of the first word; `cmds.JSON` is a JSON list, as `cmds.json` is."""
    (tmp_path / "bom.txt").write_bytes("\ufeffecho one\n".encode())
    (tmp_path / "cmds.JSON").write_text('[["echo", "two"]]')
    assert read_commands(tmp_path / "bom.txt") == [["echo", "one"]]
    assert read_commands(tmp_path / "cmds.JSON") == [["echo", "two"]]


def test_submitting_again_forgets_the_outcomes_of_the_run_before(tmp_path: Path) -> None:
    """submit.sh run again runs every task again: `tasks` must not count the old exit statuses as the new run's."""
    out = tmp_path / "t"
    write_file(out, task_files(_plan("/bin/bash"), out, [["true"], ["false"]]))
    (out / "status").mkdir()
    (out / "status" / "1.exit").write_text("0\n")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, body in (("qsub", "echo 7"), ("qstat", "exit 1")):
        (bin_dir / name).write_text(f"#!/bin/sh\n{body}\n")
        (bin_dir / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    subprocess.run(["bash", str(out / "submit.sh")], env=env, check=True, capture_output=True)
    assert not list((out / "status").iterdir())
