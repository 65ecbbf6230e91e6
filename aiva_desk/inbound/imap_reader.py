"""Read a mailbox's new mail into tickets, each message exactly once and none lost.

The order makes it safe to stop anywhere: a batch of messages is fetched (``BODY.PEEK[]``,
so the server marks nothing read yet), taken in (committed), *then* the folder's place
(UIDVALIDITY and last UID) is stored, *then* the messages are flagged or moved on the
server. A crash before the place is stored reads the batch again next time, and the
intake recognises each message by its original bytes (a duplicate, not a new ticket); a
crash after it leaves messages unflagged or unmoved, and the next read moves those left
behind (flags are cosmetic and left as they are). A new UIDVALIDITY (the server
renumbered the folder) starts the folder over, again kept exactly once by the intake.

A message the intake cannot take (it raises) is named in the summary's problems and left
on the server untouched, so it can still be read in a mail client; the others come in.
"""

from __future__ import annotations

import ssl
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from imapclient import DELETED, FLAGGED, SEEN, IMAPClient

from aiva_desk import clock
from aiva_desk.errors import AivaError
from aiva_desk.inbound.imap_connection import FolderIdler, imap_session
from aiva_desk.inbound.intake import Intake, MailIntake
from aiva_desk.inbound.mailboxes import (
    MailboxAccount,
    folder_place,
    record_check,
    save_folder_place,
)
from aiva_desk.inbound.message import InboundMail, read_mail
from aiva_desk.mail.credentials import CredentialStore
from aiva_desk.mail.errors import MailboxProblem, MailError
from aiva_desk.mail.oauth_token import login_secret
from aiva_desk.store.inbound_models import AfterReading

DEFAULT_BATCH = 200


@dataclass
class ReadSummary:
    """What one read of a mailbox did; ``counts`` is keyed by :attr:`Intake.kind`."""

    mailbox: str
    counts: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)  # "UID 7: why"
    intakes: list[Intake] = field(default_factory=list)  # what became of each message

    @property
    def new_tickets(self) -> int:
        return self.counts["new ticket"]

    @property
    def replies(self) -> int:
        return self.counts["reply"]

    @property
    def duplicates(self) -> int:
        return self.counts["duplicate"]

    @property
    def taken(self) -> int:
        return sum(self.counts.values())

    def line(self) -> str:
        """One line for the terminal or a status bar."""
        if not self.taken and not self.problems:
            return f"{self.mailbox}: no new mail."
        parts = [
            _count(self.new_tickets, "new ticket", "new tickets"),
            _count(self.replies, "reply attached", "replies attached"),
        ]
        if self.duplicates:
            parts.append(f"{self.duplicates} ignored (already taken in)")
        others = {k: n for k, n in self.counts.items() if k not in _KNOWN and n}
        parts.extend(f"{n} {kind}" for kind, n in sorted(others.items()))
        if self.problems:
            listed = "; ".join(self.problems[:3])
            parts.append(f"{len(self.problems)} not taken in ({listed})")
        taken = _count(self.taken, "message", "messages")
        return f"{self.mailbox}: read {taken}: " + ", ".join(parts) + "."


_KNOWN = ("new ticket", "reply", "duplicate")


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


def check_connection(
    mailbox: MailboxAccount, secret: str, *, ssl_context: ssl.SSLContext | None = None
) -> str:
    """Connect, log in and look at the folder without reading anything; a one-line result,
    or :class:`MailError`. (Blocks on the network: run it off the GUI thread.)"""
    with imap_session(mailbox, secret, ssl_context=ssl_context) as client:
        _require_folder(client, mailbox)
        status = client.folder_status(mailbox.folder, [b"MESSAGES"])
        count = status.get(b"MESSAGES", 0)
    noun = "message" if count == 1 else "messages"
    return f"Connected to {mailbox.host}: {mailbox.folder} has {count} {noun}."


def _require_folder(client: IMAPClient, mailbox: MailboxAccount) -> None:
    if not client.folder_exists(mailbox.folder):
        raise MailboxProblem(
            f"The folder “{mailbox.folder}” does not exist on {mailbox.host}. "
            "Check the folder name in Settings → Mail → Incoming mail (IMAP)."
        )


def read_new_mail(
    intake: MailIntake,
    mailbox: MailboxAccount,
    secret: str,
    *,
    batch_size: int = DEFAULT_BATCH,
    ssl_context: ssl.SSLContext | None = None,
) -> ReadSummary:
    """Take in every message that arrived in ``mailbox``'s folder since the last read,
    then flag or move it as the mailbox says. Records the check (and its error) on the
    mailbox; raises :class:`MailError` when the server or network fails — what was
    taken in before stays, and the next read goes on from there."""
    db = intake.service.db
    summary = ReadSummary(mailbox.name)
    try:
        with imap_session(mailbox, secret, ssl_context=ssl_context) as client:
            _read(client, intake, mailbox, max(1, batch_size), summary)
    except MailError as exc:
        record_check(db, mailbox.id, clock.now(), exc.message)
        raise
    record_check(db, mailbox.id, clock.now(), "; ".join(summary.problems)[:2000])
    return summary


def _read(
    client: IMAPClient,
    intake: MailIntake,
    mailbox: MailboxAccount,
    batch_size: int,
    summary: ReadSummary,
) -> None:
    db = intake.service.db
    _require_folder(client, mailbox)
    selected = client.select_folder(mailbox.folder)
    uidvalidity = int(selected[b"UIDVALIDITY"])
    stored_validity, last_uid = folder_place(db, mailbox.id, mailbox.folder)
    if stored_validity != uidvalidity:  # renumbered (or never read): start over
        last_uid = 0
        save_folder_place(db, mailbox.id, mailbox.folder, uidvalidity, 0)
    elif last_uid and mailbox.after_reading is AfterReading.MOVE:
        left = client.search(["UID", f"1:{last_uid}", "UNDELETED"])
        _after_reading(client, mailbox, [uid for uid in left if uid <= last_uid])
    # "UID n:*" always matches the highest UID, even when it is below n: keep only new ones.
    new = sorted(uid for uid in client.search(["UID", f"{last_uid + 1}:*"]) if uid > last_uid)
    for start in range(0, len(new), batch_size):
        batch = new[start : start + batch_size]
        fetched = client.fetch(batch, ["BODY.PEEK[]"])
        present = [uid for uid in batch if b"BODY[]" in fetched.get(uid, {})]
        mails = [read_mail(fetched[uid][b"BODY[]"], clock.now()) for uid in present]
        taken = _take(intake, present, mails, summary)
        save_folder_place(db, mailbox.id, mailbox.folder, uidvalidity, batch[-1])
        _after_reading(client, mailbox, taken)


def _take(
    intake: MailIntake, uids: list[int], mails: list[InboundMail], summary: ReadSummary
) -> list[int]:
    """Take in a batch; the UIDs taken in. Should the batch fail as a whole, each message
    is taken on its own so that one bad message does not hold the others back."""
    try:
        results: Sequence[Intake | None] = intake.take_all(mails)
    except AivaError:
        results = []
        for uid, mail in zip(uids, mails, strict=True):
            try:
                results.append(intake.take(mail))
            except AivaError as exc:
                summary.problems.append(f"UID {uid}: {exc.message}")
                results.append(None)
    taken = []
    for uid, result in zip(uids, results, strict=True):
        if result is not None and not result.stored:
            summary.problems.append(f"UID {uid}: {result.note}")
        elif result is not None:
            summary.counts[result.kind] += 1
            summary.intakes.append(result)
            taken.append(uid)
    return taken


def _after_reading(client: IMAPClient, mailbox: MailboxAccount, uids: list[int]) -> None:
    """Flag or move messages that are safely taken in."""
    if not uids:
        return
    if mailbox.after_reading is AfterReading.FLAG:
        client.add_flags(uids, [SEEN, FLAGGED], silent=True)
        return
    target = mailbox.move_to
    if not client.folder_exists(target):
        client.create_folder(target)
    if client.has_capability("MOVE"):
        client.move(uids, target)
        return
    client.copy(uids, target)
    client.add_flags(uids, [DELETED], silent=True)
    if client.has_capability("UIDPLUS"):  # else a mail client's next expunge removes them
        client.uid_expunge(uids)


class MailboxReader:
    """Reads mailboxes with their secret from the keyring or token command; the entry the
    command line, the watcher and the GUI share."""

    def __init__(
        self,
        intake: MailIntake,
        credentials: CredentialStore,
        *,
        ssl_context: ssl.SSLContext | None = None,
        batch_size: int = DEFAULT_BATCH,
    ) -> None:
        self.intake = intake
        self.credentials = credentials
        self.ssl_context = ssl_context
        self.batch_size = batch_size

    def secret(self, mailbox: MailboxAccount) -> str:
        return login_secret(
            mailbox.auth, mailbox.credential_key, mailbox.token_command, self.credentials
        )

    def read(self, mailbox: MailboxAccount) -> ReadSummary:
        """Read ``mailbox``'s new mail; raise :class:`MailError` (recorded on it too)."""
        try:
            secret = self.secret(mailbox)
        except MailError as exc:
            record_check(self.intake.service.db, mailbox.id, clock.now(), exc.message)
            raise
        return read_new_mail(
            self.intake,
            mailbox,
            secret,
            batch_size=self.batch_size,
            ssl_context=self.ssl_context,
        )

    def check(self, mailbox: MailboxAccount) -> str:
        return check_connection(mailbox, self.secret(mailbox), ssl_context=self.ssl_context)

    def idler(self, mailbox: MailboxAccount) -> FolderIdler | None:
        """A connection IDLE-ing on the mailbox's folder; None when the server has no IDLE."""
        idler = FolderIdler(mailbox, self.secret(mailbox), ssl_context=self.ssl_context)
        if not idler.supported:
            idler.close()
            return None
        return idler
