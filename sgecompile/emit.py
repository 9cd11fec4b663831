"""Standalone job scripts: a dask cluster, or a list of commands, as plain SGE jobs.

Nothing here needs a Python process to stay alive after submission. The
cluster is a scheduler job plus the workers as one array job, meeting
through a scheduler file; a task list is one array job whose task i runs
command i. Every script is built from the same compiled plan as ``render``
(same header rules, same checks); this module only adds the array, the
scheduler-file wiring and the small shell scripts around them.
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
import tomli

from . import directives as dirs
from .files import write_atomic
from .plan import TLS_FLAGS, TLS_PLACEHOLDER, WORKER_NAME_DEFAULT, Plan, compile_profile
from .rendering import fill, job_script
from .shellword import LINE_BREAK, SET_LINE_BREAK, exact_word, shell_word
from .units import parse_dask_memory

SCHEDULER_MEMORY = "2GiB"  # the scheduler job's own request: one slot, this much memory
EXECUTABLE = 0o755
WRITTEN = ".sgecompile-emitted"  # the names emit has written into a folder: the only files it may replace


class TaskListError(ValueError):
    """A task file that cannot be read as commands; the message names the file and the place."""


@attrs.frozen
class Submission:
    """One ``qsub`` that submit.sh runs: a script, the options it adds, and whether it waits for the one before."""

    script: str
    options: tuple[str, ...] = ()
    after_previous: bool = False


@attrs.frozen
class File:
    name: str
    text: str
    mode: int = 0o644


def scheduler_plan(plan: Plan) -> Plan:
    """The scheduler's job: the profile's queue, project and walltime, one slot, a small memory request.

    The workers' -pe and memory requests are left out wherever the profile
    wrote them (site.pe, job.resources or job.directives); its own are derived from its 2 GiB.
    """
    profile = plan.profile
    site, job, worker = profile.site, profile.job, profile.worker
    memory = {name for name, _ in site.memory}  # the workers' memory requests, each of them
    small = attrs.evolve(
        worker,
        cores=1,
        processes=1,
        task_cores=1,
        task_memory=None,
        nanny=False,
        memory=parse_dask_memory(SCHEDULER_MEMORY),
    )  # one Python, no nanny: the scheduler
    own = attrs.evolve(
        profile,
        site=attrs.evolve(site, pe=None),
        job=attrs.evolve(
            job,
            name=f"{job.name}-scheduler",
            resources=tuple(r for r in job.resources if r.name not in memory),
            directives=tuple(d for d in job.directives if not _workers_only(d, memory)),
        ),
        worker=small,
    )
    return compile_profile(own)


def _workers_only(d: dirs.Directive, memory: set[str]) -> bool:
    return d.option == "-pe" or d.resource in memory


def cluster_files(plan: Plan, folder: Path, jobs: int) -> list[File]:
    """scheduler.sh, workers.sh (an array of ``jobs``), submit.sh, cancel.sh and a README."""
    folder = folder.resolve()
    scheduler_file = str(folder / "scheduler.json")
    python = plan.profile.worker.python
    scheduler_command = [python, "-m", "distributed.cli.dask_scheduler", "--scheduler-file", scheduler_file]
    scheduler_command += ["--port", "0"]  # any free port: the file tells the workers, and 8786 may be taken
    if plan.profile.worker.interface:
        scheduler_command += ["--interface", plan.profile.worker.interface]
    if plan.tls_files:  # the files given: emit refuses temporary ones (refuse_temporary_certificates)
        scheduler_command += ["--protocol", "tls"]
        scheduler_command += [word for pair in zip(TLS_FLAGS, plan.tls_files, strict=True) for word in pair]
    workers = plan.as_array(jobs, plan.profile.worker.max_jobs_at_once)
    worker_command = plan.worker_command(("--scheduler-file", scheduler_file), f"{WORKER_NAME_DEFAULT}-$SGE_TASK_ID")
    setup = [
        _make_log_directory(plan),
        "rm -f scheduler.json scheduler.ended  # stale ones would mislead the workers",
    ]
    ended = shlex.quote(str(folder / "scheduler.ended"))
    return [
        File(
            "scheduler.sh",
            job_script(
                scheduler_plan(plan), scheduler_command, prologue=[f"trap {shlex.quote('touch ' + ended)} EXIT"]
            ),
            EXECUTABLE,
        ),
        File(
            "workers.sh", job_script(workers, worker_command, prologue=[_wait_for(scheduler_file, ended)]), EXECUTABLE
        ),
        *_submit_and_cancel(
            folder,
            "the scheduler and the workers",
            setup,
            [Submission("scheduler.sh"), Submission("workers.sh")],
            cleanup=("rm -f scheduler.json  # its scheduler is gone: a client reading it would wait for nothing",),
        ),
        File(
            "README.md",
            fill(
                "cluster-README.md.j2",
                profile=plan.profile.source.file,
                jobs=jobs,
                scheduler_file=scheduler_file,
                logs=_logs(plan),
            ),
        ),
    ]


def temporary_certificates(plan: Plan) -> bool:
    """Whether the profile asks for temporary TLS certificates, which only launch and up make (and remove)."""
    files = plan.tls_files
    return files is not None and TLS_PLACEHOLDER in files[0]


def _wait_for(scheduler_file: str, ended: str) -> str:
    """The workers' wait for the scheduler job, which may start later; not past its end, or they would hold slots."""
    said = f"sgecompile: the scheduler job ended without writing {scheduler_file}; its log says why"
    return (
        f"until [ -s {shlex.quote(scheduler_file)} ]; do"
        f" if [ -e {ended} ]; then echo {shlex.quote(said)} >&2; exit 1; fi; sleep 2; done"
    )


def _submit_and_cancel(
    folder: Path, what: str, setup: list[str], submissions: list[Submission], cleanup: tuple[str, ...] = ()
) -> list[File]:
    """submit.sh (prepare the folder, qsub each script, keep the ids) and cancel.sh (qdel them, then ``cleanup``)."""
    submit = fill("submit.sh.j2", folder=str(folder), what=what, setup=setup, submissions=submissions)
    return [
        File("submit.sh", submit, EXECUTABLE),
        File("cancel.sh", fill("cancel.sh.j2", folder=str(folder), cleanup=cleanup), EXECUTABLE),
    ]


def _make_log_directory(plan: Plan) -> str:
    """SGE cannot create the -o folder: a job whose folder is missing goes to error state Eqw."""
    folder = plan.log_folder
    return f"mkdir -p {shell_word(folder)}" if folder else ": # output goes to the job's working directory"


def _logs(plan: Plan) -> str:
    """Where SGE writes the jobs' output files, for the emitted README."""
    output = plan.wanted("-o")
    if output:
        return f"`{output[0].args[0]}`"
    return "this folder" if plan.wanted("-cwd") else "your home folder (the jobs run without -cwd)"


def task_plan(plan: Plan) -> Plan:
    """One task's job: the profile's resources with pe slots = task_cores (one worker thread)."""
    worker = attrs.evolve(plan.profile.worker, cores=1, processes=1)
    return compile_profile(attrs.evolve(plan.profile, worker=worker))


def task_ranges(count: int, array_limit: int | None) -> list[tuple[int, int]]:
    """Tasks 1..count as consecutive ranges of at most ``array_limit`` (qsub refuses a larger array)."""
    size = array_limit or count
    return [(first, min(first + size - 1, count)) for first in range(1, count + 1, size)]


def task_submissions(count: int, array_limit: int | None, concurrent: int | None) -> list[Submission]:
    """tasks.sh once, or once per range of tasks when one array may not hold them all.

    Task ids stay those of the whole list (``qsub -t 75001-150000``: SGE
    limits how many tasks an array has, not their numbers), so task i still
    runs command i. Under ``concurrent`` each range waits for the one before,
    since ``-tc`` bounds one array only.
    """
    ranges = task_ranges(count, array_limit)
    if len(ranges) == 1:
        return [Submission("tasks.sh")]
    return [
        Submission("tasks.sh", ("-t", f"{first}-{last}"), after_previous=bool(concurrent) and i > 0)
        for i, (first, last) in enumerate(ranges)
    ]


def task_files(
    plan: Plan,
    folder: Path,
    commands: list[list[str]],
    concurrent: int | None = None,
    array_limit: int | None = None,
) -> list[File]:
    """tasks.sh (an array job, submitted in ranges of ``array_limit``), tasks.json, submit.sh, cancel.sh, a README."""
    folder = folder.resolve()
    tasks = task_plan(plan).as_array(len(commands), concurrent)
    ansi_c = _bash_runs(tasks)
    lines = [_task_line(argv, ansi_c) for argv in commands]
    script = job_script(tasks, (), template="tasks.sh.j2", task_lines=lines, status_dir=str(folder / "status"))
    setup = ["mkdir -p status", FORGET_OUTCOMES, _make_log_directory(plan)]
    submissions = task_submissions(len(commands), array_limit, concurrent)
    return [
        File("tasks.sh", script, EXECUTABLE),
        File("tasks.json", json.dumps(commands, indent=1) + "\n"),
        *_submit_and_cancel(folder, f"{len(commands)} tasks", setup, submissions),
        File(
            "README.md",
            fill(
                "tasks-README.md.j2",
                profile=plan.profile.source.file,
                count=len(commands),
                arrays=len(submissions),
                concurrent=concurrent,
                folder=str(folder),
                logs=_logs(plan),
            ),
        ),
    ]


# submit.sh run again runs every task again: the outcomes of the run before would tell `tasks` that the new
# tasks had finished (as emit itself forgets them, tasks.forget).
FORGET_OUTCOMES = "rm -f status/*.exit status/*.exit.tmp"


def _bash_runs(plan: Plan) -> bool:
    """Whether bash runs the job's script wherever it starts: its shebang and its ``-S`` both name bash.

    Without ``-S``, a queue in posix_compliant mode runs it with the queue's
    own shell, which may be a sh without bash's ``$'...'`` quoting.
    """
    shells = [plan.profile.site.shell, *(d.args[0] for d in plan.wanted("-S"))]
    return len(shells) > 1 and all(Path(shell).name == "bash" for shell in shells)


def _task_line(argv: list[str], ansi_c: bool) -> str:
    """What a task's line of tasks.sh runs to set its words: ``set -- WORDS``, every word exact and on this line.

    A POSIX sh writes a line break as a variable, set on the same line and
    unset after it, so that no task's command sees it (not even under ``set -a``).
    """
    words = " ".join(exact_word(word, ansi_c) for word in argv)
    if ansi_c or not any("\n" in word for word in argv):
        return f"set -- {words}"
    return f"{SET_LINE_BREAK}; set -- {words}; unset {LINE_BREAK}"


def not_ours(folder: Path, files: list[File]) -> list[str]:
    """Names of ``files`` already in ``folder`` that emit did not write there: a user's own README.md or submit.sh.

    Emitting again into an emitted folder replaces its scripts; anything else
    there was written by someone else, and emit must not destroy it. A record
    that is not a plain file (a symlink, a folder) is not emit's either.
    """
    ours = written_by_emit(folder)
    foreign = [f.name for f in files if os.path.lexists(folder / f.name) and f.name not in ours]
    record = folder / WRITTEN
    if os.path.lexists(record) and (record.is_symlink() or not record.is_file()):
        foreign.append(WRITTEN)
    return sorted(foreign)


def write(folder: Path, files: list[File]) -> None:
    """Write ``files`` into ``folder`` (made if missing), then record their names as emit's own.

    Recorded last, so that a failure half way leaves files emit refuses to
    replace, never a record of files that are not there.
    """
    folder.mkdir(parents=True, exist_ok=True)
    names = sorted(written_by_emit(folder) | {f.name for f in files})
    for file in files:
        write_atomic(folder / file.name, file.text, file.mode)
    write_atomic(folder / WRITTEN, "".join(f"{name}\n" for name in names))


def written_by_emit(folder: Path) -> set[str]:
    """The names emit has written into ``folder``, from its record there."""
    record = folder / WRITTEN
    if record.is_symlink():
        return set()
    try:
        return set(record.read_text(encoding="utf-8").split())
    except (OSError, UnicodeDecodeError):  # none yet, or unreadable: then no file there counts as emit's
        return set()


def read_commands(path: Path) -> list[list[str]]:
    """Commands from a file: one a line (shell-style quoting, ``#`` comments), or a JSON/TOML list of argv lists.

    TOML holds them as ``commands = [["iqtree", "-s", "aln 1"], ...]``.
    """
    return list(each_command(path))


def each_command(path: Path) -> Iterator[list[str]]:
    """The commands of ``read_commands`` one at a time: a list of lines is read as it goes, never held whole.

    ``sgecompile run`` reads 100,000 commands this way; a JSON or TOML list
    is parsed whole first (its parsers know no other way).
    """
    if path.suffix.lower() in (".json", ".toml"):
        yield from _argv_lists(path, _text(path))
        return
    found = False
    try:
        with path.open(encoding="utf-8-sig") as file:  # -sig: a byte order mark is no part of the first word
            for number, line in enumerate(_lines(file), 1):
                if words := _words(path, number, line):
                    found = True
                    yield words
    except (OSError, UnicodeDecodeError) as error:
        raise TaskListError(f"{path}: cannot read it: {error}") from None
    if not found:
        raise TaskListError(f"{path}: no commands in it")


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise TaskListError(f"{path}: cannot read it: {error}") from None


def _lines(file: Iterable[str]) -> Iterator[str]:
    """The file's lines as ``str.splitlines`` counts them (also at form feeds and the like), read a line at a time."""
    for line in file:
        yield from line.splitlines()


def _words(path: Path, number: int, line: str) -> list[str]:
    if "\x00" in line:
        raise TaskListError(f"{path}:{number}: {_NUL}")
    try:
        return shlex.split(_without_comment(line))
    except ValueError as error:
        raise TaskListError(f"{path}:{number}: {error}") from None


def _without_comment(line: str) -> str:
    """The line up to a ``#`` that starts a word outside quotes, where bash starts a comment.

    shlex's own comments start at any ``#``: ``iqtree -s aln#1.phy -nt 10``
    lost all but ``iqtree -s aln``, where bash passes ``aln#1.phy`` whole.
    """
    quote, escaped, word_start = "", False, True
    for i, char in enumerate(line):
        blank = not (escaped or quote) and char in " \t"
        if escaped:
            escaped = False
        elif char == "\\" and quote != "'":
            escaped = True
        elif quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and word_start:
            return line[:i]
        word_start = blank
    return line


def _argv_lists(path: Path, text: str) -> list[list[str]]:
    try:
        data: Any = json.loads(text) if path.suffix.lower() == ".json" else tomli.loads(text).get("commands")
    except (ValueError, tomli.TOMLDecodeError) as error:
        raise TaskListError(f"{path}: {error}") from None
    if not isinstance(data, list) or not data:
        raise TaskListError(f"{path}: expected a non-empty list of commands, each a list of strings")
    for i, argv in enumerate(data, 1):
        if not isinstance(argv, list) or not argv or not all(isinstance(w, str) for w in argv):
            raise TaskListError(f"{path}: command {i} is not a non-empty list of strings: {argv!r}")
        if any("\x00" in word for word in argv):
            raise TaskListError(f"{path}: command {i}: {_NUL}")
        if not all(map(utf8, argv)):
            raise TaskListError(f"{path}: command {i}: {_SURROGATE}")
    return data


def utf8(text: str) -> bool:
    """Whether a script can hold ``text``: a lone surrogate (JSON's ``\\udc80``, or bytes of a file name that
    are not UTF-8) is half a character, with no UTF-8 at all."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


_NUL = "a NUL byte, which no command's arguments can hold (bash would drop it)"
_SURROGATE = "a \\u escape of half a character (a lone surrogate), which no file can hold as text"
