"""Workers that leave before SGE's ``h_rt``: dask's ``--lifetime`` and ``--lifetime-stagger``, worked out once.

A dask worker given ``--lifetime L --lifetime-stagger S`` closes gracefully
(the scheduler moves its data to other workers and gives its tasks to them)
at a time drawn uniformly from ``L - S`` to ``L + S`` after it started
(distributed's ``Worker.__init__``, read in distributed 2026.8). SGE kills
the job at ``h_rt`` whatever it is doing, so its results are lost and
recomputed. With the walltime ``W`` and ``worker.lifetime_margin`` ``M``,
sgecompile gives ``L = W - M`` and ``S = M / 2``: the workers leave between
``W - 1.5 M`` and ``W - 0.5 M`` and the last has ``M / 2`` to hand over its
data. dask-jobqueue's docs suggest ``--lifetime 55m --lifetime-stagger 4m``
for one hour, much as the default margin of 5 minutes gives.

A user who gives ``--lifetime`` or ``--lifetime-stagger`` in
``worker.extra_args`` (dask-jobqueue users do so today) keeps them, and
nothing is added.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

import attrs

LIFETIME_FLAGS = ("--lifetime", "--lifetime-stagger")
# dask.utils.timedelta_sizes: the units distributed reads a --lifetime in (any case; one unit), in seconds.
_UNIT_SECONDS: dict[str, float] = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}
_UNIT_SECONDS |= {"millisecond": 0.001, "microsecond": 1e-6, "nanosecond": 1e-9}
_DASK_UNITS: dict[str, float] = {
    "s": 1,
    "m": 60,
    "h": 3600,
    "d": 86400,
    "w": 604800,
    "ms": 0.001,
    "us": 1e-6,
    "ns": 1e-9,
}
_DASK_UNITS |= _UNIT_SECONDS | {f"{name}s": amount for name, amount in _UNIT_SECONDS.items()}
_DASK_TIME = re.compile(r"(?P<number>[0-9]*\.?[0-9]+)?(?P<unit>[a-z]*)")


@attrs.frozen
class Retirement:
    """When the workers of a job with a walltime leave: the numbers, and who gave them.

    ``lifetime`` is None when no worker lifetime is given: the walltime is
    too short for the margin, or the user's own flags give a stagger only.
    """

    walltime: int  # seconds of h_rt
    margin: int  # seconds: worker.lifetime_margin
    lifetime: float | None  # seconds
    stagger: float  # seconds
    given: bool  # by worker.extra_args, not derived from the margin

    @property
    def earliest(self) -> float:
        """Seconds after it started that the first worker may leave (0 at the soonest)."""
        return max(0.0, (self.lifetime or 0) - self.stagger)

    @property
    def latest(self) -> float:
        """Seconds after it started that the last worker leaves."""
        return (self.lifetime or 0) + self.stagger

    @property
    def flags(self) -> list[str]:
        """The worker command's words for it: none when the user gives their own, or when none fits."""
        if self.given or self.lifetime is None:
            return []
        return ["--lifetime", f"{seconds(self.lifetime)}s", "--lifetime-stagger", f"{seconds(self.stagger)}s"]

    @property
    def arithmetic(self) -> str:
        """How the margin's numbers came about, as ``explain`` shows them."""
        return f"walltime - lifetime_margin ({self.margin} s), +/- margin / 2"


def seconds(amount: float) -> str:
    """Seconds as few digits as they need: ``3300``, ``0.5``."""
    return str(int(amount)) if amount == int(amount) else f"{amount:g}"


def derived(walltime: int, margin: int) -> Retirement:
    """The lifetime the margin gives: ``W - M`` give or take ``M / 2``; none when ``W - 1.5 M`` is not positive."""
    stagger = margin // 2
    lifetime = walltime - margin if walltime - margin - stagger > 0 else None
    return Retirement(walltime, margin, lifetime, stagger, given=False)


def given_flags(extra_args: Sequence[str]) -> dict[str, str] | None:
    """``--lifetime`` and ``--lifetime-stagger`` as ``worker.extra_args`` gives them (the last of each), or None.

    An option with no value after it is there with an empty value.
    """
    found: dict[str, str] = {}
    for i, word in enumerate(extra_args):
        option, equals, value = word.partition("=")
        if option in LIFETIME_FLAGS:
            found[option] = value if equals else (extra_args[i + 1] if i + 1 < len(extra_args) else "")
    return found or None


def dask_seconds(text: str) -> float | None:
    """A duration as distributed reads ``--lifetime`` (``55m``, ``3300``, ``1 hour``), in seconds; None if not one."""
    match = _DASK_TIME.fullmatch(text.replace(" ", "").lower())
    if not match or not match["number"] and not match["unit"]:
        return None
    unit = _DASK_UNITS.get(match["unit"] or "s")
    amount = None if unit is None else float(match["number"] or 1) * unit
    return amount if amount is not None and math.isfinite(amount) else None  # 400 nines: no duration


def retirement(walltime: int | None, margin: int, extra_args: Sequence[str], dask_worker: bool) -> Retirement | None:
    """When the workers leave, for a job with a walltime; None without one (the queue's h_rt is not known),
    or when the worker is another program than distributed's (``dask_worker`` false), not given a lifetime."""
    if walltime is None:
        return None
    flags = given_flags(extra_args)
    if flags is None:
        return derived(walltime, margin) if dask_worker else None
    lifetime = dask_seconds(flags.get("--lifetime", ""))
    stagger = dask_seconds(flags.get("--lifetime-stagger", "0")) or 0.0
    return Retirement(walltime, margin, lifetime, stagger, given=True)


def describe(found: Retirement) -> str:
    """The window in words: ``between 3150 s and 3450 s of the walltime's 3600 s``."""
    return f"between {seconds(found.earliest)} s and {seconds(found.latest)} s of the walltime's {found.walltime} s"
