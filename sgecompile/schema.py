"""The profile format as data: every key, its type, default and meaning.

One table drives the unknown-key and type checks, the defaults, ``sgecompile
schema`` (JSON Schema for editors) and the generated profile reference, so the
four cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

from .vocabulary import FLAVORS, KEYWORDS, OLD_KEYWORDS

Kind = Literal["str", "int", "bool", "str-list", "str-table", "memory", "walltime"]


@attrs.frozen
class Key:
    name: str
    kind: Kind
    doc: str
    default: Any = None
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None


SGE_MAX_SLOTS = 9_999_999  # sge_pe(5): a parallel environment's `slots` is 0 to 9999999
# More jobs than a cluster could ever run: qsub numbers array tasks up to max_aj_tasks (75000 by
# default, sge_conf(5)), a per-cluster setting, so the bound is a generous one that still catches typos.
MAX_JOBS = 1_000_000


SECTIONS: dict[str, tuple[Key, ...]] = {
    "site": (
        Key(
            "flavor",
            "str",
            "The Grid Engine the cluster runs: `sge` (Son of Grid Engine 8.1, Sun Grid Engine 6.2, Open Grid Scheduler),"
            " `uge` (Univa / Altair Grid Engine 8.x and later) or `ocs` (Open Cluster Scheduler / Gridware Cluster"
            " Scheduler 9.x); it decides which qsub options and memory consumables exist.",
            "sge",
            choices=FLAVORS,
        ),
        Key("pe", "str", "Parallel environment that reserves cores: the job asks `-pe <pe> <slots>`."),
        Key(
            "memory_resource",
            "str",
            "The `-l` resource that reserves memory, e.g. `h_vmem`; derived from `worker.memory` unless the job requests it itself.",
        ),
        Key(
            "memory_per",
            "str",
            "Whether SGE multiplies the memory request by the pe slots (`slot`, a consumable YES) or not: `job`"
            " (consumable JOB, debited once from the master queue) or `host` (consumable HOST, debited once per host;"
            " `uge` and `ocs` only). A `$pe_slots` job is on one host, so `job` and `host` ask for the same amount.",
            "slot",
            choices=("slot", "job", "host"),
        ),
        Key(
            "memory",
            "str-table",
            "Several memory resources the site reserves with, each `slot`, `job` or `host` as `memory_per` says,"
            ' all derived from `worker.memory` unless the job requests them itself: e.g. `{ mres = "job",'
            ' h_data = "slot" }` (Smithsonian Hydra). With `memory_resource`, one more; for the same resource this'
            " table wins.",
            {},
            choices=("slot", "job", "host"),
        ),
        Key(
            "gpu_resource",
            "str",
            "The `-l` resource that reserves GPUs, e.g. `gpu` (UCL Myriad's `-l gpu=2`); `worker.gpus` is requested"
            " with it. `qconf -sc` lists the cluster's resources.",
        ),
        Key(
            "gpu_per",
            "str",
            "Whether SGE multiplies the GPU request by the pe slots (`slot`, a consumable YES: `gpu=1` with"
            " `-pe smp 8` asks for 8 GPUs), or counts it once: `job` (consumable JOB) or `host` (consumable HOST;"
            " `uge` and `ocs`). `check --live` compares it with `qconf -sc` (SGE814).",
            "slot",
            choices=("slot", "job", "host"),
        ),
        Key(
            "scheduler_interface",
            "str",
            "Network interface of the host where `launch` and `up` run the scheduler (the login node) that the"
            " compute hosts reach, e.g. `ib0`; unset, the scheduler uses `worker.interface` as dask-jobqueue"
            " does. An emitted cluster's scheduler is a job on a compute host and uses `worker.interface`.",
        ),
        Key(
            "shared_directory",
            "str",
            "A folder that the host running `launch`/`up` and every compute host see alike (a shared file system,"
            " e.g. `~/.dask-tls` on an NFS home): where `worker.security = true` writes its temporary certificates"
            " (dask-jobqueue's `shared_temp_directory`). A site fact: which file systems the hosts share.",
        ),
        Key(
            "shell",
            "str",
            "The job's shell: the shebang, and `-S` so queues in posix_compliant mode agree.",
            "/bin/bash",
        ),
        Key(
            "required_options",
            "str-list",
            "qsub options the site refuses a job without, by its policy (UCL Young's `-A`: \"Rejected by"
            ' policyjsv"): a job whose header lacks one is an error (SGE515). e.g. `["-A"]`.',
            [],
        ),
        Key(
            "max_walltime",
            "walltime",
            "The longest walltime the site lets a job ask for, from its documentation (Hoffman2's 24 hours, a job"
            " class's 12): a longer `job.walltime` is a warning (SGE206), as qsub refuses the job or the queue kills"
            " it at the limit. `check --live` reads the queues' own `h_rt` instead.",
        ),
        Key(
            "default_walltime",
            "walltime",
            "The `h_rt` the site gives a job that asks for none (Hoffman2: 2 hours): without `job.walltime` the"
            " job ends then, its workers given no lifetime to retire before it (SGE207).",
        ),
    ),
    "job": (
        Key("name", "str", "Job name, `-N`.", "dask-worker"),
        Key("queue", "str", "Queue, `-q`."),
        Key("project", "str", "Project, `-P`."),
        Key(
            "walltime",
            "walltime",
            "Hard run time, `-l h_rt=<seconds>`: `H:M:S` (fields may exceed 59), integer seconds, or `2h30m`/`1d12h`.",
        ),
        Key("resources", "str-table", 'Further `-l` requests, in SGE units, e.g. `{ mem_free = "8G" }`.', {}),
        Key("export_env", "bool", "Export the submitting environment to the job, `-V`.", False),
        Key("cwd", "bool", "Run in the submission directory, `-cwd`.", True),
        Key("join_output", "bool", "Merge stderr into stdout, `-j y`.", True),
        Key("log_directory", "str", "Directory for the job's output, `-o` (and `-e` unless output is joined)."),
        Key(
            "directives",
            "str-list",
            'Any other qsub options, e.g. `"-m ea"`; parsed and checked like the rest, never rendered twice.',
            [],
        ),
        Key("skip", "str-list", 'qsub options to leave out, by option name, e.g. `"-j"`.', []),
        Key("prologue", "str-list", 'Shell lines run before the worker starts, e.g. `"module load iqtree"`.', []),
    ),
    "worker": (
        Key(
            "jobs",
            "int",
            "How many jobs `launch`, `up` and `emit` start, each one group of `processes` workers; `--jobs` overrides.",
            1,
            minimum=1,
            maximum=MAX_JOBS,
        ),
        Key(
            "max_jobs_at_once",
            "int",
            "The most worker jobs pending or running at once: `emit`'s arrays get `-tc N` (SGE starts the other tasks as"
            " earlier ones end) and `launch`/`up` submit a job only while fewer than N of the cluster's jobs are in"
            " qstat, the rest as earlier ones end; `emit --tasks` runs at most N tasks at once unless `--concurrent`"
            " says otherwise. Unset: no limit of the profile's own.",
            minimum=1,
            maximum=MAX_JOBS,
        ),
        Key(
            "cores",
            "int",
            "Threads across all processes of one job (dask-jobqueue's `cores`).",
            required=True,
            minimum=1,
            maximum=SGE_MAX_SLOTS,
        ),
        Key(
            "processes",
            "int",
            "Python processes per job; default: as dask-jobqueue derives it from `cores`.",
            minimum=1,
        ),
        Key(
            "memory",
            "memory",
            "Memory for all processes of one job together, in dask units (GB = 10^9, GiB = 2^30).",
            required=True,
        ),
        Key(
            "task_cores",
            "int",
            "Cores each task's own program uses (e.g. `iqtree -nt 10`); pe slots = cores x task_cores.",
            1,
            minimum=1,
            maximum=SGE_MAX_SLOTS,
        ),
        Key(
            "task_memory",
            "memory",
            "Memory each task's own program needs (e.g. what one `iqtree` run uses), in dask units; subprocesses are"
            " outside `worker.memory`. The job's memory request adds it once per thread, and the workers get"
            " `--resources` so that dask runs no more tasks at once than the job holds.",
        ),
        Key(
            "gpus",
            "int",
            "GPUs for one job, requested with `site.gpu_resource`: the whole count where SGE counts it once, the"
            " count per slot where it multiplies by the slots (SGE409 when the slots do not divide it).",
            minimum=1,
        ),
        Key("python", "str", "Python interpreter on the compute hosts; default: the one running sgecompile."),
        Key(
            "command",
            "str-list",
            "The program that starts the workers, word by word, before the scheduler's address; default: `python -m"
            ' distributed.cli.dask_worker`. Starting with `-m`, a module `python` runs: `["-m",'
            ' "dask_cuda.cli.dask_cuda_worker"]` (dask-jobqueue\'s `worker_command`); else the whole command:'
            ' `["dask-cuda-worker"]`, or a wrapper such as `["singularity", "exec", "dask.sif", "python", "-m",'
            ' "distributed.cli.dask_worker"]`. Only distributed\'s own worker gets `--nworkers`, `--nanny` and'
            " `--lifetime` (SGE607), as dask-jobqueue gives `--nworkers` and `--nanny` to it alone.",
            [],
        ),
        Key("death_timeout", "int", "Seconds a worker waits for an absent scheduler before it exits.", 60, minimum=1),
        Key(
            "lifetime_margin",
            "walltime",
            "With a walltime W, how long before SGE's `h_rt` the workers retire gracefully (their data moved to other"
            " workers, their tasks given to them): each gets dask's `--lifetime (W - margin)` and `--lifetime-stagger"
            " (margin / 2)`, so they leave one by one between W - 1.5 x margin and W - margin / 2. Unused when"
            " `extra_args` gives `--lifetime` or `--lifetime-stagger`.",
            "5m",
        ),
        Key("interface", "str", "Network interface for the workers, e.g. `ib0`."),
        Key(
            "security",
            "bool",
            "TLS: the scheduler, the workers and the client speak `tls://` and refuse anyone without the"
            " certificate. With `tls_ca_file`, `tls_cert` and `tls_key`, those files; without them, `launch` and `up`"
            " make temporary certificates in `site.shared_directory`, removed when the cluster closes"
            " (dask-jobqueue's `security=True`).",
            False,
        ),
        Key("tls_ca_file", "str", "TLS: the certificate authority file every side trusts, `--tls-ca-file`."),
        Key("tls_cert", "str", "TLS: the certificate file of the scheduler, the workers and the client, `--tls-cert`."),
        Key("tls_key", "str", "TLS: the private key file of `tls_cert`, `--tls-key`."),
        Key("local_directory", "str", "Fast local storage for spilling, e.g. `$TMPDIR`."),
        Key("nanny", "bool", "Run each worker under a nanny that restarts it.", True),
        Key(
            "extra_args",
            "str-list",
            "More `dask worker` arguments; not the options the profile sets, such as `--nthreads` (SGE408).",
            [],
        ),
    ),
}

TOP_LEVEL: tuple[str, ...] = ("extends", "site", "job", "worker", "variants")

# dask-jobqueue's keywords, old and new, and the profile key each means (from the one table).
RENAMED: dict[str, str] = KEYWORDS
DEPRECATED_IN_DASK_JOBQUEUE = OLD_KEYWORDS


def unset_required(values: Mapping[str, Mapping[str, Any]]) -> list[tuple[str, Key]]:
    """The required keys that the merged ``values`` (section -> key -> value) do not set, with their sections."""
    return [
        (section, k) for section, keys in SECTIONS.items() for k in keys if k.required and k.name not in values[section]
    ]


def key(section: str, name: str) -> Key:
    return BY_NAME[section][name]


BY_NAME: dict[str, dict[str, Key]] = {section: {k.name: k for k in keys} for section, keys in SECTIONS.items()}


def suggest(name: str, candidates: list[str]) -> str | None:
    """The closest known name, for "did you mean" hints."""
    import difflib  # only when a name is unknown

    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.6)
    return close[0] if close else None


def out_of_range(k: Key, value: int) -> tuple[str, int] | None:
    """For a number outside the key's range: what it must be ("at least 1") and the nearest allowed value."""
    if k.minimum is not None and value < k.minimum:
        return f"at least {k.minimum}", k.minimum
    if k.maximum is not None and value > k.maximum:
        return f"at most {k.maximum}", k.maximum
    return None


def accepts(k: Key, value: Any) -> bool:
    """Whether ``value`` can be the key's value: of its kind, one of its choices, within its range."""
    if not kind_matches(k.kind, value):
        return False
    chosen = value.values() if k.kind == "str-table" else (value,)  # of its kind: a table for a str-table
    if k.choices and not all(v in k.choices for v in chosen):
        return False
    return not (k.kind == "int" and out_of_range(k, value))


def kind_matches(kind: str, value: Any) -> bool:
    """Whether a TOML value has the Python type a key of this kind needs."""
    return _KIND_MATCHES[kind](value)


def _str_or_int(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool)


_KIND_MATCHES: dict[str, Callable[[Any], bool]] = {  # a table: every key's value is checked, often several times
    "bool": lambda value: isinstance(value, bool),
    "int": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "str": lambda value: isinstance(value, str),
    "memory": _str_or_int,
    "walltime": _str_or_int,
    "str-list": lambda value: isinstance(value, list) and all(isinstance(v, str) for v in value),
    "str-table": lambda value: isinstance(value, Mapping) and all(map(_str_or_int, value.values())),
}


KIND_NAMES = {
    "bool": "true or false",
    "int": "a whole number",
    "str": "a string",
    "memory": 'a memory amount such as "64GB"',
    "walltime": 'a walltime such as "12:00:00" or 3600',
    "str-list": "a list of strings",
    "str-table": 'a table of strings, e.g. { mem_free = "8G" }',
}


_JSON_TYPES: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "bool": {"type": "boolean"},
    "memory": {"type": ["string", "integer"]},
    "walltime": {"type": ["string", "integer"]},
    "str-list": {"type": "array", "items": {"type": "string"}},
    "str-table": {"type": "object", "additionalProperties": {"type": ["string", "integer"]}},
}


def json_schema() -> dict[str, Any]:
    """The profile format as JSON Schema (draft 2020-12), for editors that complete and check TOML.

    Nothing is ``required`` here: a profile may get ``worker.cores`` from the
    file it extends, which an editor looking at one file cannot know.
    """

    def section(name: str) -> dict[str, Any]:
        properties = {}
        for k in SECTIONS[name]:
            prop: dict[str, Any] = {**_JSON_TYPES[k.kind], "description": k.doc + (" Required." if k.required else "")}
            if k.choices and k.kind == "str-table":  # each entry's value is one of them
                prop["additionalProperties"] = {"enum": list(k.choices)}
            elif k.choices:
                prop["enum"] = list(k.choices)
            if k.minimum is not None:
                prop["minimum"] = k.minimum
            if k.maximum is not None:
                prop["maximum"] = k.maximum
            if k.default not in (None, [], {}):
                prop["default"] = k.default
            properties[k.name] = prop
        return {"type": "object", "properties": properties, "additionalProperties": False}

    sections = {name: section(name) for name in SECTIONS}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "sgecompile cluster profile",
        "type": "object",
        "properties": {
            "extends": {
                "type": "string",
                "description": (
                    'A base profile, relative to this file; "@site" for your site base file, "@sites/NAME" for a'
                    " shipped base profile of a real cluster (`sgecompile sites`). This file wins."
                ),
            },
            **sections,
            "variants": {
                "type": "object",
                "description": "Named overrides, chosen with --variant NAME.",
                "additionalProperties": {"type": "object", "properties": sections, "additionalProperties": False},
            },
        },
        "additionalProperties": False,
    }
