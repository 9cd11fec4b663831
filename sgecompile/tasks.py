"""What happened to the tasks of an emitted task array, and resubmitting only the ones that did not succeed.

Each task writes its exit status to ``status/TASK.exit`` when its command
ends; a task with no such file never finished (still running, killed, or
never started).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import attrs

from . import sgecommands


class TaskFolderError(ValueError):
    """A folder that is not an emitted task array, or one whose jobs are still queued."""


@attrs.frozen
class Report:
    total: int
    failed: dict[int, int]  # task -> exit status
    unfinished: tuple[int, ...]

    @property
    def to_rerun(self) -> list[int]:
        return sorted([*self.failed, *self.unfinished])


def report(folder: Path) -> Report:
    try:
        commands = json.loads((folder / "tasks.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TaskFolderError(f"{folder} holds no task array emitted by sgecompile: {error}") from None
    if not isinstance(commands, list):
        raise TaskFolderError(f"{folder / 'tasks.json'} is not the list of commands emit writes")
    failed, unfinished = {}, []
    for task in range(1, len(commands) + 1):
        status = _exit_status(folder / "status" / f"{task}.exit")
        if status is None:
            unfinished.append(task)
        elif status != 0:
            failed[task] = status
    return Report(len(commands), failed, tuple(unfinished))


def _exit_status(path: Path) -> int | None:
    """The status tasks.sh wrote (``$?``, 0 to 255, one line); None when there is none: the task did not finish."""
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, ValueError):
        return None
    return int(text) if re.fullmatch(r"[0-9]{1,3}\n?", text) and int(text) <= 255 else None


def runs(tasks: list[int]) -> list[tuple[int, int]]:
    """Consecutive task numbers as ``(first, last)`` ranges, since ``qsub -t`` takes ranges, not lists."""
    found: list[tuple[int, int]] = []
    for task in sorted(tasks):
        if found and task == found[-1][1] + 1:
            found[-1] = (found[-1][0], task)
        else:
            found.append((task, task))
    return found


def forget(folder: Path) -> None:
    """Remove the exit statuses in ``folder``: they belong to the task list that ran, not to a new one."""
    for status in (folder / "status").glob("*.exit"):
        status.unlink()


def submitted(folder: Path) -> set[str]:
    """The job ids submit.sh (and resubmit) wrote into ``folder``; none when it was never submitted."""
    ids_file = folder / "job-ids"
    return set(ids_file.read_text().split()) if ids_file.exists() else set()


def resubmit(folder: Path, tasks: list[int], array_limit: int | None = None) -> list[str]:
    """Submit ``tasks.sh`` again for exactly these tasks, as one array job (or one per ``array_limit`` of them).

    One job, so that the array's ``-tc`` (``emit --concurrent``) bounds them
    all: its i-th task runs task ``tasks[i]``, which tasks.sh reads from
    ``$SGECOMPILE_TASKS``. When one array may not hold them, each further
    array waits for the one before under ``-tc``, as ``submit.sh`` does.
    Returns the job ids.
    """
    ids = submitted(folder)
    if not ids:
        raise TaskFolderError(
            f"nothing of {folder} was submitted yet: run {folder / 'submit.sh'}, which also makes its folders"
        )
    if busy := ids & {job.id for job in sgecommands.queued()}:
        raise TaskFolderError(
            f"jobs {', '.join(sorted(busy))} of {folder} are still queued: wait for them or run cancel.sh"
        )
    for task in tasks:
        (folder / "status" / f"{task}.exit").unlink(missing_ok=True)
    script = str(folder.resolve() / "tasks.sh")  # qsub runs in the folder: a relative name would be looked up twice
    chained = _has_concurrency_limit(folder)
    jobs: list[str] = []
    size = array_limit or len(tasks)
    for start in range(0, len(tasks), size):
        chosen = tasks[start : start + size]
        options = [
            "-t",
            f"1-{len(chosen)}",
            "-v",
            "SGECOMPILE_TASKS=" + ":".join(map(str, chosen)),
        ]  # not commas: qsub -v splits at them
        if chained and jobs:
            options += ["-hold_jid", jobs[-1]]
        jobs.append(sgecommands.submit(script, options, cwd=folder))
        with (folder / "job-ids").open("a") as f:
            f.write(f"{jobs[-1]}\n")
    return jobs


def _has_concurrency_limit(folder: Path) -> bool:
    """Whether the emitted tasks.sh runs under ``-tc`` (``emit --concurrent``)."""
    try:
        return any(line.startswith("#$ -tc ") for line in (folder / "tasks.sh").read_text().splitlines())
    except OSError:
        return False
