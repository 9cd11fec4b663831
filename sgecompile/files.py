"""Writing files so that a failure half way never leaves a truncated script behind."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], text: str, mode: int = 0o644) -> None:
    """Write to a temporary file in the same folder, then rename it over ``path``.

    A symlink is followed: its final target gets the new text and the link
    stays a link. A device or FIFO (``-o /dev/stdout``) is written into, as the
    shell's ``>`` would: renaming a regular file over it would destroy it
    (``/dev/null`` included, for root). An error names ``path``: the temporary
    file is ours, and not what the user asked to write.
    """
    target = Path(path)
    if _is_special(target):
        _write_into(target, text)
    else:
        _replace(target, Path(os.path.realpath(target)), text, mode)


def _is_special(target: Path) -> bool:
    """Whether ``target`` (followed through symlinks) exists and is neither a regular file nor a folder.

    A folder is left to the rename, which refuses it.
    """
    try:
        kind = os.stat(target).st_mode
    except FileNotFoundError:  # to be made, or a dangling symlink whose target is to be made
        return False
    except OSError as error:  # below a file, a symlink loop, no permission
        raise _naming(target, error) from None
    return not (stat.S_ISREG(kind) or stat.S_ISDIR(kind))


def _write_into(target: Path, text: str) -> None:
    """Stream ``text`` into a device or FIFO: there is nothing to rename over it, nor to chmod."""
    try:
        with open(target, "w", encoding="utf-8") as f:
            f.write(text)
    except OSError as error:
        raise _naming(target, error) from None


def _replace(target: Path, real: Path, text: str, mode: int) -> None:
    """Put ``text`` at ``real`` (``target`` with its symlinks resolved) whole or not at all."""
    import tempfile  # only commands that write files pay for it

    try:
        fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    except OSError as error:
        raise _naming(target, error) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, real)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _naming(target, error) from None
        raise


def _naming(target: Path, error: OSError) -> OSError:
    return type(error)(error.errno, error.strerror or str(error), str(target))


def one_of(path: str | os.PathLike[str], sources: Iterable[str | os.PathLike[str]]) -> str | None:
    """The file among ``sources`` that ``path`` is (by name or through links), if any: writing there destroys it."""
    for source in sources:
        try:
            if os.path.samefile(path, source):
                return os.fspath(source)
        except OSError:  # one of them does not exist (yet): not the same file
            continue
    return None
