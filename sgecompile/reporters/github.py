"""``--format github``: GitHub Actions workflow commands, one annotation per finding."""

from __future__ import annotations

from collections.abc import Sequence

from ..diagnostics import Diagnostic, Severity

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def _escape(text: str, property_: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_ else text


def report(diagnostics: Sequence[Diagnostic]) -> str:
    lines = []
    for d in diagnostics:
        props = [f"file={_escape(d.location.file or '', True)}"]
        if d.location.line is not None:
            props.append(f"line={d.location.line}")
        if d.location.column is not None:
            props.append(f"col={d.location.column}")
        props.append(f"title={_escape(d.code, True)}")
        message = d.message + (f"\n{d.hint}" if d.hint else "")
        lines.append(f"::{_LEVEL[d.severity]} {','.join(props)}::{_escape(message)}\n")
    return "".join(lines)
