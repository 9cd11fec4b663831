"""``sgecompile up PROFILE``: a scheduler and the profile's workers, until Ctrl-C, SIGTERM or a hangup."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from . import UsageError
from ._profile import existing


def adapt_range(text: str) -> tuple[int, int]:
    """``MIN:MAX`` jobs for adaptive scaling; a MAX of 0 would start no job and wait for ever."""
    low, sep, high = text.partition(":")
    if not (sep and low.isdigit() and high.isdigit()) or int(low) > int(high) or int(high) < 1:
        raise UsageError(f"--adapt wants MIN:MAX jobs with MIN <= MAX and MAX at least 1, e.g. 1:10, not {text!r}")
    return int(low), int(high)


def run(args: argparse.Namespace) -> int:
    from .. import live, sgecommands  # the only commands that need dask

    existing(args.profile)
    adapt = adapt_range(args.adapt) if args.adapt else None
    if args.scheduler_file and not Path(args.scheduler_file).resolve().parent.is_dir():
        raise UsageError(f"--scheduler-file {args.scheduler_file}: its folder does not exist")
    scheduler = {"scheduler_file": args.scheduler_file} if args.scheduler_file else {}
    _say_what_happens()
    try:
        with live.launch(
            args.profile, args.variant, jobs=args.jobs, adapt=adapt, timeout=args.timeout, scheduler_options=scheduler
        ) as client:
            workers = len(client.scheduler_info(n_workers=-1)["workers"])
            address = client.scheduler_info()["address"]
            print(f"scheduler: {address}", flush=True)
            print(f"dashboard: {client.dashboard_link}", flush=True)
            if address.startswith("tls://"):
                print(f"TLS: another client connects with {live.client_hint(client.security)}", flush=True)
            if args.scheduler_file:
                print(f"scheduler file: {args.scheduler_file}  (Client(scheduler_file=...) connects)", flush=True)
            print(
                f"{workers} workers connected; Ctrl-C, SIGTERM or a hangup stops them and removes their jobs",
                flush=True,
            )
            cluster = client.cluster
            assert isinstance(cluster, live.CompiledCluster)  # launch's client is always on one
            stopped = live.until_interrupted(lambda: cluster.keeper.stopped)
        sys.stderr.write(f"sgecompile: stopped: {stopped}; every job of this cluster was removed\n")
        return 1
    except KeyboardInterrupt:
        print("sgecompile: stopped; every job of this cluster was removed", file=sys.stderr)
        return 0
    except (live.ProfileError, live.LaunchTimeout, sgecommands.SGEError) as error:
        sys.stderr.write(f"sgecompile: {error}\n")
        return 1


def _say_what_happens() -> None:
    """Show sgecompile's log lines (a job replaced and why, qmaster away) on stderr as ``sgecompile: ...``."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("sgecompile: %(message)s"))
    logger = logging.getLogger("sgecompile")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
