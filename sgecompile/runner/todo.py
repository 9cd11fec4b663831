"""What is left to run of a command list, without holding the list: it is read twice, the second time as it runs.

The first reading keeps the digest (12 bytes) of each command, once, and
forgets those that succeeded in an earlier run (``skip``).
The second hands each of those out once, as the scheduler asks for more,
forgetting its digest as it goes. So the client holds about 90 bytes per
command still to be handed out, never the commands themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Set as AbstractSet
from pathlib import Path

from ..emit import each_command
from .state import Command


class Todo:
    """The commands of a list to run now, each once, in the order written; ``len`` is how many."""

    def __init__(self, path: Path, cwd: str) -> None:
        self.path, self.cwd = path, cwd
        self.pending = {command.digest for command in self._listed()}
        self.total, self.earlier = len(self.pending), 0  # commands listed (each once); of them, done earlier

    def skip(self, succeeded: AbstractSet[bytes]) -> None:
        """Leave out the commands that succeeded in an earlier run."""
        earlier = self.pending & succeeded
        self.pending -= earlier
        self.earlier += len(earlier)

    def _listed(self) -> Iterator[Command]:
        return (Command(tuple(argv), self.cwd) for argv in each_command(self.path))

    def __len__(self) -> int:
        return self.total - self.earlier

    def __iter__(self) -> Iterator[Command]:
        """Each command still to run, once; an edit to the list since the first reading adds nothing."""
        for command in self._listed():
            if command.digest in self.pending:
                self.pending.discard(command.digest)
                yield command
