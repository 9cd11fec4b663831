"""``explain --diagram``: the cluster a profile makes, drawn the way the user notes draw dask.

Client, scheduler, then the SGE jobs with what each reserves, the dask
processes inside a job with their memory limits, and their threads. Every
number comes from the explain rows (:mod:`sgecompile.explain`), so the drawing
says what ``explain --format json`` says; what ``check`` found is marked on
the box it concerns and spelt out below. Pure: rows and notes in, lines out,
never wider than :data:`WIDTH`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence

import attrs

from . import directives as dirs
from .diagnostics import Diagnostic, Location, Severity
from .explain import Row, amount_text
from .loader import SECTIONS, Loaded
from .tomlpos import Path as KeyPath
from .units import UnitError, exact_sge_memory, format_dask_memory, format_hms, parse_sge_memory, parse_sge_time

WIDTH = 80  # a terminal, a log file and a README all show 80 columns
FEW = 3  # more jobs or processes than this are drawn once, as "x N"
THREADS_LISTED = 8  # more threads than this are listed as t1 t2 t3 ... tN
LABEL = 10  # the column the job box's values start at


@attrs.frozen
class Charset:
    corners: str  # top left, top right, bottom left, bottom right
    across: str
    down: str
    more: str  # what a shortened name ends with


ASCII = Charset("++++", "-", "|", "...")
UNICODE = Charset("┌┐└┘", "─", "│", "…")
UNICODE_TEXT = "".join(attrs.astuple(UNICODE))  # what a terminal's encoding must hold for Unicode lines

MARKS = {Severity.WARNING: "!", Severity.INFO: "i"}  # explain refuses a profile with errors

# The box a finding concerns, by the first two parts of its key path: the keys of each process's own command
# line. The rest of a section is the job's: cores, processes, memory and task_cores set its slots and requests.
PROCESS_KEYS = frozenset(
    ("worker", name) for name in "nanny python death_timeout interface local_directory extra_args".split()
)
# Amounts whose text says what they are: the memory request in SGE's units as most write them; and for
# other requests anything but SGE's decimal units (5g), which may be no amount at all (gpu=2, arch=x).
BINARY_AMOUNT = re.compile(r"[1-9][0-9]*[KMGT]")
PLAIN_AMOUNT = re.compile(r"(?![0-9]+[kmgt]$).*")


@attrs.frozen
class Note:
    """A finding of ``check``, and the box it is drawn next to: "job", "process" or "profile"."""

    box: str
    diagnostic: Diagnostic

    @property
    def mark(self) -> str:
        return f"{MARKS[self.diagnostic.severity]} {self.diagnostic.code}"


def notes(diagnostics: Sequence[Diagnostic], loaded: Loaded) -> list[Note]:
    """Place each finding by the key it was reported at; one at no key concerns the whole profile.

    Rules report at a key path, which becomes the location of the value that
    key holds, or of its table's header for a key nobody set (``[job]`` for
    no walltime); this reads it back the same way.
    """
    sections: list[KeyPath] = [(s,) for s in SECTIONS if loaded.where((s,)).line]  # headers the files have
    keys: dict[Location, KeyPath] = {loaded.where(key): key for key in [*sections, *loaded.origins]}
    return [Note(_box(keys.get(d.location)), d) for d in diagnostics]


def _box(key: KeyPath | None) -> str:
    if key is None or key[0] not in ("site", "job", "worker"):
        return "profile"
    return "process" if key[:2] in PROCESS_KEYS else "job"


@attrs.frozen
class Box:
    """A titled frame around lines (each a list of phrases that are never split) and smaller boxes."""

    title: str
    lines: tuple[tuple[str, ...], ...] = ()
    inner: tuple[Box, ...] = ()
    marks: str = ""

    @property
    def natural(self) -> int:
        """The width that holds the title, the marks and every line unwrapped."""
        ends = [columns(self.title) + 6, columns(self.marks) + 6]
        lines = (columns(" ".join(line)) + 4 for line in self.lines)
        return max([*ends, *lines, *(b.natural + 4 for b in self.inner)])

    def draw(self, width: int, chars: Charset) -> list[str]:
        """The title on the top edge, the marks of what check found at the right of the bottom edge."""
        tl, tr, bl, br = (chars.corners[i] for i in range(4))
        across, down = chars.across, chars.down
        top = _pad(f"{tl}{across} {_short(self.title, width - 6, chars)} ", width - 1, across) + tr
        body = [
            f"{down} {_pad(text, width - 4)} {down}" for line in self.lines for text in _fill(line, width - 4, chars)
        ]
        body += [f"{down} {text} {down}" for box in self.inner for text in box.draw(width - 4, chars)]
        marks = f" {_marks_within(self.marks, width - 6, chars)} {across}" if self.marks else ""
        return [top, *body, bl + _pad(marks, width - 2, across, right=True) + br]


def columns(text: str) -> int:
    """The columns a terminal gives ``text``: wide (CJK) characters take two, combining ones none."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, fill: str = " ", right: bool = False) -> str:
    """``text`` filled up to ``width`` columns, on the right (or on the left, ``right``)."""
    padding = fill * (width - columns(text))
    return padding + text if right else text + padding


def _cut(text: str, width: int) -> str:
    """The longest start of ``text`` that fits in ``width`` columns."""
    while columns(text) > width:
        text = text[:-1]
    return text


def _marks_within(marks: str, width: int, chars: Charset) -> str:
    """As many whole marks as fit, then an ellipsis: the findings are all spelt out below the drawing."""
    if columns(marks) <= width:
        return marks
    kept = _cut(marks, width - columns(chars.more) - 1).rsplit("  ", 1)[0]
    return f"{kept} {chars.more}"


def _fill(phrases: Sequence[str], width: int, chars: Charset) -> list[str]:
    """Phrases joined by spaces into lines of at most ``width``; a line that goes on is indented to the values."""
    lines = [""]
    for phrase in phrases:
        joined = f"{lines[-1]} {phrase}" if lines[-1].strip() else lines[-1] + phrase
        if columns(joined) <= width or not lines[-1].strip():
            lines[-1] = joined
        else:
            lines.append(" " * LABEL + phrase)
    return [_short(line, width, chars) for line in lines]


def _short(text: str, width: int, chars: Charset) -> str:
    """``text`` as it is where it fits, else cut and ended with an ellipsis: only what does not fit is lost."""
    if columns(text) <= width:
        return text
    return _cut(text, max(width - columns(chars.more), 0)) + chars.more


def wrap(text: str, width: int, indent: str = "    ") -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken at spaces (a longer word where it must)."""
    lines = [""]
    for word in text.split(" "):
        joined = f"{lines[-1]} {word}" if lines[-1].strip() else word
        if columns(joined) > width and lines[-1].strip():
            lines.append("")
            joined = indent + word
        lines[-1] = joined
        while columns(lines[-1]) > width:
            head = _cut(lines[-1], width)
            lines[-1:] = [head, indent + lines[-1][len(head) :]]
    return lines


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}es" if word.endswith("s") else f"{count} {word}s"


def _sge(amount: int) -> str:
    """An SGE amount, exact: in SGE's units where they hold it, else in bytes."""
    return exact_sge_memory(amount) or amount_text(amount)


def _dask(amount: int) -> str:
    """A dask amount as the worker command's bytes mean it: in dask's units where they hold it, else in bytes."""
    written = format_dask_memory(amount)
    return amount_text(amount) if written == str(amount) else written


def draw(
    rows: Sequence[Row],
    requests: Sequence[dirs.Directive],
    counted: Mapping[str, int],
    found: Sequence[Note],
    unicode: bool = False,
) -> list[str]:
    """The drawing of one explained profile and the header's ``-l`` requests, then what check found.

    ``counted`` gives each memory resource SGE reserves and the slots it
    multiplies the request by (:func:`sgecompile.explain.counted`).

    Each line is at most :data:`WIDTH` columns wide.
    """
    chars = UNICODE if unicode else ASCII
    get = {r.name: r for r in rows}
    jobs = _job_boxes(get, requests, found, chars, counted)
    client = Box("client", (("your Python: Client(cluster), client.map, client.compute",),))
    scheduler = Box("scheduler", (("hands each task to a free thread",),))
    fanned = _fanned(get)
    width = min(WIDTH, max([columns(fanned), *(b.natural for b in (client, scheduler, *jobs))]))
    link = " " * (width // 2) + chars.down
    lines = [*_centred(client, width, chars), link, *_centred(scheduler, width, chars), link]
    lines += [_short(" " * ((width - columns(fanned)) // 2) + fanned, width, chars), link]
    for box in jobs:
        lines += box.draw(width, chars)
    told = [line for n in found for line in _told(n)]
    return [*lines, *([""] + told if told else [])]


def _centred(box: Box, width: int, chars: Charset) -> list[str]:
    """A box at its own width, in the middle of the drawing."""
    inner = min(box.natural, width)
    return [" " * ((width - inner) // 2) + text for text in box.draw(inner, chars)]


def _fanned(get: Mapping[str, Row]) -> str:
    jobs, processes, workers = (_int(get[n]) for n in ("jobs", "processes_per_job", "workers"))
    return f"{_plural(jobs, 'job')} x {_plural(processes, 'process')} = {_plural(workers, 'dask worker')}"


def _marks(found: Sequence[Note], box: str) -> str:
    return "  ".join(dict.fromkeys(n.mark for n in found if n.box == box))


def _job_boxes(
    get: Mapping[str, Row],
    requests: Sequence[dirs.Directive],
    found: Sequence[Note],
    chars: Charset,
    counted: Mapping[str, int],
) -> list[Box]:
    """The first job drawn whole, then the others as one line each, or all of them as one box "x N".

    The name comes last in a title, so a long one is cut where the line ends and no number is lost.
    """
    jobs = _int(get["jobs"])
    name = str(get["job_name"].amount)
    lines = tuple(_reservation(get, requests, counted))
    inner = tuple(_process_boxes(get, found, chars))
    if jobs > FEW:
        return [Box(f"SGE job x {jobs}, each the same: {name}", lines, inner, _marks(found, "job"))]
    first = Box(f"SGE job 1 of {jobs}: {name}", lines, inner, _marks(found, "job"))
    return [first, *(Box(f"SGE job {k} of {jobs}: the same as job 1") for k in range(2, jobs + 1))]


def _int(row: Row) -> int:
    """The count, bytes or seconds of a row that has one."""
    assert isinstance(row.amount, int), row
    return row.amount


def _reservation(
    get: Mapping[str, Row], requests: Sequence[dirs.Directive], counted: Mapping[str, int]
) -> Iterator[tuple[str, ...]]:
    """What the job asks SGE for, in the header's own words, and the dask memory it shares out."""
    queue = get["queue"].amount
    yield ("queue".ljust(LABEL) + (queue if isinstance(queue, str) else "the cluster's default"),)
    slots, pe = get["pe_slots"].amount, get["pe"].amount
    yield ("slots".ljust(LABEL) + (f"-pe {pe} {slots}" if slots else "no -pe: a single slot"),)
    label = "requests".ljust(LABEL)
    for request in requests:
        first, *rest = _request(request, get, counted)
        yield (label + first, *rest)
        label = " " * LABEL
    if get["sge_memory_per_job"].amount is None:
        yield (label + "no memory request",)
        label = " " * LABEL
    if get["walltime"].amount is None:
        yield (label + "no hard h_rt: the queue's limit applies",)
    dask, processes = _int(get["memory_per_job"]), _int(get["processes_per_job"])
    yield ("dask".ljust(LABEL) + f"{_dask(dask)} across {_plural(processes, 'process')}",)


def _request(request: dirs.Directive, get: Mapping[str, Row], counted: Mapping[str, int]) -> tuple[str, ...]:
    """One ``-l`` line as ``render`` writes it, then what it amounts to, as phrases that stay whole.

    A memory request SGE reserves with its slots and total, a time as
    H:MM:SS, an amount SGE reads otherwise than it looks (``5g``) with its bytes.
    """
    name, value = request.resource, request.amount
    soft = ("(soft)",) if request.scope == "soft" else ()
    if request.scope == "hard" and name in counted:
        shown = (request.line, *_bytes_of(value, BINARY_AMOUNT))
        slots = counted[name]
        if slots == 1:
            return (*shown, "per job")
        return (*shown, "per slot", f"x {slots} slots", f"= {_sge(parse_sge_memory(value).bytes * slots)} in all")
    if name == "h_rt":
        return (request.line, *_time_of(value), *soft)
    return (request.line, *_bytes_of(value, PLAIN_AMOUNT), *soft)


def _bytes_of(value: str, plain: re.Pattern[str]) -> tuple[str, ...]:
    """The bytes an SGE amount means, unless its text says them ``plain``ly."""
    if plain.fullmatch(value):
        return ()
    try:
        return (f"= {amount_text(parse_sge_memory(value).bytes)}",)
    except UnitError:
        return ()


def _time_of(value: str) -> tuple[str, ...]:
    try:
        return (f"= {format_hms(parse_sge_time(value).seconds)}",)
    except UnitError:
        return ()


def _process_boxes(get: Mapping[str, Row], found: Sequence[Note], chars: Charset) -> Iterator[Box]:
    processes, threads, cores = (_int(get[n]) for n in ("processes_per_job", "threads_per_process", "task_cores"))
    limit = _dask(_int(get["memory_per_process"]))
    listed = [f"t{t}" for t in range(1, threads + 1)]
    if threads > THREADS_LISTED:
        listed = [*listed[:FEW], chars.more, listed[-1]]
    each = " each" if processes > FEW else ""
    lines: list[tuple[str, ...]] = [
        (f"memory limit {limit}{each}",),
        (f"{_plural(threads, 'thread')}:", *listed),
        ("each runs one task at a time",),
    ]
    if cores > 1:
        lines.append((f"each task's own program gets {cores} cores", f"(e.g. iqtree -nt {cores})"))
    marks = _marks(found, "process")
    if processes > FEW:
        yield Box(f"dask worker process x {processes}, each the same", tuple(lines), (), marks)
        return
    for k in range(1, processes + 1):
        yield Box(f"dask worker process {k} of {processes}", tuple(lines), (), marks)


def _told(note: Note) -> list[str]:
    """One finding spelt out under the drawing, starting with the mark its box has."""
    d = note.diagnostic
    return wrap(f"{note.mark} {d.severity.value} at {d.location}: {d.message}", WIDTH)
