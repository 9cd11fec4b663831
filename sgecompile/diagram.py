"""``explain --diagram``: the cluster a profile makes, drawn the way the user notes draw dask.

Client, scheduler, then the SGE jobs with what each reserves, the dask
processes inside a job with their memory limits, and their threads. Every
number comes from the explain rows (:mod:`sgecompile.explain`), so the drawing
says what ``explain --format json`` says; what ``check`` found is marked on
the box it concerns and spelt out below. Pure: rows and notes in, lines out,
never wider than :data:`WIDTH`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Mapping, Sequence

import attrs

from .diagnostics import Diagnostic, Location, Severity
from .explain import Row
from .loader import Loaded
from .tomlpos import Path as KeyPath
from .units import exact_sge_memory, format_dask_memory, format_hms

WIDTH = 80  # a terminal, a log file and a README all show 80 columns
FEW = 3  # more jobs or processes than this are drawn once, as "x N"
THREADS_LISTED = 8  # more threads than this are listed as t1 t2 t3 ... tN
NAME_MAX = 24  # a longer queue, pe or job name is cut short, so the numbers stay on their lines
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

# The box a finding concerns, by the first two parts of its key path; the rest of a section is its job.
PROCESS_KEYS = frozenset(
    ("worker", name)
    for name in "processes cores nanny python death_timeout interface local_directory extra_args".split()
)


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
    key holds; this reads it back from the same origins.
    """
    keys: dict[Location, KeyPath] = {o.location: key for key, o in loaded.origins.items()}
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
        ends = [len(self.title) + 6, len(self.marks) + 6]
        return max([*ends, *(len(" ".join(line)) + 4 for line in self.lines), *(b.natural + 4 for b in self.inner)])

    def draw(self, width: int, chars: Charset) -> list[str]:
        """The title on the top edge, the marks of what check found at the right of the bottom edge."""
        tl, tr, bl, br = (chars.corners[i] for i in range(4))
        across, down = chars.across, chars.down
        top = f"{tl}{across} {_short(self.title, width - 6, chars)} ".ljust(width - 1, across) + tr
        body = [f"{down} {text:<{width - 4}} {down}" for line in self.lines for text in _fill(line, width - 4, chars)]
        body += [f"{down} {text} {down}" for box in self.inner for text in box.draw(width - 4, chars)]
        marks = f" {_marks_within(self.marks, width - 6, chars)} {across}" if self.marks else ""
        return [top, *body, bl + marks.rjust(width - 2, across) + br]


def _marks_within(marks: str, width: int, chars: Charset) -> str:
    """As many whole marks as fit, then an ellipsis: the findings are all spelt out below the drawing."""
    if len(marks) <= width:
        return marks
    kept = marks[: width - len(chars.more) - 1].rsplit("  ", 1)[0]
    return f"{kept} {chars.more}"


def _fill(phrases: Sequence[str], width: int, chars: Charset) -> list[str]:
    """Phrases joined by spaces into lines of at most ``width``; a line that goes on is indented to the values."""
    lines = [""]
    for phrase in phrases:
        joined = f"{lines[-1]} {phrase}" if lines[-1].strip() else lines[-1] + phrase
        if len(joined) <= width or not lines[-1].strip():
            lines[-1] = joined
        else:
            lines.append(" " * LABEL + phrase)
    return [_short(line, width, chars) for line in lines]


def _short(text: str, width: int, chars: Charset) -> str:
    return text if len(text) <= width else text[: max(width - len(chars.more), 0)] + chars.more


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}es" if word.endswith("s") else f"{count} {word}s"


def _sge(amount: int) -> str:
    """An SGE amount, exact: in SGE's units where they hold it, else in bytes."""
    return exact_sge_memory(amount) or f"{amount} bytes"


def draw(rows: Sequence[Row], found: Sequence[Note], unicode: bool = False) -> list[str]:
    """The drawing of one explained profile, then what check found, each line at most :data:`WIDTH` wide."""
    chars = UNICODE if unicode else ASCII
    get = {r.name: r for r in rows}
    jobs = _job_boxes(get, found, chars)
    client = Box("client", (("your Python: Client(cluster), client.map, client.compute",),))
    scheduler = Box("scheduler", (("hands each task to a free thread",),))
    fanned = _fanned(get)
    width = min(WIDTH, max([len(fanned), *(b.natural for b in (client, scheduler, *jobs))]))
    link = " " * (width // 2) + chars.down
    lines = [*_centred(client, width, chars), link, *_centred(scheduler, width, chars), link]
    lines += [_short(fanned.center(width).rstrip(), width, chars), link]
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


def _job_boxes(get: Mapping[str, Row], found: Sequence[Note], chars: Charset) -> list[Box]:
    """The first job drawn whole, then the others as one line each, or all of them as one box "x N"."""
    jobs = _int(get["jobs"])
    name = _short(str(get["job_name"].amount), NAME_MAX, chars)
    lines = tuple(_reservation(get, chars))
    inner = tuple(_process_boxes(get, found, chars))
    if jobs > FEW:
        return [Box(f"SGE job x {jobs}: {name}, each the same", lines, inner, _marks(found, "job"))]
    first = Box(f"SGE job 1 of {jobs}: {name}", lines, inner, _marks(found, "job"))
    return [first, *(Box(f"SGE job {k} of {jobs}: the same as job 1") for k in range(2, jobs + 1))]


def _int(row: Row) -> int:
    """The count, bytes or seconds of a row that always has one."""
    assert isinstance(row.amount, int), row
    return row.amount


def _reservation(get: Mapping[str, Row], chars: Charset) -> Iterator[tuple[str, ...]]:
    """What the job asks SGE for, as the header has it, and the dask memory it shares out."""
    queue = get["queue"].amount
    yield (
        "queue".ljust(LABEL) + (_short(queue, NAME_MAX, chars) if isinstance(queue, str) else "the cluster's default"),
    )
    slots = _int(get["pe_slots"]) if "pe_slots" in get else None
    pe = _short(str(get["pe"].amount), NAME_MAX, chars) if "pe" in get else ""
    yield ("slots".ljust(LABEL) + (f"-pe {pe} {slots}" if slots else "no -pe: a single slot"),)
    first, *rest = _memory_request(get, chars)
    yield ("memory".ljust(LABEL) + first, *rest)
    walltime = get["walltime"].amount
    wall = (
        f"-l h_rt={walltime} = {format_hms(walltime)}"
        if isinstance(walltime, int)
        else "no h_rt: the queue's limit applies"
    )
    yield ("walltime".ljust(LABEL) + wall,)
    dask, processes = _int(get["memory_per_job"]), _int(get["processes_per_job"])
    yield ("dask".ljust(LABEL) + f"{format_dask_memory(dask)} across {_plural(processes, 'process')}",)


def _memory_request(get: Mapping[str, Row], chars: Charset) -> tuple[str, ...]:
    """The memory request as phrases that stay whole: per slot, times the slots, in all."""
    if "memory_resource" not in get:
        return ("no memory request",)
    resource = _short(str(get["memory_resource"].amount), NAME_MAX, chars)
    per_job = _int(get["sge_memory_per_job"])
    if "sge_memory_per_slot" not in get:
        return (f"-l {resource}={_sge(per_job)} per job",)
    per_slot, slots = _int(get["sge_memory_per_slot"]), _int(get["pe_slots"])
    return (f"-l {resource}={_sge(per_slot)} per slot", f"x {slots} slots", f"= {_sge(per_job)} in all")


def _process_boxes(get: Mapping[str, Row], found: Sequence[Note], chars: Charset) -> Iterator[Box]:
    processes, threads, cores = (_int(get[n]) for n in ("processes_per_job", "threads_per_process", "task_cores"))
    limit = format_dask_memory(_int(get["memory_per_process"]))
    listed = [f"t{t}" for t in range(1, threads + 1)]
    if threads > THREADS_LISTED:
        listed = [*listed[:FEW], chars.more, listed[-1]]
    lines: list[tuple[str, ...]] = [(f"{_plural(threads, 'thread')}:", *listed), ("each runs one task at a time",)]
    if cores > 1:
        lines.append((f"each task's own program gets {cores} cores", f"(e.g. iqtree -nt {cores})"))
    marks = _marks(found, "process")
    if processes > FEW:
        yield Box(f"dask worker process x {processes}: memory limit {limit} each", tuple(lines), (), marks)
        return
    for k in range(1, processes + 1):
        yield Box(f"dask worker process {k} of {processes}: memory limit {limit}", tuple(lines), (), marks)


def _told(note: Note) -> list[str]:
    """One finding spelt out under the drawing, starting with the mark its box has."""
    d = note.diagnostic
    text = f"{note.mark} {d.severity.value} at {d.location}: {d.message}"
    return textwrap.wrap(text, WIDTH, subsequent_indent="    ", break_on_hyphens=False)
