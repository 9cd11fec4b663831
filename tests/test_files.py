"""Every file sgecompile writes is written whole or not at all."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sgecompile import files

from .conftest import PROFILES


def test_a_failure_half_way_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "job.sh"
    target.write_text("old script\n")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        files.write_atomic(target, "#!/bin/bash\n" * 10000)
    assert target.read_text() == "old script\n"
    assert [p.name for p in tmp_path.iterdir()] == ["job.sh"]


def test_emit_writes_every_file_atomically(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure while emitting leaves no half-written script behind (only whole files, or none)."""
    calls = []
    real = os.replace

    def replace_twice_then_fail(src: str, dst: str) -> None:
        if Path(dst).parent == out:  # not jinja2's template cache, which is written the same way
            calls.append(dst)
        if len(calls) > 2:
            raise OSError(5, "Input/output error")
        real(src, dst)

    out = tmp_path / "out"
    monkeypatch.setattr(os, "replace", replace_twice_then_fail)
    code, _, err = cli("emit", str(PROFILES / "testsge.toml"), "--out", str(out))
    assert code == 2 and "sgecompile: Input/output error" in err and "internal error" not in err
    assert sorted(p.name for p in out.iterdir()) == ["scheduler.sh", "workers.sh"]  # and no record of the rest
    assert (out / "workers.sh").read_text().endswith("--death-timeout 30 --lifetime 1500s --lifetime-stagger 150s\n")


@pytest.mark.parametrize(
    ("target", "error"),
    [("missing/x.sh", FileNotFoundError), ("a-file/x.sh", NotADirectoryError), ("a-folder", IsADirectoryError)],
)
def test_errors_name_the_path_asked_for_not_the_temporary_file(
    target: str, error: type[OSError], tmp_path: Path
) -> None:
    """`render -o` into a missing folder, below a file or onto a folder says so about that path."""
    (tmp_path / "a-file").write_text("")
    (tmp_path / "a-folder").mkdir()
    with pytest.raises(error) as raised:
        files.write_atomic(tmp_path / target, "text")
    assert raised.value.filename == str(tmp_path / target)
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")]


def test_emit_into_a_folder_with_a_line_break_is_a_usage_error(cli, tmp_path: Path) -> None:
    """The folder is written into submit.sh and workers.sh, where a line break could start a `#$` line."""
    out = tmp_path / "a\n#$ -l h_vmem=999G"
    code, _, err = cli("emit", PROFILES / "perun.toml", "--out", out)
    assert code == 2 and "line break" in err and not out.exists()


def test_emit_into_a_file_is_a_usage_error(cli, tmp_path: Path) -> None:
    (tmp_path / "out").write_text("keep me")
    code, _, err = cli("emit", PROFILES / "perun.toml", "--out", tmp_path / "out")
    assert code == 2 and "--out" in err and "is a file" in err
    assert (tmp_path / "out").read_text() == "keep me"


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    """`-o link.sh` writes the script the link points to (made if missing); the link stays a link."""
    (tmp_path / "real.sh").write_text("old script\n")
    (tmp_path / "link.sh").symlink_to("real.sh")
    (tmp_path / "dangling.sh").symlink_to("made.sh")
    for link in ("link.sh", "dangling.sh"):
        files.write_atomic(tmp_path / link, "new script\n", 0o755)
        assert (tmp_path / link).is_symlink() and (tmp_path / link).read_text() == "new script\n"
    assert (tmp_path / "real.sh").stat().st_mode & 0o777 == 0o755
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.sh", "link.sh", "made.sh", "real.sh"]


def test_a_symlink_loop_is_an_error_naming_the_path(tmp_path: Path) -> None:
    (tmp_path / "a.sh").symlink_to("b.sh")
    (tmp_path / "b.sh").symlink_to("a.sh")
    with pytest.raises(OSError) as raised:
        files.write_atomic(tmp_path / "a.sh", "text")
    assert raised.value.filename == str(tmp_path / "a.sh") and (tmp_path / "a.sh").is_symlink()


def test_a_fifo_is_written_into_not_replaced(tmp_path: Path) -> None:
    """`-o FIFO` feeds whoever reads it, and the FIFO is still there for the next write."""
    import stat

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader already there: the write cannot block
    try:
        files.write_atomic(fifo, "#!/bin/bash\n", 0o755)
        read = os.read(reader, 4096)
    finally:
        os.close(reader)
    assert read == b"#!/bin/bash\n"
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and stat.S_IMODE(fifo.lstat().st_mode) != 0o755
    assert [p.name for p in tmp_path.iterdir()] == ["fifo"]


def test_a_device_is_written_into_not_replaced(tmp_path: Path) -> None:
    """`render -o /dev/null` as root must leave /dev/null a device: here, a null device of the test's own."""
    import stat

    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # what /dev/null is on Linux
        device.write_text("")
    except OSError:
        pytest.skip("cannot make and use a device node here (not root, or a nodev file system)")
    (tmp_path / "link").symlink_to(device)
    for target in (device, tmp_path / "link"):
        files.write_atomic(target, "#!/bin/bash\n", 0o755)
    assert stat.S_ISCHR(device.lstat().st_mode) and (tmp_path / "link").is_symlink()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "null"]


def test_render_into_a_symlink_keeps_it(cli, tmp_path: Path) -> None:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "job.sh").symlink_to("scripts/job.sh")
    code, out, _ = cli("render", PROFILES / "perun.toml", "-o", tmp_path / "job.sh")
    assert code == 0 and out == ""
    assert (tmp_path / "job.sh").is_symlink() and (tmp_path / "scripts" / "job.sh").read_text().startswith("#!")


def test_sarif_names_files_by_relative_uris(cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file named `we,ird:na%me x.toml` must not read as scheme `we,ird:` with a bad `%` escape."""
    import json
    from urllib.parse import unquote, urlsplit

    monkeypatch.chdir(tmp_path)
    name = "we,ird:na%me x.toml"
    (tmp_path / name).write_text('[worker]\ncores = 1\nmemory = "1GB"\n[job]\nresources = { h_vmem = "64GB" }\n')
    code, out, _ = cli("check", "--format", "sarif", name)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(out)["runs"][0]["results"]
    }
    assert code == 1 and uris == {"we%2Cird%3Ana%25me%20x.toml"}
    assert urlsplit(uris.pop()).scheme == "" and unquote("we%2Cird%3Ana%25me%20x.toml") == name
    assert json.loads(out)["runs"][0]["columnKind"] == "unicodeCodePoints"  # not SARIF's default, UTF-16 units


@pytest.mark.parametrize("format", ["sarif", "json", "github", "text"])
def test_a_file_name_that_is_not_utf8_is_reported_as_text(cli, tmp_path: Path, monkeypatch, format: str) -> None:
    """Its bad bytes are shown as \\xff, as `ls -b` does: the report stays valid UTF-8 (SARIF crashed)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / os.fsdecode(b"bad\xff.toml")).write_text('[worker]\ncores = "1"\nmemory = "1GB"\n')
    code, out, _ = cli("check", "--format", format, ".")
    assert code == 1 and "xff.toml" in out  # bad\\xff.toml, its backslash escaped as each format does
    out.encode("utf-8")  # no lone surrogates


@pytest.mark.parametrize("target", ["profile.toml", "link.toml", "base.toml"])
def test_render_never_writes_over_a_file_it_reads(cli, tmp_path: Path, target: str) -> None:
    """-o naming the profile, a link to it, or its base would replace the input with the script."""
    base = tmp_path / "base.toml"
    base.write_text('[worker]\ncores = 1\nmemory = "1GB"\n')
    profile = tmp_path / "profile.toml"
    profile.write_text('extends = "base.toml"\n[job]\nwalltime = "1:00:00"\n')
    (tmp_path / "link.toml").symlink_to(profile)
    before = {p: p.read_text() for p in (base, profile)}
    code, out, err = cli("render", str(profile), "-o", str(tmp_path / target))
    assert (code, out) == (2, "") and "which the profile is read from; write the script elsewhere" in err
    assert {p: p.read_text() for p in (base, profile)} == before
