# source: a script for Boston University's SCC (a public GitHub file in the code search index (repository not named by the index), file id 28118329340), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(cores=28, memory="200GB", job_extra=["-P scv", "-pe mpi_28_tasks_per_node 112"])
