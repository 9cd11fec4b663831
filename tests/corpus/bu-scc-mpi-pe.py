# source: a script for Boston University's SCC (public GitHub file, code search index id 28118329340 (the index names no repository)), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(cores=28, memory='200GB', job_extra=['-P scv', '-pe mpi_28_tasks_per_node 112'])
