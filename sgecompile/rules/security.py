"""SGE9xx: TLS between the scheduler, the workers and the client (`worker.security`)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from ..plan import Plan
from . import Finding

FILE_KEYS = ("tls_ca_file", "tls_cert", "tls_key")


def tls_incomplete(plan: Plan) -> Iterator[Finding]:
    """`worker.security = true` with some certificate files but not all three, or with none and no shared folder.

    Why: every side needs the certificate authority, a certificate and its
    key; without files, `launch` makes temporary ones, and the workers can
    read them only from a folder their hosts share with it.
    Use instead: all of `tls_ca_file`, `tls_cert` and `tls_key`, or none of
    them and `site.shared_directory`.
    """
    worker = plan.profile.worker
    if not worker.security:
        return
    given = [k for k in FILE_KEYS if getattr(worker, k)]
    if given and len(given) < len(FILE_KEYS):
        missing = [k for k in FILE_KEYS if k not in given]
        yield Finding(
            ("worker", given[0]),
            f"TLS needs three files, and worker.{' and worker.'.join(missing)} {'is' if len(missing) == 1 else 'are'} unset",
            "Give tls_ca_file, tls_cert and tls_key together, or none of them and site.shared_directory.",
        )
    elif not given and not plan.profile.site.shared_directory:
        yield Finding(
            ("worker", "security"),
            "security = true without certificate files makes temporary ones, and site.shared_directory,"
            " where the workers would read them, is unset",
            'Set [site] shared_directory = "~/.dask-tls" (a folder the compute hosts see), or give tls_ca_file, tls_cert and tls_key.',
        )


def tls_file_missing(plan: Plan) -> Iterator[Finding]:
    """A certificate file, or the shared folder for temporary ones, that does not exist on the host `check` runs on.

    Why: `launch` and `up` read the files (and write into the folder) where
    they run and refuse to start without them; `check` may run elsewhere, so
    it only warns. `$VAR` and `~/` are expanded as the job's shell would.
    Use instead: the path of a file (or folder) that exists on the login node and on every compute host.
    """
    worker, site = plan.profile.worker, plan.profile.site
    if not worker.security:
        return
    paths = [(("worker", k), getattr(worker, k), Path.is_file) for k in FILE_KEYS if getattr(worker, k)]
    if not paths and site.shared_directory:
        paths = [(("site", "shared_directory"), site.shared_directory, Path.is_dir)]
    for at, path, exists in paths:
        local = local_path(path)
        if local is not None and not exists(local):
            what = "folder" if exists is Path.is_dir else "file"
            yield Finding(
                at,
                f"{path!r} is no {what} on this host ({local}): launch and up refuse to start without it",
                f"Name a {what} that exists where launch runs and on every compute host.",
            )


def tls_files_unused(plan: Plan) -> Iterator[Finding]:
    """Certificate files given while `worker.security` is not true: they are not used.

    Why: without `security = true` the scheduler and the workers speak plain `tcp://`,
    and anyone who reaches the scheduler's port can run code as you.
    Use instead: `security = true` next to the files, or leave the files out.
    """
    worker = plan.profile.worker
    given = [k for k in FILE_KEYS if getattr(worker, k)]
    if given and not worker.security:
        yield Finding(
            ("worker", given[0]),
            f"worker.{given[0]} is set, but worker.security is not true: the cluster speaks plain tcp:// and uses no certificate",
            "security = true",
        )


def local_path(word: str) -> Path | None:
    """A path as the shell of this host reads it (``$VAR``, ``~/``); None when a variable is unset here."""
    expanded = os.path.expandvars(word)
    return None if "$" in expanded else Path(expanded).expanduser()
