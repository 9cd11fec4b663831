"""sgecompile: TOML cluster profiles → checked SGE job scripts and live dask clusters."""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any  # noqa: E402

from .diagnostics import Diagnostic, Location, Severity  # noqa: E402
from .pipeline import Result, compile_file  # noqa: E402
from .render import render  # noqa: E402

if TYPE_CHECKING:
    from .live import LaunchTimeout, ProfileError, cluster, launch
    from .sge import SGEError

_LAZY = {"LaunchTimeout": "live", "ProfileError": "live", "cluster": "live", "launch": "live", "SGEError": "sge"}


def __getattr__(name: str) -> Any:
    """The live-cluster API, imported on first use: `render` and `check` never pay for asyncio or dask."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
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
