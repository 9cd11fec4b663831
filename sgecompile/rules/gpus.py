"""SGE409-410: GPUs, requested through the site's GPU resource and counted as SGE counts that consumable."""

from __future__ import annotations

from collections.abc import Iterator

from ..plan import Plan
from . import Finding


def count(gpus: int) -> str:
    """``1 GPU``, ``8 GPUs``."""
    return f"{gpus} GPU" + ("" if gpus == 1 else "s")


def gpus_reserved_differ(plan: Plan) -> Iterator[Finding]:
    """SGE reserves another number of GPUs than `worker.gpus` asks, or multiplies a GPU request by the slots.

    Why: a GPU resource counted per slot (consumable YES, `site.gpu_per = "slot"`)
    is multiplied by the pe slots: `gpu=1` with `-pe smp 8` asks for 8 GPUs,
    and the job waits for a host that has them, maybe for ever. Derived from
    `worker.gpus`, the request per slot is rounded up when the slots do not
    divide it; written in `job.resources`, it may ask for more than meant.
    Use instead: a `worker.gpus` the slots divide, `gpu_per = "job"` where the
    cluster counts the resource once (`qconf -sc`, column consumable), or leave
    the request to `worker.gpus`.
    """
    found = plan.gpu_reservation
    wanted = plan.profile.worker.gpus
    if found is None or (found.per_job == wanted or (wanted is None and found.multiplier == 1)):
        return
    counted = (
        f"{found.resource}={found.text} per slot x {found.multiplier} slots = {count(found.per_job)}"
        if found.multiplier > 1
        else f"{found.resource}={found.text} = {count(found.per_job)}"
    )
    asked = f"worker.gpus asks for {wanted}" if wanted else "worker.gpus is not set"
    yield Finding(
        found.origin,
        f"SGE reserves {counted}, where {asked}",
        f"Ask for a multiple of the {found.multiplier} slots in worker.gpus, or set site.gpu_per"
        ' = "job" if the cluster counts it once (qconf -sc).'
        if found.derived
        else f"Remove {found.resource} from the requests and set worker.gpus to the GPUs the job needs.",
    )


def gpus_without_resource(plan: Plan) -> Iterator[Finding]:
    """`worker.gpus` with no `site.gpu_resource` to request them with.

    Why: Grid Engine has no GPU resource of its own; each site names the one it
    defined (`gpu` at UCL, Sheffield and Dundee), so nothing is requested and
    the job runs without a GPU.
    Use instead: `site.gpu_resource` (and `site.gpu_per`), from your site's documentation or `qconf -sc`.
    """
    if plan.profile.worker.gpus and not plan.profile.site.gpu_resource:
        yield Finding(
            ("worker", "gpus"),
            f"worker.gpus = {plan.profile.worker.gpus}, but site.gpu_resource names no resource to request them"
            " with: the job would get no GPU",
            'Set site.gpu_resource to the resource your site reserves GPUs with, e.g. gpu_resource = "gpu".',
        )
