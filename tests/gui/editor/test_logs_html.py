"""The editor's logs as rich text: every piece of user text escaped, oldest first."""

from __future__ import annotations

from aiva_desk.domain import Direction
from aiva_desk.gui.editor.conversation_html import conversation_html
from aiva_desk.gui.editor.logs_html import (
    history_html,
    notes_html,
    troubleshooting_html,
)
from aiva_desk.tickets.service import NewTicket

EVIL = '<script>alert("x")</script>&<img src=x>'


def test_user_text_in_every_log_is_escaped(context) -> None:
    service = context.tickets
    ref = service.create(
        NewTicket(
            subject=EVIL,
            customer_name=EVIL,
            customer_email="evil@example.com",
            category_id=service.categories()[0].id,
            description=EVIL + "\nsecond line",
            organization=EVIL,
            tenant_id=EVIL,
            expected_behavior=EVIL,
            actual_behavior=EVIL,
            reproduction_steps=EVIL,
        )
    )
    service.add_troubleshooting(ref.id, checked=EVIL, found=EVIL, action=EVIL, title=EVIL)
    service.add_note(ref.id, EVIL)
    service.add_communication(ref.id, direction=Direction.OUTBOUND, subject=EVIL, body=EVIL)
    service.update(ref.id, service.get(ref.id).version, {"browser": EVIL, "root_cause": EVIL})
    ticket = service.get(ref.id)

    service.add_troubleshooting(ref.id, checked="later", found="", action="", title="Second")
    ticket = service.get(ref.id)
    logs = {
        "troubleshooting": troubleshooting_html(ticket.troubleshooting),
        "communications": conversation_html(ticket.communications),
        "notes": notes_html(ticket),
        "history": history_html(service.history(ref.id)),
    }
    for name, html in logs.items():
        assert "<script" not in html and "<img" not in html, name
        assert "&lt;script&gt;" in html, name
    assert logs["troubleshooting"].index("&lt;script") < logs["troubleshooting"].index("Second")
