"""The command line: argparse wiring only; each subcommand lives in ``commands/``.

Exit codes: 0 clean, 1 findings (or a refused render), 2 bad usage,
unreadable input or unwritable output, 130 interrupted. A bug prints one line asking for a report,
with versions, never a bare traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import importlib
import io
import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from . import __version__
from .commands import UsageError
from .reporters import FORMATS


class _Formatter(argparse.HelpFormatter):
    """argparse's help, told the terminal's width without shutil.

    argparse makes a formatter for every argument it adds (to check its
    metavar), not only for ``--help``; one that is told no width imports shutil
    (and with it bz2 and lzma) to ask: 2-3 ms of every command. The width is
    what ``shutil.get_terminal_size`` gives: $COLUMNS, else the terminal's, else
    80; less 2, as argparse takes it.
    """

    def __init__(self, prog: str) -> None:
        super().__init__(prog, width=_columns() - 2)


def _columns() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0 and sys.__stdout__ is not None:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (ValueError, OSError):  # stdout closed, or not a terminal
            columns = 0
    return columns if columns > 0 else 80


class _Parser(argparse.ArgumentParser):
    def __init__(self, prog: str | None = None, **options: Any) -> None:
        super().__init__(prog, formatter_class=_Formatter, **options)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message}\n{self.format_usage().strip()}")


def _profile(p: argparse.ArgumentParser) -> None:
    """A subcommand that reads one profile, optionally as one of its variants."""
    p.add_argument("profile")
    p.add_argument("--variant", metavar="NAME")


def _render(p: argparse.ArgumentParser) -> None:
    _profile(p)
    p.add_argument("--scheduler", metavar="ADDRESS", type=_address, help="scheduler address for the worker command")
    p.add_argument("-o", "--output", type=_name, metavar="FILE", help="write the script here (atomically), not stdout")
    p.add_argument("--templates", type=_name, metavar="DIR", help="a folder of your own templates, looked up first")


def _address(text: str) -> str:
    """A scheduler address, e.g. tcp://10.0.0.1:8786: one word that `dask worker` cannot take for an option."""
    if not text or text.startswith("-") or any(c.isspace() for c in text):
        raise argparse.ArgumentTypeError(f"wants a scheduler address such as tcp://10.0.0.1:8786, not {text!r}")
    return text


def _name(text: str) -> str:
    """A file or folder to write or read: an empty one would mean the current folder, or stdout, by accident."""
    if not text:
        raise argparse.ArgumentTypeError("wants a file or folder name, not ''")
    return text


def _count(text: str) -> int:
    """A number of jobs or tasks: qsub would refuse `-t 1-0` or `-tc -3` much later, and less clearly."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"wants a whole number of at least 1, not {text!r}")
    return int(text)


def _jobs(text: str) -> int:
    """A number of jobs, within the bound ``worker.jobs`` has: a larger one is a typo, never a cluster."""
    from .schema import MAX_JOBS  # here: importing the cli loads no attrs (see run)

    count = _count(text)
    if count > MAX_JOBS:
        raise argparse.ArgumentTypeError(f"wants at most {MAX_JOBS:,} jobs, not {text!r}")
    return count


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not 0 < seconds < math.inf:
        raise argparse.ArgumentTypeError(f"wants a number of seconds above 0, not {text!r}")
    return seconds


def _check(p: argparse.ArgumentParser) -> None:
    p.add_argument("profiles", nargs="+", metavar="PROFILE", help="files, directories or globs")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--variant", metavar="NAME")
    group.add_argument("--all-variants", action="store_true")
    p.add_argument("--format", choices=sorted(FORMATS), default="text")
    p.add_argument("--strict", action="store_true", help="warnings fail too")
    p.add_argument("--live", action="store_true", help="also ask the running cluster (read-only) and `qsub -w v`")


def _explain(p: argparse.ArgumentParser) -> None:
    _profile(p)
    shown = p.add_mutually_exclusive_group()
    shown.add_argument("--format", choices=["text", "json"], default="text", help="a table, or JSON with typed values")
    shown.add_argument("--diagram", action="store_true", help="draw the jobs, processes and threads the profile makes")
    p.add_argument("--ascii", action="store_true", help="with --diagram: ASCII lines even on a Unicode terminal")
    p.add_argument("--jobs", type=_jobs, metavar="N", help="jobs to explain (default: worker.jobs)")


def _cluster_size(p: argparse.ArgumentParser) -> None:
    """How many worker jobs a live cluster gets, and how long to wait for them (`up`, `run`)."""
    size = p.add_mutually_exclusive_group()
    size.add_argument("--jobs", type=_jobs, metavar="N", help="jobs to start (default: worker.jobs)")
    size.add_argument("--adapt", metavar="MIN:MAX", help="let dask scale between MIN and MAX jobs")
    p.add_argument("--timeout", type=_seconds, default=300, metavar="SECONDS", help="how long to wait for workers")


def _up(p: argparse.ArgumentParser) -> None:
    _profile(p)
    _cluster_size(p)
    p.add_argument(
        "--scheduler-file", type=_name, metavar="FILE", help="write the scheduler's address here for clients"
    )


def _emit(p: argparse.ArgumentParser) -> None:
    _profile(p)
    p.add_argument("--out", required=True, type=_name, metavar="DIR", help="folder to write the scripts into")
    p.add_argument("--jobs", type=_jobs, metavar="N", help="worker jobs (default: worker.jobs)")
    p.add_argument(
        "--tasks", type=_name, metavar="FILE", help="commands, one a line (or a JSON/TOML list of argv lists)"
    )
    p.add_argument("--concurrent", type=_count, metavar="N", help="with --tasks: at most N tasks at once (-tc)")


def _run(p: argparse.ArgumentParser) -> None:
    _profile(p)
    p.add_argument("commands", metavar="COMMANDS", help="commands, one a line (or a JSON/TOML list of argv lists)")
    _cluster_size(p)
    p.add_argument(
        "--out", type=_name, metavar="DIR", help="keep each command's output and status here; running again resumes"
    )
    p.add_argument("--retries", type=_whole, default=0, metavar="K", help="run a failed command up to K more times")


def _whole(text: str) -> int:
    """A count that may be 0."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"wants a whole number of at least 0, not {text!r}")
    return int(text)


def _tasks(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--resubmit", action="store_true")


def _import(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE")
    p.add_argument("--section", default="sge", metavar="NAME", help="the jobqueue.yaml section (default: sge)")
    p.add_argument("-o", "--output", type=_name, metavar="PROFILE", help="write the profile here instead of stdout")


def _export(p: argparse.ArgumentParser) -> None:
    _profile(p)
    p.add_argument("--format", choices=["jobqueue-yaml", "kwargs"], default="kwargs")


# name: (help, its arguments), in the order `sgecompile --help` lists them
SUBCOMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None] | None]] = {
    "render": ("print the worker job script of a profile", _render),
    "check": ("check profiles for SGE traps (exit 1 on errors)", _check),
    "explain": ("show what a profile asks for and where each value came from", _explain),
    "up": ("start a scheduler and the profile's workers until Ctrl-C, SIGTERM or a hangup", _up),
    "run": ("run each command of a list on the profile's dask workers; --out keeps results and resumes", _run),
    "emit": ("write standalone job scripts: a dask cluster, or --tasks as an array job", _emit),
    "tasks": ("list the failed tasks of an emitted task array; --resubmit runs them again", _tasks),
    "config": ("show every effective value of a profile and where it came from", _profile),
    "import": ("write a profile from a jobqueue.yaml or an SGECluster(...) call in a .py file", _import),
    "export": ("print a profile as dask-jobqueue configuration", _export),
    "schema": ("print the profile format as JSON Schema (for editors)", None),
    "sites": ("list the shipped base profiles of real clusters", None),
}


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line; given ``command``, with only that subcommand's parser (all ten took argparse 4 ms)."""
    top = _Parser(prog="sgecompile", description="Compile TOML cluster profiles into checked SGE job scripts for dask.")
    top.add_argument("--version", action="version", version=f"sgecompile {__version__}")
    sub = top.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name, (help, arguments) in SUBCOMMANDS.items():
        if command in (None, name):
            p = sub.add_parser(name, help=help)
            if arguments:
                arguments(p)
    return top


def main(argv: Sequence[str] | None = None, imported: Callable[[], object] = lambda: None) -> int:
    """Run one subcommand and return its exit code; ``imported`` is called once its modules are loaded."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = parser(argv[0] if argv and argv[0] in SUBCOMMANDS else None).parse_args(argv)
        module = {"import": "import_"}.get(args.command, args.command)  # `import` is a keyword
        command = importlib.import_module(f".commands.{module}", __package__)  # only the one asked for
        imported()
        return int(command.run(args))
    except UsageError as exc:
        sys.stderr.write(f"sgecompile: {exc}\n")
        return 2
    except KeyboardInterrupt:
        sys.stderr.write("sgecompile: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # the machine, not the profile: a full disk, a folder without write permission
        sys.stderr.write(_failed_write(exc))
        return 2
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.partition(".")[0] in LIVE_MODULES:
            sys.stderr.write(f"sgecompile: {exc.name} is not installed; `pip install 'sgecompile[live]'` adds it\n")
            return 2
        return _internal_error()
    except Exception:
        return _internal_error()


# what `pip install 'sgecompile[live]'` adds: only `up` and `run` (and the library's launch) import them
LIVE_MODULES = frozenset({"dask", "distributed", "dask_jobqueue", "rich"})


def _internal_error() -> int:
    """A bug: one line to read at once, and the whole traceback kept where a report can attach it."""
    import platform
    import tempfile
    import traceback

    whole = traceback.format_exc()
    versions = f"sgecompile {__version__} (Python {platform.python_version()})"
    if os.environ.get("SGECOMPILE_DEBUG"):
        sys.stderr.write(whole)
        kept = ""
    else:
        with tempfile.NamedTemporaryFile("w", prefix="sgecompile-crash-", suffix=".txt", delete=False) as file:
            file.write(f"{versions}\n{' '.join(sys.argv)}\n\n{whole}")
        kept = f"The whole traceback is in {file.name} (or run again with SGECOMPILE_DEBUG=1).\n"
    sys.stderr.write(
        f"sgecompile: internal error: {whole.strip().splitlines()[-1]}\n"
        f"This is a bug in {versions}; please report it with the profile that caused it.\n{kept}"
    )
    return 3


def run() -> NoReturn:
    """The ``sgecompile`` command: :func:`main` in a process that ends right after.

    Importing a subcommand makes some 20,000 objects that the cyclic garbage
    collector tracks; they live until exit and none is garbage, yet the
    collector looked through them again and again: 6 ms of a 0.12 s ``render``. So it is paused until the imports are
    done; what they made is then frozen (left out of every later collection,
    including the last one at exit) and the collector runs as usual for the
    command itself, ``up`` serving for hours included. Not in :func:`main`,
    which tests and other programs call in long-lived processes.
    """
    _stand_in_for_closed_streams()
    gc.disable()
    code = main(imported=_collect_from_here)
    gc.freeze()
    if sys.argv[1:2] and sys.argv[1] in ENDS_AT_ONCE:
        _end_now(code)
    sys.exit(code)


# Commands that read profiles and print (`render -o` writes its file and closes it first): they start no
# thread and leave nothing to do at exit (`check --live` imports logging, whose exit handler only flushes
# handlers, and none is set up), so nothing needs the interpreter torn down after them; tearing down what a
# check of 1000 profiles holds took 4-5 ms of its 0.2 s.
ENDS_AT_ONCE = frozenset({"check", "render", "explain", "config", "schema", "sites", "export"})


def _end_now(code: int) -> NoReturn:
    """Exit at once, as mypy does: what was printed flushed first, and nothing else torn down.

    A flush that fails ends as :func:`main` ends a failed write: silently
    where the reader has gone (``check | head``), with one line and exit 2
    where the output cannot be written (a full disk). A closed stream has its
    stand-in by now (:func:`_stand_in_for_closed_streams`).
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BrokenPipeError:
            pass
        except OSError as exc:
            code = 2
            with contextlib.suppress(OSError):
                sys.stderr.write(_failed_write(exc))
                sys.stderr.flush()
    os._exit(code)


class _ClosedOutput(io.TextIOBase):
    """Standard output that the shell closed (``>&-``), where Python leaves ``sys.stdout`` None.

    Writing to it fails as writing to any closed descriptor does, so a
    command with something to print ends as for any output it cannot write:
    one line and exit 2 (``render -o FILE`` prints nothing, and works).
    """

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, os.strerror(errno.EBADF), "standard output")


def _stand_in_for_closed_streams() -> None:
    """Closed standard streams, made ones a command can write to: each write to ``None`` was an internal error.

    A closed stdout fails when written (see :class:`_ClosedOutput`); a closed
    stderr is the user's wish not to see messages, so it writes to /dev/null.
    Both descriptors get /dev/null, so that a file opened later cannot take
    descriptor 1 or 2 and receive what the programs sgecompile starts print.
    """
    for fd, name in ((1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is None:
            null = os.open(os.devnull, os.O_WRONLY)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()
    if sys.stderr is None:
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115 (stderr, open until the process ends)


def _failed_write(exc: OSError) -> str:
    """What the machine refused, in one line: ``sgecompile: No space left on device (FILE)``."""
    where = f" ({exc.filename})" if exc.filename else ""
    return f"sgecompile: {exc.strerror or exc}{where}\n"


def _collect_from_here() -> None:
    gc.freeze()
    gc.enable()
