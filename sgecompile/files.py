"""Writing files so that a failure half way never leaves a truncated script behind."""

from __future__ import annotations

import os
from pathlib import Path


def write_atomic(path: str | os.PathLike[str], text: str, mode: int = 0o644) -> None:
    """Write to a temporary file in the same folder, then rename it over ``path``.

    An error names ``path``: the temporary file is ours, and not what the user asked to write.
    """
    import tempfile  # only commands that write files pay for it

    target = Path(path)
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise _naming(target, error) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _naming(target, error) from None
        raise


def _naming(target: Path, error: OSError) -> OSError:
    return type(error)(error.errno, error.strerror or str(error), str(target))
