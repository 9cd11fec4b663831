"""Checking many profiles at once, as ``check`` and CI do: paths and globs, bases, variants, a live cluster.

A file that others extend and that lacks a required value on its own is a
base (a site.toml with only ``[site]``), checked as a document only; every
other file is a profile, checked as ``render`` would check it.
"""

from __future__ import annotations

import functools
import glob
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from . import forked, schema
from .diagnostics import Diagnostic, sort_key
from .loader import FileProblem, base_of, one_pass, read_document, resolve
from .pipeline import Result, compile_file, document_findings

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


@attrs.frozen
class Checked:
    """One file's findings, worked out on its own; :func:`check_paths` merges them in the order of the files.

    Whether the file is only a base depends on the other files, so a file
    that could be one (``itself`` set) carries its findings both ways.
    """

    base: Path | None  # the file its `extends` names (as written where it was not read): resolved once for all
    itself: Path | None  # the file resolved, when on its own it lacks a required value
    as_base: tuple[Diagnostic, ...]  # its document findings, for when others extend it
    findings: tuple[Diagnostic, ...]  # as a profile (the variant asked for, if any)
    variants: tuple[tuple[str, tuple[Diagnostic, ...]], ...]  # with --all-variants: each variant's findings


def check_one(path: Path, variant: str | None, all_variants: bool, facts: Facts | None = None) -> Checked:
    """Every finding of one file, as a base and as a profile: what :func:`check_paths` needs of it."""
    alone = compile_file(path)
    itself = alone.loaded.documents[-1].path if could_be_a_base(alone) else None
    first = compile_file(path, variant) if variant else alone
    names = first.loaded.variant_names() if all_variants else ()
    return Checked(
        named_base(path, alone),
        itself,
        tuple(_as_base(path)) if itself else (),
        tuple(_findings(first, facts)),
        tuple((name, tuple(_findings(compile_file(path, name), facts))) for name in names),
    )


def named_base(path: Path, alone: Result) -> Path | None:
    """The file that ``path`` extends; None if it names none or cannot be read.

    ``alone`` is ``path`` compiled: where its chain was read, the base is the
    document before it (its path already resolved); where it was read under
    this very name (an absolute path without links), its document is the one
    reading it again would give.
    """
    documents = alone.loaded.documents
    if len(documents) > 1:
        return documents[-2].path
    try:
        return base_of(documents[-1] if documents and documents[-1].path == path else read_document(path))
    except FileProblem:  # the profile's own check reports it
        return None


def resolved(bases: Iterable[Path | None]) -> set[Path]:
    """The files others extend, resolved (each once: a group's profiles share one base)."""
    found = set()
    for base in {b for b in bases if b is not None}:
        try:
            found.add(resolve(base))
        except FileProblem:  # the check of the file that names it reports it
            continue
    return found


def could_be_a_base(alone: Result) -> bool:
    """Whether a file gets only the document rules if others extend it: on its own it lacks a required value.

    One that is complete is a profile too; one whose own ``extends`` is broken
    or goes round in a circle did not load, so that problem is reported.
    """
    loaded = alone.loaded
    if alone.plan is not None:  # it compiled, so it has every required value: most files, told at once
        return False
    return not loaded.diagnostics and bool(schema.unset_required(loaded.values))


def _as_base(path: Path) -> list[Diagnostic]:
    try:
        return list(document_findings(read_document(path)))
    except FileProblem as problem:
        return [problem.diagnostic]


def check_paths(
    paths: list[Path],
    variant: str | None = None,
    all_variants: bool = False,
    facts: Facts | None = None,
    workers: int = 1,
) -> list[Diagnostic]:
    """Every finding for these files, sorted; with ``facts``, also against that live cluster.

    With ``workers`` above 1 (and no live cluster, which is asked one file at
    a time), the files are shared among that many forked processes; the
    findings are merged in the order of the files, so the result is the same.
    """
    one = functools.partial(check_one, variant=variant, all_variants=all_variants, facts=facts)
    with one_pass():
        checked = forked.map_in_order(one, paths, 1 if facts else workers)
        bases = resolved(c.base for c in checked)
    found: set[Diagnostic] = set()
    for c in checked:
        if c.itself in bases:
            found.update(c.as_base)
            continue
        found.update(c.findings)
        for name, diagnostics in c.variants:
            found.update(_naming(name, diagnostics, found))
    return sorted(found, key=sort_key)


def _findings(result: Result, facts: Facts | None) -> Sequence[Diagnostic]:
    return _live(result, facts) if facts else result.diagnostics


def _naming(variant: str, diagnostics: Sequence[Diagnostic], known: set[Diagnostic]) -> list[Diagnostic]:
    """A variant's findings, those the profile itself does not have saying which variant (``--all-variants``)."""
    return [d if d in known else attrs.evolve(d, message=f"{d.message} (variant {variant})") for d in diagnostics]


def _live(result: Result, facts: Facts) -> list[Diagnostic]:
    from .livecheck import check_live  # asks qsub: only with --live

    return check_live(result, facts)
