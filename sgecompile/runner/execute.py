"""What a dask worker runs for one command: the argv as written, never through a shell.

Shipped to the workers by value (see ``schedule``), so it uses the standard
library only: the workers' Python needs distributed, not sgecompile.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from typing import IO, Any

NOT_FOUND, NOT_RUNNABLE = 127, 126  # what a shell answers for a program missing or not executable


def execute(argv: list[str], cwd: str, logs: str | None) -> tuple[int, float, str]:
    """Run ``argv`` in ``cwd``; return its exit status (``-N``: killed by signal N), seconds taken and host.

    With ``logs``, its stdout and stderr go to ``logs.out`` and ``logs.err``
    (the folder must be shared with the compute hosts); without, to the
    worker's own output, the SGE job's log. A program that cannot start
    counts as exit 127 (missing) or 126 (not executable), as in a shell, with
    the reason on its stderr.
    """
    begin = time.monotonic()
    out, err = _outputs(logs)
    try:
        code = subprocess.run(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err).returncode
    except OSError as error:
        code = NOT_RUNNABLE if isinstance(error, PermissionError) else NOT_FOUND
        message = f"sgecompile run: cannot start {argv[0]!r} in {cwd}: {error.strerror or error}\n"
        if err:
            err.write(message.encode())
        else:
            sys.stderr.write(message)
    finally:
        for file in (out, err):
            if file:
                file.close()
    return code, time.monotonic() - begin, socket.gethostname()


def execute_some(commands: list[tuple[list[str], str, str | None]], budget: float) -> list[tuple[int, float, str]]:
    """Run the commands one after another until ``budget`` seconds have gone; return the outcomes of those run.

    One dask task carries several short commands (see ``schedule``); the
    budget keeps a long one from holding the rest of its task back for long:
    those not started come back to the client, which hands them out again.
    """
    begin = time.monotonic()
    done = [execute(*commands[0])]
    for command in commands[1:]:
        if time.monotonic() - begin >= budget:
            break
        done.append(execute(*command))
    return done


def _outputs(logs: str | None) -> tuple[IO[Any] | None, IO[Any] | None]:
    if logs is None:
        return None, None
    os.makedirs(os.path.dirname(logs), exist_ok=True)
    return open(logs + ".out", "wb"), open(logs + ".err", "wb")  # noqa: SIM115  # closed by execute
