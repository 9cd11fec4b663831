"""The plan that ``render``, ``emit``, ``explain`` and ``export`` work from, or why they refuse."""

from __future__ import annotations

import os
import sys

from ..diagnostics import Severity
from ..pipeline import Result, compile_file
from ..plan import Plan
from ..reporters import text
from . import UsageError


def existing(profile: str) -> str:
    """The profile named on the command line, which must be there: a name that is not is a typo (exit 2).

    As in ``check``; a file that is there but cannot be read, or a base that
    ``extends`` names and is missing, is a finding (SGE003) of the profile.
    """
    if not os.path.lexists(profile):
        raise UsageError(f"no such file or directory: {profile}")
    return profile


def compiled_or_refuse(profile: str, variant: str | None, verb: str) -> Plan | None:
    """The compiled plan, with warnings on stderr; or None, after saying why ``verb`` will not happen."""
    result = result_or_refuse(profile, variant, verb)
    return result.plan if result else None


def result_or_refuse(profile: str, variant: str | None, verb: str, reported: bool = False) -> Result | None:
    """The compiled profile and its findings, with warnings on stderr; or None, as :func:`compiled_or_refuse`.

    ``reported``: the caller prints the findings of a profile it goes on with itself, so they are not said twice.
    """
    result = compile_file(existing(profile), variant)
    shown = [d for d in result.diagnostics if d.severity is not Severity.INFO]
    if result.ok and result.plan is not None:
        sys.stderr.write("" if reported else text.report(shown))
        return result
    sys.stderr.write(text.report(shown))
    errors = sum(1 for d in shown if d.severity is Severity.ERROR)
    sys.stderr.write(
        f"sgecompile: not {verb} {profile}: {errors} error{'s' if errors != 1 else ''}"
        f" (run `sgecompile check {profile}` for details)\n"
    )
    return None
