"""Reading a real IMAP mailbox (Dovecot on 127.0.0.1) into tickets: each message exactly
once, whatever breaks and wherever, flagged or moved on the server only once it is safe."""

from __future__ import annotations

import datetime as dt
import shlex
import sys

import pytest
from sqlalchemy import func, select

from aiva_desk.domain import Direction
from aiva_desk.inbound import imap_reader
from aiva_desk.inbound.imap_reader import check_connection, read_new_mail
from aiva_desk.inbound.importing import messages_in
from aiva_desk.inbound.mailboxes import folder_place, get_mailbox, save_folder_place
from aiva_desk.mail.errors import (
    AuthenticationFailed,
    MailboxProblem,
    ServerUnreachable,
    TlsProblem,
    TokenCommandFailed,
)
from aiva_desk.store.inbound_models import AfterReading
from aiva_desk.store.mail_models import AuthMethod, Security
from aiva_desk.store.models import Communication, Ticket
from tests.helpers.imap_fixtures import add_mailbox, customer_mail
from tests.helpers.imap_server import PASSWORD, token_for
from tests.helpers.paths import real_world_mail
from tests.helpers.ports import free_port
from tests.helpers.tcp_proxy import DroppingProxy

pytest_plugins = ("tests.helpers.mail_fixtures", "tests.helpers.imap_fixtures")

NOW = dt.datetime(2026, 12, 7, 11, 10, tzinfo=dt.UTC)
SEEN, FLAGGED = b"\\Seen", b"\\Flagged"


@pytest.fixture(autouse=True)
def _now(clock) -> None:
    clock.now = NOW


def _tickets(context) -> int:
    with context.db.read_session() as session:
        return session.scalar(select(func.count()).select_from(Ticket))


def _inbound(context) -> int:
    with context.db.read_session() as session:
        query = select(func.count()).where(Communication.direction == Direction.INBOUND)
        return session.scalar(query.select_from(Communication))


def test_new_mail_becomes_tickets_once_and_is_flagged(context, imap_server, reader) -> None:
    mailbox = add_mailbox(context, imap_server)
    imap_server.append(*(customer_mail(n, sender=f"c{n}@client.example") for n in range(3)))
    summary = reader.read(mailbox)
    assert (summary.new_tickets, summary.replies, summary.duplicates) == (3, 0, 0)
    assert summary.line() == ("Support inbox: read 3 messages: 3 new tickets, 0 replies attached.")
    assert _tickets(context) == 3
    assert all({SEEN, FLAGGED} <= set(f) for f in imap_server.messages().values())
    again = reader.read(mailbox)
    assert again.taken == 0 and again.line() == "Support inbox: no new mail."
    stored = get_mailbox(context.db, mailbox.id)
    assert (stored.last_checked_at, stored.last_error) == (NOW, "")
    assert folder_place(context.db, mailbox.id, "INBOX")[1] == 3


def test_a_reply_lands_on_its_ticket(context, imap_server, reader) -> None:
    mailbox = add_mailbox(context, imap_server)
    imap_server.append(customer_mail(1))
    reader.read(mailbox)
    imap_server.append(customer_mail(2, "Re: Export fails", In_Reply_To="<n1@client.example>"))
    summary = reader.read(mailbox)
    assert (summary.new_tickets, summary.replies) == (0, 1)
    assert (_tickets(context), _inbound(context)) == (1, 2)


def test_move_takes_read_mail_to_a_folder_it_creates(context, imap_server, reader) -> None:
    mailbox = add_mailbox(context, imap_server, after_reading=AfterReading.MOVE)
    imap_server.append(customer_mail(1), customer_mail(2, sender="bo@client.example"))
    assert reader.read(mailbox).new_tickets == 2
    assert imap_server.messages("INBOX") == {}
    assert len(imap_server.messages("Taken in")) == 2


def test_without_move_it_copies_deletes_and_expunges(
    context, imap_server, reader, monkeypatch
) -> None:
    original = imap_reader.IMAPClient.has_capability
    monkeypatch.setattr(
        imap_reader.IMAPClient,
        "has_capability",
        lambda self, name: name != "MOVE" and original(self, name),
    )
    mailbox = add_mailbox(context, imap_server, after_reading=AfterReading.MOVE)
    imap_server.append(customer_mail(1))
    assert reader.read(mailbox).new_tickets == 1
    assert imap_server.messages("INBOX") == {}
    assert len(imap_server.messages("Taken in")) == 1


@pytest.mark.parametrize("security", [Security.SSL, Security.STARTTLS])
def test_the_connection_is_secured_and_checked(context, imap_server, reader, security) -> None:
    mailbox = add_mailbox(context, imap_server, security=security)
    imap_server.append(customer_mail(1))
    line = check_connection(mailbox, PASSWORD, ssl_context=imap_server.client_tls())
    assert line == "Connected to 127.0.0.1: INBOX has 1 message."
    assert reader.read(mailbox).new_tickets == 1


@pytest.mark.parametrize("security", [Security.SSL, Security.STARTTLS])
def test_a_certificate_from_an_unknown_authority_is_refused(
    context, imap_server, memory_keyring, security
) -> None:
    mailbox = add_mailbox(context, imap_server, security=security)
    with pytest.raises(TlsProblem) as raised:
        check_connection(mailbox, PASSWORD)  # the system's CAs do not know the test CA
    assert raised.value.message.startswith(
        f"The certificate of 127.0.0.1:{mailbox.port} could not be verified ("
    )


def test_a_wrong_password_is_refused_and_recorded(context, imap_server, reader) -> None:
    mailbox = add_mailbox(context, imap_server, password="not it")
    with pytest.raises(AuthenticationFailed) as raised:
        reader.read(mailbox)
    message = raised.value.message
    assert message.startswith("The mail server refused the user name or password of the mailbox")
    assert "\n" not in message
    assert get_mailbox(context.db, mailbox.id).last_error == message


def test_a_missing_folder_is_named(context, imap_server, reader) -> None:
    mailbox = add_mailbox(context, imap_server, folder="Support")
    with pytest.raises(MailboxProblem, match=r"“Support” does not exist on 127\.0\.0\.1"):
        reader.read(mailbox)


def test_a_server_that_is_not_there(context, imap_server, reader) -> None:
    mailbox = add_mailbox(context, imap_server, port=free_port())  # nothing listens there
    with pytest.raises(ServerUnreachable, match=r"Could not reach 127\.0\.0\.1:\d+"):
        reader.read(mailbox)


def test_a_renumbered_folder_duplicates_nothing_and_new_mail_still_comes(
    context, imap_server, reader
) -> None:
    mailbox = add_mailbox(context, imap_server, folder="Support")
    imap_server.append(customer_mail(1), customer_mail(2, sender="bo@x.example"), folder="Support")
    assert reader.read(mailbox).new_tickets == 2
    before = folder_place(context.db, mailbox.id, "Support")
    new_validity = imap_server.renumber("Support")
    assert new_validity != before[0]
    imap_server.append(customer_mail(3, sender="cy@x.example"), folder="Support")
    summary = reader.read(mailbox)
    assert (summary.new_tickets, summary.duplicates) == (1, 2)
    assert _tickets(context) == 3
    assert folder_place(context.db, mailbox.id, "Support") == (new_validity, 3)


def test_a_connection_lost_mid_fetch_loses_and_duplicates_nothing(
    context, imap_server, reader
) -> None:
    imap_server.append(*(customer_mail(n, sender=f"c{n}@x.example") for n in range(5)))
    imap_server.append(customer_mail(9, "Marker DROP-HERE", sender="late@x.example"))
    proxy = DroppingProxy((imap_server.host, imap_server.imap_port), drop_on=b"DROP-HERE")
    try:
        mailbox = add_mailbox(context, imap_server, security=Security.PLAIN, port=proxy.port)
        reader.batch_size = 2
        with pytest.raises(ServerUnreachable, match="broke off"):
            reader.read(mailbox)
        assert proxy.dropped.is_set()
        assert _tickets(context) == 4  # two whole batches before the one that broke
        assert "broke off" in get_mailbox(context.db, mailbox.id).last_error
        proxy.drop_on = None
        summary = reader.read(mailbox)
    finally:
        proxy.close()
    assert (summary.new_tickets, summary.duplicates) == (2, 0)
    assert _tickets(context) == 6
    assert all({SEEN, FLAGGED} <= set(f) for f in imap_server.messages().values())


def test_a_crash_before_the_place_is_stored_reads_again_without_duplicates(
    context, imap_server, reader, monkeypatch
) -> None:
    mailbox = add_mailbox(context, imap_server)
    imap_server.append(customer_mail(1), customer_mail(2, sender="bo@x.example"))

    def crash(db, mailbox_id, folder, uidvalidity, last_uid):
        if last_uid:
            raise KeyboardInterrupt  # the process dies right after the intake committed
        save_folder_place(db, mailbox_id, folder, uidvalidity, last_uid)

    monkeypatch.setattr(imap_reader, "save_folder_place", crash)
    with pytest.raises(KeyboardInterrupt):
        read_new_mail(reader.intake, mailbox, PASSWORD, ssl_context=reader.ssl_context)
    monkeypatch.undo()
    summary = reader.read(mailbox)
    assert (summary.new_tickets, summary.duplicates) == (0, 2)
    assert _tickets(context) == 2


def test_a_crash_between_storing_and_moving_moves_later_without_duplicates(
    context, imap_server, reader, monkeypatch
) -> None:
    mailbox = add_mailbox(context, imap_server, after_reading=AfterReading.MOVE)
    imap_server.append(customer_mail(1), customer_mail(2, sender="bo@x.example"))
    monkeypatch.setattr(imap_reader, "_after_reading", _crash_after_reading)
    with pytest.raises(KeyboardInterrupt):
        reader.read(mailbox)
    monkeypatch.undo()
    assert len(imap_server.messages("INBOX")) == 2 and _tickets(context) == 2
    imap_server.append(customer_mail(3, sender="cy@x.example"))
    summary = reader.read(mailbox)
    assert (summary.new_tickets, summary.duplicates) == (1, 0)
    assert _tickets(context) == 3
    assert imap_server.messages("INBOX") == {}
    assert len(imap_server.messages("Taken in")) == 3


def _crash_after_reading(client, mailbox, uids):
    if uids:
        raise KeyboardInterrupt


def test_a_message_the_intake_refuses_is_named_and_left_alone(
    context, imap_server, reader, monkeypatch
) -> None:
    mailbox = add_mailbox(context, imap_server)
    imap_server.append(customer_mail(1), customer_mail(2, "poison", sender="bo@x.example"))
    intake = reader.intake
    take_one = intake._one

    def refuse_poison(batch, mail, *args):
        if mail.subject == "poison":
            from aiva_desk.errors import AttachmentError

            raise AttachmentError("The message is larger than the 25 MB limit.")
        return take_one(batch, mail, *args)

    monkeypatch.setattr(intake, "_one", refuse_poison)
    summary = reader.read(mailbox)  # the bad one rolled back alone, the other taken in
    assert (summary.taken, _tickets(context)) == (1, 1)
    assert summary.problems == ["UID 2: The message is larger than the 25 MB limit."]
    assert "1 not taken in (UID 2: The message is larger" in summary.line()
    flags = imap_server.messages()
    assert FLAGGED in flags[1] and FLAGGED not in flags[2]
    assert reader.read(mailbox).taken == 0  # not tried again and again


def test_mail_delivered_into_the_maildir_is_read(context, imap_server, reader) -> None:
    mailbox = add_mailbox(context, imap_server)
    imap_server.deliver(customer_mail(1), "one")
    assert reader.read(mailbox).new_tickets == 1


def test_real_world_mail_through_imap(context, imap_server, reader) -> None:
    folder = real_world_mail()
    raws = [raw for _name, raw in messages_in(folder) if isinstance(raw, bytes)]
    raws = [raw for raw in raws if raw.strip()]
    assert len(raws) > 50
    imap_server.append(*raws)
    mailbox = add_mailbox(context, imap_server)
    summary = reader.read(mailbox)
    assert summary.problems == []
    assert summary.taken == len(raws)  # each one a ticket, a reply, or set aside with a reason
    assert set(summary.counts) <= {"new ticket", "reply", "duplicate", "bounce", "ignored"}
    assert summary.counts["new ticket"] > 50 and summary.counts["ignored"] < 10
    assert reader.read(mailbox).taken == 0


def _printing(text: str) -> str:
    return f"{shlex.quote(sys.executable)} -c {shlex.quote(f'print({text!r})')}"


def test_an_oauth2_token_logs_in_with_xoauth2(context, imap_server, reader) -> None:
    command = _printing(token_for(imap_server.user))
    mailbox = add_mailbox(
        context, imap_server, auth=AuthMethod.XOAUTH2, token_command=command, password=None
    )
    imap_server.append(customer_mail(1))
    assert reader.check(mailbox) == "Connected to 127.0.0.1: INBOX has 1 message."
    assert reader.read(mailbox).new_tickets == 1


def test_a_refused_oauth2_token_says_so(context, imap_server, reader) -> None:
    mailbox = add_mailbox(
        context,
        imap_server,
        auth=AuthMethod.XOAUTH2,
        token_command=_printing("expired-token"),
        password=None,
    )
    with pytest.raises(AuthenticationFailed, match="refused the OAuth2 token of the mailbox"):
        reader.read(mailbox)


def test_a_failing_token_command_is_recorded(context, imap_server, reader) -> None:
    mailbox = add_mailbox(
        context,
        imap_server,
        auth=AuthMethod.XOAUTH2,
        token_command="/nonexistent/get-token",
        password=None,
    )
    with pytest.raises(TokenCommandFailed):
        reader.read(mailbox)
    assert "was not found" in get_mailbox(context.db, mailbox.id).last_error


def test_a_crash_between_storing_and_flagging_duplicates_nothing(
    context, imap_server, reader, monkeypatch
) -> None:
    mailbox = add_mailbox(context, imap_server)
    imap_server.append(customer_mail(1))
    monkeypatch.setattr(imap_reader, "_after_reading", _crash_after_reading)
    with pytest.raises(KeyboardInterrupt):
        reader.read(mailbox)
    monkeypatch.undo()
    imap_server.append(customer_mail(2, sender="bo@x.example"))
    summary = reader.read(mailbox)
    assert (summary.new_tickets, summary.duplicates) == (1, 0)
    assert _tickets(context) == 2
    flags = imap_server.messages()
    assert FLAGGED not in flags[1] and FLAGGED in flags[2]  # left as the crash left it


def test_a_server_process_killed_mid_session_is_reported_and_the_next_read_is_whole(
    context, imap_server, reader, monkeypatch
) -> None:
    mailbox = add_mailbox(context, imap_server)
    imap_server.append(*(customer_mail(n, sender=f"c{n}@x.example") for n in range(4)))
    take_all = reader.intake.take_all
    batches = []

    def kill_after_first_batch(mails):
        taken = take_all(mails)
        batches.append(len(mails))
        if len(batches) == 1:
            assert imap_server.kill_sessions() == 1
        return taken

    monkeypatch.setattr(reader.intake, "take_all", kill_after_first_batch)
    reader.batch_size = 2
    with pytest.raises(ServerUnreachable) as raised:
        reader.read(mailbox)
    assert "\n" not in raised.value.message
    assert _tickets(context) == 2
    summary = reader.read(mailbox)  # the first batch's place was stored before the flags broke
    assert (summary.new_tickets, summary.duplicates, _tickets(context)) == (2, 0, 4)


def test_an_unencrypted_connection_goes_only_to_this_computer(context, memory_keyring) -> None:
    from aiva_desk.inbound.mailboxes import MailboxAccount

    mailbox = MailboxAccount(
        1, "Remote", "imap.example.com", 143, Security.PLAIN, "me", AuthMethod.PASSWORD, "",
        "INBOX", AfterReading.FLAG, "", 60, None, "",
    )  # fmt: skip
    with pytest.raises(TlsProblem, match="only allowed to this computer"):
        check_connection(mailbox, "secret")
