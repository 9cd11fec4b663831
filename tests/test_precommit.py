"""The pre-commit hook runs `sgecompile check` the way pre-commit calls it: entry + file names."""

import re
import shlex

import yaml

from .conftest import ROOT


def hook():
    (only,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    return only


def test_hook_entry_checks_the_files_pre_commit_passes(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    program, *args = shlex.split(hook()["entry"])
    assert program == "sgecompile"
    profiles = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "profiles").rglob("*.toml"))]
    assert all(re.search(hook()["files"], p) for p in profiles)
    code, out, _ = cli(*args, *profiles)
    assert code == 0, out


def test_hook_ignores_project_files():
    assert not re.search(hook()["files"], "pyproject.toml")
