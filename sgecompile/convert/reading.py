"""dask-jobqueue configuration as keyword arguments: from an ``SGECluster(...)`` call in a .py file or a jobqueue.yaml section.

Read without running anything: Python as literals, YAML with a bound on
aliases. Input that cannot be read is an :class:`ImportProblem` naming the place.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import attrs


class ImportProblem(ValueError):
    """Input that cannot be read as dask-jobqueue configuration; the message names the place."""


@attrs.frozen
class DaskDefault:
    """An expression that is what dask-jobqueue uses anyway (``python=sys.executable``): read, not evaluated."""

    text: str


@attrs.frozen
class SecurityCall:
    """``security=Security(...)`` with literal keywords, as dask-jobqueue takes certificate files: read, not run."""

    fields: tuple[tuple[str, Any], ...]

    def __repr__(self) -> str:
        return f"Security({', '.join(f'{name}={value!r}' for name, value in self.fields)})"


# Keyword -> the expression dask-jobqueue 0.9 falls back to for it (core.py: python = sys.executable).
DEFAULT_EXPRESSIONS = {"python": "sys.executable"}


def keywords_in_python(path: Path) -> dict[str, Any]:
    """The literal keyword arguments of the ``SGECluster(...)`` call in a Python file."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    except (OSError, UnicodeDecodeError, SyntaxError) as error:
        raise ImportProblem(f"{path}: cannot read it as Python: {error}") from None
    except (MemoryError, RecursionError):  # how CPython's parser gives up on an expression thousands deep
        raise ImportProblem(f"{path}: cannot read it as Python: an expression is nested too deeply") from None
    calls = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (getattr(node.func, "id", None) or getattr(node.func, "attr", None)) == "SGECluster"
    ]
    if not calls:
        raise ImportProblem(f"{path}: no SGECluster(...) call in it")
    if len(calls) > 1:
        lines = ", ".join(str(n) for n in sorted(call.lineno for call in calls))
        raise ImportProblem(
            f"{path}: {len(calls)} SGECluster(...) calls (lines {lines}); one profile holds one: "
            "put the call to import in a file of its own"
        )
    if calls[0].args:
        first = calls[0].args[0]
        raise ImportProblem(
            f"{path}:{first.lineno}:{first.col_offset + 1}: positional arguments cannot be imported"
            " (SGECluster takes n_workers first, not cores); write them as keywords: cores=..., memory=..."
        )
    found: dict[str, Any] = {}
    for keyword in calls[0].keywords:
        where = f"{path}:{keyword.value.lineno}:{keyword.value.col_offset + 1}"
        if keyword.arg is None:
            raise ImportProblem(f"{where}: **kwargs cannot be read without running the file; write them out")
        placeholder = _placeholder(keyword.value)
        if placeholder is not None:
            raise ImportProblem(
                f"{path}:{placeholder.value.lineno}:{placeholder.value.col_offset + 1}: {keyword.arg}= is an f-string with a"
                f" placeholder ({{{ast.unparse(placeholder.value)}}}), whose value only running the file gives;"
                " write the value out"
            )
        if DEFAULT_EXPRESSIONS.get(keyword.arg) == ast.unparse(keyword.value):
            found[keyword.arg] = DaskDefault(ast.unparse(keyword.value))
            continue
        if (call := _security_node(keyword.value)) is not None:
            found[keyword.arg] = _security_call(call, where)
            continue
        if isinstance(keyword.value, ast.Constant) and keyword.value.value is Ellipsis:
            raise ImportProblem(f"{where}: {keyword.arg}=... is a placeholder to fill in; write the value out")
        try:
            found[keyword.arg] = ast.literal_eval(_ConstantFStrings().visit(keyword.value))
        except ValueError:
            raise ImportProblem(f"{where}: {keyword.arg}= is not a literal value; write it out") from None
        except TypeError as error:  # a literal Python cannot build: a list as a dict key or in a set
            raise ImportProblem(f"{where}: {keyword.arg}= cannot be read: {error}") from None
    return found


def _security_node(node: ast.expr) -> ast.Call | None:
    """``node`` if it is a call of ``Security`` (``Security(...)``, ``distributed.security.Security(...)``)."""
    called = isinstance(node, ast.Call) and (getattr(node.func, "id", None) or getattr(node.func, "attr", None))
    return node if isinstance(node, ast.Call) and called == "Security" else None


def _security_call(call: ast.Call, where: str) -> SecurityCall:
    """``Security(tls_ca_file="...", ...)`` as its literal keywords."""
    if call.args or any(k.arg is None for k in call.keywords):
        raise ImportProblem(f"{where}: Security(...) is read by its keywords only; write them out: tls_ca_file=...")
    try:
        return SecurityCall(tuple((str(k.arg), ast.literal_eval(k.value)) for k in call.keywords))
    except ValueError:
        raise ImportProblem(f"{where}: a keyword of Security(...) is not a literal value; write it out") from None


def _placeholder(node: ast.expr) -> ast.FormattedValue | None:
    """The first ``{...}`` of an f-string in ``node``, if any: import reads no names."""
    return next((n for n in ast.walk(node) if isinstance(n, ast.FormattedValue)), None)


class _ConstantFStrings(ast.NodeTransformer):
    """f-strings with no placeholder (``f"2 G"``) as the plain strings they are, for ``literal_eval``."""

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.expr:
        text = "".join(str(part.value) for part in node.values if isinstance(part, ast.Constant))
        return ast.copy_location(ast.Constant(text), node)


def keywords_in_yaml(path: Path, section: str = "sge") -> dict[str, Any]:
    """The ``jobqueue: SECTION:`` table of a dask ``jobqueue.yaml``."""
    import yaml  # only import and export read or write YAML

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ImportProblem(f"{path}: cannot read it as YAML: {error}") from None
    jobqueue = data.get("jobqueue") if isinstance(data, dict) else None
    found = jobqueue.get(section) if isinstance(jobqueue, dict) else None
    if not isinstance(found, dict):
        raise ImportProblem(f"{path}: no `jobqueue: {section}:` section")
    if _more_values_than(MAX_VALUES, found):
        raise ImportProblem(
            f"{path}: the `jobqueue: {section}:` section holds more than {MAX_VALUES} values once its YAML"
            " aliases are expanded (or refers to itself); a section needs a few dozen"
        )
    return found


MAX_VALUES = 10_000  # a jobqueue.yaml section holds a few dozen; nested aliases can stand for billions


def _more_values_than(limit: int, value: Any) -> bool:
    """Whether ``value`` holds more than ``limit`` values, each alias counted as the copy it stands for.

    Counting stops at the limit, so a billion-laughs document or one that
    contains itself is found in ``limit`` steps.
    """
    pending, seen = [value], 0
    while pending:
        seen += 1
        if seen > limit:
            return True
        item = pending.pop()
        if isinstance(item, dict):
            pending += [*item.keys(), *item.values()]
        elif isinstance(item, list):
            pending += item
    return False
