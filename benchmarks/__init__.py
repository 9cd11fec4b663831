"""Benchmarks of sgecompile against dask-jobqueue and the machine's limits (see run.py)."""
