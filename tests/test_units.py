"""Memory and walltime arithmetic: examples from the issues, and properties for every input."""

from __future__ import annotations

import contextlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sgecompile.units import (
    GIB,
    MAX_MEMORY,
    MAX_WALLTIME,
    MIB,
    UnitError,
    describe_bytes,
    format_dask_memory,
    format_hms,
    format_sge_memory,
    parse_dask_memory,
    parse_sge_memory,
    parse_sge_time,
    parse_walltime,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("99:99:99", 362439),
        ("1:30:00", 5400),
        ("3600", 3600),
        (3600, 3600),
        ("2h30m", 9000),
        ("1d12h", 129600),
        ("45s", 45),
        ("0:0:1", 1),
        ("1::1", 3601),  # sge_types(5): a field that would be 0 can be left out, its colon kept
        ("::30", 30),
        ("1::", 3600),
        (":90:", 5400),
    ],
)
def test_walltime_examples(text: str | int, seconds: int) -> None:
    """Walltimes in every accepted form become whole seconds."""
    assert parse_walltime(text).seconds == seconds


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("00:30", "two-fields"),
        ("", "empty"),
        ("-1:00:00", "not-positive"),
        ("0:00:00", "not-positive"),
        ("soon", "not-a-time"),
        ("1:2:3:4", "not-a-time"),
        ("1:x:00", "not-a-time"),
        ("::", "not-positive"),  # every field left out: no time at all
        (":", "two-fields"),
        (0, "not-positive"),
    ],
)
def test_walltime_rejections_say_why(text: str | int, problem: str) -> None:
    """Walltimes SGE would refuse raise a UnitError naming the trap."""
    with pytest.raises(UnitError) as info:
        parse_walltime(text)
    assert info.value.problem == problem


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("64GB", 64 * 10**9),
        ("64 GB", 64 * 10**9),
        ("64GiB", 64 * GIB),
        ("1.5GiB", 3 * GIB // 2),
        ("500MB", 500 * 10**6),
        ("1kiB", 1024),
        ("64G", 64 * 10**9),
        (4096, 4096),
        ("1e6", 10**6),
    ],
)
def test_dask_memory_is_read_as_dask_reads_it(text: str | int, amount: int) -> None:
    """worker.memory follows dask.utils.parse_bytes, exactly."""
    assert parse_dask_memory(text).bytes == amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("64G", 64 * GIB),
        ("64g", 64 * 10**9),
        ("6104M", 6104 * MIB),
        ("100k", 100_000),
        ("100K", 102_400),
        ("010G", 8 * GIB),
        ("0x10M", 16 * MIB),
        ("4096", 4096),
        (4096, 4096),
    ],
)
def test_sge_memory_is_read_as_qmaster_reads_it(text: str | int, amount: int) -> None:
    """SGE memory: lower case powers of 1000, upper case of 1024, leading 0 octal, 0x hex."""
    assert parse_sge_memory(text).bytes == amount


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("64GB", "decimal-suffix"),
        ("64gb", "decimal-suffix"),
        ("64MB", "decimal-suffix"),
        ("64P", "unknown-unit"),
        ("lots", "not-a-number"),
        ("09G", "octal"),
        ("1.5G", "not-a-number"),
    ],
)
def test_sge_memory_rejections_say_why(text: str, problem: str) -> None:
    """SGE memory texts qsub refuses raise a UnitError naming the trap."""
    with pytest.raises(UnitError) as info:
        parse_sge_memory(text)
    assert info.value.problem == problem


@pytest.mark.parametrize(
    "text", ["1e24", "1e30GiB", "1000000000000000000000000", 10**24, "1000000000000000000000000TB"]
)
def test_a_yottabyte_or_more_is_too_large(text: str | int) -> None:
    """Amounts from 10^24 bytes on are typos, reported as such rather than carried into the script."""
    with pytest.raises(UnitError) as info:
        parse_dask_memory(text)
    assert info.value.problem == "too-large"
    assert parse_dask_memory(MAX_MEMORY - 1).bytes == MAX_MEMORY - 1


def test_format_sge_memory_matches_the_issue_example() -> None:
    """64 GB over 10 slots, rounded up to whole MiB, is 6104M; whole GiB are written as G."""
    assert format_sge_memory(64 * 10**9 // 10) == "6104M"
    assert format_sge_memory(-(-64 * 10**9 // 10)) == "6104M"
    assert format_sge_memory(4 * GIB) == "4G"
    assert format_sge_memory(1) == "1M"


@given(st.integers(min_value=1, max_value=MAX_MEMORY - 1))
def test_sge_memory_round_trip_never_loses_bytes(amount: int) -> None:
    """Formatting for SGE rounds up by less than one MiB and reads back in SGE's units, never with a B."""
    text = format_sge_memory(amount)
    assert "B" not in text and "b" not in text
    back = parse_sge_memory(text).bytes
    assert amount <= back < amount + MIB


@given(st.integers(min_value=1, max_value=MAX_MEMORY - 1))
def test_dask_memory_round_trip_is_exact(amount: int) -> None:
    """Writing bytes in dask's units and reading them back gives the same bytes."""
    assert parse_dask_memory(format_dask_memory(amount)).bytes == amount


@given(
    st.integers(min_value=0, max_value=800_000),  # 91 years: below MAX_WALLTIME with any minutes and seconds
    st.integers(min_value=0, max_value=10**4),
    st.integers(min_value=0, max_value=10**4),
)
def test_hms_fields_may_exceed_59(h: int, m: int, s: int) -> None:
    """H:M:S is h*3600 + m*60 + s for any fields, and normalising reads back the same seconds."""
    seconds = h * 3600 + m * 60 + s
    if seconds == 0:
        return
    parsed = parse_walltime(f"{h}:{m}:{s}")
    assert parsed.seconds == seconds
    assert parse_walltime(format_hms(seconds)).seconds == seconds


@given(
    st.integers(min_value=0, max_value=800_000),
    st.integers(min_value=0, max_value=10**4),
    st.integers(min_value=0, max_value=10**4),
    st.tuples(st.booleans(), st.booleans(), st.booleans()),
)
def test_hms_fields_that_are_zero_may_be_left_out(h: int, m: int, s: int, omit: tuple[bool, bool, bool]) -> None:
    """Leaving out a zero field, colon kept, reads as writing 0 (sge_types(5): 1::1 is 1:0:1), for qsub's h_rt too."""
    fields = [h, m, s]
    written = ":".join("" if left_out and not n else str(n) for n, left_out in zip(fields, omit, strict=True))
    seconds = h * 3600 + m * 60 + s
    if seconds == 0:
        return
    for parse in (parse_walltime, parse_sge_time):
        parsed = parse(written)
        assert (parsed.seconds, parsed.fields) == (seconds, (h, m, s))


@given(
    st.integers(min_value=0, max_value=400),
    st.integers(min_value=0, max_value=100),
    st.integers(min_value=0, max_value=1000),
)
def test_durations_add_up(d: int, h: int, m: int) -> None:
    """'1d12h30m' style durations are the sum of their parts."""
    text = f"{d}d{h}h{m}m"
    seconds = d * 86400 + h * 3600 + m * 60
    if seconds:
        assert parse_walltime(text).seconds == seconds


@given(st.one_of(st.text(max_size=30), st.integers(min_value=-(2**70), max_value=2**70)))
def test_parsers_only_raise_unit_errors(value: str | int) -> None:
    """No input makes a parser fail with anything but a UnitError."""
    for parse in (parse_walltime, parse_dask_memory, parse_sge_memory):
        with contextlib.suppress(UnitError):
            parse(value)


@pytest.mark.parametrize(
    "text", [MAX_WALLTIME + 1, "99999999999999999999999", "99999999999999999999999:00:00", "5d99999999999999h"]
)
def test_walltimes_over_a_hundred_years_are_too_long(text: str | int) -> None:
    """Each way of writing a walltime has the same bound, and says so rather than "not H:M:S"."""
    with pytest.raises(UnitError) as info:
        parse_walltime(text)
    assert info.value.problem == "too-long" and "more than 100 years" in str(info.value)
    assert parse_walltime(MAX_WALLTIME).seconds == MAX_WALLTIME


@given(st.integers(min_value=0, max_value=10**40))
def test_describe_bytes_rounds_honestly(amount: int) -> None:
    """Within half of its last digit, and a whole number only when the amount is one (1024 bytes is not "1 kB")."""
    text = describe_bytes(amount)
    number, unit = text.split(" ")
    factor = {"bytes": 1, "kB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}[unit]
    digits = len(number.partition(".")[2])
    shown = int(number.replace(".", ""))  # in units of factor / 10**digits
    assert abs(amount * 10**digits - shown * factor) * 2 <= factor
    assert digits or amount % factor == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("010", "'010' starts with 0, so qsub reads it as octal: 8 s"),
        ("08", "'08' starts with 0, so qsub reads it as octal, and refuses it"),
        ("30m", "'30m' is not whole seconds or H:M:S"),  # qsub: 30 million seconds
        ("0x10", "'0x10' is hex, 16 s to qsub: write decimal seconds or H:M:S"),
        ("::", "'::' is no time at all"),
    ],
)
def test_sge_time_traps(text: str, message: str) -> None:
    """Times qsub reads otherwise than they read, or not at all, say what qsub does with them."""
    with pytest.raises(UnitError, match=re.escape(message)):
        parse_sge_time(text)


def test_sge_memory_has_terabytes_and_no_fractions() -> None:
    """sge_types(5): t and T multiply by 1000^4 and 1024^4; qsub takes 1.5G, but SGE reserves whole bytes."""
    assert parse_sge_memory("1T").bytes == 1024**4 and parse_sge_memory("2t").bytes == 2 * 1000**4
    with pytest.raises(UnitError, match=re.escape("'1.5G' is a fraction: write whole units, e.g. 1536M")):
        parse_sge_memory("1.5G")
