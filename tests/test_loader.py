"""extends chains, variants, file problems, and where every effective value came from."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli
from hypothesis import given
from hypothesis import strategies as st

from sgecompile import loader
from sgecompile.loader import FileProblem, _deeper_than, _may_nest, load, one_pass, resolve
from sgecompile.pipeline import compile_file
from sgecompile.tomltext import toml_key, toml_value


def test_extends_merges_table_by_table_and_the_child_wins(write: Callable[..., Path]) -> None:
    """A child overrides single keys of its base's tables and keeps the rest; tables merge deeply."""
    write(
        '[job]\nqueue = "all.q"\nresources = { mem_free = "1G", h_vmem = "2G" }\n[worker]\ncores = 2\nmemory = "4GB"\n',
        "site.toml",
    )
    child = write('extends = "site.toml"\n[job]\nresources = { h_vmem = "3G" }\n[worker]\ncores = 4\n')
    loaded = load(child)
    assert loaded.values["job"] == {"queue": "all.q", "resources": {"mem_free": "1G", "h_vmem": "3G"}}
    assert loaded.values["worker"] == {"cores": 4, "memory": "4GB"}
    assert loaded.origins[("job", "queue")].location.file.endswith("site.toml")
    assert loaded.origins[("job", "queue")].layer == "base"
    assert loaded.origins[("job", "resources", "h_vmem")].location.line == 3
    assert loaded.origins[("worker", "cores")].layer == "profile"


def test_a_variant_is_laid_on_top_and_remembered_as_the_origin(write: Callable[..., Path]) -> None:
    """--variant NAME overrides the merged profile and records the variant as the layer."""
    path = write('[worker]\ncores = 2\nmemory = "4GB"\n[variants.big]\nworker = { cores = 8 }\n')
    loaded = load(path, "big")
    assert loaded.values["worker"]["cores"] == 8
    origin = loaded.origins[("worker", "cores")]
    assert origin.layer == "variant big" and (origin.location.line, origin.location.column) == (5, 20)


def test_findings_point_at_the_file_that_set_the_value(write: Callable[..., Path]) -> None:
    """A mistake inherited from a base file is reported in the base file, on its line."""
    write('[job]\nresources = { h_vmem = "64GB" }\n', "site.toml")
    child = write('extends = "site.toml"\n[worker]\ncores = 2\nmemory = "4GB"\n')
    hits = [d for d in compile_file(child).diagnostics if d.code == "SGE101"]
    assert hits and hits[0].location.file.endswith("site.toml") and hits[0].location.line == 2


def test_missing_base_is_reported_at_the_extends_line(write: Callable[..., Path]) -> None:
    """A missing base names the file, at the `extends` value of the referring profile."""
    path = write('# a team profile\nextends = "nope.toml"\n')
    (d,) = compile_file(path).diagnostics
    assert d.code == "SGE003" and "nope.toml" in d.message and d.location.line == 2


def test_extends_cycle_is_reported_not_followed(write: Callable[..., Path]) -> None:
    """a extends b extends a: one error naming the circle."""
    write('extends = "b.toml"\n', "a.toml")
    b = write('extends = "a.toml"\n', "b.toml")
    (d,) = compile_file(b).diagnostics
    assert d.code == "SGE003" and "circle" in d.message


def test_syntax_errors_carry_line_and_column(write: Callable[..., Path]) -> None:
    """tomllib's position reaches the diagnostic."""
    (d,) = compile_file(write("[job]\nqueue = all.q\n")).diagnostics
    assert (d.code, d.location.line, d.location.column) == ("SGE002", 2, 9)


def test_unknown_variant_lists_the_known_ones(write: Callable[..., Path]) -> None:
    """A misspelt variant is an error whose hint lists the variants there are."""
    path = write(
        '[worker]\ncores = 2\nmemory = "4GB"\n[variants.big]\nworker = { cores = 8 }\n'
        '[variants.""]\nworker = { cores = 4 }\n[variants."two words"]\nworker = { cores = 6 }\n'
    )
    (d,) = [d for d in compile_file(path, "bigg").diagnostics if d.code == "SGE004"]
    assert d.hint == 'Variants in this profile: big, "", "two words".'
    path = write('[worker]\ncores = 2\nmemory = "4GB"\n[variants]\nbig = 3\n')
    (d,) = [d for d in compile_file(path, "big").diagnostics if d.code == "SGE004"]
    assert d.hint == "This profile defines no [variants.NAME] tables."  # and SGE005 says big must be one


def test_not_utf8_is_a_diagnostic(write: Callable[..., Path], tmp_path: Path) -> None:
    """Binary junk is reported, not raised."""
    path = tmp_path / "bin.toml"
    path.write_bytes(b"\xff\xfe[job]")
    (d,) = compile_file(path).diagnostics
    assert (d.code, d.location.line, d.location.column) == ("SGE002", 1, 1)
    path.write_bytes('[job]\nqueue = "all.q"  # café\n'.encode("latin-1"))
    (d,) = compile_file(path).diagnostics
    assert (d.message, d.location.line, d.location.column) == (
        "not UTF-8 text: invalid continuation byte at byte 28",
        2,
        23,
    )


def test_a_byte_order_mark_is_not_part_of_the_profile(tmp_path: Path) -> None:
    """Editors on Windows start UTF-8 files with one; positions stay those the editor shows."""
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_bytes(b'\xef\xbb\xbf[worker]\ncores = 2\nmemory = "4GB"\n')
    bad.write_bytes(b"\xef\xbb\xbf[worker]\ncores = two\n")
    assert compile_file(good).ok
    (d,) = compile_file(bad).diagnostics
    assert (d.code, d.location.line, d.location.column) == ("SGE002", 2, 9)
    bad.write_bytes(b'\xef\xbb\xbf[job]\nname = "caf\xe9"\n')
    (d,) = compile_file(bad).diagnostics
    assert (d.message, d.location.line, d.location.column) == (
        "not UTF-8 text: invalid continuation byte at byte 20",
        2,
        12,
    )


def test_each_file_is_parsed_once(write: Callable[..., Path]) -> None:
    """Two profiles extending one base parse the base once (the parse cache)."""
    from sgecompile import loader

    write('[worker]\ncores = 2\nmemory = "4GB"\n', "shared.toml")
    a = write('extends = "shared.toml"\n', "a.toml")
    b = write('extends = "shared.toml"\n', "b.toml")
    loader._parse.cache_clear()
    load(a)
    load(b)
    info = loader._parse.cache_info()
    assert (info.misses, info.hits) == (3, 1)


def test_a_nul_byte_in_extends_is_a_diagnostic(write: Callable[..., Path]) -> None:
    """No file name holds a NUL byte: the OS refuses it, and the profile hears so at its `extends` value."""
    path = write('extends = "a\\u0000b"\n[worker]\ncores = 1\nmemory = "4GB"\n')
    (d,) = compile_file(path).diagnostics
    assert (d.code, d.location.line, d.location.column) == ("SGE003", 1, 11) and "NUL" in d.message


def test_a_symlink_loop_is_a_diagnostic(write: Callable[..., Path], tmp_path: Path) -> None:
    """Two links pointing at each other are a file problem, as a base and as the profile itself."""
    (tmp_path / "loop1.toml").symlink_to("loop2.toml")
    (tmp_path / "loop2.toml").symlink_to("loop1.toml")
    child = write('extends = "loop1.toml"\n[worker]\ncores = 1\nmemory = "4GB"\n')
    (d,) = compile_file(child).diagnostics
    assert (d.code, d.location.line) == ("SGE003", 1) and "loop1.toml" in d.message
    (d,) = compile_file(tmp_path / "loop1.toml").diagnostics
    assert d.code == "SGE003" and "loop1.toml" in d.message


def test_too_deep_nesting_is_a_syntax_diagnostic(write: Callable[..., Path]) -> None:
    """tomli stops at 400 levels of arrays and 1000 key parts, the loader at 100 levels (it recurses); both are SGE002."""
    for text in (
        "[job]\nprologue = " + "[" * 450 + "]" * 450 + "\n",
        "[job]\n" + ".".join(["a"] * 3000) + " = 1\n",
        "[job]\n" + ".".join(["a"] * 999) + " = 1\n",
    ):
        (d,) = compile_file(write(text)).diagnostics
        assert d.code == "SGE002" and d.location.file.endswith("profile.toml") and "nested" in d.message


names = st.sampled_from(["a", "b.c", "[x]", "{y}"])  # quoted keys with the characters that open a level
inline = st.recursive(st.integers() | st.text(st.sampled_from("[{.x"), max_size=3), lambda inner: st.lists(inner, max_size=3) | st.dictionaries(names, inner, max_size=3), max_leaves=12)  # fmt: skip


@given(
    header=st.lists(names, max_size=4), dotted=st.lists(names, min_size=1, max_size=4), value=inline,
    levels=st.integers(0, 12),
)  # fmt: skip
def test_nesting_is_never_deeper_than_the_brackets_and_dots_allow(
    header: list[str], dotted: list[str], value: object, levels: int
) -> None:
    """Tables, arrays of any depth, inline tables and dotted keys: a file deeper than N has N of `[`, `{` or `.`."""
    table = f"[{'.'.join(map(toml_key, header))}]\n" if header else ""
    text = f"{table}{'.'.join(map(toml_key, dotted))} = {toml_value(value)}\n"
    assert _may_nest(text, levels) or not _deeper_than(levels, tomli.loads(text))


def _outcome(path: Path) -> Path | str:
    try:
        return resolve(path)
    except FileProblem as problem:
        return problem.diagnostic.message


def test_one_pass_resolves_every_name_as_path_resolve_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders resolved once per pass: files, symlinked files and folders, dangling links, loops, .. and NUL alike."""
    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    (real / "a.toml").write_text("")
    (real / "sub" / "b.toml").write_text("")
    (tmp_path / "link").symlink_to("real")
    (real / "c.toml").symlink_to("a.toml")
    (real / "dangling.toml").symlink_to("missing.toml")
    (real / "loop1.toml").symlink_to("loop2.toml")
    (real / "loop2.toml").symlink_to("loop1.toml")
    (tmp_path / "loopdir").symlink_to("loopdir")
    names = [
        "real/a.toml", "link/a.toml", "link/c.toml", "real/c.toml", "real/dangling.toml", "real/missing.toml",
        "real/loop1.toml", "loopdir/a.toml", "link/sub/../a.toml", "link/sub/b.toml", "real/sub/../c.toml",
        "real/a.toml/x.toml", "real", "real/\0.toml", "a.toml",
    ]  # fmt: skip
    monkeypatch.chdir(real)
    paths = [Path(n) for n in names] + [tmp_path / n for n in names]
    expected = [_outcome(p) for p in paths]
    with one_pass():
        assert [_outcome(p) for p in paths] == expected
        assert [_outcome(p) for p in reversed(paths)] == expected[::-1]  # the second time, from folders seen
    assert os.path.realpath(tmp_path / "link/c.toml") == str(real / "a.toml")  # the cases are what they say


def test_one_pass_reads_each_base_once(tmp_path: Path) -> None:
    """Inside a pass the base every profile extends is read once, and only bases are kept; after it, a changed
    file is read again."""
    base = tmp_path / "site.toml"
    base.write_text('[site]\npe = "smp"\n')
    for i in range(3):
        (tmp_path / f"p{i}.toml").write_text('extends = "site.toml"\n[worker]\ncores = 1\nmemory = "1GB"\n')
    with one_pass():
        first = load(tmp_path / "p0.toml").documents[0]
        base.write_text('[site]\npe = "mpi"\n')  # a pass assumes no file changes during it
        assert [load(tmp_path / f"p{i}.toml").documents[0] for i in (1, 2)] == [first, first]
        assert list(loader._PASSES[-1].documents) == [base]  # a check of many thousands holds no profile here
    assert load(tmp_path / "p0.toml").values["site"]["pe"] == "mpi"
