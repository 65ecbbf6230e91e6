"""Render docs/screenshot-conversation.png: a ticket whose communication log reads as one
conversation — the customer's mails (taken in as received mail, their quoted history
folded) and support's answers — with the reply's offer to record the confirmation and
score above it.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/screenshot-conversation.py [OUT.png]

Everything happens in a throwaway data folder at a fixed instant; AIVA_DESK_THEME=dark
renders the dark palette.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from email.message import EmailMessage
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TZ", "UTC")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QTimer  # noqa: E402
from sqlalchemy import update  # noqa: E402

from aiva_desk import clock  # noqa: E402
from aiva_desk.domain import Direction, Priority, StaffRole  # noqa: E402
from aiva_desk.inbound.intake import MailIntake  # noqa: E402
from aiva_desk.inbound.message import read_mail  # noqa: E402
from aiva_desk.profile import ProfileInput, save_profile  # noqa: E402
from aiva_desk.store.models import Communication  # noqa: E402
from aiva_desk.tickets.workflow import Action  # noqa: E402

SUPPORT = "AIVA Support <support@contegris.com>"
CUSTOMER = "Elif Varga <elif.varga@riverblue.example>"
DAY = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
SUBJECT = "Chat agent answers with last month's prices"
SIGNATURE = "\n\n-- \nElif Varga\nOperations, River Blue Ltd.\n+44 20 7946 0321"


def at(hour: int, minute: int) -> dt.datetime:
    return DAY.replace(hour=hour, minute=minute)


def customer_mail(when: dt.datetime, subject: str, body: str, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = CUSTOMER
    message["To"] = "support@contegris.com"
    message["Subject"] = subject
    message["Date"] = when.strftime("%a, %d %b %Y %H:%M:%S +0000")
    message["Message-ID"] = f"<{when:%H%M}@riverblue.example>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def quote(when: dt.datetime, text: str) -> str:
    lines = "\n".join(f"> {line}" if line else ">" for line in text.splitlines())
    return f"\n\nOn Mon, 7 Dec 2026 at {when:%H:%M}, AIVA Support wrote:\n{lines}"


def answer(context, ticket_id: int, when: dt.datetime, kind: str, body: str) -> None:
    """Support's mail as the outbox logs it once sent."""
    context.tickets.add_communication(
        ticket_id,
        direction=Direction.OUTBOUND,
        kind=kind,
        subject=f"Re: {SUBJECT} - Ticket #1001",
        body=body,
        sender=SUPPORT,
        recipients=[CUSTOMER],
        message_id=f"<{when:%H%M}@contegris.com>",
        at=when,
    )


def build_ticket(context) -> int:
    """The ticket of one conversation, taken in and answered as it would be."""
    intake, service = MailIntake(context.tickets), context.tickets
    agent = save_profile(context.db, context.settings, context.paths.root,
                         ProfileInput("Mei Tanaka", "mei.tanaka@contegris.com",
                                      StaffRole.AGENT))  # fmt: skip
    first = customer_mail(
        at(9, 12),
        SUBJECT,
        "Hello,\n\nsince Friday the chat agent on our web shop quotes last month's prices, "
        "although we uploaded the new price list to the knowledge base that day." + SIGNATURE,
    )
    ticket_id = intake.take(read_mail(first, at(9, 12))).ticket_id
    clock.set_source(lambda: at(9, 30))
    service.perform(ticket_id, Action.ACKNOWLEDGE)
    category = next(c for c in service.categories() if c.name == "Knowledge Base")
    service.triage(ticket_id, category_id=category.id, priority=Priority.P2)
    service.update(ticket_id, service.get(ticket_id).version, {"assignee_id": agent})
    service.perform(ticket_id, Action.START_INVESTIGATION)
    service.perform(ticket_id, Action.REQUEST_INFORMATION)
    asked = (
        "Hello Elif,\n\nthank you for the report. Could you send us the agent's ID (Agents "
        "page) and the name of the document you uploaded?"
        "\n\nBest regards,\nMei Tanaka, AIVA Support"
    )
    answer(context, ticket_id, at(9, 40), "Request for information", asked)
    reply = customer_mail(
        at(10, 5),
        f"Re: {SUBJECT} - Ticket #1001",
        "Hi Mei,\n\nthe agent is ag-2231 and the document is “Price list December.pdf”."
        + SIGNATURE
        + quote(at(9, 40), asked),
        In_Reply_To="<0940@contegris.com>",
    )
    clock.set_source(lambda: at(10, 6))
    intake.take(read_mail(reply, at(10, 5)))
    clock.set_source(lambda: at(13, 15))
    service.perform(ticket_id, Action.START_RESOLUTION)
    solution = (
        "Hello Elif,\n\nthe December price list was uploaded while the old one was still "
        "linked to ag-2231, so the agent kept answering from the old document. We unlinked "
        "it and re-indexed the knowledge base; the agent now quotes the December prices.\n\n"
        "Could you confirm that it is working for you now?\n\nBest regards,\nMei Tanaka"
    )
    service.update(ticket_id, service.get(ticket_id).version, {
        "root_cause": "The old price list was still linked to agent ag-2231.",
        "solution": "Unlinked the old price list and re-indexed the knowledge base.",
    })  # fmt: skip
    answer(context, ticket_id, at(13, 20), "Solution", solution)
    service.perform(ticket_id, Action.SEND_SOLUTION)
    thanks = customer_mail(
        at(14, 2),
        f"Re: {SUBJECT} - Ticket #1001",
        "Yes, that fixed it: the agent quotes the new prices now. Thank you for the quick "
        "help, I would give you a 5." + SIGNATURE + quote(at(13, 20), solution),
        In_Reply_To="<1320@contegris.com>",
    )
    clock.set_source(lambda: at(14, 3))
    intake.take(read_mail(thanks, at(14, 2)))
    last = service.get(ticket_id).communications[-1].id
    with context.db.session("intake") as session:  # what the intake's detection marks
        session.execute(
            update(Communication).where(Communication.id == last).values(offer="confirmed score:5")
        )
    return ticket_id


def main(out: Path) -> int:
    from aiva_desk.app_context import open_context
    from aiva_desk.gui import tasks
    from aiva_desk.gui.app import application
    from aiva_desk.gui.editor.tabs import TicketTabs

    clock.set_source(lambda: at(14, 30))
    app = application()
    with tempfile.TemporaryDirectory(prefix="aiva-shot-") as folder:
        context = open_context(folder)
        try:
            ticket_id = build_ticket(context)
            tabs = TicketTabs(context)
            tabs.resize(1280, 800)
            tabs.show()
            tabs.open_ticket(ticket_id, new_tab=True)
            editor = tabs.current_editor()
            assert editor is not None
            for _ in range(200):
                tasks.wait_for_idle()
                app.processEvents()
                if editor.ticket is not None and editor.offers.offers:
                    break
            # The whole conversation, or its end: the reply whose offer the banner shows.
            browser = editor.logs.communications.browser
            top = browser.mapTo(editor.scroll.widget(), browser.rect().topLeft()).y()
            room = editor.scroll.viewport().height()
            bar = editor.scroll.verticalScrollBar()
            bar.setValue(top + max(browser.height() - room, 0) + 4)
            QTimer.singleShot(50, app.quit)
            app.exec()
            if not tabs.grab().save(str(out)):
                print(f"could not write {out}", file=sys.stderr)
                return 1
            tabs.close()
        finally:
            context.close()
    print(out)
    return 0


if __name__ == "__main__":
    default = ROOT / "docs" / "screenshot-conversation.png"
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
