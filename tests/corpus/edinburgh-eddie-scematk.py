# source: SCEMATK's documentation for the University of Edinburgh's Eddie (a public GitHub file in the code search index (repository not named by the index), file id 35569277721; SCEMA-WSI/scematk), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(
    memory="8 G",
    cores=1,
    resource_spec="h_vmem=8G",
    worker_extra_args=["--lifetime", "25m", "--lifetime-stagger", "4m"],
)
