"""The example cluster of the SGE8xx examples, and the live rules run against cluster facts."""

from __future__ import annotations

import tomllib

from sgecompile import rules
from sgecompile.clusterfacts import Facts, read
from sgecompile.diagnostics import Diagnostic
from sgecompile.livecheck import as_cluster_counts
from sgecompile.pipeline import Result
from sgecompile.reference import EXAMPLES
from sgecompile.rules.catalogue import CLUSTER


def example_answers() -> dict[str, str]:
    """What `sgecompile/rules/examples/cluster.toml` says each qconf command answers."""
    with (EXAMPLES / "cluster.toml").open("rb") as file:
        return tomllib.load(file)


def example_cluster() -> Facts:
    """The example cluster, read as a live cluster is."""
    answers = example_answers()
    return read(lambda argv: str(answers[" ".join(argv)]))


FACTS = example_cluster()


def live_diagnostics(result: Result, verification: str | None = None, facts: Facts = FACTS) -> list[Diagnostic]:
    """What the live rules find in a compiled profile on a cluster (without asking qsub)."""
    assert result.plan is not None, result.diagnostics
    plan = as_cluster_counts(result.plan, facts)
    return rules.run(CLUSTER, rules.Live(result.loaded, plan, facts, verification), result.loaded.where)


def live_findings(result: Result, verification: str | None = None, facts: Facts = FACTS) -> dict[str, int | None]:
    """The live rules' codes on a compiled profile, each with the line of its finding."""
    return {d.code: d.location.line for d in live_diagnostics(result, verification, facts)}
