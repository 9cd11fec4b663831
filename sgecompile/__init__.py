"""sgecompile: TOML cluster profiles → checked SGE job scripts and live dask clusters."""

from __future__ import annotations

__version__ = "0.1.0"

from .diagnostics import Diagnostic, Location, Severity  # noqa: E402
from .live import LaunchTimeout, ProfileError, cluster, launch  # noqa: E402  (imports dask only when called)
from .pipeline import Result, compile_file  # noqa: E402
from .render import render  # noqa: E402
from .sge import SGEError  # noqa: E402

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
