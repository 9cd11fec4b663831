"""The ``--out`` folder of ``sgecompile run``: each command's outcome, kept so that a second run resumes.

``results.jsonl`` gets one JSON line per finished command, appended with a
single ``write`` (a Ctrl-C lands before or after it, never inside); a
line cut short by a crash is ignored when read back. A command is known by
a hash of its argv and working directory, so the same list run again from
the same folder skips what already succeeded; only those hashes (12 bytes
each) are held, never the outcomes. Each command's stdout and
stderr are in ``logs/``, written by the worker that ran it: the folder must
be on a file system the compute hosts share.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import signal
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs

from ..files import write_atomic

RESULTS = "results.jsonl"
SUMMARY = "summary.txt"


@attrs.frozen
class Command:
    """One command of the list: the argv as written, the folder it runs in, and which time it is listed.

    A command listed again (the same simulation run 100 times) is another
    command: ``repeat`` counts the times before it, so each runs, is recorded
    and resumes on its own; the first keeps the digest it always had.
    """

    argv: tuple[str, ...]
    cwd: str
    repeat: int = 0
    digest: bytes = attrs.field(init=False, default=attrs.Factory(lambda self: _identity(self), takes_self=True))

    @property
    def id(self) -> str:
        """The digest as ``results.jsonl`` and the log files name it (24 hex digits)."""
        return self.digest.hex()

    @property
    def text(self) -> str:
        return shlex.join(self.argv)


def _identity(command: Command) -> bytes:
    """What identifies a command across runs: a hash of its argv and working directory."""
    named = [command.argv, command.cwd] + ([command.repeat] if command.repeat else [])
    return hashlib.sha256(json.dumps(named).encode()).digest()[:12]


@attrs.frozen
class Outcome:
    """How a command ended: its exit status (None when dask could not run it, ``error`` says why)."""

    command: Command
    exit: int | None
    attempts: int = 1
    seconds: float = 0.0
    host: str = ""
    error: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.exit == 0

    @property
    def status(self) -> str:
        """The exit status as people read it: ``exit 3``, ``killed by SIGKILL``, or dask's error."""
        if self.exit is None:
            return f"not run: {self.error}"
        if self.exit < 0:
            try:
                return f"killed by {signal.Signals(-self.exit).name}"
            except ValueError:
                return f"killed by signal {-self.exit}"
        return f"exit {self.exit}"


class State:
    """An ``--out`` folder: which commands succeeded in earlier runs, and outcomes appended as commands finish."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder).resolve()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.succeeded = _succeeded(outcomes(self.folder / RESULTS))
        self._fd = os.open(self.folder / RESULTS, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def logs(self, command: Command) -> str:
        """Where the command's output goes, without the ``.out``/``.err`` suffix (256 subfolders, not one huge one)."""
        return str(self.folder / "logs" / command.id[:2] / command.id)

    def record(self, outcome: Outcome) -> None:
        """Append one outcome as one line in one ``write``."""
        c = outcome.command
        line: dict[str, object] = {
            "id": c.id,
            "argv": list(c.argv),
            "cwd": c.cwd,
            "exit": outcome.exit,
            "attempts": outcome.attempts,
        }
        line |= {"seconds": round(outcome.seconds, 3), "host": outcome.host, "error": outcome.error}
        line |= {"repeat": c.repeat} if c.repeat else {}
        os.write(self._fd, (json.dumps(line) + "\n").encode())

    def close(self) -> None:
        os.close(self._fd)

    def write_summary(self, text: str) -> None:
        write_atomic(self.folder / SUMMARY, text)


def outcomes(path: Path) -> Iterator[Outcome]:
    """The outcomes ``results.jsonl`` holds, in order, read a line at a time; lines a crash cut short are skipped."""
    try:
        file = path.open("rb")
    except FileNotFoundError:
        return
    with file:
        for raw in file:
            try:
                line = json.loads(raw)
                command = Command(tuple(line["argv"]), line["cwd"], line.get("repeat", 0))
                yield Outcome(command, line["exit"], line["attempts"], line["seconds"], line["host"], line["error"])
            except (ValueError, KeyError, TypeError):
                continue


def _succeeded(found: Iterable[Outcome]) -> set[bytes]:
    """The digests of the commands whose last outcome is a success."""
    digests: set[bytes] = set()
    for outcome in found:
        if outcome.succeeded:
            digests.add(outcome.command.digest)
        else:
            digests.discard(outcome.command.digest)
    return digests


def summary(total: int, earlier: int, done: int, failures: list[Outcome], state: State | None) -> str:
    """What ``summary.txt`` holds and the command prints: the counts, and each failed command with its status and log."""
    counts = f"{total} commands: {earlier + done} succeeded ({earlier} in an earlier run), {len(failures)} failed"
    not_run = total - earlier - done - len(failures)
    lines = [counts + (f", {not_run} not run yet" if not_run else "")]
    for outcome in failures:
        tries = f" after {outcome.attempts} attempts" if outcome.attempts > 1 else ""
        where = f"  (stderr: {state.logs(outcome.command)}.err)" if state else ""
        lines.append(f"  {outcome.status}{tries}: {outcome.command.text}{where}")
    return "\n".join(lines) + "\n"
