"""One failing profile and its passing fix for every rule code, asserting code, severity and line."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sgecompile.diagnostics import Severity
from sgecompile.pipeline import Result
from sgecompile.rules import CATALOGUE

W = '[worker]\ncores = 2\nmemory = "4GB"\n'  # lines 1-3 of most cases below

# code: (failing profile, line of the finding, the fix)
CASES: dict[str, tuple[str, int, str]] = {
    "SGE001": (W + '[job]\nwalltme = "1:00:00"\n', 5, W + '[job]\nwalltime = "1:00:00"\n'),
    "SGE002": (W + "[job]\nqueue = all.q\n", 5, W + '[job]\nqueue = "all.q"\n'),
    "SGE004": (W, 0, W + "[variants.big]\nworker = { cores = 4 }\n"),
    "SGE005": ('[worker]\ncores = "2"\nmemory = "4GB"\n', 2, W),
    "SGE006": ("[worker]\ncores = 2\n", 1, W),
    "SGE007": (W + '[job]\njob_extra = ["-m ea"]\n', 5, W + '[job]\ndirectives = ["-m ea"]\n'),
    "SGE101": (W + '[job]\nresources = { h_vmem = "64GB" }\n', 5, W + '[job]\nresources = { h_vmem = "64G" }\n'),
    "SGE102": (W + '[job]\nresources = { mem_free = "010G" }\n', 5, W + '[job]\nresources = { mem_free = "10G" }\n'),
    "SGE103": (W + '[job]\nresources = { h_vmem = "lots" }\n', 5, W + '[job]\nresources = { h_vmem = "4G" }\n'),
    "SGE104": ('[worker]\ncores = 2\nmemory = "sixty"\n', 3, W),
    "SGE105": (
        '[worker]\ncores = 2\nmemory = "4G"\n[site]\nmemory_resource = "h_vmem"\n',
        3,
        W + '[site]\nmemory_resource = "h_vmem"\n',
    ),
    "SGE201": (W + '[job]\nwalltime = "00:30"\n', 5, W + '[job]\nwalltime = "0:30:00"\n'),
    "SGE202": (W + '[job]\nwalltime = "-1:00:00"\n', 5, W + '[job]\nwalltime = "1:00:00"\n'),
    "SGE203": (W + '[job]\nwalltime = "99:99:99"\n', 5, W + '[job]\nwalltime = "100:40:39"\n'),
    "SGE204": (W + '[job]\nqueue = "all.q"\n', 4, W + '[job]\nwalltime = "1:00:00"\n'),
    "SGE301": (
        '[site]\npe = "smp"\nmemory_resource = "h_vmem"\n[job]\nresources = { h_vmem = "1G" }\n[worker]\ncores = 2\nmemory = "4GB"\n',
        5,
        '[site]\npe = "smp"\nmemory_resource = "h_vmem"\n[job]\nresources = { h_vmem = "3G" }\n[worker]\ncores = 2\nmemory = "4GB"\n',
    ),
    "SGE302": (
        '[site]\npe = "smp"\nmemory_resource = "h_vmem"\n[job]\nresources = { h_vmem = "64G" }\n[worker]\ncores = 2\nmemory = "4GB"\n',
        5,
        '[site]\npe = "smp"\nmemory_resource = "h_vmem"\n[worker]\ncores = 2\nmemory = "4GB"\n',
    ),
    "SGE304": (
        '[site]\nmemory_resource = "h_vmem"\n[job]\nresources = { h_vmem = "4G" }\n[worker]\ncores = 2\nmemory = "4GB"\n',
        4,
        '[site]\nmemory_resource = "h_vmem"\n[job]\nresources = { h_vmem = "6G" }\n[worker]\ncores = 2\nmemory = "4GB"\n',
    ),
    "SGE401": (
        '[worker]\ncores = 10\nprocesses = 3\nmemory = "4GB"\n',
        3,
        '[worker]\ncores = 10\nprocesses = 2\nmemory = "4GB"\n',
    ),
    "SGE402": (
        '[worker]\ncores = 2\nprocesses = 4\nmemory = "4GB"\n',
        3,
        '[worker]\ncores = 2\nprocesses = 2\nmemory = "4GB"\n',
    ),
    "SGE403": (
        '[worker]\ncores = 1\nmemory = "4GB"\n[job]\ndirectives = ["-pe threaded 10"]\n',
        5,
        '[worker]\ncores = 1\nmemory = "4GB"\ntask_cores = 10\n[job]\ndirectives = ["-pe threaded 10"]\n',
    ),
    "SGE404": (W + '[job]\ndirectives = ["-pe threaded"]\n', 5, W + '[site]\npe = "threaded"\n'),
    "SGE405": (W + "[job]\nresources = { slots = 2 }\n", 5, W + '[site]\npe = "smp"\n'),
    "SGE406": (W, 2, W + '[site]\npe = "smp"\n'),
    "SGE303": ('[worker]\ncores = 4\nprocesses = 4\nmemory = "3B"\n', 4, W),
    "SGE407": (
        '[site]\npe = "smp"\n[worker]\ncores = 5000\ntask_cores = 5000\nmemory = "4GB"\n',
        5,
        '[site]\npe = "smp"\n[worker]\ncores = 5000\ntask_cores = 1999\nmemory = "4GB"\n',
    ),
    "SGE408": (
        W + 'extra_args = ["--resources", "GPU=1", "--nthreads=8"]\n',
        4,
        W + 'extra_args = ["--resources", "GPU=1"]\n',
    ),
    "SGE501": (W + '[job]\ndirectives = ["-cwd"]\n', 5, W + "[job]\ndirectives = []\n"),
    "SGE502": (W + '[job]\nqueue = "a.q"\ndirectives = ["-q b.q"]\n', 6, W + '[job]\nqueue = "a.q"\n'),
    "SGE503": (
        W + '[job]\ndirectives = ["-wd /scratch"]\n',
        5,
        W + '[job]\ncwd = false\ndirectives = ["-wd /scratch"]\n',
    ),
    "SGE504": (
        W + '[job]\ndirectives = ["-e logs/"]\n',
        5,
        W + '[job]\njoin_output = false\ndirectives = ["-e logs/"]\n',
    ),
    "SGE505": (W + '[job]\ndirectives = ["-mem 4G"]\n', 5, W + '[job]\ndirectives = ["-m ea"]\n'),
    "SGE506": (W + '[job]\ndirectives = ["-m"]\n', 5, W + '[job]\ndirectives = ["-m ea"]\n'),
    "SGE507": (W + '[job]\ndirectives = ["-b y"]\n', 5, W + '[job]\ndirectives = ["-r y"]\n'),
    "SGE508": (W + '[job]\nname = "run#2"\n', 5, W + '[job]\nname = "run-2"\n'),
    "SGE509": (W + '[job]\nskip = ["-J"]\n', 5, W + '[job]\nskip = ["-j"]\n'),
    "SGE510": (W + '[job]\nqueue = "all q"\n', 5, W + '[job]\nqueue = "all.q"\n'),
    "SGE511": (
        W + '[job]\nresources = { arch = "lx-amd64,h_vmem=64GB" }\n',
        5,
        W + '[job]\nresources = { arch = "lx-amd64", h_vmem = "64G" }\n',
    ),
    "SGE603": (W + '[job]\nprologue = ["#$ -q other.q"]\n', 5, W + '[job]\nqueue = "other.q"\n'),
    "SGE604": (W + 'python = "PYTHONPATH=/opt/lib"\n', 4, W + 'python = "/usr/bin/python3"\n'),
    "SGE605": (W + '[job]\nprologue = ["if true; then", "echo \\"a"]\n', 5, W + '[job]\nprologue = ["echo a"]\n'),
    "SGE702": ('[site]\nshell = "bash"\n' + W, 2, '[site]\nshell = "/bin/bash"\n' + W),
    "SGE106": (W + "[job]\nresources = { h_vmem = 4 }\n", 5, W + '[job]\nresources = { h_vmem = "4G" }\n'),
    "SGE512": (W + '[job]\ndirectives = ["-t 1-5"]\n', 5, W + "[job]\n"),
    "SGE513": (W + '[job]\ndirectives = ["-soft", "-l arch=x"]\n', 5, W + '[job]\ndirectives = ["-soft -l arch=x"]\n'),
    "SGE703": (W + '[job]\nlog_directory = "$SCRATCH/logs"\n', 5, W + '[job]\nlog_directory = "$HOME/logs"\n'),
    "SGE601": (W + '[job]\nname = "2nd-run"\n', 5, W + '[job]\nname = "run-2"\n'),
    "SGE602": (W + '[job]\nqueue = "all.q\\n#$ -l h_vmem=1T"\n', 5, W + '[job]\nqueue = "all.q"\n'),
    "SGE701": (
        W + '[job]\nskip = ["-S"]\nprologue = ["source activate env"]\n',
        5,
        W + '[job]\nprologue = ["source activate env"]\n',
    ),
}


def _codes(result: Result) -> set[str]:
    return {d.code for d in result.diagnostics}


@pytest.mark.parametrize("code", sorted(CASES))
def test_failing_profile_gets_the_code_on_its_line(code: str, compiled: Callable[..., Result]) -> None:
    """The failing profile yields the rule's code, with the rule's severity, on the line of the mistake."""
    text, line, _fix = CASES[code]
    result = compiled(text, "nope" if code == "SGE004" else None)
    hits = [d for d in result.diagnostics if d.code == code]
    assert hits, result.diagnostics
    assert hits[0].severity is CATALOGUE[code].severity
    assert hits[0].location.line == (line or None)
    assert hits[0].location.file and hits[0].location.file.endswith("profile.toml")
    assert hits[0].message


@pytest.mark.parametrize("code", sorted(CASES))
def test_fixed_profile_passes_that_rule(code: str, compiled: Callable[..., Result]) -> None:
    """The fix in the rule's hint makes the finding go away."""
    _text, _line, fix = CASES[code]
    result = compiled(fix, "big" if code == "SGE004" else None)
    assert code not in _codes(result), result.diagnostics


def test_every_rule_has_a_case_and_a_reference_entry() -> None:
    """No rule is without a failing fixture or without its documentation."""
    # files and extends: tests/test_loader.py; live rules (SGE8xx): tests/rules/test_cluster.py
    testable = {c for c in CATALOGUE if c != "SGE003" and not c.startswith("SGE8")}
    assert testable <= set(CASES), testable - set(CASES)
    for rule in CATALOGUE.values():
        assert rule.summary and "Why:" in rule.doc and "Example:" in rule.doc and "Use instead:" in rule.doc, rule.code


def test_errors_block_the_plan_warnings_do_not(compiled: Callable[..., Result]) -> None:
    """A profile with only warnings compiles; one with an error is not ok."""
    assert compiled(CASES["SGE501"][0]).ok
    assert not compiled(CASES["SGE502"][0]).ok
    assert all(d.severity is not Severity.ERROR for d in compiled(CASES["SGE203"][0]).diagnostics)


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
        ("4GB", "Write one of: `4G` = 4.3 GB; exactly 4 GB: `4g`."),  # 4G is also the nearest G: said once
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
    [("if", True), ("time", True), ("A=b", True), ("%1", True), ("python3", False), ("/opt/py/bin/python", False)],
)
def test_sge604_python_bash_would_not_run(python: str, found: bool, compiled: Callable[..., Result]) -> None:
    assert ("SGE604" in _codes(compiled(W + f'python = "{python}"\n'))) == found


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
    found = compiled('[worker]\ncores = 1\n[job]\nwalltime = 60\nprologue = ["#$ -q x"]\n').diagnostics
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
