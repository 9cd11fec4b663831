"""Every rule's example gets its code on the marked lines and its fix does not; then rules tested in depth."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sgecompile.diagnostics import Diagnostic, Severity
from sgecompile.pipeline import Result, compile_file
from sgecompile.reference import EXAMPLES, example
from sgecompile.rules.catalogue import ALL, CATALOGUE, CLUSTER, DOCUMENT, PLAN, VALUES
from sgecompile.rules.memory import _readings
from sgecompile.units import GIB, parse_sge_memory

from .conftest import live_diagnostics

W = '[worker]\ncores = 2\nmemory = "4GB"\n'  # lines 1-3 of most profiles below

# Codes with a check function but no example file, and why.
WITHOUT_EXAMPLE = {"SGE807": "its finding quotes `qsub -w v`, which only a live SGE answers (tests/live)"}
CHECKED = [r.code for table in (DOCUMENT, VALUES, PLAN, CLUSTER) for r in table if r.code not in WITHOUT_EXAMPLE]


def _codes(result: Result) -> set[str]:
    return {d.code for d in result.diagnostics}


def _found(code: str, path: Path) -> list[Diagnostic]:
    """What ``check`` finds in a profile file; for a live rule, with ``--live`` on the example cluster."""
    result = compile_file(path)
    live = live_diagnostics(result) if CATALOGUE[code].kind == "cluster" else []
    return [*result.diagnostics, *live]


@pytest.mark.parametrize("code", CHECKED)
def test_example_gets_its_code_on_the_marked_lines_and_nothing_else(code: str) -> None:
    """The rule's example gets exactly its code, on exactly the lines marked `# [CODE]`, in that file."""
    path = example(code)
    lines = path.read_text(encoding="utf-8").splitlines()
    marked = {(code, n) for n, line in enumerate(lines, 1) if line.endswith(f"# [{code}]")}
    found = _found(code, path)
    assert marked and {(d.code, d.location.line) for d in found} == marked, found
    assert all(d.location.file and Path(d.location.file).name == path.name for d in found)


@pytest.mark.parametrize("code", CHECKED)
def test_fixed_example_gets_no_finding(code: str) -> None:
    """The rule's fixed example gets no finding at all: it shows a profile that passes `check`."""
    assert _found(code, example(code, fixed=True)) == []


def test_every_example_file_belongs_to_a_checked_code() -> None:
    """Each checked code has its example and fix, and no example file is left over from a code that is gone."""
    wanted = {example(c).name for c in CHECKED} | {example(c, fixed=True).name for c in CHECKED}
    present = {p.name for p in EXAMPLES.glob("SGE*.toml")}
    assert present == wanted, present ^ wanted


def test_every_code_is_listed_once() -> None:
    """A code listed twice (in two kinds' tables, or among the loader's) would hide one of its rules."""
    assert len(CATALOGUE) == len(ALL)


def test_errors_block_the_plan_warnings_do_not() -> None:
    """A profile with only warnings compiles; one with an error is not ok."""
    assert compile_file(example("SGE501")).ok
    assert not compile_file(example("SGE502")).ok
    assert all(d.severity is not Severity.ERROR for d in compile_file(example("SGE203")).diagnostics)


@pytest.mark.parametrize(
    ("worker", "message", "hint"),
    [
        ("cores = 0", "worker.cores must be at least 1, not 0", "cores = 1"),
        ("cores = 10_000_000", "worker.cores must be at most 9999999, not 10000000", "cores = 9999999"),
        ("cores = 2\ntask_cores = 2_000_000_000", "worker.task_cores must be at most 9999999", "task_cores = 9999999"),
        ("cores = 9223372036854775807", "worker.cores must be at most 9999999", "cores = 9999999"),
    ],
)
def test_numbers_outside_their_range_are_sge005(
    worker: str, message: str, hint: str, compiled: Callable[..., Result]
) -> None:
    """A parallel environment has at most 9999999 slots (sge_pe(5)); TOML's largest integer is refused at once."""
    result = compiled(f'[worker]\n{worker}\nmemory = "4GB"\n')
    (finding,) = [d for d in result.diagnostics if d.code == "SGE005"]
    assert message in finding.message and finding.hint == hint and finding.location.line == 2 + worker.count("\n")
    assert result.plan is None


def test_sge401_hint_names_the_nearest_divisors(compiled: Callable[..., Result]) -> None:
    result = compiled('[worker]\ncores = 720720\nprocesses = 7000\nmemory = "4GB"\n')
    (finding,) = [d for d in result.diagnostics if d.code == "SGE401"]
    assert finding.hint == "Use processes = 6930 or 7280, the divisors of 720720 nearest 7000."


def test_slot_rules_leave_numbers_out_of_range_to_sge005(compiled: Callable[..., Result]) -> None:
    """TOML's largest integer as cores (no processes, or processes that do not divide it) is one SGE005."""
    for worker in ("cores = 9223372036854775807", "cores = 9223372036854775807\nprocesses = 3"):
        result = compiled(f'[worker]\n{worker}\nmemory = "4GB"\n')
        assert [d.code for d in result.diagnostics if d.severity is Severity.ERROR] == ["SGE005"]


@pytest.mark.parametrize("memory", ['"1e30GiB"', '"999999999999999999999999TB"', "1_000_000_000_000_000_000_000_000"])
def test_a_yottabyte_of_worker_memory_is_sge104(memory: str, compiled: Callable[..., Result]) -> None:
    """Beyond 10^24 bytes an amount is a typo; the SGE request derived from it is never written."""
    result = compiled(f'[site]\nmemory_resource = "h_vmem"\npe = "smp"\n[worker]\ncores = 2\nmemory = {memory}\n')
    (finding,) = [d for d in result.diagnostics if d.code == "SGE104"]
    assert "10^24 bytes" in finding.message and finding.location.line == 6
    assert result.plan is None


@pytest.mark.parametrize(
    ("amount", "hint"),
    [
        ("64GB", "Write one of: `64G` = 68.7 GB; `60G` ≈ 64.4 GB; exactly 64 GB: `64g`."),
        ("512mb", "Write one of: `512M` = 536.9 MB; exactly 512 MB: `512m`."),
        ("4GB", "Write one of: `4G` = 4.3 GB; `3815M` ≈ 4.00 GB; exactly 4 GB: `4g`."),  # 4G: 7 % more
        ("1500MB", "Write one of: `1500M` = 1.6 GB; `1431M` ≈ 1.5 GB; exactly 1.5 GB: `1500m`."),  # not 1G, 28 % less
        ("3TB", "`2794G` ≈ 3.00 TB"),
        ("1kB", "Write one of: `1K` = 1.02 kB; exactly 1 kB: `1k`."),
        ("0GB", "SGE memory is a whole number"),
        (
            "0x10GB",
            'SGE memory is a whole number with k, K, m, M, g, G, t or T (upper case: powers of 1024), e.g. "4G".',
        ),
        ("1TB", "Write one of: `1T` = 1.1 TB; `931G` ≈ 999.7 GB; exactly 1 TB: `1t`."),
        ("999999999999999999999999GB", "exactly 1000000000000000000000.00 TB: `999999999999999999999999g`"),
    ],
)
def test_sge101_hint_reads_the_amount_both_ways(amount: str, hint: str, compiled: Callable[..., Result]) -> None:
    """Decimal digits get the binary and the exact readings; hex digits (no decimal reading) the general rule."""
    result = compiled(W + f'[job]\nresources = {{ h_vmem = "{amount}" }}\n')
    (finding,) = [d for d in result.diagnostics if d.code == "SGE101"]
    assert finding.hint and hint in finding.hint


@given(st.integers(min_value=1, max_value=10**6), st.sampled_from("MGT"))
def test_sge101_offers_a_binary_amount_within_two_percent(n: int, prefix: str) -> None:
    """The `≈` reading of a decimal amount of a GiB or more is a whole G or M at most 2 % from the amount meant."""
    amount = n * 1000 ** ("kMGT".index(prefix) + 1)
    hint = _readings(f"{n}{prefix}B")
    if amount >= GIB:
        (near,) = re.findall(r"`([0-9]+[GM])` ≈", hint)
        assert abs(parse_sge_memory(near).bytes - amount) * 50 <= amount, hint


@pytest.mark.parametrize(
    "resources",
    ['{ "a,b" = "1" }', '{ "" = "4G" }', '{ arch = "" }', '{ arch = " " }'],
)
def test_sge511_every_l_request_is_one_name_and_value(resources: str, compiled: Callable[..., Result]) -> None:
    result = compiled(W + f"[job]\nresources = {resources}\n")
    assert "SGE511" in _codes(result) and result.plan is not None and not result.ok


@pytest.mark.parametrize("directives", ['["-l =4G"]', '["-l a=1,,b=2"]'])
def test_sge511_reads_l_in_directives_too(directives: str, compiled: Callable[..., Result]) -> None:
    """`-l a=1,b=2` in job.directives is split into requests and each checked; an empty name is SGE511."""
    codes = _codes(compiled(W + f"[job]\ndirectives = {directives}\n"))
    assert ("SGE511" in codes) == ("=4G" in directives)


@pytest.mark.parametrize(
    ("prologue", "found"),
    [
        ('["#$ -l h_vmem=64GB"]', True),
        ('["module load x\\n#$ -q other.q"]', True),
        ('["echo a\\u0000b"]', True),
        ('["  #$ indented: a comment to qsub"]', False),
        ('["# a comment", "echo \\"#$\\""]', False),
    ],
)
def test_sge603_prologue_lines_qsub_reads_as_options(
    prologue: str, found: bool, compiled: Callable[..., Result]
) -> None:
    assert ("SGE603" in _codes(compiled(W + f"[job]\nprologue = {prologue}\n"))) == found


@pytest.mark.parametrize(
    ("python", "found"),
    [
        ("if", True),
        ("time", True),
        ("A=b", True),
        ("%1", True),
        ("", True),
        ("-m", True),
        ("python3 -u", True),
        ("/usr/bin/env python3", True),
        ("/opt/py/bin/python -X dev", True),
        ("python3", False),
        ("/opt/py/bin/python", False),
        ("/opt/My Env/bin/python", False),  # a path may hold a space
    ],
)
def test_sge604_python_bash_would_not_run(python: str, found: bool, compiled: Callable[..., Result]) -> None:
    assert ("SGE604" in _codes(compiled(W + f'python = "{python}"\n'))) == found


@pytest.mark.parametrize(
    ("python", "command", "hint"),
    [
        ("python3 -u", "", 'command = ["python3", "-u", "-m", "distributed.cli.dask_worker"]'),
        ("/usr/bin/env python3", "", 'command = ["/usr/bin/env", "python3", "-m", "distributed.cli.dask_worker"]'),
        (
            "python3 -u",
            '["-m", "dask_cuda.cli.dask_cuda_worker"]',
            '["python3", "-u", "-m", "dask_cuda.cli.dask_cuda_worker"]',
        ),
    ],
)
def test_sge604_several_words_go_in_worker_command(
    python: str, command: str, hint: str, compiled: Callable[..., Result]
) -> None:
    """The script quotes worker.python as one word, so its words are offered as worker.command, with the module it runs."""
    text = W + f'python = "{python}"\n' + (f"command = {command}\n" if command else "")
    (found,) = [d for d in compiled(text).diagnostics if d.code == "SGE604"]
    assert "words in one" in found.message and found.hint and hint in found.hint


@pytest.mark.parametrize(
    ("extra_args", "found"),
    [
        ('["--nthreads", "8"]', True),
        ('["--memory-limit=64GB"]', True),
        ('["--no-nanny"]', True),
        ('["--name", "w1"]', True),
        ('["--resources", "GPU=1", "--lifetime", "1h"]', False),
        ('["--nthreads-extra"]', False),
    ],
)
def test_sge408_extra_args_that_override_the_worker_command(
    extra_args: str, found: bool, compiled: Callable[..., Result]
) -> None:
    assert ("SGE408" in _codes(compiled(W + f"extra_args = {extra_args}\n"))) == found


@pytest.mark.parametrize(
    ("worker", "said"),
    [
        ('extra_args = ["--no-nanny"]', "gives --no-nanny, after the worker command's --nanny;"),
        ('nanny = false\nextra_args = ["--nanny"]', "gives --nanny, after the worker command's --no-nanny;"),
        ('command = ["-m", "distributed.cli.dask_worker", "--no-nanny"]', "before the worker command's --nanny,"),
    ],
)
def test_sge408_names_the_nanny_switch_the_command_gives(
    worker: str, said: str, compiled: Callable[..., Result]
) -> None:
    """The message names the one of --nanny and --no-nanny that sgecompile wrote, not the one given again."""
    (found,) = [d for d in compiled(W + worker + "\n").diagnostics if d.code == "SGE408"]
    assert said in found.message


def test_sge408_knows_only_options_dask_worker_has() -> None:
    """Each option the rule watches is one of `dask worker`'s, so a rename in distributed shows here."""
    from distributed.cli.dask_worker import main

    from sgecompile.rules.slots import DERIVED_WORKER_OPTIONS

    options = {name for param in main.params for name in (*param.opts, *param.secondary_opts)}
    assert set(DERIVED_WORKER_OPTIONS) <= options


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("07:32:00", "worker.cores must be a whole number, not a time 07:32:00"),
        ('[1, "a"]', 'worker.cores must be a whole number, not an array [1, "a"]'),
        ('"ten"', 'worker.cores must be a whole number, not a string "ten"'),
    ],
)
def test_sge005_names_the_toml_type_and_value(value: str, message: str, compiled: Callable[..., Result]) -> None:
    found = compiled(f'[worker]\ncores = {value}\nmemory = "4GB"\n').diagnostics
    assert [d.message for d in found if d.code == "SGE005"] == [message]


def test_sge204_when_job_skip_drops_the_walltime(compiled: Callable[..., Result]) -> None:
    found = compiled(W + '[job]\nwalltime = "1:00:00"\nskip = ["-l"]\n').diagnostics
    (info,) = [d for d in found if d.code == "SGE204"]
    assert info.location.line == 6 and "job.skip removes every -l request" in info.message


@pytest.mark.parametrize(
    ("job", "hint"),
    [
        ('walltime = "-1"', 'a duration ("12h", "1d12h")'),
        ('directives = ["-l h_rt=1h"]', 'or set job.walltime, which also reads "12h"'),
        ('resources = { h_rt = "1h" }', 'or set job.walltime, which also reads "12h"'),
    ],
)
def test_sge202_offers_durations_only_where_they_are_read(job: str, hint: str, compiled: Callable[..., Result]) -> None:
    """qsub reads `-l h_rt` itself, and takes no `12h`; job.walltime does."""
    (found,) = [d for d in compiled(W + f"[job]\n{job}\n").diagnostics if d.code == "SGE202"]
    assert hint in (found.hint or "")


def test_sge406_names_the_skip_that_removed_the_pe(compiled: Callable[..., Result]) -> None:
    (found,) = [
        d for d in compiled(W + '[site]\npe = "smp"\n[job]\nskip = ["-pe"]\n').diagnostics if d.code == "SGE406"
    ]
    assert (
        found.message.endswith("reserves 1 slot: job.skip removes the -pe")
        and found.hint == 'Remove "-pe" from job.skip.'
    )


@pytest.mark.parametrize(
    ("line", "hint"),
    [
        ("cores = 2.0", "cores = 2"),
        ('cores = "8"', "cores = 8"),
        ('cores = "ten"', "cores = 1"),  # no processes to draw from: one core, not an unrelated sample
        ('nanny = "True"', "nanny = true"),
        ("death_timeout = 60.5", "death_timeout = 60"),  # the default, not a sample unrelated to it
    ],
)
def test_sge005_hint_writes_the_value_as_the_key_wants_it(
    line: str, hint: str, compiled: Callable[..., Result]
) -> None:
    text = f'[worker]\nmemory = "1GB"\n{line}\n' + ("" if line.startswith("cores") else "cores = 1\n")
    (found,) = [d for d in compiled(text).diagnostics if d.code == "SGE005"]
    assert found.hint == hint


def test_sge001_names_the_variant_table_the_key_is_in(compiled: Callable[..., Result]) -> None:
    (found,) = [d for d in compiled(W + '[variants."big run".job]\nwaltime = 120\n').diagnostics if d.code == "SGE001"]
    assert found.message == "unknown key 'waltime' in [variants.\"big run\".job]"


@pytest.mark.parametrize(
    ("job", "found"),
    [
        ('directives = ["-l mem_free=512"]', True),
        ('resources = { h_vmem = "1048575" }', True),
        ('resources = { h_vmem = "1048576" }', False),  # a mebibyte in bytes: meant as written
        ('resources = { h_vmem = "4G" }', False),
        ('resources = { arch = "4" }', False),  # not a memory resource
    ],
)
def test_sge106_unitless_memory_under_a_mebibyte(job: str, found: bool, compiled: Callable[..., Result]) -> None:
    assert ("SGE106" in {d.code for d in compiled(W + f"[job]\n{job}\n").diagnostics}) is found


def test_sge301_states_a_total_that_is_no_whole_mebibyte_in_bytes(compiled: Callable[..., Result]) -> None:
    """Rounded up to 1M, an 8-byte total read as a real reservation."""
    profile = '[site]\nmemory_resource = "h_vmem"\npe = "smp"\n' + W + "[job]\nresources = { h_vmem = 4 }\n"
    (found,) = [d for d in compiled(profile).diagnostics if d.code == "SGE301"]
    assert "per slot x 2 slots = 8 bytes, less than" in found.message


@pytest.mark.parametrize(
    ("ranges", "codes"),
    [("4", set()), ("04", set()), ("4-4", set()), ("4,4", set()), ("1,2", {"SGE403"}), ("2-8", {"SGE403"})],
)
def test_pe_ranges_as_sge_reads_them(ranges: str, codes: set[str], compiled: Callable[..., Result]) -> None:
    """qsub takes range lists (`1,2`); `04` and `4-4` are exactly 4 slots (checked on the test SGE)."""
    text = f'[worker]\ncores = 4\nmemory = "1GB"\n[job]\ndirectives = ["-pe threaded {ranges}"]\n'
    assert {d.code for d in compiled(text).diagnostics} & {"SGE403", "SGE404"} == codes


def test_sge102_states_an_amount_that_is_no_whole_mebibyte_in_bytes(compiled: Callable[..., Result]) -> None:
    (found,) = [
        d for d in compiled(W + '[job]\nresources = { virtual_free = "00" }\n').diagnostics if d.code == "SGE102"
    ]
    assert found.message == "SGE reads '00' as octal: 0 bytes"  # it said "1M (0 bytes)"


@pytest.mark.parametrize("job", ['resources = { h_rt = "99:99:99" }', 'directives = ["-l h_rt=0:90:00"]'])
def test_sge203_notes_an_h_rt_written_in_resources_or_directives(job: str, compiled: Callable[..., Result]) -> None:
    assert "SGE203" in {d.code for d in compiled(W + f"[job]\n{job}\n").diagnostics}


def test_sge406_names_a_pe_line_in_the_prologue(compiled: Callable[..., Result]) -> None:
    """A `#$ -pe` line in the prologue is named, not reported as 'no parallel environment is set'."""
    text = '[worker]\ncores = 4\nmemory = "4GB"\n[job]\nprologue = ["#$ -pe smp 4"]\n'
    (found,) = [d for d in compiled(text).diagnostics if d.code == "SGE406"]
    assert "the prologue line '#$ -pe smp 4' asks for slots where no check counts them" in found.message


def test_a_missing_required_key_hides_no_other_finding(compiled: Callable[..., Result]) -> None:
    """Without worker.memory, the prologue's `#$` line (SGE603) is reported next to SGE006, and nothing about memory."""
    found = compiled('[worker]\ncores = 1\n[job]\nwalltime = 3600\nprologue = ["#$ -q x"]\n').diagnostics
    assert {d.code for d in found} == {"SGE006", "SGE603"}


def test_hints_for_required_and_mistyped_keys_fit_the_profile(compiled: Callable[..., Result]) -> None:
    """cores = 1 gets memory = "4GB" and processes = 1 as examples, and SGE006 names dask's own configuration file."""
    (missing,) = [d for d in compiled("[worker]\ncores = 1\n").diagnostics if d.code == "SGE006"]
    assert missing.hint == '[worker] memory = "4GB"'
    assert "jobqueue.sge.memory in ~/.config/dask/jobqueue.yaml" in missing.message
    (mistyped,) = [d for d in compiled('[worker]\ncores = 1\nprocesses = "x"\n').diagnostics if d.code == "SGE005"]
    assert mistyped.hint == "processes = 1"


def test_a_missing_memory_is_suggested_from_the_jobs_own_memory_request(compiled: Callable[..., Result]) -> None:
    """dask-jobqueue's example deployment asks m_mem_free=20G: the hint offers that amount as worker.memory."""
    text = '[worker]\ncores = 1\n[job]\nresources = { m_mem_free = "20G" }\n'
    (found,) = [d for d in compiled(text).diagnostics if d.code == "SGE006"]
    assert found.hint == '[worker] memory = "20GiB" (the m_mem_free the job requests)'


def test_sge408_leaves_options_the_command_does_not_set(compiled: Callable[..., Result]) -> None:
    """`--interface ib0` in extra_args is the worker's only setting while worker.interface is unset: no SGE408."""
    assert "SGE408" not in {d.code for d in compiled(W + 'extra_args = ["--interface", "ib0"]\n').diagnostics}
    text = W + 'interface = "eth0"\nextra_args = ["--interface", "ib0"]\n'
    assert "SGE408" in {d.code for d in compiled(text).diagnostics}


@pytest.mark.parametrize(
    ("memory", "processes", "found", "said"),
    [
        ('"16"', 1, True, "16 bytes each (a number without a unit is bytes to dask)"),
        ("4", 2, True, "2 bytes each"),
        ('"63MiB"', 2, True, "MB each; a dask worker takes more than 32 MiB to start"),
        ('"64MiB"', 2, False, ""),  # 32 MiB each: the bound, below the 47 MiB a worker takes
        ('"16GB"', 2, False, ""),
    ],
)
def test_sge303_a_share_no_worker_starts_in(
    memory: str, processes: int, found: bool, said: str, compiled: Callable[..., Result]
) -> None:
    """A process's share below what importing distributed's worker takes (a number without a unit is bytes)."""
    result = compiled(f"[worker]\ncores = 2\nprocesses = {processes}\nmemory = {memory}\n")
    messages = [d.message for d in result.diagnostics if d.code == "SGE303"]
    assert bool(messages) == found and all(said in m for m in messages)


@pytest.mark.parametrize(
    ("site", "request_", "found"),
    [
        ('extends = "@sites/wynton"\n', 'h_vmem = "100M"', True),  # the site reserves mem_free
        ('[site]\npe = "smp"\nmemory_resource = "h_vmem"\n', 'h_data = "100M"', True),
        ('[site]\npe = "smp"\nmemory_resource = "mem_free"\n', 'h_vmem = "3G"', False),  # 12G in all: enough
        ('[site]\npe = "smp"\nmemory_resource = "mem_free"\n', 'arch = "lx-amd64"', False),  # no limit
    ],
)
def test_sge301_a_limit_the_site_does_not_name_is_checked_too(
    site: str, request_: str, found: bool, compiled: Callable[..., Result]
) -> None:
    """A written h_vmem below worker.memory fails whatever the site reserves: counted per slot, the most it gives."""
    result = compiled(site + f"[job]\nresources = {{ {request_} }}\n" + '[worker]\ncores = 4\nmemory = "8GiB"\n')
    messages = [d.message for d in result.diagnostics if d.code == "SGE301"]
    assert bool(messages) == found
    assert all("do not include" in m and "per slot x 4 slots" in m for m in messages)


def test_sge411_knows_every_option_of_dask_worker_and_which_take_no_value() -> None:
    """The options the rule accepts are exactly `dask worker`'s, switches apart, so a rename in distributed shows."""
    from distributed.cli.dask_worker import main

    from sgecompile.rules.slots import DASK_WORKER_OPTIONS, DASK_WORKER_SWITCHES

    options = [param for param in main.params if param.param_type_name == "option"]
    assert {name for p in options for name in (*p.opts, *p.secondary_opts)} == DASK_WORKER_OPTIONS
    switches = {name for p in options if getattr(p, "is_flag", False) for name in (*p.opts, *p.secondary_opts)}
    assert switches - {"--version"} == DASK_WORKER_SWITCHES


@pytest.mark.parametrize(
    ("extra", "found"),
    [
        ('["--nthread", "4"]', ["--nthread"]),
        ('["--name", "--weird", "--resources=GPU=1"]', []),  # a value, and an option with its value
        ('["--no-nanny", "--dashbord"]', ["--dashbord"]),
        ('["--preload", "mymodule", "--mymodule-option"]', []),  # the preloaded module's own options
        ('["--"]', []),
    ],
)
def test_sge411_an_option_dask_worker_does_not_take(
    extra: str, found: list[str], compiled: Callable[..., Result]
) -> None:
    """Each option of extra_args that `dask worker` would stop at; values and a preload's options left alone."""
    result = compiled(W + f"extra_args = {extra}\n")
    assert [d.message.split()[0] for d in result.diagnostics if d.code == "SGE411"] == found


def test_sge411_leaves_another_program_alone(compiled: Callable[..., Result]) -> None:
    """dask-cuda-worker has options of its own."""
    result = compiled(W + 'command = ["dask-cuda-worker"]\nextra_args = ["--rmm-pool-size", "1GB"]\n')
    assert "SGE411" not in {d.code for d in result.diagnostics}


def test_sge411_names_the_distributed_it_knows() -> None:
    """The message names the distributed whose options the rule knows: the installed one, which the test above reads."""
    from importlib.metadata import version

    from sgecompile.rules.slots import DISTRIBUTED_TESTED

    assert version("distributed").startswith(DISTRIBUTED_TESTED)


@pytest.mark.parametrize(("pe", "found"), [("-pe smp 16", False), ("-pe smp 4-", False), ("-pe smp 8", True)])
def test_sge301_counts_the_most_slots_the_header_asks(pe: str, found: bool, compiled: Callable[..., Result]) -> None:
    """h_vmem=1500M per slot under `-pe smp 16` is up to 24000M, more than 16GB: no certain failure, no error
    (SGE403 warns of the slots); an open range has no bound; 8 slots give 12000M, less: an error."""
    result = compiled(
        '[site]\nmemory_resource = "mem_free"\nmemory_per = "job"\n'
        f'[job]\ndirectives = ["{pe}", "-l h_vmem=1500M"]\n[worker]\ncores = 8\nmemory = "16GB"\n'
    )
    assert ("SGE301" in {d.code for d in result.diagnostics}) == found


def test_sge307_gpus_counted_per_host_on_son_of_grid_engine(compiled: Callable[..., Result]) -> None:
    """gpu_per = "host" has no HOST consumable to count it on flavor sge either: the same error as for memory."""
    site = '[site]\nflavor = "{}"\npe = "smp"\ngpu_resource = "gpu"\ngpu_per = "host"\n'
    worker = '[worker]\ncores = 4\nmemory = "8GB"\ngpus = 2\n'
    found = [d for d in compiled(site.format("sge") + worker).diagnostics if d.code == "SGE307"]
    assert [(d.location.line, d.message.split(":")[0]) for d in found] == [(5, 'gpu counted per "host"')]
    assert "SGE307" not in {d.code for d in compiled(site.format("uge") + worker).diagnostics}


@pytest.mark.parametrize(
    ("site", "walltime", "codes"),
    [
        ('max_walltime = "24:00:00"', '"24:00:00"', set()),
        ('max_walltime = "24:00:00"', '"24:00:01"', {"SGE206"}),
        ('max_walltime = "1d"', "90000", {"SGE206"}),
        ('default_walltime = "2:00:00"', None, {"SGE207"}),
        ('default_walltime = "2:00:00"', '"1:00:00"', set()),
        ("", None, {"SGE204"}),  # no site default known: the queue's limit, an info
        ('max_walltime = "tomorrow"', '"1:00:00"', {"SGE202"}),
    ],
)
def test_the_sites_walltime_limit_and_default(
    site: str, walltime: str | None, codes: set[str], compiled: Callable[..., Result]
) -> None:
    """site.max_walltime warns of a longer job (SGE206); site.default_walltime of none at all (SGE207)."""
    job = f"[job]\nwalltime = {walltime}\n" if walltime else ""
    result = compiled(f"[site]\n{site}\n" + W + job)
    assert {d.code for d in result.diagnostics} & {"SGE202", "SGE204", "SGE206", "SGE207"} == codes


@pytest.mark.parametrize(("preset", "limit"), [("hoffman2", 24), ("dundee", 12), ("young", 24), ("myriad", 48)])
def test_a_presets_documented_walltime_limit_warns(preset: str, limit: int, compiled: Callable[..., Result]) -> None:
    """A 4-core job one hour longer than the site's documented limit is SGE206, and one within it is not."""
    for hours, warned in ((limit, False), (limit + 1, True)):
        text = f'extends = "@sites/{preset}"\n[job]\nwalltime = "{hours}:00:00"\n[worker]\ncores = 4\nmemory = "16GB"\n'
        assert ("SGE206" in {d.code for d in compiled(text).diagnostics}) == warned, (preset, hours)
