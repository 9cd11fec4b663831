"""sgecompile: TOML cluster profiles → checked SGE job scripts and live dask clusters."""

from __future__ import annotations

__version__ = "0.1.0"

from .diagnostics import Diagnostic, Location, Severity  # noqa: E402
from .pipeline import Result, compile_file  # noqa: E402
from .render import render  # noqa: E402

__all__ = ["Diagnostic", "Location", "Result", "Severity", "__version__", "compile_file", "render"]
