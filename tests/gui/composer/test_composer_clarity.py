"""The composer's clarity check (SOP: "Be clear: use simple language, avoid jargon"):
what looks internal in a customer mail is listed beside the message with a button that
selects it for rewording; ordinary customer prose and the customer's own ids pass."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat

from aiva_desk.gui.composer.jargon_row import JargonFindingRow
from aiva_desk.mail.jargon import DATABASE_NAME, ERROR_CODE, INTERNAL_ID
from aiva_desk.tickets.service import NewTicket
from tests.gui.composer.test_composer import open_composer, type_at_end

pytestmark = pytest.mark.usefixtures("shown_errors")

pytest_plugins = ("tests.helpers.mail_fixtures",)


def tenant_ticket(context) -> int:
    """A ticket of a customer whose own tenant is tn-1001."""
    service = context.tickets
    category_id = next(c.id for c in service.categories() if c.name == "Agent Issues")
    ref = service.create(
        NewTicket(
            "Agent silent",
            "Ann Lee",
            "ann@example.com",
            category_id,
            "No replies",
            tenant_id="tn-1001",
        )
    )
    return ref.id


def test_internal_terms_are_listed_and_selected_for_rewording(qtbot, mail_context) -> None:
    context = mail_context
    dialog = open_composer(qtbot, context, tenant_ticket(context), template="still_investigating")
    assert dialog.checks.jargon_findings() == []
    type_at_end(
        qtbot,
        dialog,
        " We saw INSUFFICIENT_CREDITS because tenants.credit_balance = 0.00 for tn-4821. "
        "Your tenant tn-1001 is not affected otherwise.",
    )
    qtbot.waitUntil(lambda: len(dialog.checks.jargon_findings()) == 3)
    assert [(f.kind, f.text) for f in dialog.checks.jargon_findings()] == [
        (ERROR_CODE, "INSUFFICIENT_CREDITS"),
        (DATABASE_NAME, "tenants.credit_balance"),
        (INTERNAL_ID, "tn-4821"),
    ]
    assert dialog.tone_summary.text() == "3 things that look internal:"
    text = dialog.body.toPlainText()
    block = dialog.body.document().findBlock(text.index("INSUFFICIENT_CREDITS"))
    at = text.index("INSUFFICIENT_CREDITS") - block.position()
    wavy = QTextCharFormat.UnderlineStyle.WaveUnderline
    qtbot.waitUntil(  # underlined in the message, like a tone phrase
        lambda: any(
            r.start <= at < r.start + r.length and r.format.underlineStyle() == wavy
            for r in block.layout().formats()
        )
    )
    own = text.index("tn-1001") - block.position()
    assert not any(r.start <= own < r.start + r.length for r in block.layout().formats())
    rows = dialog.findChildren(JargonFindingRow)
    assert len(rows) == 3
    qtbot.waitUntil(lambda: all(row.isVisibleTo(dialog) for row in rows))
    assert "Looks internal (error code): “INSUFFICIENT_CREDITS”" in rows[0].label.text()
    assert "instead of the code" in rows[0].label.text()

    qtbot.mouseClick(rows[1].button, Qt.MouseButton.LeftButton)
    assert dialog.body.textCursor().selectedText() == "tenants.credit_balance"
    qtbot.keyClicks(dialog.body, "your credit balance")  # typed over the selection
    qtbot.waitUntil(lambda: len(dialog.checks.jargon_findings()) == 2)
    assert "your credit balance = 0.00" in dialog.body.toPlainText()

    type_at_end(qtbot, dialog, " You should have topped up.")  # a tone phrase as well
    qtbot.waitUntil(lambda: len(dialog.tone_findings()) == 1)
    assert dialog.tone_summary.text() == (
        "1 phrase the SOP suggests rewording and 2 things that look internal:"
    )


def test_ordinary_customer_prose_gets_no_clarity_finding(qtbot, mail_context) -> None:
    context = mail_context
    dialog = open_composer(qtbot, context, tenant_ticket(context), template="still_investigating")
    type_at_end(
        qtbot,
        dialog,
        " Your tenant tn-1001 uses SSO and the API; the PDF export at "
        "https://app.example.com/reports_page.html works again in v2.3.1. See report.pdf. "
        "You should have a new invoice (#4821) by mail.",
    )
    qtbot.waitUntil(lambda: len(dialog.tone_findings()) == 1)  # the text was checked
    assert dialog.checks.jargon_findings() == []
    assert dialog.tone_summary.text() == "1 phrase the SOP suggests rewording:"
