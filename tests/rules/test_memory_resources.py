"""The memory resources sites use, from the one table: compared with worker.memory, errors only where the job certainly fails."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sgecompile.diagnostics import Severity
from sgecompile.memoryresources import RESOURCES, worker_memory_request
from sgecompile.pipeline import Result


def codes(result: Result) -> dict[str, Severity]:
    return {d.code: d.severity for d in result.diagnostics}


@pytest.mark.parametrize(
    ("resource", "amount", "memory", "code"),
    [
        ("h_vmem", "4G", "4GB", "SGE304"),
        ("h_vmem", "8G", "8 G", "SGE304"),
        ("h_vmem", "1G", "4GB", "SGE301"),
        ("h_data", "1G", "4GB", "SGE301"),  # UCLA Hoffman2's request
        ("rmem", "1G", "4GB", "SGE301"),  # Sheffield ShARC: killed above it
        ("m_mem_free", "2G", "4GB", "SGE304"),  # Univa: reserves, does not limit
        ("mem_free", "2G", "4GB", "SGE304"),
    ],
)
def test_a_request_is_compared_with_worker_memory_by_what_it_does(
    resource: str, amount: str, memory: str, code: str, compiled: Callable[..., Result]
) -> None:
    """Below worker.memory under an enforced limit: an error; only short of the Python overhead, or a hint to the scheduler: a warning."""
    text = f'[site]\nmemory_resource = "{resource}"\n[job]\nwalltime = 60\nresources = {{ {resource} = "{amount}" }}\n'
    found = codes(compiled(text + f'[worker]\ncores = 1\nmemory = "{memory}"\n'))
    assert {c for c in found if c.startswith("SGE30")} == {code}
    assert "SGE105" not in found  # worker.memory never reaches SGE: the request is written out


def test_the_error_says_what_happens_past_an_address_space_limit(compiled: Callable[..., Result]) -> None:
    """The visible effect of h_vmem below the dask limit is a MemoryError, and the message says so."""
    text = '[site]\nmemory_resource = "h_vmem"\n[job]\nresources = { h_vmem = "1G" }\n[worker]\ncores = 1\nmemory = "4GB"\n'
    (found,) = [d for d in compiled(text).diagnostics if d.code == "SGE301"]
    assert "workers die with MemoryError (or SGE kills the job)" in found.message


def test_the_warning_states_both_amounts_and_the_measured_failure_point(compiled: Callable[..., Result]) -> None:
    """h_vmem equal to worker.memory: the warning names the request, worker.memory, the overhead and the 79 %."""
    text = '[site]\nmemory_resource = "h_vmem"\n[job]\nresources = { h_vmem = "8G" }\n[worker]\ncores = 1\nmemory = "8GB"\n'
    (found,) = [d for d in compiled(text).diagnostics if d.code == "SGE304"]
    assert found.severity is Severity.WARNING
    assert "h_vmem=8G (8.6 GB): that covers worker.memory '8GB' (8 GB) but not the" in found.message
    assert "holding 79 % of it" in found.message


def test_a_hand_written_request_without_site_memory_resource_is_counted(compiled: Callable[..., Result]) -> None:
    """h_vmem = 64G over 10 pe slots and no site.memory_resource: the 640 GiB is reported, with what was assumed."""
    text = (
        '[site]\npe = "smp"\n[job]\nwalltime = 60\nresources = { h_vmem = "64G" }\n'
        '[worker]\ncores = 10\nprocesses = 1\nmemory = "1GB"\n'
    )
    (found,) = [d for d in compiled(text).diagnostics if d.code == "SGE302"]
    assert "h_vmem=64G per slot x 10 slots = 640G" in found.message
    assert "site.memory_resource is not set: the request of h_vmem is taken as the job's memory" in found.message
    assert 'set site.memory_resource = "h_vmem" and remove it' in (found.hint or "")


def test_sge105_only_where_the_request_is_derived_from_worker_memory(compiled: Callable[..., Result]) -> None:
    """'8 G' is read by dask as 8 GB; only a request derived from it meets SGE's reading, and the text has single spaces."""
    text = '[site]\nmemory_resource = "h_vmem"\n[worker]\ncores = 1\nmemory = "8 G"\n'
    (found,) = [d for d in compiled(text).diagnostics if d.code == "SGE105"]
    assert "read by dask as 8 GB" in found.message and "  " not in found.message
    assert "SGE105" not in codes(compiled('[worker]\ncores = 1\nmemory = "8 G"\n'))


def test_site_memory_resources_are_memory_valued(compiled: Callable[..., Result]) -> None:
    """A site's `mem` (UCL) is read in SGE's units like h_vmem, so `4GB` is refused there too."""
    assert "SGE101" in codes(compiled('[job]\nresources = { mem = "4GB" }\n[worker]\ncores = 1\nmemory = "1GB"\n'))


def test_the_request_that_limits_most_holds_the_worker_memory() -> None:
    """Of h_vmem and mem_req (dask-jobqueue's test), h_vmem; of mres and h_data (Smithsonian), h_data; none of arch."""
    assert worker_memory_request(["mem_req", "h_vmem"]) == "h_vmem"
    assert worker_memory_request(["mres", "h_data"]) == "h_data"
    assert worker_memory_request(["arch", "h_stack"]) is None
    assert {"h_vmem", "mem_free", "m_mem_free", "mem", "rmem", "h_rss"} <= set(RESOURCES)
