"""A child process for the crash test: acknowledged writes until it is killed.

Run as ``python -m tests.helpers.crash_writer URL ATTACHMENTS SEED ROUND``. Each write
is printed (flushed) only after its transaction committed, so every line the parent
read is a write the store promised to keep:
``ticket ID`` · ``update ID VERSION REV`` · ``note ID TEXT`` · ``trouble ID TEXT`` ·
``queued OUTBOX_ID`` · ``sent OUTBOX_ID``.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from sqlalchemy import select

from aiva_desk import clock
from aiva_desk.app_context import open_desk_database
from aiva_desk.mail.accounts import AccountInput, list_accounts, save_account
from aiva_desk.mail.outbox import Outbox, OutgoingMessage
from aiva_desk.store.mail_models import Security
from aiva_desk.store.models import Ticket
from aiva_desk.tickets.attachments import AttachmentStore
from aiva_desk.tickets.service import NewTicket, TicketService
from tests.helpers.pinned_clock import TestClock, pinned_start

ACCOUNT = AccountInput(
    name="Support",
    host="localhost",
    port=2525,
    security=Security.PLAIN,
    username="support",
    from_name="Support",
    from_address="support@example.org",
    is_default=True,
)


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main(url: str, attachments: str, seed: int, round_no: int) -> None:
    clock.set_source(TestClock(pinned_start()))  # the run's pinned instant, as in the tests
    db = open_desk_database(url)
    service = TicketService(db, actor="crash test", attachments=AttachmentStore(Path(attachments)))
    outbox = Outbox(service, service.attachments)
    accounts = list_accounts(db)
    account = accounts[0].id if accounts else save_account(db, ACCOUNT)
    category = service.categories()[0].id
    ticket = service.create(
        NewTicket(f"Round {round_no}", "Ann", "ann@example.com", category, "rev 0")
    )
    say(f"ticket {ticket.id}")
    with db.read_session() as session:
        ticket_ids = list(session.scalars(select(Ticket.id)))
    rng = random.Random(seed)
    for n in range(1, 1_000_000):
        tag = f"r{round_no}-{n}"
        ticket_id = rng.choice(ticket_ids)
        kind = rng.choice(("update", "note", "trouble", "queue", "deliver"))
        if kind == "update":
            rev = round_no * 1_000_000 + n
            version = service.get(ticket_id).version
            new_version = service.update(ticket_id, version, {"description": f"rev {rev}"})
            say(f"update {ticket_id} {new_version} {rev}")
        elif kind == "note":
            service.add_note(ticket_id, f"note {tag}")
            say(f"note {ticket_id} note {tag}")
        elif kind == "trouble":
            service.add_troubleshooting(ticket_id, checked=f"checked {tag}", found="", action="")
            say(f"trouble {ticket_id} checked {tag}")
        elif kind == "queue":
            message = OutgoingMessage(ticket_id, account, "ann@example.com", f"Mail {tag}", "Hi")
            say(f"queued {outbox.queue(message)}")
        else:
            claim = outbox.claim_next()
            if claim is not None:
                outbox.mark_sent(claim.id)
                say(f"sent {claim.id}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
