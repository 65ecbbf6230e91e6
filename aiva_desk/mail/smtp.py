"""Talk to an SMTP server: log in, send, and turn every failure into words an agent
understands, marked temporary (retry later) or permanent (tell the agent now).
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from aiva_desk.mail.errors import (
    AuthenticationFailed,
    MailError,
    MissingPassword,
    PermanentRejection,
    RecipientsRefused,
    ServerUnreachable,
    TemporaryRejection,
    TlsProblem,
    network_problem,
)
from aiva_desk.store.mail_models import AuthMethod, Security

TIMEOUT_SECONDS = 30.0


@dataclass(frozen=True)
class ServerSettings:
    """Where and how to connect; no password (that comes from the keyring per call)."""

    name: str  # the account's name, for messages
    host: str
    port: int
    security: Security
    username: str
    auth: AuthMethod = AuthMethod.PASSWORD  # XOAUTH2: the "password" is an access token


def _reply(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
    return f"{code} {' '.join(text.split())}".strip()


def explain(exc: BaseException, server: ServerSettings) -> MailError:
    """The :class:`MailError` for anything smtplib, ssl or the socket raised."""
    where = f"{server.host}:{server.port}"
    if isinstance(exc, MailError):
        return exc
    if isinstance(exc, smtplib.SMTPAuthenticationError) and 400 <= exc.smtp_code < 500:
        reply = _reply(exc.smtp_code, exc.smtp_error)
        return TemporaryRejection(f"The mail server could not check the login now ({reply}).")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        what = "OAuth2 token" if server.auth is AuthMethod.XOAUTH2 else "user name or password"
        return AuthenticationFailed(
            f"The mail server refused the {what} of “{server.name}” "
            f"({_reply(exc.smtp_code, exc.smtp_error)}). Check them in Settings → Mail."
        )
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        refused = {addr: _reply(code, msg) for addr, (code, msg) in exc.recipients.items()}
        temporary = all(400 <= code < 500 for code, _m in exc.recipients.values())
        listed = "; ".join(f"{addr}: {reply}" for addr, reply in refused.items())
        return RecipientsRefused(
            f"The mail server refused every recipient — {listed}", refused, temporary=temporary
        )
    if isinstance(exc, smtplib.SMTPResponseException):
        reply = _reply(exc.smtp_code, exc.smtp_error)
        if 400 <= exc.smtp_code < 500:
            return TemporaryRejection(f"The mail server asked to try again later ({reply}).")
        return PermanentRejection(f"The mail server refused the message ({reply}).")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return TlsProblem(
            f"{where} does not offer {server.security.label}. Choose the security the "
            "server supports (usually STARTTLS on port 587 or SSL/TLS on 465)."
        )
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return ServerUnreachable(
            f"{where} closed the connection unexpectedly. It will be tried again."
        )
    if (problem := network_problem(exc, server.host, server.port)) is not None:
        return problem
    return MailError(f"Sending through {where} failed ({type(exc).__name__}).")


NO_LOGIN_ASKED = (
    "This server does not ask for a login: clear the user name (or, if it should, check "
    "the security setting: some servers offer a login only over TLS)."
)


def xoauth2_string(username: str, token: str) -> str:
    """The SASL XOAUTH2 initial response (before base64), as Google and Microsoft define it."""
    return f"user={username}\x01auth=Bearer {token}\x01\x01"


def _login(
    client: smtplib.SMTP, username: str, password: str, auth: AuthMethod = AuthMethod.PASSWORD
) -> None:
    """Log in with AUTH PLAIN in UTF-8 where offered (smtplib's own login sends only
    ASCII and retries mechanisms after a refusal); otherwise smtplib's login. An OAuth2
    account logs in with AUTH XOAUTH2, the token in place of the password."""
    mechanisms = client.esmtp_features.get("auth", "").upper().split()
    if not mechanisms:
        raise AuthenticationFailed(NO_LOGIN_ASKED)
    if auth is AuthMethod.XOAUTH2:
        if "XOAUTH2" not in mechanisms:
            raise AuthenticationFailed(
                "The mail server does not offer OAuth2 (XOAUTH2) logins; choose the "
                "password login for this account."
            )
        # After a refusal the server sends an error as a challenge; the answer is empty.
        client.auth(
            "XOAUTH2",
            lambda challenge=None: xoauth2_string(username, password) if challenge is None else "",
        )
        return
    if "PLAIN" in mechanisms:
        token = base64.b64encode(f"\0{username}\0{password}".encode()).decode("ascii")
        code, reply = client.docmd("AUTH", f"PLAIN {token}")
        if code != 235:
            raise smtplib.SMTPAuthenticationError(code, reply)
    elif (username + password).isascii():
        client.login(username, password)
    else:
        raise AuthenticationFailed(
            "The mail server does not accept passwords with non-ASCII characters."
        )


@contextmanager
def connect(
    server: ServerSettings,
    password: str | None,
    *,
    tls: ssl.SSLContext | None = None,
    timeout: float = TIMEOUT_SECONDS,
    login: bool = True,
) -> Iterator[smtplib.SMTP]:
    """An SMTP session, secured and logged in as the account says (``login=False``:
    only secured, the caller logs in); errors explained."""
    if login and server.username and not password:
        raise MissingPassword(f"Enter the password of the mail account “{server.name}”.")
    context = tls or ssl.create_default_context()
    try:
        if server.security is Security.SSL:
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=timeout, context=context
            )
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=timeout)
    except Exception as exc:
        raise explain(exc, server) from None
    try:
        client.ehlo()
        if server.security is Security.STARTTLS:
            client.starttls(context=context)
            client.ehlo()
        if login and server.username:
            _login(client, server.username, password or "", server.auth)
        yield client
    except MailError:
        raise
    except Exception as exc:
        raise explain(exc, server) from None
    finally:
        try:
            client.quit()
        except Exception:  # the connection may already be gone
            client.close()


@dataclass(frozen=True)
class ConnectionTest:
    """What a test found, so the agent is told what really happened: a login as
    ``username`` ("" when none was tried) on a server that does or doesn't offer one."""

    username: str
    offers_login: bool

    @property
    def login_text(self) -> str:
        """The login part of the outcome, e.g. "logged in as ann@example.com"."""
        if self.username:
            return f"logged in as {self.username}"
        if not self.offers_login:
            return "this server needs no login"
        return (
            "no login was tried (no user name); if the server refuses to send, enter "
            "the user name and password"
        )


def test_connection(
    server: ServerSettings, password: str | None, *, tls: ssl.SSLContext | None = None
) -> ConnectionTest:
    """Connect, secure and log in without sending anything; raise :class:`MailError`.

    A user name for a server that asks for no login (a local relay) is refused with
    :data:`NO_LOGIN_ASKED` before any password is asked for."""
    with connect(server, password, tls=tls, login=False) as client:
        offers_login = bool(client.esmtp_features.get("auth", "").split())
        if server.username:
            if not offers_login:
                raise AuthenticationFailed(NO_LOGIN_ASKED)
            if not password:
                raise MissingPassword(f"Enter the password of the mail account “{server.name}”.")
            _login(client, server.username, password, server.auth)
        client.noop()
    return ConnectionTest(server.username, offers_login)


@dataclass(frozen=True)
class Delivery:
    """What the server accepted: every recipient but those in ``refused``."""

    refused: dict[str, str]


def send(
    server: ServerSettings,
    password: str | None,
    *,
    sender: str,
    recipients: list[str],
    message: bytes,
    tls: ssl.SSLContext | None = None,
) -> Delivery:
    """Hand ``message`` to the server. Some recipients refused: returned, not raised
    (the others got it); all refused or the message refused: raised."""
    with connect(server, password, tls=tls) as client:
        refused = client.sendmail(sender, recipients, message)
    return Delivery({addr: _reply(code, msg) for addr, (code, msg) in refused.items()})
