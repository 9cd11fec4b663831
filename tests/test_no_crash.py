"""No input ever crashes: random profiles (valid and broken) give diagnostics or a script bash accepts."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sgecompile import schema
from sgecompile.cli import main
from sgecompile.convert import importing
from sgecompile.diagnostics import Severity
from sgecompile.pipeline import compile_file
from sgecompile.rendering import render

EXAMPLES = int(os.environ.get("SGECOMPILE_FUZZ_EXAMPLES", "300"))

texts = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
memoryish = st.from_regex(
    r"((0x)?[0-9]{1,4}(\.[0-9])?|[0-9]{20,26}(e[0-9]{1,2})?) ?([kKmMgGtTpP]i?[bB]?)?", fullmatch=True
)
timeish = st.from_regex(r"-?[0-9]{1,3}(:[0-9]{1,3}){0,3}|[0-9]{1,3}[dhms]", fullmatch=True)
words = st.sampled_from(["h_vmem", "mem_free", "smp", "all.q", "slot", "job"])  # values sites really use
scalars = st.one_of(
    st.integers(-(2**64), 2**64), st.booleans(), texts, words, memoryish, timeish, st.floats(allow_nan=False)
)
directive = st.one_of(
    st.sampled_from(
        [
            "-cwd",
            "-m ea",
            "-pe smp 4",
            "-pe smp",
            "-l h_vmem=4G",
            "-q a.q",
            "-wd /x",
            "-e e/",
            "-b y",
            "-N x#y",
            "-soft -l a=1",
            "-hard",
        ]
    ),
    texts,
)
values = st.one_of(
    scalars,
    st.lists(st.one_of(directive, scalars), max_size=4),
    st.dictionaries(st.sampled_from(["h_vmem", "mem_free", "slots", "x"]), st.one_of(memoryish, scalars), max_size=3),
)


@st.composite
def profile_tables(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    for section, keys in schema.SECTIONS.items():
        names = [k.name for k in keys] + ["typo", "job_extra"]
        doc[section] = draw(st.dictionaries(st.sampled_from(names), values, max_size=6))
    if draw(st.booleans()):
        doc["variants"] = {
            "v": {
                "worker": draw(st.dictionaries(st.sampled_from(["cores", "memory", "processes"]), scalars, max_size=3))
            }
        }
    return doc


def to_toml(doc: dict[str, Any]) -> str:
    lines = []
    for section, table in doc.items():
        if section == "variants":
            for name, v in table.items():
                lines.append(f"[variants.{name}.worker]")
                lines += [f"{k} = {_value(x)}" for k, x in v["worker"].items()]
            continue
        lines.append(f"[{section}]")
        lines += [f"{k} = {_value(x)}" for k, x in table.items()]
    return "\n".join(lines) + "\n"


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int):
        return str(v) if abs(v) < 2**63 else json.dumps(str(v))
    if isinstance(v, float):
        return repr(v) if v == v and abs(v) != float("inf") else "0.0"
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, list):
        return "[" + ", ".join(map(_value, v)) + "]"
    return "{ " + ", ".join(f"{json.dumps(k)} = {_value(x)}" for k, x in v.items()) + " }"


def _cli(*args: str) -> tuple[int, str]:
    """Run the CLI in-process; returns the exit code and stderr."""
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, err.getvalue()


def _every_command(path: Path, variant: str | None) -> None:
    """check, render, explain (each format) and emit: documented exit codes, never an internal error."""
    with_variant = ["--variant", variant] if variant else []
    explains = (["explain"], ["explain", "--diagram"], ["explain", "--format", "json"])
    for command in (["check"], ["render"], *explains, ["emit", "--out", str(path.parent / "out")]):
        code, err = _cli(*command, str(path), *with_variant)
        assert code in (0, 1), (command, code, err)
        assert "internal error" not in err and "Traceback" not in err, err


def _invariants(path: Path, variant: str | None) -> None:
    _every_command(path, variant)
    result = compile_file(path, variant)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    for d in result.diagnostics:
        assert d.location.file and d.message and d.code.startswith("SGE")
    if result.ok:
        assert result.plan is not None
        subprocess.run(["bash", "-n"], input=render(result.plan), text=True, check=True)
    else:
        assert errors, "a profile that did not compile must say why"


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(doc=profile_tables(), variant=st.sampled_from([None, "v", "missing"]))
def test_random_profiles_never_crash(doc: dict[str, Any], variant: str | None, tmp_path: Path) -> None:
    """Any profile of known sections with random keys and values: diagnostics or a bash-valid script."""
    path = tmp_path / "p.toml"
    path.write_text(to_toml(doc), encoding="utf-8")
    _invariants(path, variant)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_random_bytes_never_crash(raw: bytes, tmp_path: Path) -> None:
    """Arbitrary bytes as a profile file: diagnostics, never an exception, and check exits 0, 1 or 2."""
    path = tmp_path / "p.toml"
    path.write_bytes(raw)
    _invariants(path, None)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    memory=st.one_of(memoryish, st.integers(-(2**63), 2**63 - 1)),
    request=st.tuples(st.sampled_from(["h_vmem", "mem_free"]), memoryish),
    per=st.sampled_from(["slot", "job"]),
    cores=st.integers(1, 64),
)
def test_memory_amounts_never_crash(
    memory: str | int, request: tuple[str, str], per: str, cores: int, tmp_path: Path
) -> None:
    """Any worker.memory and SGE request on a site that derives its request: both unit systems, to the script."""
    path = tmp_path / "p.toml"
    path.write_text(
        f'[site]\npe = "smp"\nmemory_resource = "h_vmem"\nmemory_per = "{per}"\n'
        f"[worker]\ncores = {cores}\nmemory = {_value(memory)}\n"
        f"[job]\nresources = {{ {request[0]} = {_value(request[1])} }}\n",
        encoding="utf-8",
    )
    _invariants(path, None)


VALID = {
    "site": {"pe": "threaded", "memory_resource": "h_vmem", "memory_per": "slot"},
    "job": {"queue": "all.q", "walltime": "1:00:00", "export_env": True, "directives": ["-m ea"]},
    "worker": {"cores": 4, "processes": 2, "memory": "8GiB", "task_cores": 2},
}


def test_the_profile_keys_are_changed_on_compiles_cleanly(tmp_path: Path) -> None:
    """Else the test below would stop at its diagnostics and never reach the plan."""
    path = tmp_path / "p.toml"
    path.write_text(to_toml(VALID), encoding="utf-8")
    result = compile_file(path)
    assert result.ok and not result.diagnostics, result.diagnostics


@st.composite
def one_key_changed(draw: st.DrawFn) -> dict[str, Any]:
    """A profile that compiles, with one to three keys set to random values: reaches the rules that need a plan."""
    doc = {section: dict(table) for section, table in VALID.items()}
    for _ in range(draw(st.integers(1, 3))):
        section = draw(st.sampled_from(sorted(schema.SECTIONS)))
        key = draw(st.sampled_from([k.name for k in schema.SECTIONS[section]]))
        doc[section][key] = draw(values)
    return doc


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=one_key_changed())
def test_a_valid_profile_with_keys_changed_never_crashes(doc: dict[str, Any], tmp_path: Path) -> None:
    """Random values one key at a time, where random profiles seldom get: past typing, into the plan and script."""
    path = tmp_path / "p.toml"
    path.write_text(to_toml(doc), encoding="utf-8")
    _invariants(path, None)


@st.composite
def extends_chains(draw: st.DrawFn) -> dict[str, str]:
    """A few files whose `extends` point at each other, at missing files, or nowhere: cycles included."""
    names = [f"f{i}.toml" for i in range(draw(st.integers(1, 4)))]
    files = {}
    for name in names:
        target = draw(
            st.one_of(st.none(), st.sampled_from([*names, "missing.toml", "../f0.toml", ""]), st.integers(0, 3))
        )
        head = "" if target is None else f"extends = {_value(target)}\n"
        body = draw(st.sampled_from(["", "[worker]\ncores = 2\n", '[worker]\nmemory = "2GB"\n', "[job]\n[job]\n"]))
        files[name] = head + body
    return files


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=extends_chains())
def test_extends_chains_never_crash(files: dict[str, str], tmp_path: Path) -> None:
    """Cycles, missing bases, bases of the wrong type: a located diagnostic, never an exception."""
    folder = tmp_path / "chain"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    _invariants(folder / "f0.toml", None)
    code, err = _cli("check", str(folder))
    assert code in (0, 1) and "internal error" not in err


# Every keyword import reads, as a call and as jobqueue.yaml spell them, and keys YAML may give that are no names.
IMPORTED = sorted({*importing.KEYWORDS, *importing.HANDLED, "n_workers", "nanny", "security", "name", "job_name"})
import_keys = st.sampled_from(IMPORTED + [k.replace("_", "-") for k in IMPORTED]) | st.integers(0, 3)
import_scalars = (
    scalars
    | st.none()
    | st.dates()
    | directive
    | st.sampled_from(["#!/bin/bash -l", "-j n", "2m", "--lifetime", "--lifetime-stagger", "3300s", "9" * 400 + "w"])
)
import_values = st.recursive(
    import_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts | st.integers(), inner, max_size=3),
    max_leaves=5,
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kwargs=st.dictionaries(import_keys, import_values, max_size=6), yaml=st.booleans())
def test_any_configuration_imports_to_a_profile_that_never_crashes(
    kwargs: dict[Any, Any], yaml: bool, tmp_path: Path
) -> None:
    """Whatever a call or a jobqueue.yaml section holds (wrong types, nulls, numbers as keys): import writes
    TOML, and every command on that profile gives diagnostics or a bash-valid script."""
    path = tmp_path / "imported.toml"
    path.write_text(importing.toml_text(importing.from_keywords(kwargs, yaml), "fuzz"), encoding="utf-8")
    _invariants(path, None)


WRONG_TYPES = {"array": '["h_vmem"]', "table": '{ h_vmem = "4G" }', "integer": "1", "boolean": "true"}


@pytest.mark.parametrize("wrong", sorted(WRONG_TYPES))
@pytest.mark.parametrize(
    ("section", "name"), [(section, k.name) for section, keys in schema.SECTIONS.items() for k in keys]
)
def test_every_key_of_a_wrong_type_is_reported_never_a_crash(
    section: str, name: str, wrong: str, tmp_path: Path
) -> None:
    """Each key given each TOML type, beside a worker.memory that SGE105 reads: a finding, never an internal error."""
    tables = {"site": {"pe": '"smp"'}, "job": {}, "worker": {"cores": "2", "memory": '"64G"'}}
    tables[section][name] = WRONG_TYPES[wrong]
    path = tmp_path / "p.toml"
    path.write_text("".join(f"[{s}]\n" + "".join(f"{k} = {v}\n" for k, v in t.items()) for s, t in tables.items()))
    _every_command(path, None)
