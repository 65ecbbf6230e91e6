"""The outbox against a real SMTP server (aiosmtpd, STARTTLS + AUTH on 127.0.0.1):
what arrives, what each failure does, and what survives a restart."""

from __future__ import annotations

import dataclasses
import datetime as dt
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select, update

from aiva_desk.app_context import open_context
from aiva_desk.domain import Direction, TicketStatus
from aiva_desk.errors import ValidationError
from aiva_desk.mail.errors import AuthenticationFailed
from aiva_desk.store.mail_models import OutboxMessage, OutboxState, Security
from aiva_desk.tickets.workflow import Action
from tests.helpers.mail_fixtures import PASSWORD, USER, make_ticket, start_server

pytestmark = pytest.mark.time_sensitive  # run again at other instants and zones

pytest_plugins = ("tests.helpers.mail_fixtures",)
S = OutboxState


def _queue(context, ref, **changes) -> int:
    message = context.mail.draft(ref.id, template=changes.pop("template", "acknowledgment"))
    return context.mail.outbox.queue(dataclasses.replace(message, **changes))


def _state(context, outbox_id):
    return next(i for i in context.mail.outbox.items(tuple(S)) if i.id == outbox_id)


def _later(clock, minutes):
    clock.now = clock.now + dt.timedelta(minutes=minutes)


def test_a_message_arrives_intact_and_is_logged_on_the_ticket(mail_context, smtp_server):
    context = mail_context
    ref = make_ticket(context, subject="Widget ‘Zürich’ broken", name="Zoë Ünal")
    context.tickets.add_communication(
        ref.id,
        direction=Direction.INBOUND,
        subject="Widget ‘Zürich’ broken",
        body="It broke",
        message_id="<customer-1@example.com>",
    )
    outbox_id = _queue(context, ref, cc="Boss <boss@example.com>")
    assert smtp_server.recorder.messages == []  # queued, not sent
    report = context.mail.deliver_due()
    assert report.sent == [outbox_id]
    (message,) = smtp_server.recorder.messages
    assert smtp_server.recorder.envelopes == [
        ("support@example.org", ["ann@example.com", "boss@example.com"])
    ]
    subject = str(make_header(decode_header(message["Subject"])))
    assert subject == f"Re: Widget ‘Zürich’ broken - Ticket #{ref.number}"
    assert message["From"].addresses[0].display_name == "AIVA Support — Zoë"
    assert message["To"].addresses[0].display_name == "Zoë Ünal"
    assert message["Reply-To"] == "help@example.org"
    assert message["In-Reply-To"] == "<customer-1@example.com>"
    assert "<customer-1@example.com>" in message["References"]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert text.startswith("Hello Zoë Ünal,") and "Zoë Ünal" in html
    ticket = context.tickets.get(ref.id)
    sent = [c for c in ticket.communications if c.direction is Direction.OUTBOUND]
    assert [(c.kind, c.message_id) for c in sent] == [("Initial response", message["Message-ID"])]
    assert ticket.first_response_at is not None
    assert _state(context, outbox_id).state is S.SENT


def test_sending_the_solution_moves_the_ticket_to_awaiting_confirmation(mail_context, smtp_server):
    context = mail_context
    ref = make_ticket(context)
    service = context.tickets
    for action in (Action.ACKNOWLEDGE, Action.TRIAGE, Action.START_INVESTIGATION):
        service.perform(ref.id, action)
    service.perform(ref.id, Action.START_RESOLUTION)
    ticket = service.get(ref.id)
    service.update(
        ref.id,
        ticket.version,
        {
            "root_cause": "Credits ran out",
            "solution": "Added credits",
            "prevention": "Alerts",
            "customer_explanation": "Your account had run out of credits.",
            "customer_fix": "We added credits.",
            "customer_prevention": "We will warn you before it runs low.",
        },
    )
    draft = context.mail.draft(ref.id)
    assert draft.template == "solution"
    with pytest.raises(ValidationError, match="Fill in the marked gaps"):
        context.mail.outbox.queue(draft)  # "[[ Any steps you need to take … ]]"
    body = draft.body.replace(
        draft.body[draft.body.index("[[") : draft.body.index("]]") + 2], "None"
    )
    context.mail.outbox.queue(dataclasses.replace(draft, body=body))
    context.mail.deliver_due()
    assert service.get(ref.id).status is TicketStatus.AWAITING_CONFIRMATION


def test_a_sent_acknowledgment_acknowledges_a_new_ticket(mail_context, smtp_server):
    context = mail_context
    ref = make_ticket(context)
    assert context.tickets.get(ref.id).status is TicketStatus.NEW
    context.settings.auto_acknowledge = True
    assert context.mail.acknowledge_new_ticket(ref.id) is not None
    context.mail.deliver_due()
    ticket = context.tickets.get(ref.id)
    assert ticket.status is TicketStatus.ACKNOWLEDGED and ticket.acknowledged_at is not None
    _queue(context, ref)  # another acknowledgment later moves nothing back or on
    context.mail.deliver_due()
    assert context.tickets.get(ref.id).status is TicketStatus.ACKNOWLEDGED


def test_a_server_that_is_down_is_retried_with_backoff(mail_context, smtp_server, clock):
    context = mail_context
    ref = make_ticket(context)
    smtp_server.stop()
    outbox_id = _queue(context, ref)
    report = context.mail.deliver_due()
    assert "Could not reach" in report.retrying[outbox_id]
    item = _state(context, outbox_id)
    assert (item.state, item.attempts) == (S.QUEUED, 1)
    wait = item.next_attempt_at - clock.now
    assert dt.timedelta(seconds=50) < wait <= dt.timedelta(minutes=1)
    assert context.mail.deliver_due().sent == []  # not due yet: nothing tried


def test_temporary_rejections_then_success(mail_context, smtp_server, clock):
    context = mail_context
    ref = make_ticket(context)
    smtp_server.recorder.behaviour.temporary_failures = 2
    outbox_id = _queue(context, ref)
    assert "try again later" in context.mail.deliver_due().retrying[outbox_id]
    _later(clock, 1)
    assert outbox_id in context.mail.deliver_due().retrying
    assert _state(context, outbox_id).next_attempt_at - clock.now == dt.timedelta(minutes=5)
    _later(clock, 10)
    assert context.mail.deliver_due().sent == [outbox_id]
    assert len(smtp_server.recorder.messages) == 1
    assert _state(context, outbox_id).attempts == 3


def test_a_permanent_rejection_fails_at_once_and_tells_why(mail_context, smtp_server):
    context = mail_context
    smtp_server.recorder.behaviour.permanent_failure = True
    outbox_id = _queue(context, make_ticket(context))
    report = context.mail.deliver_due()
    assert "554 5.7.1 Message rejected as spam" in report.failed[outbox_id]
    item = _state(context, outbox_id)
    assert (item.state, item.next_attempt_at) == (S.FAILED, None)
    assert context.mail.outbox.needs_attention() == 1
    smtp_server.recorder.behaviour.permanent_failure = False
    context.mail.outbox.retry(outbox_id)
    assert context.mail.deliver_due().sent == [outbox_id]


def test_a_disconnect_during_data_is_retried(mail_context, smtp_server, clock):
    context = mail_context
    smtp_server.recorder.behaviour.drop_during_data = 1
    outbox_id = _queue(context, make_ticket(context))
    assert outbox_id in context.mail.deliver_due().retrying
    _later(clock, 2)
    assert context.mail.deliver_due().sent == [outbox_id]
    assert len(smtp_server.recorder.messages) == 1


def test_wrong_password_is_named_and_not_retried(mail_context, smtp_server, memory_keyring):
    context = mail_context
    account = context.mail.default_account()
    context.mail.save_account(smtp_server.account(), "wrong", account.id)
    outbox_id = _queue(context, make_ticket(context))
    report = context.mail.deliver_due()
    assert "refused the user name or password of “Support”" in report.failed[outbox_id]
    assert "wrong" not in report.failed[outbox_id]
    with pytest.raises(AuthenticationFailed):
        context.mail.test_account(smtp_server.account(), "wrong")
    context.mail.test_account(smtp_server.account(), PASSWORD)  # logs in, sends nothing
    assert smtp_server.recorder.messages == []


@pytest.mark.parametrize(
    "reply", ["550 5.1.1 No such user", "450 4.2.1 Mailbox busy, try again later"]
)
def test_partly_refused_recipients_are_reported_and_not_sent_again(
    mail_context, smtp_server, reply
):
    """A refusal of one recipient among several, permanent (5xx) or temporary (4xx), is
    reported; the message is not sent again for that recipient alone (nor for the others)."""
    context = mail_context
    smtp_server.recorder.behaviour.refuse = {"gone@example.com": reply}
    outbox_id = _queue(context, make_ticket(context), cc="gone@example.com")
    report = context.mail.deliver_due()
    assert report.sent == [outbox_id] and report.retrying == {}
    assert f"gone@example.com: {reply}" in report.partial[outbox_id]
    assert context.mail.deliver_due().sent == []  # nothing left to retry
    item = _state(context, outbox_id)
    assert item.state is S.SENT and "Not delivered to gone@example.com" in item.last_error
    assert smtp_server.recorder.envelopes[0][1] == ["ann@example.com"]
    logged = context.tickets.get(item.ticket_id).communications[-1]
    assert "gone@example.com" not in logged.recipients


def test_every_recipient_refused_fails(mail_context, smtp_server):
    context = mail_context
    smtp_server.recorder.behaviour.refuse = {"ann@example.com": "550 5.1.1 No such user"}
    outbox_id = _queue(context, make_ticket(context))
    report = context.mail.deliver_due()
    assert "refused every recipient" in report.failed[outbox_id]


def test_after_a_restart_queued_mail_goes_out_and_in_flight_mail_waits_for_the_agent(
    mail_context, smtp_server, memory_keyring
):
    context = mail_context
    queued = _queue(context, make_ticket(context))
    in_flight = _queue(context, make_ticket(context, subject="Second"))
    with context.db.session() as session:  # a sender that died mid-send
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == in_flight)
            .values(state=S.SENDING, claimed_by="elsewhere:99999999:dead", claimed_at=None)
        )
    context.close()
    reopened = open_context()  # recovers on open
    reopened.mail.tls = smtp_server.client_tls
    try:
        assert _state(reopened, in_flight).state is S.UNKNOWN
        assert reopened.mail.deliver_due().sent == [queued]
        assert len(smtp_server.recorder.messages) == 1  # the unknown one is not re-sent
        reopened.mail.outbox.confirm_delivered(in_flight)
        item = _state(reopened, in_flight)
        assert item.state is S.SENT
        assert reopened.tickets.get(item.ticket_id).communications[-1].kind == "Initial response"
    finally:
        reopened.close()


def test_drafts_edit_and_cancel(mail_context, smtp_server):
    context = mail_context
    ref = make_ticket(context)
    message = context.mail.draft(ref.id, template="still_investigating")
    draft_id = context.mail.outbox.save_draft(dataclasses.replace(message, to="half@"))
    assert _state(context, draft_id).state is S.DRAFT
    with pytest.raises(ValidationError, match="“half@”"):
        context.mail.outbox.queue(dataclasses.replace(message, to="half@"), draft_id)
    context.mail.outbox.queue(message, draft_id)
    reopened, same_id = context.mail.outbox.reopen(draft_id)
    assert same_id == draft_id and _state(context, draft_id).state is S.DRAFT
    assert reopened.subject == message.subject
    context.mail.outbox.cancel(draft_id)
    assert context.mail.deliver_due().sent == []
    with pytest.raises(ValidationError, match="cancelled"):
        context.mail.outbox.retry(draft_id)


# implicit TLS is TLS, but aiosmtpd only counts STARTTLS for its AUTH check
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls_accounts_work(context, certificate_authority, memory_keyring):
    server = start_server(certificate_authority, Security.SSL)
    try:
        context.mail.tls = server.client_tls
        context.mail.save_account(server.account(), PASSWORD)
        outbox_id = _queue(context, make_ticket(context))
        assert context.mail.deliver_due().sent == [outbox_id]
        assert server.recorder.logins == 1
    finally:
        server.stop()


def test_automatic_acknowledgment_is_queued_for_a_new_ticket(mail_context, smtp_server):
    context = mail_context
    ref = make_ticket(context)
    assert context.mail.acknowledge_new_ticket(ref.id) is None  # off by default
    context.settings.auto_acknowledge = True
    outbox_id = context.mail.acknowledge_new_ticket(ref.id)
    context.mail.deliver_due()
    assert smtp_server.recorder.messages[0]["Auto-Submitted"] == "auto-replied"
    assert _state(context, outbox_id).state is S.SENT


def test_the_password_is_in_the_keyring_and_nowhere_else(mail_context, smtp_server, memory_keyring):
    context = mail_context
    context.mail.deliver_due()
    _queue(context, make_ticket(context))
    context.mail.deliver_due()
    assert PASSWORD in memory_keyring.secrets.values()
    context.close()
    needle = PASSWORD.encode()
    for path in context.paths.root.rglob("*"):
        if path.is_file():
            assert needle not in path.read_bytes(), path
    with open_context().db.read_session() as session:
        assert session.scalar(select(OutboxMessage.id)) is not None
    assert USER  # the user name may be stored; only the password is secret


def test_every_shipped_template_arrives_intact(mail_context, smtp_server):
    from aiva_desk.mail.message_templates import CATALOG

    context = mail_context
    ref = make_ticket(context, subject="Résumé upload “stuck” — 日本語", name="Zoë Ünal")
    sent = {}
    for template in CATALOG:
        message = context.mail.draft(ref.id, template=template.key)
        body = message.body
        while "[[" in body:  # the agent fills each gap
            start = body.index("[[")
            body = body[:start] + "Filled in." + body[body.index("]]", start) + 2 :]
        to = message.to or "Senior Support <senior@example.org>"
        outbox_id = context.mail.outbox.queue(dataclasses.replace(message, body=body, to=to))
        sent[outbox_id] = (message.subject, body)
    report = context.mail.deliver_due()
    assert sorted(report.sent) == sorted(sent) and not report.failed
    arrived = {m["Message-ID"]: m for m in smtp_server.recorder.messages}
    with context.db.read_session() as session:
        ids = dict(
            session.execute(
                select(OutboxMessage.id, OutboxMessage.message_id).where(
                    OutboxMessage.id.in_(list(sent))
                )
            ).all()
        )
    for outbox_id, (subject, body) in sent.items():
        message = arrived[ids[outbox_id]]
        assert str(message["Subject"]) == subject  # decoded by the modern parser, non-ASCII too
        assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == body
    assert len(arrived) == len(CATALOG) == 9


def test_an_internal_escalation_is_a_note_not_a_customer_response(mail_context, smtp_server):
    context = mail_context
    ref = make_ticket(context)
    message = context.mail.draft(ref.id, template="escalation_internal")
    context.mail.outbox.queue(dataclasses.replace(message, to="Senior <senior@example.org>"))
    assert len(context.mail.deliver_due().sent) == 1
    ticket = context.tickets.get(ref.id)
    assert ticket.first_response_at is None
    assert not [c for c in ticket.communications if c.direction is Direction.OUTBOUND]
    assert ticket.notes[-1].body.startswith("Sent to Senior <senior@example.org>:")


def test_a_message_with_unusable_addresses_fails_alone(mail_context, smtp_server):
    context = mail_context
    broken = _queue(context, make_ticket(context))
    fine = _queue(context, make_ticket(context, subject="Second"))
    with context.db.session() as session:
        session.execute(
            update(OutboxMessage).where(OutboxMessage.id == broken).values(sender="not an address")
        )
    assert context.mail.deliver_due().sent == [fine]
    item = _state(context, broken)
    assert item.state is S.FAILED and "addresses are not usable" in item.last_error


def test_claims_of_a_crashed_run_or_an_unrecorded_outcome_become_unknown(mail_context, clock):
    import os
    import socket

    context = mail_context
    reused = _queue(context, make_ticket(context))
    mine = _queue(context, make_ticket(context, subject="Second"))
    now = clock.now
    with context.db.session() as session:  # same process id, another run's token
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == reused)
            .values(
                state=S.SENDING,
                claimed_by=f"{socket.gethostname()}:{os.getpid()}:old",
                claimed_at=now,
            )
        )
        session.execute(  # this run sent it but could not record the outcome
            update(OutboxMessage)
            .where(OutboxMessage.id == mine)
            .values(state=S.SENDING, claimed_by=context.mail.outbox.worker_id, claimed_at=now)
        )
    assert context.mail.outbox.recover() == 1
    assert _state(context, reused).state is S.UNKNOWN
    assert _state(context, mine).state is S.SENDING  # may still be on the wire
    _later(clock, 11)
    assert context.mail.outbox.recover() == 1
    assert _state(context, mine).state is S.UNKNOWN
    context.mail.outbox.confirm_delivered(mine)
    context.mail.outbox.mark_sent(mine)  # a second confirmation changes nothing
    ticket = context.tickets.get(_state(context, mine).ticket_id)
    assert len([c for c in ticket.communications if c.kind == "Initial response"]) == 1


def test_a_customer_named_last_comma_first_is_addressed_and_reached(mail_context, smtp_server):
    context = mail_context
    ref = make_ticket(context, name="Smith, John")
    message = context.mail.draft(ref.id, template="acknowledgment")
    assert message.to == '"Smith, John" <ann@example.com>'
    context.mail.outbox.queue(message)
    assert len(context.mail.deliver_due().sent) == 1
    arrived = smtp_server.recorder.messages[0]
    assert arrived["To"].addresses[0].display_name == "Smith, John"


def test_renaming_the_login_keeps_the_stored_password(mail_context, smtp_server, memory_keyring):
    context = mail_context
    account = context.mail.default_account()
    renamed = dataclasses.replace(smtp_server.account(), username="other@example.org")
    context.mail.save_account(renamed, None, account.id)
    assert list(memory_keyring.secrets.values()) == [PASSWORD]
    assert context.mail.has_password(context.mail.default_account())


def test_the_outbox_lists_by_id_and_recent_sent_messages_only(mail_context, smtp_server, clock):
    context = mail_context
    first = _queue(context, make_ticket(context))
    context.mail.deliver_due()
    _later(clock, 60 * 24 * 8)  # eight days on
    second = _queue(context, make_ticket(context, subject="Second"))
    context.mail.deliver_due()
    outbox = context.mail.outbox
    week_ago = clock.now - dt.timedelta(days=7)
    assert [i.id for i in outbox.items((S.SENT,), sent_since=week_ago)] == [second]
    assert [i.id for i in outbox.items((S.SENT,), ids=[first])] == [first]


def test_each_message_sent_restarts_the_update_cadence(mail_context, smtp_server, clock):
    from aiva_desk.sla.deadlines import DeadlineKind
    from aiva_desk.sla.indexer import evaluate_clocks

    context = mail_context
    start = dt.datetime(2026, 11, 26, 9, tzinfo=dt.UTC)
    clock.now = start
    ref = make_ticket(context, category="System Outage")  # P1: an update every 30 min

    def next_update() -> dt.datetime:
        with context.db.engine.connect() as conn:
            [state] = evaluate_clocks(conn, [ref.id], clock.now)
        return next(d.due_at for d in state.deadlines if d.kind is DeadlineKind.NEXT_UPDATE)

    _queue(context, ref, template="p1_critical")
    context.mail.deliver_due()  # the first response at 09:00
    assert next_update() == start + dt.timedelta(minutes=30)
    clock.now = start + dt.timedelta(minutes=20)
    _queue(context, ref, template="still_investigating")
    context.mail.deliver_due()  # an update at 09:20: the next one is due at 09:50
    assert next_update() == start + dt.timedelta(minutes=50)
