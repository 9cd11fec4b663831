"""The rule catalogue: one small function per diagnostic code.

A rule's docstring is its reference entry (``docs/rules.md`` is generated from
them). Rules come in three kinds, by what they read:

- ``document``: one parsed file (structure: unknown keys, types);
- ``values``: the merged profile, typed or not (values that failed typing);
- ``plan``: the compiled job, only when every value could be typed;
- ``cluster``: the compiled job against what a live cluster says (``check --live``).

Codes the loader reports itself (syntax, files, variants) are registered with
``check=None`` so that they are documented in the same place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import attrs

from ..diagnostics import Diagnostic, Location, Severity
from ..loader import Document, Loaded
from ..models import Failure, Profile
from ..plan import Plan
from ..tomlpos import Path as KeyPath

if TYPE_CHECKING:
    from ..clusterfacts import Facts  # only `check --live` reads the cluster


@attrs.frozen
class Finding:
    """What a rule returns: where (a key path or a location), what, and what to write instead."""

    at: KeyPath | Location
    message: str
    hint: str | None = None


@attrs.frozen
class Context:
    """What ``values`` and ``plan`` rules read."""

    loaded: Loaded
    failures: tuple[Failure, ...]
    profile: Profile | None = None
    plan: Plan | None = None
    facts: Facts | None = None  # the live cluster, for ``cluster`` rules
    verification: str | None = None  # what `qsub -w v` said when it refused the script

    def failed(self, *problems: str, kind: str | None = None) -> Iterator[Failure]:
        """The values that could not be typed for one of these reasons."""
        for f in self.failures:
            if f.error.problem in problems and (kind is None or f.kind == kind):
                yield f


@attrs.frozen
class Rule:
    code: str
    severity: Severity
    kind: str  # "document", "values", "plan", "cluster", or "loader"
    check: Callable[[Any], Iterable[Finding]] | None
    doc: str

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""


CATALOGUE: dict[str, Rule] = {}


def rule(
    code: str, severity: Severity, kind: str
) -> Callable[[Callable[[Any], Iterable[Finding]]], Callable[[Any], Iterable[Finding]]]:
    """Register a rule function under a stable code."""

    def register(func: Callable[[Any], Iterable[Finding]]) -> Callable[[Any], Iterable[Finding]]:
        assert code not in CATALOGUE, code
        CATALOGUE[code] = Rule(code, severity, kind, func, func.__doc__ or "")
        return func

    return register


def loader_code(code: str, doc: str) -> None:
    """Document a code that the loader reports while reading files."""
    CATALOGUE[code] = Rule(code, Severity.ERROR, "loader", None, doc)


def run(kind: str, subject: Document | Context) -> list[Diagnostic]:
    """Run every rule of one kind on its subject (``plan`` rules get the context's plan)."""
    locate = subject.locate if isinstance(subject, Document) else subject.loaded.where
    target = subject.plan if kind == "plan" and isinstance(subject, Context) else subject
    return [
        Diagnostic(r.code, r.severity, f.message, f.at if isinstance(f.at, Location) else locate(f.at), f.hint)
        for r in CATALOGUE.values()
        if r.kind == kind and r.check is not None
        for f in r.check(target)
    ]


from . import cluster, memory, names, options, slots, structure, walltime  # noqa: E402,F401  (registers the rules)
