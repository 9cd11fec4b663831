# source: https://github.com/dask/dask-jobqueue/blob/49db60adfe1edf3f53f5cdf19ce63127a6fb0e3a/dask_jobqueue/tests/test_sge.py (test_complex_cancel_command), read 2026-11-29; loop=loop (the test's event loop) left out
from dask_jobqueue import SGECluster

cluster = SGECluster(walltime="00:02:00", cores=1, processes=1, memory="2GB")
