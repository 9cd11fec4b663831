"""Hostile values in every rendered field: refused, or rendered so that SGE and bash read exactly what was meant.

For a profile `check` accepts, the `#$` lines SGE will read (it cuts each at
`#`, and only lines starting `#$` count) are exactly the plan's directives,
and bash runs exactly the planned worker argv (with `$VAR` expanded and
nothing else): proven by running the command with a stand-in python that
records its argv.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sgecompile.pipeline import compile_file
from sgecompile.plan import SCHEDULER_PLACEHOLDER
from sgecompile.rendering import render

from .test_no_crash import EXAMPLES, _value

HOSTILE = st.one_of(
    st.sampled_from(
        [
            "a\n#$ -l h_vmem=1T",
            "$(touch pwned)",
            "`touch pwned`",
            "x; touch pwned",
            "a b",
            "it's",
            'q"uote',
            "run#2",
            "$HOME",
            "${HOME}",
            "a\\",
            "*",
            "-V",
            "\r",
            "é",
            "a\tb",
            "$",
            "$(",
            "'",
            '"',
            "\\n",
        ]
    ),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
)
FIELDS = [
    ("job", "name"),
    ("job", "queue"),
    ("job", "project"),
    ("job", "log_directory"),
    ("worker", "local_directory"),
    ("worker", "interface"),
    ("worker", "python"),
]


def profile_text(values: dict[tuple[str, str], str], extra_args: list[str], module: list[str]) -> str:
    """A profile of these values; ``module``: a worker.command of `-m` and these words, which worker.python runs."""
    tables: dict[str, list[str]] = {"job": [], "worker": ["cores = 1", 'memory = "1GB"']}
    for (section, key), value in values.items():
        tables[section].append(f"{key} = {_value(value)}")
    tables["worker"].append(f"extra_args = {_value(extra_args)}")
    if module:
        tables["worker"].append(f"command = {_value(['-m', *module])}")
    return "".join(f"[{s}]\n" + "".join(f"{line}\n" for line in lines) for s, lines in tables.items())


def sge_directives(script: str) -> list[list[str]]:
    """The words SGE reads from a script: lines starting `#$`, cut at the next `#`, split at whitespace."""
    return [line[2:].split("#", 1)[0].split() for line in script.split("\n") if line.startswith("#$")]


RECORD = "import json, sys; json.dump(sys.argv[1:], open(sys.argv[0] + '.argv', 'w'))"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.dictionaries(st.sampled_from(FIELDS), HOSTILE, max_size=4),
    extra=st.lists(HOSTILE, max_size=3),
    module=st.lists(HOSTILE, max_size=2),
)
def test_hostile_values_are_refused_or_meant(
    values: dict[tuple[str, str], str], extra: list[str], module: list[str], tmp_path: Path
) -> None:
    fake = tmp_path / "fake-python"
    fake.write_text(f"#!{sys.executable}\n{RECORD}\n")
    fake.chmod(0o755)
    values = {**values, ("worker", "python"): str(fake)} if ("worker", "python") not in values else values
    path = tmp_path / "p.toml"
    path.write_text(profile_text(values, extra, module), encoding="utf-8")
    result = compile_file(path)
    if not result.ok or result.plan is None:
        return  # refused, with a located error (test_no_crash checks that)
    script = render(result.plan)
    assert sge_directives(script) == [[d.option, *d.args] for d in result.plan.directives]
    if result.plan.profile.worker.python != str(fake):
        return  # an interpreter that does not exist here: the directives are what matters
    command = script.rstrip("\n").split("\n")[-1]  # bash ends lines at newlines only; splitlines() also splits at \x1e
    env = {**os.environ, "HOME": "/home/x", "JOB_NAME": "j", "JOB_ID": "1"}
    subprocess.run(["bash", "-c", command], cwd=tmp_path, env=env, check=True)
    ran = json.loads((tmp_path / "fake-python.argv").read_text())
    expected = result.plan.worker_command((SCHEDULER_PLACEHOLDER,), "$JOB_NAME-$JOB_ID")[1:]
    expand = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
    home = re.compile(r"^~(?=/|$)")  # a leading ~ or ~/ is kept expanding, as shell_word says
    assert ran == [home.sub(env["HOME"], expand.sub(lambda m: env.get(m[1] or m[2], ""), w)) for w in expected]
    assert not list(tmp_path.glob("pwned"))
