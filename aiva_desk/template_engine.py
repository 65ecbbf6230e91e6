"""Jinja2 for messages and reports: sandboxed, undefined names are errors.

A template that refers to something the data does not have must fail loudly
instead of sending "Hello ," to a customer. The agent's edited copies (in the
data dir) are found before the shipped files, which are never modified.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateSyntaxError,
    select_autoescape,
)
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from aiva_desk.errors import AivaError
from aiva_desk.runtime.assets import asset_dir


class TemplateProblem(AivaError):
    """A template that cannot be parsed or filled in; ``line`` where known."""

    title = "Template problem"

    def __init__(self, message: str, *, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


_overrides: Path | None = None


def use_overrides(folder: Path | None) -> None:
    """Look for the agent's edited templates in ``folder`` before the shipped ones."""
    global _overrides
    _overrides = folder
    environment.cache_clear()


def shipped_dir() -> Path:
    return asset_dir("templates")


# The largest string or list a template may build with "*", and the largest power: an
# edited template ("{{ 'x' * 10**10 }}") must not take the machine's memory or minutes.
MAX_PRODUCT = 1_000_000
MAX_EXPONENT = 1_000


class _BoundedEnvironment(SandboxedEnvironment):
    """The sandbox, with "*" and "**" refused beyond a message's sensible size."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        powers = operator == "**" and _number(right) and _number(left)
        if powers and abs(left) > 1 and abs(right) > MAX_EXPONENT:
            raise SecurityError(f"a power above {MAX_EXPONENT} is not allowed")
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                repeats = isinstance(sequence, str | list | tuple) and _number(times)
                if repeats and len(sequence) * times > MAX_PRODUCT:
                    raise SecurityError(f"repeating text past {MAX_PRODUCT:,} is not allowed")
        return super().call_binop(context, operator, left, right)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    loader: BaseLoader = FileSystemLoader(str(shipped_dir()))
    if _overrides is not None:
        loader = ChoiceLoader([FileSystemLoader(str(_overrides)), loader])
    return _BoundedEnvironment(
        loader=loader,
        undefined=StrictUndefined,
        # HTML files only: plain-text messages (and the editor's unsaved text) stay text
        autoescape=select_autoescape(
            enabled_extensions=("html", "htm", "xml", "html.j2"), default_for_string=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        auto_reload=True,
    )


def _template_line(tb: TracebackType | None, filename: str | None) -> int | None:
    """The template line a render error happened on (Jinja rewrites the traceback)."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename in (filename, "<template>"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _problem(name: str, exc: Exception, filename: str | None) -> TemplateProblem:
    if isinstance(exc, TemplateSyntaxError):
        line = exc.lineno
        what = exc.message or str(exc)
    else:
        line = _template_line(sys.exc_info()[2], filename)
        what = str(exc) if isinstance(exc, TemplateError) else f"{type(exc).__name__}: {exc}"
    where = f" (line {line})" if line else ""
    return TemplateProblem(f"The template {name} could not be filled in{where}: {what}", line=line)


def _fill(template: Template, name: str, context: dict[str, Any]) -> str:
    try:
        return template.render(**context)
    except TemplateProblem:
        raise
    except Exception as exc:  # a template's own error ({{ 1 / 0 }}) is a template problem too
        raise _problem(name, exc, template.filename) from exc


def render(name: str, **context: Any) -> str:
    """Render ``templates/<name>`` or raise :class:`TemplateProblem` naming what is wrong."""
    try:
        template = environment().get_template(name)
    except TemplateError as exc:
        raise _problem(name, exc, None) from exc
    return _fill(template, name, context)


def render_source(source: str, name: str, **context: Any) -> str:
    """Render text that is not saved yet (the template editor's preview and validation)."""
    try:
        template = environment().from_string(source)
    except TemplateError as exc:
        raise _problem(name, exc, None) from exc
    except (RecursionError, MemoryError) as exc:  # thousands of nested brackets
        raise TemplateProblem(f"The template {name} is nested too deeply to read.") from exc
    return _fill(template, name, context)
