"""Compiler-style text: ``file:line:col: severity[CODE]: message``, the source line, a caret, the hint."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from ..diagnostics import Diagnostic, Severity


def _lines(file: str) -> tuple[str, ...]:
    """The file's lines as they are now: a long-lived process (``launch``, an editor) sees edits."""
    try:
        stat = os.stat(file)
    except OSError:
        return ()
    return _read(file, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _read(file: str, mtime_ns: int, size: int) -> tuple[str, ...]:
    """One read per version of a file (keyed by its modification time and size)."""
    try:
        return tuple(Path(file).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return ()


def _span(line: str, start: int) -> int:
    """How many characters the caret underlines: a quoted string, or a bare word."""
    rest = line[start:]
    if rest[:1] in ("'", '"'):
        end = rest.find(rest[0], 1)
        return end + 1 if end > 0 else 1
    width = 0
    while width < len(rest) and rest[width] not in " \t,}]=":
        width += 1
    return max(width, 1)


def excerpt(d: Diagnostic) -> list[str]:
    """The source line a finding points at, with a caret under the value or key."""
    loc = d.location
    if not loc.file or loc.line is None:
        return []
    lines = _lines(loc.file)
    if not 0 < loc.line <= len(lines):
        return []
    source = lines[loc.line - 1]
    gutter = " " * len(str(loc.line))
    out = [f" {gutter} |", f" {loc.line} | {source}"]
    if loc.column is not None:
        out.append(f" {gutter} | {' ' * (loc.column - 1)}{'^' * _span(source, loc.column - 1)}")
    return out


def format_one(d: Diagnostic) -> str:
    head = f"{d.location}: {d.severity.value}[{d.code}]: {d.message}"
    hint = [f"  = hint: {d.hint}"] if d.hint else []
    return "\n".join([head, *excerpt(d), *hint])


def summary(diagnostics: Sequence[Diagnostic], files: int) -> str:
    counts = {s: sum(1 for d in diagnostics if d.severity is s) for s in Severity}
    parts = [f"{n} {s.value}{'s' if n != 1 else ''}" for s, n in counts.items() if n]
    checked = f"{files} profile{'s' if files != 1 else ''} checked"
    return f"{checked}: {', '.join(parts)}" if parts else f"{checked}: no findings"


def report(diagnostics: Sequence[Diagnostic]) -> str:
    return "".join(format_one(d) + "\n\n" for d in diagnostics)
