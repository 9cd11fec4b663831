"""`worker.task_memory`: the memory of the tasks' own programs in the job's request, and dask resources that bound them."""

from __future__ import annotations

from sgecompile.diagnostics import Severity
from sgecompile.explain import as_json, explain
from sgecompile.rendering import render

PROFILE = """
[site]
pe = "threaded"
memory_resource = "mem_free"
memory_per = "job"
[worker]
cores = 4
processes = 2
memory = "2GB"
task_cores = 3
{extra}
"""


def test_resources_per_process_cover_its_threads(compiled):
    """Each of 2 processes of 2 threads gets cores = 2 x task_cores and memory = 2 x task_memory."""
    plan = compiled(PROFILE.format(extra='task_memory = "5GB"')).plan
    assert "--resources cores=6,memory=10000000000" in render(plan)


def test_each_task_takes_its_cores_and_memory(compiled):
    """A task of `run` asks its worker for task_cores and task_memory; without task_memory it asks nothing."""
    assert compiled(PROFILE.format(extra='task_memory = "5GB"')).plan.profile.worker.task_resources == {
        "cores": 3,
        "memory": 5 * 10**9,
    }
    assert compiled(PROFILE.format(extra="")).plan.profile.worker.task_resources == {}


def test_no_resources_without_task_memory(compiled):
    """Without task_memory the worker command is as before: the threads alone bound the tasks."""
    assert "--resources" not in render(compiled(PROFILE.format(extra="")).plan)


def test_memory_request_adds_task_memory_per_thread(compiled):
    """The derived mem_free is worker.memory plus task_memory for each of the 4 threads."""
    plan = compiled(PROFILE.format(extra='task_memory = "5GB"')).plan
    assert plan.job_needs == 2 * 10**9 + 4 * 5 * 10**9
    assert plan.job_needs <= plan.reservation.per_job < plan.job_needs + 2**20  # SGE's M rounds up


def test_written_limit_below_tasks_memory_is_an_error_with_the_numbers(compiled):
    """A written h_rss that holds worker.memory but not the tasks' programs is SGE301, naming both amounts."""
    text = (
        PROFILE.format(extra='task_memory = "5GB"').replace('"mem_free"', '"h_rss"')
        + '[job]\nresources = { h_rss = "4G" }\n'
    )
    (finding,) = [d for d in compiled(text).diagnostics if d.code == "SGE301"]
    assert finding.severity is Severity.ERROR
    assert "task_memory '5GB' x 4 threads for the tasks' own programs" in finding.message
    assert "less than 22 GB: worker.memory '2GB' (2 GB)" in finding.message


def test_written_reservation_below_tasks_memory_is_a_warning(compiled):
    """mem_free only picks the host: below the tasks' programs it is SGE304, a warning; nothing certainly fails."""
    text = PROFILE.format(extra='task_memory = "5GB"') + '[job]\nresources = { mem_free = "4G" }\n'
    codes = {d.code: d.severity for d in compiled(text).diagnostics if d.code in ("SGE301", "SGE304")}
    assert codes == {"SGE304": Severity.WARNING}


def test_explain_shows_the_arithmetic(compiled):
    """explain gives task memory per task and per job, and the resources each process gets."""
    got = as_json(explain(compiled(PROFILE.format(extra='task_memory = "5GB"')).plan))
    assert got["task_memory"]["value"] == 5 * 10**9
    assert got["tasks_memory_per_job"]["value"] == 20 * 10**9
    assert got["worker_resources"]["value"] == "cores=6,memory=10000000000"
    assert got["sge_memory_per_job"]["from"] == "derived from worker.memory, task_memory per thread"


def test_task_memory_not_in_dask_units_is_located(compiled):
    """A task_memory dask cannot read is an error naming worker.task_memory."""
    result = compiled(PROFILE.format(extra='task_memory = "lots"'))
    (finding,) = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert finding.message.startswith("worker.task_memory: ")
    assert finding.location.line == 10


def test_own_resources_beside_task_memory_are_sge408(compiled):
    """worker.extra_args giving --resources when task_memory sets them is an error: run's tasks would never start."""
    text = PROFILE.format(extra='task_memory = "5GB"\nextra_args = ["--resources", "GPU=1"]')
    (finding,) = [d for d in compiled(text).diagnostics if d.code == "SGE408"]
    assert "--resources" in finding.message and "worker.task_memory" in finding.hint
    assert not [
        d
        for d in compiled(PROFILE.format(extra='extra_args = ["--resources", "GPU=1"]')).diagnostics
        if d.code == "SGE408"
    ]
