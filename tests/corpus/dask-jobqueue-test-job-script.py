# source: https://github.com/dask/dask-jobqueue/blob/49db60adfe1edf3f53f5cdf19ce63127a6fb0e3a/dask_jobqueue/tests/test_sge.py (test_job_script), read 2026-11-29; log_directory was the test's tmpdir, written here as "logs"
from dask_jobqueue import SGECluster

cluster = SGECluster(
    cores=6,
    processes=2,
    memory="12GB",
    queue="my-queue",
    project="my-project",
    walltime="02:00:00",
    job_script_prologue=["export MY_VAR=my_var"],
    job_script_epilogue=[
        'echo "Job finished"',
    ],
    job_extra_directives=["-w e", "-m e"],
    log_directory="logs",
    resource_spec="h_vmem=12G,mem_req=12G",
)
