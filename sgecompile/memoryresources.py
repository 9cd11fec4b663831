"""Every SGE resource whose value is an amount of memory, and what a request of it does to a dask job.

The one table that typing (memory units), the compiler (what a request must
cover), the rules and import read. What a resource *does* is fixed by its
meaning; whether a request counts per slot or once per job is the site's
setting (its complex's consumable column, ``site.memory_per``), not this table's.

Effects, from strongest to weakest:

- ``address-space``: a limit on what each process maps (``setrlimit``), so
  Python's own mappings and malloc arenas count; past it allocations fail
  (MemoryError) or SGE kills the job.
- ``resident``: a limit on the memory the job uses, enforced by the site
  (cgroups, or its own watchdog killing the job).
- ``scheduling``: where the job may start; nothing stops it using more.
- ``other``: an amount of memory that is not the worker's (stack, core file,
  file size, swap, a host's totals).
"""

from __future__ import annotations

from typing import Literal

import attrs

Effect = Literal["address-space", "resident", "scheduling", "other"]


@attrs.frozen
class MemoryResource:
    """What a request of one resource does to the job, and whether hosts report it as a load value."""

    effect: Effect
    host_load: bool = False  # a load value a host reports of its memory: what it offers without complex_values


RESOURCES: dict[str, MemoryResource] = {
    # Built-in complexes of type MEMORY: sge_complex(5) and sge_queue_conf(5) "RESOURCE LIMITS"
    # (Debian gridengine-common 8.1.9). h_vmem/s_vmem set RLIMIT_AS: most SGE sites' memory request
    # (QMUL Apocrita, Edinburgh Eddie, NIG: grid-engine-sites.md); s_vmem in DataBiosphere/toil#2309.
    "h_vmem": MemoryResource("address-space"),
    "s_vmem": MemoryResource("address-space"),
    # h_data/s_data set RLIMIT_DATA, which Linux (4.7+) counts over every private writable mapping,
    # malloc arenas included; UCLA Hoffman2 requests memory per core as h_data
    # (hoffman2.idre.ucla.edu/computing/policy/), Smithsonian Hydra with it per slot.
    "h_data": MemoryResource("address-space"),
    "s_data": MemoryResource("address-space"),
    # h_rss: resident set, enforced by the site (cgroups); Roslin on Edinburgh Eddie requests it per core
    # (nf-core/configs conf/roslin.config).
    "h_rss": MemoryResource("resident"),
    "s_rss": MemoryResource("resident"),
    # Load values a host reports (sge_complex(5)): a request only chooses the host. On Univa/Altair
    # a bare mem_free request is accepted without effect (nextflow-io/nextflow#1423).
    "mem_free": MemoryResource("scheduling", host_load=True),
    "virtual_free": MemoryResource("scheduling", host_load=True),
    "mem_total": MemoryResource("other", host_load=True),
    "virtual_total": MemoryResource("other", host_load=True),
    "mem_used": MemoryResource("other"),
    "virtual_used": MemoryResource("other"),
    "swap_free": MemoryResource("other"),
    "swap_total": MemoryResource("other"),
    "swap_used": MemoryResource("other"),
    "h_stack": MemoryResource("other"),
    "s_stack": MemoryResource("other"),
    "h_core": MemoryResource("other"),
    "s_core": MemoryResource("other"),
    "h_fsize": MemoryResource("other"),
    "s_fsize": MemoryResource("other"),
    # Univa/Altair Grid Engine's built-in consumable (alias mfree): reserved by the scheduler, limited
    # only where the site turns on cgroup enforcement (dask/dask-jobqueue#219; broadinstitute/viral-ngs#458,
    # where h_vmem does the limiting); dask-jobqueue's own SGE example deployment requests it.
    "m_mem_free": MemoryResource("scheduling"),
    "mfree": MemoryResource("scheduling"),
    # Site-defined consumables (grid-engine-sites.md). UCL Myriad/Kathleen: `mem`, the memory per core a
    # job may use (rc.ucl.ac.uk/docs/Clusters/Myriad/, /docs/Example_Jobscripts/). Sheffield ShARC: `rmem`
    # per core, jobs killed above rmem x cores (docs.hpc.shef.ac.uk, decommissioned/sharc/sge).
    "mem": MemoryResource("resident"),
    "rmem": MemoryResource("resident"),
    # UCL CS: `tmem` reserves, next to h_vmem that limits (JuliaParallel/ClusterManagers.jl docs/sge.md
    # shows `-l h_vmem=4G,tmem=4G`). Smithsonian Hydra: `mres` the job's total reservation, next to a
    # per-slot h_data/h_vmem (confluence.si.edu/display/HPC/Available+Queues). `mem_req`: named by
    # dask-jobqueue's docs (clusters-example-deployments) and its test configuration.
    "tmem": MemoryResource("scheduling"),
    "mres": MemoryResource("scheduling"),
    "mem_req": MemoryResource("scheduling"),
}

# The effects that hold the worker's memory, strongest first: the request a check compares with worker.memory.
WORKER_MEMORY: tuple[Effect, ...] = ("address-space", "resident", "scheduling")
MEMORY_VALUED = frozenset(RESOURCES)
ADDRESS_SPACE = frozenset(name for name, r in RESOURCES.items() if r.effect == "address-space")
HOST_LOAD = frozenset(name for name, r in RESOURCES.items() if r.host_load)


def effect(name: str | None) -> Effect | None:
    """What a request of ``name`` does to the job; None for a resource this table does not know."""
    found = RESOURCES.get(name) if name else None
    return found.effect if found else None


def limits(name: str | None) -> bool:
    """Whether using more than a request of ``name`` makes the job fail (rather than only choosing its host)."""
    return effect(name) in ("address-space", "resident")


def worker_memory_request(names: list[str]) -> str | None:
    """Of the resources a job requests, the one that holds the worker's memory: the strongest, then the first."""
    ranked = [(WORKER_MEMORY.index(e), i, n) for i, n in enumerate(names) if (e := effect(n)) in WORKER_MEMORY]
    return min(ranked)[2] if ranked else None
