"""SGE2xx: walltime (`-l h_rt`)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..plan import Plan
from ..retirement import LIFETIME_FLAGS, Retirement, describe, seconds
from ..tomlpos import Path as KeyPath
from ..units import UnitError, Walltime, format_hms, parse_sge_time
from . import Context, Finding


def two_field_walltime(ctx: Context) -> Iterator[Finding]:
    """A walltime with two fields, such as `00:30`.

    Why: SGE's time format is `H:M:S`; qsub rejects two fields, and a reader
    cannot tell 30 minutes from 30 seconds.
    Use instead: `"0:30:00"` (30 minutes), or `"30m"`.
    """
    for failure in ctx.failed("two-fields", kind="walltime"):
        a, b = (f.strip() for f in failure.error.text.split(":"))
        hint = 'Write H:M:S, e.g. "0:30:00".'
        if re.fullmatch(r"[0-9]{1,6}", a) and re.fullmatch(r"[0-9]{1,6}", b):
            hint = f'Write "{int(a)}:{int(b):02d}:00" for {a} hours {b} minutes, or "0:{int(a):02d}:{int(b):02d}" for {a} minutes {b} seconds.'
        yield Finding(failure.key, f"walltime {failure.error.text!r} has two fields; SGE wants H:M:S", hint)


def not_a_walltime(ctx: Context) -> Iterator[Finding]:
    """A walltime (or `worker.lifetime_margin`) that is empty, zero, negative or not a time at all.

    Why: qsub rejects it, or the job is killed at once; a margin that is no
    time gives the workers no lifetime to work out.
    Use instead: `"12:00:00"`, `43200` (seconds) or `"12h"`.
    """
    for failure in ctx.failed("empty", "not-positive", "not-a-time", "too-long", kind="walltime"):
        named = failure.key in (("worker", "lifetime_margin"), ("site", "max_walltime"), ("site", "default_walltime"))
        in_walltime = failure.key == ("job", "walltime") or named  # else an h_rt that qsub itself reads
        yield Finding(
            failure.key,
            f"{'.'.join(map(str, failure.key)) if named else 'walltime'}: {failure.error}",
            'Write H:M:S ("12:00:00"), whole seconds (43200) or a duration ("12h", "1d12h").'
            if in_walltime
            else 'Write H:M:S ("12:00:00") or whole seconds (43200); or set job.walltime, which also reads "12h".',
        )


def walltime_fields_overflow(plan: Plan) -> Iterator[Finding]:
    """A walltime whose minutes or seconds are 60 or more.

    Why: SGE accepts it (`99:99:99` is 100:40:39), but it often is a typo, and
    the job runs for a different time than it reads. This note shows the
    normalised value.
    Use instead: the normalised `"100:40:39"`, if that is what you meant.
    """
    for key, walltime in _walltimes(plan):
        if walltime.fields and (walltime.fields[1] >= 60 or walltime.fields[2] >= 60):
            yield Finding(
                key,
                f"walltime {walltime.text!r} is {format_hms(walltime.seconds)} ({walltime.seconds} s)",
                f'Write "{format_hms(walltime.seconds)}" to say it as SGE will count it.',
            )


def _walltimes(plan: Plan) -> Iterator[tuple[KeyPath, Walltime]]:
    """``job.walltime``, and each ``h_rt`` written in ``job.resources`` or ``job.directives`` (typing checked them)."""
    if plan.profile.job.walltime:
        yield ("job", "walltime"), plan.profile.job.walltime
    for d in plan.requested:
        if d.option != "-l":
            continue
        name, value = d.resource, d.amount
        if name.strip() == "h_rt" and d.origin != ("job", "walltime"):
            try:
                yield d.origin, parse_sge_time(value)
            except UnitError:  # SGE202 reports it
                continue


def no_walltime(plan: Plan) -> Iterator[Finding]:
    """A job script with no walltime: none is set, or `job.skip` removes `-l`.

    Why: the job then gets the queue's `h_rt` limit (INFINITY on a default queue),
    not the 30 minutes dask-jobqueue adds silently when `walltime` is left out.
    Use instead: `walltime = "12:00:00"`, so the job's end is known and the scheduler can backfill.
    """
    if plan.resource("h_rt") is not None or plan.profile.site.default_walltime:
        return  # with the site's default, SGE207 says when the job ends
    if plan.profile.job.walltime is None:
        yield Finding(
            ("job",),
            "no walltime: the job runs until the queue's own h_rt limit (INFINITY on a default queue)",
            'Set job.walltime, e.g. walltime = "12:00:00".',
        )
    else:
        yield Finding(
            ("job", "skip"),
            "job.walltime is not in the script: job.skip removes every -l request, h_rt among them, so the queue's own h_rt limit applies",
            'Remove "-l" from job.skip, and skip single requests by leaving them out of job.resources.',
        )


def walltime_beyond_site(plan: Plan) -> Iterator[Finding]:
    """A walltime longer than the site lets a job ask for (`site.max_walltime`, from its documentation).

    Why: qsub refuses the job, or the queue kills it at its own limit, before the
    workers' lifetime lets them retire. A warning: sites make exceptions (Hoffman2's
    `highp` on a group's own nodes, a longer job class).
    Use instead: at most the limit, and more jobs (`worker.jobs`) for more work.
    """
    limit = plan.profile.site.max_walltime
    if limit is None or (asked := plan.resource("h_rt")) is None:
        return
    seconds = parse_sge_time(asked.amount).seconds  # typing has checked it
    if seconds > limit.seconds:
        yield Finding(
            asked.origin,
            f"walltime {seconds} s ({format_hms(seconds)}) is longer than the site allows, site.max_walltime"
            f" {limit.seconds} s ({format_hms(limit.seconds)}): qsub refuses the job or the queue kills it then",
            f'Ask for at most walltime = "{format_hms(limit.seconds)}", and more jobs (worker.jobs) for more work.',
        )


def site_default_walltime(plan: Plan) -> Iterator[Finding]:
    """No walltime, where the site gives a job that asks for none a short one (`site.default_walltime`).

    Why: the job ends at the site's default `h_rt` (Hoffman2: 2 hours), and its
    workers, given no lifetime, are killed there with their results.
    Use instead: a `job.walltime` as long as the work, within the site's limit.
    """
    default = plan.profile.site.default_walltime
    if default is None or plan.resource("h_rt") is not None:
        return
    yield Finding(
        ("job", "walltime") if plan.profile.job.walltime else ("job",),
        f"no walltime in the script: the site's default h_rt ends the job after {default.seconds} s"
        f" ({format_hms(default.seconds)}), and the workers, given no lifetime, die with their results",
        'Set job.walltime, e.g. walltime = "12:00:00", within site.max_walltime where the site sets one.',
    )


def workers_retire_too_late_or_early(plan: Plan) -> Iterator[Finding]:
    """Workers that cannot retire gracefully before `h_rt`: a walltime too short for the margin, a late `--lifetime`.

    A walltime of 3 x `worker.lifetime_margin` or less, or a `--lifetime` of
    `worker.extra_args` whose stagger reaches the walltime.

    Why: with a walltime W and a margin M, each worker gets dask's
    `--lifetime (W - M)` and `--lifetime-stagger (M / 2)`, and leaves, its data
    handed over, between W - 1.5 M and W - 0.5 M. A walltime of 3 M or less
    makes a worker leave after less than half of it; one of 1.5 M or less
    leaves no lifetime to give, and SGE kills the workers at `h_rt`, their
    results lost. A lifetime of your own plus its stagger that reaches the
    walltime does the same to the workers that draw the longest.
    Use instead: a longer walltime, a smaller `lifetime_margin`, or a
    `--lifetime` that ends before the walltime (the margin's, when you remove yours).
    """
    found = plan.retirement
    asked = plan.resource("h_rt")
    if found is None or asked is None:
        return
    at = asked.origin
    if found.given:
        yield from _given_lifetime(plan, found)
    elif found.lifetime is None:
        yield Finding(
            at,
            f"walltime {found.walltime} s is at most 1.5 x worker.lifetime_margin {found.margin} s: no lifetime fits,"
            " so the workers get no --lifetime and SGE kills them at h_rt, their results lost",
            f"Ask for a walltime longer than {found.margin + found.margin // 2} s, or a smaller lifetime_margin.",
        )
    elif found.walltime <= 3 * found.margin:
        yield Finding(
            at,
            f"walltime {found.walltime} s is at most 3 x worker.lifetime_margin {found.margin} s: the workers"
            f" retire {describe(found)}, the first after less than half of it",
            f"Ask for a walltime longer than {3 * found.margin} s, or a smaller lifetime_margin.",
        )


def _given_lifetime(plan: Plan, found: Retirement) -> Iterator[Finding]:
    """The user's own --lifetime: unreadable, or ending at or after h_rt."""
    extra_args = plan.profile.worker.extra_args
    index = next(i for i, w in enumerate(extra_args) if w.partition("=")[0] in LIFETIME_FLAGS)
    if found.lifetime is None:
        yield Finding(
            ("worker", "extra_args", index),
            "worker.extra_args gives no --lifetime that dask reads, so worker.lifetime_margin gives none either:"
            f" SGE kills the workers at h_rt ({found.walltime} s), their results lost",
            'Give --lifetime with a duration dask reads, e.g. "55m", or remove --lifetime and --lifetime-stagger.',
        )
    elif found.latest >= found.walltime:
        yield Finding(
            ("worker", "extra_args", index),
            f"worker.extra_args gives --lifetime {seconds(found.lifetime)} s and --lifetime-stagger"
            f" {seconds(found.stagger)} s: the last workers leave at {seconds(found.latest)} s, not before the"
            f" walltime's {found.walltime} s, so SGE kills them at h_rt",
            "Remove --lifetime and --lifetime-stagger, so that worker.lifetime_margin gives them, or give a"
            f" lifetime plus stagger below {found.walltime} s.",
        )
