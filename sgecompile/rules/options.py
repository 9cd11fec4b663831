"""SGE5xx: the qsub options of the header: duplicates, conflicts, unknown or useless options."""

from __future__ import annotations

from collections.abc import Iterator

from .. import directives as dirs
from .. import vocabulary
from ..plan import Plan
from ..schema import suggest
from . import Context, Finding


def _said(d: dirs.Directive) -> str:
    return "job.directives" if d.origin[:2] == ("job", "directives") else ".".join(map(str, d.origin))


def _key_for(d: dirs.Directive) -> str:
    """The profile key for what ``d`` asks, where a structured one exists."""
    resource = d.resource or None
    return vocabulary.key_of(d.option, resource) or "job.directives"


def duplicate_directive(plan: Plan) -> Iterator[Finding]:
    """The same qsub option asked for twice with the same value, however written (`4G` and `4096M`).

    Why: harmless, but a sign that a structured key and `job.directives` overlap
    (`-cwd` twice in dask-jobqueue scripts); it is rendered once.
    Use instead: remove it from `directives`; the hint names the key that already asks for it.
    """
    for first, later in plan.duplicates:
        if dirs.same_value(first, later):
            again = (
                f"is asked for twice (also by {_said(first)})"
                if first.args == later.args
                else f"asks for the same as `{first.text}` (from {_said(first)})"
            )
            structured = first.origin[:2] != ("job", "directives")
            yield Finding(
                later.origin,
                f"`{later.text}` {again}; it is rendered once",
                f"Remove it from {_said(later)}." + (f" It is set by {_said(first)}." if structured else ""),
            )


def contradicting_directive(plan: Plan) -> Iterator[Finding]:
    """The same qsub option (or `-l` resource) asked for twice with different values.

    Why: SGE silently keeps the last one, so the script says two things and does one.
    Use instead: one value, in the structured key when there is one.
    """
    for first, later in plan.duplicates:
        if not dirs.same_value(first, later):
            where = _said(first) if first.origin[:2] != ("job", "directives") else _key_for(later)
            yield Finding(
                later.origin,
                f"`{later.text}` contradicts `{first.text}` (from {_said(first)}); SGE would silently keep the last",
                f"Keep one value, in {where}.",
            )


def conflicting_options(plan: Plan) -> Iterator[Finding]:
    """Two qsub options that contradict each other, such as `-cwd` and `-wd`.

    Why: the job's working directory (or output) is not what one of them says.
    Use instead: `cwd = false` with `-wd`, or drop `-wd`.
    """
    options = {d.option: d for d in plan.directives}
    for a, b, why in dirs.CONFLICTS:
        if a in options and b in options:
            yield Finding(
                options[b].origin,
                f"`{options[a].text}` and `{options[b].text}` {why}",
                f"Keep one; set job.cwd = false to use `{b}`." if a == "-cwd" else "Keep one of them.",
            )


def error_path_with_joined_output(plan: Plan) -> Iterator[Finding]:
    """An `-e` path while `-j y` merges stderr into stdout.

    Why: SGE ignores `-e` then; the file it names is never written. It is left out of the script.
    Use instead: drop `-e`, or set `join_output = false`.
    """
    joined = dirs.joins_output(plan.requested)
    for d in plan.requested:
        if joined and d.option == "-e":
            yield Finding(
                d.origin,
                f"`{d.text}` does nothing: output is joined (`-j y`), so it is left out",
                "Remove -e, or set job.join_output = false.",
            )


def unknown_option(ctx: Context) -> Iterator[Finding]:
    """A `job.directives` entry that is not a qsub option of any Grid Engine.

    Why: qsub rejects the whole job.
    Use instead: the option the hint suggests, or `resources = { h_vmem = "4G" }` for `-l`.
    """
    for failure in ctx.failed("unknown-option", kind="directive"):
        option = failure.error.text.split()[0] if failure.error.text.split() else ""
        close = suggest(option, _options_of_flavor(ctx))
        yield Finding(
            failure.key, str(failure.error), f"Did you mean `{close}`?" if close else "qsub(1) lists the options."
        )


def _options_of_flavor(ctx: Context) -> list[str]:
    """The options of the profile's flavor, to suggest from (of every flavor, if the flavor is no known one)."""
    flavor = ctx.loaded.values["site"].get("flavor", "sge")  # not yet typed: any TOML value
    known = flavor if isinstance(flavor, str) and flavor in vocabulary.FLAVORS else None
    return [o for o, word in dirs.OPTIONS.items() if known in word.flavors] or list(dirs.OPTIONS)


def option_of_another_flavor(plan: Plan) -> Iterator[Finding]:
    """A qsub option the cluster's Grid Engine does not have, though another one does (`-jc` on Son of Grid Engine).

    Why: qsub refuses the job ("invalid option argument"); `site.flavor` says which Grid Engine the cluster runs.
    Use instead: `[site] flavor = "uge"` (or `"ocs"`) if the cluster runs it; else leave the option out.
    """
    flavor = plan.profile.site.flavor
    for d in plan.requested:
        theirs = vocabulary.flavors_of(d.option)
        if flavor not in theirs:
            names = " and ".join(
                f'{vocabulary.FLAVOR_NAMES[f]} (flavor = "{f}")' for f in vocabulary.FLAVORS if f in theirs
            )
            yield Finding(
                d.origin,
                f"`{d.text}`: {d.option} is an option of {names}, not of {vocabulary.FLAVOR_NAMES[flavor]}"
                f' (site.flavor = "{flavor}"), whose qsub refuses it',
                f'Set [site] flavor = "{next(f for f in vocabulary.FLAVORS if f in theirs)}" if the cluster runs it,'
                f" or remove {d.option}.",
            )


def malformed_directive(ctx: Context) -> Iterator[Finding]:
    """A `job.directives` entry with missing arguments, unbalanced quotes, or nothing in it.

    Why: qsub rejects it, or takes the next option as this one's argument.
    Use instead: `directives = ["-m ea"]`.
    """
    for failure in ctx.failed("arguments", "syntax", "empty", kind="directive"):
        yield Finding(failure.key, str(failure.error), 'Write the option and its arguments, e.g. "-m ea".')


def option_not_for_scripts(plan: Plan) -> Iterator[Finding]:
    """A qsub option that means nothing inside a job script (`-C`, `-b`, `-sync`, `-terse`, ...).

    Why: SGE reads these only on qsub's command line (or they describe how qsub
    itself behaves), so in a `#$` line they are ignored or refused.
    Use instead: leave it out; sgecompile submits with the options it needs.
    """
    for d in plan.requested:
        if not dirs.OPTIONS[d.option].in_script:
            yield Finding(
                d.origin,
                f"`{d.text}` has no effect inside a job script",
                "Remove it; qsub's command line is where it belongs.",
            )


def hash_in_directive(plan: Plan) -> Iterator[Finding]:
    """A `#` inside a value that is rendered into a `#$` line.

    Why: SGE cuts the line at `#`, so `-N run#2` becomes `-N run`.
    Use instead: another character, e.g. `run-2`.
    """
    for d in plan.requested:
        if any("#" in a for a in d.args):
            yield Finding(
                d.origin,
                f"`{d.text}`: SGE cuts a directive at `#`, so this reads `{d.text.split('#')[0].rstrip()}`",
                "Use another character than # (e.g. -).",
            )


def required_option_missing(plan: Plan) -> Iterator[Finding]:
    """An option the site's qsub refuses a job without (`site.required_options`) that the header lacks.

    Why: the site's submission policy (a JSV) rejects the job: UCL Young's Free
    jobs without `-A` are "Rejected by policyjsv". No worker ever starts.
    Use instead: the option in `job.directives`, e.g. `directives = ["-A my_project"]`.
    """
    required = plan.profile.site.required_options
    asked = {d.option for d in plan.directives} if required else set()
    for option in required:
        if option not in asked:
            yield Finding(
                ("job", "directives"),  # where it goes; the site's file may be a preset's
                f"the site's qsub refuses a job without {option} (site.required_options), and the script has none",
                f'Add it to job.directives, e.g. directives = ["{option} <value the site gave you>"].',
            )


def skip_does_nothing(plan: Plan) -> Iterator[Finding]:
    """A `job.skip` entry that removes nothing.

    Why: a typo in `skip` (`-J` for `-j`) leaves in the option it meant to remove.
    Use instead: the exact option name, e.g. `"-j"`.
    """
    asked = {d.option for d in plan.asked}
    for i, name in enumerate(plan.profile.job.skip):
        if name not in asked:
            close = suggest(name, sorted(asked))
            yield Finding(
                ("job", "skip", i),
                f"skip {name!r} removes nothing: no directive has that option",
                f"Did you mean {close!r}?" if close else "Remove it.",
            )


def argument_not_one_word(plan: Plan) -> Iterator[Finding]:
    """A qsub option argument that is empty or has whitespace in it.

    Why: sgecompile writes each argument as it is, and SGE splits a `#$` line
    into words at whitespace, so `queue = "all q"` becomes `-q all` and a stray
    `q`, and `queue = " "` becomes `-q` with no queue at all. qsub then refuses
    the job or reads something else than was meant.
    Use instead: the value without spaces (`all.q`), as `qconf` lists it.
    """
    for d in plan.directives:
        if d.option == "-N":
            continue  # SGE601 says what SGE allows in job names
        for arg in d.args:
            if arg.split() != [arg]:  # empty, or whitespace in it (str.split and str.isspace agree on what that is)
                yield Finding(
                    d.origin,
                    f"`{d.option}` gets {arg!r}, which SGE does not read as one word",
                    "Write it without spaces: sgecompile writes each argument unquoted, and SGE splits at them.",
                )
                break


def resource_not_one_request(plan: Plan) -> Iterator[Finding]:
    """A `-l` request with a comma in it, or with an empty name or value.

    Why: SGE splits `-l` at commas, so a comma in a `job.resources` name or
    value adds requests that nothing has checked (`h_vmem=64GB` among them);
    qsub refuses an empty name or value.
    Use instead: one key for each request: `resources = { arch = "lx-amd64", h_vmem = "64G" }`.
    """
    for d in plan.directives:
        if d.option != "-l":
            continue
        problem = _not_one_request(d.args[0])
        if problem:
            yield Finding(d.origin, f"`-l {d.args[0]}` {problem}", "Give each request its own key in job.resources.")


def _not_one_request(request: str) -> str | None:
    name, equals, value = request.partition("=")
    if "," in request:
        return "has a comma, and SGE reads each part as a request of its own"
    if not name.strip():
        return "has no resource name"
    if equals and not value.strip():
        return "has no value"
    return None


def array_option_in_directives(plan: Plan) -> Iterator[Finding]:
    """`-t` or `-tc` in `job.directives`: sgecompile makes the array jobs itself.

    Why: `emit` and `launch` set `-t` and `-tc` from the number of jobs and
    `--concurrent`, and a `-t` of the profile's would replace theirs: each
    task of `-t 1-5` starts a worker under the same name, which the dask
    scheduler refuses for all but one, and `emit` would also make its
    scheduler job an array of schedulers.
    Use instead: `worker.jobs = 5` (or `emit --jobs 5`, `launch(jobs=5)`);
    for an array of commands, `emit --tasks FILE --concurrent 2`.
    """
    for d in plan.requested:
        if d.option in ("-t", "-tc"):
            yield Finding(
                d.origin,
                f"`{d.text}` is for array jobs, which emit and launch make themselves",
                "Remove it: set worker.jobs (or emit --jobs); for commands, emit --tasks FILE --concurrent N.",
            )


def scope_switch_ends_its_line(plan: Plan) -> Iterator[Finding]:
    """A `-soft` or `-hard` at the end of a `job.directives` entry, where it changes nothing.

    Why: SGE reads each `#$` line on its own, starting hard, so `directives =
    ["-soft", "-l h_vmem=2G"]` (two lines, as dask-jobqueue writes them) asks
    `h_vmem=2G` as a hard request (checked on the test SGE).
    Use instead: the switch on the line of the requests it is for: `"-soft -l hostname=fast1"`.
    """
    last: dict[tuple[str | int, ...], dirs.Directive] = {d.origin: d for d in plan.asked}
    for origin, d in last.items():
        if d.option in dirs.SCOPE_SWITCHES and origin[:2] == ("job", "directives"):
            yield Finding(
                origin,
                f"`{d.option}` ends its line, and SGE starts each `#$` line hard: it changes no request",
                f'Write it before the requests it is for, on one line: "{d.option} -l ...".',
            )
