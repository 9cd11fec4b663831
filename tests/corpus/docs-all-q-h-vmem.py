# source: a dask-jobqueue guide's SGE Cluster section (public GitHub file, code search index id 62137253821 (the index names no repository)), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(
    cores=16,
    processes=4,
    memory="64GB",
    walltime="02:00:00",
    queue="all.q",
    resource_spec="h_vmem=64G"
)
