"""To and from dask-jobqueue: its ``SGECluster`` keyword arguments and ``jobqueue.yaml`` sections.

``import`` turns keyword arguments into a profile's tables; ``export`` turns
a compiled profile back into keyword arguments that make dask-jobqueue write
the same job (walltime in H:M:S, the derived memory in ``resource_spec``,
``-pe`` and ``-V`` among the extra directives). Keyword arguments sgecompile
has no place for are reported, never dropped silently.
"""

from __future__ import annotations

import ast
import datetime
import re
import shlex
from pathlib import Path
from typing import Any

import attrs

from . import directives as dirs
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
    "name": ("job", "name"),
    "env_extra": ("job", "prologue"),
    "job_script_prologue": ("job", "prologue"),
    "job_extra": ("job", "directives"),
    "job_extra_directives": ("job", "directives"),
    "header_skip": ("job", "skip"),
    "job_directives_skip": ("job", "skip"),
}
HANDLED = {"resource_spec", "shebang"}
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


def from_keywords(kwargs: dict[str, Any]) -> Imported:
    """A profile's tables from ``SGECluster(**kwargs)`` (or a jobqueue.yaml section, dashes allowed)."""
    tables: dict[str, dict[str, Any]] = {"site": {}, "job": {}, "worker": {}}
    notes: list[str] = []
    for raw, value in kwargs.items():
        name = raw.replace("-", "_")
        if value is None:
            continue
        if name not in KEYWORDS and name not in HANDLED:
            notes.append(f"{raw} = {value!r}: sgecompile has no place for it; left out")
            continue
        if not _has_toml_form(value):
            notes.append(f"{raw} = {value!r}: TOML has no null, bytes, set or complex number to hold it; left out")
            continue
        if name == "resource_spec":
            tables["job"]["resources"] = _resources(str(value), notes)
        elif name == "shebang":
            tables["site"]["shell"] = str(value).removeprefix("#!").strip().removeprefix("/usr/bin/env ")
        elif name in ONE_WORD | WORD_LISTS:
            words = _command_words(raw, value, notes)
            if words is not None:
                tables["worker"][KEYWORDS[name][1]] = words
        else:
            section, key = KEYWORDS[name]
            tables[section][key] = list(value) if isinstance(value, tuple) else value
    _structure_directives(tables, notes)
    _skip_by_option(tables, notes)
    _memory_resource(tables, notes)
    return Imported({k: v for k, v in tables.items() if v}, tuple(notes))


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
    """``-V``, ``-cwd``, ``-j y`` and ``-pe NAME N`` become keys (``-pe``: site.pe, task_cores = N / cores)."""
    kept = []
    cores = tables["worker"].get("cores")
    for text in tables["job"].get("directives", []):
        words = shlex.split(text) if isinstance(text, str) else []
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
        else:
            kept.append(text)
    if "directives" in tables["job"]:
        tables["job"]["directives"] = kept
        if not kept:
            del tables["job"]["directives"]


def _memory_resource(tables: dict[str, dict[str, Any]], notes: list[str]) -> None:
    """A memory request in resource_spec is taken as the site's memory reservation, counted per slot."""
    requested = [r for r in ("h_vmem", "mem_free", "virtual_free", "s_vmem") if r in tables["job"].get("resources", {})]
    if requested:
        tables["site"]["memory_resource"] = requested[0]
        notes.append(
            f"site.memory_resource = {requested[0]!r} is assumed from resource_spec, counted per slot as SGE does "
            "for a consumable YES; `sgecompile check --live` compares it with the cluster"
        )


def _skip_by_option(tables: dict[str, dict[str, Any]], notes: list[str]) -> None:
    """dask-jobqueue skips header lines containing a text; profiles skip by option name."""
    skips = []
    for text in tables["job"].get("skip", []):
        option = str(text).split()[0] if str(text).split() else ""
        if option in dirs.OPTIONS:
            skips.append(option)
        else:
            notes.append(f"skip {text!r} is not a qsub option name (dask-jobqueue matched it as text); left out")
    if "skip" in tables["job"]:
        tables["job"]["skip"] = skips


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

    dask-jobqueue joins the worker command with spaces and quotes nothing, so
    each worker word goes out quoted as ``render`` writes it: ``"/tmp/my dir"``
    stays one word and ``$TMPDIR`` still expands on the compute host.
    """
    from .rendering import shell_word  # brings jinja2, which nothing else of import or export needs

    profile = plan.profile
    job, worker = profile.job, profile.worker
    structured = {"-N", "-q", "-P", "-l", "-e", "-o", "-cwd", "-j"}
    extra = [d.text for d in plan.directives if d.option not in structured]
    resources = [d.args[0] for d in plan.directives if d.option == "-l" and not d.args[0].startswith("h_rt=")]
    kwargs: dict[str, Any] = {
        "cores": worker.cores,
        "processes": worker.processes,
        "memory": worker.memory.text,
        "job_name": job.name,
        "queue": job.queue,
        "project": job.project,
        "walltime": format_hms(job.walltime.seconds) if job.walltime else None,
        "resource_spec": ",".join(resources) or None,
        "log_directory": job.log_directory,
        "job_extra_directives": extra,
        "job_script_prologue": list(job.prologue),
        "python": shell_word(worker.python) if ("worker", "python") in profile.source.origins else None,
        "death_timeout": worker.death_timeout,
        "interface": _plain_interface(worker.interface),
        "local_directory": shell_word(worker.local_directory) if worker.local_directory else None,
        "nanny": worker.nanny,
        "worker_extra_args": [shell_word(word) for word in worker.extra_args],
        "shebang": f"#!{profile.site.shell}",
        # dask-jobqueue always writes these two lines, and skips lines by the text in them
        "job_directives_skip": [line for line, wanted in (("-cwd", job.cwd), ("-j y", job.join_output)) if not wanted],
    }
    return {k: v for k, v in kwargs.items() if v not in (None, [])}


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
