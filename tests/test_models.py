"""Arithmetic of the typed models."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sgecompile.models import divisors
from sgecompile.schema import SGE_MAX_SLOTS


@given(st.integers(1, 20_000))
def test_divisors_are_every_divisor_in_order(n: int) -> None:
    assert divisors(n) == [d for d in range(1, n + 1) if n % d == 0]


@given(st.integers(1, SGE_MAX_SLOTS))
def test_divisors_pair_up_to_n(n: int) -> None:
    """For any number of cores SGE can give, each divisor d comes with n // d, and nothing else does."""
    found = divisors(n)
    assert found == sorted(set(found)) and all(n % d == 0 and n // d in found for d in found)
