"""SGE6xx job names and values that could escape the script; SGE7xx the job's shell and output paths."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from .. import directives as dirs
from ..models import DASK_WORKER_MODULE
from ..plan import Plan
from ..tomlpos import Path as KeyPath
from ..tomltext import toml_value
from . import Context, Finding

_RESERVED_NAMES = {"NONE", "ALL", "TEMPLATE"}
_NAME_FORBIDDEN = re.compile(r"[/:@\\*?\s]")
_ESCAPES = (
    ("\n", "a line break"),
    ("\r", "a carriage return"),
    ("$(", "command substitution `$(`"),
    ("`", "a backtick"),
    ("\x00", "a NUL byte"),
)
_ANY_ESCAPE = re.compile("|".join(re.escape(needle) for needle, _ in _ESCAPES))  # one search for a clean value


def bad_job_name(plan: Plan) -> Iterator[Finding]:
    """A job name (`-N`) that SGE refuses.

    Why: qsub rejects names that start with a digit, contain `/ : @ \\ * ?`,
    whitespace or non-ASCII characters, are `NONE`, `ALL` or `TEMPLATE`, or are
    512 characters or longer.
    Use instead: letters, digits, `_`, `-` and `.`, starting with a letter: `run-2`.
    """
    for d in plan.requested:
        if d.option != "-N":
            continue
        name = d.args[0]
        problem = _name_problem(name)
        if problem:
            yield Finding(
                d.origin,
                f"job name {name!r} {problem}",
                f"Use letters, digits, _ - and ., starting with a letter, e.g. {_fixed(name)!r}.",
            )


def _name_problem(name: str) -> str | None:
    if not name:
        return "is empty"
    if name[0].isdigit():
        return "starts with a digit"
    if not name.isascii():
        return "has characters outside ASCII"
    if (bad := _NAME_FORBIDDEN.search(name)) is not None:
        return f"contains {bad.group()!r}"
    if name in _RESERVED_NAMES:
        return "is a word SGE reserves"
    if len(name) >= 512:
        return f"is {len(name)} characters long (SGE allows 511)"
    return None


def _fixed(name: str) -> str:
    fixed = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")[:100] or "job"
    return fixed if fixed[0].isalpha() else "job-" + fixed


def _escaping(value: Any, key: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    """Every string at or below ``key``, values and table keys, that holds one of the ``_ESCAPES``.

    Each value is searched before its key path is made: a profile has dozens of strings, and clean ones are the rule.
    """
    if isinstance(value, str):
        if _ANY_ESCAPE.search(value):
            yield key, value
    elif isinstance(value, dict):
        for k, v in value.items():
            if _ANY_ESCAPE.search(k):
                yield key + (k,), k
            if isinstance(v, str) and not _ANY_ESCAPE.search(v):
                continue
            yield from _escaping(v, key + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _escaping(v, key + (i,))


def value_escapes_script(ctx: Context) -> Iterator[Finding]:
    """A value that could break out of its line of the script or run shell code.

    Why: a line break in a `#$` value starts a new line of script; `$(...)` and
    backticks run commands. Every rendered value is checked (prologue lines
    are shell code by design, and are only checked for line breaks in a way
    that keeps them one line each).
    Use instead: a plain value; put shell code in `job.prologue`.
    """
    for section, table in ctx.loaded.values.items():
        for key, text in _escaping(table, (section,)):
            if key[:2] == ("job", "prologue"):
                continue
            what = next(what for needle, what in _ESCAPES if needle in text)
            yield Finding(
                key,
                f"{'.'.join(map(str, key))} contains {what}, which could run or inject shell code",
                "Remove it; shell code belongs in job.prologue.",
            )


def prologue_line_is_a_directive(plan: Plan) -> Iterator[Finding]:
    """A `job.prologue` line that qsub reads as a `#$` option, or a NUL byte in the prologue.

    Why: qsub reads every script line whose first two characters are `#$` as
    options, wherever it is, so such a line adds requests that nothing has
    checked (`h_vmem=64GB`, a second `-q`); the job may run, but no rule has
    seen what it asks. A NUL byte cuts the line short for bash.
    Use instead: the key for it (`queue = "other.q"`) or `job.directives`, where it is checked.
    """
    for i, text in enumerate(plan.profile.job.prologue):
        lines = text.split("\n")  # SGE and bash end a line at \n only
        directive = next((line for line in lines if line.startswith("#$")), None)
        if directive is not None:
            yield Finding(
                ("job", "prologue", i),
                f"prologue line {directive!r} is read by qsub as options, which sgecompile does not check",
                "Set it with its key or in job.directives; or indent it if it is meant as a comment.",
            )
        if "\x00" in text:
            yield Finding(("job", "prologue", i), "the prologue line contains a NUL byte", "Remove it.")


def prologue_not_bash(plan: Plan) -> Iterator[Finding]:
    """A `job.prologue` that bash cannot parse, when the job's shell is bash.

    Why: a missing quote or `fi` makes bash refuse the whole script on the
    compute host, so the worker never starts. Checked with `bash -n`, which
    reads without running anything.
    Use instead: the lines as you would type them in a bash script.
    """
    prologue = plan.profile.job.prologue
    if not prologue or Path(plan.profile.site.shell).name != "bash":
        return
    message = _bash_syntax_error("\n".join(prologue).replace("\x00", "") + "\n")  # a NUL is SGE603's
    if message:
        line = re.match(r"line (\d+): ", message)
        at = int(line.group(1)) - 1 if line else -1
        one_line_each = not any("\n" in entry for entry in prologue)  # then bash's line N is entry N
        yield Finding(
            ("job", "prologue", at) if one_line_each and 0 <= at < len(prologue) else ("job", "prologue"),
            f"bash cannot parse the prologue: {message}",
            "Fix the line bash names (a missing quote, `fi` or `done`).",
        )


# A line of plain words: no quoting, no operators, brackets, braces or comments, `$` only before a name.
_PLAIN_LINE = re.compile(r"(?:[ \t]|[A-Za-z0-9_./:=+,@%~-]|\$[A-Za-z_])*")


def plainly_parses(script: str) -> bool:
    """Whether bash certainly parses ``script`` without asking it: every line is a simple command of plain words.

    Most prologues are ``module load x`` and ``export A=b``; asking ``bash -n``
    costs a process (some milliseconds) for each different prologue. A line
    with a word bash may read as a keyword (``fi``, ``do``, ``!``) goes to bash,
    like anything less plain.
    """
    return all(_PLAIN_LINE.fullmatch(line) and _SHELL_KEYWORDS.isdisjoint(line.split()) for line in script.split("\n"))


@functools.lru_cache(maxsize=256)  # profiles of one repository mostly share their prologue
def _bash_syntax_error(script: str) -> str | None:
    """What ``bash -n`` says of ``script``; None when it parses, or when there is no bash to ask."""
    if plainly_parses(script):
        return None
    import shutil  # only profiles with a prologue pay for these
    import subprocess

    bash = shutil.which("bash")
    if bash is None:
        return None
    parsed = subprocess.run([bash, "-n"], input=script, capture_output=True, text=True, check=False)
    if not parsed.returncode:
        return None
    return (parsed.stderr.strip().splitlines() or ["a syntax error"])[-1].removeprefix(f"{bash}: ")


_SHELL_KEYWORDS = frozenset(
    "! [[ ]] { } case coproc do done elif else esac fi for function if in select then time until while".split()
)
_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=")
_OPTION = "it is an option, and bash finds no program of that name"


def _not_a_command(word: str) -> str | None:
    """Why bash would not run ``word`` as a program when it starts a command line, if it would not."""
    if not word.strip():
        return "it is empty"
    if word in _SHELL_KEYWORDS:
        return "bash reads it as its own keyword"
    if _ASSIGNMENT.match(word):
        return "bash reads it as a variable assignment"
    if word.startswith("%"):
        return "bash reads a leading % as a job"
    if word.startswith("-"):
        return _OPTION
    return None


def _several_words(word: str) -> list[str] | None:
    """The words of ``word`` when it is a program with its arguments, which bash looks up whole as one name.

    A path may hold a space (``/opt/My Env/bin/python``); a name looked up in
    ``PATH`` (no ``/``), a later word that is an option (``-u``) or ``env``
    with the program after it (``/usr/bin/env python3``) is no path.
    """
    words = word.split()
    if len(words) < 2:
        return None
    if "/" not in word or any(w.startswith("-") for w in words[1:]) or words[0].rsplit("/", 1)[-1] == "env":
        return words
    return None


def python_is_not_a_command(plan: Plan) -> Iterator[Finding]:
    """A `worker.python` that bash does not run as a program: a keyword, an option, empty, or several words.

    Why: it is the first word of the worker's command line. There bash reads
    `if` or `time` as its own keywords, `NAME=value` as a variable assignment
    and `%1` as a job, quoted or not, so the script fails or runs something else.
    An empty word, an option (`-m`) or several words in one (`"python3 -u"`,
    `"/usr/bin/env python3"`, written as one quoted word) name no program: bash
    says "command not found" and no worker starts.
    Use instead: the path of the Python to run, e.g. `python = "/opt/conda/envs/dask/bin/python"`;
    Python's options in `worker.command`, word by word:
    `command = ["python3", "-u", "-m", "distributed.cli.dask_worker"]`.
    """
    python = plan.profile.worker.python
    words = _several_words(python)
    if words:
        yield Finding(
            ("worker", "python"),
            f"worker.python {python!r} is {len(words)} words in one: the script quotes it as one program's name,"
            " and bash finds no program of that name",
            f"Write the words in worker.command instead, e.g. command = {toml_value(_with_module(plan, words))},"
            " and give worker.python the path of one program (or leave it out).",
        )
        return
    why = _not_a_command(python)
    if why:
        yield Finding(
            ("worker", "python"),
            f"worker.python {python!r} is not a program: {why}",
            'Give the path of the Python to run, e.g. python = "/usr/bin/python3"; its options go in worker.command,'
            ' e.g. command = ["/usr/bin/python3", "-u", "-m", "distributed.cli.dask_worker"].'
            if why == _OPTION
            else 'Give the path of the Python to run, e.g. python = "/usr/bin/python3".',
        )


def _with_module(plan: Plan, words: list[str]) -> list[str]:
    """``words`` followed by the module worker.python runs: the one of ``worker.command``, else distributed's worker."""
    command = plan.profile.worker.command
    return [*words, *(command if command and command[0] == "-m" else ("-m", DASK_WORKER_MODULE))]


def prologue_without_shell(plan: Plan) -> Iterator[Finding]:
    """A prologue while `-S` is skipped.

    Why: queues in `posix_compliant` mode ignore the shebang and run the
    script with the queue's shell (`/bin/csh` by default), where bash
    prologue lines fail.
    Use instead: keep `-S` (set `site.shell`), or check `qconf -sq QUEUE` shows `shell_start_mode unix_behavior`.
    """
    job = plan.profile.job
    if job.prologue and "-S" in job.skip:
        yield Finding(
            ("job", "skip"),
            "`-S` is skipped, so queues in posix_compliant mode run the prologue with their own shell (often /bin/csh)",
            f'Remove "-S" from job.skip; sgecompile then writes `-S {plan.profile.site.shell}`.',
        )


def shell_not_a_path(plan: Plan) -> Iterator[Finding]:
    """A `site.shell` that is not an absolute path.

    Why: it is both the script's `#!` line and `-S`, and neither searches
    `PATH`: `#!bash` does not run, and SGE looks for `bash` in the job's
    working directory.
    Use instead: the full path, e.g. `shell = "/bin/bash"`.
    """
    shell = plan.profile.site.shell
    if not shell.startswith("/"):
        yield Finding(
            ("site", "shell"),
            f"site.shell {shell!r} is not an absolute path, which `#!` and `-S` need",
            f'Write the full path, e.g. shell = "/bin/{shell.rsplit("/", 1)[-1] or "bash"}".',
        )


def output_path_sge_cannot_use(plan: Plan) -> Iterator[Finding]:
    """An output path (`job.log_directory`, `-o`, `-e`) whose folder SGE cannot find.

    Why: SGE expands only `$HOME`, `$USER`, `$JOB_ID`, `$JOB_NAME`,
    `$HOSTNAME`, `$TASK_ID` and a leading `~` in these paths, never
    `${NAME}` or other variables (`$TMPDIR` exists only once the job runs),
    and it does not create folders: when the folder is missing, the job goes
    to error state Eqw and never starts. A folder named after `$JOB_ID`,
    `$TASK_ID` or `$HOSTNAME` cannot be made before the job exists.
    Use instead: `"$HOME/logs"`, `"~/logs"` or a plain path; SGE already puts
    the job ID in each file's name (`NAME.oJOB_ID`).
    """
    for d in plan.requested:
        if d.option in ("-o", "-e"):
            for path in d.args[0].split(","):  # qsub(1): [[host]:]path,...
                if problem := _output_path_problem(path):
                    yield Finding(
                        d.origin,
                        f"{d.option} {path}: {problem}",
                        "Use $HOME/..., ~/... or a plain path to a folder that exists; SGE puts the job ID in file names.",
                    )


_VARIABLE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_PER_JOB = ("JOB_ID", "TASK_ID", "HOSTNAME")  # known only once the job runs: no folder can be made for them


def _output_path_problem(path: str) -> str | None:
    """What keeps SGE from finding the folder of one -o/-e path, if anything."""
    if "${" in path:
        return "SGE expands `$NAME` here, not `${NAME}`"
    if unknown := [n for n in _VARIABLE.findall(path) if n not in dirs.OUTPUT_PATH_VARIABLES]:
        known = ", ".join("$" + n for n in dirs.OUTPUT_PATH_VARIABLES)
        return f"SGE does not expand ${unknown[0]} here, only {known}"
    folder = path if path.endswith("/") else path.rpartition("/")[0]
    if per_job := [n for n in _VARIABLE.findall(folder) if n in _PER_JOB]:
        return (
            f"the folder is named after ${per_job[0]}: it cannot exist before the job runs, and SGE does not create it"
        )
    return None


def command_cannot_start(plan: Plan) -> Iterator[Finding]:
    """A `worker.command` that cannot start a worker: its first word is no program, or `-m` names no module.

    Why: the command is the first thing on the worker's line of the script.
    There bash reads `if` or `done` as its own keywords, `%1` as a job, and
    an empty word or an option (`-u`) as a program that is not there
    (`NAME=value` and `time` are prefixes it runs the rest after, and need a
    program after them); and `python -m` with no module after it exits at
    once. Only a command starting with `-m` runs after `worker.python`. The
    job starts, and no worker ever comes.
    Use instead: the program's name or path first (`["dask-cuda-worker"]`,
    `["python3", "-u", "-m", "distributed.cli.dask_worker"]`,
    `["singularity", "exec", "dask.sif", "python", "-m", "distributed.cli.dask_worker"]`),
    or `-m` and a module that `worker.python` runs (`["-m", "dask_cuda.cli.dask_cuda_worker"]`).
    """
    command = plan.profile.worker.command
    if not command:
        return
    if command[0] == "-m":
        if len(command) < 2 or not command[1].strip():
            yield Finding(
                ("worker", "command"),
                f"worker.command {list(command)!r} gives -m but no module after it: python exits at once",
                'Name the module, e.g. command = ["-m", "dask_cuda.cli.dask_cuda_worker"].',
            )
        return
    at, why = _program_problem(command)
    if why:
        yield Finding(
            ("worker", "command", at),
            f"worker.command has no program to run: {command[at]!r}: {why}",
            _start_hint(command, at, why),
        )


def _start_hint(command: tuple[str, ...], at: int, why: str) -> str:
    """For an option where the program belongs, the command with a program before it; else any program first."""
    if why != _OPTION:
        return 'Start with the program to run, e.g. command = ["dask-cuda-worker"].'
    fixed = [*command[:at], "python3", *command[at:]]
    return (
        f"Start with the program the option is for, e.g. command = {toml_value(fixed)};"
        " only a command starting with -m runs after worker.python."
    )


_PREFIXES = frozenset({"time", "!"})  # keywords bash runs the rest of the line after
_TIME_OPTIONS = frozenset({"-p", "--"})  # `time -p -- CMD`: options of bash's keyword, not programs


def _program_problem(words: tuple[str, ...]) -> tuple[int, str | None]:
    """The word where bash finds no program in a command line, and why: ``VAR=value`` words and ``time`` (with
    its ``-p``) are prefixes bash runs the rest after; any other keyword, a ``%`` job, an empty word or an
    option are not programs."""
    for i, word in enumerate(words):
        timed = word in _TIME_OPTIONS and "time" in words[max(0, i - 2) : i]
        if _ASSIGNMENT.match(word) or word in _PREFIXES or timed:
            if i == len(words) - 1:
                return i, "it is the last word, and bash reads it as a prefix of a command (a variable or `time`)"
            continue
        return i, _not_a_command(word)
    return 0, None


def command_not_dask_worker(plan: Plan) -> Iterator[Finding]:
    """A `worker.command` other than distributed's worker, in a profile that asks for what only that worker is given.

    Why: only distributed's own worker (`python -m distributed.cli.dask_worker`,
    `dask-worker`, `dask worker`) is given `--nworkers`, `--nanny` or
    `--no-nanny`, and `--lifetime`; dask-jobqueue leaves the first three out
    for any other `worker_command` too, as another program may not take them.
    So `processes` above 1 and `nanny = false` do nothing, and with a walltime
    the workers do not retire before it: SGE kills them at `h_rt`.
    Use instead: the program's own options for them in `worker.extra_args`
    (e.g. `--lifetime` where it takes one), or distributed's worker.
    """
    worker = plan.profile.worker
    if not worker.command or worker.runs_dask_worker:
        return
    unused = [f"processes = {worker.processes} (no --nworkers)"] if worker.processes > 1 else []
    unused += ["nanny = false (no --no-nanny)"] if not worker.nanny else []
    if plan.resource("h_rt") and plan.retirement is None:
        unused.append("retiring before the walltime (no --lifetime: SGE kills the workers at h_rt)")
    if unused:
        yield Finding(
            ("worker", "command"),
            f"worker.command {worker.start[0]!r} ... is not distributed's worker, so sgecompile gives it no"
            f" --nworkers, --nanny or --lifetime; the profile asks for {'; '.join(unused)}",
            "Give the program's own options for them in worker.extra_args, or run distributed's worker.",
        )
