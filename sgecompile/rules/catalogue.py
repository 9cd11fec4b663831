"""Every diagnostic code in one place: its severity, its kind and the function that finds it.

One table for each kind of rule, typed by what its rules read, and the codes
the loader reports itself (files, TOML syntax, variants), listed here for the
reference only. ``pipeline``, ``check --live``, the reference pages and the
SARIF report all read these tables; no rule registers itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import attrs

from ..diagnostics import Severity
from ..loader import Document
from ..plan import Plan
from . import Context, Live, Rule, cluster, gpus, memory, names, options, security, slots, structure, walltime

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

DOCUMENT: tuple[Rule[Document], ...] = (
    Rule("SGE001", ERROR, structure.unknown_key),
    Rule("SGE005", ERROR, structure.wrong_type),
    Rule("SGE007", ERROR, structure.dask_jobqueue_name),
)

VALUES: tuple[Rule[Context], ...] = (
    Rule("SGE006", ERROR, structure.required_missing),
    Rule("SGE101", ERROR, memory.decimal_unit_in_sge_memory),
    Rule("SGE102", ERROR, memory.octal_memory),
    Rule("SGE103", ERROR, memory.not_sge_memory),
    Rule("SGE104", ERROR, memory.not_dask_memory),
    Rule("SGE105", WARNING, memory.sge_style_worker_memory),
    Rule("SGE201", ERROR, walltime.two_field_walltime),
    Rule("SGE202", ERROR, walltime.not_a_walltime),
    Rule("SGE401", WARNING, slots.cores_not_divisible),
    Rule("SGE402", ERROR, slots.more_processes_than_cores),
    Rule("SGE404", ERROR, slots.pe_without_range),
    Rule("SGE505", ERROR, options.unknown_option),
    Rule("SGE506", ERROR, options.malformed_directive),
    Rule("SGE602", ERROR, names.value_escapes_script),
)

PLAN: tuple[Rule[Plan], ...] = (
    Rule("SGE106", ERROR, memory.memory_without_unit),
    Rule("SGE203", INFO, walltime.walltime_fields_overflow),
    Rule("SGE204", INFO, walltime.no_walltime),
    Rule("SGE205", WARNING, walltime.workers_retire_too_late_or_early),
    Rule("SGE206", WARNING, walltime.walltime_beyond_site),
    Rule("SGE207", WARNING, walltime.site_default_walltime),
    Rule("SGE301", ERROR, memory.reservation_below_dask_limit, counts_memory=True),
    Rule("SGE302", WARNING, memory.reservation_far_above_dask_limit, counts_memory=True),
    Rule("SGE303", ERROR, memory.no_memory_per_process),
    Rule("SGE304", WARNING, memory.reservation_below_job_needs, counts_memory=True),
    Rule("SGE403", WARNING, slots.pe_slots_disagree),
    Rule("SGE405", ERROR, slots.slots_as_resource),
    Rule("SGE406", WARNING, slots.threads_without_pe),
    Rule("SGE407", ERROR, slots.more_slots_than_sge_has),
    Rule("SGE408", WARNING, slots.extra_args_override),
    Rule("SGE409", WARNING, gpus.gpus_reserved_differ),
    Rule("SGE410", ERROR, gpus.gpus_without_resource),
    Rule("SGE411", WARNING, slots.unknown_worker_option),
    Rule("SGE307", ERROR, memory.host_consumable_without_host),
    Rule("SGE501", WARNING, options.duplicate_directive),
    Rule("SGE502", ERROR, options.contradicting_directive),
    Rule("SGE503", ERROR, options.conflicting_options),
    Rule("SGE504", WARNING, options.error_path_with_joined_output),
    Rule("SGE507", ERROR, options.option_not_for_scripts),
    Rule("SGE508", ERROR, options.hash_in_directive),
    Rule("SGE509", WARNING, options.skip_does_nothing),
    Rule("SGE510", ERROR, options.argument_not_one_word),
    Rule("SGE511", ERROR, options.resource_not_one_request),
    Rule("SGE512", ERROR, options.array_option_in_directives),
    Rule("SGE513", WARNING, options.scope_switch_ends_its_line),
    Rule("SGE514", ERROR, options.option_of_another_flavor),
    Rule("SGE515", ERROR, options.required_option_missing),
    Rule("SGE601", ERROR, names.bad_job_name),
    Rule("SGE603", WARNING, names.prologue_line_is_a_directive),
    Rule("SGE604", ERROR, names.python_is_not_a_command),
    Rule("SGE605", ERROR, names.prologue_not_bash),
    Rule("SGE606", ERROR, names.command_cannot_start),
    Rule("SGE607", WARNING, names.command_not_dask_worker),
    Rule("SGE701", WARNING, names.prologue_without_shell),
    Rule("SGE702", ERROR, names.shell_not_a_path),
    Rule("SGE703", ERROR, names.output_path_sge_cannot_use),
    Rule("SGE901", ERROR, security.tls_incomplete),
    Rule("SGE902", WARNING, security.tls_file_missing),
    Rule("SGE903", WARNING, security.tls_files_unused),
)

CLUSTER: tuple[Rule[Live], ...] = (
    Rule("SGE801", ERROR, cluster.unknown_queue),
    Rule("SGE802", ERROR, cluster.unknown_pe),
    Rule("SGE803", ERROR, cluster.unknown_resource),
    Rule("SGE804", WARNING, cluster.memory_per_disagrees),
    Rule("SGE805", ERROR, cluster.larger_than_any_host),
    Rule("SGE806", ERROR, cluster.walltime_beyond_queue),
    Rule("SGE807", ERROR, cluster.qsub_verification_refused),
    Rule("SGE808", ERROR, cluster.more_jobs_than_an_array_may_have),
    Rule("SGE809", WARNING, cluster.more_jobs_than_run_at_once),
    Rule("SGE810", ERROR, cluster.default_address_space_too_small),
    Rule("SGE811", WARNING, cluster.flavor_disagrees),
    Rule("SGE812", WARNING, cluster.pe_spreads_over_hosts),
    Rule("SGE813", ERROR, cluster.project_refused),
    Rule("SGE814", WARNING, cluster.gpu_per_disagrees),
    Rule("SGE815", WARNING, cluster.more_jobs_than_the_cluster_accepts),
)

Kind = Literal["loader", "document", "values", "plan", "cluster"]


@attrs.frozen
class Code:
    """One code as the reference and the SARIF report describe it."""

    code: str
    severity: Severity
    kind: Kind
    doc: str

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0] if self.doc.strip() else ""


LOADER: tuple[Code, ...] = (
    Code(
        "SGE002",
        ERROR,
        "loader",
        """A file that is not valid TOML (or not UTF-8 text).

Why: nothing can be read from it. The location is where the TOML parser stopped.
Example: `queue = all.q` (a string without quotes).
Use instead: `queue = "all.q"`.
""",
    ),
    Code(
        "SGE003",
        ERROR,
        "loader",
        """A profile or its `extends` base that cannot be read, or an `extends` chain that loops.

Why: the merged profile would be missing values the author meant to inherit.
Example: `extends = "stie.toml"` where only `site.toml` exists.
Use instead: a path relative to the profile that names an existing file.
""",
    ),
    Code(
        "SGE004",
        ERROR,
        "loader",
        """`--variant NAME` names a variant the profile does not define.

Why: silently rendering the base profile would submit the wrong job.
Example: `--variant bigg` where the profile has `[variants.big]`.
Use instead: one of the names the hint lists.
""",
    ),
)


def _described(kind: Kind, table: Sequence[Rule[Any]]) -> list[Code]:
    return [Code(r.code, r.severity, kind, r.doc) for r in table]


ALL: tuple[Code, ...] = (
    *LOADER,
    *_described("document", DOCUMENT),
    *_described("values", VALUES),
    *_described("plan", PLAN),
    *_described("cluster", CLUSTER),
)
CATALOGUE: dict[str, Code] = {c.code: c for c in sorted(ALL, key=lambda c: c.code)}  # every code, in code order
