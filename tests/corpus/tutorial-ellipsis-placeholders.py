# source: slides of a dask-jobqueue tutorial (public GitHub file, code search index id 37064903769, the index names no repository), read 2026-11-29
from dask_jobqueue import SGECluster
cluster = SGECluster(project=..., queue=..., cores=1,
                     processes=1, memory="20GB",
                     walltime="00:30:00")
