"""One small module per output format, all over the same diagnostic records."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..diagnostics import Diagnostic
from . import github, json, sarif, text

Reporter = Callable[[Sequence[Diagnostic]], str]

FORMATS: dict[str, Reporter] = {
    "text": text.report,
    "json": json.report,
    "github": github.report,
    "sarif": sarif.report,
}
