# source: a radar-data script at Fraunhofer HHI (public GitHub file, code search index id 42997372532 (the index names no repository)), read 2026-11-29
from dask_jobqueue import SGECluster

n_workers = 1
n_cores = 1
hostname = "wn-wks2.fe.hhi.de"
mem = "20G"  # Allocated memory is critical. For this example it must be at least 16GB
q = "wn-37.q"  # Check current queue status on https://hpc-management.fe.hhi.de/wn/phpqstat/

cluster = SGECluster(n_workers=n_workers, cores=n_cores, memory=mem,
                     resource_spec=f"h_vmem={mem}", host=hostname, queue=q,
                     job_extra=["-v MKL_NUM_THREADS=1,NUMEXPR_NUM_THREADS=1,OMP_NUM_THREADS=1"])
