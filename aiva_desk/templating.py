"""Jinja2 for messages and reports: sandboxed, undefined names are errors.

A template that refers to something the data does not have must fail loudly
instead of sending "Hello ," to a customer.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from aiva_desk.assets import asset_dir
from aiva_desk.errors import AivaError


class TemplateProblem(AivaError):
    title = "Template problem"


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=FileSystemLoader(str(asset_dir("templates"))),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html", "htm", "xml")),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


def render(name: str, **context: Any) -> str:
    """Render ``templates/<name>`` or raise :class:`TemplateProblem` naming what is wrong."""
    try:
        return environment().get_template(name).render(**context)
    except TemplateError as exc:
        raise TemplateProblem(f"The template {name} could not be filled in: {exc}") from exc
