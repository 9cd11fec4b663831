# source: https://github.com/dask/dask-jobqueue/blob/49db60adfe1edf3f53f5cdf19ce63127a6fb0e3a/docs/source/clusters-example-deployments.rst (SGE Deployments), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(queue='default.q',
                     walltime="1500000",
                     processes=10,   # we request 10 processes per worker
                     memory='20GB',  # for memory requests, this must be specified
                     resource_spec='m_mem_free=20G',  # for memory requests, this also needs to be specified
                     )
