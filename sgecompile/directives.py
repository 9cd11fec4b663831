"""qsub options as parsed records, and the one ordered set the header is built from.

Every ``#$`` line comes from a :class:`Directive`, whether a structured key
(``job.queue``) or the free-form ``job.directives`` list produced it. Identity,
duplicates, conflicts and ``skip`` are decided here and nowhere else.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Iterable
from typing import Literal

import attrs

from . import vocabulary
from .tomlpos import Path as KeyPath
from .units import UnitError, parse_sge_memory, parse_sge_time

Scope = Literal["hard", "soft"]
Problem = Literal["unknown-option", "arguments", "syntax", "empty", "pe-range"]
OPTIONS = vocabulary.OPTIONS  # every qsub option of every flavor; a rule says which the profile's flavor lacks
OUTPUT_PATH_VARIABLES = ("HOME", "USER", "JOB_ID", "JOB_NAME", "HOSTNAME", "TASK_ID")  # SGE expands these in -o/-e
SCOPE_SWITCHES: dict[str, Scope] = {
    "-hard": "hard",
    "-soft": "soft",
}  # not requests: each makes the -l and -q after it, on its line, hard or soft
YES_NO = frozenset(o for o, w in OPTIONS.items() if w.form == "yes-no")  # one argument, y[es] or n[o]


@attrs.frozen
class DirectiveError(ValueError):
    """A ``job.directives`` entry that is not a qsub option SGE would accept."""

    problem: Problem
    text: str
    detail: str

    def __str__(self) -> str:
        return self.detail


@attrs.frozen
class Directive:
    """One qsub option with its arguments, and the profile key that asked for it."""

    option: str
    args: tuple[str, ...]
    origin: KeyPath
    scope: Scope = "hard"  # -l and -q after -soft are soft requests
    # Worked out once from the fields above: the header's dedupe and the rules read each some three times.
    # For ``-l NAME=AMOUNT``: the resource's name, as SGE reads it; "" for other options.
    resource: str = attrs.field(init=False, eq=False, repr=False)
    # What makes two directives the same request: ``-l h_vmem`` twice is, ``-l a`` and ``-l b`` are not.
    identity: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)

    @resource.default
    def _resource_of_args(self) -> str:
        return resource_name(self.args[0]) if self.option == "-l" else ""

    @identity.default
    def _identity_of_args(self) -> tuple[str, ...]:
        if self.option == "-l":
            return (self.scope, "-l", self.resource)
        if OPTIONS[self.option].accumulates:
            return (self.scope, self.option, *self.args)
        return (self.scope, self.option)

    @property
    def amount(self) -> str:
        """For ``-l NAME=AMOUNT``: what is asked of it, as written; "" for other options (and a bare ``-l NAME``)."""
        return self.args[0].partition("=")[2] if self.option == "-l" else ""

    @property
    def text(self) -> str:
        return " ".join((self.option, *self.args))

    @property
    def line(self) -> str:
        """The directive as a ``#$`` line of its own: SGE reads each line on its own, starting hard."""
        return f"-soft {self.text}" if self.scope == "soft" else self.text


_SLOT_RANGES = re.compile(r"(\d+|\d+-\d*|-\d+)(,(\d+|\d+-\d*|-\d+))*")  # a list of ranges, as qsub(1) takes


def slot_ranges(text: str) -> list[tuple[int | None, int | None]] | None:
    """A ``-pe`` slot range list as qsub reads it (``4``, ``2-8``, ``-8``, ``2-``, ``1,4-8``): each range's
    fewest and most slots, None where the range leaves it open; None when the text is no range list."""
    if not _SLOT_RANGES.fullmatch(text):
        return None
    found: list[tuple[int | None, int | None]] = []
    for item in text.split(","):
        low, dash, high = item.partition("-")
        fewest = int(low) if low else None
        found.append((fewest, (int(high) if high else None) if dash else fewest))
    return found


def resource_name(request: str) -> str:
    return request.partition("=")[0].strip()


_QUOTING = re.compile(r"[\\'\"]")  # what makes shlex do more than split at blanks
_BLANKS = re.compile(r"[ \t\r\n]+")  # shlex's whitespace: not str.split's, which also splits at \v, \f, \xa0...


def words(text: str) -> list[str]:
    """The words ``shlex.split`` makes of ``text`` (POSIX, no comments), without its lexer where nothing is quoted.

    Most entries (``-m ea``) have no quote or backslash; then the words are
    the text split at shlex's blanks, and shlex's character-by-character
    lexer would cost more than the rest of typing a profile.
    """
    if _QUOTING.search(text):
        return shlex.split(text, comments=False)
    return [w for w in _BLANKS.split(text) if w]


def parse(text: str, origin: KeyPath) -> list[Directive]:
    """Split one ``job.directives`` entry, one ``#$`` line, into directives; ``-l a=1,b=2`` gives one per resource.

    The line starts hard, as SGE reads it, until a ``-soft`` on it.
    """
    try:
        split = words(text)
    except ValueError as exc:
        raise DirectiveError("syntax", text, f"{text!r}: {exc}") from None
    if not split:
        raise DirectiveError("empty", text, "an empty directive")
    out: list[Directive] = []
    scope: Scope = "hard"
    while split:
        option = split.pop(0)
        spec = OPTIONS.get(option)
        if spec is None:
            raise DirectiveError("unknown-option", text, f"{option!r} is not a qsub option")
        args: list[str] = []
        fewest, most = spec.args
        while split and len(args) < most and not (split[0] in OPTIONS and len(args) >= fewest):
            args.append(split.pop(0))
        if option == "-pe" and len(args) < 2:
            raise DirectiveError("pe-range", text, f"`{text}` has no slot range: qsub needs -pe NAME RANGE")
        if len(args) < fewest:
            raise DirectiveError("arguments", text, f"{option} needs {fewest} argument(s), got {len(args)}")
        if option in YES_NO and yes_or_no(args[0]) is None:
            raise DirectiveError("arguments", text, f"{option} wants y or n (yes or no), not {args[0]!r}")
        if option in SCOPE_SWITCHES:
            scope = SCOPE_SWITCHES[option]
        if option == "-l":
            out.extend(Directive(option, (r,), origin, scope) for r in args[0].split(",") if r)
        else:
            out.append(Directive(option, tuple(args), origin, scope))
    return out


def skipped(directives: Iterable[Directive], skip: Iterable[str]) -> list[Directive]:
    """Leave out the options named in ``skip`` (by option name, never by substring).

    The scope of what is left is worked out again, as qsub reads a line:
    without its ``-soft``, a request that followed it on its line is hard.
    """
    names = set(skip)
    out = []
    scope: Scope = "hard"
    line: KeyPath | None = None
    for d in directives:
        if d.origin != line:  # each #$ line starts hard (checked on the test SGE)
            scope, line = "hard", d.origin
        if d.option in names:
            continue
        if d.option in SCOPE_SWITCHES:
            scope = SCOPE_SWITCHES[d.option]
        out.append(d if d.scope == scope else attrs.evolve(d, scope=scope))
    return out


def effective(directives: Iterable[Directive]) -> list[Directive]:
    """The header's directives: each request once (the first), and ``-e`` dropped when ``-j y`` joins output.

    ``-hard`` and ``-soft`` are kept wherever they are: dropping one would move the requests after it.
    """
    seen: set[tuple[str, ...]] = set()
    out = []
    items = list(directives)
    joined = joins_output(items)
    for d in items:
        identity = d.identity
        if (identity in seen and d.option not in SCOPE_SWITCHES) or (joined and d.option == "-e"):
            continue
        seen.add(identity)
        out.append(d)
    return out


def same_value(first: Directive, later: Directive) -> bool:
    """Whether two requests of one identity ask for the same, however written: ``4G`` and ``4096M``, ``y`` and ``yes``."""
    if first.args == later.args:
        return True
    if first.option in YES_NO:
        return yes_or_no(first.args[0]) == yes_or_no(later.args[0])  # parse() let only y, yes, n and no through
    if first.option == "-l":
        a, b = first.amount, later.amount
        return _same(a, b, lambda v: parse_sge_memory(v).bytes) or _same(a, b, lambda v: parse_sge_time(v).seconds)
    return False


def _same(a: str, b: str, amount: Callable[[str], int]) -> bool:
    try:
        return amount(a) == amount(b)
    except UnitError:
        return False


def yes_or_no(text: str) -> bool | None:
    """qsub's y[es] or n[o], in any case; None for what it refuses, ``true`` and ``1`` among them (checked on the test SGE)."""
    word = text.lower()
    return True if word in ("y", "yes") else False if word in ("n", "no") else None


def joins_output(directives: Iterable[Directive]) -> bool:
    """Whether a ``-j`` says yes, so stderr goes into stdout and any ``-e`` is ignored."""
    return any(yes_or_no(d.args[0]) for d in directives if d.option == "-j")


def duplicates(directives: Iterable[Directive]) -> list[tuple[Directive, Directive]]:
    """Pairs (first, later) with the same identity: the later one is never rendered."""
    first: dict[tuple[str, ...], Directive] = {}
    pairs = []
    for d in directives:
        if d.option in SCOPE_SWITCHES:  # a switch again is the way back to a scope, never a duplicate
            continue
        identity = d.identity
        if identity in first:
            pairs.append((first[identity], d))
        else:
            first[identity] = d
    return pairs


# Options that contradict each other; render refuses a profile that has both.
CONFLICTS: tuple[tuple[str, str, str], ...] = (("-cwd", "-wd", "both set the working directory"),)
