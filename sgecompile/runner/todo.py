"""What is left to run of a command list, without holding the list: it is read twice, the second time as it runs.

The first reading keeps the digest (12 bytes) of each line's command (a repeat told apart), and
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
    """The commands of a list to run now, in the order written, each line once; ``len`` is how many.

    A command listed again is another one (:attr:`Command.repeat`): the list's
    repeats are counted in the first reading, and only theirs are held.
    """

    def __init__(self, path: Path, cwd: str) -> None:
        self.path, self.cwd = path, cwd
        self.pending: set[bytes] = set()
        self.repeats: dict[bytes, int] = {}  # a command listed again: the digest of its first, how many times again
        for argv in each_command(path):
            command = Command(tuple(argv), cwd)
            if command.digest in self.pending or command.digest in self.repeats:
                self.repeats[command.digest] = again = self.repeats.get(command.digest, 0) + 1
                command = Command(tuple(argv), cwd, again)
            self.pending.add(command.digest)
        self.total, self.earlier = len(self.pending), 0  # commands listed; of them, done earlier

    def skip(self, succeeded: AbstractSet[bytes]) -> None:
        """Leave out the commands that succeeded in an earlier run."""
        earlier = self.pending & succeeded
        self.pending -= earlier
        self.earlier += len(earlier)

    def _listed(self) -> Iterator[Command]:
        """The list's commands, a repeat told from the first as in the first reading."""
        seen: dict[bytes, int] = {}
        for argv in each_command(self.path):
            command = Command(tuple(argv), self.cwd)
            if command.digest in self.repeats:
                seen[command.digest] = again = seen.get(command.digest, -1) + 1
                command = Command(tuple(argv), self.cwd, again) if again else command
            yield command

    def __len__(self) -> int:
        return self.total - self.earlier

    def __iter__(self) -> Iterator[Command]:
        """Each command still to run, once; an edit to the list since the first reading adds nothing."""
        for command in self._listed():
            if command.digest in self.pending:
                self.pending.discard(command.digest)
                yield command
