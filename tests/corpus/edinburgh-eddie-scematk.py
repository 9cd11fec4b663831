# source: SCEMATK's documentation for the University of Edinburgh's Eddie (SCEMA-WSI/scematk; public GitHub file, code search index id 35569277721), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(
    memory='8 G',
    cores=1,
    resource_spec='h_vmem=8G',
    worker_extra_args=['--lifetime', '25m', '--lifetime-stagger', '4m']
)
