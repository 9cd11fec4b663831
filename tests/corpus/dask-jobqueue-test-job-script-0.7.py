# source: dask/dask-jobqueue dask_jobqueue/tests/test_sge.py before the 0.8 renames (public GitHub file, code search index id 18945745619), read 2026-11-29; log_directory was the test's tmpdir, written here as "logs"
from dask_jobqueue import SGECluster

cluster = SGECluster(
    cores=6,
    processes=2,
    memory="12GB",
    queue="my-queue",
    project="my-project",
    walltime="02:00:00",
    env_extra=["export MY_VAR=my_var"],
    job_extra=["-w e", "-m e"],
    log_directory="logs",
    resource_spec="h_vmem=12G,mem_req=12G",
)
