"""TLS profiles: the worker flags render writes, the rules, import/export of security=, emit, and launch's certificates."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from sgecompile import vocabulary
from sgecompile.convert.exporting import ExportProblem, python_text, to_keywords, yaml_text
from sgecompile.convert.importing import from_keywords
from sgecompile.convert.reading import ImportProblem, SecurityCall, keywords_in_python
from sgecompile.live import ProfileError
from sgecompile.live.tls import certificates
from sgecompile.pipeline import Result
from sgecompile.plan import Plan
from sgecompile.rendering import render

WORKER = '[job]\nwalltime = 7200\n[worker]\ncores = 1\nmemory = "1GB"\n'
FILES = 'tls_ca_file = "{0}/ca.pem"\ntls_cert = "{0}/cert.pem"\ntls_key = "{0}/key.pem"\n'


def _plan(compiled: Callable[..., Result], text: str) -> Plan:
    result = compiled(text)
    assert result.plan is not None, result.diagnostics
    return result.plan


def _codes(result: Result) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for d in result.diagnostics:
        found.setdefault(d.code, []).append(d.message)
    return found


def test_render_shows_the_temporary_certificates_launch_writes(compiled: Callable[..., Result], tmp_path: Path) -> None:
    """security = true: tls:// to the scheduler and the three files in a folder of the shared directory."""
    script = render(_plan(compiled, f'[site]\nshared_directory = "{tmp_path}"\n' + WORKER + "security = true\n"))
    folder = f"{tmp_path}/sgecompile-tls-XXXXXXXX"
    assert " tls://SCHEDULER-ADDRESS:8786 " in script
    assert f"--tls-ca-file {folder}/ca.pem --tls-cert {folder}/cert.pem --tls-key {folder}/key.pem\n" in script


def test_render_shows_given_files_and_nothing_without_security(compiled: Callable[..., Result], tmp_path: Path) -> None:
    """Given files are the flags as written; without security = true no flag and tcp://."""
    with_files = render(_plan(compiled, WORKER + "security = true\n" + FILES.format("~/tls")))
    assert "--tls-ca-file ~/tls/ca.pem --tls-cert ~/tls/cert.pem --tls-key ~/tls/key.pem" in with_files
    plain = render(_plan(compiled, WORKER))
    assert "--tls" not in plain and " tcp://SCHEDULER-ADDRESS:8786 " in plain


@pytest.mark.parametrize(
    ("worker", "message"),
    [
        ("security = true\n", "site.shared_directory, where the workers would read them, is unset"),
        ('security = true\ntls_cert = "/c.pem"\n', "worker.tls_ca_file and worker.tls_key are unset"),
        ('security = true\ntls_cert = "/c.pem"\ntls_key = "/k.pem"\n', "worker.tls_ca_file is unset"),
    ],
)
def test_sge901_an_incomplete_tls_setup(worker: str, message: str, compiled: Callable[..., Result]) -> None:
    """No files and no shared folder, or some files but not all three: an error that names what is missing."""
    result = compiled(WORKER + worker)
    assert not result.ok and any(message in m for m in _codes(result)["SGE901"])


def test_sge902_files_and_folders_missing_here(
    compiled: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each missing file is a warning; an existing one, or one behind a variable unset here, is not."""
    (tmp_path / "ca.pem").write_text("x")
    monkeypatch.setenv("TLS_HOME", str(tmp_path))
    monkeypatch.delenv("NOT_SET_HERE", raising=False)
    result = compiled(WORKER + "security = true\n" + FILES.format("$TLS_HOME"))
    assert result.ok and len(_codes(result)["SGE902"]) == 2
    assert "SGE902" not in _codes(compiled(WORKER + "security = true\n" + FILES.format("$NOT_SET_HERE")))
    shared = compiled(f'[site]\nshared_directory = "{tmp_path}/gone"\n' + WORKER + "security = true\n")
    assert "is no folder on this host" in _codes(shared)["SGE902"][0]


def test_sge903_files_without_security(compiled: Callable[..., Result]) -> None:
    """Files given while security is not true: a warning, and the script speaks plain tcp://."""
    result = compiled(WORKER + FILES.format("/tls"))
    assert "worker.security is not true" in _codes(result)["SGE903"][0]


def test_every_security_field_is_one_of_the_three_file_keys() -> None:
    """The table maps each certificate field of distributed's Security to worker.tls_ca_file, tls_cert or tls_key."""
    assert set(vocabulary.SECURITY_FIELDS.values()) == {"worker.tls_ca_file", "worker.tls_cert", "worker.tls_key"}
    assert vocabulary.KEYWORDS["security"] == "worker.security"
    assert vocabulary.KEYWORDS["shared_temp_directory"] == "site.shared_directory"


def test_certificate_files_round_trip_through_python(compiled: Callable[..., Result], tmp_path: Path) -> None:
    """export writes security=Security(...) naming the files; import reads it back to the same three keys."""
    plan = _plan(compiled, WORKER + "security = true\n" + FILES.format("/tls"))
    source = tmp_path / "cluster.py"
    source.write_text(python_text(to_keywords(plan)))
    assert "from distributed.security import Security\n" in source.read_text()
    imported = from_keywords(keywords_in_python(source))
    wanted = {"security": True, "tls_ca_file": "/tls/ca.pem", "tls_cert": "/tls/cert.pem", "tls_key": "/tls/key.pem"}
    assert {k: imported.tables["worker"].get(k) for k in wanted} == wanted
    assert not [note for note in imported.notes if "security" in note or "tls" in note]  # the walltime's is another


def test_temporary_certificates_round_trip(compiled: Callable[..., Result]) -> None:
    """security=True and shared_temp_directory go out and come back as the two keys; YAML cannot hold security."""
    plan = _plan(compiled, '[site]\nshared_directory = "$HOME/tls"\n' + WORKER + "security = true\n")
    kwargs = to_keywords(plan)
    assert (kwargs["security"], kwargs["shared_temp_directory"]) == (True, "$HOME/tls")
    tables = from_keywords(kwargs).tables
    assert tables["worker"]["security"] is True and tables["site"]["shared_directory"] == "$HOME/tls"
    with pytest.raises(ExportProblem, match="not from jobqueue.yaml"):
        yaml_text(kwargs)


def test_import_notes_what_one_file_per_side_cannot_hold() -> None:
    """Another scheduler certificate than the workers' and a cipher list are noted; the workers' files win."""
    call = SecurityCall(
        (("tls_ca_file", "/ca"), ("tls_worker_cert", "/w"), ("tls_scheduler_cert", "/s"), ("tls_ciphers", "X"))
    )
    imported = from_keywords({"cores": 1, "memory": "1GB", "security": call})
    assert imported.tables["worker"]["tls_cert"] == "/w" and imported.tables["worker"]["tls_ca_file"] == "/ca"
    assert any("name different files" in n for n in imported.notes) and any("tls_ciphers" in n for n in imported.notes)


def test_export_refuses_a_file_dask_jobqueue_would_read_otherwise(compiled: Callable[..., Result]) -> None:
    """A ~/ path works in the job's shell but not in the scheduler's Security: no keywords reproduce it."""
    with pytest.raises(ExportProblem, match="only a plain path"):
        to_keywords(_plan(compiled, WORKER + "security = true\n" + FILES.format("~/tls")))


def test_import_refuses_a_security_call_it_cannot_read(tmp_path: Path) -> None:
    """Security(...) with a positional argument or a name is read no further, with the place."""
    source = tmp_path / "c.py"
    source.write_text("SGECluster(cores=1, security=Security(tls_ca_file=CA))\n")
    with pytest.raises(ImportProblem, match="c.py:1:30: a keyword of Security"):
        keywords_in_python(source)


def test_emit_gives_the_scheduler_and_the_workers_the_files(
    cli: Callable[..., tuple[int, str, str]], write: Callable[..., Path], tmp_path: Path
) -> None:
    """The scheduler job listens on tls with the files; the workers' flags are render's; temporary ones are refused."""
    profile = write(WORKER + "security = true\n" + FILES.format("/tls"))
    assert cli("emit", str(profile), "--out", str(tmp_path / "c"))[0] == 0
    flags = "--tls-ca-file /tls/ca.pem --tls-cert /tls/cert.pem --tls-key /tls/key.pem"
    assert f"--protocol tls {flags}\n" in (tmp_path / "c" / "scheduler.sh").read_text()
    assert f"{flags}\n" in (tmp_path / "c" / "workers.sh").read_text()
    temporary = write(f'[site]\nshared_directory = "{tmp_path}"\n' + WORKER + "security = true\n", "t.toml")
    code, _, err = cli("emit", str(temporary), "--out", str(tmp_path / "t"))
    assert code == 2 and "emit cannot make temporary TLS certificates" in err and len(err.strip().splitlines()) == 1


def test_launch_writes_the_certificates_render_showed(compiled: Callable[..., Result], tmp_path: Path) -> None:
    """A fresh folder (0700) of three files (0600) whose paths are render's with the placeholder filled; removed after."""
    plan = _plan(compiled, f'[site]\nshared_directory = "{tmp_path}"\n' + WORKER + "security = true\n")
    made = certificates(plan)
    assert made.folder is not None and made.security is not None
    suffix = made.folder.name.removeprefix("sgecompile-tls-")
    assert render(made.plan) == render(plan).replace("XXXXXXXX", suffix)
    assert stat.S_IMODE(made.folder.stat().st_mode) == 0o700
    assert {p.name: stat.S_IMODE(p.stat().st_mode) for p in made.folder.iterdir()} == dict.fromkeys(
        ("ca.pem", "cert.pem", "key.pem"), 0o600
    )
    assert made.security.tls_scheduler_cert == made.security.tls_client_cert == str(made.folder / "cert.pem")
    made.remove()
    assert not made.folder.exists()


def test_launch_refuses_missing_files_and_folders(compiled: Callable[..., Result], tmp_path: Path) -> None:
    """What SGE902 warns of, launch refuses in one line naming the key: it certainly fails there."""
    with pytest.raises(ProfileError, match=r"worker.tls_ca_file '/nowhere/ca.pem' is no file here"):
        certificates(_plan(compiled, WORKER + "security = true\n" + FILES.format("/nowhere")))
    with pytest.raises(ProfileError, match="site.shared_directory .* is no folder here"):
        certificates(_plan(compiled, f'[site]\nshared_directory = "{tmp_path}/gone"\n' + WORKER + "security = true\n"))
