"""The text, json and github outputs of `check` for a few profiles, compared with golden files.

After a deliberate change to the output, regenerate them with
``SGECOMPILE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py`` and review the diff.
"""

import os

import pytest

from .conftest import ROOT

GOLDEN = ROOT / "tests" / "golden"
PROFILES = ["profiles/perun.toml", "tests/golden/broken.toml", "profiles/minimal.toml"]
FORMATS = {"text": "txt", "json": "json", "github": "github"}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("profile", PROFILES)
def test_output_matches_golden(cli, monkeypatch, profile, fmt):
    monkeypatch.chdir(ROOT)  # paths in the output are relative to the working directory
    code, out, err = cli("check", profile, "--format", fmt)
    expected = GOLDEN / f"{profile.replace('/', '_').removesuffix('.toml')}.{FORMATS[fmt]}"
    if os.environ.get("SGECOMPILE_UPDATE_GOLDEN"):
        expected.write_text(f"exit {code}\n{out}", encoding="utf-8")
    assert f"exit {code}\n{out}" == expected.read_text(encoding="utf-8")
    assert err == ""
