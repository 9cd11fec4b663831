"""TOML values as a profile would spell them: for messages, `config` and `import`.

Python's reprs (``datetime.time(7, 32)``, ``'queue'``, ``True``) are not what
the user wrote; these are.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any

MAX_SHOWN = 60  # characters of a value quoted in a message; the location points at the whole of it


def toml_value(value: Any) -> str:
    """A value that TOML can hold (tables, arrays, strings, numbers, booleans, dates and times) in TOML syntax."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, str):
        import json  # here: a `check` without findings quotes nothing, and needs no json

        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")  # TOML escapes DEL, JSON does not
    if isinstance(value, list | tuple):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_value(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    return str(value.isoformat())  # dates and times


def toml_key(name: str) -> str:
    """A table or key name as TOML writes it: bare when it can be (`big`), else quoted (`""`, `"two words"`)."""
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else toml_value(name)


def shown(value: Any) -> str:
    """``value`` in TOML syntax, cut to :data:`MAX_SHOWN` characters for a message."""
    text = toml_value(value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 1] + "…"


def type_name(value: Any) -> str:
    """The TOML name of a value's type, with its article: "a string", "an array", "a local time"."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, datetime.datetime):
        return "a date-time"
    names = {
        int: "an integer",
        float: "a float",
        str: "a string",
        list: "an array",
        dict: "a table",
        datetime.date: "a date",
        datetime.time: "a time",
    }
    return next(name for kind, name in names.items() if isinstance(value, kind))
