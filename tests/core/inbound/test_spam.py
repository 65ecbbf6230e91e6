"""Blocked senders and their kept mail: blocking is checked and idempotent, our own
addresses are never blocked, and "Not spam" takes a kept message in exactly once."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from aiva_desk.errors import NotFoundError
from aiva_desk.inbound import spam
from aiva_desk.inbound.intake import MailIntake
from aiva_desk.inbound.spam import BlockError, ReleaseError
from aiva_desk.mail.accounts import AccountInput
from aiva_desk.store.mail_models import Security
from aiva_desk.store.models import AuditEntry
from tests.helpers.spam_mail import NOW, keep_spam

pytest_plugins = ("tests.helpers.mail_fixtures",)


@pytest.fixture
def intake(context, clock) -> MailIntake:
    clock.now = NOW
    return MailIntake(context.tickets)


def test_an_address_or_a_domain_is_blocked_once(context) -> None:
    db = context.db
    assert (
        spam.block_sender(db, "  Eve@Spam.Example ", actor="ann", reason="ads")
        == "eve@spam.example"
    )
    assert spam.block_sender(db, "eve@spam.example", actor="bob") == "eve@spam.example"
    assert spam.block_sender(db, "Mallory <m@bad.example>", actor="ann") == "m@bad.example"
    assert spam.block_sender(db, "@Bad.Example", actor="ann") == "@bad.example"
    listed = spam.list_blocked(db)
    assert [b.address for b in listed] == ["@bad.example", "eve@spam.example", "m@bad.example"]
    eve = listed[1]
    assert (eve.blocked_by, eve.reason, eve.is_domain) == ("ann", "ads", False)
    assert spam.blocked_by(db, "anyone@bad.example") == "@bad.example"
    assert spam.blocked_by(db, "ann@example.com") is None
    with db.read_session() as session:
        actions = session.scalars(select(AuditEntry.action)).all()
    assert actions.count("sender blocked") == 3  # the repeat changed nothing


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "Enter an e-mail address"),
        ("example.com", "neither an address nor a domain: write name@example.com or @example.com"),
        ("@", "is not a domain"),
        ("@not a domain", "is not a domain"),
        ("ann@", "not a valid e-mail address"),
    ],
)
def test_what_is_not_an_address_or_a_domain_is_refused(context, text, says) -> None:
    with pytest.raises(BlockError) as refused:
        spam.block_sender(context.db, text, actor="ann")
    assert says in refused.value.message and "\n" not in refused.value.message
    assert spam.list_blocked(context.db) == []


def test_our_own_addresses_and_their_domain_cannot_be_blocked(context, memory_keyring) -> None:
    account = AccountInput("Support", "smtp.desk.example", 587, Security.STARTTLS,
                           "login@desk.example", "AIVA Support", "support@desk.example",
                           reply_to="help@desk.example")  # fmt: skip
    context.mail.save_account(account, "pw")
    for own in ("support@desk.example", "HELP@desk.example", "login@desk.example"):
        with pytest.raises(BlockError, match="one of our own mail addresses"):
            spam.block_sender(context.db, own, actor="ann")
    with pytest.raises(BlockError, match=r"domain of our own address help@desk\.example"):
        spam.block_sender(context.db, "@desk.example", actor="ann")
    assert spam.block_sender(context.db, "someone@other.example", actor="ann")


def test_unblocking_lets_mail_through_and_says_when_nothing_was_blocked(context) -> None:
    spam.block_sender(context.db, "@bad.example", actor="ann")
    assert not spam.unblock_sender(context.db, "m@bad.example", actor="ann")  # the domain blocks it
    assert spam.unblock_sender(context.db, "@BAD.example", actor="ann")
    assert spam.list_blocked(context.db) == []
    assert not spam.unblock_sender(context.db, "@bad.example", actor="ann")


def test_free_mail_domains_are_not_offered_for_a_domain_block() -> None:
    assert not spam.can_block_domain("someone@gmail.com")
    assert not spam.can_block_domain("someone@Outlook.com")
    assert spam.can_block_domain("ceo@acme-retail.example")
    assert not spam.can_block_domain("nobody")


def test_kept_mail_is_listed_newest_first_with_what_blocks_it(context) -> None:
    old = keep_spam(context, subject="Old offer", received=NOW - dt.timedelta(days=2))
    new = keep_spam(context, sender="x@bad.example", subject="New offer")
    spam.block_sender(context.db, "@bad.example", actor="ann")
    listed = spam.list_spam(context.db)
    assert [item.id for item in listed] == [new, old]
    assert [item.blocked_by for item in listed] == ["@bad.example", ""]
    assert listed[1].sender_name == "Eve Spam" and listed[1].size > 0 and not listed[1].released
    assert spam.list_blocked(context.db)[0].kept == 1


def test_not_spam_takes_the_message_in_once(context, intake) -> None:
    spam.block_sender(context.db, "eve@spam.example", actor="ann")
    spam_id = keep_spam(context)
    original = spam.spam_original(context.db, context.tickets.attachments, spam_id)
    assert b"Subject: Cheap credits" in original

    taken = spam.release_spam(intake, spam_id, actor="ann")
    assert taken.kind == "new ticket"
    ticket = context.tickets.get(taken.ticket_id)
    assert ticket.subject == "Cheap credits" and ticket.customer.email == "eve@spam.example"
    assert ticket.reported_at == NOW - dt.timedelta(hours=1)  # when it was written
    assert spam.list_spam(context.db) == []
    [item] = spam.list_spam(context.db, include_released=True)
    assert (item.released_by, item.ticket_id, item.ticket_number) == (
        "ann",
        ticket.id,
        ticket.number,
    )
    assert item.released_at == NOW
    assert spam.blocked_by(context.db, "eve@spam.example") == "eve@spam.example"  # still blocked
    assert any(e.action == "spam released" for e in context.tickets.history(ticket.id))

    with pytest.raises(ReleaseError, match="“Cheap credits” was already taken in on 2026-12-07"):
        spam.release_spam(intake, spam_id, actor="bob")


def test_a_release_interrupted_before_marking_finds_its_ticket(context, intake) -> None:
    spam_id = keep_spam(context)
    raw = spam.spam_original(context.db, context.tickets.attachments, spam_id)
    from aiva_desk.inbound.message import read_mail

    first = intake.take(read_mail(raw, NOW), allow_blocked=True)  # taken in, not marked
    taken = spam.release_spam(intake, spam_id, actor="ann")
    assert (taken.kind, taken.ticket_id) == ("duplicate", first.ticket_id)
    [item] = spam.list_spam(context.db, include_released=True)
    assert item.ticket_id == first.ticket_id


def test_a_missing_message_or_original_is_said_in_one_line(context, intake) -> None:
    with pytest.raises(NotFoundError):
        spam.release_spam(intake, 404, actor="ann")
    spam_id = keep_spam(context)
    [item] = spam.list_spam(context.db)
    context.tickets.attachments.path_for(item.original_sha256).unlink()
    with pytest.raises(Exception) as missing:
        spam.spam_original(context.db, context.tickets.attachments, spam_id)
    assert "cannot be read from the attachments folder" in str(missing.value)
    assert "\n" not in str(missing.value)
