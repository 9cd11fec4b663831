"""``--format sarif``: SARIF 2.1.0 for code-scanning UIs."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from ..diagnostics import Diagnostic, Severity

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _uri(file: str) -> str:
    """``file`` as a relative URI reference: ``a:b.toml`` would read as a scheme, ``%`` as an escape."""
    return quote(file, safe="/")


def _result(d: Diagnostic) -> dict[str, Any]:
    region = {k: v for k, v in (("startLine", d.location.line), ("startColumn", d.location.column)) if v is not None}
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(d.location.file or "")}}
    if region:
        physical["region"] = region
    text = d.message + (f" Hint: {d.hint}" if d.hint else "")
    return {
        "ruleId": d.code,
        "level": _LEVEL[d.severity],
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
    }


def report(diagnostics: Sequence[Diagnostic]) -> str:
    from .. import __version__
    from ..rules.catalogue import CATALOGUE

    rules = [{"id": r.code, "shortDescription": {"text": r.summary}} for r in CATALOGUE.values()]
    run = {
        "tool": {"driver": {"name": "sgecompile", "version": __version__, "rules": rules}},
        "results": [_result(d) for d in diagnostics],
        "columnKind": "unicodeCodePoints",  # columns count characters, as the text report's do (not UTF-16 units)
    }
    doc = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2) + "\n"
