"""Memory and walltime arithmetic: pure functions, exact integers, no I/O.

Two unit systems meet in every SGE + dask profile and disagree on the same
letters: dask reads ``64G`` and ``64GB`` as 64 * 10**9 bytes, SGE reads ``64G``
as 64 * 1024**3 and ``64g`` as 64 * 1000**3, and rejects ``64GB`` outright.
Every amount is therefore kept as an exact byte count *with* the system it was
written in, and each parser reports *why* a text is not a value (a
:class:`UnitError` with a stable ``problem``), so that diagnostics can explain
the trap instead of saying "invalid".
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal
from typing import Literal

import attrs

KIB = 1024
MIB = 1024**2
GIB = 1024**3
# Amounts are bounded by a yottabyte: larger ones are typos, and every smaller
# one, written in SGE's M or G, reads back through parse_sge_memory (24 digits at most).
MAX_MEMORY = 10**24

System = Literal["dask", "sge"]

# dask.utils.parse_bytes: decimal prefixes for k/M/G/T/P (with or without B),
# binary ones only when spelled with an "i"; case-insensitive.
_DASK_FACTORS: dict[str, int] = {"": 1, "b": 1}
for _i, _p in enumerate("kmgtp", start=1):
    _DASK_FACTORS[_p] = _DASK_FACTORS[_p + "b"] = 1000**_i
    _DASK_FACTORS[_p + "i"] = _DASK_FACTORS[_p + "ib"] = 1024**_i

# sge_types(5), memory_specifier: lower case is powers of 1000, upper case of 1024.
SGE_FACTORS: dict[str, int] = {
    "": 1,
    "k": 1000,
    "K": KIB,
    "m": 1000**2,
    "M": MIB,
    "g": 1000**3,
    "G": GIB,
    "t": 1000**4,
    "T": 1024**4,
}

# Numbers are limited to 24 digits: larger amounts are typos, and unbounded ones cost unbounded time.
_DASK_RE = re.compile(r"^\s*(?P<number>[0-9]{0,24}\.?[0-9]{1,24}(?:[eE][+-]?[0-9]{1,2})?)\s*(?P<unit>[A-Za-z]*)\s*$")
_SGE_RE = re.compile(r"^(?P<number>0[xX][0-9a-fA-F]{1,20}|[0-9]{1,24})(?P<unit>[A-Za-z]*)$")
_DURATION_RE = re.compile(
    r"^(?:(?P<d>[0-9]{1,30})d)?(?:(?P<h>[0-9]{1,30})h)?(?:(?P<m>[0-9]{1,30})m)?(?:(?P<s>[0-9]{1,30})s)?$"
)
_FIELD_RE = re.compile(r"\s*[0-9]{0,30}\s*")  # sge_types(5): a field that would be 0 may be left out
MAX_WALLTIME = 100 * 365 * 86400  # seconds; a longer walltime is a typo


@attrs.frozen
class UnitError(ValueError):
    """A text that is not a value of its kind; ``problem`` says which trap it is."""

    problem: Literal[
        "empty",
        "not-a-number",
        "not-a-time",
        "two-fields",
        "not-positive",
        "octal",
        "too-large",
        "too-long",
        "unknown-unit",
        "decimal-suffix",
    ]
    text: str
    detail: str = ""

    def __str__(self) -> str:
        return self.detail or f"{self.text!r}: {self.problem}"


@attrs.frozen
class Memory:
    """An exact amount of memory and the unit system its text was written in."""

    bytes: int
    system: System
    text: str


def parse_dask_memory(text: str | int) -> Memory:
    """Read memory the way ``dask.utils.parse_bytes`` does, but exactly (no floats)."""
    if isinstance(text, bool):
        raise UnitError("not-a-number", str(text), "a memory amount, not true/false")
    if isinstance(text, int):
        if text <= 0:
            raise UnitError("not-positive", str(text), f"{text} bytes is not a usable amount")
        return _bounded_memory(Memory(text, "dask", str(text)))
    match = _DASK_RE.match(text)
    if not match:
        raise UnitError("not-a-number", text, f"{text!r} is not an amount of memory")
    unit = match["unit"].lower()
    if unit not in _DASK_FACTORS:
        raise UnitError("unknown-unit", text, f"{match['unit']!r} is not a dask memory unit")
    amount = int(Decimal(match["number"]) * _DASK_FACTORS[unit])
    if amount <= 0:
        raise UnitError("not-positive", text, f"{text!r} is no memory at all")
    return _bounded_memory(Memory(amount, "dask", text))


def _bounded_memory(memory: Memory) -> Memory:
    if memory.bytes >= MAX_MEMORY:
        raise UnitError("too-large", memory.text, f"{memory.text!r} is a yottabyte (10^24 bytes) or more")
    return memory


def parse_sge_memory(text: str | int) -> Memory:
    """Read an SGE ``memory_specifier`` as qmaster does, octal and hex included."""
    if isinstance(text, bool):
        raise UnitError("not-a-number", str(text), "a memory amount, not true/false")
    if isinstance(text, int):
        text = str(text)
    match = _SGE_RE.match(text)
    if not match:
        fraction = re.fullmatch(r"(?P<number>[0-9]{0,24}\.[0-9]{1,24})(?P<unit>[kKmMgGtT]?)", text)
        if fraction:  # qsub takes it; sgecompile counts whole bytes, as SGE reserves them
            amount = int(Decimal(fraction["number"]) * SGE_FACTORS[fraction["unit"]])
            raise UnitError(
                "not-a-number", text, f"{text!r} is a fraction: write whole units, e.g. {format_sge_memory(amount)}"
            )
        raise UnitError("not-a-number", text, f"{text!r} is not an SGE memory value")
    unit = match["unit"]
    if unit not in SGE_FACTORS:
        decimal = unit.rstrip("bB") in SGE_FACTORS and unit[-1:] in "bB"
        raise UnitError("decimal-suffix" if decimal else "unknown-unit", text, f"SGE has no memory unit {unit!r}")
    number = match["number"]
    if number[:2].lower() == "0x":
        value = int(number, 16)
    elif len(number) > 1 and number.startswith("0"):
        if not set(number) <= set("01234567"):
            raise UnitError("octal", text, f"{number!r} starts with 0, so SGE reads it as octal, and it is not")
        value = int(number, 8)
    else:
        value = int(number)
    return Memory(value * SGE_FACTORS[unit], "sge", text)


def has_octal_trap(text: str) -> bool:
    """Whether SGE reads this memory text as octal (a leading zero before other digits)."""
    match = _SGE_RE.match(text)
    number = match["number"] if match else ""
    return len(number) > 1 and number[0] == "0" and number[1] in "0123456789"


def format_sge_memory(amount: int) -> str:
    """Round up to whole MiB and write it in SGE's binary units: ``G`` when exact, else ``M``."""
    mib = max(1, -(-amount // MIB))  # whole numbers: a float division would round amounts above 2^73
    if mib % KIB == 0:
        return f"{mib // KIB}G"
    return f"{mib}M"


def exact_sge_memory(amount: int) -> str | None:
    """``amount`` in SGE's units when they hold it exactly (whole mebibytes), else None: 8 bytes is no "1M"."""
    return format_sge_memory(amount) if amount and amount % MIB == 0 else None


def format_dask_memory(amount: int) -> str:
    """Write bytes in dask's units as exactly as possible: GiB/MiB when exact, else GB/MB, else bytes."""
    for suffix, factor in (
        ("TiB", 1024**4),
        ("GiB", GIB),
        ("MiB", MIB),
        ("TB", 10**12),
        ("GB", 10**9),
        ("MB", 10**6),
        ("kB", 1000),
    ):
        if amount % factor == 0 and amount >= factor:
            return f"{amount // factor}{suffix}"
    return str(amount)


def describe_bytes(amount: int) -> str:
    """A decimal reading of a byte count for messages, e.g. ``68.7 GB``, ``953.7 MB``, ``1.02 kB`` (never ``1 kB`` for 1024)."""
    for unit, factor in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if amount >= factor:  # integer arithmetic: floats lose amounts above 2^53
            tenths = (amount * 10 + factor // 2) // factor
            if tenths % 10:
                return f"{tenths // 10}.{tenths % 10} {unit}"
            if amount % factor == 0:
                return f"{amount // factor} {unit}"
            hundredths = (amount * 100 + factor // 2) // factor
            return f"{hundredths // 100}.{hundredths % 100:02d} {unit}"
    return f"{amount} bytes"


@attrs.frozen
class Walltime:
    """A walltime in whole seconds, with the fields the user wrote (for typo notes)."""

    seconds: int
    text: str
    fields: tuple[int, ...] = ()


@functools.lru_cache(maxsize=1024, typed=True)  # every profile reads worker.lifetime_margin, mostly the default
def parse_walltime(text: str | int) -> Walltime:
    """Read ``H:M:S`` (fields may exceed 59 or be left out: ``1::1``), integer seconds, or ``1d12h30m10s``."""
    if isinstance(text, bool):
        raise UnitError("not-a-time", str(text), "a walltime, not true/false")
    if isinstance(text, int):
        return _bounded_walltime(text, str(text))
    stripped = text.strip()
    if not stripped:
        raise UnitError("empty", text, "the walltime is empty")
    if stripped.startswith("-"):
        raise UnitError("not-positive", text, f"{text!r} is negative")
    if ":" in stripped:
        return _parse_hms(text, stripped.split(":"))
    if re.fullmatch(r"[0-9]{1,30}", stripped):
        return parse_walltime(int(stripped))
    match = _DURATION_RE.match(stripped)
    if not match or not any(match.groupdict().values()):
        raise UnitError("not-a-time", text, f"{text!r} is not a walltime")
    parts = {k: int(v or 0) for k, v in match.groupdict().items()}
    return _bounded_walltime(parts["d"] * 86400 + parts["h"] * 3600 + parts["m"] * 60 + parts["s"], text)


def _parse_hms(text: str, fields: list[str]) -> Walltime:
    """Three fields, each a whole number or empty for 0, as qsub reads them (``1::`` is an hour, ``::`` nothing)."""
    if len(fields) != 3:
        raise UnitError(
            "two-fields" if len(fields) == 2 else "not-a-time",
            text,
            f"{text!r} has {len(fields)} fields; SGE wants H:M:S",
        )
    if not all(_FIELD_RE.fullmatch(f) for f in fields):
        raise UnitError("not-a-time", text, f"{text!r} is not H:M:S with whole numbers")
    h, m, s = (int(f.strip() or "0") for f in fields)
    return _bounded_walltime(h * 3600 + m * 60 + s, text, (h, m, s))


def _bounded_walltime(seconds: int, text: str, fields: tuple[int, ...] = ()) -> Walltime:
    if seconds <= 0:
        raise UnitError("not-positive", text, f"{text!r} is no time at all")
    if seconds > MAX_WALLTIME:
        raise UnitError("too-long", text, f"{text!r} is more than 100 years")
    return Walltime(seconds, text, fields)


def parse_sge_time(text: str) -> Walltime:
    """Read a time as qsub does in ``-l h_rt=...`` (sge_types(5)): whole seconds or ``H:M:S``,
    a field that would be 0 left out or not (``1::1`` is ``1:0:1``, ``::30`` is 30 s).

    qsub reads seconds with a leading 0 as octal (``010`` is 8 s; ``08`` it
    refuses), which is never what was meant: an error. It also takes hex
    seconds and more (``30m`` is 30 million seconds); sgecompile does not.
    """
    stripped = text.strip()
    if re.fullmatch(r"0[0-9]+", stripped):
        octal = f": {int(stripped, 8)} s" if set(stripped) <= set("01234567") else ", and refuses it"
        raise UnitError("not-a-time", text, f"{text!r} starts with 0, so qsub reads it as octal{octal}")
    if re.fullmatch(r"0[xX][0-9a-fA-F]{1,20}", stripped):
        raise UnitError(
            "not-a-time", text, f"{text!r} is hex, {int(stripped, 16)} s to qsub: write decimal seconds or H:M:S"
        )
    if stripped and ":" not in stripped and not re.fullmatch(r"-?[0-9]+", stripped):
        raise UnitError("not-a-time", text, f"{text!r} is not whole seconds or H:M:S")
    return parse_walltime(text)


def format_hms(seconds: int) -> str:
    """Normalised ``H:MM:SS`` (hours unbounded), the form ``qstat`` shows."""
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}"
