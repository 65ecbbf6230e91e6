"""A ticket as rich text, laid out along the SOP's "Support Ticket Template".

Pure functions from a loaded ticket to HTML for a ``QTextBrowser``. Every piece
of user text goes through :func:`esc`; nothing typed by a customer or agent is
ever interpreted as markup.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence

from aiva_desk.domain import Consistency, Direction, EscalationLevel, Satisfaction
from aiva_desk.gui.common.formatting import (
    MUTED_COLOR,
    NOT_SET,
    OVERDUE_COLOR,
    PRIORITY_COLORS,
    duration,
    local_time,
    priority_text,
)
from aiva_desk.store.models import AuditEntry, Communication, Ticket, TroubleshootingEntry

HISTORY_VALUE_LIMIT = 160

# The document's default style sheet (QTextDocument supports a subset of CSS).
STYLE = f"""
h2 {{ font-size: 13pt; color: #1f2937; margin-top: 14px; margin-bottom: 4px; }}
h3 {{ font-size: 10pt; color: #374151; margin-top: 8px; margin-bottom: 2px; }}
p {{ margin-top: 0px; margin-bottom: 4px; }}
td.label {{ color: #4b5563; padding-right: 12px; white-space: nowrap; }}
.muted {{ color: {MUTED_COLOR}; }}
.entry {{ color: #374151; font-weight: 600; }}
"""


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


def _value(text: str | None) -> str:
    return esc(text) if (text or "").strip() else muted(NOT_SET)


def _fields(rows: Iterable[tuple[str, str]]) -> str:
    cells = "".join(
        f'<tr><td class="label" valign="top">{esc(label)}</td><td>{value}</td></tr>'
        for label, value in rows
    )
    return f'<table cellspacing="0" cellpadding="2">{cells}</table>'


def _yes_no(value: bool | None) -> str:
    return muted(NOT_SET) if value is None else ("Yes" if value else "No")


def _due(ticket: Ticket, now: dt.datetime) -> str:
    due = ticket.sla_due_at
    if due is None:
        return muted("No deadline set")
    text = esc(local_time(due))
    if ticket.closed_at is not None:
        return text
    if due < now:
        return (
            f'{text} <span style="color:{OVERDUE_COLOR}; font-weight:600">'
            f"(overdue by {esc(duration(now - due))})</span>"
        )
    return f"{text} {muted(f'(in {duration(due - now)})')}"


def _priority(ticket: Ticket) -> str:
    if ticket.priority is None:
        return muted("Not set")
    color = PRIORITY_COLORS[ticket.priority]
    return (
        f'<span style="color:{color}; font-weight:600">'
        f"{esc(priority_text(ticket.priority, long=True))}</span>"
    )


def _customer_section(ticket: Ticket) -> str:
    customer = ticket.customer
    org = customer.organization
    tenant = customer.tenant_id or (org.tenant_id if org else None)
    return "<h2>Customer Information</h2>" + _fields(
        [
            ("Name", _value(customer.name)),
            ("Email", _value(customer.email)),
            ("Organization", _value(org.name if org else None)),
            ("User Role", _value(customer.role.value if customer.role else None)),
            ("Tenant ID", _value(tenant)),
        ]
    )


def _issue_details(ticket: Ticket, now: dt.datetime) -> str:
    rows = [
        ("Category", _value(ticket.category.name if ticket.category else None)),
        ("Priority", _priority(ticket)),
        ("Status", esc(ticket.status.label)),
        ("Reported", esc(local_time(ticket.reported_at))),
        ("SLA Deadline", _due(ticket, now)),
        ("Assignee", esc(ticket.assignee.name) if ticket.assignee else muted("Unassigned")),
    ]
    if ticket.escalation_level is not EscalationLevel.NONE:
        rows.append(("Escalated to", esc(ticket.escalation_level.label)))
    if ticket.tags:
        rows.append(("Tags", esc(", ".join(tag.name for tag in ticket.tags))))
    if ticket.started_when.strip():
        rows.append(("Started", esc(ticket.started_when)))
    if ticket.consistency is not Consistency.UNKNOWN:
        rows.append(("Happens", esc(ticket.consistency.value.capitalize())))
    if ticket.users_affected.strip():
        rows.append(("Users affected", esc(ticket.users_affected)))
    return "<h2>Issue Details</h2>" + _fields(rows)


def _issue_text(ticket: Ticket) -> str:
    body = "<h3>Description</h3>" + text_block(ticket.description)
    body += "<h3>Expected Behavior</h3>" + text_block(ticket.expected_behavior)
    body += "<h3>Actual Behavior</h3>" + text_block(ticket.actual_behavior)
    body += "<h3>Reproduction Steps</h3>" + text_block(ticket.reproduction_steps)
    if ticket.can_reproduce is not None or ticket.reproduction_conditions.strip():
        body += _fields(
            [
                ("Reproduced by us", _yes_no(ticket.can_reproduce)),
                ("Conditions", _value(ticket.reproduction_conditions)),
            ]
        )
    if ticket.recent_changes.strip():
        body += "<h3>Recent Changes</h3>" + text_block(ticket.recent_changes)
    return body


def _technical_section(ticket: Ticket) -> str:
    rows = [
        ("Agent ID", _value(ticket.agent_ref)),
        ("Knowledge Base ID", _value(ticket.knowledge_base_ref)),
        ("Browser", _value(ticket.browser)),
        ("OS", _value(ticket.operating_system)),
    ]
    body = "<h2>Technical Information</h2>" + _fields(rows)
    body += "<h3>Error Messages</h3>" + text_block(ticket.error_messages, "None reported.")
    if ticket.console_errors.strip():
        body += "<h3>Console Errors</h3>" + text_block(ticket.console_errors)
    if ticket.network_errors.strip():
        body += "<h3>Network Errors</h3>" + text_block(ticket.network_errors)
    return body


def _entry_heading(at: dt.datetime, title: str) -> str:
    return f'<p class="entry">{esc(local_time(at))} – {esc(title)}</p>'


def troubleshooting_html(entries: Sequence[TroubleshootingEntry]) -> str:
    """The troubleshooting log's entries (no heading), oldest first."""
    if not entries:
        return text_block("", "No troubleshooting entries yet.")
    body = ""
    for entry in entries:
        body += _entry_heading(entry.at, entry.title or "Investigation")
        body += _fields(
            [
                ("Checked", _value(entry.checked)),
                ("Found", _value(entry.found)),
                ("Action", _value(entry.action)),
            ]
        )
    return body


def _troubleshooting_section(ticket: Ticket) -> str:
    return "<h2>Troubleshooting Log</h2>" + troubleshooting_html(ticket.troubleshooting)


def _resolution_section(ticket: Ticket) -> str:
    body = "<h2>Resolution</h2>"
    for title, text in (
        ("Root Cause", ticket.root_cause),
        ("Solution", ticket.solution),
        ("Steps Taken", ticket.steps_taken),
        ("Verification", ticket.verification),
        ("Prevention", ticket.prevention),
    ):
        body += f"<h3>{esc(title)}</h3>" + text_block(text)
    if ticket.solution_class is not None:
        body += _fields([("Solution type", esc(ticket.solution_class.value.capitalize()))])
    return body


def communications_html(messages: Sequence[Communication]) -> str:
    """The customer communication log's messages (no heading), oldest first."""
    if not messages:
        return text_block("", "No messages logged yet.")
    body = ""
    for message in messages:
        arrow = "to customer" if message.direction is Direction.OUTBOUND else "from customer"
        kind = message.kind or ("Message " + arrow)
        body += _entry_heading(message.at, f"{kind} ({arrow})")
        if message.subject.strip():
            body += f"<p><b>{esc(message.subject)}</b></p>"
        body += text_block(message.body, "(empty message)")
    return body


def _communication_section(ticket: Ticket) -> str:
    return "<h2>Customer Communication Log</h2>" + communications_html(ticket.communications)


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


def _notes_section(ticket: Ticket) -> str:
    return "<h2>Internal Notes</h2>" + notes_html(ticket)


def _attachments_section(ticket: Ticket) -> str:
    if not ticket.attachments:
        return ""
    rows = "".join(
        f"<li>{esc(a.filename)} {muted(f'({a.size:,} bytes, {local_time(a.added_at)})')}</li>"
        for a in ticket.attachments
    )
    return f"<h2>Attachments</h2><ul>{rows}</ul>"


def _closure_section(ticket: Ticket) -> str:
    spent = ticket.time_spent_minutes
    satisfied = {
        Satisfaction.PENDING: "Pending",
        Satisfaction.YES: "Yes",
        Satisfaction.NO: "No",
    }[ticket.customer_satisfied]
    to_resolution = ticket.time_to_resolution
    resolution_time = esc(duration(to_resolution)) if to_resolution else muted(NOT_SET)
    reopened = ticket.reopen_count
    return "<h2>Closure</h2>" + _fields(
        [
            ("Resolved", esc(local_time(ticket.resolved_at))),
            ("Time to Resolution", resolution_time),
            ("SLA Met", _yes_no(ticket.sla_met)),
            ("Customer Satisfied", esc(satisfied)),
            ("Added to KB", _yes_no(ticket.added_to_kb)),
            ("Time Spent", esc(duration(dt.timedelta(minutes=spent))) if spent else muted(NOT_SET)),
            ("Closed", esc(local_time(ticket.closed_at))),
            ("Reopened", esc(f"{reopened} time(s)") if reopened else muted("Never")),
        ]
    )


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


def _history_section(history: Sequence[AuditEntry]) -> str:
    return "<h2>History</h2>" + history_html(history)


def render_ticket(
    ticket: Ticket, history: Sequence[AuditEntry], now: dt.datetime, *, wide: bool = True
) -> str:
    """The whole ticket, section by section in the SOP template's order.

    ``wide`` puts the customer and issue details (short label/value lists) side by side.
    """
    customer, issue = _customer_section(ticket), _issue_details(ticket, now)
    top = customer + issue
    if wide:
        top = (
            '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
            f'<td width="50%" valign="top">{customer}</td>'
            f'<td width="50%" valign="top">{issue}</td>'
            "</tr></table>"
        )
    parts = [
        top,
        _issue_text(ticket),
        _technical_section(ticket),
        _troubleshooting_section(ticket),
        _resolution_section(ticket),
        _communication_section(ticket),
        _notes_section(ticket),
        _attachments_section(ticket),
        _closure_section(ticket),
        _history_section(history),
    ]
    return f"<html><body>{''.join(parts)}</body></html>"


def render_placeholder(message: str) -> str:
    return (
        "<html><body>"
        f'<p class="muted" style="margin-top:24px" align="center">{esc(message)}</p>'
        "</body></html>"
    )
