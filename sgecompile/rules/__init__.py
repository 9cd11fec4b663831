"""The rules: one small function per diagnostic code, and what they read and return.

A rule function's docstring is its reference entry (``docs/rules.md`` is
generated from them, with the example and the fix in ``examples/``). Nothing
registers itself: ``catalogue.py`` lists every code with its severity and
function, in one table for each of the four kinds, by what the rules read:

- ``document``: one parsed file (structure: unknown keys, types);
- ``values``: the merged profile, typed or not (values that failed typing);
- ``plan``: the compiled job, only when every value could be typed;
- ``cluster``: the compiled job against what a live cluster says (``check --live``).

The tables are typed by what their rules take, so mypy refuses a ``plan``
rule among the ``document`` ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Generic, TypeVar

import attrs

from ..diagnostics import Diagnostic, Location, Severity
from ..loader import Loaded
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
    """What ``values`` rules read: the merged profile, what failed typing, and the typed profile when all typed."""

    loaded: Loaded
    failures: tuple[Failure, ...]
    profile: Profile | None = None

    def failed(self, *problems: str, kind: str | None = None) -> Iterator[Failure]:
        """The values that could not be typed for one of these reasons."""
        for f in self.failures:
            if f.error.problem in problems and (kind is None or f.kind == kind):
                yield f


@attrs.frozen
class Live:
    """What ``cluster`` rules read: the compiled job, as the cluster counts it, and the cluster's facts."""

    loaded: Loaded
    plan: Plan
    facts: Facts
    verification: str | None = None  # what `qsub -w v` said when it refused the script


Subject = TypeVar("Subject")


@attrs.frozen
class Rule(Generic[Subject]):
    """One code: how severe its findings are, and the function that finds them in a subject."""

    code: str
    severity: Severity
    check: Callable[[Subject], Iterable[Finding]]
    counts_memory: bool = False  # its findings depend on how SGE counts the memory request (site.memory_per)

    @property
    def doc(self) -> str:
        return self.check.__doc__ or ""


def run(rules: Iterable[Rule[Subject]], subject: Subject, locate: Callable[[KeyPath], Location]) -> list[Diagnostic]:
    """Every finding of these rules on one subject; ``locate`` turns a key path into a file position."""
    return [
        Diagnostic(r.code, r.severity, f.message, f.at if isinstance(f.at, Location) else locate(f.at), f.hint)
        for r in rules
        for f in r.check(subject)
    ]
