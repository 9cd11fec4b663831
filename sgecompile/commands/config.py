"""``sgecompile config PROFILE``: every effective value, and the file, line and layer that set it."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .. import schema
from ..loader import load, site_base
from ..models import default_processes
from ..reporters import text
from ..tomltext import toml_value


def run(args: argparse.Namespace) -> int:
    loaded = load(args.profile, args.variant)
    if loaded.diagnostics:
        sys.stderr.write(text.report(list(loaded.diagnostics)))
        return 1
    rows = [("key", "value", "from")]
    for section, keys in schema.SECTIONS.items():
        for key in keys:
            value = loaded.values[section].get(key.name, key.default)
            origin = loaded.origins.get((section, key.name))
            where = f"{origin.location} ({origin.layer})" if origin else "default"
            if value is None:
                value, where = _derived(loaded.values, section, key.name) or (None, where)
            rows.append((f"{section}.{key.name}", "(none)" if value is None else toml_value(value), where))
    width = [max(len(r[i]) for r in rows) for i in (0, 1)]
    sys.stdout.write("".join(f"{k:<{width[0]}}  {v:<{width[1]}}  {w}\n" for k, v, w in rows))
    sys.stdout.write(f'\n`extends = "@site"` reads {site_base()}\n')
    return 0


def _derived(values: dict[str, dict[str, Any]], section: str, name: str) -> tuple[Any, str] | None:
    """The value an unset key takes from others, as the compiler works it out, and how."""
    if (section, name) == ("worker", "python"):
        return sys.executable, "the Python running sgecompile"
    cores = values["worker"].get("cores", 0)
    if (section, name) == ("worker", "processes") and schema.accepts(schema.key("worker", "cores"), cores):
        return default_processes(cores), "derived from worker.cores, as dask-jobqueue does"
    return None
