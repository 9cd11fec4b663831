"""SGE4xx: threads, processes and the pe slots that reserve cores for them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .. import directives as dirs
from .. import schema, vocabulary
from ..models import divisors
from ..plan import Plan
from . import Context, Finding


def _only_count(ranges: list[tuple[int | None, int | None]]) -> int | None:
    """The one slot count a range list allows (``4``, ``04``, ``4-4``, ``4,4``), or None when it allows others."""
    counts = {fewest for fewest, most in ranges}
    if any(fewest is None or fewest != most for fewest, most in ranges) or len(counts) != 1:
        return None  # N-M with M > N, -M or N-: several counts
    return counts.pop()


def _layout(ctx: Context) -> tuple[int, int] | None:
    """``worker.cores`` and ``worker.processes``, when both are whole numbers in range (SGE005 reports others)."""
    worker = ctx.loaded.values["worker"]
    cores, processes = _number("cores", worker.get("cores")), _number("processes", worker.get("processes"))
    return (cores, processes) if cores is not None and processes is not None else None


def _number(name: str, value: Any) -> int | None:
    return value if schema.accepts(schema.key("worker", name), value) else None


def cores_not_divisible(ctx: Context) -> Iterator[Finding]:
    """`worker.cores` that `worker.processes` does not divide.

    Why: each process gets the whole threads of cores / processes, as
    dask-jobqueue gives them, so `cores = 10, processes = 3` runs 9 threads on
    10 reserved cores: the job runs, one core stays idle.
    Use instead: a divisor, e.g. `processes = 2` (5 threads each) or `5`.
    """
    layout = _layout(ctx)
    if layout and layout[1] <= layout[0] and layout[0] % layout[1]:
        cores, processes = layout
        below = max(d for d in divisors(cores) if d < processes)
        above = min(d for d in divisors(cores) if d > processes)
        threads = cores // processes
        yield Finding(
            ("worker", "processes"),
            f"{processes} processes do not divide {cores} cores: each gets {threads} thread{'s' * (threads > 1)}, so"
            f" {threads * processes} of the {cores} cores reserved are used",
            f"Use processes = {below} or {above}, the divisors of {cores} nearest {processes}.",
        )


def more_processes_than_cores(ctx: Context) -> Iterator[Finding]:
    """More worker processes than cores.

    Why: each process would get zero threads (dask-jobqueue asks for `--nthreads 0`).
    Use instead: `processes` at most `cores`.
    """
    layout = _layout(ctx)
    if layout and layout[1] > layout[0]:
        yield Finding(
            ("worker", "processes"),
            f"{layout[1]} processes but only {layout[0]} cores: each process would get no thread",
            f"Use processes = {layout[0]} or fewer, or raise cores.",
        )


def pe_slots_disagree(plan: Plan) -> Iterator[Finding]:
    """A `-pe` in `job.directives` whose slots are not `worker.cores` x `worker.task_cores`.

    Why: the reservation and the work disagree: fewer slots oversubscribe the
    host, more slots hold cores nobody uses. SGE runs the job either way, so
    this is a warning.
    Use instead: set `site.pe` and let the slots be derived, or `task_cores = 10`
    when each task's program uses 10 threads (`iqtree -nt 10`).
    """
    slots = plan.profile.slots
    for d in plan.profile.job.directives:
        ranges = dirs.slot_ranges(d.args[1]) if d.option == "-pe" else None
        if ranges is not None and _only_count(ranges) != slots:
            yield Finding(
                d.origin,
                f"`{d.text}` asks {d.args[1]} slots, but cores x task_cores = {plan.profile.worker.cores} x {plan.profile.worker.task_cores} = {slots} threads of work",
                f'Set site.pe = "{d.args[0]}" and leave -pe out of directives; set worker.task_cores if each task\'s program runs several threads.',
            )


def pe_without_range(ctx: Context) -> Iterator[Finding]:
    """A `-pe` with no slot range, or a range SGE cannot read.

    Why: qsub needs `-pe NAME RANGES` (`4`, `2-8`, `-8`, `2-`, or a list: `1,4-8`).
    Use instead: `site.pe = "threaded"`; the slots are derived from cores.
    """
    for failure in ctx.failed("pe-range", kind="directive"):
        yield Finding(
            failure.key, str(failure.error), 'Set site.pe = "NAME" and let sgecompile write `-pe NAME <slots>`.'
        )
    profile = ctx.profile
    for d in profile.job.directives if profile else ():
        if d.option == "-pe" and dirs.slot_ranges(d.args[1]) is None:
            yield Finding(
                d.origin,
                f"`{d.text}`: {d.args[1]!r} is not a slot range",
                "A range is N, N-M, -M or N-; a list joins them with commas.",
            )


def slots_as_resource(plan: Plan) -> Iterator[Finding]:
    """Slots requested as a resource (`-l slots=N`).

    Why: SGE refuses a `slots` request; slots come from a parallel environment.
    Use instead: `site.pe = "threaded"` (or your site's pe); slots are derived from cores.
    """
    for d in plan.requested:
        if d.resource == "slots":
            yield Finding(
                d.origin,
                "SGE refuses `-l slots=...`: slots are reserved through a parallel environment",
                'Set site.pe = "threaded" (your site\'s pe name) and remove the slots request.',
            )


def threads_without_pe(plan: Plan) -> Iterator[Finding]:
    """More than one core of work but no parallel environment to reserve the cores.

    Why: without `-pe`, SGE reserves one slot, so a job running 10 threads
    shares its host with 9 other jobs' work (qstat shows 1 slot).
    Use instead: `site.pe = "threaded"` (your site's pe name).
    """
    profile = plan.profile
    if profile.slots > 1 and not any(d.option == "-pe" for d in plan.directives):
        in_prologue = next((line for line in profile.job.prologue if re.match(r"#\$.*\s-pe\s", line + " ")), None)
        if profile.site.pe and "-pe" in profile.job.skip:
            why, fix = "job.skip removes the -pe", 'Remove "-pe" from job.skip.'
        elif in_prologue is not None:
            why = f"the prologue line {in_prologue!r} asks for slots where no check counts them"
            fix = "Move it to job.directives (without the #$), or set site.pe and let the slots be derived."
        else:
            why = "no parallel environment is set"
            fix = 'Set site.pe to your cluster\'s pe (`qconf -spl` lists them), e.g. pe = "threaded".'
        yield Finding(
            ("worker", "cores"), f"the job runs {profile.slots} cores of work but reserves 1 slot: {why}", fix
        )


def more_slots_than_sge_has(plan: Plan) -> Iterator[Finding]:
    """More pe slots than any SGE parallel environment can have.

    Why: a parallel environment has at most 9999999 slots (sge_pe(5)), so the
    job waits in the queue for ever and its workers never start.
    Use instead: fewer cores per job and more jobs (`worker.jobs`).
    """
    worker = plan.profile.worker
    if plan.profile.slots > schema.SGE_MAX_SLOTS and any(d.option == "-pe" for d in plan.directives):
        yield Finding(
            ("worker", "task_cores") if worker.task_cores > 1 else ("worker", "cores"),
            f"cores x task_cores = {worker.cores} x {worker.task_cores} = {plan.profile.slots} slots,"
            f" more than SGE's limit of {schema.SGE_MAX_SLOTS} for a parallel environment",
            "Ask for fewer cores per job and more jobs (worker.jobs).",
        )


# `dask worker` options the worker command already gives, and where a profile sets each (none: every worker's own).
DERIVED_WORKER_OPTIONS: dict[str, str | None] = {
    **vocabulary.WORKER_FLAGS,
    "--name": None,  # launch and emit name each worker after its job
    "--scheduler-file": None,  # emit gives it; launch gives the scheduler's address
}


# Each on/off switch with its pair (`--no-nanny`: `--nanny`, `--no-nanny`): the command gives one of the two.
_SWITCH_PAIRS: dict[str, tuple[str, ...]] = {
    flag: w.flag for w in vocabulary.WORDS if len(w.flag) == 2 for flag in w.flag
}


def _given(argv: list[str], option: str) -> str:
    """``option`` and its value as ``argv`` gives it (``--nworkers`` unwritten is dask's default, 1); for a
    switch, the one of its pair that ``argv`` gives: ``--nanny`` against ``--no-nanny``."""
    option = next((flag for flag in _SWITCH_PAIRS.get(option, ()) if flag in argv), option)
    if option not in argv:
        return f"{option} 1 (dask's default)" if option == "--nworkers" else option
    value = argv[argv.index(option) + 1] if option not in vocabulary.SWITCHES else ""
    return f"{option} {value}".rstrip()


def extra_args_override(plan: Plan) -> Iterator[Finding]:
    """A `worker.extra_args` or `worker.command` option that the worker command already gives (`--nthreads`, ...).

    Why: `dask worker` takes the last of two values, and extra arguments come
    after sgecompile's, so the worker runs, but with other threads or memory
    than the ones every check (pe slots, SGE's memory request) was made for;
    in `worker.command`, before sgecompile's, the option does nothing.
    `--name` also breaks how launch tells its workers apart. With
    `task_memory`, the worker gets `--resources` for the commands of
    `sgecompile run`, and other resources would leave them waiting for ever.
    Use instead: the profile key for it: `cores` and `processes` for threads, `memory`, `nanny`,
    `death_timeout`, `local_directory`, `interface`, `task_cores` and `task_memory`. (`--interface`
    and `--local-directory` are the worker's own while the profile leaves those keys unset.)
    """
    worker = plan.profile.worker
    if not (worker.extra_args or worker.command):  # most profiles: no worker command to build for the messages
        return
    unset = {"--interface"} if worker.interface is None else set()
    unset |= {"--local-directory"} if worker.local_directory is None else set()
    derived = DERIVED_WORKER_OPTIONS | (
        {"--resources": "worker.task_cores and worker.task_memory"} if worker.resources else {}
    )
    ours = plan.worker_command(["--scheduler-file", "scheduler.json"], "NAME", extra=False)[len(worker.start) :]
    for source, words in (("command", worker.command), ("extra_args", worker.extra_args)):
        for i, word in enumerate(words):
            option, equals, value = word.partition("=")
            if option not in derived or option in unset or (not worker.runs_dask_worker and option not in ours):
                continue
            key = derived[option]
            given = f"worker.{source} gives {option} {value if equals else ' '.join(words[i + 1 : i + 2])}".rstrip()
            yield Finding(
                ("worker", source, i),
                given
                + (
                    f", after the worker command's {_given(ours, option)}; dask uses this one, where the checks were"
                    " made for the worker command's"
                    if source == "extra_args"
                    else f", before the worker command's {_given(ours, option)}, which dask uses: this one does nothing"
                ),
                f"Remove it and set {key} instead." if key else "Remove it: sgecompile sets it for every worker.",
            )


# `dask worker`'s options in the distributed sgecompile is tested with, those that take no value apart:
# tests/rules/test_catalogue.py compares both with the installed distributed, so a new or renamed option shows.
DISTRIBUTED_TESTED = "2026.8"
DASK_WORKER_SWITCHES = frozenset(
    {"--nanny", "--no-nanny", "--dashboard", "--no-dashboard", "--lifetime-restart", "--no-lifetime-restart"}
)
DASK_WORKER_OPTIONS = DASK_WORKER_SWITCHES | {
    "--contact-address",
    "--dashboard-address",
    "--dashboard-prefix",
    "--death-timeout",
    "--host",
    "--interface",
    "--lifetime",
    "--lifetime-stagger",
    "--listen-address",
    "--local-directory",
    "--memory-limit",
    "--name",
    "--nanny-port",
    "--nthreads",
    "--nworkers",
    "--pid-file",
    "--preload",
    "--preload-nanny",
    "--protocol",
    "--resources",
    "--scheduler-file",
    "--scheduler-sni",
    "--tls-ca-file",
    "--tls-cert",
    "--tls-key",
    "--version",
    "--worker-class",
    "--worker-port",
}


def unknown_worker_option(plan: Plan) -> Iterator[Finding]:
    """A `worker.extra_args` option that distributed's worker does not take (`--nthread` for `--nthreads`).

    Why: `dask worker` stops at once with "No such option", so the job starts and no worker ever comes.
    A warning, not an error: the cluster may run an older distributed that had the option (`--no-bokeh`,
    `--nprocs`), and sgecompile knows only the one it was tested with. With `--preload`, unknown options
    go to the preloaded module, so they are left alone, as is another program than distributed's worker
    (`dask-cuda-worker` has options of its own).
    Use instead: the option as `dask worker --help` spells it; the hint names the nearest.
    """
    worker = plan.profile.worker
    words = list(worker.extra_args)
    options = [w.partition("=")[0] for w in words]
    if not words or not worker.runs_dask_worker or {"--preload", "--preload-nanny"} & set(options):
        return
    value_next = False
    for i, (word, option) in enumerate(zip(words, options, strict=True)):
        if value_next:
            value_next = False
            continue
        if option.startswith("--") and option != "--" and option not in DASK_WORKER_OPTIONS:
            close = schema.suggest(option, sorted(DASK_WORKER_OPTIONS))
            yield Finding(
                ("worker", "extra_args", i),
                f"{option} is no option of distributed's worker ({DISTRIBUTED_TESTED}): it stops with"
                ' "No such option", and no worker starts (unless the cluster runs an older distributed that had it)',
                f"Write {close}." if close else "See `dask worker --help` for its options.",
            )
        value_next = option in DASK_WORKER_OPTIONS and option not in DASK_WORKER_SWITCHES and "=" not in word
