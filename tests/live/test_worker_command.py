"""A worker started through a wrapper (`worker.command`) on the real SGE: every word reaches it as one word."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from sgecompile import live

from .conftest import wait_until_gone
from .test_launch import FAST, profile_in

pytestmark = pytest.mark.sge


def test_a_wrapper_starts_the_workers(in_tmp: Path) -> None:
    """command = env "WRAPPED=a b; *" PYTHON -m distributed.cli.dask_worker: the worker runs, with that value."""
    words = ["env", "WRAPPED=a b; *", sys.executable, "-m", "distributed.cli.dask_worker"]
    profile = profile_in(in_tmp, "wrapped", worker=f"command = {json.dumps(words)}")
    with live.launch(profile, jobs=1, timeout=120, **FAST) as client:
        jobs = set(client.cluster.submitter.jobs)
        assert set(client.run(lambda: os.environ.get("WRAPPED")).values()) == {"a b; *"}
    assert not wait_until_gone(jobs)
