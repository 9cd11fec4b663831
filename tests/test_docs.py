"""The tutorial's console blocks run as written, and print what the tutorial shows."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT

TUTORIAL = ROOT / "docs" / "tutorial.md"


def console_steps(text: str) -> list[tuple[str, str]]:
    """(command, expected stdout) pairs from ```console blocks."""
    steps: list[tuple[str, str]] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.S):
        for line in block.splitlines(keepends=True):
            if line.startswith("$ "):
                steps.append((line[2:].rstrip("\n"), ""))
            else:
                steps[-1] = (steps[-1][0], steps[-1][1] + line)
    return steps


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def run_console(folder: Path) -> None:
    """Run every console step of the tutorial in ``folder`` (next to a link to docs/), checking stdout."""
    (folder / "work").mkdir()
    (folder / "docs").symlink_to(ROOT / "docs")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for command, expected in console_steps(TUTORIAL.read_text(encoding="utf-8")):
        done = subprocess.run(["bash", "-c", command], cwd=folder / "work", env=env, capture_output=True, text=True)
        assert done.stdout == expected, f"$ {command}\n{done.stderr}"


def test_tutorial_console_blocks(tmp_path: Path) -> None:
    run_console(tmp_path)
