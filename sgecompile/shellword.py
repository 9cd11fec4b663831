"""Shell words both ways: one value as one word of the job's bash, and a text split as bash splits it.

Every word of the worker command is written by :func:`shell_word`, which
keeps only the expansions a path or setting needs on the compute host;
``import`` reads dask-jobqueue's unquoted words back with :func:`split` and
asks :func:`expands_beyond_kept` whether bash would have done more to them.
"""

from __future__ import annotations

import re

_PLAIN = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_EXPANSION = re.compile(rf"(\${_NAME}|\$\{{{_NAME}(?::?-[A-Za-z0-9_@%+=:,./-]*)?\}})")
_HOME = re.compile(r"(?:^|(?<=[ \t\n]))~(?=/|[ \t\n]|$)")  # ~ or ~/ starting a word: the only tilde shell_word keeps
_MORE = re.compile(r"[`;&|<>()*?[~#{$\n]")  # what bash reads as more than text, once the kept expansions are gone
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
