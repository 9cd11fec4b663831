"""``sgecompile export``: a compiled profile → ``SGECluster`` keyword arguments that make dask-jobqueue write the same job.

Walltime in H:M:S, the derived memory in ``resource_spec``, ``-pe``, ``-V``
and the ``job.directives`` among the extra directives, and skip texts for
the lines dask-jobqueue writes that the profile leaves out.
"""

from __future__ import annotations

import itertools
import shlex
from typing import Any

from .. import directives as dirs
from .. import vocabulary
from ..models import DASK_WORKER_MODULE
from ..plan import Plan
from ..shellword import shell_word
from ..units import format_hms
from .header import dask_header
from .reading import SecurityCall

# Profile keys whose header lines dask-jobqueue writes from its own keywords (the requests derived from
# worker.memory and worker.gpus go out in resource_spec); every other line is an extra directive.
DASK_KEYS = {tuple(key.split(".")) for key in vocabulary.HEADER_KEYS.values()} | {
    ("worker", "memory"),
    ("worker", "gpus"),
}


class ExportProblem(ValueError):
    """A profile that no dask-jobqueue keyword arguments reproduce; the message names the key."""


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
    profile = plan.profile
    job, worker = profile.job, profile.worker
    name, queue, project = (_written(plan, ("job", key)) for key in ("name", "queue", "project"))
    derived = _written(plan, ("worker", "memory")) + _written(plan, ("worker", "gpus"))
    resources = [d.args[0] for d in _written(plan, ("job", "resources")) + derived]
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
        **_start(plan),
        "death_timeout": worker.death_timeout,
        "interface": _plain_interface(worker.interface),
        "local_directory": shell_word(worker.local_directory) if worker.local_directory else None,
        "nanny": worker.nanny,
        "worker_extra_args": [
            shell_word(word) for word in _retirement(plan) + worker.resource_args + list(worker.extra_args)
        ],
        "shebang": f"#!{profile.site.shell}",
        "scheduler_options": {"interface": profile.site.scheduler_interface}
        if profile.site.scheduler_interface
        else None,
        "security": _security(plan),
        "shared_temp_directory": profile.site.shared_directory,
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
            extra += [d.line for d in held if d.option not in dirs.SCOPE_SWITCHES]
    return extra


def _start(plan: Plan) -> dict[str, str | None]:
    """``python`` and ``worker_command`` for worker.python and worker.command: dask-jobqueue writes ``{python} -m
    {worker_command}`` unquoted, so each word goes out quoted, the words before ``-m`` as python.

    dask-jobqueue gives ``--nworkers`` and ``--nanny`` to its default module
    alone, so a command that starts distributed's worker another way (more
    words after the module, the ``dask-worker`` script) or has no ``-m`` at
    all has no such keywords.
    """
    worker = plan.profile.worker
    python = shell_word(worker.python) if ("worker", "python") in plan.profile.source.origins else None
    if not worker.command:
        return {"python": python}
    words = worker.start
    if "-m" not in words[1:]:
        raise ExportProblem(
            f"worker.command = {list(worker.command)!r}: dask-jobqueue starts every worker as `PYTHON -m MODULE`,"
            " and this command has no -m; name the module python runs instead (`-m MODULE`)"
        )
    at = words.index("-m", 1)
    module = words[at + 1 :]
    if worker.runs_dask_worker != (module == [DASK_WORKER_MODULE]):
        raise ExportProblem(
            f"worker.command = {list(worker.command)!r}: dask-jobqueue gives --nworkers and --nanny to"
            f" worker_command {DASK_WORKER_MODULE!r} alone, and sgecompile to distributed's worker however it is"
            " started, so the two workers would differ"
        )
    return {
        "python": " ".join(map(shell_word, words[:at])) if worker.command[0] != "-m" else python,
        "worker_command": " ".join(map(shell_word, module)),
    }


def _retirement(plan: Plan) -> list[str]:
    """The worker's ``--lifetime`` and ``--lifetime-stagger``, which dask-jobqueue has no keyword for."""
    return plan.retirement.flags if plan.retirement else []


def _plain_interface(interface: str | None) -> str | None:
    """``worker.interface``, if dask-jobqueue can be given it: it names the scheduler's interface as well.

    The scheduler reads the value as it is and the worker command unquoted, so
    only a word the shell leaves alone means the same to both.
    """
    if interface and shell_word(interface) != interface:
        raise ExportProblem(
            f"worker.interface = {interface!r}: dask-jobqueue gives it to the scheduler as it is and writes it"
            " unquoted into the worker command, so no interface= keyword does what the profile does"
        )
    return interface


def _security(plan: Plan) -> bool | SecurityCall | None:
    """dask-jobqueue's ``security=``: True for temporary certificates, ``Security(...)`` naming the files given.

    dask-jobqueue hands the files to the scheduler as they are and writes them
    unquoted into the worker command, so only plain paths mean the same to both.
    """
    worker = plan.profile.worker
    if not worker.security:
        return None
    files = {key: getattr(worker, key.partition(".")[2]) for key in vocabulary.SECURITY_FIELDS.values()}
    if not any(files.values()):
        return True
    for key, path in files.items():
        if shell_word(path) != path or path.startswith("~"):
            raise ExportProblem(
                f"{key} = {path!r}: dask-jobqueue gives the scheduler the file as it is and the worker command"
                " the path unquoted, so only a plain path means the same to both"
            )
    fields = tuple((field, files[key]) for field, key in vocabulary.SECURITY_FIELDS.items())
    return SecurityCall((*fields, ("require_encryption", True)))


def yaml_text(kwargs: dict[str, Any]) -> str:
    """Keyword arguments as a ``jobqueue.yaml``, as dask-jobqueue reads its configuration.

    Its names are dashed, and the job's is ``name``. ``nanny`` it takes as a
    keyword only: ``--no-nanny`` among the extra arguments, which come after
    its own ``--nanny``, is what stops the nanny (``dask worker`` takes the
    last). ``security`` has no such way round.
    """
    import yaml

    if "security" in kwargs:
        raise ExportProblem(
            "dask-jobqueue reads `security` from its keyword only, not from jobqueue.yaml: export --format kwargs"
        )
    config = {k: v for k, v in kwargs.items() if k != "nanny"}
    if kwargs.get("nanny") is False:
        config["worker_extra_args"] = ["--no-nanny", *kwargs.get("worker_extra_args", [])]
    section = {("name" if k == "job_name" else k.replace("_", "-")): v for k, v in config.items()}
    return str(yaml.safe_dump({"jobqueue": {"sge": section}}, sort_keys=False))


def python_text(kwargs: dict[str, Any]) -> str:
    body = "".join(f"    {k}={v!r},\n" for k, v in kwargs.items())
    security = "from distributed.security import Security\n" if isinstance(kwargs.get("security"), SecurityCall) else ""
    return f"from dask_jobqueue import SGECluster\n{security}\ncluster = SGECluster(\n{body})\n"
