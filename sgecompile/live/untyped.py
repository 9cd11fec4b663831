"""Calling what dask-jobqueue and distributed leave unannotated, from code mypy checks strictly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast


def untyped(function: object) -> Callable[..., Any]:
    """A method dask-jobqueue or distributed left unannotated, callable from checked code."""
    return cast("Callable[..., Any]", function)
