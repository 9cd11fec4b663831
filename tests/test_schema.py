"""`sgecompile schema`: the JSON Schema editors use agrees with what `check` accepts."""

import json
from pathlib import Path

import jsonschema
import pytest
import tomli
from hypothesis import given
from hypothesis import strategies as st

from sgecompile import rules, schema
from sgecompile.loader import Document
from sgecompile.rules.catalogue import DOCUMENT

from .conftest import PROFILES

VALIDATOR = jsonschema.Draft202012Validator(schema.json_schema())
STRUCTURE = {"SGE001", "SGE005", "SGE007"}  # the codes a schema can express

anything = st.one_of(
    st.integers(-3, 3),
    st.sampled_from(["", "slot", "job", "64GB", "1:00:00", "x"]),
    st.booleans(),
    st.floats(allow_nan=False).filter(lambda f: not f.is_integer()),  # JSON Schema counts 1.0 as an integer
    st.lists(st.sampled_from(["-V", 1]), max_size=2),
    st.dictionaries(st.sampled_from(["mem_free", "h_rt"]), st.sampled_from(["8G", 3, True]), max_size=2),
)
fitting = {
    "str": st.sampled_from(["all.q", "slot", "job"]),
    "int": st.integers(0, 3),
    "bool": st.booleans(),
    "memory": st.sampled_from(["64GB", 10**9]),
    "walltime": st.sampled_from(["1:00:00", 3600]),
    "str-list": st.lists(st.just("-V"), max_size=2),
    "str-table": st.dictionaries(st.just("mem_free"), st.sampled_from(["8G", 3]), max_size=1),
}


def table(section: str) -> st.SearchStrategy[dict]:
    """Known keys with values mostly of their own kind, sometimes not; sometimes unknown keys."""
    entries = [
        st.tuples(st.just(k.name), st.one_of(fitting[k.kind], fitting[k.kind], anything))
        for k in schema.SECTIONS[section]
    ]
    entries.append(st.tuples(st.sampled_from(["walltme", "job_extra", "cpus"]), anything))
    return st.lists(st.one_of(entries), max_size=4).map(dict)


sections = st.fixed_dictionaries({}, optional={name: table(name) for name in schema.SECTIONS})
documents = st.fixed_dictionaries(
    {},
    optional={
        **{name: table(name) for name in schema.SECTIONS},
        "variants": st.dictionaries(st.sampled_from(["big", "small"]), st.one_of(sections, st.integers()), max_size=2),
        "queue": st.just("all.q"),
    },
)


def structural_findings(data: dict) -> set[str]:
    doc = Document(Path("p.toml"), data, "")  # no text: every key is located at the file
    return {d.code for d in rules.run(DOCUMENT, doc, doc.locate)} & STRUCTURE


@given(documents)
def test_schema_accepts_exactly_what_check_accepts(data):
    assert VALIDATOR.is_valid(data) == (not structural_findings(data))


@pytest.mark.parametrize(
    "data", [{"site": {"memory": {}}}, {"site": {"memory": {"mres": "job"}}}, {"site": {"memory": {"mres": "jobs"}}}]
)
def test_a_table_of_choices_agrees_with_check(data):
    """site.memory: each entry one of slot, job, host, for the JSON Schema as for check (an empty table too)."""
    assert VALIDATOR.is_valid(data) == (not structural_findings(data))


@pytest.mark.parametrize("path", sorted(PROFILES.rglob("*.toml")), ids=lambda p: p.name)
def test_shipped_profiles_are_valid(path):
    VALIDATOR.validate(tomli.loads(path.read_text()))


def test_every_key_is_described(cli):
    code, out, _ = cli("schema")
    printed = json.loads(out)
    assert code == 0 and printed == schema.json_schema()
    for name, keys in schema.SECTIONS.items():
        properties = printed["properties"][name]["properties"]
        assert set(properties) == {k.name for k in keys}
        assert all(p["description"] for p in properties.values())
    assert printed["properties"]["worker"]["properties"]["cores"]["description"].endswith("Required.")


@pytest.mark.parametrize("k", [k for keys in schema.SECTIONS.values() for k in keys], ids=lambda k: k.name)
def test_a_default_is_a_value_its_key_accepts(k: schema.Key) -> None:
    """Typing takes an unset key's default without checking it, so each default must be one its key accepts."""
    assert k.default is None or (schema.accepts(k, k.default) and not k.required)
