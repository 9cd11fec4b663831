"""The reference pages in docs/ are what the code generates: they cannot drift."""

import pytest

from sgecompile import reference
from sgecompile.rules.catalogue import CATALOGUE

from .conftest import ROOT


@pytest.mark.parametrize("name", sorted(reference.PAGES))
def test_committed_page_is_current(name):
    committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
    assert committed == reference.PAGES[name](), f"docs/{name} is stale: run `python -m sgecompile.reference docs`"


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_rule_has_why_example_and_fix(code):
    """Each code says why and what instead, and has one example: its files, else (no check function) in words."""
    parts = reference._parts(CATALOGUE[code])
    written = {"Example"} if not reference.example(code).exists() else set()
    assert set(parts) == {"summary", "Why", "Use instead"} | written
    assert all(parts.values())
