"""A batch of received mail is one transaction: a message that cannot be stored rolls
back alone (the batch is taken in again, a savepoint per message) and is reported, the
others commit; duplicates are caught within the batch too; search and SLA clocks are
recomputed for the batch."""

from __future__ import annotations

import mailbox

import pytest
from sqlalchemy import func, select

from aiva_desk.errors import AttachmentError
from aiva_desk.inbound.importing import import_mail
from aiva_desk.inbound.intake import ORIGINAL_NAME, MailIntake
from aiva_desk.store.models import Communication, Ticket
from tests.helpers.inbound_mail import NOW, inbound, mail


@pytest.fixture
def intake(context, clock) -> MailIntake:
    clock.now = NOW
    return MailIntake(context.tickets)


def _disk_refuses_big_originals(intake: MailIntake, monkeypatch, size: int) -> None:
    """The attachment store fails to write any original over ``size`` bytes (a full disk,
    say): a message over the size limit itself is kept cut, so this is what fails one."""
    store = intake.attachments
    add_bytes = store.add_bytes

    def refusing(filename: str, data: bytes, **options):
        if filename == ORIGINAL_NAME and len(data) > size:
            raise AttachmentError(f"Cannot store {filename}: No space left on device.")
        return add_bytes(filename, data, **options)

    monkeypatch.setattr(store, "add_bytes", refusing)


def _count(context, model) -> int:
    with context.db.read_session() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_a_batch_commits_together_and_a_failing_message_rolls_back_alone(
    context, intake, monkeypatch
):
    _disk_refuses_big_originals(intake, monkeypatch, 4000)  # the big one's original fails
    batch = [
        inbound(mail(subject="First", Message_ID="<a@client.example>")),
        inbound(mail(subject="Too big", body="x" * 6000, Message_ID="<b@client.example>")),
        inbound(mail(subject="Third", Message_ID="<c@client.example>")),
    ]
    taken = intake.take_all(batch)
    assert [t.kind for t in taken] == ["new ticket", "failed", "new ticket"]
    assert "No space left" in taken[1].note and not taken[1].stored
    assert _count(context, Ticket) == 2 and _count(context, Communication) == 2
    numbers = [t.number for t in taken if t.number]
    assert numbers == [numbers[0], numbers[0] + 1]  # the failed one took no number


def test_take_raises_what_keeps_a_message_out(context, intake, monkeypatch):
    _disk_refuses_big_originals(intake, monkeypatch, 100)
    with pytest.raises(AttachmentError):
        intake.take(inbound(mail()))
    assert _count(context, Ticket) == 0


def test_the_same_message_twice_in_one_batch_is_taken_in_once(context, intake):
    message = mail(Message_ID="<same@client.example>")
    other_bytes = mail(body="the same message by another route", Message_ID="<same@client.example>")
    first, again, copy = intake.take_all([inbound(message), inbound(message), inbound(other_bytes)])
    assert (first.kind, again.kind) == ("new ticket", "duplicate")
    assert (copy.kind, copy.ticket_id, copy.note) == ("reply", first.ticket_id, "another copy")
    assert len(context.tickets.get(first.ticket_id).communications) == 2


def test_a_reply_in_the_same_batch_finds_the_ticket_opened_before_it(context, intake):
    request = inbound(mail(Message_ID="<q@client.example>"))
    reply = inbound(mail(body="More details", In_Reply_To="<q@client.example>"))
    first, second = intake.take_all([request, reply])
    assert second.kind == "reply" and second.ticket_id == first.ticket_id


def test_search_and_sla_clocks_cover_the_whole_batch(context, intake):
    taken = intake.take_all(
        [inbound(mail(subject=f"Zebraflux {n}", Message_ID=f"<z{n}@c.example>")) for n in range(3)]
    )
    assert sorted(context.tickets.search("zebraflux")) == sorted(t.ticket_id for t in taken)
    for item in taken:
        assert context.tickets.get(item.ticket_id).next_deadline_at is not None


def test_an_empty_batch_is_nothing(intake):
    assert intake.take_all([]) == []


def test_import_names_a_message_that_failed_and_takes_the_rest(
    context, intake, tmp_path, monkeypatch
):
    _disk_refuses_big_originals(intake, monkeypatch, 4000)
    box = mailbox.mbox(tmp_path / "export.mbox")
    for number in range(5):
        body = "y" * 6000 if number == 2 else f"question {number}"
        box.add(mail(subject=f"Q{number}", body=body, Message_ID=f"<q{number}@client.example>"))
    box.flush()
    box.close()
    summary = import_mail(intake, tmp_path / "export.mbox", batch=2)
    assert summary.counts["new ticket"] == 4
    assert len(summary.skipped) == 1 and summary.skipped[0].startswith("export.mbox #3:")
    assert "1 not read" in summary.line("export.mbox")
