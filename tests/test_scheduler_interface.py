"""site.scheduler_interface: the login node's network for launch's scheduler, to and from dask-jobqueue."""

from __future__ import annotations

from pathlib import Path

from sgecompile.convert.exporting import to_keywords
from sgecompile.convert.importing import from_keywords
from sgecompile.pipeline import compile_file


def test_scheduler_options_interface_is_imported_and_the_rest_noted() -> None:
    """scheduler_options={"interface": "ib0", ...}: the interface is the site's; the other options are noted as left out."""
    imported = from_keywords(
        {"cores": 1, "memory": "1GB", "scheduler_options": {"interface": "ib0", "dashboard_address": ":8788"}}
    )
    assert imported.tables["site"]["scheduler_interface"] == "ib0"
    assert any("dashboard_address" in note and "left out" in note for note in imported.notes)


def test_scheduler_interface_is_exported_as_scheduler_options(tmp_path: Path) -> None:
    """export gives dask-jobqueue the scheduler's interface the way it takes it."""
    profile = tmp_path / "p.toml"
    profile.write_text('[site]\nscheduler_interface = "ib0"\n[worker]\ncores = 1\nmemory = "1GB"\ninterface = "eth0"\n')
    plan = compile_file(profile).plan
    assert plan is not None
    kwargs = to_keywords(plan)
    assert kwargs["scheduler_options"] == {"interface": "ib0"} and kwargs["interface"] == "eth0"


def test_without_it_export_passes_no_scheduler_options(tmp_path: Path) -> None:
    """Unset, dask-jobqueue's own rule holds (the scheduler takes worker.interface)."""
    profile = tmp_path / "p.toml"
    profile.write_text('[worker]\ncores = 1\nmemory = "1GB"\n')
    plan = compile_file(profile).plan
    assert plan is not None and "scheduler_options" not in to_keywords(plan)
