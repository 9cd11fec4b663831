"""To and from dask-jobqueue: ``reading`` its configuration, ``importing`` it as a profile, ``exporting`` a profile to it."""
