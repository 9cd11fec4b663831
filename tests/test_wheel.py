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


def test_wheel_ships_the_site_presets(plain_install: Path, tmp_path: Path) -> None:
    """`extends = "@sites/myriad"` and `sgecompile sites` work from an installed wheel, not only a checkout."""
    profile = tmp_path / "myriad-job.toml"
    profile.write_text('extends = "@sites/myriad"\n[worker]\ncores = 16\nmemory = "16GiB"\n', encoding="utf-8")
    command = plain_install / "bin" / "sgecompile"
    rendered = subprocess.run([command, "render", str(profile)], cwd=tmp_path, capture_output=True, text=True)
    assert rendered.returncode == 0 and "#$ -pe smp 16\n" in rendered.stdout and "#$ -l mem=1G\n" in rendered.stdout
    listed = subprocess.run([command, "sites"], cwd=tmp_path, capture_output=True, text=True)
    assert listed.returncode == 0 and "UCL Myriad" in listed.stdout and str(plain_install) in listed.stdout
