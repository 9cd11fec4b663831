"""To and from dask-jobqueue: its ``SGECluster`` keyword arguments and ``jobqueue.yaml`` sections.

``import`` turns keyword arguments into a profile's tables; ``export`` turns
a compiled profile back into keyword arguments that make dask-jobqueue write
the same job (walltime in H:M:S, the derived memory in ``resource_spec``,
``-pe``, ``-V`` and the ``job.directives`` among the extra directives, and
skip texts for the lines dask-jobqueue writes that the profile leaves out).
Keyword arguments sgecompile has no place for are reported, never dropped
silently. Both directions read dask-jobqueue's own header through
:func:`dask_header`, the one model of it here.
"""

from __future__ import annotations

import ast
import datetime
import itertools
import re
import shlex
from pathlib import Path
from typing import Any

import attrs

from . import directives as dirs
from . import schema
from .compiler import Plan
from .tomltext import toml_value
from .units import format_hms

# dask-jobqueue keyword -> (section, key); old names first, as dask-jobqueue still reads them.
KEYWORDS: dict[str, tuple[str, str]] = {
    "cores": ("worker", "cores"),
    "memory": ("worker", "memory"),
    "processes": ("worker", "processes"),
    "python": ("worker", "python"),
    "death_timeout": ("worker", "death_timeout"),
    "interface": ("worker", "interface"),
    "local_directory": ("worker", "local_directory"),
    "nanny": ("worker", "nanny"),
    "extra": ("worker", "extra_args"),
    "worker_extra_args": ("worker", "extra_args"),
    "queue": ("job", "queue"),
    "project": ("job", "project"),
    "walltime": ("job", "walltime"),
    "log_directory": ("job", "log_directory"),
    "job_name": ("job", "name"),
    "env_extra": ("job", "prologue"),
    "job_script_prologue": ("job", "prologue"),
    "job_extra": ("job", "directives"),
    "job_extra_directives": ("job", "directives"),
}
SKIPS = ("header_skip", "job_directives_skip")  # what they remove is worked out once the rest is read
HANDLED = {"resource_spec", "shebang", *SKIPS}
# dask-jobqueue 0.9's renamed keywords, old -> new: it reads the old one only while the new one is unset or empty.
RENAMED = {
    "job_extra": "job_extra_directives",
    "env_extra": "job_script_prologue",
    "header_skip": "job_directives_skip",
    "extra": "worker_extra_args",
}
# What dask-jobqueue writes when it is given no job name or walltime (its own jobqueue.yaml).
DASK_JOB_NAME = "dask-worker"
DASK_WALLTIME = "00:30:00"
DASK_SHEBANG = "#!/usr/bin/env bash"
DEFAULT_SHELL: str = schema.key("site", "shell").default
# Profile keys whose header lines dask-jobqueue writes from its own keywords; every other line is an extra directive.
DASK_KEYS = {
    ("job", "name"),
    ("job", "queue"),
    ("job", "project"),
    ("job", "resources"),
    ("worker", "memory"),
    ("job", "walltime"),
    ("job", "log_directory"),
    ("job", "cwd"),
    ("job", "join_output"),
}
# Keywords dask-jobqueue joins into the worker command with spaces and no quotes, so the job's shell splits them.
ONE_WORD = {"python", "interface", "local_directory"}
WORD_LISTS = {"extra", "worker_extra_args"}
# One piece of a shell word, or the blanks between words; a quote or backslash that nothing closes is left.
SHELL_PIECE = re.compile(
    r"""'(?P<single>[^']*)'|"(?P<double>(?:[^"\\]|\\.)*)"|\\(?P<escaped>.)"""
    r"""|(?P<plain>[^ \t\n'"\\]+)|(?P<blank>[ \t\n]+)|(?P<unclosed>.)""",
    re.S,
)
# What that shell does to a word beyond $VAR and ${VAR}, which sgecompile's quoted words keep only as text.
MORE_THAN_VARIABLES = re.compile(r"[`;&|<>()*?[~#\n]|(?<!\$)\{|\$(?![A-Za-z_]|\{[A-Za-z_][A-Za-z0-9_]*\})")


class ImportProblem(ValueError):
    """Input that cannot be read as dask-jobqueue configuration; the message names the place."""


class ExportProblem(ValueError):
    """A profile that no dask-jobqueue keyword arguments reproduce; the message names the key."""


@attrs.frozen
class Imported:
    tables: dict[str, dict[str, Any]]
    notes: tuple[str, ...]  # what could not be carried over, and why


def from_keywords(kwargs: dict[str, Any], yaml: bool = False) -> Imported:
    """A profile's tables from ``SGECluster(**kwargs)``, or from a jobqueue.yaml section when ``yaml`` is set."""
    tables: dict[str, dict[str, Any]] = {"site": {}, "job": {}, "worker": {}}
    notes: list[str] = []
    given = _keyword_arguments(kwargs, yaml, notes)
    _drop_renamed(given, notes)
    skip: tuple[str, Any] | None = None
    for name, (raw, value) in given.items():
        if name not in KEYWORDS and name not in HANDLED:
            notes.append(f"{raw} = {value!r}: sgecompile has no place for it; left out")
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
        elif name in ONE_WORD | WORD_LISTS:
            words = _command_words(raw, value, notes)
            if words is not None:
                tables["worker"][KEYWORDS[name][1]] = words
        else:
            section, key = KEYWORDS[name]
            tables[section][key] = list(value) if isinstance(value, tuple) else value
    _structure_directives(tables, notes)
    if skip is not None:
        _import_skips(skip, {name: value for name, (_, value) in given.items()}, tables, notes)
    _memory_resource(tables, notes)
    return Imported({k: v for k, v in tables.items() if v}, tuple(notes))


def _keyword_arguments(kwargs: dict[str, Any], yaml: bool, notes: list[str]) -> dict[str, tuple[str, Any]]:
    """Each argument under its ``SGECluster`` keyword name, with the name it was written as (for the notes).

    The job's name is ``job_name=`` in Python, where ``name=`` is the
    cluster's own name, but ``name`` in jobqueue.yaml, which has no
    ``job-name``: each is read as dask-jobqueue reads it. YAML's dashes are
    underscores in Python. None is dask-jobqueue's default: nothing to import.
    """
    given: dict[str, tuple[str, Any]] = {}
    for raw, value in kwargs.items():
        name = raw.replace("-", "_")
        if value is None:
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
    program = shebang.removeprefix("#!").strip()
    if program.startswith("/") and not program.startswith("/usr/bin/env "):
        return program
    if shebang.strip() == DASK_SHEBANG:
        notes.append(
            f"shebang = {shebang!r} (dask-jobqueue's default) left out: the profile's shell is {DEFAULT_SHELL}"
            " (site.shell is the #! line and -S, and both need an absolute path)"
        )
    else:
        notes.append(
            f"shebang = {shebang!r} left out: site.shell needs an absolute path (it is the #! line and -S, and SGE"
            f" does not search PATH); set site.shell to the program's full path, or keep the default {DEFAULT_SHELL}"
        )
    return None


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

    The words keep ``$VAR`` to expand on the compute host, as sgecompile renders
    them; a note says when the shell would do more (globs, ``~``, ``$(...)``,
    ``;``, a quoted ``$``), which the imported words hold as plain text.
    """
    try:
        words = _shell_split(text)
    except ValueError as error:  # an unclosed quote or a backslash at the end: the script would not run
        notes.append(f"{label}: the job's shell cannot read it ({error}); left out")
        return None
    if MORE_THAN_VARIABLES.search(text) or ("$" in text and ("'" in text or "\\" in text)):
        notes.append(
            f"{label}: the job's shell would expand or run more of it than $VAR; imported as the plain"
            f" text {toml_value(words)}: check that this is what you meant"
        )
    return words


def _shell_split(text: str) -> list[str]:
    """The words a POSIX shell makes of ``text`` by splitting it and removing quotes, before any expansion.

    Unlike ``shlex.split``, a backslash before ``$`` or a backquote between
    double quotes goes, as in the shell: ``"\\$(id)"`` is the text ``$(id)``,
    which is how ``render`` and ``export`` write it.
    """
    words: list[str] = []
    word: str | None = None  # None between words; "" after a word of empty quotes
    for piece in SHELL_PIECE.finditer(text):
        kind = str(piece.lastgroup)
        value = piece[kind]
        if kind == "unclosed":
            raise ValueError(f"nothing closes the {value} at character {piece.start() + 1}")
        if kind == "blank":
            words += [] if word is None else [word]
            word = None
        else:
            word = (word or "") + (re.sub(r'\\([$`"\\])', r"\1", value) if kind == "double" else value)
    return words if word is None else [*words, word]


def _resources(spec: str, notes: list[str]) -> dict[str, str]:
    found = {}
    for item in filter(None, (p.strip() for p in spec.split(","))):
        name, sep, amount = item.partition("=")
        if sep:
            found[name.strip()] = amount.strip()
        else:
            notes.append(f"resource_spec item {item!r} has no value; left out")
    return found


def _structure_directives(tables: dict[str, dict[str, Any]], notes: list[str]) -> None:
    """``-V``, ``-cwd``, ``-j y`` and ``-pe NAME N`` become keys (``-pe``: site.pe, task_cores = N / cores).

    ``-S`` naming the profile's shell goes: the profile writes it already
    (it is how ``export`` gives dask-jobqueue the shell).
    """
    kept = []
    cores = tables["worker"].get("cores")
    for text in tables["job"].get("directives", []):
        words = _words(text)
        if words in (["-V"], ["-cwd"], ["-j", "y"]):
            key = {"-V": "export_env", "-cwd": "cwd", "-j": "join_output"}[words[0]]
            tables["job"][key] = True
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
        elif words != ["-S", tables["site"].get("shell", DEFAULT_SHELL)]:
            kept.append(text)
    if "directives" in tables["job"]:
        tables["job"]["directives"] = kept
        if not kept:
            del tables["job"]["directives"]


def _words(text: Any) -> list[str]:
    """The words of a job_extra_directives entry; none for one that check will refuse (not text, an open quote)."""
    try:
        return shlex.split(text) if isinstance(text, str) else []
    except ValueError:
        return []


def _memory_resource(tables: dict[str, dict[str, Any]], notes: list[str]) -> None:
    """A memory request in resource_spec is taken as the site's memory reservation, counted per slot."""
    requested = [r for r in ("h_vmem", "mem_free", "virtual_free", "s_vmem") if r in tables["job"].get("resources", {})]
    if requested:
        tables["site"]["memory_resource"] = requested[0]
        notes.append(
            f"site.memory_resource = {requested[0]!r} is assumed from resource_spec, counted per slot as SGE does "
            "for a consumable YES; `sgecompile check --live` compares it with the cluster"
        )


def dask_header(kwargs: dict[str, Any]) -> dict[str, str]:
    """The ``#$`` lines dask-jobqueue 0.9 writes itself for ``SGECluster(**kwargs)``, each under the text that names it.

    These are the only lines ``job_directives_skip`` can remove: each one that
    contains one of its texts. The job_extra_directives come after them and
    are never skipped. A job name or walltime not given is dask-jobqueue's default.
    """
    given = {k: v for k, v in kwargs.items() if v is not None}
    lines = {"-N": f"#$ -N {given.get('job_name', DASK_JOB_NAME)}"}
    for option, key in (("-q", "queue"), ("-P", "project"), ("-l", "resource_spec")):
        if key in given:
            lines[option] = f"#$ {option} {given[key]}"
    lines["-l h_rt"] = f"#$ -l h_rt={given.get('walltime', DASK_WALLTIME)}"
    if "log_directory" in given:
        lines["-e"] = f"#$ -e {given['log_directory']}/"
        lines["-o"] = f"#$ -o {given['log_directory']}/"
    lines["-cwd"] = "#$ -cwd"
    lines["-j y"] = "#$ -j y"
    return lines


# The profile key that writes a line of dask-jobqueue's header, where leaving the key out leaves the line out.
LINE_KEYS = {
    "-q": "queue",
    "-P": "project",
    "-l": "resources",
    "-l h_rt": "walltime",
    "-cwd": "cwd",
    "-j y": "join_output",
}


def _import_skips(
    skip: tuple[str, Any], given: dict[str, Any], tables: dict[str, dict[str, Any]], notes: list[str]
) -> None:
    """``job_directives_skip`` as exactly what it removes from the header dask-jobqueue writes.

    dask-jobqueue drops each line of its own that contains a skip text (so
    ``-l h_rt`` drops the walltime line and keeps ``-l h_vmem=4G``), and never
    an extra directive. The profile's ``skip`` works by option name, over
    job.directives too, so it is used only for ``-N`` and a single log line:
    every other line goes by leaving out the key it comes from.
    """
    raw, texts = skip
    if not isinstance(texts, list | tuple):
        notes.append(f"{raw} = {texts!r}: dask-jobqueue wants a list of texts; left out")
        return
    lines = dask_header(given)
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
    joined = "-j y" not in removed or job.get("join_output") is True  # -j y stays, or job_extra_directives has it
    for label, text in removed.items():
        notes.append(f"{raw} item {text!r} removes `{lines[label]}`: {_leave_out(label, removed, joined, job)}")


def _leave_out(label: str, removed: dict[str, str], joined: bool, job: dict[str, Any]) -> str:
    """Make the profile leave out one line of dask-jobqueue's header; says how, for the note.

    The log lines go together: sgecompile writes ``-e`` only when output is
    not joined, so without ``-o`` the log directory has nothing left to do.
    """
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
    if any(option in _words(text) for text in job.get("directives", [])):
        return (
            f'not imported, and the profile writes it: skip = ["{option}"] would also remove the {option}'
            " of job_extra_directives, which dask-jobqueue keeps"
        )
    job["skip"] = [*job.get("skip", []), option]
    return f'imported as skip = ["{option}"]'


def keywords_in_python(path: Path) -> dict[str, Any]:
    """The literal keyword arguments of the ``SGECluster(...)`` call in a Python file."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError, SyntaxError) as error:
        raise ImportProblem(f"{path}: cannot read it as Python: {error}") from None
    except (MemoryError, RecursionError):  # how CPython's parser gives up on an expression thousands deep
        raise ImportProblem(f"{path}: cannot read it as Python: an expression is nested too deeply") from None
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) == "SGECluster"
    ]
    if not calls:
        raise ImportProblem(f"{path}: no SGECluster(...) call in it")
    if len(calls) > 1:
        lines = ", ".join(str(n) for n in sorted(call.lineno for call in calls))
        raise ImportProblem(
            f"{path}: {len(calls)} SGECluster(...) calls (lines {lines}); one profile holds one: "
            "put the call to import in a file of its own"
        )
    if calls[0].args:
        first = calls[0].args[0]
        raise ImportProblem(
            f"{path}:{first.lineno}:{first.col_offset + 1}: positional arguments cannot be imported"
            " (SGECluster takes n_workers first, not cores); write them as keywords: cores=..., memory=..."
        )
    found = {}
    for keyword in calls[0].keywords:
        where = f"{path}:{keyword.value.lineno}:{keyword.value.col_offset + 1}"
        if keyword.arg is None:
            raise ImportProblem(f"{where}: **kwargs cannot be read without running the file; write them out")
        try:
            found[keyword.arg] = ast.literal_eval(keyword.value)
        except ValueError:
            raise ImportProblem(f"{where}: {keyword.arg}= is not a literal value; write it out") from None
        except TypeError as error:  # a literal Python cannot build: a list as a dict key or in a set
            raise ImportProblem(f"{where}: {keyword.arg}= cannot be read: {error}") from None
    return found


def keywords_in_yaml(path: Path, section: str = "sge") -> dict[str, Any]:
    """The ``jobqueue: SECTION:`` table of a dask ``jobqueue.yaml``."""
    import yaml  # comes with dask

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ImportProblem(f"{path}: cannot read it as YAML: {error}") from None
    jobqueue = data.get("jobqueue") if isinstance(data, dict) else None
    found = jobqueue.get(section) if isinstance(jobqueue, dict) else None
    if not isinstance(found, dict):
        raise ImportProblem(f"{path}: no `jobqueue: {section}:` section")
    if _more_values_than(MAX_VALUES, found):
        raise ImportProblem(
            f"{path}: the `jobqueue: {section}:` section holds more than {MAX_VALUES} values once its YAML"
            " aliases are expanded (or refers to itself); a section needs a few dozen"
        )
    return found


MAX_VALUES = 10_000  # a jobqueue.yaml section holds a few dozen; nested aliases can stand for billions


def _more_values_than(limit: int, value: Any) -> bool:
    """Whether ``value`` holds more than ``limit`` values, each alias counted as the copy it stands for.

    Counting stops at the limit, so a billion-laughs document or one that
    contains itself is found in ``limit`` steps.
    """
    pending, seen = [value], 0
    while pending:
        seen += 1
        if seen > limit:
            return True
        item = pending.pop()
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
    return False


def to_keywords(plan: Plan) -> dict[str, Any]:
    """``SGECluster`` keyword arguments that make dask-jobqueue write the same job as ``plan``.

    The header is read from what ``render`` writes (after ``job.skip`` and
    duplicates), never from the keys alone: a line dask-jobqueue writes for a
    keyword is passed that keyword, every other line goes out as an extra
    directive, and the lines dask-jobqueue writes whatever it is given (a
    name, a walltime, ``-cwd``, ``-j y``, both log lines) are skipped where
    the header has none.

    dask-jobqueue joins the worker command with spaces and quotes nothing, so
    each worker word goes out quoted as ``render`` writes it: ``"/tmp/my dir"``
    stays one word and ``$TMPDIR`` still expands on the compute host.
    """
    from .rendering import shell_word  # brings jinja2, which nothing else of import or export needs

    profile = plan.profile
    job, worker = profile.job, profile.worker
    name, queue, project = (_written(plan, ("job", key)) for key in ("name", "queue", "project"))
    resources = [d.args[0] for d in _written(plan, ("job", "resources")) + _written(plan, ("worker", "memory"))]
    walltime = job.walltime if _written(plan, ("job", "walltime")) else None
    logs = job.log_directory if _written(plan, ("job", "log_directory")) else None
    kwargs: dict[str, Any] = {
        "cores": worker.cores,
        "processes": worker.processes,
        "memory": worker.memory.text,
        "job_name": name[0].args[0] if name else None,
        "queue": queue[0].args[0] if queue else None,
        "project": project[0].args[0] if project else None,
        "walltime": format_hms(walltime.seconds) if walltime else None,
        "resource_spec": ",".join(resources) or None,
        "log_directory": logs.rstrip("/") if logs else None,  # dask-jobqueue adds the "/" itself
        "job_extra_directives": _extra_directives(plan),
        "job_script_prologue": list(job.prologue),
        "python": shell_word(worker.python) if ("worker", "python") in profile.source.origins else None,
        "death_timeout": worker.death_timeout,
        "interface": _plain_interface(worker.interface),
        "local_directory": shell_word(worker.local_directory) if worker.local_directory else None,
        "nanny": worker.nanny,
        "worker_extra_args": [shell_word(word) for word in worker.extra_args],
        "shebang": f"#!{profile.site.shell}",
    }
    kwargs["job_directives_skip"] = _skip_texts(dask_header(kwargs), _unwritten(plan, kwargs))
    return {k: v for k, v in kwargs.items() if v not in (None, [])}


def _written(plan: Plan, key: tuple[str, ...]) -> list[dirs.Directive]:
    """The header's directives that the profile key ``key`` asked for: what is left of them after skip and duplicates."""
    return [d for d in plan.directives if d.origin[: len(key)] == key]


def _unwritten(plan: Plan, kwargs: dict[str, Any]) -> list[str]:
    """The lines dask-jobqueue writes whatever it is given (by the text that names each) that the header has not.

    Its ``-e`` next to ``-j y`` stays, as a documented difference: output
    joined by ``job.join_output`` makes it say nothing.
    """
    logs = {d.option for d in _written(plan, ("job", "log_directory"))}
    joined = bool(_written(plan, ("job", "join_output")))
    unwritten = {
        "-N": kwargs["job_name"] is None,
        "-l h_rt": kwargs["walltime"] is None,
        "-e": kwargs["log_directory"] is not None and "-e" not in logs and not joined,
        "-o": kwargs["log_directory"] is not None and "-o" not in logs,
        "-cwd": not _written(plan, ("job", "cwd")),
        "-j y": not joined,
    }
    return [label for label, gone in unwritten.items() if gone]


def _skip_texts(lines: dict[str, str], unwritten: list[str]) -> list[str]:
    """``job_directives_skip`` texts that remove exactly the ``unwritten`` lines of dask-jobqueue's own header.

    dask-jobqueue drops every line of its own that contains a skip text, so a
    text serves only if no line to keep contains it: the option (``-cwd``,
    ``-l h_rt``) reads best, the whole line is the fallback.
    """
    kept = [line for label, line in lines.items() if label not in unwritten]
    texts = []
    for label in unwritten:
        text = next((t for t in (label, lines[label]) if not any(t in line for line in kept)), None)
        if text is None:
            other = next(line for line in kept if lines[label] in line)
            raise ExportProblem(
                f"the header has no `{lines[label]}`, which dask-jobqueue writes unless job_directives_skip removes"
                f" it, and every text that removes it also removes `{other}`"
            )
        texts.append(text)
    return texts


def _extra_directives(plan: Plan) -> list[str]:
    """The header's directives dask-jobqueue has no keyword for, in the header's order, as job_extra_directives.

    A ``job.directives`` entry goes out as the user wrote it when the header
    holds all of it and its words are plain (no quotes to read differently);
    otherwise each directive of it the header holds goes out as ``render``
    writes it, so a skipped or duplicate part stays out and a request whose
    ``-soft`` was skipped stays hard.
    """
    written = plan.profile.source.values["job"].get("directives", [])
    extra: list[str] = []
    others = (d for d in plan.directives if d.origin[:2] not in DASK_KEYS)
    for origin, group in itertools.groupby(others, key=lambda d: d.origin):
        held = list(group)
        asked = [d for d in plan.profile.job.directives if d.origin == origin]
        text = written[origin[2]] if origin[:2] == ("job", "directives") else None
        if text is not None and held == asked and shlex.split(text) == text.split():
            extra.append(text)
        else:
            extra += [d.text for d in held]
    return extra


def _plain_interface(interface: str | None) -> str | None:
    """``worker.interface``, if dask-jobqueue can be given it: it names the scheduler's interface as well.

    The scheduler reads the value as it is and the worker command unquoted, so
    only a word the shell leaves alone means the same to both.
    """
    from .rendering import shell_word

    if interface and shell_word(interface) != interface:
        raise ExportProblem(
            f"worker.interface = {interface!r}: dask-jobqueue gives it to the scheduler as it is and writes it"
            " unquoted into the worker command, so no interface= keyword does what the profile does"
        )
    return interface


def toml_text(imported: Imported, source: str) -> str:
    """The imported tables as a profile, with what was left out as comments at the top."""
    lines = [f"# Imported by sgecompile from {source}."]
    lines += [f"# Note: {note}" for note in imported.notes]
    for section in ("site", "job", "worker"):
        if imported.tables.get(section):
            lines += ["", f"[{section}]"] + [f"{k} = {toml_value(v)}" for k, v in imported.tables[section].items()]
    return "\n".join(lines) + "\n"


def yaml_text(kwargs: dict[str, Any]) -> str:
    """Keyword arguments as a ``jobqueue.yaml`` (dask's dashed names)."""
    import yaml

    section = {k.replace("_", "-"): v for k, v in kwargs.items()}
    return str(yaml.safe_dump({"jobqueue": {"sge": section}}, sort_keys=False))


def python_text(kwargs: dict[str, Any]) -> str:
    body = "".join(f"    {k}={v!r},\n" for k, v in kwargs.items())
    return f"from dask_jobqueue import SGECluster\n\ncluster = SGECluster(\n{body})\n"
