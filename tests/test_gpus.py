"""GPUs: `worker.gpus` requested through `site.gpu_resource`, counted per slot or once as `site.gpu_per` says."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from sgecompile.convert.exporting import to_keywords
from sgecompile.explain import as_json, explain
from sgecompile.pipeline import Result

from .test_convert_roundtrip import ours, requests, theirs


def _profile(cores: int, site: str = "", worker: str = "", job: str = "") -> str:
    return (
        f'[site]\npe = "smp"\ngpu_resource = "gpu"\n{site}\n[job]\nwalltime = 3600\n{job}\n'
        f'[worker]\ncores = {cores}\nmemory = "8GB"\n{worker}\n'
    )


def _gpu_lines(result: Result) -> list[str]:
    assert result.plan is not None, result.diagnostics
    return [d.text for d in result.plan.directives if d.option == "-l" and d.resource == "gpu"]


def _codes(result: Result) -> set[str]:
    return {d.code for d in result.diagnostics}


def test_counted_once_the_request_is_the_count(compiled: Callable[..., Result]) -> None:
    """gpu_per = "job": 2 GPUs on 8 slots is `-l gpu=2`, and nothing to say."""
    result = compiled(_profile(8, site='gpu_per = "job"', worker="gpus = 2"))
    assert _gpu_lines(result) == ["-l gpu=2"] and "SGE409" not in _codes(result)


def test_counted_per_slot_the_request_is_the_share_of_a_slot(compiled: Callable[..., Result]) -> None:
    """Per slot (the default), 4 GPUs on 4 slots is `-l gpu=1`: SGE multiplies it back to 4."""
    result = compiled(_profile(4, worker="gpus = 4"))
    assert _gpu_lines(result) == ["-l gpu=1"] and "SGE409" not in _codes(result)


def test_the_classic_trap_is_warned_with_the_numbers(compiled: Callable[..., Result]) -> None:
    """1 GPU on 8 slots per slot: no whole share, so gpu=1 x 8 = 8 GPUs, said with the numbers."""
    result = compiled(_profile(8, worker="gpus = 1"))
    assert _gpu_lines(result) == ["-l gpu=1"]
    (found,) = [d for d in result.diagnostics if d.code == "SGE409"]
    assert found.message == "SGE reserves gpu=1 per slot x 8 slots = 8 GPUs, where worker.gpus asks for 1"
    assert found.severity.value == "warning"


def test_a_written_request_multiplied_by_the_slots_is_warned(compiled: Callable[..., Result]) -> None:
    """`gpu = 2` written in job.resources on 4 slots per slot is 8 GPUs, with no worker.gpus to say otherwise."""
    result = compiled(_profile(4, job="resources = { gpu = 2 }"))
    assert _gpu_lines(result) == ["-l gpu=2"]
    assert [d.message for d in result.diagnostics if d.code == "SGE409"] == [
        "SGE reserves gpu=2 per slot x 4 slots = 8 GPUs, where worker.gpus is not set"
    ]


def test_a_written_request_wins_and_is_not_asked_twice(compiled: Callable[..., Result]) -> None:
    """job.resources gpu = 1 with worker.gpus = 1 on one slot: one `-l gpu=1`, no finding."""
    result = compiled(_profile(1, job="resources = { gpu = 1 }", worker="gpus = 1"))
    assert _gpu_lines(result) == ["-l gpu=1"] and not _codes(result) & {"SGE409", "SGE501"}


def test_without_a_pe_nothing_is_multiplied(compiled: Callable[..., Result]) -> None:
    """No -pe: one slot, so the request is the count even per slot."""
    result = compiled(
        '[site]\ngpu_resource = "gpu"\n[job]\nwalltime = 3600\n[worker]\ncores = 1\nmemory = "1GB"\ngpus = 2\n'
    )
    assert _gpu_lines(result) == ["-l gpu=2"] and "SGE409" not in _codes(result)


def test_a_boolean_gpu_request_is_left_alone(compiled: Callable[..., Result]) -> None:
    """Hoffman2's `-l gpu,V100` form: a boolean gpu has no count to check or derive."""
    result = compiled(_profile(4, job='directives = ["-l gpu,V100"]'))
    assert result.plan is not None and result.plan.gpu_reservation is None and "SGE409" not in _codes(result)


def test_skipping_l_leaves_the_gpus_out(compiled: Callable[..., Result]) -> None:
    """job.skip = ["-l"] removes every -l request, the derived GPUs too."""
    assert _gpu_lines(compiled(_profile(1, job='skip = ["-l"]', worker="gpus = 1"))) == []


def test_gpus_without_a_resource_is_an_error(compiled: Callable[..., Result]) -> None:
    """worker.gpus with no site.gpu_resource: nothing would be requested, so the job would get no GPU."""
    result = compiled('[job]\nwalltime = 3600\n[worker]\ncores = 1\nmemory = "1GB"\ngpus = 1\n')
    assert "SGE410" in _codes(result) and not result.ok


@pytest.mark.parametrize(("per", "text"), [("job", "2 (gpu=2 once per job)"), ("slot", "2 (gpu=1 per slot x 2 slots)")])
def test_explain_counts_the_gpus(compiled: Callable[..., Result], per: str, text: str) -> None:
    """The gpus_per_job row: the GPUs SGE reserves, and how the request is counted."""
    result = compiled(_profile(2, site=f'gpu_per = "{per}"', worker="gpus = 2"))
    assert result.plan is not None
    row = as_json(explain(result.plan))["gpus_per_job"]
    assert (row["value"], row["text"], row["from"]) == (2, text, "derived from worker.gpus")


def test_exported_dask_jobqueue_asks_for_the_same_gpus(
    compiled: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The derived request goes out in resource_spec, so dask-jobqueue's header asks SGE for the same."""
    monkeypatch.chdir(tmp_path)
    result = compiled(_profile(4, worker="gpus = 4"))
    assert result.plan is not None
    exported = to_keywords(result.plan)
    assert "gpu=1" in exported["resource_spec"].split(",")
    assert ("-l", ("gpu=1",), "hard") in requests(theirs(exported))
    assert set(requests(theirs(exported))) == set(requests(ours(result)))


def test_the_myriad_preset_counts_its_gpus_once(compiled: Callable[..., Result]) -> None:
    """UCL Myriad's documented `-l gpu=2` with `-pe mpi 12` is 2 GPUs: the preset asks gpu=2 for 12 cores."""
    result = compiled(
        'extends = "@sites/myriad"\n[job]\nwalltime = 3600\n[worker]\ncores = 12\nmemory = "24GB"\ngpus = 2\n'
    )
    assert _gpu_lines(result) == ["-l gpu=2"] and "SGE409" not in _codes(result)
