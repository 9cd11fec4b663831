"""``--format json``: one JSON array of the documented record objects."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..diagnostics import Diagnostic


def report(diagnostics: Sequence[Diagnostic]) -> str:
    return json.dumps([d.as_json() for d in diagnostics], indent=2, ensure_ascii=False) + "\n"
