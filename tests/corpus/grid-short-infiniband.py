# source: a Japanese guide to dask-jobqueue on an SGE cluster (public GitHub file, code search index id 19935383120 (the index names no repository)), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(cores=24,
                     memory="250GB",
                     queue="grid_short.q",
                     interface="ib0",
                     scheduler_options={"interface": "bond1"},
                     local_directory="/var/tmp",
                     job_extra=["-pe smp 24"])
