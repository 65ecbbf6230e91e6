"""Received mail is never refused for what it carries: bad header values are cleaned and
noted, attachments over the per-message total are left out with a note (issue 17)."""

from __future__ import annotations

import pytest

from aiva_desk.inbound import intake as intake_module
from aiva_desk.inbound.intake import MailIntake
from aiva_desk.tickets.attachments import MB, MESSAGE_ATTACHMENTS_MAX
from tests.helpers.inbound_mail import NOW, inbound, mail, take


@pytest.fixture
def intake(context, clock) -> MailIntake:
    clock.now = NOW
    return MailIntake(context.tickets)


def test_control_characters_in_received_headers_are_removed_and_noted(context, intake) -> None:
    raw = (
        b"From: =?utf-8?q?Jane_Doe=0AHead_of_IT?= <jane@example.com>\r\n"
        b"To: support@desk.example\r\n"
        b"Subject: =?utf-8?q?Printer=01=0D=0ABcc:_all@example.com?=\r\n"
        b"Message-ID: <bad\x01id@client.example>\r\n"
        b"Date: Mon, 07 Dec 2026 10:40:00 +0000\r\n"
        b"\r\n"
        b"The printer is offline.\r\n"
    )
    received = inbound(raw)
    assert received.from_name == "Jane Doe Head of IT"
    assert received.from_address == "jane@example.com"
    assert received.subject == "Printer Bcc: all@example.com"
    assert received.message_id is None  # an id no header could carry is not kept
    taken = take(intake, raw)
    assert taken.kind == "new ticket"
    ticket = context.tickets.get(taken.ticket_id)
    assert ticket.customer.name == "Jane Doe Head of IT"
    assert ticket.subject == "Printer Bcc: all@example.com"
    notes = " ".join(note.body for note in ticket.notes)
    assert "control characters" in notes


def test_attachments_over_the_message_total_are_left_out_with_a_note(
    context, intake, monkeypatch
) -> None:
    assert MESSAGE_ATTACHMENTS_MAX == 25 * MB  # what common mail providers accept
    monkeypatch.setattr(intake_module, "MESSAGE_ATTACHMENTS_MAX", 100_000)
    monkeypatch.setattr(intake_module, "ORIGINAL_MAX", 100_000)
    message = mail(Message_ID="<big@client.example>")
    for name in ("a.bin", "b.bin", "c.bin"):
        message.add_attachment(
            name.encode() * 20_000, maintype="application", subtype="octet-stream", filename=name
        )  # 100,000 bytes each: the first fills the total
    taken = take(intake, message)
    ticket = context.tickets.get(taken.ticket_id)
    assert [a.filename for a in ticket.attachments] == ["a.bin"]
    notes = " ".join(note.body for note in ticket.notes)
    assert "b.bin, c.bin" in notes and "Left out" in notes
    assert "kept cut at that size" in notes
    [logged] = ticket.communications
    original = context.tickets.attachments.path_for(logged.original_sha256)
    assert original.stat().st_size == 100_000
    assert original.read_bytes().startswith(b"From: ")  # headers and text come first


def test_a_body_with_nul_and_broken_bytes_is_kept_with_a_note(context, intake) -> None:
    raw = (
        b"From: Ann Lee <ann@example.com>\r\nTo: support@desk.example\r\nSubject: Logs\r\n"
        b"Date: Mon, 07 Dec 2026 10:40:00 +0000\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        b"before \x00 after \xed\xa0\x80 end\r\n"
    )
    taken = take(intake, raw)
    assert taken.kind == "new ticket"  # kept, never refused for what it carries
    ticket = context.tickets.get(taken.ticket_id)
    assert "\x00" not in ticket.description and ticket.description.startswith("before \ufffd")
    assert "cannot be stored" in " ".join(note.body for note in ticket.notes)
