# source: get_client of a Diamond Light Source XChem (PanDDA) script (public GitHub file, code search index id 48407398887 (the index names no repository)), read 2026-11-29
from dask_jobqueue import SGECluster

cluster = SGECluster(queue="medium.q",
                     project="labxchem",
                     cores=10,
                     processes=5,
                     memory="64GB",
                     resource_spec="m_mem_free=64G,redhat_release=rhel7",
                     python="/dls/science/groups/i04-1/conor_dev/ccp4/build/bin/cctbx.python",
                     walltime="03:00:00",
                     )
