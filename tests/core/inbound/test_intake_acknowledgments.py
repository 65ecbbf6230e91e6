"""A new ticket from mail is acknowledged automatically when the agent asked for it —
after the commit, never for a machine's mail, spam or our own address, and at most once
per address in 10 minutes and 5 times a day."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from aiva_desk.errors import AivaError
from aiva_desk.inbound.acknowledgments import MIN_INTERVAL, PER_DAY, auto_acknowledger
from aiva_desk.inbound.intake import MailIntake
from aiva_desk.store.inbound_models import AutoReply, BlockedSender
from aiva_desk.store.mail_models import OutboxMessage
from aiva_desk.store.models import Ticket
from tests.helpers.inbound_mail import NOW, inbound, mail, take

pytest_plugins = ("tests.helpers.mail_fixtures",)


class Recorder:
    """Stands in for the mail service's acknowledge_new_ticket."""

    def __init__(self, context, answer: int | None = 1) -> None:
        self.context, self.answer, self.calls = context, answer, []

    def __call__(self, ticket_id: int) -> int | None:
        self.context.tickets.get(ticket_id)  # committed: composing can read it
        self.calls.append(ticket_id)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


@pytest.fixture
def recorder(context, clock) -> Recorder:
    clock.now = NOW
    return Recorder(context)


def _intake(context, acknowledge) -> MailIntake:
    return MailIntake(context.tickets, acknowledge=acknowledge)


def _auto_replies(context) -> list[tuple[str, int]]:
    with context.db.read_session() as session:
        rows = session.execute(select(AutoReply.address, AutoReply.ticket_id))
        return [(address, ticket_id) for address, ticket_id in rows]


def test_a_new_ticket_is_acknowledged_after_the_commit(context, recorder):
    taken = take(_intake(context, recorder), mail())
    assert recorder.calls == [taken.ticket_id] and "acknowledged" in taken.note
    assert _auto_replies(context) == [("ann@example.com", taken.ticket_id)]


def test_replies_machines_and_spam_are_never_acknowledged(context, recorder):
    intake = _intake(context, recorder)
    first = take(intake, mail(Message_ID="<q@client.example>"))
    recorder.calls.clear()
    take(intake, mail(body="more", In_Reply_To="<q@client.example>"))
    auto = take(intake, mail(sender="bot@ex.example", Auto_Submitted="auto-replied"))
    for header in ({"Precedence": "bulk"}, {"List_Id": "<l.example>"}, {"X_Loop": "x"},
                   {"Return_Path": "<>"}):  # fmt: skip
        take(intake, mail(sender="list@ex.example", subject=f"News {header}", **header))
    with context.db.session("test") as session:
        session.add(BlockedSender(address="@spam.example"))
    assert take(intake, mail(sender="x@spam.example")).kind == "spam"
    assert recorder.calls == []
    assert auto.kind == "new ticket" and "not acknowledged: it is sent automatically" in auto.note
    assert first.kind == "new ticket"


def test_own_addresses_are_never_acknowledged(mail_context, clock):
    clock.now = NOW
    recorder = Recorder(mail_context)
    taken = take(_intake(mail_context, recorder), mail(sender="help@example.org"))
    assert recorder.calls == [] and "one of our own addresses" in taken.note


def test_acknowledgments_are_rate_limited_per_address(context, recorder, clock):
    intake = _intake(context, recorder)
    batch = [inbound(mail(subject=f"Q{n}", Message_ID=f"<q{n}@c.example>")) for n in range(2)]
    first, second = intake.take_all(batch)
    assert recorder.calls == [first.ticket_id]
    assert "less than 10 minutes ago" in second.note
    with context.db.read_session() as session:
        note = session.get(Ticket, second.ticket_id).notes[-1].body
    assert note.startswith("No acknowledgment was sent automatically")
    for n in range(PER_DAY + 2):
        clock.advance(MIN_INTERVAL + dt.timedelta(seconds=1))
        take(intake, mail(subject=f"Later {n}", Message_ID=f"<l{n}@c.example>"))
    assert len(recorder.calls) == PER_DAY
    clock.advance(dt.timedelta(hours=24))
    take(intake, mail(subject="Next day", Message_ID="<next@c.example>"))
    assert len(recorder.calls) == PER_DAY + 1


@pytest.mark.parametrize(
    ("answer", "why"),
    [(None, "no mail account is set up"), (AivaError("Template broken."), "Template broken.")],
)
def test_an_acknowledgment_not_queued_is_noted(context, clock, answer, why):
    clock.now = NOW
    recorder = Recorder(context, answer)
    taken = take(_intake(context, recorder), mail())
    assert f"not acknowledged: {why}" in taken.note
    assert why in context.tickets.get(taken.ticket_id).notes[-1].body
    assert _auto_replies(context) == []  # the next mail may try again


def test_the_mail_service_queues_the_sops_acknowledgment(mail_context, clock):
    clock.now = NOW
    assert auto_acknowledger(mail_context.mail) is None  # off by default
    mail_context.settings.auto_acknowledge = True
    intake = _intake(mail_context, auto_acknowledger(mail_context.mail))
    taken = take(intake, mail(subject="Agent silent since noon"))
    with mail_context.db.read_session() as session:
        [row] = session.scalars(select(OutboxMessage)).all()
        assert (row.ticket_id, row.template) == (taken.ticket_id, "acknowledgment")
        assert f"Ticket #{taken.number}" in row.subject and "ann@example.com" in row.to_addrs


def test_live_mail_is_acknowledged_and_imported_files_never(mail_context, clock):
    clock.now = NOW
    mail_context.settings.auto_acknowledge = True
    mail_context.settings.reopen_days = 3
    live, imported = mail_context.mail_intake(live=True), mail_context.mail_intake()
    assert (live.reopen_days, imported.reopen_days) == (3, 3)
    take(imported, mail(subject="Old mail from the archive", Message_ID="<old@c.example>"))
    take(live, mail(subject="Agent silent since noon", Message_ID="<new@c.example>"))
    with mail_context.db.read_session() as session:
        sent = session.scalars(select(OutboxMessage.subject)).all()
    assert len(sent) == 1 and "Agent silent since noon" in sent[0]
