"""One table of what the words mean: qsub's options per Grid Engine flavor, the profile keys that write
them, dask-jobqueue's keywords and the header lines dask-jobqueue writes itself.

Compiling, the rules, explain, import and export read this table; none of
them keeps a list of its own. A new qsub option of one flavor is one row; a
new profile key is one row (and its type in :mod:`sgecompile.schema`).

Flavors, and where their options were read (2026-11-29; see docs/flavors.md):

- ``sge``: Son of Grid Engine 8.1.9 (Debian's ``gridengine-client``, man page
  ``sge_submit(1)``; each option also tried with ``qsub -h`` on the test cell),
  Sun Grid Engine 6.2 and Open Grid Scheduler, which have the same options;
- ``uge``: Univa / Altair Grid Engine 8.x and later (``qsub -help`` of UGE 8.6.6);
- ``ocs``: Open Cluster Scheduler / Gridware Cluster Scheduler 9.1
  (hpc-gridware/clusterscheduler ``doc/markdown/man/man1/submit.include.md``, tag V914_TAG).
"""

from __future__ import annotations

from typing import Literal

import attrs

Flavor = Literal["sge", "uge", "ocs"]
FLAVORS: tuple[Flavor, ...] = ("sge", "uge", "ocs")
FLAVOR_NAMES: dict[Flavor, str] = {
    "sge": "Son of Grid Engine 8.1 / Sun Grid Engine 6.2 / Open Grid Scheduler",
    "uge": "Univa / Altair Grid Engine 8.x+",
    "ocs": "Open Cluster Scheduler / Gridware Cluster Scheduler 9.x",
}
ALL: frozenset[Flavor] = frozenset(FLAVORS)
SGE_UGE: frozenset[Flavor] = frozenset({"sge", "uge"})
UGE: frozenset[Flavor] = frozenset({"uge"})
OCS: frozenset[Flavor] = frozenset({"ocs"})

Form = Literal["none", "word", "yes-no", "list", "resources", "pe"]


@attrs.frozen
class Word:
    """One row: a qsub option (with what it takes), or a profile key with no option, and what each means elsewhere.

    ``key`` is the profile key that writes the option (or, for a row with no
    option, the key itself); ``dask`` the dask-jobqueue keywords for it, the
    current name first and the names it still reads after; ``header`` the
    text naming the line dask-jobqueue writes itself for it (what its
    ``job_directives_skip`` matches); ``flag`` the ``dask worker`` options
    the worker command gives for the key (for a yes/no key, the one that
    says yes, then the one that says no); ``security`` the fields of
    distributed's ``Security`` that hold the key's file in dask-jobqueue's
    ``security=Security(...)`` (the worker's first, then the scheduler's and
    the client's, which sgecompile gives the same file).
    """

    option: str | None = None
    args: tuple[int, int] = (1, 1)  # fewest and most words after the option
    form: Form = "word"
    flavors: frozenset[Flavor] = ALL
    in_script: bool = True  # False: qsub takes it on the command line only (-sync, -terse, -C ...)
    accumulates: bool = False  # several of it are several requests (-l a, -l b), not one asked twice
    resource: str | None = None  # for -l rows: the one resource this row is about (h_rt)
    key: str | None = None
    dask: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    flag: tuple[str, ...] = ()
    security: tuple[str, ...] = ()
    in_config: bool = True  # dask-jobqueue also reads the keyword from jobqueue.yaml (some are keywords only)


WORDS: tuple[Word, ...] = (
    # The options the structured keys write, in the order the header has them.
    Word("-N", key="job.name", dask=("job_name",), header=("-N",)),
    Word("-q", accumulates=True, key="job.queue", dask=("queue",), header=("-q",)),  # a second adds a queue
    Word("-P", key="job.project", dask=("project",), header=("-P",)),
    Word("-l", form="resources", accumulates=True, key="job.resources", dask=("resource_spec",), header=("-l",)),
    Word(
        "-l",
        form="resources",
        accumulates=True,
        resource="h_rt",
        key="job.walltime",
        dask=("walltime",),
        header=("-l h_rt",),
    ),
    Word("-e", key="job.log_directory", dask=("log_directory",), header=("-e", "-o")),
    Word("-o", key="job.log_directory"),
    Word("-cwd", (0, 0), "none", key="job.cwd", header=("-cwd",)),
    Word("-j", form="yes-no", key="job.join_output", header=("-j y",)),
    Word("-pe", (2, 2), "pe", key="site.pe"),
    Word("-V", (0, 0), "none", key="job.export_env"),
    Word("-S", key="site.shell"),
    # Profile keys with no qsub option of their own.
    Word(key="job.prologue", dask=("job_script_prologue", "env_extra")),
    Word(key="job.directives", dask=("job_extra_directives", "job_extra")),
    Word(key="job.skip", dask=("job_directives_skip", "header_skip")),
    Word(key="worker.cores", dask=("cores",), flag=("--nthreads",)),
    Word(key="worker.processes", dask=("processes",), flag=("--nworkers",)),
    Word(key="worker.memory", dask=("memory",), flag=("--memory-limit",)),
    Word(key="worker.python", dask=("python",)),
    Word(key="worker.command", dask=("worker_command",)),
    Word(key="worker.death_timeout", dask=("death_timeout",), flag=("--death-timeout",)),
    Word(key="worker.interface", dask=("interface",), flag=("--interface",)),
    Word(key="worker.lifetime_margin"),  # dask-jobqueue: --lifetime and --lifetime-stagger in worker_extra_args
    Word(key="site.gpu_resource"),  # with worker.gpus, one more -l request of job.resources
    Word(key="site.gpu_per"),
    Word(key="worker.gpus"),
    Word(key="site.scheduler_interface"),  # dask-jobqueue: scheduler_options={"interface": ...}
    Word(key="worker.security", dask=("security",), in_config=False),  # True; Security(...) names the files below
    Word(key="site.shared_directory", dask=("shared_temp_directory",)),
    Word(key="worker.tls_ca_file", flag=("--tls-ca-file",), security=("tls_ca_file",)),
    Word(
        key="worker.tls_cert",
        flag=("--tls-cert",),
        security=("tls_worker_cert", "tls_scheduler_cert", "tls_client_cert"),
    ),
    Word(key="worker.tls_key", flag=("--tls-key",), security=("tls_worker_key", "tls_scheduler_key", "tls_client_key")),
    Word(key="worker.local_directory", dask=("local_directory",), flag=("--local-directory",)),
    Word(key="worker.nanny", dask=("nanny",), flag=("--nanny", "--no-nanny"), in_config=False),
    Word(key="worker.extra_args", dask=("worker_extra_args", "extra")),
    # Every other qsub option, by flavor.
    Word("-@", in_script=False),
    Word("-a"),
    Word("-ac", form="list", accumulates=True),
    Word("-A"),
    Word("-ar"),
    Word("-b", form="yes-no", in_script=False),
    Word("-binding", (1, 2)),  # OCS 9.0 has it, 9.1 replaced it with -bamount, -btype, -bunit ...: no certain error
    Word("-c"),
    Word("-ckpt"),
    Word("-clear", (0, 0), "none", in_script=False),
    Word("-C", in_script=False),
    Word("-dc", form="list", accumulates=True),
    Word("-dl"),
    Word("-h", (0, 0), "none"),
    Word("-hard", (0, 0), "none"),
    Word("-help", (0, 0), "none", in_script=False),
    Word("-hold_jid", form="list", accumulates=True),
    Word("-hold_jid_ad"),
    Word("-i"),
    Word("-js"),
    Word("-jsv"),
    Word("-m"),
    Word("-M", form="list", accumulates=True),
    Word("-masterq", form="list", accumulates=True),
    Word("-notify", (0, 0), "none"),
    Word("-now", form="yes-no"),
    Word("-p"),
    Word("-pty", in_script=False, flavors=SGE_UGE),  # OCS: qrsh and qlogin only
    Word("-r", form="yes-no"),
    Word("-R", form="yes-no"),
    Word("-sc", form="list", accumulates=True),
    Word("-shell", form="yes-no"),
    Word("-soft", (0, 0), "none"),
    Word("-sync", in_script=False),
    Word("-t"),
    Word("-tc", key="worker.max_jobs_at_once"),  # emit's arrays; launch holds jobs back itself
    Word("-terse", (0, 0), "none", in_script=False),
    Word("-v", form="list", accumulates=True),
    Word("-verify", (0, 0), "none", in_script=False),
    Word("-w"),
    Word("-wd"),
    # Univa / Altair Grid Engine only (UGE 8.6.6 qsub -help; refused by SGE 8.1.9's qsub on the test cell).
    Word("-adds", (3, 3), flavors=UGE),
    Word("-clearp", flavors=UGE),
    Word("-clears", (2, 2), flavors=UGE),
    Word("-jc", flavors=UGE),  # a job class, e.g. Dundee's `-jc short`
    Word("-masterl", form="resources", flavors=UGE),
    Word("-mbind", flavors=UGE),
    Word("-mods", (3, 3), flavors=UGE),
    Word("-rdi", flavors=UGE),
    Word("-rou", flavors=UGE),
    Word("-si", flavors=UGE),
    Word("-tcon", form="yes-no", flavors=UGE),
    Word("-umask", flavors=UGE),
    Word("-xd", flavors=UGE),
    Word("-xdv", flavors=UGE),
    Word("-xd_run_as_image_user", flavors=UGE),
    # Univa / Altair and Open Cluster Scheduler 9.1+.
    Word("-par", flavors=UGE | OCS),
    # Open Cluster Scheduler / Gridware Cluster Scheduler only (9.0+; the binding options 9.1+).
    Word("-scope", flavors=OCS),
    Word("-dept", flavors=OCS),
    Word("-bamount", flavors=OCS),
    Word("-binstance", flavors=OCS),
    Word("-btype", flavors=OCS),
    Word("-bunit", flavors=OCS),
    Word("-bfilter", flavors=OCS),
)


# Views of the table, each for one reader.
OPTIONS: dict[str, Word] = {w.option: w for w in WORDS if w.option and w.resource is None}
OPTION_KEYS: dict[str, str] = {w.option: w.key for w in WORDS if w.option and w.key and w.resource is None}
KEYWORDS: dict[str, str] = {keyword: w.key for w in WORDS if w.key for keyword in w.dask}
# dask-jobqueue 0.9 reads these from a keyword argument only (core.py), never from jobqueue.yaml; n_workers is
# JobQueueCluster's own.
KEYWORD_ONLY: frozenset[str] = frozenset({"n_workers"} | {k for w in WORDS if not w.in_config for k in w.dask})
OLD_KEYWORDS: frozenset[str] = frozenset(keyword for w in WORDS for keyword in w.dask[1:])
RENAMED_KEYWORDS: dict[str, str] = {old: w.dask[0] for w in WORDS for old in w.dask[1:]}  # old name -> new one
HEADER_KEYS: dict[str, str] = {label: w.key for w in WORDS if w.key for label in w.header}
WORKER_FLAGS: dict[str, str] = {flag: w.key for w in WORDS if w.key for flag in w.flag}
SECURITY_FIELDS: dict[str, str] = {field: w.key for w in WORDS if w.key for field in w.security}  # Security's -> key
SWITCHES: dict[str, bool] = {flag: i == 0 for w in WORDS if len(w.flag) == 2 for i, flag in enumerate(w.flag)}
KEY_OPTIONS: dict[str, tuple[str, ...]] = {  # compiling asks it for every directive of every profile
    key: tuple(w.option for w in WORDS if w.key == key and w.option) for key in {w.key for w in WORDS if w.key}
}


def key_of(option: str, resource: str | None = None) -> str | None:
    """The profile key that asks for ``option`` (for ``-l``, for that resource), if a structured one does."""
    if resource is not None:
        found = next((w.key for w in WORDS if w.option == option and w.resource == resource), None)
        if found:
            return found
    return OPTION_KEYS.get(option)


def options_of(key: str) -> tuple[str, ...]:
    """The qsub options the profile key ``key`` writes, in the header's order (``job.log_directory``: -e, -o)."""
    return KEY_OPTIONS.get(key, ())


def flavors_of(option: str) -> frozenset[Flavor]:
    """The flavors whose qsub takes ``option`` (none for a word no qsub takes)."""
    word = OPTIONS.get(option)
    return word.flavors if word else frozenset()
