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
import shlex
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from dask.utils import parse_bytes

from sgecompile.convert.exporting import to_keywords
from sgecompile.convert.importing import from_keywords, toml_text
from sgecompile.convert.reading import ImportProblem, keywords_in_python, keywords_in_yaml
from sgecompile.diagnostics import Severity
from sgecompile.pipeline import Result, compile_file
from sgecompile.rendering import render

from .test_convert_roundtrip import ours, requests, theirs

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


def read(name: str) -> dict[str, Any]:
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


VALUED_OPTIONS = (
    "--nthreads",
    "--nworkers",
    "--memory-limit",
    "--name",
    "--death-timeout",
    "--local-directory",
    "--interface",
)


def worker_call(script: str) -> tuple[dict[str, str], list[str]]:
    """The worker's options (the last of each, as `dask worker` takes them) and its other words, from the script's last line."""
    words = shlex.split(script.rstrip().splitlines()[-1])
    assert words[1:3] == ["-m", "distributed.cli.dask_worker"], words
    options, others, rest = {"python": words[0]}, [], words[4:]  # words[3]: the scheduler
    while rest:
        word = rest.pop(0)
        if word in VALUED_OPTIONS:
            options[word] = rest.pop(0)
        elif word in ("--nanny", "--no-nanny"):
            options["nanny"] = word
        else:
            others.append(word)
    return options, others


def prologue(script: str) -> list[str]:
    """The script's lines that are neither header nor worker command: what runs before the worker."""
    lines = [line for line in script.strip().splitlines()[:-1] if line.strip()]
    return [line for line in lines if not line.startswith("#")]


def same_job(first: str, second: str) -> None:
    """Two scripts ask SGE for the same, start the same worker (memory within dask-jobqueue's rounding), run the same prologue.

    As the README's differences allow: an option asked twice is written once,
    and a log folder given with its "/" gets no second one.
    """
    assert _folders(set(requests(first))) == _folders(set(requests(second)))
    (options, others), (their_options, their_others) = worker_call(first), worker_call(second)
    limit, their_limit = parse_bytes(options.pop("--memory-limit")), parse_bytes(their_options.pop("--memory-limit"))
    assert abs(limit - their_limit) <= 0.01 * their_limit
    assert options == their_options and others == their_others
    assert prologue(first) == prologue(second)


def _folders(found: set[Any]) -> set[Any]:
    return {(option, tuple(re.sub("/+$", "/", a) for a in args), scope) for option, args, scope in found}


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
def test_a_published_configuration_keeps_its_job(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Imported and rendered, it is dask-jobqueue's job; exported, dask-jobqueue writes it again; imported again, nothing changes."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(
        "os.makedirs", lambda *args, **kwargs: None
    )  # dask-jobqueue makes log folders such as /well/...
    first_line = (CORPUS / name).read_text(encoding="utf-8").splitlines()[0]
    assert re.match(r"# source: .+, read \d{4}-\d{2}-\d{2}", first_line), first_line
    kind, result = outcome(name, tmp_path)
    if result is None:
        return
    assert result.plan is not None
    exported = to_keywords(result.plan)
    same_job(ours(result), theirs(exported))
    again = tmp_path / "again.toml"
    again.write_text(toml_text(from_keywords(exported), "export"), encoding="utf-8")
    second = compile_file(again)
    assert second.plan is not None and render(second.plan) == render(result.plan)


def test_the_readme_table_counts_the_corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's table of published configurations is what this corpus gives today."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("os.makedirs", lambda *args, **kwargs: None)
    counts = Counter(outcome(name, tmp_path)[0] for name in CASES)
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    row = (
        f"| {len(CASES)} | {len(CASES) - counts['unreadable']} | {counts['rendered']} | {counts['rendered']} |"
        f" {counts['refused']} | {counts['unreadable']} |"
    )
    assert row in readme, row
