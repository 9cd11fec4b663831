"""`check` agrees with the real qmaster on a corpus of 240 generated headers (`qsub -w v`, nothing submitted).

For each header (valid and broken in the ways SGE cares about), the same
options go into a profile's `job.directives` and through `check` with the
live cluster's facts (SGE807, which is `qsub -w v` itself, left out), and
the raw `#$` lines go to `qsub -w v`. Two promises:

- no false accept: every profile `check` passes renders a script SGE accepts;
- no miss: every header SGE rejects, `check` has flagged.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

import pytest

from sgecompile import facts, sge
from sgecompile.livecheck import check_live, verify
from sgecompile.pipeline import compile_file

pytestmark = pytest.mark.sge

CHOICES = [
    ["-q all.q", "-q all.q", "-q nosuch.q", None],
    ["-pe threaded 1", "-pe threaded 4", "-pe threaded 16", "-pe threaded 17", "-pe nope 2", "-pe threaded", None],
    [
        "-l h_vmem=1G",
        "-l h_vmem=2g",
        "-l h_vmem=64GB",
        "-l h_vmem=010G",
        "-l h_vmem=100G",
        "-l h_vmem=1.5G",
        None,
        None,
    ],
    ["-l h_rt=3600", "-l h_rt=1:00:00", "-l h_rt=00:30", "-l h_rt=99:99:99", "-l h_rt=200000", None],
    ["-l foo=1", "-l slots=4", "-l mem_free=1G", None, None, None],
    ["-N good", "-N 1bad", "-N a/b", "-N run#2", "-N ALL", None, None],
    ["-m ea", "-cwd", "-wd /tmp", "-j y", "-b y", "-notify", None, None],
]


def corpus(size: int = 240, seed: int = 2026) -> list[list[str]]:
    rng = random.Random(seed)
    return [[o for o in (rng.choice(c) for c in CHOICES) if o] for _ in range(size)]


def sge_accepts(header: list[str], folder: Path) -> bool:
    script = folder / "raw.sh"
    script.write_text("#!/bin/bash\n" + "".join(f"#$ {line}\n" for line in header) + "true\n")
    try:
        sge.run(["qsub", "-w", "v", str(script)])
    except sge.SGEError:
        return False
    return True


def check_passes(header: list[str], folder: Path, live: facts.Facts) -> tuple[bool, str | None]:
    """Whether check (with the cluster's facts) passes the profile; if so, what qsub -w v says of its script."""
    profile = folder / "p.toml"
    profile.write_text(f'[worker]\ncores = 1\nmemory = "512MiB"\n[job]\ndirectives = {json.dumps(header)}\n')
    result = compile_file(profile)
    found = check_live(result, live) if result.ok else list(result.diagnostics)
    errors = [d for d in found if d.severity.value == "error" and d.code != "SGE807"]
    if errors or result.plan is None:
        return False, None
    return True, verify(result.plan)


def test_check_agrees_with_qmaster(sge_cluster, capsys) -> None:
    live = facts.read()
    false_accepts, misses, counts = [], [], {"checked": 0, "check passed": 0, "sge rejected raw": 0}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for header in corpus():
            counts["checked"] += 1
            passed, refused = check_passes(header, folder, live)
            counts["check passed"] += passed
            if passed and refused:
                false_accepts.append((header, refused))
            if not sge_accepts(header, folder):
                counts["sge rejected raw"] += 1
                if passed:
                    misses.append(header)
    with capsys.disabled():
        print(f"\nqmaster agreement: {counts}, false accepts {len(false_accepts)}, misses {len(misses)}")
    assert counts["check passed"] >= 20 and counts["sge rejected raw"] >= 50  # the corpus exercises both sides
    assert not false_accepts, false_accepts[:5]
    assert not misses, misses[:5]
