"""``sgecompile run``: a list of external programs on dask workers, with results kept for resuming.

``state`` keeps the ``--out`` folder, ``execute`` is what a worker runs for
one command, ``schedule`` feeds the commands to the cluster a window at a
time, ``progress`` shows how far it got.
"""
