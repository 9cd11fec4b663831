"""Profile files → one merged table per section, and where every value came from.

A profile may ``extends`` a base file (relative to itself), which may extend
another; the chain merges table by table with the child winning, then the
chosen variant (``[variants.NAME]``) is laid on top. Each file is parsed once
per process. Problems with files (unreadable, bad TOML, missing base, cycles,
unknown variant) become diagnostics; nothing here raises on user input.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from stat import S_ISLNK, S_ISREG
from typing import Any

import attrs
import tomli

from . import presets
from .diagnostics import Diagnostic, Location, Severity
from .schema import suggest
from .tomlpos import Path as KeyPath
from .tomlpos import Positions, positions
from .tomltext import toml_key

SECTIONS = ("site", "job", "worker")


@attrs.frozen(eq=False)
class Document:
    """One parsed profile file; each is parsed once per process, so one document is equal to itself only
    (which lets what is worked out of it be kept with it as the key)."""

    path: Path
    data: dict[str, Any]
    text: str

    @functools.cached_property
    def positions(self) -> Positions:
        """Where each key and value is in the text, worked out only when a message or `config` needs it."""
        return positions(self.text)

    @functools.cached_property
    def name(self) -> str:
        """The path as messages show it (worked out once: every diagnostic of the file needs it)."""
        return display_path(self.path)

    def locate(self, key: KeyPath) -> Location:
        pos = self.positions.of(key)
        return Location(self.name, *pos) if pos else Location(self.name)


@attrs.frozen
class Origin:
    """Where an effective value was set: a key of a file, and which layer it was."""

    document: Document
    key: KeyPath  # in the document, e.g. ("variants", "big", "worker", "cores")
    layer: str  # "base", "profile", "variant NAME"

    @property
    def location(self) -> Location:
        return self.document.locate(self.key)


@attrs.frozen
class Layer:
    """One table merged into a section, in the order of merging: what :attr:`Loaded.origins` is replayed from."""

    section: str
    table: dict[str, Any]  # in the document's data
    document: Document
    source: KeyPath  # where the table is in the document, e.g. ("variants", "big", "worker")
    name: str  # "base", "profile", "variant NAME"


@attrs.frozen
class Loaded:
    """The merged profile, before typing."""

    documents: tuple[Document, ...]  # base first, the profile itself last
    values: dict[str, dict[str, Any]]
    layers: tuple[Layer, ...]
    diagnostics: tuple[Diagnostic, ...]

    @functools.cached_property
    def origins(self) -> dict[KeyPath, Origin]:
        """Where each effective value was set: worked out only when asked (a message, `explain`, `config`).

        A check of a profile without findings never asks, so no value gets an
        object of its own there; the layers are gone over again, the last one winning.
        """
        origins: dict[KeyPath, Origin] = {}
        for layer in self.layers:
            _record(origins, layer.table, (layer.section,), layer)
        return origins

    @property
    def file(self) -> str:
        return self.documents[-1].name if self.documents else ""

    def where(self, key: KeyPath) -> Location:
        """The location of the effective value at ``key`` (or of its nearest set parent)."""
        for end in range(len(key), 0, -1):
            if key[:end] in self.origins:
                return self.origins[key[:end]].location
        for doc in reversed(self.documents):  # a table header, e.g. for a missing key
            if doc.positions.of(key):
                return doc.locate(key)
        return Location(self.file)

    def variant_names(self) -> list[str]:
        names: list[str] = []
        for doc in self.documents:
            variants = doc.data.get("variants")
            if isinstance(variants, dict):  # a name that is no table is SGE005's
                names.extend(n for n, table in variants.items() if isinstance(table, dict) and n not in names)
        return names


SITE_BASE = "@site"  # `extends = "@site"`: the user's or the team's site base file


def site_base() -> Path:
    """The file ``extends = "@site"`` names: $SGECOMPILE_SITE, else $XDG_CONFIG_HOME/sgecompile/site.toml.

    One place for a cluster's facts (pe, memory resource, queue) that every
    profile of a user or a team builds on.
    """
    if os.environ.get("SGECOMPILE_SITE"):  # relative to the working directory, like any path in the environment
        return Path(os.path.abspath(os.path.expanduser(os.environ["SGECOMPILE_SITE"])))
    config = os.environ.get("XDG_CONFIG_HOME", "")
    if not os.path.isabs(config):  # unset, or relative, which XDG says to ignore
        config = os.path.expanduser("~/.config")
    return Path(config) / "sgecompile" / "site.toml"


def display_path(path: Path) -> str:
    """A path as a compiler prints it: relative to the working directory when below it.

    Bytes of the name that are not UTF-8 are shown as ``\\xff``, as ``ls -b``
    does, so that every report (JSON and SARIF too) stays text.
    """
    try:
        shown = str(path.relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


class FileProblem(Exception):
    """A file that cannot be read as a profile; its ``diagnostic`` (SGE002/SGE003) says why and where."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        self.diagnostic = diagnostic


MAX_NESTING = 100  # a profile needs some 5; the loader, the rules and `config` walk values recursively


@lru_cache(maxsize=4096)  # a `check` of a whole repository reads each file once
def _parse(path: Path, stamp: tuple[int, int]) -> Document:
    del stamp  # part of the cache key only: a changed file is read again
    raw = _contents(path)
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # a byte-order mark, as some editors write, is no content
    except UnicodeDecodeError as exc:
        line, column = raw.count(b"\n", 0, exc.start) + 1, exc.start - raw.rfind(b"\n", 0, exc.start)
        raise _not_toml(path, f"not UTF-8 text: {exc.reason} at byte {exc.start}", None, line, column) from None
    try:
        data = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        hint = 'Fix the TOML syntax; strings need quotes, e.g. queue = "all.q".'
        raise _not_toml(path, f"TOML syntax: {exc.msg}", hint, exc.lineno, exc.colno) from None
    except RecursionError as exc:  # tomli's limits (400 levels of arrays/tables, 1000 key parts), without a position
        raise _too_deep(path, str(exc)) from None
    if _may_nest(text, MAX_NESTING) and _deeper_than(MAX_NESTING, data):
        raise _too_deep(path, f"tables and arrays nest more than {MAX_NESTING} levels")
    return Document(path, data, text)


def _contents(path: Path) -> bytes:
    """The file's bytes, read straight from the OS: ``Path.read_bytes`` costs three times as much, on every file of
    a check of thousands (the buffered file object it builds asks the OS about the file several times first)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))  # not inherited by children (PEP 446)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _may_nest(text: str, levels: int) -> bool:
    """Whether the TOML ``text`` could nest more than ``levels`` deep: each level takes a ``[``, ``{`` or ``.``.

    A table, array, inline table or dotted key below the top is opened by one
    of those characters (a quoted key holding them only counts too many), so a
    profile of a few dozen of them is not walked value by value.
    """
    return sum(map(text.count, "[{.")) >= levels


def _deeper_than(levels: int, value: Any) -> bool:
    """Whether tables and arrays in ``value`` nest more than ``levels`` deep (recursing at most that far)."""
    if levels < 0:
        return True
    inner = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for v in inner:  # noqa: SIM110 (a loop: any() over a generator took twice as long, on every value of every file)
        if _deeper_than(levels - 1, v):
            return True
    return False


def _too_deep(path: Path, why: str) -> FileProblem:
    hint = "A profile needs a few levels at most; flatten the arrays, inline tables or dotted keys."
    return _not_toml(path, f"TOML nested too deeply: {why}", hint)


def _not_toml(
    path: Path, message: str, hint: str | None = None, line: int | None = None, column: int | None = None
) -> FileProblem:
    """SGE002: the file is there but its text is no TOML document that can be read."""
    return FileProblem(Diagnostic("SGE002", Severity.ERROR, message, Location(display_path(path), line, column), hint))


def _file_problem(path: Path, referrer: Document | None, message: str) -> FileProblem:
    """SGE003 about ``path``: at the `extends` value of the file that named it (``referrer``), else at the file."""
    hint = "`extends` is relative to the folder of the profile that names it." if referrer else None
    if referrer and path == site_base():
        hint = f'`extends = "{SITE_BASE}"` reads $SGECOMPILE_SITE, else $XDG_CONFIG_HOME/sgecompile/site.toml.'
    where = _extends_of(referrer) if referrer else Location(display_path(path))
    return FileProblem(Diagnostic("SGE003", Severity.ERROR, message, where, hint))


def _extends_of(doc: Document) -> Location:
    """Where ``doc`` names its base: located only for a message, since finding positions costs a lexer pass."""
    return doc.locate(("extends",))


def resolve(path: Path, referrer: Document | None = None) -> Path:
    """``path`` absolute with its links followed (one name per file, for cycles and the parse cache).

    Raises ``FileProblem`` for names the OS cannot follow, where ``Path.resolve``
    would raise: a NUL byte in the name (ValueError) or, before Python 3.13, a
    symlink loop (RuntimeError; 3.13 leaves the loop to the read, which says
    "Too many levels of symbolic links").
    """
    try:
        return _resolved(path)
    except ValueError:
        raise _file_problem(
            path, referrer, f"cannot read {display_path(path)!r}: a file name cannot hold a NUL byte"
        ) from None
    except RuntimeError:
        raise _file_problem(path, referrer, f"{display_path(path)} is a symlink loop") from None


class _Pass:
    """What one pass over many files works out once: each folder resolved, each name resolved, each base read."""

    def __init__(self) -> None:
        self.folders: dict[str, str] = {}
        self.names: dict[str, Path] = {}
        self.documents: dict[Path, Document] = {}


_PASSES: list[_Pass] = []  # inside one_pass()


@contextlib.contextmanager
def one_pass() -> Iterator[None]:
    """Inside this block (one ``check`` of many files, during which no file or folder changes), resolve each folder
    and each name, and read each base, once.

    ``Path.resolve`` looks at every folder on the way to a file again for each
    file: for a thousand profiles in one folder, a tenth of the whole check;
    and the base that every profile of a group extends is found and read once.
    """
    _PASSES.append(_Pass())
    try:
        yield
    finally:
        _PASSES.pop()


def _resolved(path: Path) -> Path:
    """``path.resolve()``; inside :func:`one_pass`, one ``lstat`` for a file that is no symlink, in a folder seen before,
    and none for a name resolved before.

    The folder resolved and the file's own name are what ``Path.resolve``
    gives then. Anything else (a symlink, a name that is not there or cannot be
    reached, a loop on the way) goes to ``Path.resolve``, which says what it is.
    """
    text = os.fspath(path)
    folder, name = os.path.split(text)
    if not _PASSES or name in ("", ".", ".."):
        return path.resolve()
    known = _PASSES[-1].names.get(text)
    if known is not None:
        return known
    try:
        if S_ISLNK(os.lstat(text).st_mode):
            return path.resolve()
    except OSError:
        return path.resolve()
    folders = _PASSES[-1].folders
    if folder not in folders:
        folders[folder] = os.path.realpath(folder)
    # already absolute and resolved: no new path (making one is most of the cost)
    found = path if folders[folder] == folder else type(path)(os.path.join(folders[folder], name))
    _PASSES[-1].names[text] = found
    return found


def read_document(path: Path, referrer: Document | None = None) -> Document:
    """Parse one file (once per process), or raise ``FileProblem`` with a diagnostic.

    Inside :func:`one_pass`, a base that another file names (``referrer``) is
    not even looked at again: a group's profiles share a few. Profiles are
    not kept there, so a check of many thousands holds no more than before.
    """
    if _PASSES and path in _PASSES[-1].documents:
        return _PASSES[-1].documents[path]
    document = _read(path, referrer)
    if _PASSES and referrer is not None:
        _PASSES[-1].documents[path] = document
    return document


def _read(path: Path, referrer: Document | None) -> Document:
    try:
        stat = path.stat()
    except OSError as exc:
        raise _file_problem(path, referrer, f"cannot read {display_path(path)}: {exc.strerror}") from None
    if not S_ISREG(stat.st_mode):
        raise _file_problem(path, referrer, f"{display_path(path)} is not a file")
    try:
        return _parse(path if path.is_absolute() else resolve(path, referrer), (stat.st_mtime_ns, stat.st_size))
    except OSError as exc:
        raise _file_problem(path, referrer, f"cannot read {display_path(path)}: {exc.strerror}") from None


def _chain(path: Path) -> tuple[list[Document], list[Diagnostic]]:
    """The profile and its bases, base first; stops at the first broken link."""
    chain: list[Document] = []
    seen: list[Path] = []
    referrer: Document | None = None  # the file whose `extends` names `current`
    current: Path | None = path
    while current is not None:
        try:
            resolved = resolve(current, referrer)
        except FileProblem as problem:
            return chain[::-1], [problem.diagnostic]
        if resolved in seen:
            cycle = " -> ".join(display_path(p) for p in [*seen, resolved])
            return chain[::-1], [
                Diagnostic(
                    "SGE003",
                    Severity.ERROR,
                    f"`extends` goes round in a circle: {cycle}",
                    _extends_of(referrer) if referrer else Location(None),
                    "Remove one `extends` so the chain ends.",
                )
            ]
        seen.append(resolved)
        try:
            doc = read_document(resolved, referrer)
        except FileProblem as problem:
            return chain[::-1], [problem.diagnostic]
        chain.append(doc)
        base = doc.data.get("extends")
        if base is None:
            break
        referrer = doc
        try:
            current = base_of(doc)
        except FileProblem as problem:
            return chain[::-1], [problem.diagnostic]
        if current is None:
            return chain[::-1], [
                Diagnostic(
                    "SGE003",
                    Severity.ERROR,
                    "`extends` must name a file, as a string",
                    _extends_of(doc),
                    'extends = "site.toml"',
                )
            ]
    return chain[::-1], []


def base_of(doc: Document) -> Path | None:
    """The file ``doc`` extends: ``@site`` is the site base, ``@sites/NAME`` a shipped preset of a real
    cluster, ``~`` a home, anything else is relative to ``doc``.

    Raises ``FileProblem`` (SGE003 at the ``extends`` value) for an ``@sites/`` name that is no preset.
    """
    base = doc.data.get("extends")
    if not isinstance(base, str) or not base:
        return None
    if base == SITE_BASE:
        return site_base()
    if base.startswith(presets.PREFIX):
        return _preset(doc, base.removeprefix(presets.PREFIX))
    return doc.path.parent / os.path.expanduser(base)


def _preset(doc: Document, name: str) -> Path:
    """The shipped preset ``name``, or the SGE003 that lists the names there are."""
    found = presets.path_of(name)
    if found:
        return found
    known = presets.names()
    close = suggest(name, known)
    guess = f'Did you mean "{presets.PREFIX}{close}"? ' if close else ""
    hint = f"{guess}The presets are {', '.join(known)} (`sgecompile sites` says which cluster each is)."
    message = f"no shipped site preset named {name!r}"
    raise FileProblem(Diagnostic("SGE003", Severity.ERROR, message, _extends_of(doc), hint))


def _lay(values: dict[str, Any], table: dict[str, Any]) -> None:
    """Merge ``table`` into ``values`` key by key (tables deeply, everything else replaced)."""
    for key, value in table.items():
        if isinstance(value, dict):
            if not isinstance(values.get(key), dict):
                values[key] = {}
            _lay(values[key], value)
        elif isinstance(value, list):
            values[key] = _copy(value)
        else:
            values[key] = value  # a string, number, boolean or date: nothing to copy


def _record(origins: dict[KeyPath, Origin], table: dict[str, Any], prefix: KeyPath, layer: Layer) -> None:
    """Where each key below ``table``, the layer ``layer`` merged at ``prefix``, came from (list items too)."""
    for key, value in table.items():
        here = prefix + (key,)
        at = layer.source + here[1:]
        origins[here] = Origin(layer.document, at, layer.name)
        if isinstance(value, list):
            origins.update({here + (i,): Origin(layer.document, at + (i,), layer.name) for i in range(len(value))})
        elif isinstance(value, dict):
            _record(origins, value, here, layer)


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def load(path: str | os.PathLike[str], variant: str | None = None) -> Loaded:
    """Read a profile, its ``extends`` chain and a variant into merged sections."""
    chain, problems = _chain(path if isinstance(path, Path) else Path(path))  # a Path again costs a parse
    values: dict[str, dict[str, Any]] = {s: {} for s in SECTIONS}
    layers: list[Layer] = []
    for i, doc in enumerate(chain):
        name = "profile" if i == len(chain) - 1 else "base"
        for section in SECTIONS:
            if isinstance(doc.data.get(section), dict):
                layers.append(Layer(section, doc.data[section], doc, (section,), name))
                _lay(values[section], doc.data[section])
    loaded = Loaded(tuple(chain), values, tuple(layers), tuple(problems))
    if variant is None or problems:
        return loaded
    return _apply_variant(loaded, variant)


def _apply_variant(loaded: Loaded, variant: str) -> Loaded:
    values, layers = loaded.values, list(loaded.layers)
    found = False
    for doc in loaded.documents:
        table = (doc.data.get("variants") or {}).get(variant) if isinstance(doc.data.get("variants"), dict) else None
        if not isinstance(table, dict):
            continue
        found = True
        for section in SECTIONS:
            if isinstance(table.get(section), dict):
                source = ("variants", variant, section)
                layers.append(Layer(section, table[section], doc, source, f"variant {variant}"))
                _lay(values[section], table[section])
    if found:
        return attrs.evolve(loaded, values=values, layers=tuple(layers))
    names = loaded.variant_names()
    hint = (
        f"Variants in this profile: {', '.join(map(toml_key, names))}."
        if names
        else "This profile defines no [variants.NAME] tables."
    )
    missing = Diagnostic("SGE004", Severity.ERROR, f"no variant named {variant!r}", Location(loaded.file), hint)
    return attrs.evolve(loaded, diagnostics=(*loaded.diagnostics, missing))
