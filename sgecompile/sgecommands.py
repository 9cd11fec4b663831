"""Grid Engine's own commands (qsub, qdel, qstat, qconf, qhost), called and read in one place.

Everything that talks to a cluster goes through here, so that a missing SGE,
a refused submission or an unreadable answer becomes one clear error that
names the command and carries SGE's own message.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence

import attrs

log = logging.getLogger(__name__)
SETTINGS = "/var/lib/gridengine/default/common/settings.sh"
_JOB_ID = re.compile(r"(\d+)(?:\.\d+-\d+:\d+)?")


class SGEError(Exception):
    """A Grid Engine command failed or is missing; the message says which and why.

    ``said`` holds the command's own message lines, for callers that read them.
    """

    def __init__(self, message: str, said: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.said = tuple(said)


def available() -> bool:
    return shutil.which("qsub") is not None


# What a client says when sge_qmaster does not answer (it is restarting, or down): SGE 8.1.9's commlib.
QMASTER_AWAY = re.compile(r"unable to (contact|send message to) qmaster|commlib error")
QMASTER_PATIENCE = 120.0  # seconds a patient command waits for qmaster to come back (a restart reads its spool)


def run(
    argv: Sequence[str], timeout: float = 60, cwd: str | os.PathLike[str] | None = None, patient: bool = False
) -> str:
    """Run one SGE command and return its stdout; a failure raises :class:`SGEError` with its stderr.

    A ``patient`` command whose qmaster does not answer tries again, once a
    second for up to :data:`QMASTER_PATIENCE` seconds, and logs that it does:
    a running cluster's jobs outlive a qmaster restart, and so should the
    program that scales and removes them.
    """
    deadline, told = time.monotonic() + QMASTER_PATIENCE, False
    while True:
        try:
            said = _run_once(argv, timeout, cwd)
        except SGEError as error:
            if not (patient and QMASTER_AWAY.search(str(error)) and time.monotonic() < deadline):
                raise
            if not told:
                log.warning("`%s`: qmaster does not answer; trying again for up to %.0f s", argv[0], QMASTER_PATIENCE)
                told = True
            time.sleep(1)
            continue
        if told:
            log.warning("`%s`: qmaster answers again", argv[0])
        return said


def _run_once(argv: Sequence[str], timeout: float, cwd: str | os.PathLike[str] | None) -> str:
    if shutil.which(argv[0]) is None:
        raise SGEError(
            f"`{argv[0]}` is not on PATH: this machine has no Grid Engine client, or its settings are not loaded "
            f"(on the test SGE: `. {SETTINGS}`)"
        )
    try:
        done = subprocess.run(list(argv), capture_output=True, text=True, timeout=timeout, cwd=cwd)
    except subprocess.TimeoutExpired:
        raise SGEError(f"`{' '.join(argv)}` did not answer in {timeout:.0f} s: is sge_qmaster running?") from None
    if done.returncode != 0:
        said = (done.stderr.strip() or done.stdout.strip() or f"exit status {done.returncode}").splitlines()
        raise SGEError(f"`{' '.join(argv)}` failed: {' / '.join(said)}", said)
    return done.stdout


def job_id(terse_output: str) -> str:
    """The job id that ``qsub -terse`` printed (``123``, or ``123.1-4:1`` for an array job).

    Only a line that is exactly an id counts: a warning such as ``3 queues
    disabled`` on another line cannot be mistaken for it.
    """
    for line in terse_output.splitlines():
        match = _JOB_ID.fullmatch(line.strip())
        if match:
            return match[1]
    raise SGEError(f"qsub printed no job id: {terse_output.strip()!r}")


def submit(script: str, options: Sequence[str] = (), cwd: str | os.PathLike[str] | None = None) -> str:
    """Submit a job script file (from ``cwd``, which ``-cwd`` jobs run in) and return its job id."""
    return job_id(run(["qsub", "-terse", *options, script], cwd=cwd, patient=True))


def delete(ids: Iterable[str], force: bool = False) -> None:
    """Remove jobs (or array tasks, ``ID.TASK``); those already gone are not an error.

    ``force`` (``qdel -f``) removes them from qmaster even when their host no
    longer answers; only managers, or everyone where qmaster_params has
    ENABLE_FORCED_QDEL, may.
    """
    wanted = list(ids)
    if not wanted:
        return
    try:
        run(["qdel", *(["-f"] if force else []), *wanted], patient=True)
    except SGEError as error:
        if not all("does not exist" in line for line in error.said):
            raise


def delete_for_good(ids: Iterable[str], patience: float = 20) -> list[str]:
    """qdel jobs, wait for them to leave qstat, and force out those a lost host keeps there; returns those forced.

    qmaster keeps a job of a host that died in ``r`` or ``dr`` until it gives
    the host up (``max_unheard``, 5 minutes by default), since only that
    host's execd can say the job ended.
    """
    wanted = set(ids)
    delete(sorted(wanted))
    deadline = time.monotonic() + patience
    while (left := wanted & listed_ids()) and time.monotonic() < deadline:
        time.sleep(0.5)
    if left:
        delete(sorted(left), force=True)
    return sorted(left)


@attrs.frozen
class QueuedJob:
    id: str
    name: str
    state: str  # qstat's letters: qw pending, r running, Eqw error, dr being deleted, ...
    tasks: str = ""  # an array's task numbers on this line: "3" running, "1-4:1" or "1,3" pending; "" if no array

    @property
    def task_ids(self) -> list[str]:
        """The line's jobs as submitters name them: ``["12"]``, or ``["12.1", "12.2"]`` for array tasks."""
        if not self.tasks:
            return [self.id]
        return [f"{self.id}.{number}" for number in _task_numbers(self.tasks)]

    @property
    def pending(self) -> bool:
        return "q" in self.state and "E" not in self.state

    @property
    def failed(self) -> bool:
        return "E" in self.state


def queued() -> list[QueuedJob]:
    """Every job qstat lists (pending and running), of every user; an array job once per task line."""
    root = ET.fromstring(run(["qstat", "-xml", "-u", "*"], patient=True))
    return [
        QueuedJob(
            e.findtext("JB_job_number", ""), e.findtext("JB_name", ""), e.findtext("state", ""), e.findtext("tasks", "")
        )
        for e in root.iter("job_list")
    ]


def _task_numbers(tasks: str) -> Iterable[int]:
    """Expand qstat's task ranges, sge_types(1) style: ``1-4:1`` and ``1,3,7-9:2``."""
    for part in tasks.split(","):
        first, _, rest = part.partition("-")
        last, _, step = rest.partition(":")
        yield from range(int(first), int(last or first) + 1, int(step or 1))


def accounting(job: str) -> dict[str, str]:
    """What ``qacct`` recorded of an ended job or array task (``12`` or ``12.3``): its fields, e.g. ``failed``.

    Empty when qacct has no record (yet): qmaster writes it when the job ends,
    and a job removed before it ever ran has none.
    """
    number, _, task = job.partition(".")
    try:
        text = run(["qacct", "-j", number, *(["-t", task] if task else [])])
    except SGEError:
        return {}
    fields = (line.split(None, 1) for line in text.splitlines() if line and not line.startswith("="))
    return {pair[0]: pair[1].strip() for pair in fields if len(pair) == 2}


def listed_ids() -> set[str]:
    """Every job and array task qstat lists, as ``12`` and ``12.3`` (a task also under its job's number)."""
    return {name for job in queued() for name in (job.id, *job.task_ids)}


def reasons(job: str) -> list[str]:
    """Why a job is not running, as ``qstat -j`` explains it: error reasons and scheduling info."""
    try:
        text = run(["qstat", "-j", job])
    except SGEError:
        return []
    found: list[str] = []
    for line in text.splitlines():
        if line.startswith(("error reason", "scheduling info")) or line.startswith(" " * 16) and found:
            found.append(line.split(":", 1)[-1].strip())
    return [r for r in found if r]
