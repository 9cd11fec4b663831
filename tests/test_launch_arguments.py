"""Sizes and files `launch` and `up` are given, refused before anything is submitted (no SGE needed)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from sgecompile import live

from .conftest import PROFILES


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ({"jobs": -1}, "jobs= wants a whole number of at least 0, not -1"),
        ({"jobs": "2"}, "jobs= wants a whole number of at least 0, not '2'"),
        ({"workers": -3}, "workers= wants a whole number of at least 0, not -3"),
        ({"workers": True}, "workers= wants a whole number of at least 0, not True"),
        ({"adapt": (3, 1)}, "adapt= wants (minimum_jobs, maximum_jobs) with 0 <= minimum <= maximum, not (3, 1)"),
        ({"adapt": (-1, 2)}, "adapt= wants (minimum_jobs, maximum_jobs)"),
        ({"adapt": 4}, "adapt= wants (minimum_jobs, maximum_jobs)"),
    ],
)
def test_a_size_dask_would_fail_on_is_refused_first(size: dict[str, Any], message: str) -> None:
    """dask raised KeyError or TypeError from deep inside for these, or took adapt=(3, 1) silently."""
    with pytest.raises(ValueError, match=re.escape(message)), live.launch(PROFILES / "testsge.toml", **size):
        pass


def test_up_refuses_a_scheduler_file_in_a_missing_folder(cli, tmp_path) -> None:
    code, _, err = cli("up", str(PROFILES / "testsge.toml"), "--scheduler-file", str(tmp_path / "no" / "s.json"))
    assert code == 2 and "its folder does not exist" in err
