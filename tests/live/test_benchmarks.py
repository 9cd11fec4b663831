"""The benchmark runs in its short mode, so that it cannot rot; no timing is asserted."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT

pytestmark = pytest.mark.sge


def test_short_benchmark_runs(sge_cluster, tmp_path: Path) -> None:
    """python -m benchmarks --short writes every figure of every benchmark, each above zero."""
    out = tmp_path / "results.json"
    subprocess.run(
        [sys.executable, "-m", "benchmarks", "--short", "--json", str(out)], cwd=ROOT, check=True, capture_output=True
    )
    results = json.loads(out.read_text())
    assert set(results) == {
        "render_latency",
        "check_throughput",
        "launch_to_ready",
        "submission",
        "realized_parallelism",
        "run_command",
        "across_hosts",
        "beyond_walltime",
    }
    growth = results["run_command"].pop("bytes_per_command")  # 100 against 1000 commands: noise, either sign
    assert isinstance(growth, float)
    assert all(value > 0 for figures in results.values() for value in figures.values())
    assert set(results["check_throughput"]) == {  # the short run checks 100 of each kind, each against its floor
        f"{what}_100_{kind}_s" for what in ("check", "parse") for kind in ("small", "realistic")
    } | {"ratio_small", "ratio_realistic"}
