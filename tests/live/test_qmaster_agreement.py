"""`check` agrees with the real qmaster on a corpus of 240 generated headers (`qsub -w v`, nothing submitted).

For each header (valid and broken in the ways SGE cares about), the same
options go into a profile's `job.directives` and through `check` with the
live cluster's facts (SGE807, which is `qsub -w v` itself, left out), and
the raw `#$` lines go to `qsub -w v` (read as `check --live` reads it: a
complex the cluster defines but only load reports provide, such as
`mem_free`, is "unknown" to verification, which ignores load values). The
profile keeps out of the way: no `-cwd`/`-j y` of its own, `-N` as the job
name, cores that match `-pe`. Two promises:

- no false accept: every profile `check` passes renders a script SGE accepts;
- no miss: every header SGE rejects, `check` has flagged.
"""

from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

import pytest

from sgecompile import clusterfacts
from sgecompile.livecheck import check_live, qsub_verify, verify
from sgecompile.pipeline import compile_file

pytestmark = pytest.mark.sge

# Per option: values SGE accepts here, and values it refuses (or that can never run here).
CHOICES = [
    (["-q all.q", None], ["-q nosuch.q"]),
    (["-pe threaded 1", "-pe threaded 4", "-pe threaded 16", None], ["-pe threaded 17", "-pe nope 2", "-pe threaded"]),
    (["-l h_vmem=1G", "-l h_vmem=2g", "-l h_vmem=512M", None], ["-l h_vmem=64GB", "-l h_vmem=010G", "-l h_vmem=100G"]),
    (
        ["-l h_rt=3600", "-l h_rt=1:00:00", "-l h_rt=47:00:00", None],
        ["-l h_rt=00:30", "-l h_rt=99:99:99", "-l h_rt=2h"],
    ),
    (["-l mem_free=1G", None], ["-l foo=1", "-l mem_free=100G"]),
    (["-N good", None], ["-N 1bad", "-N a/b", "-N ALL"]),
    (["-m ea", "-cwd", "-j y", "-notify", None], ["-wd /nonexistent-but-fine", "-b y"]),
]


def corpus(size: int = 240, seed: int = 2026) -> list[list[str]]:
    """Headers with each option valid three times in four, so that both verdicts are common."""
    rng = random.Random(seed)
    headers = []
    for _ in range(size):
        picks = [rng.choice(bad if rng.random() < 0.25 else good) for good, bad in CHOICES]
        headers.append([p for p in picks if p])
    return headers


def sge_accepts(header: list[str], live: clusterfacts.Facts) -> bool:
    """qmaster's verdict on the raw header (as check --live reads `qsub -w v`: load values aside)."""
    return qsub_verify("#!/bin/bash\n" + "".join(f"#$ {line}\n" for line in header) + "true\n", live) is None


def check_passes(header: list[str], folder: Path, live: clusterfacts.Facts) -> tuple[bool, str | None]:
    """Whether check (with the cluster's facts) passes the profile; if so, what qsub -w v says of its script."""
    profile = folder / "p.toml"
    pe = next((line.split() for line in header if line.startswith("-pe ")), [])
    cores = int(pe[2]) if len(pe) == 3 and pe[2].isdigit() else 1  # so that -pe matches the worker
    names = [line.split(" ", 1)[1] for line in header if line.startswith("-N ")]
    job = f"name = {json.dumps(names[0])}\n" if names else ""
    rest = [line for line in header if not line.startswith("-N ")]
    profile.write_text(
        f'[worker]\ncores = {cores}\nmemory = "512MiB"\n'
        f"[job]\n{job}cwd = false\njoin_output = false\ndirectives = {json.dumps(rest)}\n"
    )
    result = compile_file(profile)
    found = check_live(result, live) if result.ok else list(result.diagnostics)
    errors = [d for d in found if d.severity.value == "error" and d.code != "SGE807"]
    if errors or result.plan is None:
        return False, None
    return True, verify(result.plan, live)


def test_check_agrees_with_qmaster(sge_cluster, capsys) -> None:
    live = clusterfacts.read()
    false_accepts, misses, counts = [], [], {"checked": 0, "check passed": 0, "sge rejected raw": 0}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for header in corpus():
            counts["checked"] += 1
            passed, refused = check_passes(header, folder, live)
            counts["check passed"] += passed
            if passed and refused:
                false_accepts.append((header, refused))
            if not sge_accepts(header, live):
                counts["sge rejected raw"] += 1
                if passed:
                    misses.append(header)
    with capsys.disabled():
        print(f"\nqmaster agreement: {counts}, false accepts {len(false_accepts)}, misses {len(misses)}")
    assert counts["check passed"] >= 20 and counts["sge rejected raw"] >= 50  # the corpus exercises both sides
    assert not false_accepts, false_accepts[:5]
    assert not misses, misses[:5]
