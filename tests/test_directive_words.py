"""directives.words: the same words as shlex.split, with or without quotes, so the fast path changes no finding."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sgecompile.directives import words

# Blanks of every kind (shlex's four and those only str.split knows), quotes, backslashes and plain text.
pieces = st.sampled_from(
    [" ", "\t", "\r", "\n", "\x0b", "\x0c", "\xa0", "\u2028", "'", '"', "\\", "-l", "a=1", "#", "é"]
)


def _shlex(text: str) -> list[str] | str:
    try:
        return shlex.split(text, comments=False)
    except ValueError as error:
        return str(error)


def _ours(text: str) -> list[str] | str:
    try:
        return words(text)
    except ValueError as error:
        return str(error)


@example("-l\xa0h_vmem=1G")  # a no-break space is part of a word to shlex, and to qsub
@example("-N a#b")  # no comments: # is text
@given(st.text(max_size=30) | st.builds("".join, st.lists(pieces, max_size=12)))
def test_words_are_shlex_words(text: str) -> None:
    """Any text: the same words as shlex.split (POSIX, no comments), or the same error."""
    assert _ours(text) == _shlex(text)


@pytest.mark.parametrize("text", ["-N 'a b'", '-N "a b"', "-N a\\ b"])
def test_quotes_and_backslashes_still_join_words(text: str) -> None:
    """Quoted and escaped blanks keep one word, as shlex reads them."""
    assert words(text) == ["-N", "a b"]


@pytest.mark.parametrize(
    ("text", "ranges"),
    [
        ("4", [(4, 4)]),
        ("04", [(4, 4)]),
        ("2-8", [(2, 8)]),
        ("-8", [(None, 8)]),
        ("2-", [(2, None)]),
        ("1,4-8", [(1, 1), (4, 8)]),
        ("x", None),
        ("4,", None),
        ("", None),
    ],
)
def test_a_slot_range_list_is_read_as_qsub_reads_it(
    text: str, ranges: list[tuple[int | None, int | None]] | None
) -> None:
    """One reading of `-pe NAME RANGES` for every rule that counts slots: each range's fewest and most."""
    from sgecompile.directives import slot_ranges

    assert slot_ranges(text) == ranges
