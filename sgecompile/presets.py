"""The base profiles of real clusters that ship with sgecompile: ``extends = "@sites/NAME"``.

Each is a TOML file in ``sgecompile/sites/`` that holds only what the site's
public documentation says (flavor, pe, memory resources, required options),
each fact with its source and the date it was read in a comment. Its first
comment lines name it for ``sgecompile sites``::

    # cluster: UCL Myriad
    # summary: one line on what the preset sets

The list is the folder's contents, so a new cluster is one new file.
"""

from __future__ import annotations

from pathlib import Path

import attrs

PREFIX = "@sites/"  # `extends = "@sites/myriad"`
FOLDER = Path(__file__).parent / "sites"


@attrs.frozen
class Preset:
    """One shipped base profile: the name ``extends`` uses, the cluster it describes, and what it sets."""

    name: str
    cluster: str
    summary: str
    path: Path


def names() -> list[str]:
    """The names ``extends = "@sites/NAME"`` accepts, sorted."""
    return sorted(p.stem for p in FOLDER.glob("*.toml"))


def path_of(name: str) -> Path | None:
    """The file of the preset ``name``; None for a name that is no shipped preset (never a path outside the folder)."""
    return FOLDER / f"{name}.toml" if name in names() else None


def presets() -> list[Preset]:
    """Every shipped preset with the cluster and summary its header comments give."""
    return [_read(name) for name in names()]


def _read(name: str) -> Preset:
    """A preset's header: the ``# key: value`` comment lines before its first TOML line."""
    path = FOLDER / f"{name}.toml"
    header: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, colon, value = line.lstrip("# ").partition(":")
        if colon:
            header.setdefault(key.strip(), value.strip())
    return Preset(name, header["cluster"], header["summary"], path)
