"""``sgecompile sites``: the shipped base profiles of real clusters, for ``extends = "@sites/NAME"``."""

from __future__ import annotations

import argparse
import sys

from ..loader import display_path
from ..presets import FOLDER, PREFIX, presets


def run(args: argparse.Namespace) -> int:
    """One aligned row per preset (name, cluster, summary), then how to use one and where the sources are."""
    del args
    rows = [("name", "cluster", "summary")] + [(p.name, p.cluster, p.summary) for p in presets()]
    width = [max(len(r[i]) for r in rows) for i in (0, 1)]
    sys.stdout.write("".join(f"{n:<{width[0]}}  {c:<{width[1]}}  {s}\n" for n, c, s in rows))
    sys.stdout.write(
        f'\nA profile uses one with `extends = "{PREFIX}NAME"`; each file names the pages its facts come from\n'
        f"and the date they were read ({display_path(FOLDER)}). Where the site's documentation says otherwise, it wins.\n"
    )
    return 0
