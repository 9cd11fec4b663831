"""Where each key and value of a TOML document stands (line and column).

``tomli`` returns plain dicts without positions, yet every diagnostic must
point at the line the user wrote. This module re-reads text that ``tomli``
has already accepted, so it can assume the document is valid and only needs to
track table headers, dotted keys, inline tables and arrays.

Paths are tuples of keys and array indices, e.g. ``("job", "directives", 1)``.
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import tomli

Path = tuple[str | int, ...]
Position = tuple[int, int]  # 1-based line and column

_PUNCT = "[]{}=,"
_STOP = set(" \t\r\n#\"'") | set(_PUNCT)


@attrs.frozen
class _Token:
    kind: str  # one of _PUNCT, "nl", "str", "bare"
    text: str
    line: int
    col: int


def _tokens(text: str) -> Iterator[_Token]:
    i, line, line_start, n = 0, 1, 0, len(text)
    while i < n:
        c = text[i]
        col = i - line_start + 1
        if c == "\n":
            yield _Token("nl", c, line, col)
            i, line, line_start = i + 1, line + 1, i + 1
        elif c in " \t\r":
            i += 1
        elif c == "#":
            while i < n and text[i] != "\n":
                i += 1
        elif c in _PUNCT:
            yield _Token(c, c, line, col)
            i += 1
        elif c in "\"'":
            end = _string_end(text, i)
            chunk = text[i:end]
            yield _Token("str", chunk, line, col)
            newlines = chunk.count("\n")
            if newlines:
                line += newlines
                line_start = i + chunk.rindex("\n") + 1
            i = end
        else:
            start = i
            while i < n and text[i] not in _STOP:
                i += 1
            yield _Token("bare", text[start:i], line, col)


def _string_end(text: str, i: int) -> int:
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.index(quote * 3, i + 3)
        while end < len(text) and quote == '"' and _escaped(text, end):
            end = text.index(quote * 3, end + 1)
        end += 3
        while end < len(text) and text[end] == quote:  # up to two quotes may close the content
            end += 1
        return end
    j = i + 1
    while text[j] != quote or (quote == '"' and _escaped(text, j)):
        j += 1
    return j + 1


def _escaped(text: str, j: int) -> bool:
    backslashes = 0
    while text[j - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _key_part(token: _Token) -> list[str]:
    if token.kind == "str":
        return [str(tomli.loads(f"k = {token.text}")["k"])]
    return [p.strip() for p in token.text.split(".") if p.strip()]


@attrs.frozen
class Positions:
    """Positions of keys and of values in one document, by path."""

    keys: dict[Path, Position]
    values: dict[Path, Position]

    def of(self, path: Path) -> Position | None:
        """The value's position when known, else its key's, else its nearest parent's."""
        for end in range(len(path), 0, -1):
            sub = path[:end]
            if sub in self.values:
                return self.values[sub]
            if sub in self.keys:
                return self.keys[sub]
        return None


def positions(text: str) -> Positions:
    """Index every key and value of a valid TOML document by its path."""
    reader = _Reader(list(_tokens(text)))
    reader.document()
    return Positions(reader.keys, reader.values)


class _Reader:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.keys: dict[Path, Position] = {}
        self.values: dict[Path, Position] = {}
        self.array_tables: dict[Path, int] = {}

    def peek(self) -> _Token | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def skip_newlines(self) -> None:
        while (t := self.peek()) is not None and t.kind == "nl":
            self.i += 1

    def document(self) -> None:
        table: Path = ()
        while True:
            self.skip_newlines()
            token = self.peek()
            if token is None:
                return
            if token.kind == "[":
                table = self.header()
            else:
                self.key_value(table)

    def header(self) -> Path:
        first = self.take()
        double = (t := self.peek()) is not None and t.kind == "[" and t.col == first.col + 1
        if double:
            self.take()
        parts, start = self.key_until("]")
        self.take()
        if double:
            self.take()
            index = self.array_tables.get(parts, 0)
            self.array_tables[parts] = index + 1
            self.keys.setdefault(parts, start)  # the array itself is where its first [[header]] names it
            path: Path = parts + (index,)
        else:
            path = parts
        self.keys.setdefault(path, start)
        return path

    def key_until(self, end: str) -> tuple[tuple[str, ...], Position]:
        parts: list[str] = []
        start = self.peek()
        assert start is not None
        while (t := self.peek()) is not None and t.kind != end:
            parts.extend(_key_part(self.take()))
        return tuple(parts), (start.line, start.col)

    def key_value(self, table: Path) -> None:
        parts, start = self.key_until("=")
        self.take()
        self.dotted(table, parts, start)
        self.value(table + parts)

    def dotted(self, table: Path, parts: tuple[str, ...], start: Position) -> None:
        """A key's position, and its dotted key's first position for each table it makes (``foo`` of ``foo.bar``)."""
        for end in range(1, len(parts)):
            self.keys.setdefault(table + parts[:end], start)
        self.keys[table + parts] = start

    def value(self, path: Path) -> None:
        token = self.take()
        self.values[path] = (token.line, token.col)
        if token.kind == "{":
            self.inline_table(path)
        elif token.kind == "[":
            self.array(path)
        else:
            while (t := self.peek()) is not None and t.kind == "bare":
                self.take()  # the time part of a local date-time written with a space

    def inline_table(self, path: Path) -> None:
        while (t := self.peek()) is not None and t.kind != "}":
            if t.kind == ",":
                self.take()
                continue
            parts, start = self.key_until("=")
            self.take()
            self.dotted(path, parts, start)
            self.value(path + parts)
        self.take()

    def array(self, path: Path) -> None:
        index = 0
        while True:
            self.skip_newlines()
            token = self.peek()
            assert token is not None
            if token.kind == "]":
                self.take()
                return
            if token.kind == ",":
                self.take()
                continue
            self.value(path + (index,))
            index += 1
