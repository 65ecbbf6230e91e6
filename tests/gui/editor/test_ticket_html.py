"""The ticket document: the SOP template's sections, in order, with all user text escaped."""

from __future__ import annotations

from aiva_desk import clock
from aiva_desk.domain import Direction
from aiva_desk.gui.editor.ticket_html import render_ticket
from aiva_desk.tickets.service import NewTicket

EVIL = '<script>alert("x")</script>&<img src=x>'
SECTIONS = [
    "Customer Information",
    "Issue Details",
    "Description",
    "Expected Behavior",
    "Actual Behavior",
    "Reproduction Steps",
    "Technical Information",
    "Troubleshooting Log",
    "Resolution",
    "Customer Communication Log",
    "Internal Notes",
    "Closure",
    "History",
]


def test_sections_in_sop_order_and_user_text_escaped(context) -> None:
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

    for wide in (True, False):
        html = render_ticket(ticket, service.history(ref.id), clock.now(), wide=wide)
        assert "<script" not in html and "<img" not in html
        assert html.count("&lt;script&gt;") >= 12
        assert "second line" in html and "<br>second line" in html
        positions = [html.index(f">{title}<") for title in SECTIONS]
        assert positions == sorted(positions), "sections out of the SOP template's order"
