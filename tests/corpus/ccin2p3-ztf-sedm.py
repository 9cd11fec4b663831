# source: a ZTF/SEDM scene-modelling script on CC-IN2P3 (public GitHub file, code search index id 6916159821 (the index names no repository)), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(name="dask-worker",  walltime="05:00:00",
                 memory="5GB", death_timeout=120,
                 project="P_ztf", resource_spec="sps=1",
                 cores=1, processes=1)
