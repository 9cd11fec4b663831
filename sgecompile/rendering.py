"""A compiled plan → the text of the job script, through jinja2 templates.

Templates live in the top-level ``templates/`` folder of a checkout and are
shipped inside the wheel as ``sgecompile/templates``; ``--templates DIR`` puts a
user's own folder first. Every word of the worker command passes through
:func:`shell_word`, so no value can run code or add a line.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import traceback
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

import jinja2

from . import __version__
from . import directives as dirs
from .plan import WORKER_NAME_DEFAULT, Plan
from .shellword import shell_word


class TemplateError(Exception):
    """A template of the user's own folder that cannot be filled: bad input, not a bug in sgecompile.

    Its text is ``FILE:LINE: what is wrong``, for the command line to print as it is
    (commands catch it without importing jinja2).
    """


def template_dirs(extra: str | Path | None = None) -> list[Path]:
    """Where templates are looked up: the user's folder, the installed package, the checkout.

    A user's folder that is not one is a :class:`TemplateError`: jinja2 would
    skip it and fill the shipped templates without a word.
    """
    if extra and not os.path.isdir(extra):
        raise TemplateError(f"--templates {extra} {'is not a folder' if os.path.exists(extra) else 'does not exist'}")
    found = [Path(extra)] if extra else []
    here = Path(__file__).resolve().parent
    packaged, checkout = here / "templates", here.parent / "templates"  # in a wheel; in a checkout
    found += [d for d in (packaged, checkout) if d.is_dir()]
    return found


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Templates compiled once and kept on disk, as Python keeps ``.pyc`` files.

    Compiling ``job.sh.j2`` took 3.8 ms of every ``render``; loading it takes
    0.3 ms. jinja2 recompiles a template whose text changed; the file names
    carry both versions, since the compiled code depends on how sgecompile
    sets jinja2 up too. A cache file that cannot be read or written is no
    cache, never an error.
    """

    def __init__(self, folder: str) -> None:
        super().__init__(folder, f"sgecompile-{__version__}-jinja2-{jinja2.__version__}-%s.cache")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged file, whatever the damage: compile the template instead
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _template_cache() -> _CompiledTemplates | None:
    """``$XDG_CACHE_HOME/sgecompile/templates`` (``~/.cache/...``), or None where it cannot be made."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # unset, or relative (which XDG says to ignore)
        base = os.path.expanduser("~/.cache")
    if not os.path.isabs(base):  # no home directory either
        return None
    folder = os.path.join(base, "sgecompile", "templates")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError:
        return None
    return _CompiledTemplates(folder)


class _Loader(jinja2.FileSystemLoader):
    """jinja2's file loader, except that a template it cannot read is a :class:`TemplateError` naming it.

    jinja2's own UnicodeDecodeError names no file, and it passes over a name
    that is not a file (a dangling link, a folder) to the next folder: the
    shipped template, which is not the one the user wrote. Only a user's
    folder can hold such a template.
    """

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        for path in (Path(d, template) for d in self.searchpath):
            if os.path.lexists(path) and not path.is_file():
                raise TemplateError(f"{path}: not a file that can be read (a dangling link, or a folder)")
        try:
            return super().get_source(environment, template)
        except UnicodeDecodeError as error:
            path = next(p for p in (Path(d, template) for d in self.searchpath) if p.is_file())
            raise TemplateError(f"{path}: not UTF-8 text: {error.reason} at byte {error.start}") from None


@lru_cache(maxsize=8)
def environment(extra: str | None = None) -> jinja2.Environment:
    """One compiled-template cache per template folder (this module is never imported by `check`)."""
    env = jinja2.Environment(
        loader=_Loader([str(d) for d in template_dirs(extra)]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=_template_cache(),
    )
    env.filters["shell_word"] = shell_word
    env.filters["shell_quote"] = shlex.quote  # exact words: no expansion at all
    return env


def fill(template: str, templates: str | None = None, **values: object) -> str:
    """Any template of the folder, filled with ``values``.

    An error in one of the user's ``templates`` (syntax, an undefined name, a
    division by zero) is theirs to fix, so it becomes a :class:`TemplateError`
    naming the file and line; an error in a shipped template stays a bug.
    """
    try:
        return environment(templates).get_template(template).render(**values)
    except TemplateError:  # already names the file
        raise
    except Exception as error:
        where = _user_line(error, templates)
        if where is None:
            raise
        raise TemplateError(f"{where}: {_what_is_wrong(error)}") from None


def _user_line(error: Exception, templates: str | None) -> str | None:
    """``FILE:LINE`` of the innermost line of the user's templates that ``error`` came from, if any.

    jinja2 puts a frame for each template line into the traceback, with the
    template's path as its file name: a syntax error's too.
    """
    if not templates:
        return None
    folder = Path(templates)
    lines = [
        f"{frame.f_code.co_filename}:{line}"
        for frame, line in traceback.walk_tb(error.__traceback__)
        if Path(frame.f_code.co_filename).is_relative_to(folder)
    ]
    return lines[-1] if lines else None


def _what_is_wrong(error: Exception) -> str:
    if isinstance(error, jinja2.TemplateSyntaxError):
        return f"template syntax: {error.message}"
    if isinstance(error, jinja2.TemplateError):
        return f"template: {error}"
    return f"template: {type(error).__name__}: {error}"


def render(
    plan: Plan,
    scheduler: Sequence[str] | None = None,
    worker_name: str = WORKER_NAME_DEFAULT,
    templates: str | None = None,
) -> str:
    """The job script for ``plan``: shebang, ``#$`` header, prologue, worker command (scheduler unknown: a placeholder)."""
    command = plan.worker_command(scheduler or (plan.scheduler_placeholder,), worker_name)
    return job_script(plan, command, templates=templates)


def job_script(
    plan: Plan,
    command: Sequence[str],
    prologue: Sequence[str] = (),
    templates: str | None = None,
    template: str = "job.sh.j2",
    **values: object,
) -> str:
    """A job script of ``plan``'s header and prologue (plus ``prologue`` lines) that runs ``command``.

    Other templates extend ``job.sh.j2`` and replace what it runs (``tasks.sh.j2``), with ``values``.
    """
    profile = plan.profile
    return fill(
        template,
        templates,
        shell=profile.site.shell,
        directives=[d.line for d in plan.directives if d.option not in dirs.SCOPE_SWITCHES],
        prologue=[*profile.job.prologue, *prologue],
        command=command,
        **values,
    )
