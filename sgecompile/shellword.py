"""Shell words both ways: one value as one word of the job's bash, and a text split as bash splits it.

Every word of the worker command is written by :func:`shell_word`, which
keeps only the expansions a path or setting needs on the compute host; a
task's words by :func:`exact_word`, which keeps none and writes no line break;
``import`` reads dask-jobqueue's unquoted words back with :func:`split` and
asks :func:`expands_beyond_kept` whether bash would have done more to them.
"""

from __future__ import annotations

import re
import shlex

_PLAIN = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_EXPANSION = re.compile(rf"(\${_NAME}|\$\{{{_NAME}(?::?-[A-Za-z0-9_@%+=:,./-]*)?\}})")
_HOME = re.compile(r"(?:^|(?<=[ \t\n]))~(?=/|[ \t\n]|$)")  # ~ or ~/ starting a word: the only tilde shell_word keeps
_MORE = re.compile(r"[`;&|<>()*?[~#{$\n]")  # what bash reads as more than text, once the kept expansions are gone
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # ASCII control characters: \n ends a line, the others hide text
_ANSI_C = {"\n": "\\n", "\t": "\\t", "\r": "\\r", "\\": "\\\\", "'": "\\'"}  # what $'...' must escape
LINE_BREAK = "sgecompile_nl"  # the variable that holds a line break in exact_word's POSIX words
SET_LINE_BREAK = f"{LINE_BREAK}=$(printf '\\n.'); {LINE_BREAK}=${{{LINE_BREAK}%.}}"  # $(...) drops a trailing \n
# One piece of a shell word, or the blanks between words; a quote or backslash that nothing closes is left.
_PIECE = re.compile(
    r"""'(?P<single>[^']*)'|"(?P<double>(?:[^"\\]|\\.)*)"|\\(?P<escaped>.)"""
    r"""|(?P<plain>[^ \t\n'"\\]+)|(?P<blank>[ \t\n]+)|(?P<unclosed>.)""",
    re.S,
)


def shell_word(text: str) -> str:
    """One shell word that means ``text``, keeping the expansions a path or setting needs on the compute host.

    Those are ``$VAR``, ``${VAR}``, ``${VAR:-default}`` with a plain default
    (``${TMPDIR:-/tmp}``) and a leading ``~`` or ``~/``, as in the unquoted
    words dask-jobqueue writes. Plain words stay as they are; anything else is
    double-quoted with ``\\``, ``"``, `` ` `` and every other ``$`` escaped, so
    ``$(cmd)``, globs, ``;`` and spaces do nothing.
    """
    if text == "~" or text.startswith("~/"):
        return "~" + (f"/{shell_word(text[2:])}" if len(text) > 2 else text[1:])  # the / unquoted, or no expansion
    if _PLAIN.fullmatch(text):
        return text
    pieces = _EXPANSION.split(text)
    quoted = "".join(p if i % 2 else re.sub(r'([\\"`$])', r"\\\1", p) for i, p in enumerate(pieces))
    return f'"{quoted}"'


def exact_word(text: str, ansi_c: bool) -> str:
    """One shell word that is exactly ``text``, with no expansion, written without a control character.

    A line break between quotes would start a line of the script, and qsub
    reads every line that begins with ``#$`` (or its ``-C`` prefix, any two
    characters) as options; the other control characters hide text from
    whoever reads the script. So they are written as escapes: bash's
    ``$'...'`` when ``ansi_c``, else what any POSIX sh reads, which may lack
    it (dash does): ``"$(printf '\\033')"``, and a line break as
    ``"$sgecompile_nl"``, which :data:`SET_LINE_BREAK` must set first (a
    command substitution drops the line breaks it ends with). Other text is
    single-quoted as ``shlex.quote`` quotes it.
    """
    if not _CONTROL.search(text):
        return shlex.quote(text)
    if ansi_c:
        return "$'" + "".join(map(_ansi_c, text)) + "'"
    return "".join(_posix(piece) for piece in re.split(f"({_CONTROL.pattern})", text) if piece)


def _ansi_c(char: str) -> str:
    """One character as ``$'...'`` holds it: a control character by its octal code, so the script shows it."""
    if char in _ANSI_C:
        return _ANSI_C[char]
    return f"\\{ord(char):03o}" if _CONTROL.match(char) else char


def _posix(piece: str) -> str:
    """A control character as a POSIX sh expansion that makes it, or text without one single-quoted."""
    if piece == "\n":
        return f'"${LINE_BREAK}"'
    if _CONTROL.match(piece):
        return f"\"$(printf '\\{ord(piece):03o}')\""
    return shlex.quote(piece)


def expands_beyond_kept(text: str) -> bool:
    """Whether bash, reading ``text`` unquoted, would do more than the expansions :func:`shell_word` keeps.

    Then the words :func:`split` gives hold as plain text what bash would
    have globbed, run or expanded (``*``, ``$(...)``, a quoted ``$``).
    """
    if "$" in text and ("'" in text or "\\" in text):
        return True  # '$X' and \$X are text to bash, and shell_word would write an expanding $X
    return bool(_MORE.search(_EXPANSION.sub("", _HOME.sub("", text))))


def split(text: str) -> list[str]:
    """The words a POSIX shell makes of ``text`` by splitting it and removing quotes, before any expansion.

    Unlike ``shlex.split``, a backslash before ``$`` or a backquote between
    double quotes goes, as in the shell: ``"\\$(id)"`` is the text ``$(id)``,
    which is how ``render`` and ``export`` write it. Raises ValueError for a
    quote or backslash that nothing closes.
    """
    words: list[str] = []
    word: str | None = None  # None between words; "" after a word of empty quotes
    for piece in _PIECE.finditer(text):
        kind = str(piece.lastgroup)
        value = piece[kind]
        if kind == "unclosed":
            raise ValueError(f"nothing closes the {value} at character {piece.start() + 1}")
        if kind == "blank":
            words += [] if word is None else [word]
            word = None
        else:
            word = (word or "") + (re.sub(r'\\([$`"\\])', r"\1", value) if kind == "double" else value)
    return words if word is None else [*words, word]
