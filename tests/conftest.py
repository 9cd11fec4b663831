"""Shared helpers: profiles written to a temporary folder, and the CLI called in-process."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import venv
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sgecompile.cli import main
from sgecompile.pipeline import Result, compile_file

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ROOT / "profiles"

BASE = """
[worker]
cores = 2
memory = "4GB"
"""


@pytest.fixture(scope="session", autouse=True)
def _template_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Compiled templates go to a folder of the test run, not the user's ~/.cache (subprocesses too)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project built as a wheel, once per test session."""
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)], check=True, capture_output=True
    )
    (built,) = dist.glob("sgecompile-*.whl")
    return built


@pytest.fixture(scope="session")
def plain_install(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed as `pip install sgecompile` would: no extras."""
    env = tmp_path_factory.mktemp("venv")
    venv.create(env, with_pip=True)
    subprocess.run([env / "bin" / "pip", "install", "-q", str(wheel)], check=True, capture_output=True)
    return env


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    """Write a profile (dedented) into the test's folder and return its path."""

    def _write(text: str, name: str = "profile.toml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return _write


@pytest.fixture
def compiled(write: Callable[..., Path]) -> Callable[..., Result]:
    """Compile profile text; ``variant`` picks a variant."""

    def _compiled(text: str, variant: str | None = None) -> Result:
        return compile_file(write(text), variant)

    return _compiled


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Run ``sgecompile ARGS`` in-process; returns (exit code, stdout, stderr)."""

    def _cli(*args: str) -> tuple[int, str, str]:
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err

    return _cli


class Terminal(io.StringIO):
    """A stdout that says it is a terminal, with an encoding of its own."""

    def __init__(self, encoding: str) -> None:
        super().__init__()
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding

    def isatty(self) -> bool:
        return True


@pytest.fixture
def utf8_terminal(monkeypatch: pytest.MonkeyPatch) -> Callable[[], Terminal]:
    """Make stdout a UTF-8 terminal in a UTF-8 locale, whatever the one running the tests; call it in the test.

    Not at setup: pytest's capturing sets ``sys.stdout`` again when the test starts.
    """

    def _terminal() -> Terminal:
        terminal = Terminal("utf-8")
        monkeypatch.setattr("sys.stdout", terminal)
        monkeypatch.setattr("sgecompile.commands.explain.start_environment", lambda: {"LANG": "C.UTF-8"})
        return terminal

    return _terminal
