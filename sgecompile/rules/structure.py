"""SGE0xx: the shape of a profile file: known keys, right types, required values."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .. import schema
from ..loader import Document
from ..memoryresources import worker_memory_request
from ..models import default_processes
from ..tomlpos import Path as KeyPath
from ..tomltext import shown, toml_key, toml_value, type_name
from ..units import UnitError, format_dask_memory, parse_sge_memory
from . import Context, Finding


def _where_else(name: str) -> str | None:
    for section, keys in schema.SECTIONS.items():
        if any(k.name == name for k in keys):
            return f"{section}.{name}"
    return None


def _unknown(name: str, known: list[str], at: KeyPath, section: str | None) -> Finding:
    place = f"[{'.'.join(toml_key(str(part)) for part in at[:-1])}]" if section else "the top level"  # a variant's too
    other = _where_else(name)
    if other and (section is None or not other.startswith(section + ".")):
        return Finding(
            at,
            f"unknown key {name!r} in {place}",
            f"`{name}` belongs in [{other.split('.')[0]}]: write it as `{other}`.",
        )
    close = schema.suggest(name, known)
    return Finding(
        at,
        f"unknown key {name!r} in {place}",
        f"Did you mean `{close}`?" if close else f"Known keys here: {', '.join(known)}.",
    )


def unknown_key(doc: Document) -> Iterator[Finding]:
    """A key the profile format does not know.

    Why: an unknown key would be ignored, so a typo (`walltme`) silently drops a request.
    Use instead: the key the hint suggests (`walltime`); `sgecompile schema` lists them all.
    """
    for name in doc.data:
        if name not in schema.TOP_LEVEL and name not in schema.RENAMED:
            yield _unknown(name, list(schema.TOP_LEVEL), (name,), None)
    for path, section, table in _sections(doc.data):
        known = schema.BY_NAME[section]
        for name in table:
            if name not in known and name not in schema.RENAMED:
                yield _unknown(name, list(known), path + (name,), section)
    variants = doc.data.get("variants")
    for name, table in variants.items() if isinstance(variants, dict) else ():
        for key in table if isinstance(table, dict) else ():
            if key not in schema.SECTIONS:
                yield Finding(
                    ("variants", name, key),
                    f"unknown key {key!r} in [variants.{name}]",
                    "A variant holds `site`, `job` and `worker` tables only.",
                )


def _sections(data: dict[str, Any]) -> Iterator[tuple[KeyPath, str, dict[str, Any]]]:
    """Every site/job/worker table of a document, the variants' included."""
    for section in schema.SECTIONS:
        if isinstance(data.get(section), dict):
            yield (section,), section, data[section]
    variants = data.get("variants")
    for name, table in variants.items() if isinstance(variants, dict) else ():
        for section in schema.SECTIONS:
            if isinstance(table, dict) and isinstance(table.get(section), dict):
                yield ("variants", name, section), section, table[section]


def wrong_type(doc: Document) -> Iterator[Finding]:
    """A value of the wrong type, out of range, or not one of the allowed choices.

    Why: the compiler cannot guess what `cores = "ten"` or `memory_per = "node"` means.
    Use instead: `cores = 10` (the hint names the expected type).
    """
    for name in ("site", "job", "worker", "variants"):
        if name in doc.data and not isinstance(doc.data[name], dict):
            yield Finding((name,), f"`{name}` must be a table", f"Write it as a [{name}] table.")
    variants = doc.data.get("variants")
    for name, table in variants.items() if isinstance(variants, dict) else ():
        if not isinstance(table, dict):
            yield Finding(("variants", name), f"variant {name!r} must be a table", f"[variants.{name}]")
    for path, section, table in _sections(doc.data):
        keys = schema.BY_NAME[section]
        for name in table:
            if name in keys:  # an unknown key is SGE001's
                yield from _type_finding(path + (name,), section, keys[name], table)


def _type_finding(at: KeyPath, section: str, k: schema.Key, table: dict[str, Any]) -> Iterator[Finding]:
    label, value = f"{section}.{k.name}", table[k.name]
    if not schema.kind_matches(k.kind, value):
        yield Finding(
            at,
            f"{label} must be {schema.KIND_NAMES[k.kind]}, not {type_name(value)} {shown(value)}",
            f"{k.name} = {_example(k, value, table)}",
        )
    elif k.choices and k.kind == "str-table":  # each entry is one of the choices
        for name, entry in value.items():
            if entry not in k.choices:
                yield Finding(
                    at + (name,),
                    f"{label}.{name} must be one of {', '.join(map(toml_value, k.choices))}, not {shown(entry)}",
                    f'{name} = "{k.choices[0]}"',
                )
    elif k.choices and value not in k.choices:
        yield Finding(
            at,
            f"{label} must be one of {', '.join(map(toml_value, k.choices))}, not {shown(value)}",
            f'{k.name} = "{k.choices[0]}"',
        )
    elif k.kind == "int" and (bound := schema.out_of_range(k, value)):
        yield Finding(at, f"{label} must be {bound[0]}, not {value}", f"{k.name} = {bound[1]}")


def _example(k: schema.Key, value: Any = None, table: dict[str, Any] | None = None) -> str:
    """The value written as the key wants it, where it reads as one (`cores = 2.0` is `cores = 2`); else one that fits
    the rest of the table (processes for cores and back), else the default."""
    if k.kind == "int" and isinstance(value, float) and value.is_integer():
        return str(int(value))
    if k.kind == "int" and isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,9}\s*", value):
        return str(int(value))
    if k.kind == "bool" and isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower()
    if k.default is not None and schema.kind_matches(k.kind, k.default):
        return toml_value(k.default)
    fitting = _fitting(k.name, table or {})
    if fitting is not None:
        return fitting
    examples = {
        "int": "10",
        "bool": "true",
        "str": '"..."',
        "memory": '"64GB"',
        "walltime": '"12:00:00"',
        "str-list": '["..."]',
        "str-table": '{ mem_free = "8G" }',
    }
    return examples[k.kind]


def _fitting(name: str, worker: dict[str, Any]) -> str | None:
    """An example for cores, processes or memory drawn from the worker table's other values, as dask-jobqueue pairs them."""
    cores, processes = _whole(worker.get("cores")), _whole(worker.get("processes"))
    if name == "processes" and cores:
        return str(default_processes(cores))
    if name == "cores":
        return str(processes or 1)
    if name == "memory":
        return f'"{4 * (cores or 1)}GB"'  # 4 GB a core: a start to adjust to the work
    return None


def _whole(value: Any) -> int | None:
    """A positive whole number, or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def dask_jobqueue_name(doc: Document) -> Iterator[Finding]:
    """A dask-jobqueue keyword argument written into a profile.

    Why: profiles use their own names, grouped by what they configure; the old
    names (`job_extra`, `env_extra`, `header_skip`, `extra`, and their newer
    forms) would otherwise be silently ignored.
    Use instead: `directives = ["-V"]` (or `export_env = true`).
    """
    candidates: list[tuple[KeyPath, str]] = [((name,), name) for name in doc.data if name not in schema.TOP_LEVEL]
    for path, section, table in _sections(doc.data):
        known = schema.BY_NAME[section]
        candidates += [(path + (name,), name) for name in table if name not in known]
    for at, name in candidates:
        if name in schema.RENAMED:
            new = schema.RENAMED[name]
            deprecated = " (deprecated in dask-jobqueue too)" if name in schema.DEPRECATED_IN_DASK_JOBQUEUE else ""
            yield Finding(
                at,
                f"{name!r} is dask-jobqueue's name{deprecated}; profiles call it `{new}`",
                f"Move it to [{new.split('.')[0]}] as `{new.split('.')[1]}`.",
            )


def required_missing(ctx: Context) -> Iterator[Finding]:
    """A required key (`worker.cores`, `worker.memory`) set nowhere in the profile or its bases.

    Why: dask-jobqueue refuses to start without them, and there is no safe default for a shared cluster.
    Use instead: `memory = "16GB"` (the job's total, in dask units).
    """
    if ctx.loaded.diagnostics or not ctx.loaded.documents:
        return
    for section, k in schema.unset_required(ctx.loaded.values):
        table = ctx.loaded.values[section]
        requested = _requested_memory(ctx.loaded.values["job"]) if k.name == "memory" else None
        yield Finding(
            (section,),
            f"{section}.{k.name} is required and not set (SGECluster would have read it from"
            f" jobqueue.sge.{k.name} in ~/.config/dask/jobqueue.yaml)",
            f"[{section}] {k.name} = {requested or _example(k, None, table)}",
        )


def _requested_memory(job: dict[str, Any]) -> str | None:
    """worker.memory as the amount the job's own memory request asks SGE for (`h_vmem = "8G"`: "8GiB"), if it has one."""
    resources = job.get("resources")
    if not isinstance(resources, dict):
        return None
    name = worker_memory_request(list(resources))
    value = resources[name] if name else None
    try:
        amount = parse_sge_memory(value).bytes if isinstance(value, str | int) else None
    except UnitError:
        return None
    return f'"{format_dask_memory(amount)}" (the {name} the job requests)' if amount else None
