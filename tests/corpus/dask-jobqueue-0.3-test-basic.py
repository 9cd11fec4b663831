# source: dask/dask-jobqueue dask_jobqueue/tests/test_sge.py of an early release (public GitHub file, code search index id 6199201564), read 2026-11-29; loop=loop (the test's event loop) left out
from dask_jobqueue import SGECluster

cluster = SGECluster(walltime='00:02:00', cores=8, processes=4, memory='28GB')
