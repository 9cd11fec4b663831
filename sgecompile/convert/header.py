"""What dask-jobqueue 0.9 writes itself into an SGE job's header: the one model of it that import and export share."""

from __future__ import annotations

from typing import Any

# What dask-jobqueue writes when it is given no job name or walltime (its own jobqueue.yaml).
DASK_JOB_NAME = "dask-worker"

DASK_WALLTIME = "00:30:00"


def dask_header(kwargs: dict[str, Any], no_walltime: bool = False) -> dict[str, str]:
    """The ``#$`` lines dask-jobqueue 0.9 writes itself for ``SGECluster(**kwargs)``, each under the text that names it.

    These are the only lines ``job_directives_skip`` can remove: each one that
    contains one of its texts. The job_extra_directives come after them and
    are never skipped. A job name or walltime not given (or None, in a call)
    is dask-jobqueue's default; ``no_walltime``: ``walltime: null`` in a
    jobqueue.yaml, which leaves the ``h_rt`` line out.
    """
    given = {k: v for k, v in kwargs.items() if v is not None}
    lines = {"-N": f"#$ -N {given.get('job_name', DASK_JOB_NAME)}"}
    for option, key in (("-q", "queue"), ("-P", "project"), ("-l", "resource_spec")):
        if key in given:
            lines[option] = f"#$ {option} {given[key]}"
    if not no_walltime:
        lines["-l h_rt"] = f"#$ -l h_rt={given.get('walltime', DASK_WALLTIME)}"
    if "log_directory" in given:
        lines["-e"] = f"#$ -e {given['log_directory']}/"
        lines["-o"] = f"#$ -o {given['log_directory']}/"
    lines["-cwd"] = "#$ -cwd"
    lines["-j y"] = "#$ -j y"
    return lines
