"""`sgecompile explain --diagram`: the drawing of the cluster a profile makes.

After a deliberate change to the drawing, regenerate the golden files with
``SGECOMPILE_UPDATE_GOLDEN=1 python -m pytest tests/test_diagram.py`` and review the diff.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sgecompile.commands.explain import unicode_lines
from sgecompile.diagram import WIDTH, draw, notes
from sgecompile.explain import as_json, explain
from sgecompile.pipeline import compile_file
from sgecompile.units import format_hms, parse_dask_memory, parse_sge_memory

from .conftest import ROOT, Terminal

GOLDEN = ROOT / "tests" / "golden"
CASES = {
    "perun": ["profiles/perun.toml"],
    "two_by_five": ["tests/golden/two-by-five.toml"],
    "analysis_big_x12": ["profiles/example/analysis.toml", "--variant", "big", "--jobs", "12"],
    "minimal_x3": ["profiles/minimal.toml", "--jobs", "3"],
}


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)  # locations are shown relative to the working directory


def golden(name: str, out: str) -> str:
    path = GOLDEN / f"diagram_{name}.txt"
    if os.environ.get("SGECOMPILE_UPDATE_GOLDEN"):
        path.write_text(out, encoding="utf-8")
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(CASES))
def test_drawing_matches_golden(cli, name):
    """Perun (task_cores), 2 processes x 5 threads, a variant collapsed as x 12, no pe: the ASCII drawing a log gets."""
    code, out, _ = cli("explain", *CASES[name], "--diagram")
    assert code == 0
    assert out == golden(name, out)


def test_terminal_gets_unicode_lines(cli, monkeypatch):
    """On a UTF-8 terminal the same drawing is made of Unicode box lines."""
    terminal = Terminal("utf-8")
    monkeypatch.setattr("sys.stdout", terminal)
    assert cli("explain", *CASES["two_by_five"], "--diagram")[0] == 0
    assert terminal.getvalue() == golden("two_by_five_unicode", terminal.getvalue())
    assert "┌─ SGE job 1 of 2: phylo" in terminal.getvalue()


@pytest.mark.parametrize(
    ("stream", "unicode"),
    [
        (Terminal("utf-8"), True),
        (Terminal("latin-1"), False),
        (Terminal("no-such-codec"), False),
        (io.StringIO(), False),
    ],
)
def test_unicode_only_on_a_terminal_that_can_show_it(stream, unicode):
    """A terminal whose encoding lacks the box characters, or a file, gets ASCII."""
    assert unicode_lines(stream) is unicode


def test_ascii_forces_ascii_on_a_terminal(cli, monkeypatch):
    """--ascii draws with + - | even where Unicode would show."""
    terminal = Terminal("utf-8")
    monkeypatch.setattr("sys.stdout", terminal)
    assert cli("explain", "profiles/perun.toml", "--diagram", "--ascii")[0] == 0
    assert terminal.getvalue().isascii() and "+- SGE job 1 of 1" in terminal.getvalue()


def test_ascii_without_diagram_is_a_usage_error(cli):
    """--ascii alone would silently do nothing."""
    code, out, err = cli("explain", "profiles/perun.toml", "--ascii")
    assert (code, out) == (2, "") and "--ascii is for --diagram" in err


def test_diagram_and_json_exclude_each_other(cli):
    """One output at a time."""
    assert cli("explain", "profiles/perun.toml", "--diagram", "--format", "json")[0] == 2


def test_findings_are_marked_on_the_box_they_concern(cli):
    """SGE302 (job.resources) and SGE203 (job.walltime) mark the job box, not its process, and are spelt out below."""
    out = cli("explain", "profiles/perun.toml", "--diagram")[1]
    drawing, told = out.split("\n\n")
    job_bottom = drawing.splitlines()[-1]
    assert job_bottom.endswith(" i SGE203  ! SGE302 -+")
    process_bottom = drawing.splitlines()[-2]
    assert "SGE" not in process_bottom
    assert told.startswith("i SGE203 info at profiles/perun.toml:15:12: walltime '99:99:99'")
    assert "! SGE302 warning at profiles/perun.toml:16:24: SGE reserves h_vmem=64G per slot" in told


def test_process_findings_are_marked_on_the_process_box(write):
    """A finding at worker.cores (the threads) marks each process box, not the job."""
    path = write('[job]\nwalltime = "1:00:00"\n[worker]\ncores = 4\nprocesses = 2\nmemory = "2GB"\n')
    result = compile_file(path)
    assert [d.code for d in result.diagnostics] == ["SGE406"]  # threads without a pe, at worker.cores
    drawing = "\n".join(draw(explain(result.plan), notes(result.diagnostics, result.loaded)))
    boxes = [line for line in drawing.splitlines() if line.endswith("! SGE406 -+ |")]
    assert len(boxes) == 2 and not drawing.split("\n\n")[0].splitlines()[-1].count("SGE")


def test_finding_at_no_key_concerns_the_profile(write):
    """A finding about a key nobody set (no walltime: SGE204) is spelt out below, marked on no box."""
    path = write('[site]\npe = "smp"\n[worker]\ncores = 2\nmemory = "2GB"\n')
    result = compile_file(path)
    found = notes(result.diagnostics, result.loaded)
    assert [(n.box, n.diagnostic.code) for n in found] == [("profile", "SGE204")]
    drawing, told = "\n".join(draw(explain(result.plan), found)).split("\n\n")
    assert "SGE204" not in drawing and told.startswith("i SGE204 info at")


def test_many_threads_are_listed_short(write):
    """64 threads: t1 t2 t3 ... t64, not 64 names."""
    path = write('[site]\npe = "smp"\n[worker]\ncores = 64\nprocesses = 1\nmemory = "64GB"\n')
    result = compile_file(path)
    lines = draw(explain(result.plan), notes(result.diagnostics, result.loaded))
    assert any(line.startswith("| | 64 threads: t1 t2 t3 ... t64 ") for line in lines)


# ---- every number in the drawing is explain's, and no line is wider than 80 ----

names = st.text("abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=70).map(lambda s: "q" + s)
AMOUNT = r"(\d+[MG]|\d+ bytes)"
MORE = ("...", "…")


def _sge_bytes(text: str) -> int:
    return int(text.split()[0]) if text.endswith(" bytes") else parse_sge_memory(text).bytes


def _same_name(shown: str, name: object) -> bool:
    """The name as drawn: whole, or cut short with an ellipsis."""
    for more in MORE:
        if shown.endswith(more):
            return isinstance(name, str) and name.startswith(shown.removesuffix(more))
    return shown == name


def _numbers(drawing: str, rows: dict[str, dict[str, object]]) -> str:
    """Check each phrase with numbers against the rows; return the drawing with those phrases blanked out."""
    value = {name: row["value"] for name, row in rows.items()}
    checks = {
        r"SGE job (\d+) of (\d+): (?:the same as job 1|(\S+))": lambda k, n, name: (
            int(k) <= int(n) == value["jobs"]
            and (name is None) == (k != "1")
            and (name is None or _same_name(name, value["job_name"]))
        ),
        r"SGE job x (\d+): (\S+), each the same": lambda n, name: (
            int(n) == value["jobs"] and _same_name(name.rstrip(","), value["job_name"])
        ),
        r"(\d+) jobs? x (\d+) process(?:es)? = (\d+) dask workers?": lambda j, p, w: (
            (int(j), int(p), int(w)) == (value["jobs"], value["processes_per_job"], value["workers"])
        ),
        r"queue {5}(?!the cluster.s default)(\S+)": lambda q: _same_name(q, value["queue"]),
        r"-pe (\S+) (\d+)": lambda pe, n: _same_name(pe, value["pe"]) and int(n) == value["pe_slots"],
        rf"-l (\S+)={AMOUNT} per slot": lambda r, a: (
            _same_name(r, value["memory_resource"]) and _sge_bytes(a) == value["sge_memory_per_slot"]
        ),
        r"x (\d+) slots": lambda n: int(n) == value["pe_slots"],
        rf"= {AMOUNT} in all": lambda a: _sge_bytes(a) == value["sge_memory_per_job"],
        rf"-l (\S+)={AMOUNT} per job": lambda r, a: (
            _same_name(r, value["memory_resource"]) and _sge_bytes(a) == value["sge_memory_per_job"]
        ),
        r"-l h_rt=(\d+) = (\d+:\d\d:\d\d)": lambda s, hms: int(s) == value["walltime"] and hms == format_hms(int(s)),
        r"dask {6}(\S+) across (\d+) process": lambda m, p: (
            parse_dask_memory(m).bytes == value["memory_per_job"] and int(p) == value["processes_per_job"]
        ),
        r"process (\d+) of (\d+): memory limit (\S+)": lambda k, n, m: (
            int(k) <= int(n) == value["processes_per_job"] and parse_dask_memory(m).bytes == value["memory_per_process"]
        ),
        r"process x (\d+): memory limit (\S+) each": lambda n, m: (
            int(n) == value["processes_per_job"] and parse_dask_memory(m).bytes == value["memory_per_process"]
        ),
        r"(\d+) threads?: ((?:t\d+|\.\.\.|…)(?: (?:t\d+|\.\.\.|…))*)": lambda n, listed: (
            int(n) == value["threads_per_process"]
            and listed.split()[-1] == f"t{n}"
            and all(int(t[1:]) <= int(n) for t in listed.split() if t.startswith("t"))
        ),
        r"gets (\d+) cores \(e\.g\. iqtree -nt (\d+)\)": lambda a, b: int(a) == int(b) == value["task_cores"],
        r"[!i] SGE\d{3}": lambda: True,
    }
    blank = list(drawing)
    for pattern, check in checks.items():
        for match in re.finditer(pattern, drawing):
            assert check(*match.groups()), (pattern, match.group(0), value)
            blank[match.start() : match.end()] = " " * (match.end() - match.start())
    return "".join(blank)


@st.composite
def profiles(draw_: st.DrawFn) -> tuple[str, int | None]:
    """Random layouts, sizes, names and memory setups that `check` passes; and a --jobs or none."""
    processes, threads = draw_(st.integers(1, 12)), draw_(st.integers(1, 40))
    site, resource = "", draw_(st.none() | st.sampled_from(["h_vmem", "mem_free", "virtual_free"]))
    if draw_(st.booleans()):
        site += f'pe = "{draw_(names)}"\n'
    if resource:
        site += f'memory_resource = "{resource}"\nmemory_per = "{draw_(st.sampled_from(["slot", "job"]))}"\n'
    job = f'name = "{draw_(names)}"\n'
    if draw_(st.booleans()):
        job += f'queue = "{draw_(names)}"\n'
    if draw_(st.booleans()):
        job += f"walltime = {draw_(st.integers(1, 10**7))}\n"
    if resource and draw_(st.booleans()):  # written, not derived: check warns when it is far off
        amount = draw_(st.integers(1, 99999).map("{}M".format) | st.integers(2**20, 10**11).map(str))
        job += f'resources = {{ {resource} = "{amount}" }}\n'
    memory = f"{draw_(st.integers(1, 9999))}{draw_(st.sampled_from(['MB', 'GB', 'MiB', 'GiB', 'TB']))}"
    worker = f"cores = {processes * threads}\nprocesses = {processes}\nmemory = {memory!r}\n"
    worker += f"jobs = {draw_(st.integers(1, 200))}\ntask_cores = {draw_(st.integers(1, 64))}\n"
    text = f"[site]\n{site}[job]\n{job}[worker]\n{worker}".replace("'", '"')
    return text, draw_(st.none() | st.integers(1, 10**5))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=profiles(), unicode=st.booleans())
def test_every_number_is_explains_and_every_line_fits(tmp_path: Path, case, unicode):
    """Each number drawn equals the value `explain --format json` gives; no line passes 80 columns."""
    text, jobs = case
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    result = compile_file(tmp_path / "p.toml")
    if not result.ok:  # e.g. more slots than SGE allows: explain refuses, nothing to draw
        return
    rows = explain(result.plan, jobs)
    lines = draw(rows, notes(result.diagnostics, result.loaded), unicode)
    assert max(map(len, lines)) <= WIDTH
    drawing = "\n".join(lines).split("\n\n")[0]  # the findings below are check's words
    left = _numbers(drawing, as_json(rows))
    assert not re.search(r"\d", left), left


def test_explain_imports_neither_jinja2_nor_dask() -> None:
    """Explaining, in each format, needs no templates and no dask: it stays as quick as check."""
    probe = (
        "import sys\nfrom sgecompile.cli import main\n"
        f"for extra in ([], ['--diagram'], ['--format', 'json']):\n    main(['explain', {str(ROOT / 'profiles' / 'perun.toml')!r}, *extra])\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('jinja2', 'dask', 'distributed', 'dask_jobqueue')]\n"
        "assert not heavy, heavy\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
