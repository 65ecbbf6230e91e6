"""One pass of the sender: take each due message, send it, record what happened.

Runs on a worker thread (never the GUI thread). A message is marked "sending"
in the database before it is handed to the server, so a crash mid-send leaves
it "unknown" for the agent, never silently sent twice.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field

from aiva_desk.errors import AivaError
from aiva_desk.mail.accounts import get_account
from aiva_desk.mail.credentials import CredentialStore, account_key
from aiva_desk.mail.errors import MailError
from aiva_desk.mail.oauth_token import login_secret
from aiva_desk.mail.outbox import Claim, Outbox
from aiva_desk.mail.smtp import Delivery, ServerSettings, send
from aiva_desk.store.mail_models import OutboxState

log = logging.getLogger(__name__)

Sender = Callable[..., Delivery]


@dataclass
class PassReport:
    """What one pass did: ids sent, failed (with the reason) and retried later."""

    sent: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    retrying: dict[int, str] = field(default_factory=dict)
    partial: dict[int, str] = field(default_factory=dict)  # sent, some recipients refused


def _send_one(
    outbox: Outbox,
    claim: Claim,
    credentials: CredentialStore,
    tls: ssl.SSLContext | None,
    sender: Sender,
) -> Delivery:
    if claim.account_id is None:
        raise MailError("The mail account of this message was removed. Edit it and pick another.")
    try:
        account = get_account(outbox.db, claim.account_id)
    except AivaError as exc:
        raise MailError(exc.message) from None
    server: ServerSettings = account.server
    password = None  # no login (a local relay)
    if account.username:
        password = login_secret(
            account.auth,
            account_key(account.id, account.username),
            account.token_command,
            credentials,
            name=account.name,
        )
    return sender(
        server,
        password,
        sender=claim.sender,
        recipients=claim.recipients,
        message=claim.mime,
        tls=tls,
    )


def deliver_due(
    outbox: Outbox,
    credentials: CredentialStore,
    *,
    tls: ssl.SSLContext | None = None,
    limit: int = 20,
    sender: Sender = send,
) -> PassReport:
    """Send up to ``limit`` due messages, one at a time, in the order they became due."""
    report = PassReport()
    outbox.recover()  # a claim whose outcome was never recorded is shown, never re-sent
    for _ in range(limit):
        claim = outbox.claim_next()
        if claim is None:
            break
        try:
            delivery = _send_one(outbox, claim, credentials, tls, sender)
        except MailError as exc:
            state = outbox.mark_failed(claim.id, exc)
            target = report.retrying if state is OutboxState.QUEUED else report.failed
            target[claim.id] = exc.message
            log.info("Message %d not sent (%s): %s", claim.id, state, exc.message)
            continue
        except Exception as exc:  # a bug must not leave the message "sending" forever
            log.exception("Unexpected error sending message %d", claim.id)
            outbox.mark_failed(claim.id, MailError(f"Unexpected error: {type(exc).__name__}"))
            report.failed[claim.id] = f"Unexpected error: {type(exc).__name__}"
            continue
        outbox.mark_sent(claim.id, delivery.refused)
        report.sent.append(claim.id)
        if delivery.refused:
            report.partial[claim.id] = "; ".join(
                f"{addr}: {reply}" for addr, reply in delivery.refused.items()
            )
    return report
