# The Perun cluster's hand-written call, from the user notes this project started with.
from dask.distributed import Client
from dask_jobqueue import SGECluster

# configure the SGE cluster
cluster = SGECluster(
    # job resources
    walltime="99:99:99",
    resource_spec="h_vmem=64G",
    queue="256G-batch",
    job_extra=["-cwd", "-V", "-pe threaded 10"],
    # worker resources
    cores=1,
    processes=1,
    memory="1GB",
)
client = Client(cluster)
