"""TLS on the test SGE: the scheduler and the workers speak tls://, and a client without the certificate is refused."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import time
from pathlib import Path

import distributed
import pytest
from distributed.security import Security

from sgecompile import live

from ..conftest import PROFILES
from .conftest import start_up, wait_until_gone
from .test_launch import FAST

pytestmark = pytest.mark.sge
REFUSED_WITHIN = 15  # seconds: a refused client must not wait out dask's default connect timeout (30 s)


def _profile(folder: Path, site: str, worker: str) -> Path:
    path = folder / "tls.toml"
    path.write_text(
        f'extends = "{PROFILES / "testsge.toml"}"\n[site]\n{site}\n[job]\nname = "tls"\n[worker]\nsecurity = true\n{worker}\n'
    )
    return path


def _refused(address: str, security: str = "None") -> str:
    """A plain Python's client of ``address`` (``security``: an expression) fails, and soon; what it said."""
    code = f"import distributed\nfrom distributed.security import Security\ndistributed.Client({address!r}, security={security}, timeout=5)"
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and time.monotonic() - start < REFUSED_WITHIN, done.stderr
    return done.stderr.strip().splitlines()[-1]


def _certificate_files(folder: Path) -> str:
    """New certificate files in ``folder``, as the profile keys that name them."""
    made = Security.temporary()
    for name, field in (("ca.pem", "tls_ca_file"), ("cert.pem", "tls_worker_cert"), ("key.pem", "tls_worker_key")):
        (folder / name).write_text(getattr(made, field))
    return f'tls_ca_file = "{folder}/ca.pem"\ntls_cert = "{folder}/cert.pem"\ntls_key = "{folder}/key.pem"\n'


def test_temporary_certificates_in_the_shared_folder(in_tmp: Path) -> None:
    """security = true: tasks run over tls://, the job runs the flags render shows, strangers are refused, the files go."""
    shared = in_tmp / "shared"
    shared.mkdir()
    profile = _profile(in_tmp, f'shared_directory = "{shared}"', "")
    with live.launch(profile, jobs=1, timeout=120, **FAST) as client:
        address = client.scheduler.address
        assert address.startswith("tls://")
        assert client.submit(lambda x: x + 1, 1).result(timeout=60) == 2
        (folder,) = shared.iterdir()
        (script,) = set(client.run(lambda: Path(os.environ["JOB_SCRIPT"]).read_text()).values())
        assert f"--tls-ca-file {folder}/ca.pem --tls-cert {folder}/cert.pem --tls-key {folder}/key.pem" in script
        assert oct(folder.stat().st_mode & 0o777) == "0o700"
        assert "TLS" in _refused(address)  # no certificate at all: the client cannot even try
        _refused(address.replace("tls://", "tcp://"))  # plain TCP to the TLS port: the handshake fails
        _refused(address, "Security.temporary()")  # a certificate the cluster does not trust
    assert not folder.exists()


def test_given_certificate_files(in_tmp: Path) -> None:
    """tls_ca_file, tls_cert and tls_key: the scheduler, the workers and the handed-over client all use them."""
    keys = _certificate_files(in_tmp)
    with live.launch(_profile(in_tmp, "", keys), jobs=1, timeout=120, **FAST) as client:
        assert client.scheduler.address.startswith("tls://")
        assert client.gather(client.map(lambda x: x * x, range(10))) == [x * x for x in range(10)]
    assert (in_tmp / "ca.pem").exists()  # given files stay


def test_emitted_cluster_with_given_files(cli, in_tmp: Path) -> None:
    """emit of a profile with certificate files: the scheduler job listens on tls:// and its workers connect."""
    keys = _certificate_files(in_tmp)
    out = in_tmp / "cluster"
    assert cli("emit", str(_profile(in_tmp, "", keys)), "--out", str(out), "--jobs", "1")[0] == 0
    subprocess.run([str(out / "submit.sh")], capture_output=True, text=True, check=True)
    try:
        security = Security(
            tls_ca_file=str(in_tmp / "ca.pem"),
            tls_client_cert=str(in_tmp / "cert.pem"),
            tls_client_key=str(in_tmp / "key.pem"),
            require_encryption=True,
        )
        with distributed.Client(scheduler_file=str(out / "scheduler.json"), security=security, timeout=120) as client:
            assert client.scheduler.address.startswith("tls://")
            client.wait_for_workers(1, timeout=120)
            assert client.submit(lambda x: x + 1, 1).result(timeout=60) == 2
    finally:
        subprocess.run([str(out / "cancel.sh")], capture_output=True, check=True)
    assert not wait_until_gone(set((out / "job-ids").read_text().split()))


def test_up_prints_the_security_another_client_connects_with(in_tmp: Path) -> None:
    """`up` of a TLS profile says which Security connects; a client made from that line computes on the cluster."""
    shared = in_tmp / "shared"
    shared.mkdir()
    up = start_up(_profile(in_tmp, f'shared_directory = "{shared}"', ""))
    try:
        lines = [up.stdout.readline() for _ in range(4)]  # scheduler, dashboard, TLS, workers
        assert lines[-1].startswith("2 workers connected"), lines
        address = lines[0].split()[-1]
        (said,) = [line for line in lines if line.startswith("TLS: another client connects with ")]
        call = ast.parse(
            said.partition(" with ")[2], mode="eval"
        ).body  # the printed Security(...), as a user pastes it
        assert isinstance(call, ast.Call)
        security = Security(**{str(k.arg): ast.literal_eval(k.value) for k in call.keywords})
        with distributed.Client(address, security=security, timeout=30) as client:
            assert client.submit(lambda x: x + 1, 1).result(timeout=60) == 2
        up.terminate()
        assert up.wait(timeout=60) == 0
    finally:
        up.kill()
    assert list(shared.iterdir()) == []
