"""The whole front end in one call: file → merged tables → models → diagnostics → plan.

``check``, ``render``, ``explain``, ``emit`` and ``launch`` all start here, so
they see the same findings and the same compiled job.
"""

from __future__ import annotations

import functools
import os

import attrs

from . import rules, schema
from .diagnostics import Diagnostic, has_errors, sort_key
from .loader import Document, Loaded, load
from .models import Profile
from .plan import Plan, compile_profile
from .rules.catalogue import DOCUMENT, PLAN, VALUES


@attrs.frozen
class Result:
    loaded: Loaded
    diagnostics: tuple[Diagnostic, ...]
    plan: Plan | None

    @property
    def ok(self) -> bool:
        """Whether the profile compiled with no errors (warnings allowed)."""
        return self.plan is not None and not has_errors(self.diagnostics)


def compile_file(path: str | os.PathLike[str], variant: str | None = None) -> Result:
    """Read, type, check and compile one profile; never raises on a user's mistake."""
    loaded = load(path, variant)
    found = list(loaded.diagnostics)
    for document in loaded.documents:
        found += document_findings(document)
    profile, failures = (None, ()) if loaded.diagnostics else Profile.build(loaded)
    context = rules.Context(loaded, failures, profile)
    if not loaded.diagnostics:
        found += rules.run(VALUES, context, loaded.where)
    plan = compile_profile(profile) if profile else None
    if plan is not None:
        found += rules.run(PLAN, plan, loaded.where)
    elif not loaded.diagnostics and not failures:
        found += _findings_whatever_is_missing(loaded)
    unique = sorted(set(found), key=sort_key)
    return Result(loaded, tuple(unique), plan)


@functools.lru_cache(maxsize=4096)  # as many as the loader keeps parsed: a base many profiles extend is checked once
def document_findings(document: Document) -> tuple[Diagnostic, ...]:
    """What the document rules find in one parsed file (a file changed since is another document)."""
    return tuple(rules.run(DOCUMENT, document, document.locate))


# Two sets of values for the required keys (cores, memory) a profile leaves out: what is found with either is about
# the rest of the profile, so a missing key (SGE006) does not hide it.
STAND_INS = ({"int": 1, "memory": "1GB"}, {"int": 2, "memory": "3GB"})


def _findings_whatever_is_missing(loaded: Loaded) -> list[Diagnostic]:
    """The plan findings of a profile that lacks required keys, found alike whatever values stand in for them."""
    runs = []
    for stand_in in STAND_INS:
        values = {section: dict(table) for section, table in loaded.values.items()}
        for section, k in schema.unset_required(loaded.values):
            values[section][k.name] = stand_in[k.kind]
        filled = attrs.evolve(loaded, values=values)
        profile, _ = Profile.build(filled)
        if profile is None:  # a value of the wrong type, which structure rules report
            return []
        runs.append(set(rules.run(PLAN, compile_profile(profile), filled.where)))
    return list(set.intersection(*runs))
