"""``sgecompile import FILE``: a profile from a jobqueue.yaml or from an ``SGECluster(...)`` call."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import attrs

from ..convert.importing import from_keywords, toml_text
from ..convert.reading import ImportProblem, keywords_in_python, keywords_in_yaml
from ..diagnostics import Diagnostic
from ..files import one_of, write_atomic
from ..pipeline import compile_file
from ..reporters import text
from . import UsageError


def _findings_of_text(profile: str) -> list[Diagnostic]:
    """What check finds in a profile printed to stdout, located in `<imported>`."""
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "imported.toml"
        target.write_text(profile, encoding="utf-8")
        found = compile_file(target).diagnostics
    return [attrs.evolve(d, location=attrs.evolve(d.location, file="<imported>")) for d in found]


def run(args: argparse.Namespace) -> int:
    source = Path(args.file)
    if args.output and one_of(args.output, [source]):  # writing would replace the file being read
        raise UsageError(f"-o {args.output} is the file being imported ({source}); write the profile to another file")
    python = source.suffix == ".py"
    try:
        kwargs = keywords_in_python(source) if python else keywords_in_yaml(source, args.section)
    except ImportProblem as problem:
        raise UsageError(str(problem)) from None
    imported = from_keywords(kwargs, yaml=not python)
    profile = toml_text(imported, str(source))
    for note in imported.notes:
        sys.stderr.write(f"{source}: note: {note}\n")
    if args.output:
        write_atomic(args.output, profile)
        findings = list(compile_file(args.output).diagnostics)
    else:
        sys.stdout.write(profile)
        findings = _findings_of_text(profile)
    if findings:
        sys.stderr.write(f"What `sgecompile check` finds in the imported configuration:\n{text.report(list(findings))}")
    return 0
