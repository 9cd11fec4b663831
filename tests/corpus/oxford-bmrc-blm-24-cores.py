# source: BLM on Oxford's BMRC cluster (a public GitHub file in the code search index (repository not named by the index), file id 2400948056), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(cores=24, memory="100GB", queue="short.qc", walltime="02:00:00")
