"""SGE605's shortcut: a prologue of plain words is taken as parsing without a `bash -n` process; bash agrees."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sgecompile.rules.names import plainly_parses

BASH = shutil.which("bash")


def bash_parses(script: str) -> bool:
    assert BASH is not None
    return subprocess.run([BASH, "-n"], input=script, capture_output=True, text=True, check=False).returncode == 0


@pytest.mark.parametrize(
    "script",
    ["module load iqtree/2.2\nexport OMP_NUM_THREADS=4\n", "", "\n\n", "  source ~/env.sh  \n", "cd $TMPDIR\n"],
)
def test_plain_lines_are_taken_as_parsing(script: str) -> None:
    assert plainly_parses(script)


@pytest.mark.parametrize(
    "script",
    [
        "if true; then\n",
        'echo "a\n',
        "fi\n",
        "A=1 done\n",
        "cd ${TMPDIR:-/tmp}\n",
        "echo $(hostname)\n",
        "echo `date`\n",
        "a && b\n",
        "echo $1\n",
        "f() {\n",
        "echo a # b\n",
        "echo a\\\n",
    ],
)
def test_anything_less_plain_goes_to_bash(script: str) -> None:
    assert not plainly_parses(script)


WORDS = st.sampled_from(["module", "load", "export", "A=1", "$HOME", "fi", "if", "do", "!", "{", "x/y-2.0", "%1", "~"])
CHARACTERS = st.sampled_from(list("ab=$_ \t-./:,@%~+'\"(){}[];&|<>#\\`!*?"))
LINES = st.one_of(
    st.lists(WORDS, max_size=5).map(" ".join),
    st.lists(CHARACTERS, max_size=12).map("".join),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(LINES, max_size=4).map("\n".join))
def test_bash_parses_every_script_taken_as_parsing(script: str) -> None:
    if plainly_parses(script):
        assert bash_parses(script + "\n"), script
