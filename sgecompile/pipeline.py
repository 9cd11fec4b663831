"""The whole front end in one call: file → merged tables → models → diagnostics → plan.

``check``, ``render``, ``explain``, ``emit`` and ``launch`` all start here, so
they see the same findings and the same compiled job.
"""

from __future__ import annotations

import os

import attrs

from . import rules
from .diagnostics import Diagnostic, has_errors, sort_key
from .loader import Loaded, load
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
        found += rules.run(DOCUMENT, document, document.locate)
    profile, failures = (None, ()) if loaded.diagnostics else Profile.build(loaded)
    context = rules.Context(loaded, failures, profile)
    if not loaded.diagnostics:
        found += rules.run(VALUES, context, loaded.where)
    plan = compile_profile(profile) if profile else None
    if plan is not None:
        found += rules.run(PLAN, plan, loaded.where)
    unique = sorted(set(found), key=sort_key)
    return Result(loaded, tuple(unique), plan)
