"""One module per subcommand; each ``run(args) -> int`` returns the exit code.

This package module stays free of imports: the command line loads it before
it pauses the garbage collector for the subcommand's imports.
"""


class UsageError(Exception):
    """A mistake in how the command was called (exit 2): bad arguments, unreadable paths."""
