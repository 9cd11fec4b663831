"""One module per subcommand; each ``run(args) -> int`` returns the exit code."""

from __future__ import annotations


class UsageError(Exception):
    """A mistake in how the command was called (exit 2): bad arguments, unreadable paths."""
