# source: BLM on Oxford's BMRC cluster (public GitHub file, code search index id 2427141183 (the index names no repository)), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(cores=1,
                     memory="100GB",
                     queue='short.qc',
                     walltime='00:30:00',
                     interface="ib0",
                     local_directory="/well/nichols/users/inf852/BLMdask/",
                     scheduler_options={'dashboard_address': ':8888'})
