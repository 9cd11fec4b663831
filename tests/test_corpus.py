"""Published dask-jobqueue configurations (tests/corpus), each run through import, check, render and export.

Every rendered job is compared with dask-jobqueue's own ``job_script()`` for
the same configuration: the requests SGE reads, the worker's options and the
prologue. A render refused must name why SGE, or dask-jobqueue itself, would
refuse the configuration; a configuration import cannot read must fail with
the place named. The counts are the README's table.
"""

from __future__ import annotations

import inspect
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from sgecompile.convert.exporting import to_keywords
from sgecompile.convert.importing import from_keywords, toml_text
from sgecompile.convert.reading import ImportProblem, keywords_in_python, keywords_in_yaml
from sgecompile.diagnostics import Severity
from sgecompile.pipeline import Result, compile_file
from sgecompile.rendering import render

from .test_convert_roundtrip import ours, same_job, theirs

sge = pytest.importorskip("dask_jobqueue.sge")

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.suffix in (".py", ".yaml"))

# Configurations whose values only running their file gives, and what import says.
UNREADABLE = {
    "hhi-radar-variables.py": "n_workers= is not a literal value",
    "emulator-f-strings.py": "job_extra= is an f-string with a placeholder ({n_processes})",
    "tutorial-ellipsis-placeholders.py": "project=... is a placeholder to fill in",
}
# Configurations render refuses, with the findings that say why.
REFUSED = {
    "dask-jobqueue-docs-example-deployments.py": {"SGE006"},  # no cores: dask-jobqueue refuses to build it too
    "dask-jobqueue-default-jobqueue.yaml": {"SGE006"},  # no cores, no memory: likewise
    "blmm-dask-config-file.py": {"SGE006"},  # no cores: read from the user's own jobqueue.yaml
    "iskay-prologue-pe.py": {"SGE006"},  # no memory: likewise
    # h_rt=00:02: `qsub -w v` on the test SGE says 'attribute "h_rt" is not a time value'
    "dask-jobqueue-test-config-name.yaml": {"SGE201"},
}
_JOB_KEYWORDS = set(inspect.signature(sge.SGEJob.__init__).parameters) | set(
    inspect.signature(sge.Job.__init__).parameters
)


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in the test's folder, and keep dask-jobqueue from making the corpus's log folders (/well/...)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("os.makedirs", lambda *args, **kwargs: None)
    return tmp_path


def read(name: str) -> dict[str, Any]:
    """A case's configuration as keyword arguments."""
    path = CORPUS / name
    return keywords_in_python(path) if path.suffix == ".py" else keywords_in_yaml(path)


def job_keywords(kwargs: dict[str, Any], yaml: bool, notes: tuple[str, ...]) -> dict[str, Any]:
    """The keywords dask-jobqueue 0.9's job takes, as SGECluster passes them on (YAML's dashes, its `name` for the job).

    The cluster's own keywords (scheduler_options, n_workers, SGECluster's
    name) make no line of the job; a keyword dask-jobqueue does not know
    (spill_dir; job_script_epilogue, newer than 0.9) it refuses, or ignores in
    a jobqueue.yaml, so the job is compared without it, and import must have
    said it left it out, unless it is empty.
    """
    found = {}
    for raw, value in kwargs.items():
        name = raw.replace("-", "_")
        if yaml and name == "name":
            name = "job_name"
        if value is None or name in ("name", "scheduler", "config_name"):
            continue
        if name in _JOB_KEYWORDS:
            found[name] = value
        elif value not in ([], {}) and name not in inspect.signature(sge.SGECluster.__init__).parameters:
            assert any(n.startswith(f"{raw} = ") and "left out" in n for n in notes), (raw, notes)
    return found


def outcome(name: str, tmp_path: Path) -> tuple[str, Result | None]:
    """How far one case gets: 'unreadable', 'refused' or 'rendered', checked against dask-jobqueue on the way."""
    try:
        kwargs = read(name)
    except ImportProblem as problem:
        assert UNREADABLE[name] in str(problem)
        return "unreadable", None
    yaml = name.endswith(".yaml")
    imported = from_keywords(kwargs, yaml=yaml)
    path = tmp_path / "imported.toml"
    path.write_text(toml_text(imported, name), encoding="utf-8")
    result = compile_file(path)
    errors = {d.code for d in result.diagnostics if d.severity is Severity.ERROR}
    assert errors == REFUSED.get(name, set()), result.diagnostics
    job = job_keywords(kwargs, yaml, imported.notes)
    if errors:
        if errors == {"SGE006"}:
            with pytest.raises(ValueError, match="cores|memory"):
                theirs(job)
        return "refused", None
    same_job(ours(result), theirs(job))
    return "rendered", result


@pytest.mark.parametrize("name", CASES)
def test_a_published_configuration_keeps_its_job(name: str, in_tmp: Path) -> None:
    """Imported and rendered, it is dask-jobqueue's job; exported, dask-jobqueue writes it again; imported again, nothing changes."""
    first_line = (CORPUS / name).read_text(encoding="utf-8").splitlines()[0]
    assert re.match(r"# source: .+, read \d{4}-\d{2}-\d{2}", first_line), first_line
    _, result = outcome(name, in_tmp)
    if result is None:
        return
    assert result.plan is not None
    exported = to_keywords(result.plan)
    same_job(ours(result), theirs(job_keywords(exported, False, ())))
    again = in_tmp / "again.toml"
    again.write_text(toml_text(from_keywords(exported), "export"), encoding="utf-8")
    second = compile_file(again)
    assert second.plan is not None and render(second.plan) == render(result.plan)


def test_the_readme_table_counts_the_corpus(in_tmp: Path) -> None:
    """The README's table of published configurations is what this corpus gives today."""
    counts = Counter(outcome(name, in_tmp)[0] for name in CASES)
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    row = (
        f"| {len(CASES)} | {len(CASES) - counts['unreadable']} | {counts['rendered']} | {counts['rendered']} |"
        f" {counts['refused']} | {counts['unreadable']} |"
    )
    assert row in readme, row
