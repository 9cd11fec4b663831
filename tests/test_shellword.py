"""shell_word and the shell's own reading of words: what render writes, and what import reads back."""

from __future__ import annotations

import os
import pwd
import re
import subprocess

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sgecompile.shellword import SET_LINE_BREAK, exact_word, expands_beyond_kept, shell_word, split

HOME = pwd.getpwuid(os.getuid()).pw_dir  # what bash makes of ~ with HOME unset


def _as_bash_reads(text: str) -> str:
    """The text with the expansions shell_word keeps done, in an empty environment: none is set."""
    if text == "~" or text.startswith("~/"):
        return HOME + _as_bash_reads(text[1:])
    expansion = (
        r"\$\{[A-Za-z_][A-Za-z0-9_]*:?-([A-Za-z0-9_@%+=:,./-]*)\}|\$[A-Za-z_][A-Za-z0-9_]*|\$\{[A-Za-z_][A-Za-z0-9_]*\}"
    )
    return re.sub(expansion, lambda m: m[1] or "", text)  # unset: a default, or nothing


@example("$${A-A}")  # a lone $ before an expansion (found by hypothesis)
@given(st.text(max_size=40) | st.builds("".join, st.lists(st.sampled_from(["~", "/", "${X:-", "}", "$Y", "a b"]))))
def test_shell_word_is_one_word_meaning_the_text(text: str) -> None:
    """bash reads each word back as exactly the text, with the expansions it keeps done."""
    if "\x00" in text or re.search(r"\$\{?_(?![A-Za-z0-9_])", text):
        return  # NUL cannot be in an argument; $_ is bash's own (the last argument), set even in an empty env
    word = shell_word(text)
    out = subprocess.run(["bash", "-c", f"printf '%s' {word}"], capture_output=True, env={}, check=True).stdout
    assert out.decode("utf-8", "surrogateescape") == _as_bash_reads(text)


def test_shell_word_expands_variables_defaults_and_home_only() -> None:
    """$HOME, ${HOME}, ${SCRATCH:-/tmp} and ~/ expand; $(...), backticks and a quoted ~ do not."""
    words = ["$HOME/x", "${HOME}", "${SCRATCH:-/tmp}/d", "~/conda/bin/python", "~/my dir", "$(echo no)", "`echo no`"]
    out = subprocess.run(
        ["bash", "-c", "printf '%s|' " + " ".join(shell_word(t) for t in [*words, "a~/b", "${X:-$(echo no)}"])],
        capture_output=True,
        env={"HOME": "/h"},
        text=True,
        check=True,
    ).stdout
    assert out == "/h/x|/h|/tmp/d|/h/conda/bin/python|/h/my dir|$(echo no)|`echo no`|a~/b|${X:-$(echo no)}|"


@pytest.mark.parametrize(
    ("text", "more"),
    [
        ("~/conda/bin/python", False),
        ("--dir ~/x", False),
        ("${TMPDIR:-/tmp}/d", False),
        ('"$TMPDIR/my dir"', False),
        ("a~/b", True),  # not a word's first character: bash leaves it, and so does shell_word, quoted
        ("'$TMPDIR'", True),
        ("*.fa", True),
        ("$(id)", True),
        ("${X:-a b}", True),
        ("a{b,c}", True),
    ],
)
def test_expands_beyond_kept(text: str, more: bool) -> None:
    assert expands_beyond_kept(text) is more


@given(st.lists(st.text(max_size=10), max_size=4))
def test_split_reads_back_the_words_shell_word_writes(words: list[str]) -> None:
    """Without expansions, split(shell_word(w) ...) gives the words back: import reads what render writes."""
    plain = [w for w in words if "$" not in w and not w.startswith("~")]
    assert split(" ".join(shell_word(w) for w in plain)) == plain


@example("x\ny\n#$ -q evil\n", False)  # a line break at the end, which $(...) alone would drop
@example("\t\r\x1b[2J\x7f'\\", True)
@given(st.text(max_size=30).filter(lambda text: "\x00" not in text), st.booleans())
def test_exact_word_is_the_text_and_holds_no_control_character(text: str, ansi_c: bool) -> None:
    """bash ($'...') or a POSIX sh reads the word back as exactly the text; the word itself is one line, shown plainly."""
    word = exact_word(text, ansi_c)
    assert not re.search(r"[\x00-\x1f\x7f]", word)
    shell = "bash" if ansi_c else "sh"  # sh: a POSIX shell, dash on Debian, which has no $'...'
    out = subprocess.run(
        [shell, "-c", f"{SET_LINE_BREAK}; printf '%s' {word}"], capture_output=True, env={}, check=True
    )
    assert out.stdout.decode("utf-8", "surrogateescape") == text


def test_exact_word_quotes_plain_text_as_before() -> None:
    """Words without a control character are written as shlex.quote writes them: emitted scripts stay as they were."""
    assert [exact_word(w, True) for w in ["a", "a b", "it's", "$HOME"]] == ["a", "'a b'", "'it'\"'\"'s'", "'$HOME'"]
    assert exact_word("x\n#$ -q evil", True) == "$'x\\n#$ -q evil'"
    assert exact_word("x\n#$ -q evil", False) == "x\"$sgecompile_nl\"'#$ -q evil'"
