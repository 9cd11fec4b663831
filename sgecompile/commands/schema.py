"""``sgecompile schema``: the profile format as JSON Schema, for TOML editors."""

from __future__ import annotations

import argparse
import json
import sys

from ..schema import json_schema


def run(args: argparse.Namespace) -> int:
    del args
    sys.stdout.write(json.dumps(json_schema(), indent=2) + "\n")
    return 0
