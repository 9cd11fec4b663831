"""Checking many profiles at once: patterns, bases and variants, as a library call."""

from __future__ import annotations

from pathlib import Path

import pytest

from sgecompile.checking import NoProfiles, check_paths, expand
from sgecompile.diagnostics import Diagnostic, Location, Severity, sort_key

SITE = '[site]\npe = "threaded"\n'
PROFILE = 'extends = "site.toml"\n[job]\nwalltime = "1h"\n[worker]\ncores = 2\nmemory = "2GB"\n'


def test_expand_takes_folders_and_globs_once_each(tmp_path: Path) -> None:
    """A folder gives every *.toml below it, a glob its matches; a file named twice is checked once."""
    (tmp_path / "a.toml").write_text(PROFILE)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.toml").write_text(PROFILE)
    found = expand([str(tmp_path), str(tmp_path / "*.toml")])
    assert found == [tmp_path / "a.toml", tmp_path / "sub" / "b.toml"]


@pytest.mark.parametrize("pattern", ["missing.toml", "empty"])
def test_expand_refuses_nothing_to_check(tmp_path: Path, pattern: str) -> None:
    """A name that is not there, or a folder without profiles, is refused: a check of nothing would pass CI."""
    (tmp_path / "empty").mkdir()
    with pytest.raises(NoProfiles, match=pattern):
        expand([str(tmp_path / pattern)])


def test_a_partial_base_gets_only_document_rules(tmp_path: Path) -> None:
    """site.toml, extended by a profile and lacking worker.cores on its own, is no SGE006 error."""
    (tmp_path / "site.toml").write_text(SITE)
    (tmp_path / "p.toml").write_text(PROFILE)
    found = check_paths(expand([str(tmp_path)]))
    assert not [d for d in found if d.code == "SGE006"]


def test_a_partial_file_no_one_extends_is_a_profile(tmp_path: Path) -> None:
    """The same site.toml checked alone is a profile missing its required keys."""
    (tmp_path / "site.toml").write_text(SITE)
    found = check_paths([tmp_path / "site.toml"])
    assert {d.code for d in found} >= {"SGE006"}


def test_all_variants_names_the_variant_of_its_own_findings(tmp_path: Path) -> None:
    """A finding only a variant has says which variant it comes from."""
    (tmp_path / "site.toml").write_text(SITE)
    (tmp_path / "p.toml").write_text(PROFILE + "[variants.bad.worker]\ncores = 3\nprocesses = 2\n")
    found = check_paths([tmp_path / "p.toml"], all_variants=True)
    assert [d.message for d in found if d.message.endswith("(variant bad)")]


def test_forked_workers_find_the_same_in_the_same_order(tmp_path: Path) -> None:
    """Shared among forked processes, a folder of bases, profiles, variants and broken files gives the same list."""
    (tmp_path / "site.toml").write_text(SITE)
    for i in range(12):
        body = PROFILE.replace("cores = 2", f"cores = {1 + i % 5}") + f"[variants.v.worker]\nprocesses = {i % 4}\n"
        (tmp_path / f"p{i:02}.toml").write_text(body if i % 5 else "extends = 'missing.toml'\n" + body[21:])
    (tmp_path / "bad.toml").write_text("[job\n")
    paths = expand([str(tmp_path)])
    alone = check_paths(paths, all_variants=True)
    assert len({d.location.file for d in alone}) > 3
    assert check_paths(paths, all_variants=True, workers=3) == alone


def test_findings_at_one_place_sort_the_same_in_every_run() -> None:
    """Two findings of one code at one place are ordered by their text, not by the order a set gave them."""
    at = Location("p.toml", 3, 1)
    one, two = (Diagnostic("SGE005", Severity.ERROR, message, at) for message in ("a", "b"))
    assert sorted([two, one], key=sort_key) == sorted([one, two], key=sort_key) == [one, two]


def test_checking_leaves_no_reference_cycles(tmp_path: Path) -> None:
    """Each profile's objects are freed as soon as its check is done, not left for the garbage collector."""
    import gc

    (tmp_path / "site.toml").write_text(SITE + 'memory = { h_vmem = "slot", mem_free = "job" }\n')
    (tmp_path / "p.toml").write_text(PROFILE)
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what a collection finds is kept in gc.garbage, to be looked at
    try:
        check_paths(expand([str(tmp_path)]), all_variants=True)
        gc.collect()
        # only sgecompile's: other threads of the test session (a dask loop, say) may make garbage meanwhile
        assert [o for o in gc.garbage if type(o).__module__.startswith("sgecompile")] == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
