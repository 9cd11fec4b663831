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

from sgecompile.commands.explain import locale_codeset, unicode_lines
from sgecompile.diagnostics import Diagnostic, Severity
from sgecompile.diagram import WIDTH, draw, notes, wrap
from sgecompile.explain import as_json, counted, explain, requests
from sgecompile.pipeline import compile_file
from sgecompile.rendering import render
from sgecompile.units import format_hms, parse_dask_memory, parse_sge_memory

from .conftest import ROOT, Terminal

GOLDEN = ROOT / "tests" / "golden"
CASES = {
    "perun": ["profiles/perun.toml"],
    "two_by_five": ["tests/golden/two-by-five.toml"],
    "analysis_big_x12": ["profiles/example/analysis.toml", "--variant", "big", "--jobs", "12"],
    "minimal_x3": ["profiles/minimal.toml", "--jobs", "3"],
    "three_cores_a_task": ["tests/golden/three-cores-a-task.toml"],
    "own_requests": ["tests/golden/own-requests.toml"],
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
    """Perun, 2 x 5 threads, a variant as x 12, no pe, 3 cores a task, own -l requests: the ASCII a log gets."""
    code, out, _ = cli("explain", *CASES[name], "--diagram")
    assert code == 0
    assert out == golden(name, out)


def test_terminal_gets_unicode_lines(cli, utf8_terminal):
    """On a UTF-8 terminal the same drawing is made of Unicode box lines."""
    terminal = utf8_terminal()
    assert cli("explain", *CASES["two_by_five"], "--diagram")[0] == 0
    assert terminal.getvalue() == golden("two_by_five_unicode", terminal.getvalue())
    assert "┌─ SGE job 1 of 2: phylo" in terminal.getvalue()


UTF8 = {"LANG": "C.UTF-8"}


@pytest.mark.parametrize(
    ("stream", "environ", "unicode"),
    [
        (Terminal("utf-8"), UTF8, True),
        (Terminal("latin-1"), UTF8, False),
        (Terminal("no-such-codec"), UTF8, False),
        (io.StringIO(), UTF8, False),
        (Terminal("utf-8"), {"LANG": "C"}, False),
        (Terminal("utf-8"), {"LC_ALL": "POSIX", "LANG": "en_US.UTF-8"}, False),
        (Terminal("utf-8"), {}, False),
    ],
)
def test_unicode_only_on_a_terminal_that_can_show_it(stream, environ, unicode):
    """A terminal whose encoding or locale lacks the box characters, or a file, gets ASCII."""
    assert unicode_lines(stream, environ) is unicode


@pytest.mark.parametrize(
    ("environ", "codeset"),
    [
        ({"LANG": "de_DE.UTF-8@euro"}, "UTF-8"),
        ({"LC_CTYPE": "C.UTF-8", "LANG": "C"}, "UTF-8"),
        ({"LC_ALL": "C", "LC_CTYPE": "C.UTF-8"}, "ascii"),
        ({"LC_ALL": "", "LANG": "ja_JP.eucJP"}, "eucJP"),
        ({"LANG": "en_US"}, "ascii"),
    ],
)
def test_locale_codeset_reads_the_variables_as_the_c_library_does(environ, codeset):
    """LC_ALL, else LC_CTYPE, else LANG, empty ones skipped; no character set named is ASCII."""
    assert locale_codeset(environ) == codeset


@pytest.mark.parametrize(
    ("locale", "unicode"), [({"LANG": "C.UTF-8"}, True), ({"LANG": "C"}, False), ({"LC_ALL": "C"}, False)]
)
def test_a_real_terminal_in_the_c_locale_gets_ascii(locale, unicode):
    """Through a pty: LANG=C and LC_ALL=C get ASCII though Python writes UTF-8 there; C.UTF-8 gets Unicode."""
    import pty

    environ = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_CTYPE", "LANG", "PYTHONUTF8")}
    primary, secondary = pty.openpty()
    command = [sys.executable, "-m", "sgecompile", "explain", "profiles/minimal.toml", "--diagram"]
    proc = subprocess.Popen(command, stdout=secondary, env={**environ, **locale}, cwd=ROOT)
    os.close(secondary)
    out = b""
    while chunk := _read(primary):
        out += chunk
    os.close(primary)
    assert proc.wait() == 0
    assert ("┌─ client" in out.decode()) is unicode and ("+- client" in out.decode()) is not unicode


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the pty is closed once the child exits
        return b""


def test_ascii_forces_ascii_on_a_terminal(cli, utf8_terminal):
    """--ascii draws with + - | even where Unicode would show."""
    terminal = utf8_terminal()
    assert cli("explain", "profiles/perun.toml", "--diagram", "--ascii")[0] == 0
    assert terminal.getvalue().isascii() and "+- SGE job 1 of 1" in terminal.getvalue()


def test_ascii_without_diagram_is_a_usage_error(cli):
    """--ascii alone would silently do nothing."""
    code, out, err = cli("explain", "profiles/perun.toml", "--ascii")
    assert (code, out) == (2, "") and "--ascii is for --diagram" in err


def test_diagram_and_json_exclude_each_other(cli):
    """One output at a time."""
    assert cli("explain", "profiles/perun.toml", "--diagram", "--format", "json")[0] == 2


def test_jobs_beyond_any_cluster_are_refused(cli):
    """--jobs 10^27 is a typo: refused before anything is drawn, with the bound named."""
    code, out, err = cli("explain", "profiles/perun.toml", "--diagram", "--jobs", str(10**27))
    assert (code, out) == (2, "") and "at most 1,000,000 jobs" in err
    assert cli("explain", "profiles/perun.toml", "--diagram", "--jobs", "1000000")[0] == 0


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


def test_findings_are_said_once(cli):
    """With --diagram a warning is spelt out under the drawing, with its location, and not again on stderr."""
    code, out, err = cli("explain", "profiles/perun.toml", "--diagram")
    assert (code, err) == (0, "")
    assert out.count("SGE302 warning at profiles/perun.toml:16:24") == 1
    assert "SGE302" in cli("explain", "profiles/perun.toml")[2]  # the table still warns on stderr


def _drawing(result) -> str:
    return "\n".join(
        draw(
            explain(result.plan), requests(result.plan), counted(result.plan), notes(result.diagnostics, result.loaded)
        )
    )


def _bottom(drawing: str) -> str:
    return drawing.split("\n\n")[0].splitlines()[-1]


@pytest.mark.parametrize(
    ("job", "code"),
    [
        ("", "SGE204"),  # no walltime: reported at the [job] header
        ('walltime = "1:00:00"\nskip = ["-l"]', "SGE204"),  # the walltime skipped
        ('walltime = "1:00:00"', "SGE406"),  # 4 cores of work on 1 slot
    ],
)
def test_job_findings_mark_the_job_box(write, job, code):
    """No walltime (at [job] or at job.skip) and a single slot for threads concern the job: its box is marked."""
    path = write(f'[job]\n{job}\n[worker]\ncores = 4\nprocesses = 2\nmemory = "2GB"\n')
    result = compile_file(path)
    found = notes(result.diagnostics, result.loaded)
    assert {(n.box, n.diagnostic.code) for n in found if n.diagnostic.code == code} == {("job", code)}
    drawing = _drawing(result)
    assert f"SGE{code[3:]}" in _bottom(drawing)
    assert not [line for line in drawing.split("\n\n")[0].splitlines()[:-1] if code in line]


def test_process_findings_are_marked_on_each_process_box(write, monkeypatch):
    """A finding at a key of each process's command line (worker.python) marks each process box, not the job."""
    path = write('[job]\nwalltime = "1:00:00"\n[worker]\ncores = 4\nprocesses = 2\nmemory = "2GB"\npython = "py"\n')
    monkeypatch.chdir(path.parent)
    result = compile_file(Path(path.name))
    at = result.loaded.where(("worker", "python"))
    found = notes([Diagnostic("SGE999", Severity.WARNING, "a finding about worker.python", at)], result.loaded)
    assert [n.box for n in found] == ["process"]
    lines = draw(explain(result.plan), requests(result.plan), counted(result.plan), found, unicode=True)
    out = "\n".join(lines) + "\n"
    assert out == golden("process_finding", out)
    assert sum(line.endswith("! SGE999 ─┘ │") for line in lines) == 2 and "SGE" not in _bottom("\n".join(lines))


def test_finding_at_no_key_concerns_the_profile(write):
    """A finding at a location no key has (another file) is spelt out below, marked on no box."""
    result = compile_file(write('[worker]\ncores = 1\nmemory = "2GB"\n[job]\nwalltime = 60\n'))
    elsewhere = Diagnostic("SGE999", Severity.INFO, "about the whole profile", result.loaded.where(()))
    found = notes([elsewhere], result.loaded)
    assert [n.box for n in found] == ["profile"]
    drawing, told = "\n".join(draw(explain(result.plan), requests(result.plan), counted(result.plan), found)).split(
        "\n\n"
    )
    assert "SGE999" not in drawing and told.startswith("i SGE999 info at")


def test_many_threads_are_listed_short(write):
    """64 threads: t1 t2 t3 ... t64, not 64 names."""
    path = write('[site]\npe = "smp"\n[worker]\ncores = 64\nprocesses = 1\nmemory = "64GB"\n')
    assert any(
        line.startswith("| | 64 threads: t1 t2 t3 ... t64 ") for line in _drawing(compile_file(path)).split("\n")
    )


def test_names_are_cut_only_where_they_do_not_fit(write):
    """A 40-character queue, pe and job name fit in 80 columns whole; a 90-character one is cut with an ellipsis."""
    fits, long = "q" * 40, "j" * 90
    path = write(
        f'[site]\npe = "{fits}"\n[job]\nname = "{long}"\nqueue = "{fits}"\n[worker]\ncores = 2\nmemory = "1GB"\n'
    )
    drawing = _drawing(compile_file(path))
    assert f"queue     {fits} " in drawing and f"-pe {fits} 2 " in drawing
    assert f"SGE job 1 of 1: {long[: WIDTH - 6 - 16 - 3]}... -+" in drawing


@pytest.mark.parametrize(
    ("memory", "processes", "shown"),
    [("10GB", 12, "833,333,333 bytes (833.3 MB)"), ("10GB", 4, "2500MB"), ("1GB", 3, "333,333,333 bytes (333.3 MB)")],
)
def test_dask_amounts_have_a_unit(write, memory, processes, shown):
    """Memory limits are drawn with their unit: in dask's units where exact, else as bytes with a decimal reading."""
    path = write(f'[worker]\ncores = {processes}\nprocesses = {processes}\nmemory = "{memory}"\n')
    assert f"memory limit {shown}" in _drawing(compile_file(path))


def test_the_memory_request_is_drawn_as_the_script_writes_it(write):
    """65536M stays 65536M, 1T stays 1T, 5g stays 5g with its bytes: the header's own words, not a re-formatting."""
    for written, shown in [("65536M", "-l h_vmem=65536M per job"), ("1T", "-l h_vmem=1T per job")] + [
        ("5g", "-l h_vmem=5g = 5,000,000,000 bytes (5 GB) per job")
    ]:
        path = write(
            f'[site]\nmemory_resource = "h_vmem"\n[job]\nresources = {{ h_vmem = "{written}" }}\n'
            '[worker]\ncores = 1\nmemory = "1GB"\n'
        )
        result = compile_file(path)
        assert f"#$ -l h_vmem={written}\n" in render(result.plan) and shown in _drawing(result)


def test_every_request_of_the_header_is_drawn(write):
    """Other -l requests, -l in job.directives (one line per resource) and soft ones (labelled) are in the job box."""
    path = write("""
        [site]
        memory_resource = "h_vmem"
        [job]
        resources = { mem_free = "2G" }
        directives = ["-l h_vmem=2G,virtual_free=1G", "-soft -l h_vmem=3G", "-soft -l h_rt=7200"]
        [worker]
        cores = 1
        memory = "1GB"
    """)
    drawing = _drawing(compile_file(path))
    for shown in ["-l mem_free=2G\n", "-l h_vmem=2G per job", "-l virtual_free=1G", "-soft -l h_vmem=3G (soft)"]:
        assert shown in drawing.replace(" |\n", "\n").replace("  ", ""), shown
    assert "-soft -l h_rt=7200 = 2:00:00 (soft)" in drawing and "no hard h_rt: the queue's limit applies" in drawing


def test_findings_below_are_wrapped_by_display_columns():
    """Wide characters count two columns, so a wrapped finding never passes 80; no word is lost."""
    text = "! SGE999 warning at 队列.toml:1:1: " + " ".join(["队列名称長い"] * 20) + " " + "長" * 50
    lines = wrap(text, WIDTH)
    assert max(map(_terminal_columns, lines)) <= WIDTH and "".join(lines).replace(" ", "") == text.replace(" ", "")


# ---- every number in the drawing is explain's, every request render's, and no line is wider than 80 ----

ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_"
WIDE, COMBINING = "队列名称長い", "\u0303"  # two terminal columns each; none (a tilde over the letter before)
names = st.text(ALPHABET, min_size=1, max_size=70).map(lambda s: "q" + s) | st.text(
    ALPHABET + WIDE + "é" + COMBINING, min_size=1, max_size=40
).map(lambda s: "q" + s)


def _terminal_columns(line: str) -> int:
    """The columns a terminal gives a line of the drawing, counted from what the test writes into names."""
    return len(line) + sum(c in WIDE for c in line) - sum(c in COMBINING for c in line)


AMOUNT = r"(\d+[MG]|[\d,]+ bytes(?: \([\d.]+ [kMGT]?B\))?)"
MORE = ("...", "…")


def _sge_bytes(text: str) -> int:
    return int(text.split()[0].replace(",", "")) if " bytes" in text else parse_sge_memory(text).bytes


def _dask_bytes(text: str) -> int:
    return int(text.split()[0].replace(",", "")) if " bytes" in text else parse_dask_memory(text).bytes


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
        r"SGE job x (\d+), each the same: (\S+)": lambda n, name: (
            int(n) == value["jobs"] and _same_name(name, value["job_name"])
        ),
        r"(\d+) jobs? x (\d+) process(?:es)? = (\d+) dask workers?": lambda j, p, w: (
            (int(j), int(p), int(w)) == (value["jobs"], value["processes_per_job"], value["workers"])
        ),
        r"queue {5}(?!the cluster.s default)(\S+)": lambda q: _same_name(q, value["queue"]),
        r"-pe (\S+) (\d+)": lambda pe, n: _same_name(pe, value["pe"]) and int(n) == value["pe_slots"],
        r"-l (\w+)=(\S+)(?: = [\d,]+ bytes(?: \([\d.]+ [kMGT]?B\))?)? per slot": lambda r, a: (
            r == value["memory_resource"] and parse_sge_memory(a).bytes == value["sge_memory_per_slot"]
        ),
        r"x (\d+) slots": lambda n: int(n) == value["pe_slots"],
        rf"= {AMOUNT} in all": lambda a: _sge_bytes(a) == value["sge_memory_per_job"],
        r"-l (\w+)=(\S+)(?: = [\d,]+ bytes(?: \([\d.]+ [kMGT]?B\))?)? per job": lambda r, a: (
            r == value["memory_resource"] and parse_sge_memory(a).bytes == value["sge_memory_per_job"]
        ),
        r"(?<!-soft )-l h_rt=(\d+) = (\d+:\d\d:\d\d)": lambda s, hms: (
            int(s) == value["walltime"] and hms == format_hms(int(s))
        ),
        r"-soft -l h_rt=(\d+) = (\d+:\d\d:\d\d)": lambda s, hms: hms == format_hms(int(s)),
        r"-l \w+=(\S+) = ([\d,]+) bytes(?: \([\d.]+ [kMGT]?B\))?": lambda a, b: (
            parse_sge_memory(a).bytes == int(b.replace(",", ""))
        ),
        r"dask {6}(\S+(?: bytes \(\S+ \w+\))?) across (\d+) process": lambda m, p: (
            _dask_bytes(m) == value["memory_per_job"] and int(p) == value["processes_per_job"]
        ),
        r"process (\d+) of (\d+)": lambda k, n: int(k) <= int(n) == value["processes_per_job"],
        r"process x (\d+), each the same": lambda n: int(n) == value["processes_per_job"],
        r"memory limit (\S+(?: bytes \(\S+ \w+\))?)": lambda m: _dask_bytes(m) == value["memory_per_process"],
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


def _has_what_render_writes(drawing: str, script: str, down: str) -> None:
    """Each `#$ -l` and `#$ -pe` line of the script is drawn, and the worker command's threads, processes and limit."""
    box_lines = [line.strip(f" {down}") for line in drawing.splitlines()]
    for header in script.splitlines():
        if re.match(r"#\$ (-soft )?-(l|pe) ", header):
            assert any(_drawn(header[3:], line) for line in box_lines), (header, drawing)
    command = script.splitlines()[-1].split()
    argument = {word: command[i + 1] for i, word in enumerate(command[:-1]) if word.startswith("--")}
    threads, processes = int(argument["--nthreads"]), int(argument.get("--nworkers", 1))
    assert re.search(rf"\b{threads} threads?: ", drawing)
    assert re.search(rf"process (x {processes}, each|1 of {processes}\b)", drawing)
    limits = {_dask_bytes(m) for m in re.findall(r"memory limit (\S+(?: bytes \(\S+ \w+\))?)", drawing)}
    assert limits == {int(argument["--memory-limit"])}


def _drawn(request: str, line: str) -> bool:
    """The request is on the line whole, or cut short by an ellipsis at the line's end."""
    if re.search(rf"(?:^| ){re.escape(request)}(?: |$)", line):
        return True
    cut = next((line.removesuffix(m) for m in MORE if line.endswith(m)), None)
    return cut is not None and any(request.startswith(cut[i:]) for i in range(len(cut)) if cut[i - 1 : i] in ("", " "))


SGE_AMOUNTS = st.builds(
    "{}{}".format, st.integers(1, 9999), st.sampled_from(["K", "M", "G", "T", "k", "m", "g", "t", ""])
) | st.integers(2**20, 10**11).map(str)


@st.composite
def profiles(draw_: st.DrawFn) -> tuple[str, int | None]:
    """Random layouts, sizes, names, requests and memory setups that `check` passes; and a --jobs or none."""
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
    others = draw_(st.lists(st.sampled_from(["mem_free", "virtual_free", "scratch", "s_vmem"]), max_size=2))
    written = {r: draw_(SGE_AMOUNTS) for r in others if r != resource}
    if resource and draw_(st.booleans()):  # written, not derived: check warns when it is far off
        written[resource] = draw_(SGE_AMOUNTS)
    job += "resources = { " + ", ".join(f'{r} = "{a}"' for r, a in written.items()) + " }\n"
    directives = draw_(st.lists(st.sampled_from(["-soft -l h_rt=7200", "-l h_rt=600", "-l arch=x,tmp=5g"]), max_size=2))
    job += f"directives = {directives!r}\n"
    memory = f"{draw_(st.integers(1, 9999))}{draw_(st.sampled_from(['MB', 'GB', 'MiB', 'GiB', 'TB']))}"
    worker = f"cores = {processes * threads}\nprocesses = {processes}\nmemory = {memory!r}\n"
    worker += f"jobs = {draw_(st.integers(1, 200))}\ntask_cores = {draw_(st.integers(1, 64))}\n"
    text = f"[site]\n{site}[job]\n{job}[worker]\n{worker}".replace("'", '"')
    return text, draw_(st.none() | st.integers(1, 10**6))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=profiles(), unicode=st.booleans())
def test_every_number_is_explains_and_every_line_fits(tmp_path: Path, case, unicode):
    """Each number drawn equals `explain --format json`'s, each `#$ -l` line of render is drawn, all in 80 columns."""
    text, jobs = case
    (tmp_path / "p.toml").write_text(text, encoding="utf-8")
    result = compile_file(tmp_path / "p.toml")
    if not result.ok:  # e.g. more slots than SGE allows: explain refuses, nothing to draw
        return
    rows = explain(result.plan, jobs)
    lines = draw(rows, requests(result.plan), counted(result.plan), notes(result.diagnostics, result.loaded), unicode)
    assert max(map(_terminal_columns, lines)) <= WIDTH
    drawing = "\n".join(lines).split("\n\n")[0]  # the findings below are check's words
    _has_what_render_writes(drawing, render(result.plan), "│" if unicode else "|")
    jobs = drawing[drawing.index("SGE job") - 3 :].splitlines()
    assert len({_terminal_columns(line) for line in jobs}) == 1  # the job boxes' right borders are straight
    left = _numbers(drawing, as_json(rows))
    left = re.sub(r"-l \w+=\S+", "", left)  # the requests' own words: render's, compared above
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
