"""``sgecompile check PROFILE...``: the linter, for people and for CI."""

from __future__ import annotations

import argparse
import glob
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from .. import rules, schema
from ..diagnostics import Diagnostic, Severity, has_errors, sort_key
from ..loader import _FileProblem, base_of, read_document, resolve
from ..pipeline import Result, compile_file
from ..reporters import reporter, text
from ..rules.catalogue import DOCUMENT
from . import UsageError

if TYPE_CHECKING:
    from ..clusterfacts import Facts  # the live cluster: only with --live


def expand(patterns: list[str]) -> list[Path]:
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
                raise UsageError(f"no such file or directory: {pattern}")
    return list(dict.fromkeys(found))


def _profiles_below(folder: Path) -> list[Path]:
    """Every ``*.toml`` below ``folder``; none is a usage error, since a check of nothing would pass CI."""
    found = sorted(folder.rglob("*.toml"))  # a folder that cannot be read has none either
    if not found:
        raise UsageError(f"no profiles (*.toml files) in {folder}")
    return found


def bases_of(paths: list[Path]) -> set[Path]:
    """Files that other files in the set extend, resolved (see `only_a_base`)."""
    bases = set()
    for path in paths:
        try:
            base = base_of(read_document(path))
            if base:
                bases.add(resolve(base))
        except _FileProblem:  # the profile's own check reports it
            continue
    return bases


def only_a_base(alone: Result, bases: set[Path]) -> bool:
    """Whether a file gets only the document rules: others extend it, and on its own it lacks a required value.

    A base is often partial (a site.toml with only [site]) and would fail
    SGE006 as a profile. One that is complete is a profile too, checked as
    `render` would check it; one whose own `extends` is broken or goes round
    in a circle has no SGE006, so that problem is reported.
    """
    partial = not alone.loaded.diagnostics and bool(schema.unset_required(alone.loaded.values))  # chain loaded
    return partial and alone.loaded.documents[-1].path in bases  # the file itself, resolved by the loader


def check_base(path: Path) -> list[Diagnostic]:
    try:
        document = read_document(path)
        return rules.run(DOCUMENT, document, document.locate)
    except _FileProblem as problem:
        return [problem.diagnostic]


def check_paths(
    paths: list[Path], variant: str | None = None, all_variants: bool = False, facts: Facts | None = None
) -> list[Diagnostic]:
    """Every finding for these files; with ``facts``, also against that live cluster."""
    found: set[Diagnostic] = set()
    bases = bases_of(paths)
    for path in paths:
        alone = compile_file(path)
        if only_a_base(alone, bases):
            found.update(check_base(path))
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
    from ..livecheck import check_live  # asks qsub: only with --live

    return check_live(result, facts)


def _facts() -> Facts:
    from ..clusterfacts import read
    from ..sgecommands import SGEError

    try:
        return read()
    except SGEError as error:
        raise UsageError(f"--live cannot ask the cluster: {error}") from None


def run(args: argparse.Namespace) -> int:
    paths = expand(args.profiles)
    facts = _facts() if args.live else None
    diagnostics = check_paths(paths, args.variant, args.all_variants, facts)
    sys.stdout.write(reporter(args.format)(diagnostics))
    if args.format == "text":
        sys.stdout.write(text.summary(diagnostics, len(paths)) + "\n")
    failing = has_errors(diagnostics) or (args.strict and any(d.severity is Severity.WARNING for d in diagnostics))
    return 1 if failing else 0
