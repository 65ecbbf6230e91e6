"""The editor's read-only logs as rich text: troubleshooting, internal notes and
escalations, and the audit history, oldest first (the customer communication log is
:mod:`aiva_desk.gui.editor.conversation_html`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from aiva_desk.gui.common.formatting import local_time
from aiva_desk.gui.common.rich_text import esc, fields, muted, text_block, value_or_muted
from aiva_desk.store.models import AuditEntry, Ticket, TroubleshootingEntry

HISTORY_VALUE_LIMIT = 160


def _entry_heading(at: dt.datetime, title: str) -> str:
    return f'<p class="entry">{esc(local_time(at))} – {esc(title)}</p>'


def troubleshooting_html(entries: Sequence[TroubleshootingEntry]) -> str:
    """The troubleshooting log's entries (no heading), oldest first."""
    if not entries:
        return text_block("", "No troubleshooting entries yet.")
    body = ""
    for entry in entries:
        body += _entry_heading(entry.at, entry.title or "Investigation")
        body += fields(
            [
                ("Checked", value_or_muted(entry.checked)),
                ("Found", value_or_muted(entry.found)),
                ("Action", value_or_muted(entry.action)),
            ]
        )
    return body


def notes_html(ticket: Ticket) -> str:
    """Internal notes and escalations (no heading), oldest first."""
    items = [(note.at, "Note", note.body) for note in ticket.notes]
    items += [(e.at, f"Escalated to {e.level.label}", e.reason) for e in ticket.escalations]
    if not items:
        return text_block("", "No internal notes.")
    body = ""
    for at, title, text in sorted(items, key=lambda item: item[0]):
        body += _entry_heading(at, title) + text_block(text)
    return body


def _history_value(value: str | None) -> str:
    if value is None or value == "":
        return muted("empty")
    try:
        return esc(local_time(dt.datetime.fromisoformat(value)))
    except ValueError:
        pass
    text = value if len(value) <= HISTORY_VALUE_LIMIT else value[: HISTORY_VALUE_LIMIT - 1] + "…"
    return esc(text).replace("\n", " ")


def describe_history(entry: AuditEntry) -> str:
    """One audit entry as HTML: what happened, old → new."""
    field = (entry.field or "").replace("_", " ")
    if entry.action == "changed":
        old, new = _history_value(entry.old_value), _history_value(entry.new_value)
        return f"changed <b>{esc(field)}</b>: {old} → {new}"
    if entry.action.endswith("removed"):
        return f"{esc(entry.action)}: {_history_value(entry.old_value)}"
    return f"{esc(entry.action)}: {_history_value(entry.new_value)}"


def history_html(history: Sequence[AuditEntry]) -> str:
    """The audit trail as a table (no heading): when, who, what (old → new)."""
    if not history:
        return text_block("", "No history recorded.")
    rows = "".join(
        f'<tr><td class="label" valign="top">{esc(local_time(entry.at))}</td>'
        f'<td class="label" valign="top">{esc(entry.actor)}</td>'
        f"<td>{describe_history(entry)}</td></tr>"
        for entry in history
    )
    return f'<table cellspacing="0" cellpadding="2">{rows}</table>'
