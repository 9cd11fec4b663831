"""The compiler-style text report."""

from __future__ import annotations

import os
from pathlib import Path

from sgecompile.diagnostics import Diagnostic, Location, Severity
from sgecompile.reporters import text


def test_excerpt_shows_the_file_as_it_is_now(tmp_path: Path) -> None:
    """A file edited after an earlier report is shown as edited, not from a stale cache (long-lived processes)."""
    profile = tmp_path / "p.toml"
    profile.write_text("[worker]\ncores = 0\n")
    finding = Diagnostic("SGE007", Severity.ERROR, "bad", Location(str(profile), 2, 9))
    assert " 2 | cores = 0" in text.excerpt(finding)
    profile.write_text("[worker]\ncores = -1\n")
    os.utime(profile, ns=(0, 10**9))  # a different modification time even on coarse clocks
    assert " 2 | cores = -1" in text.excerpt(finding)
    assert text.excerpt(finding)[-1].endswith("^^")
