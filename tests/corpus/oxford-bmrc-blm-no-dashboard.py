# source: BLM on Oxford's BMRC cluster (public GitHub file, code search index id 2536689171 (the index names no repository)), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(cores=1,
                     memory="100GB",
                     queue='short.qc',
                     walltime='01:00:00',
                     extra=['--no-dashboard'])
