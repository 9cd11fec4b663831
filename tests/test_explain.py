"""`sgecompile explain`: the quantities a profile implies, and where each came from."""

import json
from collections.abc import Callable

import pytest

from sgecompile.explain import explain
from sgecompile.pipeline import Result, compile_file

from .conftest import PROFILES, ROOT


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # locations are shown relative to the working directory


def rows(path, variant=None):
    return {r.what: (r.value, r.source.text) for r in explain(compile_file(path, variant).plan)}


def test_perun_numbers_and_origins():
    got = rows(PROFILES / "perun.toml")
    assert got["pe slots"] == ("10 (-pe threaded 10)", "cores x task_cores")
    assert got["SGE h_vmem per slot"] == ("64G = 68,719,476,736 bytes (68.7 GB)", "profiles/perun.toml:16:24")
    assert got["SGE h_vmem per job"][0] == "640G = 687,194,767,360 bytes (687.2 GB)"
    assert got["walltime"] == ("362439 s = 100:40:39", "profiles/perun.toml:15:12")
    assert got["jobs"] == ("1", "default")
    assert got["threads per process"] == ("1", "cores / processes")


def test_variant_values_name_the_variant_and_derived_memory():
    got = rows(PROFILES / "example" / "analysis.toml", "big")
    assert got["threads per process"][0] == "4"
    assert got["memory per process"][0] == "32GB = 32,000,000,000 bytes"
    assert got["processes per job"][1].endswith("(variant big)")
    assert got["SGE h_vmem per slot"] == (
        "7854M = 8,235,515,904 bytes (8.2 GB)",
        "derived from worker.memory and its processes",
    )


def test_base_file_values_point_into_the_base():
    got = rows(PROFILES / "example" / "analysis.toml")
    assert got["queue"] == ("all.q", "profiles/example/site.toml:10:9")
    assert got["parallel environment"] == ("smp", "profiles/example/site.toml:5:6")
    assert got["walltime"] == ("43200 s = 12:00:00", "profiles/example/analysis.toml:8:12")


def test_memory_per_job_is_not_counted_per_slot(write):
    """memory_per = "job": the per-slot row says why it is empty, the per-job row has the request."""
    path = write("""
        [site]
        pe = "smp"
        memory_resource = "mem_free"
        memory_per = "job"
        [worker]
        cores = 4
        memory = "8GiB"
    """)
    got = rows(path)
    assert got["SGE mem_free per job"] == ("8G = 8,589,934,592 bytes (8.6 GB)", "derived from worker.memory")
    assert got["SGE mem_free per slot"] == ('not counted per slot: memory_per = "job"', "nothing asked")
    assert got["processes per job"] == ("4", "derived from cores, as dask-jobqueue does")


def test_cli_explain_refuses_a_broken_profile(write, cli):
    path = write("[worker]\ncores = 0\n")
    code, out, err = cli("explain", str(path))
    assert code == 1 and out == ""
    assert "not explaining" in err


def test_cli_explain_prints_the_table(cli):
    code, out, _ = cli("explain", str(PROFILES / "minimal.toml"))
    assert code == 0
    assert out.splitlines()[0].split() == ["what", "value", "from"]


@pytest.mark.parametrize(
    ("job", "walltime"),
    [
        ('walltime = "1:00:00"', ("3600 s = 1:00:00", "p.toml:5:12")),
        ('directives = ["-l h_rt=7200"]', ("7200 s = 2:00:00", "p.toml:5:15")),
        ('walltime = "1:00:00"\nskip = ["-l"]', ("none asked: the queue's h_rt applies", "p.toml:6:8")),
        ("", ("none asked: the queue's h_rt applies", "default")),
    ],
)
def test_explain_shows_what_the_header_asks(tmp_path, monkeypatch, job, walltime):
    """Memory and walltime rows follow the script: a -l in job.directives counts, a skipped -l is gone."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.toml").write_text(
        f'[site]\npe = "smp"\nmemory_resource = "h_vmem"\n[job]\n{job}\n[worker]\ncores = 2\nmemory = "2GiB"\n'
    )
    got = rows(tmp_path / "p.toml")
    assert got["walltime"] == walltime
    assert (got["SGE h_vmem per slot"][0] == "none asked") == ("skip" in job)


@pytest.mark.parametrize(
    ("text", "slots"),
    [
        ('[site]\npe = "smp"\n', ("8 (-pe smp 8)", "cores x task_cores")),
        ('[job]\ndirectives = ["-pe smp 8"]\n', ("8 (-pe smp 8)", "p.toml:2:15")),
        ('[site]\npe = "smp"\n[job]\nskip = ["-pe"]\n', ("no -pe: SGE reserves 1 slot", "nothing asked")),
    ],
)
def test_explain_shows_the_pe_the_header_has(tmp_path, monkeypatch, text, slots):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.toml").write_text(text + '[worker]\ncores = 8\nmemory = "8GiB"\n')
    assert rows(tmp_path / "p.toml")["pe slots"] == slots


def test_json_has_typed_values_and_their_sources(cli):
    """--format json: bytes, seconds and counts as integers, with the file, line and column that set them."""
    code, out, _ = cli("explain", "profiles/perun.toml", "--format", "json")
    got = json.loads(out)
    assert code == 0
    assert got["sge_memory_per_slot"]["value"] == 64 * 2**30 and got["sge_memory_per_slot"]["unit"] == "bytes"
    assert got["sge_memory_per_job"]["value"] == 640 * 2**30 and got["sge_memory_per_job"]["file"] is None
    assert (got["walltime"]["value"], got["walltime"]["unit"]) == (362439, "seconds")
    assert (got["pe_slots"]["value"], got["pe_slots"]["unit"]) == (10, "slots")
    assert (got["processes_per_job"]["value"], got["threads_per_process"]["value"]) == (1, 1)
    assert got["memory_per_process"]["value"] == 10**9
    assert [got["walltime"][k] for k in ("file", "line", "column")] == ["profiles/perun.toml", 15, 12]
    assert got["jobs"] == {
        "what": "jobs",
        "value": 1,
        "unit": "jobs",
        "text": "1",
        "from": "default",
        "file": None,
        "line": None,
        "column": None,
    }


def test_json_holds_the_rows_of_the_table(cli):
    """The table and the JSON are the same rows: labels, texts and sources in the same order."""
    table = cli("explain", "profiles/example/analysis.toml", "--variant", "big")[1].splitlines()[1:]
    got = json.loads(cli("explain", "profiles/example/analysis.toml", "--variant", "big", "--format", "json")[1])
    assert len(got) == len(table)
    for line, row in zip(table, got.values(), strict=True):
        assert line.split()[: len(row["what"].split())] == row["what"].split()
        assert f"  {row['text']}  " in line and line.endswith(row["from"])


NULLABLE = ("queue", "walltime", "pe", "pe_slots", "memory_resource", "sge_memory_per_slot", "sge_memory_per_job")


@pytest.mark.parametrize(
    "text",
    [
        '[worker]\ncores = 1\nmemory = "1GB"\n',
        '[site]\nmemory_resource = "h_vmem"\nmemory_per = "job"\n[worker]\ncores = 1\nmemory = "1GB"\n',
    ],
)
def test_json_says_null_where_nothing_is_asked(cli, write, text):
    """Every profile gets the same keys; no walltime, queue, pe or memory request is a null value, not a missing key."""
    got = json.loads(cli("explain", write(text), "--format", "json")[1])
    perun = json.loads(cli("explain", str(PROFILES / "perun.toml"), "--format", "json")[1])
    assert list(got) == list(perun)
    assert got["queue"]["value"] is None and got["queue"]["text"] == "the cluster's default"
    assert (got["walltime"]["value"], got["walltime"]["unit"]) == (None, "seconds")
    nulls = {"queue", "walltime", "pe", "pe_slots", "sge_memory_per_slot"} | (
        {"memory_resource", "sge_memory_per_job"} if "h_vmem" not in text else set()
    )
    assert {k for k in NULLABLE if got[k]["value"] is None} == nulls


def test_a_rounded_amount_is_never_shown_equal_to_exact_bytes(write):
    """5g on 2 slots is 10,000,000,000 bytes in all, which no whole number of M is: the bytes alone are shown."""
    path = write(
        '[site]\npe = "smp"\nmemory_resource = "h_vmem"\n[job]\nresources = { h_vmem = "5g" }\n'
        '[worker]\ncores = 2\nmemory = "8GB"\n'
    )
    got = rows(path)
    assert got["SGE h_vmem per slot"][0] == "5g = 5,000,000,000 bytes (5 GB)"
    assert got["SGE h_vmem per job"][0] == "10,000,000,000 bytes (10 GB)"


def test_jobs_option_counts_jobs_and_workers():
    """--jobs N replaces worker.jobs, says so, and multiplies the workers."""
    plan = compile_file(PROFILES / "example" / "analysis.toml").plan
    got = {r.name: r for r in explain(plan, jobs=5)}
    assert (got["jobs"].amount, got["jobs"].source.text) == (5, "--jobs")
    assert (got["workers"].amount, got["workers"].value) == (10, "10")


def test_worker_jobs_has_the_bound_jobs_has(write, cli):
    """worker.jobs above 1,000,000 is refused where it is written, as --jobs is on the command line."""
    code, out, _ = cli("check", write('[worker]\njobs = 1000001\ncores = 1\nmemory = "1GB"\n'), "--format", "json")
    found = json.loads(out)
    assert code == 1 and [(f["code"], f["line"]) for f in found] == [("SGE005", 2)]
    assert "at most 1000000" in found[0]["message"]


def test_the_queue_row_names_every_queue_the_header_asks(compiled: Callable[..., Result]) -> None:
    """A second -q adds a queue the job may run in: explain names both, and a -q of job.directives alone too."""
    both = compiled('[job]\nqueue = "a.q"\ndirectives = ["-q b.q"]\n[worker]\ncores = 1\nmemory = "1GB"\n')
    alone = compiled('[job]\ndirectives = ["-q b.q"]\n[worker]\ncores = 1\nmemory = "1GB"\n')
    for result, queues in ((both, "a.q,b.q"), (alone, "b.q")):
        assert result.plan is not None
        (row,) = [r for r in explain(result.plan) if r.name == "queue"]
        assert (row.value, row.amount) == (queues, queues)


def test_every_profile_gets_the_same_json_keys(compiled: Callable[..., Result]) -> None:
    """With task_memory or without it, the same rows: a program reading the JSON needs no key test."""
    from sgecompile.explain import as_json

    base = '[worker]\ncores = 2\nmemory = "4GB"\n'
    plans = [compiled(base).plan, compiled(base + 'task_memory = "1GB"\n').plan]
    assert all(plans)
    first, second = (set(as_json(explain(p))) for p in plans if p is not None)
    assert first == second and {"task_memory", "tasks_memory_per_job", "worker_resources"} <= first


def test_threads_per_job_are_those_the_workers_run(compiled: Callable[..., Result]) -> None:
    """3 processes of 4 cores run 1 thread each: 3 threads, not the 4 cores asked (SGE401 warns)."""
    plan = compiled('[worker]\ncores = 4\nprocesses = 3\nmemory = "3GB"\n').plan
    assert plan is not None
    (row,) = [r for r in explain(plan) if r.name == "threads_per_job"]
    assert (row.amount, row.source.text) == (3, "processes x threads per process, of 4 cores")


def test_memory_per_host_is_named_as_why_it_is_not_per_slot(compiled: Callable[..., Result]) -> None:
    """A HOST consumable under a -pe is counted once: the row says memory_per, not that there is no -pe."""
    plan = compiled(
        '[site]\nflavor = "uge"\npe = "smp"\nmemory_resource = "h_vmem"\nmemory_per = "host"\n'
        '[worker]\ncores = 4\nmemory = "8GB"\n'
    ).plan
    assert plan is not None
    (row,) = [r for r in explain(plan) if r.name == "sge_memory_per_slot"]
    assert row.value == 'not counted per slot: memory_per = "host"'
