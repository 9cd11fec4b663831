"""The sge column of the one table against Son of Grid Engine's own qsub: it knows exactly the options marked sge."""

from __future__ import annotations

import subprocess

import pytest

from sgecompile import sgecommands, vocabulary

pytestmark = pytest.mark.sge

# Arguments qsub can parse for each option; held (-h), nothing of it runs.
SAMPLE = {
    "-a": ["01010000"],
    "-b": ["y"],
    "-binding": ["linear:1"],
    "-j": ["y"],
    "-l": ["h_rt=60"],
    "-m": ["n"],
    "-now": ["n"],
    "-pe": ["threaded", "1"],
    "-pty": ["n"],
    "-r": ["y"],
    "-R": ["n"],
    "-shell": ["y"],
    "-sync": ["n"],
    "-t": ["1-1"],
    "-tc": ["1"],
    "-tcon": ["y"],
    "-w": ["n"],
}
NOT_SUBMITTING = {"-help", "-verify"}  # they print and submit nothing


def _refused_as_unknown(option: str) -> bool:
    """Whether the test SGE's qsub says it does not know ``option`` at all."""
    word = vocabulary.OPTIONS[option]
    args = SAMPLE.get(option, ["x"] * word.args[0])
    done = subprocess.run(
        ["qsub", "-terse", "-h", "-b", "y", "-o", "/dev/null", "-j", "y", option, *args, "true"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if done.returncode == 0 and option not in NOT_SUBMITTING:
        sgecommands.delete([sgecommands.job_id(done.stdout)])
    return f'invalid option argument "{option}"' in done.stderr


@pytest.mark.parametrize("option", sorted(vocabulary.OPTIONS))
def test_sges_qsub_knows_exactly_the_options_marked_sge(sge_cluster: None, in_tmp: object, option: str) -> None:
    """Each option marked for another flavor only is refused as unknown; each marked sge is not."""
    assert _refused_as_unknown(option) is ("sge" not in vocabulary.OPTIONS[option].flavors)
