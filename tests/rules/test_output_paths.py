"""SGE703: output paths whose folder SGE cannot find (checked against the test SGE: see the rule's docstring)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sgecompile.pipeline import Result

W = '[worker]\ncores = 1\nmemory = "1GB"\n[job]\nname = "run"\n'


@pytest.mark.parametrize(
    ("job", "problem"),
    [
        ('log_directory = "$SCRATCH/logs"', "SGE does not expand $SCRATCH here"),
        ('log_directory = "$TMPDIR"', "SGE does not expand $TMPDIR here"),
        ('log_directory = "${HOME}/logs"', "SGE expands `$NAME` here, not `${NAME}`"),
        ('log_directory = "logs/$JOB_ID"', "the folder is named after $JOB_ID"),
        ('log_directory = "/scratch/$HOSTNAME/logs"', "the folder is named after $HOSTNAME"),
        (
            'directives = ["-o host1:/x/$TASK_ID/,host2:/y/"]',
            "-o host1:/x/$TASK_ID/: the folder is named after $TASK_ID",
        ),
    ],
)
def test_a_folder_sge_cannot_find_is_an_error(compiled: Callable[..., Result], job: str, problem: str) -> None:
    found = [d for d in compiled(W + job + "\n").diagnostics if d.code == "SGE703"]
    assert len(found) == 1 and problem in found[0].message, found


@pytest.mark.parametrize(
    "job",
    [
        'log_directory = "$HOME/sge-logs/$JOB_NAME"',
        'log_directory = "~/logs/$USER"',
        'log_directory = "/scratch/logs"',
        'directives = ["-o logs/$JOB_NAME.$JOB_ID.out"]',  # a file named after the job, in a folder that exists
    ],
)
def test_paths_sge_expands_before_the_job_runs_pass(compiled: Callable[..., Result], job: str) -> None:
    assert "SGE703" not in {d.code for d in compiled(W + job + "\n").diagnostics}


def test_the_folder_to_make_has_the_job_name_filled_in(compiled: Callable[..., Result]) -> None:
    """emit and launch make it before submitting; $HOME is theirs to expand."""
    plan = compiled(W + 'log_directory = "$HOME/sge-logs/$JOB_NAME"\n').plan
    assert plan is not None and plan.log_folder == "$HOME/sge-logs/run"
