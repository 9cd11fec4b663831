"""``cached_property`` as Python 3.12 has it: a value worked out on its first read and kept in the instance.

Python 3.11's ``functools.cached_property`` takes a lock on every first read,
for all instances of the class at once (3.12 dropped it as a design error,
python/cpython#87634). A ``check`` works out some ten values of each
profile's plan: on 3.11 the lock was 4 % of checking a small profile.
Without it two threads reading one value at once may both work it out, as
on 3.12; every value kept here is a pure function of its instance. For
classes with a ``__dict__`` only: attrs turns ``functools.cached_property``
on a slotted class (the loader's documents) into a slot of its own, lock-free.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

__all__ = ["cached_property"]

Value = TypeVar("Value")

if TYPE_CHECKING or sys.version_info >= (3, 12):
    from functools import cached_property
else:

    class cached_property(Generic[Value]):  # noqa: N801 (named as the one it stands for)
        def __init__(self, function: Callable[[Any], Value]) -> None:
            self.function = function
            self.name = function.__name__
            self.__doc__ = function.__doc__

        def __set_name__(self, owner: type, name: str) -> None:
            self.name = name

        def __get__(self, instance: object, owner: type | None = None) -> Any:
            if instance is None:
                return self
            value = instance.__dict__[self.name] = self.function(instance)
            return value
