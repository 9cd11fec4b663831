"""The tutorial's Python block runs on the test SGE and prints what the tutorial says."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from ..test_docs import TUTORIAL, python_blocks, run_console

pytestmark = pytest.mark.sge


def test_tutorial_workflow_runs(sge_cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_console(tmp_path)
    monkeypatch.chdir(tmp_path / "work")
    (block,) = python_blocks(TUTORIAL.read_text(encoding="utf-8"))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(block, str(TUTORIAL), "exec"), {"__name__": "tutorial"})
    assert printed.getvalue() == "9 ['aln1', 'aln2']\n"
