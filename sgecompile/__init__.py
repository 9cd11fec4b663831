"""sgecompile: TOML cluster profiles → checked SGE job scripts and live dask clusters."""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any  # noqa: E402

if TYPE_CHECKING:
    from .diagnostics import Diagnostic, Location, Severity
    from .live import LaunchTimeout, ProfileError, cluster, launch
    from .pipeline import Result, compile_file
    from .rendering import render
    from .sgecommands import SGEError

_HOME = {
    "Diagnostic": "diagnostics",
    "Location": "diagnostics",
    "Severity": "diagnostics",
    "Result": "pipeline",
    "compile_file": "pipeline",
    "render": "rendering",
    "LaunchTimeout": "live",
    "ProfileError": "live",
    "cluster": "live",
    "launch": "live",
    "SGEError": "sgecommands",
}


def __getattr__(name: str) -> Any:
    """The public API, each name imported on first use.

    ``check`` never pays for jinja2, ``render`` never for asyncio or dask, and
    the ``sgecompile`` command can import its subcommand with the garbage
    collector paused (see :func:`sgecompile.cli.run`).
    """
    if name in _HOME:
        import importlib

        return getattr(importlib.import_module(f".{_HOME[name]}", __name__), name)
    raise AttributeError(f"module 'sgecompile' has no attribute {name!r}")


__all__ = [
    "Diagnostic",
    "LaunchTimeout",
    "Location",
    "ProfileError",
    "Result",
    "SGEError",
    "Severity",
    "__version__",
    "cluster",
    "compile_file",
    "launch",
    "render",
]
