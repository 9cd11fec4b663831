# source: BLM on Oxford's BMRC cluster (public GitHub file, code search index id 2400948056 (the index names no repository)), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(cores=24,
                     memory="100GB",
                     queue='short.qc',
                     walltime='02:00:00')
