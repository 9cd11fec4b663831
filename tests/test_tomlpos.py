"""Key and value positions, the source of every diagnostic's line and column."""

from __future__ import annotations

import json

import tomli
from hypothesis import given
from hypothesis import strategies as st

from sgecompile.tomlpos import positions

DOC = '''extends = "site.toml"  # comment
[job]
name = "x"
resources = { mem_free = "8G", "h_vmem" = 3 }
directives = [
  "-m ea",  # a comment
  "-cwd",
]
prologue = ["""a
b""", 'z']
[variants.big]
worker = { cores = 20, memory = "128GB" }
[[arr]]
x = 1
[[arr]]
x = 2
a.b . c = 1979-05-27 07:32:00
'''


def test_keys_values_and_array_elements_are_located() -> None:
    """Headers, dotted keys, inline tables, arrays and multi-line strings get their own positions."""
    pos = positions(DOC)
    assert pos.keys[("extends",)] == (1, 1)
    assert pos.values[("extends",)] == (1, 11)
    assert pos.values[("job", "resources", "h_vmem")] == (4, 43)
    assert pos.values[("job", "directives", 1)] == (7, 3)
    assert pos.values[("job", "prologue", 1)] == (10, 7)
    assert pos.values[("variants", "big", "worker", "memory")] == (12, 33)
    assert pos.values[("arr", 1, "x")] == (16, 5)
    assert pos.keys[("arr", 1, "a", "b", "c")] == (17, 1)
    assert pos.of(("arr",)) == pos.keys[("arr", 0)]  # an array of tables is where its first [[arr]] is


def test_of_falls_back_to_the_nearest_parent() -> None:
    """An unset key is located at its table's header."""
    assert positions(DOC).of(("job", "walltime")) == (2, 2)


keys = st.from_regex(r"[a-z_][a-z0-9_-]{0,6}", fullmatch=True)
scalars = st.one_of(
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=8),
    st.floats(allow_nan=False, allow_infinity=False),
)


@given(
    st.dictionaries(
        keys, st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(keys, scalars, max_size=3)), max_size=6
    )
)
def test_every_key_of_any_document_is_found_on_its_line(table: dict[str, object]) -> None:
    """For generated documents, each key's recorded line is the line that holds it."""
    lines = []
    for k, v in table.items():
        if isinstance(v, dict):
            lines.append(f"[{k}]")
            lines += [f"{kk} = {_toml(vv)}" for kk, vv in v.items()]
    top = [f"{k} = {_toml(v)}" for k, v in table.items() if not isinstance(v, dict)]
    text = "\n".join(top + lines) + "\n"
    assert tomli.loads(text) is not None
    pos = positions(text)
    source = text.split("\n")
    for path, (line, col) in pos.keys.items():
        assert source[line - 1][col - 1 :].lstrip("[").startswith(str(path[-1]))


def _toml(v: object) -> str:
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(map(_toml, v)) + "]"
    return repr(v)


def test_a_dotted_key_locates_each_table_it_makes() -> None:
    """`foo.bar = 1` in [worker] makes the table foo there: an unknown `foo` points at that line, not the header."""
    found = positions("[worker]\ncores = 1\n\nfoo.bar = 1\nx = { a.b = 2 }\nfoo.baz = 3\n")
    assert found.of(("worker", "foo")) == (4, 1)  # where it is first made
    assert found.of(("worker", "foo", "baz")) == (6, 11)
    assert found.of(("worker", "x", "a")) == (5, 7)
