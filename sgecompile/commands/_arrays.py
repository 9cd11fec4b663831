"""How many tasks one array job may have on the cluster here, for the commands that submit task arrays."""

from __future__ import annotations

from ..clusterfacts import SGE_MAX_ARRAY_TASKS, max_array_tasks
from ..sgecommands import SGEError
from . import UsageError


def array_limit(count: int) -> int | None:
    """The cluster's ``max_aj_tasks`` (None: no limit), asked read-only.

    When it cannot be asked, ``count`` tasks still go as one array while SGE's
    default limit allows them; past it, the numbers are said instead of a
    qsub that would fail.
    """
    try:
        return max_array_tasks()
    except SGEError as error:
        if count > SGE_MAX_ARRAY_TASKS:
            raise UsageError(
                f"{count} tasks are more than one array job may have with SGE's default max_aj_tasks"
                f" ({SGE_MAX_ARRAY_TASKS}), and this cluster's own limit cannot be read ({error});"
                " run this where qconf answers, so that the tasks are split into arrays it takes"
            ) from None
        return None
