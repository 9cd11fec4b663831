# source: public GitHub file, code search index id 47664766960 (the index names no repository), make_client for cluster == 'paris' with no_nanny=True, read 2026-11-29; extra=extra is that branch's list, local_directory=os.path.join('/sequoia/data2', getpass.getuser(), 'dask') is written out for a user "me"
from dask_jobqueue import SGECluster

cluster = SGECluster(
    queue='gaia.q,chronos.q,titan.q,zeus.q',
    resource_spec='h_vmem=2000000M,mem_req=2000M',
    job_extra=['-pe serial 1'],
    env_extra=[
        'source /sequoia/data1/rstrudel/miniconda3/etc/profile.d/conda.sh',
        'conda activate bullet', 'export LANG=en_US.UTF-8',
        'export LC_ALL=en_US.UTF-8',
        'export PYTHONUNBUFFERED=non_empty'
    ],
    walltime='720:00:00',
    memory='4GB',
    extra=['--no-nanny', '--no-bokeh'],
    cores=1,
    local_directory='/sequoia/data2/me/dask')
