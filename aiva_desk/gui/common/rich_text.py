"""Rich text for Qt's text views: escaping, muted placeholders, label/value rows.

Every piece of user text goes through :func:`esc`; nothing typed by a customer or
agent is ever interpreted as markup.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from aiva_desk.gui.common.formatting import NOT_SET


def document_style(text_color: str, muted_color: str) -> str:
    """A style sheet for the editor's read-only lists in the current palette's colours."""
    return (
        f"p {{ margin-top: 0px; margin-bottom: 4px; }}"
        f" td.label {{ color: {muted_color}; padding-right: 12px; white-space: nowrap; }}"
        f" .muted {{ color: {muted_color}; }}"
        f" p.entry {{ color: {text_color}; font-weight: 600; margin-top: 12px; }}"
    )


def esc(text: object) -> str:
    """HTML-escape any value (quotes too)."""
    return html.escape(str(text), quote=True)


def muted(text: str) -> str:
    return f'<span class="muted">{esc(text)}</span>'


def text_block(text: str | None, empty: str = "Not recorded yet.") -> str:
    """Multi-line user text as an escaped paragraph, or a muted placeholder."""
    if not (text or "").strip():
        return f"<p>{muted(empty)}</p>"
    return "<p>" + esc(text.strip()).replace("\n", "<br>") + "</p>"


def render_placeholder(message: str) -> str:
    return (
        "<html><body>"
        f'<p class="muted" style="margin-top:24px" align="center">{esc(message)}</p>'
        "</body></html>"
    )


def fields(rows: Iterable[tuple[str, str]]) -> str:
    """Label/value rows; the values are HTML already."""
    cells = "".join(
        f'<tr><td class="label" valign="top">{esc(label)}</td><td>{value}</td></tr>'
        for label, value in rows
    )
    return f'<table cellspacing="0" cellpadding="2">{cells}</table>'


def value_or_muted(text: str | None) -> str:
    """The text escaped, or a muted "not set" when there is none."""
    return esc(text) if (text or "").strip() else muted(NOT_SET)
