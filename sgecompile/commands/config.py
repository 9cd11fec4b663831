"""``sgecompile config PROFILE``: every effective value, and the file, line and layer that set it."""

from __future__ import annotations

import argparse
import sys

from .. import schema
from ..diagnostics import Severity, has_errors
from ..loader import site_base
from ..models import derived_worker_values
from ..pipeline import compile_file
from ..reporters import text
from ..tomltext import toml_value
from ._profile import existing


def run(args: argparse.Namespace) -> int:
    """The table of values, then the profile's errors and warnings: a value shown is not yet a value that works."""
    result = compile_file(existing(args.profile), args.variant)
    loaded = result.loaded
    if loaded.diagnostics:
        sys.stderr.write(text.report(list(loaded.diagnostics)))
        return 1
    rows = [("key", "value", "from")]
    for section, keys in schema.SECTIONS.items():
        for key in keys:
            value = loaded.values[section].get(key.name, key.default)
            origin = loaded.origins.get((section, key.name))
            where = f"{origin.location} ({origin.layer})" if origin else "default"
            if value is None and section == "worker":
                value, where = derived_worker_values(loaded.values["worker"]).get(key.name, (None, where))
            rows.append((f"{section}.{key.name}", "(none)" if value is None else toml_value(value), where))
    width = [max(len(r[i]) for r in rows) for i in (0, 1)]
    sys.stdout.write("".join(f"{k:<{width[0]}}  {v:<{width[1]}}  {w}\n" for k, v, w in rows))
    sys.stdout.write(f'\n`extends = "@site"` reads {site_base()}\n')
    sys.stderr.write(text.report([d for d in result.diagnostics if d.severity is not Severity.INFO]))
    return 1 if has_errors(result.diagnostics) else 0
