# source: https://github.com/laserkelvin/rotconML/blob/89f41fe83f59e9e702786e5b30c8107e8729ad99/scripts/pairwise_distance.py (Smithsonian Hydra queue lThC.q), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(cores=8, memory="16 GB", queue="lThC.q")
