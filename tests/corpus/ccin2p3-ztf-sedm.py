# source: a ZTF/SEDM scene-modelling script on CC-IN2P3 (a public GitHub file in the code search index (repository not named by the index), file id 6916159821), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(
    name="dask-worker",
    walltime="05:00:00",
    memory="5GB",
    death_timeout=120,
    project="P_ztf",
    resource_spec="sps=1",
    cores=1,
    processes=1,
)
