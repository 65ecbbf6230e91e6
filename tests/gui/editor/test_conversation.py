"""The communication log as one conversation: a received mail and our answer in order,
the quoted history folded until asked for, the whole original on request; and a reply's
offer (a confirmation, a score) recorded or dismissed with one click."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QPushButton
from sqlalchemy import update

from aiva_desk.domain import Direction
from aiva_desk.gui.common.formatting import local_time
from aiva_desk.gui.common.original_mail import OriginalMailDialog, decode_source, read_original
from aiva_desk.gui.editor.conversation_html import (
    HIDE_QUOTED,
    ORIGINAL_LINK,
    QUOTED_LINK,
    SHOW_QUOTED,
    conversation_html,
)
from aiva_desk.store.models import Communication
from tests.helpers.editor_helpers import idle, open_in
from tests.helpers.inbound_mail import NOW, take_in
from tests.helpers.inbound_mail import mail as customer_mail

pytestmark = pytest.mark.usefixtures("no_errors_shown")

QUOTE = "On Mon, Dec 7, 2026 at 10:50 AM Support wrote:\n> Which browser do you use?"


@pytest.fixture
def conversation(context, clock) -> tuple[int, int]:
    """A ticket from a received mail, our answer, and the customer's reply quoting it:
    (ticket id, the reply's communication id)."""
    clock.now = NOW
    first = take_in(context, customer_mail(Message_ID="<first@client.example>"))
    context.tickets.add_communication(
        first.ticket_id,
        direction=Direction.OUTBOUND,
        kind="Request for information",
        subject="Re: Export fails - Ticket #1001",
        body="Hello Ann,\n\nwhich browser do you use?",
        sender="support@desk.example",
        recipients=["ann@example.com"],
        message_id="<answer@desk.example>",
        at=dt.datetime(2026, 12, 7, 10, 50, tzinfo=dt.UTC),
    )
    reply = customer_mail(
        subject="Re: Export fails - Ticket #1001",
        body=f"Firefox 133. Yes, that fixed it, thanks! I'd give you a 4.\n\n{QUOTE}",
        In_Reply_To="<answer@desk.example>",
        Message_ID="<reply@client.example>",
        Date="Mon, 07 Dec 2026 11:05:00 +0000",
    )
    take_in(context, reply)
    ticket = context.tickets.get(first.ticket_id)
    return ticket.id, ticket.communications[-1].id


def _set_offer(context, communication_id: int, offer: str) -> None:
    """What the intake's detection would mark (someone else's part)."""
    with context.db.session("test") as session:
        session.execute(
            update(Communication).where(Communication.id == communication_id).values(offer=offer)
        )


def _click(editor, link: str) -> None:
    editor.logs.communications.browser.anchorClicked.emit(QUrl(link))


def _click_last_link(qtbot, browser, text: str) -> None:
    """Click the last link reading ``text`` with the mouse, as the agent would."""
    document = browser.document()
    found = document.find(text, document.characterCount(), QTextDocument.FindFlag.FindBackward)
    assert not found.isNull(), text
    found.setPosition(found.selectionStart() + 2)
    point = browser.cursorRect(found).center()
    qtbot.mouseClick(browser.viewport(), Qt.MouseButton.LeftButton, pos=point)


def test_the_customers_mail_and_our_answer_read_in_order(
    qtbot, context, tabs, conversation
) -> None:
    ticket_id, _reply = conversation
    editor = open_in(qtbot, tabs, ticket_id)
    text = editor.logs.communications.plain_text()
    first = text.index("the export fails since Monday")
    ours = text.index("which browser do you use?")
    reply = text.index("Firefox 133.")
    assert first < ours < reply
    written = local_time(dt.datetime(2026, 12, 7, 10, 40, tzinfo=dt.UTC))
    assert f"Ann Lee ann@example.com · {written}" in text
    answered = local_time(dt.datetime(2026, 12, 7, 10, 50, tzinfo=dt.UTC))
    assert f"Support to Ann Lee · Request for information · {answered}" in text
    assert text.count("Export fails") == 1  # the same topic is not repeated on each card
    html = editor.logs.communications.browser.toHtml()
    assert html.count("border-left") >= 3  # every message a card, edged by direction


def test_quoted_text_is_hidden_until_asked_for(qtbot, context, tabs, conversation) -> None:
    ticket_id, reply_id = conversation
    editor = open_in(qtbot, tabs, ticket_id)
    log = editor.logs.communications
    assert "> Which browser do you use?" not in log.plain_text()
    assert SHOW_QUOTED in log.plain_text()
    editor.scroll.ensureWidgetVisible(log.browser)
    reading = editor.scroll.verticalScrollBar().value()
    assert reading > 0

    _click_last_link(qtbot, log.browser, SHOW_QUOTED)
    assert "> Which browser do you use?" in log.plain_text()
    assert editor.scroll.verticalScrollBar().value() == reading  # unfolded where it is read
    assert HIDE_QUOTED in log.plain_text()
    editor.refresh()
    idle()
    assert "> Which browser do you use?" in log.plain_text()  # unfolded stays so

    _click_last_link(qtbot, log.browser, HIDE_QUOTED)
    assert "> Which browser do you use?" not in log.plain_text()
    _click(editor, f"{QUOTED_LINK}{reply_id}")  # the link names the message it folds
    assert "> Which browser do you use?" in log.plain_text()


def test_view_original_shows_the_raw_message(qtbot, context, tabs, conversation, tmp_path):
    ticket_id, reply_id = conversation
    editor = open_in(qtbot, tabs, ticket_id)
    with qtbot.waitSignal(editor.logs.communications.original_opened) as opened:
        _click(editor, f"{ORIGINAL_LINK}{reply_id}")
    dialog: OriginalMailDialog = opened.args[0]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    text = dialog.text()
    assert "Message-ID: <reply@client.example>" in text
    assert "In-Reply-To: <answer@desk.example>" in text
    assert "> Which browser do you use?" in text
    assert dialog.source.isReadOnly()

    target = tmp_path / "kept.eml"
    with qtbot.waitSignal(dialog.saved):
        dialog.save_as(target)
    stored = context.tickets.attachments.path_for(
        context.tickets.get(ticket_id).communications[-1].original_sha256
    )
    assert target.read_bytes() == stored.read_bytes()
    dialog.close()


def test_a_huge_or_odd_original_is_shown_capped_and_as_text(tmp_path) -> None:
    big = tmp_path / "big.eml"
    big.write_bytes(b"Subject: big\r\n\r\n" + "é".encode() * 600 + b"\x00\x1b[31m")
    text, size = read_original(big, limit=1000)
    assert size == big.stat().st_size and len(text.encode()) <= 1000
    assert "\ufffd" not in text  # a character cut in half is dropped, not garbled
    assert decode_source(b"caf\xe9 \x00") == "café \ufffd"  # not UTF-8: byte for byte


def test_the_customers_markup_is_never_rendered(context, conversation) -> None:
    ticket_id, reply_id = conversation
    evil = '<script>alert(1)</script><img src="http://tracker.example/x.png">'
    with context.db.session("test") as session:
        message = session.get(Communication, reply_id)
        message.body, message.quoted, message.sender = evil, evil, evil
    html = conversation_html(context.tickets.get(ticket_id).communications, unfolded={reply_id})
    assert "<script" not in html and "<img" not in html
    assert html.count("&lt;script&gt;") >= 2  # the words and the quote, as text


def test_an_offer_is_recorded_with_one_click(qtbot, context, tabs, conversation) -> None:
    ticket_id, reply_id = conversation
    _set_offer(context, reply_id, "confirmed score:4")
    editor = open_in(qtbot, tabs, ticket_id)
    qtbot.waitUntil(lambda: len(editor.offers.banners()) == 1)
    [banner] = editor.offers.banners()
    assert "seems to confirm the resolution and give a satisfaction score of 4" in (
        banner.accessibleName()
    )
    assert "“Firefox 133. … I'd give you a 4.”" not in banner.accessibleName()
    assert "Yes, that fixed it, thanks!" in banner.accessibleName()
    # Unsaved work in the editor is kept through the one-click write.
    editor.fields["browser"].set("Firefox 133")
    assert editor.is_dirty()

    with qtbot.waitSignal(editor.loaded):
        banner.findChild(QPushButton, "recordScoreButton").click()
    idle()
    assert context.tickets.get(ticket_id).satisfaction_score == 4
    assert editor.fields["satisfaction_score"].get() == 4  # shown at once
    assert editor.fields["browser"].get() == "Firefox 133" and editor.is_dirty()
    assert "changedElsewhere" not in editor.banners
    [banner] = editor.offers.banners()  # the confirmation is still offered
    assert banner.findChild(QPushButton, "recordScoreButton") is None

    with qtbot.waitSignal(editor.loaded):
        banner.findChild(QPushButton, "recordConfirmationButton").click()
    idle()
    ticket = context.tickets.get(ticket_id)
    assert ticket.customer_confirmed_at is not None
    replied = ticket.communications[-1].at.astimezone().strftime("%d %b %Y")
    assert ticket.customer_confirmed_by.startswith(f"Replied by e-mail on {replied}: “")
    assert editor.offers.banners() == [] and not editor.offers.area.isVisible()
    shown = editor.support.closing_buttons.confirmed_value.text()
    assert shown.startswith(local_time(ticket.customer_confirmed_at))
    editor.save()
    idle()
    assert context.tickets.get(ticket_id).browser == "Firefox 133"


def test_a_dismissed_offer_records_nothing(qtbot, context, tabs, conversation) -> None:
    ticket_id, reply_id = conversation
    _set_offer(context, reply_id, "score:2")
    editor = open_in(qtbot, tabs, ticket_id)
    qtbot.waitUntil(lambda: len(editor.offers.banners()) == 1)
    [banner] = editor.offers.banners()
    assert banner.findChild(QPushButton, "recordScoreButton").text() == "Record score 2"
    assert banner.findChild(QPushButton, "recordConfirmationButton") is None
    with qtbot.waitSignal(editor.offers.recorded):
        banner.findChild(QPushButton, "dismissOfferButton").click()
    idle()
    qtbot.waitUntil(lambda: editor.offers.banners() == [])
    ticket = context.tickets.get(ticket_id)
    assert ticket.satisfaction_score is None and ticket.customer_confirmed_at is None


def test_a_machines_mail_is_muted_and_ours_and_theirs_differ(context, conversation) -> None:
    ticket_id, _reply = conversation
    context.tickets.add_communication(
        ticket_id,
        direction=Direction.INBOUND,
        kind="Delivery failure",
        subject="Undelivered Mail Returned to Sender",
        body="This is the mail system at host mx.example.",
        sender="mailer-daemon@mx.example",
    )
    html = conversation_html(context.tickets.get(ticket_id).communications)
    cards = [part.split('"')[0] for part in html.split('<td class="')[1:]]
    assert cards == ["in", "out", "in", "machine"]
