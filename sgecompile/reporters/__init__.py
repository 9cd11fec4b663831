"""One small module per output format, all over the same diagnostic records."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic

Reporter = Callable[[Sequence["Diagnostic"]], str]

FORMATS = ("text", "json", "github", "sarif")


def reporter(name: str) -> Reporter:
    """The ``report`` function of one format; only that format's module is imported."""
    report: Reporter = importlib.import_module(f".{name}", __name__).report
    return report
