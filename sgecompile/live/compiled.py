"""The profile a live cluster runs: compiled and checked before anything is submitted."""

from __future__ import annotations

import os
from pathlib import Path

from ..diagnostics import Severity
from ..pipeline import compile_file
from ..plan import Plan
from ..reporters import text


class ProfileError(Exception):
    """The profile has errors, so nothing was submitted; the message lists them as ``check`` does."""


def compile_or_raise(profile: str | os.PathLike[str], variant: str | None = None) -> Plan:
    result = compile_file(profile, variant)
    if not result.ok or result.plan is None:
        errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
        raise ProfileError(f"{os.fspath(profile)} has errors; nothing was submitted\n{text.report(errors)}")
    return result.plan


def make_log_folder(plan: Plan, profile: str | os.PathLike[str]) -> None:
    """SGE does not create the -o folder: a job whose folder is missing waits in Eqw."""
    if not plan.log_folder:
        return
    folder = Path(os.path.expandvars(plan.log_folder)).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ProfileError(
            f"{os.fspath(profile)}: job.log_directory {folder} cannot be made ({error.strerror}); nothing was submitted"
        ) from None
