# source: an emulator workflow (public GitHub file, code search index id 2018858690 (the index names no repository)), read 2026-11-29
import os

from dask_jobqueue import SGECluster

n_processes = 1
cluster = SGECluster(
    interface="ib0",
    walltime="01:00:00",
    memory=f"2 G",
    resource_spec=f"h_vmem=2G",
    scheduler_options={
        "dashboard_address": ":5757",
    },
    job_extra=[
        "-cwd",
        "-V",
        f"-pe smp {n_processes}",
        f"-l disk=1G",
    ],
    local_directory=os.sep.join([os.environ.get("PWD"), "dask-worker-space"]),
)
