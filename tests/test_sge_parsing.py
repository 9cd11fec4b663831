"""Reading SGE's answers, without an SGE: job ids from qsub -terse, qconf configurations."""

import pytest

from sgecompile import clusterfacts, sgecommands


@pytest.mark.parametrize(
    ("output", "job"),
    [("123\n", "123"), ("warning: 3 queues disabled\n456\n", "456"), ("789.1-4:1\n", "789")],
)
def test_job_id_is_the_line_that_is_an_id(output, job):
    """dask-jobqueue takes the first number anywhere, so `3 queues disabled` would be job 3."""
    assert sgecommands.job_id(output) == job


def test_no_job_id_is_an_error_with_the_output():
    with pytest.raises(sgecommands.SGEError, match="Your job 3"):
        sgecommands.job_id('Your job 3 ("x") has been submitted\n')


def test_configuration_joins_continued_lines():
    text = "hostname vm\nload_values arch=lx-amd64,num_proc=2, \\\n            mem_total=24105.1M\nslots 1,[vm=16]\n"
    conf = clusterfacts.configuration(text)
    assert conf["load_values"] == "arch=lx-amd64,num_proc=2,mem_total=24105.1M"
    assert clusterfacts._per_host(conf["slots"]) == ["1", "16"]


@pytest.mark.parametrize(("value", "limit"), [("75000", 75000), ("0", None), ("", None), ("lots", None)])
def test_array_limits_of_the_global_configuration(value, limit):
    """max_aj_tasks 0 means no limit (sge_conf(5)); so does a value we cannot read."""
    assert clusterfacts._limit({"max_aj_tasks": value}, "max_aj_tasks") == limit
    assert clusterfacts._limit({}, "max_aj_tasks") is None


def test_load_memory_in_bytes():
    assert clusterfacts._load_memory("24105.5M") == int(24105.5 * 1024**2)
    assert clusterfacts._load_memory("-") is None


def test_missing_command_names_the_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(sgecommands.SGEError, match="settings.sh"):
        sgecommands.run(["qstat"])
