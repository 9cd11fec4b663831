# source: https://github.com/ucsf-wynton/wynton-website-hpc docs/howto/jupyterhub.md, an earlier version (public GitHub file, code search index id 44384729636), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(queue='short.q',
                     cores=1,
                     memory='1GB',
                     walltime='00:10:00',
                     death_timeout=60,
                     local_directory="/wynton/scratch/$USER",
                     log_directory="~/dask_logs",
                     python="/wynton/group/jhadmin/base-clone/bin/python", # Python for Dask worker to use, visible to the grid nodes
                     scheduler_options={
                         'host': '172.26.28.50:40000' # Increment the port up from 40000 if it's taken. Needed for the Dask
                     })                               # workers to communicate back to the scheduler on the app server.
