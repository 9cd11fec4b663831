"""``sgecompile import``: dask-jobqueue keyword arguments → a profile's tables, with notes for what does not carry over.

Keyword arguments sgecompile has no place for are reported, never dropped
silently; the skip texts are read as the lines of dask-jobqueue's own header
(:func:`~sgecompile.convert.header.dask_header`) they remove.
"""

from __future__ import annotations

import datetime
import shlex
from collections import Counter
from collections.abc import Callable
from typing import Any

import attrs

from .. import directives as dirs
from .. import retirement, schema, shellword, vocabulary
from ..memoryresources import HOST_LOAD, worker_memory_request
from ..models import runs_dask_worker
from ..tomltext import toml_value
from ..units import UnitError, parse_walltime
from .header import DASK_JOB_NAME, DASK_WALLTIME, dask_header
from .reading import DaskDefault, SecurityCall


def _split(key: str) -> tuple[str, str]:
    """``"job.queue"`` as ``("job", "queue")``."""
    section, _, name = key.partition(".")
    return section, name


# dask-jobqueue keyword -> (section, key), old names and new (sgecompile.vocabulary).
KEYWORDS: dict[str, tuple[str, str]] = {keyword: _split(key) for keyword, key in vocabulary.KEYWORDS.items()}
SKIPS = ("header_skip", "job_directives_skip")  # what they remove is worked out once the rest is read
HANDLED = {"resource_spec", "shebang", "scheduler_options", *SKIPS}
# dask-jobqueue 0.9's renamed keywords, old -> new: it reads the old one only while the new one is unset or empty.
RENAMED = vocabulary.RENAMED_KEYWORDS
DASK_SHEBANG = "#!/usr/bin/env bash"
# Values of keywords sgecompile has no place for that change nothing: dask-jobqueue 0.9's own defaults (its
# jobqueue.yaml and SGECluster's signature; tests/test_convert.py compares them with the installed dask-jobqueue).
NO_CHANGE: dict[str, Any] = {
    "worker_command": "distributed.cli.dask_worker",
    "silence_logs": "error",
    "config_name": "sge",
    "asynchronous": False,
}
# Worker flags with a profile key (dask worker takes the last of two, and the extra arguments come last). Not
# --interface: worker.interface is the scheduler's interface too, where the flag was the worker's alone.
IMPORTED_FLAGS = ("worker.nanny", "worker.death_timeout", "worker.local_directory")
FLAG_KEYS = {flag: _split(key)[1] for flag, key in vocabulary.WORKER_FLAGS.items() if key in IMPORTED_FLAGS}
USER_CONFIG = "~/.config/dask/jobqueue.yaml"
DEFAULT_SHELL: str = schema.key("site", "shell").default
# Keywords dask-jobqueue joins into the worker command with spaces and no quotes, so the job's shell splits them.
ONE_WORD = {"python", "interface", "local_directory"}
WORD_LISTS = {"extra", "worker_extra_args"}


@attrs.frozen
class Imported:
    tables: dict[str, dict[str, Any]]
    notes: tuple[str, ...]  # what could not be carried over, and why


def from_keywords(kwargs: dict[str, Any], yaml: bool = False) -> Imported:
    """A profile's tables from ``SGECluster(**kwargs)``, or from a jobqueue.yaml section when ``yaml`` is set."""
    tables: dict[str, dict[str, Any]] = {"site": {}, "job": {}, "worker": {}}
    notes: list[str] = []
    given = _keyword_arguments(kwargs, yaml, notes)
    no_walltime = yaml and "walltime" in kwargs and kwargs["walltime"] is None  # dask-jobqueue then writes no h_rt
    _drop_renamed(given, notes)
    skip: tuple[str, Any] | None = None
    start: dict[str, tuple[str, str]] = {}  # python and worker_command, read together once all are read
    for name, (raw, value) in given.items():
        if isinstance(value, DaskDefault):
            notes.append(
                f"{raw} = {value.text}: dask-jobqueue's own default; left unset, so sgecompile's default applies"
                " (worker.python: the Python that runs sgecompile)"
            )
            continue
        if yaml and name in vocabulary.KEYWORD_ONLY:
            notes.append(
                f"{raw} = {value!r}: dask-jobqueue takes {name} as a keyword argument only and never reads it from"
                " jobqueue.yaml, so the job did not have it; left out"
            )
            continue
        if name == "n_workers":
            continue  # read once processes is known
        if name not in KEYWORDS and name not in HANDLED:
            if not _changes_nothing(name, value):
                notes.append(f"{raw} = {value!r}: sgecompile has no place for it; left out")
            continue
        if isinstance(value, SecurityCall):
            _security(raw, value, tables["worker"], notes)
            continue
        if not _has_toml_form(value):
            notes.append(f"{raw} = {value!r}: TOML has no null, bytes, set or complex number to hold it; left out")
            continue
        if name in SKIPS:
            skip = (raw, value)
        elif name == "resource_spec":
            tables["job"]["resources"] = _resources(str(value), notes)
        elif name == "shebang":
            shell = _shell(str(value), notes)
            if shell is not None:
                tables["site"]["shell"] = shell
        elif name == "scheduler_options":
            _scheduler_options(raw, value, tables["site"], notes)
        elif name in ("python", "worker_command") and isinstance(value, str):
            start[name] = (raw, value)
        elif name == "worker_command":  # worker.command holds words, where dask-jobqueue formats this as text
            notes.append(
                f"{raw} = {value!r} is not text: dask-jobqueue writes `-m {value}`, which Python cannot run; left out"
            )
        elif name in ONE_WORD | WORD_LISTS:
            words = _command_words(raw, value, notes)
            if words is not None:
                tables["worker"][KEYWORDS[name][1]] = words
        else:
            section, key = KEYWORDS[name]
            tables[section][key] = list(value) if isinstance(value, tuple) else value
    _worker_start(start, tables["worker"], notes)
    _flags_with_keys(tables["worker"], notes)
    _death_timeout(tables["worker"], notes)
    _prologue_directives(tables["job"], notes)
    _structure_directives(tables, notes)
    _jobs(given, yaml, tables, notes)
    removed: set[str] = set()
    if skip is not None:
        values = {name: value for name, (_, value) in given.items()}
        removed = _import_skips(skip, values, no_walltime, tables, notes)
    _last_values(tables["job"], removed, notes)
    unset = "walltime" not in given and not no_walltime and "-l h_rt" not in removed
    if not _last_walltime(tables["job"], DASK_WALLTIME if unset else None, notes) and unset:
        _dask_walltime(tables, notes)
    _retirement(tables, notes)
    _unasked_defaults(given, yaml, notes)
    _memory_resource(tables, notes)
    return Imported({k: v for k, v in tables.items() if v}, tuple(notes))


def _scheduler_options(raw: str, value: Any, site: dict[str, Any], notes: list[str]) -> None:
    """The scheduler's ``interface`` is site.scheduler_interface; the other options are launch's to give, noted."""
    options = dict(value) if isinstance(value, dict) else {}
    interface = options.pop("interface", None)
    if isinstance(interface, str) and interface:
        site["scheduler_interface"] = interface
    elif interface is not None:
        options["interface"] = interface
    if options or not isinstance(value, dict):
        left = options if isinstance(value, dict) else value
        notes.append(
            f"{raw} = {left!r}: not part of the job; give them to sgecompile.launch(scheduler_options=...); left out"
        )


def _security(raw: str, call: SecurityCall, worker: dict[str, Any], notes: list[str]) -> None:
    """``Security(...)``'s files as worker.security and worker.tls_*: one file for every side, the workers' first."""
    worker["security"] = True
    fields = dict(call.fields)
    for word in vocabulary.WORDS:
        given = [(field, fields[field]) for field in word.security if isinstance(fields.get(field), str)]
        if word.key and given:
            worker[_split(word.key)[1]] = given[0][1]
            if len({path for _, path in given}) > 1:
                notes.append(
                    f"{raw}: {', '.join(f for f, _ in given)} name different files; sgecompile gives the scheduler,"
                    f" the workers and the client one, {given[0][0]}'s"
                )
    other = [
        f for f in fields if f not in vocabulary.SECURITY_FIELDS and (f, fields[f]) != ("require_encryption", True)
    ]
    if other:
        notes.append(
            f"{raw}: Security's {', '.join(other)}: sgecompile has no place for them (it always requires"
            " encryption); left out"
        )


def _changes_nothing(name: str, value: Any) -> bool:
    """Whether a keyword sgecompile has no place for leaves the job as it is: empty, or dask-jobqueue's default."""
    return value in ([], {}, (), "") or NO_CHANGE.get(name) == value


def _dask_walltime(tables: dict[str, dict[str, Any]], notes: list[str]) -> None:
    """Write dask-jobqueue's default walltime, which a profile does not have, and say so.

    dask-jobqueue asks for ``h_rt=00:30:00`` when none is given (in a call,
    ``walltime=None`` too), a profile for none (the queue's limit). Not when
    the section says ``walltime: null`` or a skip removes the line: the job
    then asked for none.
    """
    tables["job"]["walltime"] = DASK_WALLTIME
    notes.append(
        f'walltime = "{DASK_WALLTIME}" written: dask-jobqueue asks for it when no walltime is given'
        f" (unless {USER_CONFIG} sets jobqueue.sge.walltime), so the job ends after 30 minutes as before"
    )


# The options whose last value SGE keeps, with the key that holds it: qsub warns "option has already been set,
# overriding previous setting", and qstat -j on the test cell shows the last -N, -P and -j (of each -l resource,
# the last amount; of -cwd and -wd, the last). -q is not among them: a second -q adds a queue the job may run in.
LAST_WINS = {"-N": "name", "-P": "project", "-j": "join_output"}


def _last_values(job: dict[str, Any], removed: set[str], notes: list[str]) -> None:
    """What SGE kept of an option dask-jobqueue's header asks for again in job_extra_directives, in its key.

    dask-jobqueue writes its own lines, then job_extra_directives; a profile
    holds each option once, and check refuses two that differ (SGE502). So
    the value the job ran with goes to the key, and the entries that asked
    for it go, with a note. ``-l h_rt`` is :func:`_last_walltime`'s.
    """
    own = {
        "-N": None if "-N" in removed else job.get("name", DASK_JOB_NAME),
        "-P": None if "-P" in removed else job.get("project"),
        "-j": None if "-j y" in removed else "y",
    }
    for option, key in LAST_WINS.items():
        taken = _take_from_extras(job, _asking_for(option))
        if not taken:
            continue
        last = taken[-1].args[0]
        job[key] = dirs.yes_or_no(last) if option == "-j" else last
        asked = ([f"`{option} {own[option]}` (its own line)"] if own[option] else []) + [f"`{d.text}`" for d in taken]
        if len(asked) > 1 and (option != "-j" or dirs.yes_or_no(own[option] or "n") != job[key]):
            _note_last(asked, key, job[key], notes)
    _last_amounts(job, notes)
    wd = [d for d in _extra_requests(job) if d.option == "-wd"]
    if wd and "-cwd" not in removed and job.get("cwd") is not True:  # true: an extra -cwd too, whose order is lost
        job["cwd"] = False
        _note_last(["`-cwd` (its own line)", f"`{wd[-1].text}`"], "cwd", False, notes)


def _last_amounts(job: dict[str, Any], notes: list[str]) -> None:
    """Each resource resource_spec asks for that an extra directive asks again, and each that extra directives
    ask more than once: the last amount, SGE's, in job.resources."""
    if not isinstance(job.get("resources", {}), dict):
        return  # a value of another type, which check reports
    resources = job.get("resources", {})
    extras = Counter(d.resource for d in _extra_requests(job) if d.option == "-l" and d.scope == "hard")
    for name in [*resources, *(n for n, count in extras.items() if count > 1 and n not in resources)]:
        if name == "h_rt" or not extras[name]:
            continue
        taken = _take_from_extras(job, _asking_for("-l", name))
        asked = [f"`-l {name}={resources[name]}` (resource_spec)"] if name in resources else []
        job["resources"] = resources = {**resources, name: taken[-1].amount}
        _note_last(asked + [f"`{d.text}`" for d in taken], f"resources.{name}", taken[-1].amount, notes)


def _extra_requests(job: dict[str, Any]) -> list[dirs.Directive]:
    """Every request of job_extra_directives, in order, as qsub reads them."""
    entries = job.get("directives")
    return [d for text in entries for d in _requests(text)] if isinstance(entries, list) else []


def _note_last(asked: list[str], key: str, value: Any, notes: list[str]) -> None:
    notes.append(
        f"the header dask-jobqueue writes asks for {', then '.join(asked)}; SGE keeps the last,"
        f" so the job ran with it: imported as {key} = {toml_value(value)}"
    )


def _asking_for(option: str, resource: str | None = None) -> Callable[[dirs.Directive], bool]:
    """Whether a request is of ``option`` (for ``-l``, the hard request of ``resource``)."""

    def asks(d: dirs.Directive) -> bool:
        return d.option == option and (resource is None or (d.scope == "hard" and d.resource == resource))

    return asks


def _take_from_extras(job: dict[str, Any], wanted: Callable[[dirs.Directive], bool]) -> list[dirs.Directive]:
    """The requests in job.directives that ``wanted`` picks, in order, taken out of their entries.

    Each entry is read as qsub reads a ``#$`` line: several options, and
    ``-l a=1,b=2`` a request of each. An entry that loses some keeps the rest;
    one that cannot be read stays as it is, for check to report.
    """
    entries = job.get("directives")
    if not isinstance(entries, list):
        return []
    taken, kept = [], []
    for text in entries:
        parsed = _requests(text)
        picked = [d for d in parsed if wanted(d)]
        taken += picked
        rest = [d for d in parsed if not wanted(d)]
        if not picked:
            kept.append(text)
        elif any(d.option not in dirs.SCOPE_SWITCHES for d in rest):
            kept.append(" ".join(shlex.join([d.option, *d.args]) for d in rest))
    job["directives"] = kept
    if not kept:
        del job["directives"]
    return taken


def _requests(text: Any) -> list[dirs.Directive]:
    """One job_extra_directives entry as qsub reads it; none when it cannot be read (check reports it)."""
    try:
        return dirs.parse(text, ()) if isinstance(text, str) else []
    except dirs.DirectiveError:
        return []


def _extras_join(job: dict[str, Any]) -> bool | None:
    """What the last ``-j`` of job_extra_directives says, SGE's answer; None without one."""
    said = [d for d in _extra_requests(job) if d.option == "-j"]
    return dirs.yes_or_no(said[-1].args[0]) if said else None


def _last_walltime(job: dict[str, Any], default: str | None, notes: list[str]) -> bool:
    """The ``h_rt`` SGE keeps, of those the header asks for, as job.walltime, the others removed, with a note.

    dask-jobqueue writes resource_spec's ``-l`` line, then its own ``h_rt``
    line, then job_extra_directives; SGE keeps the last value of a resource
    (on the test cell, ``h_vmem=1G,h_rt=3600`` then ``h_rt=00:30:00`` is
    ``h_rt=1800``), so only that one ever applied. ``default``: the walltime
    dask-jobqueue writes for want of one. Whether it wrote job.walltime.
    """
    found: list[tuple[str, str]] = []  # (where, value), in the header's order
    resources = job.get("resources", {})
    if "h_rt" in resources:
        found.append(("resource_spec", str(resources["h_rt"])))
    if "walltime" in job:
        found.append(("walltime", str(job["walltime"])))
    elif default:
        found.append(("dask-jobqueue's default walltime", default))
    times = _take_from_extras(job, _asking_for("-l", "h_rt"))
    found += [("job_extra_directives", d.amount) for d in times]
    if all(where in ("walltime", "dask-jobqueue's default walltime") for where, _ in found):
        return False
    resources.pop("h_rt", None)
    if "resources" in job and not resources:
        del job["resources"]
    job["walltime"] = found[-1][1]
    asked = ", ".join(f"h_rt={value} ({where})" for where, value in found)
    notes.append(
        f"the header dask-jobqueue writes asks for {asked}; SGE keeps the last, so the job ran with it:"
        f" imported as walltime = {toml_value(found[-1][1])}"
    )
    return True


def _retirement(tables: dict[str, dict[str, Any]], notes: list[str]) -> None:
    """Say that the workers now retire before the walltime, where dask-jobqueue's ran until SGE killed them.

    Not when the extra arguments give ``--lifetime`` or ``--lifetime-stagger``
    themselves (the profile keeps those, and adds nothing), nor for another
    program than distributed's worker (no lifetime is given to it).
    """
    walltime = tables["job"].get("walltime")
    extra_args = _texts(tables["worker"].get("extra_args", []))
    command = _texts(tables["worker"].get("command", ["-m", NO_CHANGE["worker_command"]]))
    if not isinstance(walltime, str | int) or not command:
        return  # no walltime, or values of another type, which check reports
    if not runs_dask_worker(["python", *command] if command[0] == "-m" else command):
        return  # not given a lifetime: check says so (SGE607)
    try:
        seconds = parse_walltime(walltime).seconds
    except UnitError:  # check reports it
        return
    margin = parse_walltime(schema.key("worker", "lifetime_margin").default).seconds
    if retirement.given_flags(extra_args):
        _margin_of_flags(tables["worker"], seconds, margin, notes)
        return
    flags = retirement.derived(seconds, margin).flags
    notes.append(
        f"walltime = {toml_value(walltime)}: the workers now retire gracefully before it (their data moved, their"
        f" tasks given to others) with {' '.join(flags)} (worker.lifetime_margin, {margin} s by default), where"
        " dask-jobqueue's ran until SGE killed them at h_rt"
        if flags
        else f"walltime = {toml_value(walltime)} is too short for worker.lifetime_margin ({margin} s by default):"
        " the workers get no --lifetime, and SGE kills them at h_rt as before (check says SGE205)"
    )


def _margin_of_flags(worker: dict[str, Any], walltime: int, default: int, notes: list[str]) -> None:
    """``--lifetime`` and ``--lifetime-stagger`` as sgecompile derives them (as export writes them), as the margin.

    ``W - M`` and ``M / 2`` for a margin ``M``: imported as that margin, the
    workers follow a new walltime, where the flags would keep them retiring
    at the old one. Any other pair is the user's own, and stays as it is.
    """
    words = worker["extra_args"]
    if not all(isinstance(w, str) for w in words):
        return  # dask-jobqueue makes text of each; the profile keeps them as written, for check to report
    flags = retirement.given_flags(words) or {}
    lifetime, stagger = (retirement.dask_seconds(flags.get(flag, "")) for flag in retirement.LIFETIME_FLAGS)
    if lifetime is None or stagger is None or lifetime != int(lifetime) or lifetime >= walltime:
        return
    margin = walltime - int(lifetime)
    if retirement.derived(walltime, margin) != retirement.Retirement(walltime, margin, lifetime, stagger, False):
        return
    given, kept, rest = [], [], list(words)
    while rest:
        word = rest.pop(0)
        if word.partition("=")[0] not in retirement.LIFETIME_FLAGS:
            kept.append(word)
            continue
        given += [word, rest.pop(0)] if "=" not in word and rest else [word]
    worker["extra_args"] = kept
    if not kept:
        del worker["extra_args"]
    if margin != default:
        worker["lifetime_margin"] = margin
    notes.append(
        f"extra arguments {' '.join(given)} are what sgecompile derives from the walltime ({walltime} s) with"
        f" worker.lifetime_margin = {margin} s: imported as that margin, so the workers follow the walltime"
    )


def _jobs(given: dict[str, tuple[str, Any]], yaml: bool, tables: dict[str, dict[str, Any]], notes: list[str]) -> None:
    """``n_workers`` as worker.jobs: dask-jobqueue starts ceil(n_workers / processes) jobs of processes workers each.

    Not from jobqueue.yaml, which dask-jobqueue does not read it from (noted where it is read).
    """
    if "n_workers" not in given or yaml:
        return
    raw, value = given["n_workers"]
    processes = tables["worker"].get("processes")
    if value == 0:
        return
    if not _count(value) or not _count(processes) or processes == 0:
        reason = "processes is not a count of workers" if _count(value) else "it is not a count of workers"
        notes.append(f"{raw} = {value!r} left out ({reason}); set worker.jobs, the number of jobs launch starts")
        return
    jobs = -(-value // processes)
    tables["worker"]["jobs"] = jobs
    if jobs * processes != value:
        notes.append(
            f"{raw} = {value} is workers, not jobs: dask-jobqueue starts {jobs} jobs of {processes} workers,"
            f" {jobs * processes} in all; imported as jobs = {jobs}"
        )


def _count(value: Any) -> bool:
    """Whether ``value`` is a whole number of something, 0 included (not true or false)."""
    return schema.kind_matches("int", value) and value >= 0


def _texts(value: Any) -> list[str]:
    """The texts of a list; none when it is not a list (a value of another type, which check reports)."""
    return [item for item in value if isinstance(item, str)] if isinstance(value, list) else []


def _unasked_defaults(given: dict[str, tuple[str, Any]], yaml: bool, notes: list[str]) -> None:
    """Say where ``cores`` and ``memory`` come from when they are not given: the user's own configuration."""
    for name in ("cores", "memory"):
        if name in given:
            continue
        notes.append(
            f"{name} is not set in this section, and dask-jobqueue starts no job without it; set worker.{name}"
            if yaml
            else f"{name} is not given: dask-jobqueue would have read it from jobqueue.sge.{name} in {USER_CONFIG};"
            f" set worker.{name} to that value"
        )


def _flags_with_keys(worker: dict[str, Any], notes: list[str]) -> None:
    """Worker flags in the extra arguments that a profile key sets (``--no-nanny``: nanny = false) become that key.

    dask-jobqueue writes the extra arguments after its own, and ``dask worker``
    takes the last of two, so the flag is what the worker ran with.
    """
    if not isinstance(worker.get("extra_args"), list):
        return  # none, or a value of another type, which check reports
    words, kept = list(worker["extra_args"]), []
    while words:
        word = words.pop(0)
        option, equals, value = word.partition("=") if isinstance(word, str) else ("", "", "")
        setting: Any
        key = FLAG_KEYS.get(option, "")
        if option in vocabulary.SWITCHES and not equals:  # --nanny, --no-nanny: the key's yes or no
            setting = vocabulary.SWITCHES[option]
        elif key and option not in vocabulary.SWITCHES and (equals or words):
            setting = value if equals else words.pop(0)
            if schema.key("worker", key).kind == "int" and str(setting).isdigit():
                setting = int(setting)
        else:
            kept.append(word)
            continue
        worker[key] = setting
        notes.append(
            f"extra argument {word!r} is what the worker ran with (dask worker takes the last value, and extra"
            f" arguments come last); imported as {key} = {toml_value(setting)}"
        )
    if "extra_args" in worker:
        worker["extra_args"] = kept
        if not kept:
            del worker["extra_args"]


def _death_timeout(worker: dict[str, Any], notes: list[str]) -> None:
    """A death timeout given as text (``"90"``, ``"2m"``: dask reads it as a duration) as the seconds a profile holds."""
    value = worker.get("death_timeout")
    if not isinstance(value, str):
        return
    seconds = retirement.dask_seconds(value)
    if seconds is None or seconds != int(seconds) or seconds <= 0:
        return  # no whole number of seconds: check reports it
    worker["death_timeout"] = int(seconds)
    if not value.strip().isdigit():
        notes.append(f"death_timeout = {value!r} is {int(seconds)} s as dask reads it: imported as {int(seconds)}")


def _prologue_directives(job: dict[str, Any], notes: list[str]) -> None:
    """``#$`` lines in the prologue (a known way to pass options dask-jobqueue has no keyword for) go to job.directives.

    qsub reads a ``#$`` line wherever it is in the script, so the job asked
    for them; in job.directives they are checked with the rest.
    """
    prologue = job.get("prologue")
    if not isinstance(prologue, list) or not isinstance(job.get("directives", []), list):
        return  # values of another type, which check reports
    moved = [line for line in prologue if isinstance(line, str) and line.startswith("#$")]
    for line in moved:
        job.setdefault("directives", []).append(line.removeprefix("#$").strip())
        notes.append(f"prologue line {line!r} is read by qsub as options; moved to job.directives")
    job["prologue"] = [line for line in prologue if line not in moved]
    if not job["prologue"]:
        del job["prologue"]


def _keyword_arguments(kwargs: dict[str, Any], yaml: bool, notes: list[str]) -> dict[str, tuple[str, Any]]:
    """Each argument under its ``SGECluster`` keyword name, with the name it was written as (for the notes).

    The job's name is ``job_name=`` in Python, where ``name=`` is the
    cluster's own name, but ``name`` in jobqueue.yaml, which has no
    ``job-name``: each is read as dask-jobqueue reads it. YAML's dashes are
    underscores in Python. None is dask-jobqueue's default: nothing to import.
    """
    given: dict[str, tuple[str, Any]] = {}
    for raw, value in kwargs.items():
        if not isinstance(raw, str):  # YAML reads `1: 2` as a number key
            notes.append(f"{raw!r} = {value!r}: no keyword has that name; left out")
            continue
        name = raw.replace("-", "_")
        if value is None:
            if yaml and name in YAML_NULLS:
                notes.append(f"{raw} = null: {YAML_NULLS[name]}")
            continue
        if name == ("job_name" if yaml else "name"):
            notes.append(
                f"{raw} = {value!r}: jobqueue.yaml names the job with `name`, and dask-jobqueue reads no {raw}; left out"
                if yaml
                else f"{raw} = {value!r}: name= is the name of the cluster, not of its jobs (that is job_name=); left out"
            )
            continue
        given["job_name" if yaml and name == "name" else name] = (raw, value)
    return given


# Keys a jobqueue.yaml section may set to null where dask-jobqueue then writes nothing, but a profile always
# writes its default (in a call, None reads the configuration instead: the default).
YAML_NULLS = {
    "name": "dask-jobqueue writes no -N, and SGE names the job after its script file; the profile names it"
    f' {DASK_JOB_NAME} (job.name\'s default): add skip = ["-N"] to write no -N as before',
    "death_timeout": "dask-jobqueue gives the worker no --death-timeout, so it waits for a scheduler for ever;"
    " sgecompile always gives one: the workers now stop after worker.death_timeout (60 s by default) without one",
}


def _drop_renamed(given: dict[str, tuple[str, Any]], notes: list[str]) -> None:
    """Of a keyword given under both its old and its new name, drop the one dask-jobqueue ignores.

    dask-jobqueue 0.9 reads the old name only while the new one is empty, so
    which comes first in the file does not matter.
    """
    for old, new in RENAMED.items():
        if old not in given or new not in given:
            continue
        (old_raw, old_value), (new_raw, new_value) = given[old], given[new]
        if new_value:
            del given[old]
            notes.append(
                f"{old_raw} = {old_value!r}: left out: dask-jobqueue ignores it, as {new_raw} (its new name) is set"
            )
        else:
            del given[new]
            notes.append(
                f"{new_raw} = {new_value!r}: left out: it is empty, so dask-jobqueue uses {old_raw} (its old name)"
            )


def _shell(shebang: str, notes: list[str]) -> str | None:
    """``site.shell`` from a shebang; None, with a note, when it names no absolute path.

    site.shell is also written as ``-S``, which SGE does not look up in PATH,
    so ``#!/usr/bin/env NAME`` cannot be kept: dask-jobqueue's default
    ``#!/usr/bin/env bash`` gives way to sgecompile's own default, /bin/bash.
    """
    program, *arguments = shebang.removeprefix("#!").split() or [""]
    if program.startswith("/") and program != "/usr/bin/env":
        if arguments:
            notes.append(
                f"shebang = {shebang!r}: site.shell is the program alone (it is also -S, one word): imported as"
                f" {program}, without {' '.join(arguments)}. The #! line's words counted only where the queue's"
                " shell_start_mode is unix_behavior; under posix_compliant SGE starts the script with -S and"
                " never reads that line (queue_conf(5)). If the job needs what a login shell (-l) reads, such as"
                " `module`, add `source /etc/profile` to job.prologue"
            )
        return program
    if shebang.strip() != DASK_SHEBANG:  # dask-jobqueue's default: bash either way, a documented difference
        notes.append(
            f"shebang = {shebang!r} left out: site.shell needs an absolute path (it is the #! line and -S, and SGE"
            f" does not search PATH); set site.shell to the program's full path, or keep the default {DEFAULT_SHELL}"
        )
    return None


def _worker_start(start: dict[str, tuple[str, str]], worker: dict[str, Any], notes: list[str]) -> None:
    """``python`` and ``worker_command`` as worker.python and worker.command, whatever their words.

    dask-jobqueue writes ``{python} -m {worker_command}`` unquoted, so
    ``python = "/opt/conda/bin/python -u"`` or ``"singularity exec dask.sif
    python"`` is several words: then the whole start is worker.command, each
    word as the shell splits it. A module other than distributed's worker with a
    one-word python is ``command = ["-m", MODULE]``, which worker.python runs.
    """
    words = {name: _shell_words(f"{raw} = {value!r}", value, notes) for name, (raw, value) in start.items()}
    python, module = words.get("python"), words.get("worker_command")
    if "python" in start and not python or "worker_command" in start and not module:
        return  # a note says the shell cannot read it; the worker is left as sgecompile starts it
    if module == [NO_CHANGE["worker_command"]]:
        module = None
    if python and len(python) == 1:
        worker["python"] = python[0]
        if module:
            worker["command"] = ["-m", *module]
        return
    if python:
        worker["command"] = [*python, "-m", *(module or [NO_CHANGE["worker_command"]])]
        raw, value = start["python"]
        notes.append(
            f"{raw} = {value!r} is {len(python)} words in the worker command dask-jobqueue writes (unquoted):"
            f" imported as command = {toml_value(worker['command'])}, the whole start of the worker"
        )
    elif module:
        worker["command"] = ["-m", *module]


def _has_toml_form(value: Any) -> bool:
    """Whether a YAML or Python literal can be written in TOML as it is, so that importing changes nothing."""
    if isinstance(value, list | tuple):
        return all(map(_has_toml_form, value))
    if isinstance(value, dict):
        return all(isinstance(k, str) and _has_toml_form(v) for k, v in value.items())
    return isinstance(value, bool | int | float | str | datetime.date | datetime.time)


def _command_words(raw: str, value: Any, notes: list[str]) -> Any:
    """The words the job's shell makes of a keyword dask-jobqueue writes unquoted into the worker command.

    ``worker_extra_args=["--resources GPU=1"]`` is two words in dask-jobqueue's
    script; sgecompile quotes every word it renders, so the profile must hold
    both. A value of another type is kept for check to report; None: left out.
    """
    if raw.replace("-", "_") in WORD_LISTS and isinstance(value, list | tuple):
        found: list[Any] = []
        for item in value:
            if isinstance(item, int | float):  # dask-jobqueue writes str(item) into the command
                notes.append(f"{raw} item {item!r} is a number: dask-jobqueue writes it as {str(item)!r}; imported so")
                item = str(item)
            words = _shell_words(f"{raw} item {item!r}", item, notes) if isinstance(item, str) else [item]
            if words is None:
                continue
            if len(words) != 1:
                notes.append(
                    f"{raw} item {item!r} is {len(words)} words in the worker command dask-jobqueue writes"
                    f" (unquoted); imported as {toml_value(words)}"
                )
            found += words
        return found
    if not isinstance(value, str):
        return value
    words = _shell_words(f"{raw} = {value!r}", value, notes)
    if words is None:
        return None
    if len(words) != 1:
        notes.append(
            f"{raw} = {value!r} is {len(words)} words in the worker command dask-jobqueue writes (unquoted),"
            " where sgecompile has a place for one; left out"
        )
        return None
    return words[0]


def _shell_words(label: str, text: str, notes: list[str]) -> list[str] | None:
    """``text`` split as the job's shell splits it; None, with a note, when that shell cannot read it.

    The words keep ``$VAR``, ``${VAR:-default}`` and a leading ``~/`` to
    expand on the compute host, as sgecompile renders them; a note says when
    the shell would do more (globs, ``$(...)``, ``;``, a quoted ``$``), which
    the imported words hold as plain text.
    """
    try:
        words = shellword.split(text)
    except ValueError as error:  # an unclosed quote or a backslash at the end: the script would not run
        notes.append(f"{label}: the job's shell cannot read it ({error}); left out")
        return None
    if shellword.expands_beyond_kept(text):
        notes.append(
            f"{label}: the job's shell would expand or run more of it than $VAR and ~/; imported as the plain"
            f" text {toml_value(words)}: check that this is what you meant"
        )
    return words


def _resources(spec: str, notes: list[str]) -> dict[str, str]:
    """resource_spec's requests by name; a space inside it is noted: qsub refused the job dask-jobqueue wrote."""
    if len(spec.split()) > 1:
        notes.append(
            f"resource_spec = {spec!r} has a space inside: dask-jobqueue writes `#$ -l {spec}`, which qsub refuses"
            ' ("Unknown option"), so the original job never ran; imported as its requests split at the commas, trimmed'
        )
    found = {}
    for item in filter(None, (p.strip() for p in spec.split(","))):
        name, sep, amount = item.partition("=")
        if sep:
            found[name.strip()] = amount.strip()
        else:
            notes.append(f"resource_spec item {item!r} has no value; left out")
    return found


def _structure_directives(tables: dict[str, dict[str, Any]], notes: list[str]) -> None:
    """``-V``, ``-cwd`` and ``-pe NAME N`` become keys (``-pe``: site.pe, task_cores = N / cores).

    ``-S`` naming the profile's shell goes: the profile writes it already
    (it is how ``export`` gives dask-jobqueue the shell).
    """
    kept = []
    cores = tables["worker"].get("cores")
    if not isinstance(tables["job"].get("directives"), list):
        return  # none, or a value of another type, which check reports
    for text in tables["job"]["directives"]:
        words = _words(text)
        if words in (["-V"], ["-cwd"]):
            tables["job"][{"-V": "export_env", "-cwd": "cwd"}[words[0]]] = True
        elif (
            len(words) == 3
            and words[0] == "-pe"
            and words[2].isdigit()
            and isinstance(cores, int)
            and cores > 0
            and int(words[2]) % cores == 0
        ):
            tables["site"]["pe"] = words[1]
            if int(words[2]) != cores:
                tables["worker"]["task_cores"] = int(words[2]) // cores
        elif len(words) == 2 and words[0] == "-S" and words[1].startswith("/"):
            _shell_option(words[1], tables["site"], notes)
        else:
            kept.append(text)
    if "directives" in tables["job"]:
        tables["job"]["directives"] = kept
        if not kept:
            del tables["job"]["directives"]


def _shell_option(shell: str, site: dict[str, Any], notes: list[str]) -> None:
    """``-S /bin/sh`` in job_extra_directives as site.shell: SGE starts the job with it, whatever the ``#!`` line says.

    (With the cell's default shell_start_mode, posix_compliant.) The same
    shell as the profile's goes without a note: the profile writes it already.
    """
    before = site.get("shell", DEFAULT_SHELL)
    if shell == before:
        return
    site["shell"] = shell
    notes.append(
        f"job_extra_directives item '-S {shell}': SGE starts the job with {shell}, not the #! line's program;"
        f" imported as site.shell = {toml_value(shell)} (was {before}), which sgecompile writes as both"
    )


def _words(text: Any) -> list[str]:
    """The words of a job_extra_directives entry; none for one that check will refuse (not text, an open quote)."""
    try:
        return shlex.split(text) if isinstance(text, str) else []
    except ValueError:
        return []


def _memory_resource(tables: dict[str, dict[str, Any]], notes: list[str]) -> None:
    """A memory request in resource_spec is taken as the site's memory reservation, counted per slot.

    Of several (``h_vmem=12G,mem_req=12G``), the one that limits the job most
    (memoryresources). A host's load value (``mem_free``) is no consumable: a
    request of it only picks a host offering that much, once per job.
    """
    requested = worker_memory_request(list(tables["job"].get("resources", {})))
    if not requested:
        return
    tables["site"]["memory_resource"] = requested
    if requested in HOST_LOAD:
        tables["site"]["memory_per"] = "job"
        counted = (
            'memory_per = "job": a load value the host reports, which a request only compares with what the host'
            " offers, never multiplied by the slots"
        )
    else:
        counted = "counted per slot as SGE does for a consumable YES"
    notes.append(
        f"site.memory_resource = {requested!r} is assumed from the job's memory request, {counted};"
        " `sgecompile check --live` compares it with the cluster"
    )


# The profile key that writes a line of dask-jobqueue's header, where leaving the key out leaves the line out.
LINE_KEYS = {label: _split(key)[1] for label, key in vocabulary.HEADER_KEYS.items()}


def _import_skips(
    skip: tuple[str, Any], given: dict[str, Any], no_walltime: bool, tables: dict[str, dict[str, Any]], notes: list[str]
) -> set[str]:
    """``job_directives_skip`` as exactly what it removes from the header dask-jobqueue writes.

    dask-jobqueue drops each line of its own that contains a skip text (so
    ``-l h_rt`` drops the walltime line and keeps ``-l h_vmem=4G``), and never
    an extra directive. The profile's ``skip`` works by option name, over
    job.directives too, so it is used only for ``-N`` and a single log line:
    every other line goes by leaving out the key it comes from. Returns the
    labels of the lines removed (``-l h_rt``: no default walltime to write).
    """
    raw, texts = skip
    if isinstance(texts, str):  # dask-jobqueue makes a set of it: its characters
        notes.append(
            f"{raw} = {texts!r} is a text, not a list: dask-jobqueue takes each of its characters as a skip text"
            " (set(text)), so every line of its own that holds one of them went"
        )
        texts = sorted(set(texts))
    if not isinstance(texts, list | tuple):
        notes.append(f"{raw} = {texts!r}: dask-jobqueue wants a list of texts; left out")
        return set()
    lines = dask_header(given, no_walltime)
    removed: dict[str, str] = {}  # each line removed, by the text that names it -> the first skip text that removes it
    for text in texts:
        hits = [label for label, line in lines.items() if isinstance(text, str) and text in line]
        if not hits:
            notes.append(
                f"{raw} item {text!r} removes none of the lines dask-jobqueue writes itself"
                " (it never removes job_extra_directives); left out"
            )
        for label in hits:
            removed.setdefault(label, text)
    job = tables["job"]
    said = _extras_join(job)
    joined = said if said is not None else "-j y" not in removed  # job_extra_directives' last -j, else dask's
    for label, text in removed.items():
        notes.append(f"{raw} item {text!r} removes `{lines[label]}`: {_leave_out(label, removed, joined, job)}")
    return set(removed)


def _leave_out(label: str, removed: dict[str, str], joined: bool, job: dict[str, Any]) -> str:
    """Make the profile leave out one line of dask-jobqueue's header; says how, for the note.

    The log lines go together: sgecompile writes ``-e`` only when output is
    not joined, so without ``-o`` the log directory has nothing left to do.
    """
    if label == "-j y" and _extras_join(job) is not None:
        return "job_extra_directives asks for -j itself, and SGE keeps its last one (see below)"
    if label in ("-cwd", "-j y"):
        key = LINE_KEYS[label]
        if job.get(key) is True:
            return f"job_extra_directives asks for it too, so {key} stays true"
        job[key] = False
        return f"imported as {key} = false"
    if label == "-e" and joined:
        return "nothing to leave out: sgecompile writes no -e while output is joined (-j y)"
    if label in ("-e", "-o") and "-o" in removed and ("-e" in removed or joined):
        job.pop("log_directory", None)
        left = "its -e and -o lines both go" if "-e" in removed else "the -e left says nothing while -j y joins output"
        return f"imported without job.log_directory ({left})"
    if label in ("-N", "-e", "-o"):
        return _skip_option(label, job)
    job.pop(LINE_KEYS[label], None)
    return f"imported without job.{LINE_KEYS[label]}"


def _skip_option(option: str, job: dict[str, Any]) -> str:
    """Skip ``option`` in the profile; says how, for the note.

    Not when job.directives asks for the option: the profile's skip would
    remove that too, where dask-jobqueue keeps it. Keeping a line is safer
    than removing one more.
    """
    if any(option in _words(text) for text in _texts(job.get("directives", []))):
        return (
            f'not imported, and the profile writes it: skip = ["{option}"] would also remove the {option}'
            " of job_extra_directives, which dask-jobqueue keeps"
        )
    job["skip"] = [*job.get("skip", []), option]
    return f'imported as skip = ["{option}"]'


def _comment(note: str) -> str:
    """A note as one TOML comment line: what TOML refuses there (a newline, control characters) escaped."""
    return "".join(c if c.isprintable() or c == "\t" else repr(c)[1:-1] for c in note)


def toml_text(imported: Imported, source: str) -> str:
    """The imported tables as a profile, with what was left out as comments at the top."""
    lines = [f"# Imported by sgecompile from {source}."]
    lines += [f"# Note: {_comment(note)}" for note in imported.notes]
    for section in ("site", "job", "worker"):
        if imported.tables.get(section):
            lines += ["", f"[{section}]"] + [f"{k} = {toml_value(v)}" for k, v in imported.tables[section].items()]
    return "\n".join(lines) + "\n"
