"""Checking many profiles at once, as ``check`` and CI do: paths and globs, bases, variants, a live cluster.

A file that others extend and that lacks a required value on its own is a
base (a site.toml with only ``[site]``), checked as a document only; every
other file is a profile, checked as ``render`` would check it.
"""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from . import rules, schema
from .diagnostics import Diagnostic, sort_key
from .loader import FileProblem, base_of, read_document, resolve
from .pipeline import Result, compile_file
from .rules.catalogue import DOCUMENT

if TYPE_CHECKING:
    from .clusterfacts import Facts  # the live cluster: only with --live


class NoProfiles(Exception):
    """A pattern that names nothing to check: a check of nothing would pass CI."""


def expand(patterns: Sequence[str]) -> list[Path]:
    """Files, directories (every ``*.toml`` below) and globs, in a stable order."""
    found: list[Path] = []
    for pattern in patterns:
        matches = [Path(p) for p in sorted(glob.glob(pattern, recursive=True))] or [Path(pattern)]
        for path in matches:
            if path.is_dir():
                found += _profiles_below(path)
            elif path.exists() or path.is_symlink():  # a broken link or a loop: an SGE003 like in a folder
                found.append(path)
            else:
                raise NoProfiles(f"no such file or directory: {pattern}")
    return list(dict.fromkeys(found))


def _profiles_below(folder: Path) -> list[Path]:
    found = sorted(folder.rglob("*.toml"))  # a folder that cannot be read has none either
    if not found:
        raise NoProfiles(f"no profiles (*.toml files) in {folder}")
    return found


def bases_of(paths: list[Path]) -> set[Path]:
    """Files that other files in the set extend, resolved."""
    bases = set()
    for path in paths:
        try:
            base = base_of(read_document(path))
            if base:
                bases.add(resolve(base))
        except FileProblem:  # the profile's own check reports it
            continue
    return bases


def only_a_base(alone: Result, bases: set[Path]) -> bool:
    """Whether a file gets only the document rules: others extend it, and on its own it lacks a required value.

    One that is complete is a profile too; one whose own ``extends`` is broken
    or goes round in a circle did not load, so that problem is reported.
    """
    loaded = alone.loaded
    partial = not loaded.diagnostics and bool(schema.unset_required(loaded.values))
    return partial and loaded.documents[-1].path in bases  # the file itself, resolved by the loader


def _as_base(path: Path) -> list[Diagnostic]:
    try:
        document = read_document(path)
        return rules.run(DOCUMENT, document, document.locate)
    except FileProblem as problem:
        return [problem.diagnostic]


def check_paths(
    paths: list[Path], variant: str | None = None, all_variants: bool = False, facts: Facts | None = None
) -> list[Diagnostic]:
    """Every finding for these files, sorted; with ``facts``, also against that live cluster."""
    found: set[Diagnostic] = set()
    bases = bases_of(paths)
    for path in paths:
        alone = compile_file(path)
        if only_a_base(alone, bases):
            found.update(_as_base(path))
            continue
        first = compile_file(path, variant) if variant else alone
        found.update(_live(first, facts) if facts else first.diagnostics)
        for name in first.loaded.variant_names() if all_variants else ():
            result = compile_file(path, name)
            found.update(_naming(name, _live(result, facts) if facts else result.diagnostics, found))
    return sorted(found, key=sort_key)


def _naming(variant: str, diagnostics: Sequence[Diagnostic], known: set[Diagnostic]) -> list[Diagnostic]:
    """A variant's findings, those the profile itself does not have saying which variant (``--all-variants``)."""
    return [d if d in known else attrs.evolve(d, message=f"{d.message} (variant {variant})") for d in diagnostics]


def _live(result: Result, facts: Facts) -> list[Diagnostic]:
    from .livecheck import check_live  # asks qsub: only with --live

    return check_live(result, facts)
