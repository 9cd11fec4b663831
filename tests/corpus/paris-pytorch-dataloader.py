# source: public GitHub file, code search index id 2972924192 (the index names no repository), init_cluster, read 2026-11-29; args.* written out with the script's argparse defaults (queue gaia.q,zeus.q,titan.q,chronos.q, mem_req 32, h_vmem 200000, ncpus 4, ngpus 1, no log_dir)
from dask_jobqueue import SGECluster

cluster = SGECluster(
    queue="gaia.q,zeus.q,titan.q,chronos.q",
    resource_spec="h_vmem=200000G,mem_req=32G",
    walltime="720:00:00",
    name="test_Dask_PytorchDataloader",
    cores=4,
    memory="32G",
    processes=1,
    interface="ib0",
    local_directory=".",
    env_extra=[
        "#$ -e /dev/null",
        "#$ -o /dev/null",
        "#$ -pe serial 1",
        "export LANG=en_US.UTF-8",
        "export LC_ALL=en_US.UTF-8",
        "export MKL_NUM_THREADS=1",
        "export NUMEXPR_NUM_THREADS=1",
        "export OMP_NUM_THREADS=1",
        "export DISABLE_MP_CACHE=1",
    ],
    spill_dir=".",
    extra=["--no-nanny"],
)
