"""Talk to an IMAP server: connect (SSL/TLS, STARTTLS, or unencrypted to this computer
only), verify its certificate, log in with a password or an OAuth2 token (XOAUTH2), and
turn every failure of imaplib, IMAPClient, ssl or the socket into one line an agent
understands (the same words SMTP uses for the same trouble).

:class:`FolderIdler` keeps a second connection in IMAP IDLE on a folder, so new mail is
read the moment it arrives instead of at the next poll.
"""

from __future__ import annotations

import imaplib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress

from imapclient import IMAPClient
from imapclient.exceptions import CapabilityError, LoginError

from aiva_desk.errors import AivaError
from aiva_desk.inbound.mailboxes import MailboxAccount
from aiva_desk.mail.accounts import LOCAL_HOSTS
from aiva_desk.mail.errors import (
    AuthenticationFailed,
    MailboxProblem,
    MailError,
    MissingPassword,
    ServerUnreachable,
    TlsProblem,
    network_problem,
)
from aiva_desk.store.mail_models import AuthMethod, Security

TIMEOUT_SECONDS = 30.0
IDLE_RENEW_SECONDS = 25 * 60  # RFC 2177: servers may end an IDLE after 30 minutes


def _text(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    for prefix in ("command: ", "socket error: "):
        text = text.removeprefix(prefix)
    return text[:200]


def explain(exc: BaseException, mailbox: MailboxAccount) -> MailError:
    """The :class:`MailError` for anything imaplib, IMAPClient, ssl or the socket raised."""
    where = f"{mailbox.host}:{mailbox.port}"
    if isinstance(exc, MailError):
        return exc
    if isinstance(exc, LoginError):
        what = "OAuth2 token" if mailbox.auth is AuthMethod.XOAUTH2 else "user name or password"
        return AuthenticationFailed(
            f"The mail server refused the {what} of the mailbox “{mailbox.name}” "
            f"({_text(exc)}). Check them in Settings → Mail → Incoming mail (IMAP)."
        )
    if isinstance(exc, imaplib.IMAP4.abort):  # the connection broke (EOF, garbled reply)
        return ServerUnreachable(
            f"The connection to {where} broke off ({_text(exc)}). It will be tried again."
        )
    if isinstance(exc, CapabilityError):
        return MailboxProblem(f"{where} cannot do what reading mail needs ({_text(exc)}).")
    if isinstance(exc, imaplib.IMAP4.error):  # a NO or BAD reply
        return MailboxProblem(f"The mail server {where} refused a request ({_text(exc)}).")
    if (problem := network_problem(exc, mailbox.host, mailbox.port)) is not None:
        return problem
    return MailboxProblem(f"Reading mail from {where} failed ({type(exc).__name__}).")


def _login(client: IMAPClient, mailbox: MailboxAccount, secret: str) -> None:
    if mailbox.auth is AuthMethod.XOAUTH2:
        client.oauth2_login(mailbox.username, secret)
    elif client.has_capability("AUTH=PLAIN"):  # UTF-8 passwords (LOGIN is ASCII only)
        client.plain_login(mailbox.username, secret)
    elif (mailbox.username + secret).isascii():
        client.login(mailbox.username, secret)
    else:
        raise AuthenticationFailed(
            "The mail server does not accept passwords with non-ASCII characters."
        )


def _open(mailbox: MailboxAccount, context: ssl.SSLContext, timeout: float) -> IMAPClient:
    if mailbox.security is Security.SSL:
        return IMAPClient(
            mailbox.host, mailbox.port, ssl=True, ssl_context=context, timeout=timeout
        )
    if mailbox.security is Security.PLAIN and mailbox.host.lower() not in LOCAL_HOSTS:
        raise TlsProblem(
            "An unencrypted connection is only allowed to this computer (localhost). "
            "Choose STARTTLS or SSL/TLS."
        )
    client = IMAPClient(mailbox.host, mailbox.port, ssl=False, timeout=timeout)
    if mailbox.security is Security.STARTTLS:
        if not client.has_capability("STARTTLS"):
            client.shutdown()
            raise TlsProblem(
                f"{mailbox.host}:{mailbox.port} does not offer STARTTLS. Choose the security "
                "the server supports (usually SSL/TLS on port 993)."
            )
        client.starttls(context)
    return client


@contextmanager
def imap_session(
    mailbox: MailboxAccount,
    secret: str,
    *,
    ssl_context: ssl.SSLContext | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> Iterator[IMAPClient]:
    """A logged-in IMAP connection; failures of the server or network come out as
    :class:`MailError`, the caller's own errors (:class:`AivaError`) unchanged."""
    if not secret:
        raise MissingPassword(f"Enter the password of the mailbox “{mailbox.name}”.")
    context = ssl_context or ssl.create_default_context()
    try:
        client = _open(mailbox, context, timeout)
    except Exception as exc:
        raise explain(exc, mailbox) from None
    try:
        _login(client, mailbox, secret)
        yield client
    except AivaError:
        raise
    except Exception as exc:
        raise explain(exc, mailbox) from None
    finally:
        try:
            client.logout()
        except Exception:  # the connection may already be gone
            _close_quietly(client)


def _close_quietly(client: IMAPClient) -> None:
    with suppress(Exception):
        client.shutdown()


class FolderIdler:
    """A connection in IMAP IDLE on ``mailbox``'s folder: :meth:`wait` returns when mail
    may have arrived; :meth:`interrupt` (from any thread) ends a wait at once."""

    def __init__(
        self,
        mailbox: MailboxAccount,
        secret: str,
        *,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        self.mailbox = mailbox
        self._closed = False
        context = ssl_context or ssl.create_default_context()
        try:
            self.client = _open(mailbox, context, timeout)
        except Exception as exc:
            raise explain(exc, mailbox) from None
        try:
            _login(self.client, mailbox, secret)
            self.supported = self.client.has_capability("IDLE")
            if self.supported:
                self.client.select_folder(mailbox.folder, readonly=True)
        except Exception as exc:
            _close_quietly(self.client)
            raise explain(exc, mailbox) from None

    def wait(self, seconds: float = IDLE_RENEW_SECONDS) -> bool:
        """IDLE for up to ``seconds`` (capped below the servers' 30-minute limit); True when
        the server announced new mail (EXISTS; flag changes and expunges, as the reader's
        own, are not news). Raises MailError."""
        try:
            self.client.idle()
            responses = self.client.idle_check(timeout=min(seconds, IDLE_RENEW_SECONDS))
            self.client.idle_done()
        except Exception as exc:
            if self._closed:
                return False
            raise explain(exc, self.mailbox) from None
        return any(len(r) > 1 and r[1] == b"EXISTS" for r in responses)

    def interrupt(self) -> None:
        """End a :meth:`wait` now and close the connection (safe from another thread)."""
        self._closed = True
        with suppress(OSError):
            self.client.socket().shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._closed = True
        _close_quietly(self.client)
