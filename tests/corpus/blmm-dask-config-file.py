# source: BLMM (TomMaullin/BLMM; public GitHub file, code search index id 30102801769), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(memory="20Gb") # assumees dask configuration file
