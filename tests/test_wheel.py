"""The built wheel works on its own: templates ship inside it and are found from there."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import PROFILES


def test_wheel_renders_from_a_fresh_virtual_environment(plain_install: Path, tmp_path: Path) -> None:
    """Install the wheel in a new venv, render Perun from another folder: same script as the checkout."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    installed = subprocess.run(
        [plain_install / "bin" / "sgecompile", "render", str(PROFILES / "perun.toml")],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )
    assert installed.returncode == 0, installed.stderr
    here = subprocess.run(
        [sys.executable, "-m", "sgecompile", "render", str(PROFILES / "perun.toml")],
        cwd=elsewhere,
        capture_output=True,
        text=True,
    )

    def interpreter_free(script: str) -> str:
        return script.replace(script.splitlines()[-1].split()[0], "PYTHON")

    assert interpreter_free(installed.stdout) == interpreter_free(here.stdout)
    found = subprocess.run(
        [
            plain_install / "bin" / "python",
            "-c",
            "from sgecompile.rendering import template_dirs; print(template_dirs()[0])",
        ],
        capture_output=True,
        text=True,
        cwd=elsewhere,
    )
    assert str(plain_install) in found.stdout
