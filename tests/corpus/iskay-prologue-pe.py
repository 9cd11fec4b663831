# source: iskay (patogallardo/iskay; public GitHub file, code search index id 12351378775), run_error_estimation_distributed, read 2026-11-29; '%i' % Ncores written out for Ncores = 8, and the commented-out last line left out
from dask_jobqueue import SGECluster

cluster = SGECluster(walltime='172800', processes=1, cores=1,
                     env_extra=['#$-pe sge_pe 8',
                                '-l m_core=8',
                                'mkdir -p /tmp/pag227/dask/dask-scratch',
                                'export NUMBA_NUM_THREADS=8',
                                'export OMP_NUM_THREADS=8'
                                ])
