"""Values in messages and `config` as TOML spells them, not as Python does."""

from __future__ import annotations

from typing import Any

import pytest
import tomli
from hypothesis import given
from hypothesis import strategies as st

from sgecompile.tomltext import MAX_SHOWN, shown, toml_value, type_name

SCALARS = st.one_of(
    st.booleans(),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.text(st.characters(exclude_categories=("Cs",))),
    st.dates(),
    st.times(),
    st.datetimes(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)


@given(value=VALUES)
def test_toml_value_reads_back_as_the_same_value(value: Any) -> None:
    assert tomli.loads(f"x = {toml_value(value)}")["x"] == value


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('"a"', "a string"),
        ("1", "an integer"),
        ("1.5", "a float"),
        ("inf", "a float"),
        ("true", "a boolean"),
        ("1979-05-27T07:32:00Z", "a date-time"),
        ("1979-05-27T07:32:00", "a date-time"),
        ("1979-05-27", "a date"),
        ("07:32:00", "a time"),
        ('[1, "a"]', "an array"),
        ("{ a = 1 }", "a table"),
    ],
)
def test_type_names_are_toml_s(text: str, name: str) -> None:
    assert type_name(tomli.loads(f"x = {text}")["x"]) == name


def test_shown_values_are_cut_for_a_message() -> None:
    assert shown([1, "a"]) == '[1, "a"]'
    long = shown("x" * 500)
    assert len(long) == MAX_SHOWN and long.startswith('"xxx') and long.endswith("…")
