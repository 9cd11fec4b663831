"""One place for a site's defaults (`extends = "@site"`), and `sgecompile config` showing where values came from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sgecompile.pipeline import compile_file

from .conftest import PROFILES, ROOT

PROFILE = 'extends = "@site"\n[worker]\ncores = 2\nmemory = "4GB"\n'


def test_site_base_from_the_environment(write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "cluster-site.toml"
    site.write_text('[site]\npe = "threaded"\n[job]\nqueue = "all.q"\nwalltime = "1:00:00"\n')
    monkeypatch.setenv("SGECOMPILE_SITE", str(site))
    result = compile_file(write(PROFILE))
    assert result.ok and result.plan is not None
    assert {d.text for d in result.plan.directives} >= {"-pe threaded 2", "-q all.q"}


def test_site_base_from_xdg_config(write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SGECOMPILE_SITE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    (tmp_path / "config" / "sgecompile").mkdir(parents=True)
    (tmp_path / "config" / "sgecompile" / "site.toml").write_text('[job]\nqueue = "long.q"\n')
    result = compile_file(write(PROFILE))
    assert result.plan is not None and any(d.text == "-q long.q" for d in result.plan.directives)


@pytest.mark.parametrize("relative", [False, True])
def test_missing_site_base_says_where_it_looked(
    write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, relative: bool
) -> None:
    """A relative $SGECOMPILE_SITE is read from the working directory, and the hint says where it comes from."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SGECOMPILE_SITE", "nowhere.toml" if relative else str(tmp_path / "nowhere.toml"))
    (found,) = [d for d in compile_file(write(PROFILE)).diagnostics if d.code == "SGE003"]
    assert "nowhere.toml" in found.message and "$SGECOMPILE_SITE" in (found.hint or "")
    assert found.location.line == 1


def test_a_relative_xdg_config_home_is_ignored(write, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As the XDG base directory spec says: then ~/.config is used."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SGECOMPILE_SITE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", "config")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "config" / "sgecompile").mkdir(parents=True)
    (tmp_path / "config" / "sgecompile" / "site.toml").write_text('[job]\nqueue = "long.q"\n')
    (found,) = [d for d in compile_file(write(PROFILE)).diagnostics if d.code == "SGE003"]
    assert "cannot read home/.config/sgecompile/site.toml" in found.message  # shown relative to the working directory


def test_config_shows_every_key_and_its_origin(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code, out, _ = cli("config", str(PROFILES / "example" / "analysis.toml"), "--variant", "big")
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert code == 0
    assert rows["site.pe"].endswith("profiles/example/site.toml:5:6 (base)")
    assert rows["job.walltime"].endswith("(variant big)") and '"1d12h"' in rows["job.walltime"]
    assert rows["site.shell"].endswith("default")
    assert len([r for r in rows if "." in r and not r.startswith("`")]) >= 26


def test_config_shows_values_derived_from_others(cli, write) -> None:
    """Unset processes and python are not "(none)": the compiler derives them, and config says how."""
    code, out, _ = cli("config", str(write('[worker]\ncores = 16\nmemory = "8GB"\n')))
    rows = {line.split()[0]: line.split(maxsplit=2)[1:] for line in out.splitlines() if line.strip()}
    assert code == 0 and rows["worker.processes"] == ["4", "derived from worker.cores, as dask-jobqueue does"]
    assert rows["worker.python"][1] == "the Python running sgecompile"


def test_config_of_a_broken_file(cli, write) -> None:
    code, out, err = cli("config", str(write("[job\n")))
    assert code == 1 and "SGE002" in err and out == ""


def test_config_of_a_profile_with_errors_shows_the_values_and_the_errors(cli, write) -> None:
    """A misspelt key leaves its default in the table; the error says so, and the exit code fails a script."""
    code, out, err = cli("config", str(write('[job]\nwaltime = "1:00:00"\n[worker]\ncores = "ten"\nmemory = "4GB"\n')))
    assert code == 1 and "job.walltime" in out and re.search(r"^worker\.cores +\"ten\"", out, re.M)
    assert "error[SGE001]: unknown key 'waltime' in [job]" in err and "error[SGE005]" in err


@pytest.mark.parametrize("command", ["config", "render", "explain", "export", "emit", "up"])
def test_a_profile_that_cannot_be_read_is_a_usage_error(cli, tmp_path: Path, command: str) -> None:
    """As for `check`: exit 2, unlike a base that `extends` names, which is a finding of the profile (exit 1)."""
    out = ["--out", str(tmp_path / "out")] if command == "emit" else []
    code, _, err = cli(command, str(tmp_path / "nosuch.toml"), *out)
    assert code == 2 and err == f"sgecompile: no such file or directory: {tmp_path / 'nosuch.toml'}\n"
    (tmp_path / "p.toml").write_text('extends = "nosuch.toml"\n')
    code, _, err = cli(command, str(tmp_path / "p.toml"), *out)
    assert code == 1 and "error[SGE003]" in err


def test_config_shows_values_as_toml_dates_and_tables_included(cli, write) -> None:
    """Values appear as they are written in TOML: a date is no JSON value, and must not end in an error."""
    profile = write('[job]\nname = 1979-05-27\nresources = { arch = "x" }\n[worker]\ncores = 1.5\n')
    code, out, err = cli("config", str(profile))
    rows = {line.split()[0]: line for line in out.splitlines() if line.strip()}
    assert code == 1 and "SGE005" in err  # none of the three is a value of its key
    assert " 1979-05-27 " in rows["job.name"] and '{ "arch" = "x" }' in rows["job.resources"]
    assert " 1.5 " in rows["worker.cores"]
