"""TLS for a live cluster: the certificate files the workers read, and the same as a ``Security`` for the scheduler and client.

Given files are read where they are. For temporary certificates (no files
given), a folder of its own in ``site.shared_directory`` gets them, its name
the one ``render`` showed with ``TLS_PLACEHOLDER`` filled in; the cluster
removes it when it closes.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import cast

import attrs
from distributed.security import Security

from .. import vocabulary
from ..plan import TLS_FOLDER_PREFIX, TLS_PLACEHOLDER, Plan
from ..rules.security import local_path
from .compiled import ProfileError

FILE_NAMES = ("ca.pem", "cert.pem", "key.pem")  # the certificate authority, the certificate, its key
KEYS = ("worker.tls_ca_file", "worker.tls_cert", "worker.tls_key")


@attrs.frozen
class Certificates:
    """The plan whose worker command names the files, the ``Security`` made of them, and a folder to remove."""

    plan: Plan
    security: Security | None = None
    folder: Path | None = None  # temporary certificates: removed with the cluster

    def remove(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def certificates(plan: Plan) -> Certificates:
    """What the cluster of ``plan`` speaks TLS with; no ``Security`` when the profile asks for none."""
    files = plan.tls_files
    if files is None:
        return Certificates(plan)
    if TLS_PLACEHOLDER not in files[0]:
        return Certificates(
            plan, _security([_existing(plan, key, word) for key, word in zip(KEYS, files, strict=True)])
        )
    folder = _temporary_folder(plan)
    words = [word.replace(TLS_PLACEHOLDER, folder.name.removeprefix(TLS_FOLDER_PREFIX)) for word in files]
    worker = attrs.evolve(plan.profile.worker, tls_ca_file=words[0], tls_cert=words[1], tls_key=words[2])
    filled = Plan(attrs.evolve(plan.profile, worker=worker), plan.asked)
    return Certificates(filled, _security([folder / name for name in FILE_NAMES]), folder)


def _existing(plan: Plan, key: str, word: str) -> Path:
    """A given certificate file as this host reads it; a ProfileError when it is not there."""
    path = local_path(word)
    if path is None or not path.is_file():
        raise ProfileError(f"{plan.profile.source.file}: {key} {word!r} is no file here; nothing was submitted")
    return path


def _temporary_folder(plan: Plan) -> Path:
    """A fresh folder in site.shared_directory holding new temporary certificates, readable by the user alone."""
    shared = plan.profile.site.shared_directory or ""
    where = local_path(shared)
    if where is None or not where.is_dir():
        raise ProfileError(
            f"{plan.profile.source.file}: site.shared_directory {shared!r} is no folder here, and the temporary"
            " TLS certificates go there; nothing was submitted"
        )
    try:
        made = cast("Callable[[], Security]", Security.temporary)()
    except ImportError:
        raise ProfileError(
            "temporary TLS certificates need the `cryptography` package: pip install 'sgecompile[live]'"
        ) from None
    folder = Path(tempfile.mkdtemp(prefix=TLS_FOLDER_PREFIX, dir=where))  # mode 0700
    for name, field in zip(FILE_NAMES, ("tls_ca_file", "tls_worker_cert", "tls_worker_key"), strict=True):
        descriptor = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(str(getattr(made, field)))
    return folder


def _security(paths: list[Path]) -> Security:
    """One Security for every side, each field the file of the key the vocabulary table gives it."""
    by_key = dict(zip(KEYS, map(str, paths), strict=True))
    fields = {field: by_key[key] for field, key in vocabulary.SECURITY_FIELDS.items()}
    return cast("Callable[..., Security]", Security)(require_encryption=True, **fields)


def client_hint(security: Security) -> str:
    """How another Python connects: the Security a client needs, with the files it names."""
    named = ", ".join(
        f"{field}={getattr(security, field)!r}" for field in ("tls_ca_file", "tls_client_cert", "tls_client_key")
    )
    return f"Security({named}, require_encryption=True)"
