# source: BLM on Oxford's BMRC cluster (public GitHub file, code search index id 2451664212 (the index names no repository)), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(cores=1,
                     memory="100GB",
                     queue='short.qc',
                     walltime='01:00:00',
                     interface="ib0",
                     local_directory="/well/nichols/users/inf852/BLMdask/",
                     log_directory="/well/nichols/users/inf852/BLMdask/log/",
                     silence_logs=False,
                     scheduler_options={'dashboard_address': ':8889'})
