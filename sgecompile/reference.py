"""The reference pages in ``docs/``, generated from the rule catalogue, its examples and the schema.

``python -m sgecompile.reference docs`` rewrites them; a test fails when the
committed pages differ from what this module generates, so they cannot drift
from the code. Each rule's example and its fix are the files in
``rules/examples/`` that tests/rules/test_catalogue.py checks, so the page
shows profiles that do (and do not) get the code.
"""

from __future__ import annotations

import inspect
import re
import sys
from pathlib import Path

from . import schema
from .files import write_atomic
from .rules.catalogue import CATALOGUE, Code

_PARTS = ("Why", "Example", "Use instead")  # Example: only for codes without example files
EXAMPLES = Path(__file__).parent / "rules" / "examples"  # SGE101.toml gets SGE101, SGE101.fixed.toml does not


def example(code: str, fixed: bool = False) -> Path:
    """The example profile of a code (the line of each finding marked ``# [CODE]``), or its fix."""
    return EXAMPLES / f"{code}{'.fixed' if fixed else ''}.toml"


def _parts(rule: Code) -> dict[str, str]:
    """A rule docstring's summary and its ``Why:``/``Example:``/``Use instead:`` paragraphs."""
    text = inspect.cleandoc(rule.doc)
    summary, _, rest = text.partition("\n\n")
    found = {"summary": " ".join(summary.split())}
    pattern = rf"^({'|'.join(_PARTS)}):\s*(.*?)(?=^(?:{'|'.join(_PARTS)}):|\Z)"
    for name, body in re.findall(pattern, rest, flags=re.S | re.M):
        found[name] = " ".join(body.split())
    return found


def rules_page() -> str:
    lines = [
        "# Rules",
        "",
        "Every finding of `sgecompile check` has a stable code. This page is generated from the",
        "rules' own docstrings and their example profiles, which the tests check",
        "(`python -m sgecompile.reference docs`); do not edit it by hand.",
        "",
        "| code | severity | catches |",
        "|------|----------|---------|",
    ]
    ordered = list(CATALOGUE.values())
    lines += [f"| [{r.code}](#{r.code.lower()}) | {r.severity.value} | {_parts(r)['summary']} |" for r in ordered]
    for r in ordered:
        parts = _parts(r)
        lines += ["", f"## {r.code}", "", f"**{r.severity.value}**: {parts['summary']}", ""]
        lines += [f"- **{name}:** {parts[name]}" for name in _PARTS if name in parts]
        if example(r.code).exists():
            lines += _examples(r)
    return "\n".join(lines) + "\n"


def _examples(rule: Code) -> list[str]:
    """The example profile and its fix, as the tests run them."""
    live = ", with `check --live` on the [example cluster](../sgecompile/rules/examples/cluster.toml)"
    said = f"**Example**{live if rule.kind == 'cluster' else ''}: {rule.code} on the line marked `# [{rule.code}]`."
    lines = ["", said, ""] + _toml(example(rule.code))
    return lines + ["", "**Fixed:**", ""] + _toml(example(rule.code, fixed=True))


def _toml(path: Path) -> list[str]:
    return ["```toml", *path.read_text(encoding="utf-8").rstrip("\n").splitlines(), "```"]


def profile_page() -> str:
    lines = [
        "# Profile reference",
        "",
        "Every key of a profile, generated from the schema that `check` uses",
        "(`python -m sgecompile.reference docs`); do not edit it by hand. `sgecompile schema`",
        "prints the same as JSON Schema for editors.",
        "",
        'A profile may start with `extends = "base.toml"` (relative to itself), `extends = "@site"` (your',
        'site base file) or `extends = "@sites/NAME"` (a shipped base profile of a real cluster, listed by',
        "`sgecompile sites`), and may hold `[variants.NAME]` tables with `site`, `job` and `worker` overrides,",
        "chosen with `--variant NAME`.",
    ]
    for section, keys in schema.SECTIONS.items():
        lines += ["", f"## [{section}]", "", "| key | type | default | meaning |", "|-----|------|---------|---------|"]
        for k in keys:
            default = "required" if k.required else _default(k)
            lines.append(f"| `{k.name}` | {_kind(k)} | {default} | {k.doc} |")
    return "\n".join(lines) + "\n"


def _kind(k: schema.Key) -> str:
    """The type column: the kind of value, and for a number its range."""
    kind = schema.KIND_NAMES[k.kind]
    if k.minimum is not None and k.maximum is not None:
        return f"{kind}, {k.minimum} to {k.maximum}"
    if k.minimum is not None:
        return f"{kind}, at least {k.minimum}"
    return kind


def _default(k: schema.Key) -> str:
    if k.default is None:
        return "none"
    if isinstance(k.default, bool):
        return f"`{str(k.default).lower()}`"
    if isinstance(k.default, str):
        return f'`"{k.default}"`'
    return f"`{k.default}`"


PAGES = {"rules.md": rules_page, "profile.md": profile_page}


def main(folder: str) -> None:
    for name, page in PAGES.items():
        write_atomic(Path(folder) / name, page())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "docs")
