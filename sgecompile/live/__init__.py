"""Live clusters: a dask-jobqueue ``SGECluster`` whose jobs submit exactly the compiled script.

Each job's script is ``render(plan)`` with the real scheduler address and
worker name filled in, so what runs is what ``sgecompile render`` printed.
Every job submitted is remembered, and :func:`launch` removes all of them on a
normal exit, on an exception, on Ctrl-C and on SIGTERM.

One module per job: ``compiled`` (the profile, checked), ``submitter`` (qsub
and qdel bookkeeping, arrays; no dask), ``jobs`` (the dask classes),
``signals`` (Ctrl-C, SIGTERM and SIGHUP), ``tls`` (certificates), ``waiting`` (for the workers, with its
messages) and ``launching``. Importing this package imports dask, so
``import sgecompile`` reaches it only when a live name is used.
"""

from .compiled import ProfileError, compile_or_raise
from .jobs import CompiledCluster, CompiledJob, cluster
from .launching import launch
from .signals import until_interrupted
from .submitter import Refused, Submitter
from .tls import client_hint
from .waiting import LaunchTimeout, wait_for_workers

__all__ = [
    "CompiledCluster",
    "CompiledJob",
    "LaunchTimeout",
    "ProfileError",
    "Refused",
    "Submitter",
    "client_hint",
    "cluster",
    "compile_or_raise",
    "launch",
    "until_interrupted",
    "wait_for_workers",
]
