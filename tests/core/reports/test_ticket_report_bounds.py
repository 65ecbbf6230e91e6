"""A ticket with a huge text field still reports in seconds: each field is cut in the
report at MAX_FIELD_CHARS with a note saying how much more the app holds (issue 17)."""

from __future__ import annotations

from aiva_desk.reports.ticket_report import MAX_FIELD_CHARS, render_ticket_report
from aiva_desk.tickets.service import NewTicket


def test_a_ten_megabyte_description_is_cut_in_the_report_with_a_note(context) -> None:
    category_id = next(c.id for c in context.tickets.categories() if c.name == "Billing")
    description = "0123456789" * 1_000_000  # 10 MB
    steps = "\n".join(f"{n}. step {n}" for n in range(200_000))  # about 2.5 MB
    ref = context.tickets.create(
        NewTicket(
            "Huge log pasted", "Ann Lee", "ann@example.com", category_id, description,
            reproduction_steps=steps,
        )
    )  # fmt: skip
    assert len(context.tickets.get(ref.id).description) == 10_000_000  # the app keeps it all
    for fmt in ("md", "html"):
        report = render_ticket_report(context.tickets, ref.number, fmt)
        assert len(report) < 6 * MAX_FIELD_CHARS  # bounded, whatever the ticket holds
        more = f"{10_000_000 - MAX_FIELD_CHARS:,}"
        assert f"(truncated: {more} more characters; the full text is in the app)" in report
        assert description[:MAX_FIELD_CHARS] in report
    short = context.tickets.create(
        NewTicket("Small", "Ann Lee", "ann@example.com", category_id, "It broke")
    )
    assert "truncated" not in render_ticket_report(context.tickets, short.number, "md")
