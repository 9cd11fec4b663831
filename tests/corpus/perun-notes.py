# source: notes on dask-jobqueue on the Perun cluster (public GitHub file, code search index id 25253390827 (the index names no repository)), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(

    # job resources
    walltime="99:99:99",
    resource_spec="h_vmem=64G",
    queue='256G-batch',
    job_extra=['-cwd', '-V', '-pe threaded 10'],

    # worker resources
    cores=1,
    processes=1,
    memory="1GB",
)
